// Sweeps on the job queue (issue 22): the same sweep of the demo line (N points x 10 simulated
// minutes; 200 in the issue, `--queue-points=N`, 1-500) in one local piscina pool, then on three
// `twinloop worker` processes (one pool thread each) on this machine through a redis-server
// started here on a free 127.0.0.1 port: the wall times and their ratio (the baseline is the
// local pool of the same run). Then the queue's own cost per job: M short points (1 simulated s)
// through one single-thread worker, wall time minus the runs' own time, per job. Workers are
// started and warmed before timing; the local pool's boot (~2-3 s) is inside its wall time.
// Runs alone with `node --import tsx bench/queue.ts [--queue-points=N]`.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort } from '../plc-adapters/soft-plc/free-port.ts';
import { expandGrid, type SweepPoint } from '../core/scenario/sweep.ts';
import { runSweep } from '../core/scenario/sweep-run.ts';
import { parseQueueUrl } from '../core/queue/queue-address.ts';
import { runSweepOnQueue } from '../core/queue/queue-runs.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DEMO = join(ROOT, 'examples/sorting.yaml');
const WORKERS = 3;
const SHORT_JOBS = 40;
/** Every wait for a process is bounded. */
const START_MS = 120_000;

function pointsArg(): number {
  const a = process.argv.find((x) => x.startsWith('--queue-points='));
  const n = a ? Number(a.slice('--queue-points='.length)) : 200;
  return Number.isInteger(n) && n >= 1 && n <= 500 ? n : 200;
}

/** src.rate x sorter.beltSpeed, 20 x 10 = 200 points at most (then the first N). */
function points(n: number, duration: number, name: string): SweepPoint[] {
  const rates = Array.from({ length: 20 }, (_, k) => Number((0.15 + 0.025 * k).toFixed(3)));
  const speeds = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3];
  const all = expandGrid({ name, line: DEMO, program: 'sorting', duration, sampleMs: 100, grid: { 'components[src].rate': rates, 'components[sorter].beltSpeed': speeds } });
  return Array.from({ length: n }, (_, k) => all[k % all.length]!);
}

async function waitOutput(child: ChildProcess, re: RegExp, what: string): Promise<void> {
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const end = Date.now() + START_MS;
  while (!re.test(out)) {
    if (child.exitCode !== null || Date.now() > end) throw new Error(`${what} did not start: ${out.slice(-500)}`);
    await sleep(50);
  }
}

export async function queueBench(log: (s: string) => void): Promise<void> {
  const n = pointsArg();
  const threads = availableParallelism();
  const dir = mkdtempSync(join(tmpdir(), 'twinloop-queue-bench-'));
  const children: ChildProcess[] = [];
  try {
    const local = await runSweep(points(n, 600, 'local'), threads);
    const localErrors = local.rows.filter((r) => r.result.status === 'error').length;
    log(`local pool of ${threads} threads: ${n} points x 600 s simulated in ${(local.wallMs / 1000).toFixed(1)} s wall (${(local.wallMs / n).toFixed(0)} ms per point, ${localErrors} errors)`);

    const port = await freePort('127.0.0.1');
    const redis = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(redis);
    await waitOutput(redis, /Ready to accept connections/, 'redis-server');
    const url = `redis://127.0.0.1:${port}`;
    const connection = parseQueueUrl(url);
    const worker = (k: number): Promise<void> => {
      const w = spawn(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', 'worker', '--queue', url, '--threads', '1', '--quiet', '--cache', join(dir, `cache${k}`)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(w);
      return waitOutput(w, /taking jobs from/, `worker ${k}`);
    };
    // The cost per job first, with one worker: short points, back to back.
    await worker(1);
    await runSweepOnQueue(points(2, 1, 'warm'), { connection });
    const short = await runSweepOnQueue(points(SHORT_JOBS, 1, 'short'), { connection });
    const runMs = short.rows.reduce((s, r) => s + r.result.wallMs, 0);
    const overhead = (short.wallMs - runMs) / SHORT_JOBS;
    log(`queue cost per job: ${SHORT_JOBS} points x 1 s simulated through 1 single-thread worker: ${short.wallMs.toFixed(0)} ms wall, runs ${runMs.toFixed(0)} ms: ${overhead.toFixed(1)} ms per job (upload, Redis, fetch, pool dispatch, result back; the submitter's 250 ms poll once per sweep included)`);

    await Promise.all([2, 3].map(worker));
    await runSweepOnQueue(points(WORKERS * 2, 10, 'warm'), { connection });
    const queued = await runSweepOnQueue(points(n, 600, 'queued'), { connection });
    const errors = queued.rows.filter((r) => r.result.status === 'error').length;
    const ratio = local.wallMs / queued.wallMs;
    log(`queue, ${WORKERS} workers x 1 thread on this machine: ${n} points in ${(queued.wallMs / 1000).toFixed(1)} s wall (${(queued.wallMs / n).toFixed(0)} ms per point, ${errors} errors); throughput ${ratio.toFixed(2)}x the local pool`);
    // A point costs this much of one core on the queue (wall time x cores / points); the queue's
    // own cost per job is a fraction of it that does not grow with the machines (each worker
    // fetches its own jobs), so each added machine like this one adds this machine's rate.
    const coreMsPerPoint = (queued.wallMs * threads) / n;
    log(`per added machine like this one (extrapolated): +${((n * 60_000) / queued.wallMs).toFixed(1)} points/min (${threads} cores; a point takes ${coreMsPerPoint.toFixed(0)} ms of a core, the queue's cost ${overhead.toFixed(1)} ms of it = ${((100 * overhead) / coreMsPerPoint).toFixed(1)}%)`);
  } finally {
    for (const c of children.reverse()) c.kill('SIGTERM');
    await sleep(500);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await queueBench((s) => console.log(s));
