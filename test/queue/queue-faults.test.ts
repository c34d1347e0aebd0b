// Faults on the job queue, with redis-server (append-only file, fsync'd at every write) and
// three `twinloop worker` processes: a worker killed with SIGKILL mid-job has its job run by
// another after the lock time, counted once; Redis killed and restarted mid-sweep, the
// submitting `twinloop sweep --queue` and the workers reconnect and the sweep completes with
// the local run's table.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LINE } from '../../core/scenario/scenario-file.ts';
import { expandGrid, lineProgram, sweepCsv, type SweepSpec } from '../../core/scenario/sweep.ts';
import { runSweep } from '../../core/scenario/sweep-run.ts';
import type { SweepRow } from '../../core/scenario/sweep.ts';
import { runSweepOnQueue } from '../../core/queue/queue-runs.ts';
import { Proc, startRedis, startWorker, startWorkers, stopAll, tempDir, type RedisProc } from './queue-fixtures.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let redis: RedisProc;
let workers: Proc[] = [];
/** Workers boot (seconds each on a busy machine) while the first test computes its local reference. */
let booting: Promise<Proc[]>;
let dir: string;

test.before(async () => {
  dir = tempDir();
  redis = await startRedis(dir);
  booting = startWorkers(redis.url, dir).then((w) => (workers = w));
  booting.catch(() => undefined);
});

test.after(async () => {
  await booting?.catch(() => undefined);
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

test('a worker killed mid-job: its job runs on another after the lock time, once', async () => {
  const spec: SweepSpec = { name: 'kill', line: DEFAULT_LINE, program: lineProgram(DEFAULT_LINE), duration: 60, seed: 3, sampleMs: 100, grid: { 'components[src].rate': [0.3, 0.6, 0.9] } };
  const points = expandGrid(spec);
  const local = await runSweep(points, 1);
  await booting;
  let calls = 0;
  const queued = runSweepOnQueue(points, { connection: redis.connection }, () => void calls++);
  // Kill the first worker that starts a job, while it runs it.
  const started = await Promise.any(workers.map(async (w) => ({ w, m: await w.waitFor(/ start (kill-\d) /, 60_000) })));
  const victim = started.w;
  const name = started.m[1]!;
  await victim.stop('SIGKILL');
  const rows = (await queued).rows;
  assert.is(calls, 3, 'each point handed over once');
  assert.is(sweepCsv(rows), sweepCsv(local.rows));
  const others = workers.filter((w) => w !== victim);
  assert.ok(others.some((w) => new RegExp(` done ${name} passed`).test(w.out)), `${name} finished on another worker`);
  assert.not.match(victim.out, new RegExp(` done ${name} `));
  // A fresh third worker for the next test, booting while it computes its local reference.
  workers = others;
  booting = startWorker(redis.url, join(dir, 'cache4')).then((w) => (workers = [...others, w]));
  booting.catch(() => undefined);
});

test('Redis killed and restarted mid-sweep: `twinloop sweep --queue` resumes and completes', async () => {
  const rates = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
  const spec: SweepSpec = { name: 'restart', line: DEFAULT_LINE, program: lineProgram(DEFAULT_LINE), duration: 60, seed: 9, sampleMs: 100, grid: { 'components[src].rate': rates } };
  const local = await runSweep(expandGrid(spec), 1);
  await booting;
  const out = join(dir, 'restart-out');
  const cli = new Proc(spawn(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', 'sweep', '--param', `components[src].rate=${rates.join(',')}`, '--duration', '60', '--seed', '9', '--name', 'restart', '--queue', redis.url, '--out', out], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
  const exited = new Promise<number | null>((r) => cli.child.once('exit', (code) => r(code)));
  // Once the first point is done: hold the workers (SIGSTOP, so the sweep cannot end before the
  // crash however fast this machine is), crash Redis (SIGKILL: no clean shutdown), bring it
  // back, let the workers go on.
  await Promise.any(workers.map((w) => w.waitFor(/ done restart-\d /, 90_000)));
  for (const w of workers) w.child.kill('SIGSTOP');
  await redis.proc.stop('SIGKILL');
  await cli.waitFor(/waiting for Redis/, 20_000);
  await redis.start();
  for (const w of workers) w.child.kill('SIGCONT');
  const code = await exited;
  assert.is(code, 0, cli.out.slice(-2000));
  assert.match(cli.out, /queue: 6\/6 done, 0 running, 0 failed/);
  assert.match(cli.out, /connected again/);
  assert.is(readFileSync(join(out, 'sweep.csv'), 'utf8'), sweepCsv(local.rows as SweepRow[]));
});

test.run();
