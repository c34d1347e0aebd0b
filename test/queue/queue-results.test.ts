// Sweeps and suites on the job queue give the local run's results (verdicts, KPIs, trace bytes)
// for the same seeds, with redis-server and three `twinloop worker` processes; a job that fails
// on all three attempts is reported with its error; a job made by another twinloop version is
// refused by every worker and the refusal reaches the submitter.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LINE } from '../../core/scenario/scenario-file.ts';
import { expandGrid, lineProgram, sweepCsv, type SweepSpec } from '../../core/scenario/sweep.ts';
import { runSweep } from '../../core/scenario/sweep-run.ts';
import { runSuite } from '../../core/scenario/suite.ts';
import type { ScenarioResult } from '../../core/scenario/runner.ts';
import { runSweepOnQueue, suiteOnQueue } from '../../core/queue/queue-runs.ts';
import { runOnQueue } from '../../core/queue/queue-submit.ts';
import { runtimeLabel, runtimeVersion } from '../../core/queue/runtime-version.ts';
import { startRedis, startWorkers, stopAll, tempDir, type Proc, type RedisProc } from './queue-fixtures.ts';

const SCENARIOS = fileURLToPath(new URL('../../examples/scenarios/', import.meta.url));
let redis: RedisProc;
let workers: Proc[] = [];
/** Workers boot (seconds each on a busy machine) while the first test computes its local reference. */
let booting: Promise<Proc[]>;
let dir: string;

test.before(async () => {
  dir = tempDir();
  redis = await startRedis();
  booting = startWorkers(redis.url, dir).then((w) => (workers = w));
  booting.catch(() => undefined);
});

test.after(async () => {
  await booting?.catch(() => undefined);
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

/** Everything of a result but its wall time (which differs between any two runs). */
function same(a: ScenarioResult, b: ScenarioResult, what: string): void {
  const { wallMs: _a, trace: ta, ...ra } = a;
  const { wallMs: _b, trace: tb, ...rb } = b;
  assert.equal(ra, rb, `${what}: result fields`);
  assert.ok(ta !== undefined && tb !== undefined, `${what}: both have a trace`);
  assert.ok(Buffer.from(ta!).equals(Buffer.from(tb!)), `${what}: trace bytes`);
}

test('a sweep on the queue gives the local sweep, point for point, trace bytes included', async () => {
  const spec: SweepSpec = { name: 'q', line: DEFAULT_LINE, program: lineProgram(DEFAULT_LINE), duration: 30, seed: 11, sampleMs: 100, grid: { 'components[src].rate': [0.3, 0.5, 0.7] } };
  const points = expandGrid(spec);
  const local = await runSweep(points, 1);
  await booting;
  const queued = await runSweepOnQueue(points, { connection: redis.connection });
  assert.is(queued.rows.length, 3);
  for (let k = 0; k < 3; k++) same(queued.rows[k]!.result, local.rows[k]!.result, `point ${k + 1}`);
  assert.is(sweepCsv(queued.rows), sweepCsv(local.rows));
  // Every point ran on a worker (a point may start twice when a busy machine delays a lock
  // renewal past the 2 s lock: the submitter still takes one result per point).
  for (const p of points) assert.ok(workers.some((w) => w.out.includes(` done ${p.task.name} `)), p.task.name);
});

test('a suite on the queue gives the local suite: verdicts, KPIs, traces, reports', async () => {
  const files = [join(SCENARIOS, '01-nominal-sorting.yaml'), join(SCENARIOS, '03-pusher-jam.yaml')];
  const local = await runSuite(files, { threads: 1, outDir: join(dir, 'local') });
  const queued = await runSuite(files, { threads: 1, outDir: join(dir, 'queued'), execute: suiteOnQueue({ connection: redis.connection }) });
  assert.is(queued.results.length, 2);
  assert.is(queued.passed, local.passed);
  assert.is(queued.failed, local.failed);
  for (let k = 0; k < 2; k++) same(queued.results[k]!, local.results[k]!, files[k]!);
});

test('a job failing on all three attempts is reported with its error, not dropped', async () => {
  const spec: SweepSpec = { name: 'broken', line: DEFAULT_LINE, program: lineProgram(DEFAULT_LINE), duration: 5, sampleMs: 100, grid: { 'components[src].rate': [0.4, 0.5] } };
  const points = expandGrid(spec);
  const results: ScenarioResult[] = [];
  const notes: string[] = [];
  const progress = Object.assign(new (await import('node:stream')).Writable({ write: (c, _e, cb) => void (notes.push(String(c)), cb()) }), { isTTY: false });
  // The second job names content that was never stored (as after Redis lost it): every attempt fails.
  await runOnQueue(points.map((p) => ({ name: p.task.name, task: { kind: 'sweep-point' as const, task: p.task } })), {
    connection: redis.connection,
    progress,
    alter: (job, k) => (k === 1 ? { ...job, files: Object.fromEntries(Object.keys(job.files).map((f) => [f, '0'.repeat(64)])) } : job),
  }, (k, r) => (results[k] = r));
  assert.is(results[0]!.status, 'passed');
  assert.is(results[1]!.status, 'error');
  assert.match(results[1]!.message!, /failed on all 3 attempts/);
  assert.match(results[1]!.message!, /is not in Redis/);
  assert.is(results[1]!.name, 'broken-2');
  // The final error is always reported (above); the retries are noted as the polls see them.
  assert.match(notes.join(''), /broken-2: failed on all 3 attempts/);
});

test('a job made by another twinloop version is refused by the workers, and the submitter says so', async () => {
  const spec: SweepSpec = { name: 'other', line: DEFAULT_LINE, program: lineProgram(DEFAULT_LINE), duration: 5, sampleMs: 100, grid: { 'components[src].rate': [0.4] } };
  const [point] = expandGrid(spec);
  let result: ScenarioResult | undefined;
  await runOnQueue([{ name: point!.task.name, task: { kind: 'sweep-point', task: point!.task } }], { connection: redis.connection, version: { twinloop: '0.0.0-other', node: process.versions.node } }, (_k, r) => (result = r));
  assert.is(result?.status, 'error');
  assert.ok(result!.message!.includes(`: it runs ${runtimeLabel(runtimeVersion())}, the job was made by twinloop 0.0.0-other`), result!.message);
  assert.match(result!.message!, /failed on all 3 attempts: refused by worker /);
  assert.ok(workers.some((w) => /refused other-1/.test(w.out)));
});

test.run();
