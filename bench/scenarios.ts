// Scenario suites and what-if sweeps: scenarios per minute serially (in this thread) against
// the same suite in a piscina pool of 2 threads (target: near the core count), the pool's boot
// reported apart; and a sweep of the demo line over N points x 10 simulated minutes (wall time;
// 50 points in the issue, `--sweep-points=N`, default 10 here to keep `npm run bench` short).
// Baseline in the same run: the bare Lockstep stepping the demo line for 10 simulated minutes.
// Runs alone with `node --import tsx bench/scenarios.ts [--sweep-points=N]`.

import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadLineFile } from '../core/config/line-file.ts';
import { Lockstep } from '../core/engine/lockstep.ts';
import { programTagMap, runSignals } from '../core/engine/run-catalog.ts';
import { runScenarioTask } from '../core/scenario/scenario-task.ts';
import { scenarioFiles } from '../core/scenario/suite.ts';
import { ScenarioPool } from '../core/scenario/pool.ts';
import { expandGrid } from '../core/scenario/sweep.ts';
import { runSweep } from '../core/scenario/sweep-run.ts';

const SUITE = fileURLToPath(new URL('../examples/scenarios/', import.meta.url));
const DEMO = fileURLToPath(new URL('../examples/sorting.yaml', import.meta.url));
/** The suite is run this many times over per measurement (more work per pool boot). */
const REPEAT = 2;
const THREADS = 2;
/** Alternating serial / pool rounds; the best of each is reported. */
const ROUNDS = 2;

function pointsArg(): number {
  const a = process.argv.find((x) => x.startsWith('--sweep-points='));
  const n = a ? Number(a.slice('--sweep-points='.length)) : 10;
  return Number.isInteger(n) && n >= 1 && n <= 500 ? n : 10;
}

export async function scenariosBench(log: (s: string) => void): Promise<void> {
  log(`${availableParallelism()} cores available; pool of ${THREADS} threads`);
  // Baseline: the bare lock-stepped line, 10 simulated minutes.
  const line = loadLineFile(DEMO);
  const tagMap = programTagMap('sorting');
  const ls = await Lockstep.create(line, runSignals(line, tagMap), { name: 'plc1', protocol: 'sim', program: 'sorting', cycleMs: 10 }, tagMap);
  let t = performance.now();
  ls.run(600_000);
  const bareMs = performance.now() - t;
  log(`baseline: bare Lockstep, demo line, 600 s simulated: ${bareMs.toFixed(0)} ms (${(600_000 / bareMs).toFixed(0)}x real time)`);

  const files = scenarioFiles([SUITE]);
  const tasks = Array.from({ length: REPEAT }, () => files).flat().map((file) => ({ file }));
  // JIT warm-up: one pass over the suite, here and (below) in every pool worker, so both sides
  // are measured hot.
  for (const file of files) await runScenarioTask({ file });
  const serialRound = async (): Promise<number> => {
    const t0 = performance.now();
    for (const task of tasks) await runScenarioTask(task);
    return performance.now() - t0;
  };
  let sim = 0;
  for (const file of files) sim += (await runScenarioTask({ file })).simTime;
  t = performance.now();
  const pool = new ScenarioPool(THREADS);
  try {
    await Promise.all(Array.from({ length: THREADS }, () => files).flat().map((file) => pool.run({ kind: 'scenario', task: { file } })));
    const bootMs = performance.now() - t;
    const poolRound = async (): Promise<number> => {
      const t0 = performance.now();
      await Promise.all(tasks.map((task) => pool.run({ kind: 'scenario', task })));
      return performance.now() - t0;
    };
    // Alternate serial and pool rounds and keep the best of each: the machine is shared, and
    // interleaving spreads other load over both sides.
    let serialMs = Infinity;
    let poolMs = Infinity;
    for (let r = 0; r < ROUNDS; r++) {
      serialMs = Math.min(serialMs, await serialRound());
      poolMs = Math.min(poolMs, await poolRound());
    }
    const serialRate = (tasks.length * 60_000) / serialMs;
    const poolRate = (tasks.length * 60_000) / poolMs;
    log(`serial: ${tasks.length} scenarios (${(sim * REPEAT).toFixed(0)} s simulated) in ${serialMs.toFixed(0)} ms = ${serialRate.toFixed(0)} scenarios/min (best of ${ROUNDS})`);
    log(`pool: ${tasks.length} scenarios in ${poolMs.toFixed(0)} ms = ${poolRate.toFixed(0)} scenarios/min, ${(poolRate / serialRate).toFixed(2)}x serial (target ~${THREADS}x); pool boot + warm-up ${bootMs.toFixed(0)} ms`);
  } finally {
    await pool.close();
  }

  const n = pointsArg();
  const rates = [0.2, 0.3, 0.4, 0.5, 0.6];
  const speeds = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3];
  const points = expandGrid({ name: 'bench', line: DEMO, program: 'sorting', duration: 600, sampleMs: 100, grid: { 'components[src].rate': rates, 'components[sorter].beltSpeed': speeds } }).slice(0, n);
  const { rows, wallMs } = await runSweep(points, THREADS);
  const errors = rows.filter((r) => r.result.status === 'error').length;
  log(`sweep: ${points.length} points x 600 s simulated (demo line, src.rate x sorter.beltSpeed) in a pool of ${THREADS}: ${(wallMs / 1000).toFixed(1)} s wall (${(wallMs / points.length).toFixed(0)} ms per point, ${errors} errors)${n < 50 ? `; --sweep-points=50 for the issue's figure` : ''}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await scenariosBench((s) => console.log(s));
