// Plan sweeps and plan comparisons on the job queue, with redis-server and two `twinloop worker`
// processes: the same sweep run here and on the queue gives identical results per point (KPIs,
// sequence, Gantt bars, WIP curve) on the virtual line (the line's ST program shipped with it);
// `twinloop sweep PLAN-SWEEP --queue` and `twinloop plan --rule ... --queue` write the files the
// local runs write; a run's own error comes back with its code, once, not retried; a job made
// by another twinloop version is refused by the workers and the submitter says so.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { isTwinloopError } from '../../core/errors.ts';
import { planCommand } from '../../core/cli/plan-command.ts';
import { sweepCommand } from '../../core/cli/sweep-command.ts';
import { runPlanTask, type PlanResult, type PlanTask } from '../../core/planning/plan-run.ts';
import { expandPlanGrid, loadPlanSweepFile } from '../../core/planning/plan-sweep.ts';
import { runPlanTasksOnQueue } from '../../core/queue/plan-runs.ts';
import { runtimeLabel, runtimeVersion } from '../../core/queue/runtime-version.ts';
import { startRedis, startWorker, stopAll, tempDir, type Proc, type RedisProc } from './queue-fixtures.ts';
import { writePlanFixture, type PlanFixture } from './plan-fixtures.ts';

let redis: RedisProc;
let workers: Proc[] = [];
/** Workers boot (seconds each on a busy machine) while the first test computes its local reference. */
let booting: Promise<Proc[]>;
let dir: string;
let fx: PlanFixture;

test.before(async () => {
  dir = tempDir();
  fx = writePlanFixture(join(dir, 'work'));
  redis = await startRedis();
  booting = Promise.all([1, 2].map((k) => startWorker(redis.url, join(dir, `cache${k}`)))).then((w) => (workers = w));
  booting.catch(() => undefined);
});

test.after(async () => {
  await booting?.catch(() => undefined);
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

/** A stdout for the commands, kept. */
function sink(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const w = new Writable({ write(chunk: Buffer, _e, cb) { text += chunk.toString(); cb(); } });
  return { stream: w as unknown as NodeJS.WriteStream, text: () => text };
}

/** The tasks of a plan sweep file, as planSweepCommand makes them. */
function sweepTasks(file: string): { name: string; task: PlanTask }[] {
  const spec = loadPlanSweepFile(file);
  return expandPlanGrid(spec).map((p) => ({
    name: `${spec.name} #${p.index + 1}`,
    task: { file: spec.plan, rule: spec.rule ?? 'edd', seed: spec.seed ?? 1, point: p.values, ...(spec.onLine ? { onLine: true } : {}) },
  }));
}

/** A result without its wall time (differs between any two runs). */
const noWall = (r: PlanResult): object => ({ ...r, wallMs: 0 });

test('a plan sweep on the virtual line: the queue gives the local run, point for point', async () => {
  const tasks = sweepTasks(fx.onLineSweep);
  assert.is(tasks.length, 4);
  const local = tasks.map((t) => runPlanTask(t.task));
  await booting;
  const queued = await runPlanTasksOnQueue(tasks, { connection: redis.connection });
  assert.is(queued.length, 4);
  for (let k = 0; k < 4; k++) {
    assert.ok(queued[k]!.onLine !== undefined && queued[k]!.onLine!.ticks > 0, `${tasks[k]!.name} ran on the virtual line`);
    assert.equal(noWall(queued[k]!), noWall(local[k]!), tasks[k]!.name);
  }
  // The points differ (the grid is not a no-op): the faster stations end earlier.
  assert.ok(local[1]!.kpis.makespan < local[0]!.kpis.makespan);
  for (const t of tasks) assert.ok(workers.some((w) => w.out.includes(` done ${t.name} ok `)), t.name);
});

test('twinloop sweep PLAN-SWEEP --queue writes the local sweep.csv and sweep.json', async () => {
  const a = sink();
  const b = sink();
  assert.is(await sweepCommand([fx.scheduleSweep, '--serial', '--out', join(dir, 'local')], a.stream), 0);
  assert.is(await sweepCommand([fx.scheduleSweep, '--queue', redis.url, '--out', join(dir, 'queued')], b.stream), 0);
  assert.match(b.text(), /16 point\(s\) of plan qplan \(schedule\), job queue redis:\/\/127\.0\.0\.1:\d+/);
  for (const f of ['sweep.csv', 'sweep.json']) assert.is(readFileSync(join(dir, 'queued', f), 'utf8'), readFileSync(join(dir, 'local', f), 'utf8'), f);
  // The console table too (everything but the wall time line).
  const table = (s: string): string => s.slice(s.indexOf('#1:'), s.indexOf(' point(s) in '));
  assert.is(table(b.text()), table(a.text()));
});

test('twinloop plan --rule edd,spt,family --seeds 2 --queue writes the local plan.json', async () => {
  const args = [fx.plan, '--rule', 'edd,spt,family', '--seeds', '2', '--operators', '2'];
  const a = sink();
  const b = sink();
  assert.is(await planCommand([...args, '--serial', '--out', join(dir, 'plan-local')], a.stream), 0);
  assert.is(await planCommand([...args, '--queue', redis.url, '--out', join(dir, 'plan-queued')], b.stream), 0);
  assert.is(readFileSync(join(dir, 'plan-queued', 'plan.json'), 'utf8'), readFileSync(join(dir, 'plan-local', 'plan.json'), 'utf8'));
  assert.ok(workers.some((w) => w.out.includes(' done qplan spt seed 2 ok ')));
});

test("a run's own error comes back with its code and the point's name, run once, not retried", async () => {
  const tasks = sweepTasks(fx.badSweep);
  try {
    await runPlanTasksOnQueue(tasks, { connection: redis.connection });
    assert.unreachable('the point without working time passed');
  } catch (err) {
    assert.ok(isTwinloopError(err, 'PLAN_NO_WORKING_TIME'), String(err));
    assert.match((err as Error).message, /^qbad #2: no working time within \d+ days/);
  }
  const lines = workers.flatMap((w) => w.out.split('\n')).filter((l) => l.includes(' qbad #2'));
  assert.equal(lines.filter((l) => l.includes(' start ')).length, 1, lines.join('\n'));
  assert.ok(lines.some((l) => l.includes('done qbad #2 error PLAN_NO_WORKING_TIME')), lines.join('\n'));
});

test('a plan job made by another twinloop version is refused by the workers, and the submitter says so', async () => {
  const [task] = sweepTasks(fx.badSweep);
  const notes: string[] = [];
  const progress = Object.assign(new Writable({ write: (c, _e, cb) => void (notes.push(String(c)), cb()) }), { isTTY: false });
  try {
    await runPlanTasksOnQueue([{ ...task!, name: 'qother #1' }], { connection: redis.connection, progress, version: { twinloop: '0.0.0-other', node: process.versions.node } });
    assert.unreachable('a job of another version ran');
  } catch (err) {
    assert.ok(isTwinloopError(err, 'QUEUE_JOB_FAILED'), String(err));
    const msg = (err as Error).message;
    assert.match(msg, /^1 of 1 plan run\(s\) failed on the queue:\n {2}qother #1: failed on all 3 attempts: refused by worker /);
    assert.ok(msg.includes(`: it runs ${runtimeLabel(runtimeVersion())}, the job was made by twinloop 0.0.0-other`), msg);
  }
  assert.match(notes.join(''), /qother #1: failed on all 3 attempts/);
  assert.ok(workers.some((w) => /refused qother #1/.test(w.out)));
});

test.run();
