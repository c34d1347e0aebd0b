// Calibration of five parameters (issue 20; target < 60 s): history from the shadow rig's
// stand-in line (the sorting demo) with five departures — both belts, the pusher's two strokes
// and the sorter drive's time constant — then `calibrate` with the points evaluated in the
// piscina pool (2 threads) and, as the baseline in the same run, serially in this thread. The
// two give the same fitted values (the search is deterministic); the wall times differ.

import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlantFile } from '../core/config/plant-file.ts';
import { loadLineFile } from '../core/config/line-file.ts';
import { parseFitFile } from '../core/calibration/fit-file.ts';
import { calibrate, type CalibrationReport } from '../core/calibration/calibrate.ts';
import { CalibrationPool } from '../core/calibration/calibration-pool.ts';
import { standInHistory } from '../test/model/stand-in-history.ts';

const TRUE: Readonly<Record<string, number>> = {
  'infeed.beltSpeed': 0.4 * 1.03,
  'sorter.beltSpeed': 0.6 * 0.95,
  'pu1.extendTime': 0.4 * 1.2,
  'pu1.retractTime': 0.4 * 1.1,
  'm2.tau': 0.15 * 1.15,
};

const FIT = `parameters:
  - { path: infeed.beltSpeed, min: 0.3, max: 0.5 }
  - { path: sorter.beltSpeed, min: 0.4, max: 0.8 }
  - { path: pu1.extendTime, min: 0.2, max: 0.8 }
  - { path: pu1.retractTime, min: 0.2, max: 0.8 }
  - { path: m2.tau, min: 0.05, max: 0.4, initial: 0.15 }
maxEvaluations: 700
starts: 2
train: 0..60
holdout: 60..120
`;

export async function calibrationBench(log: (s: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'twinloop-bench-cal-'));
  try {
    const plant = loadPlantFile(new URL('../examples/sorting-shadow.yaml', import.meta.url).pathname);
    const line = loadLineFile(plant.line!);
    const csv = join(dir, 'history.csv');
    let t0 = performance.now();
    await standInHistory({ line, plant, departures: TRUE, seconds: 120, csv });
    log(`history: 120 s of the stand-in line with 5 departures, made in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const fit = parseFitFile('fit.yaml', FIT, line);
    // Points per round (a round's batch: the pool runs them side by side), and the process's CPU
    // time (all threads) against the wall time: what share of the 2 cores the run got.
    let sizes: number[] = [];
    const run = async (pool: CalibrationPool | undefined): Promise<CalibrationReport> => {
      sizes = [];
      let seen = 0;
      return calibrate({ line, plant, history: { ref: csv, plant }, fit, ...(pool ? { pool } : {}), onRound: (_r, _b, evaluations) => { sizes.push(evaluations - seen); seen = evaluations; } });
    };
    const cpu = (from: NodeJS.CpuUsage): number => { const c = process.cpuUsage(from); return (c.user + c.system) / 1e6; };
    const load = (): string => loadavg().map((v) => v.toFixed(1)).join(' ');
    const threads = Math.min(2, availableParallelism());
    log(`  load average (1, 5, 15 min) before the pool run: ${load()}`);
    const pool = new CalibrationPool(threads);
    let pooled: CalibrationReport;
    let c0 = process.cpuUsage();
    try {
      t0 = performance.now();
      pooled = await run(pool);
    } finally {
      await pool.close();
    }
    const pooledMs = performance.now() - t0;
    const pooledCpu = cpu(c0);
    const pooledSizes = sizes;
    log(`  load average before the serial run: ${load()}`);
    c0 = process.cpuUsage();
    t0 = performance.now();
    const serial = await run(undefined);
    const serialMs = performance.now() - t0;
    const serialCpu = cpu(c0);
    log(`  load average after: ${load()}`);
    for (const p of pooled.parameters) log(`  ${p.path.padEnd(18)} line ${String(p.before).padEnd(6)} true ${TRUE[p.path]!.toFixed(4)}  fitted ${p.after.toFixed(5)}  (${((p.after / TRUE[p.path]! - 1) * 100).toFixed(2)} % off)`);
    log(`  objective training ${pooled.train.before.objective.toExponential(2)} -> ${pooled.train.after.objective.toExponential(2)}; held-out ${pooled.holdout.before.objective.toExponential(2)} -> ${pooled.holdout.after.objective.toExponential(2)}; held-out validation ${pooled.validation.before.verdict} -> ${pooled.validation.after.verdict}${pooled.validation.after.failedSignals.length ? ` (failed: ${pooled.validation.after.failedSignals.join(', ')})` : ''}`);
    const two = pooledSizes.filter((n) => n >= threads).length;
    log(`  pool (${threads} threads): ${(pooledMs / 1000).toFixed(1)} s for ${pooled.optimizer.evaluations} model runs of 60 s in ${pooled.optimizer.rounds} rounds (search ${(pooled.searchMs / 1000).toFixed(1)} s); ${two} rounds of ${threads}+ points, ${pooled.optimizer.rounds - two} of 1; process CPU ${pooledCpu.toFixed(1)} s (${((pooledCpu * 1000) / pooledMs).toFixed(2)} cores)`);
    log(`  serial (baseline):  ${(serialMs / 1000).toFixed(1)} s for ${serial.optimizer.evaluations} model runs (search ${(serial.searchMs / 1000).toFixed(1)} s); process CPU ${serialCpu.toFixed(1)} s (${((serialCpu * 1000) / serialMs).toFixed(2)} cores), ${((serialCpu * 1000) / serial.optimizer.evaluations).toFixed(0)} ms CPU per run; pool/serial ${(pooledMs / serialMs).toFixed(2)}x`);
    for (const s of pooled.optimizer.starts) log(`  start ${s.u0.map((v) => v.toFixed(3)).join(',')}: objective ${s.fx.toExponential(2)}, ${s.evaluations} points asked, ${s.legs} legs, ${s.converged ? 'converged' : 'stopped by the budget'}`);
    const same = pooled.parameters.every((p, i) => p.after === serial.parameters[i]!.after);
    log(`  same fitted values pool and serial: ${same}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
