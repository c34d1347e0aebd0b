// A plan run's queue job, without Redis: the files it carries (the plan, its order CSV, its line
// file in a sibling folder and that line's ST program) by sha256 relative to their common
// folder; the task's paths moved into a worker's copy (its progress lines left behind); the
// job's pool handler gives the local run's result, and a run's own error as data with its code;
// the result codec carries a plan result bit for bit.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
import { relative } from 'node:path';
import { sha256 } from '../../core/queue/content-store.ts';
import { jobFiles, localTask, makeJob } from '../../core/queue/queue-job.ts';
import handle from '../../core/queue/queue-pool-worker.ts';
import { decodeResult, encodeResult, remapResult } from '../../core/queue/result-codec.ts';
import { runtimeVersion } from '../../core/queue/runtime-version.ts';
import type { PlanJobResult } from '../../core/queue/plan-job.ts';
import { runPlanTask, type PlanResult, type PlanTask } from '../../core/planning/plan-run.ts';
import { expandPlanGrid, loadPlanSweepFile } from '../../core/planning/plan-sweep.ts';
import { tempDir } from './queue-fixtures.ts';
import { writePlanFixture } from './plan-fixtures.ts';

const dir = tempDir();
const fx = writePlanFixture(dir);
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** A result without its wall time (differs between any two runs). */
const noWall = (r: PlanResult): object => ({ ...r, wallMs: 0 });

test("a plan run's job: the plan, its CSV, its line and the line's program, relative to their common folder", () => {
  const store = jobFiles();
  // As `twinloop plan` writes it: relative to the working directory, on the virtual line.
  const task: PlanTask = { file: relative(process.cwd(), fx.plan), rule: 'edd', seed: 3, onLine: true, progress: true };
  const job = makeJob({ kind: 'plan-run', task }, 'qplan edd seed 3', runtimeVersion(), store);
  assert.is(job.root, dir);
  assert.equal(Object.keys(job.files).sort(), ['lines/heat-st-line.yaml', 'lines/heat.st', 'plans/orders/week.csv', 'plans/plan.yaml']);
  assert.is(job.files['plans/orders/week.csv'], sha256(readFileSync(fx.orders)));
  assert.is(store.blobs.size, 4);
  // Every point of a sweep names the same files: read once.
  makeJob({ kind: 'plan-run', task: { ...task, rule: 'spt' } }, 'qplan spt seed 3', runtimeVersion(), store);
  assert.is(store.blobs.size, 4);
  assert.is(store.filesOf.size, 1);
  const local = localTask(job, '/cache/trees/abc');
  assert.ok(local.kind === 'plan-run');
  if (local.kind === 'plan-run') {
    assert.equal(local.task, { file: '/cache/trees/abc/plans/plan.yaml', rule: 'edd', seed: 3, onLine: true });
  }
  // --on-line --line FILE: that line (and its program) travel too, and move with the tree.
  const other = makeJob({ kind: 'plan-run', task: { ...task, line: fx.line } }, 'x', runtimeVersion(), jobFiles());
  assert.is(Object.keys(other.files).length, 4);
  const moved = localTask(other, '/c');
  assert.ok(moved.kind === 'plan-run' && moved.task.line === '/c/lines/heat-st-line.yaml');
});

test("the job's pool handler: the local run's result; a run's own error as data with its code, not a throw", async () => {
  const spec = loadPlanSweepFile(fx.badSweep);
  const [good, bad] = expandPlanGrid(spec);
  const task: PlanTask = { file: spec.plan, rule: 'edd', seed: 1, point: good!.values };
  const r = (await handle({ kind: 'plan-run', task })) as PlanJobResult;
  assert.ok(r.kind === 'plan-run' && r.ok);
  if (r.ok) assert.equal(noWall(r.result), noWall(runPlanTask(task)));
  const e = (await handle({ kind: 'plan-run', task: { ...task, point: bad!.values } })) as PlanJobResult;
  assert.ok(!e.ok);
  if (!e.ok) {
    assert.is(e.code, 'PLAN_NO_WORKING_TIME');
    assert.match(e.message, /no working time within/);
  }
});

test('result codec: a plan result arrives exactly (non-finite KPIs kept), through the path map', () => {
  const result = runPlanTask({ file: fx.plan, rule: 'family', seed: 1 });
  const withNaN = { ...result, kpis: { ...result.kpis, energyPerUnit: NaN } };
  const sent: PlanJobResult = { kind: 'plan-run', ok: true, result: withNaN };
  const back = decodeResult<PlanJobResult>(encodeResult(remapResult(sent, [['/cache/trees/abc', dir]])));
  assert.ok(back.ok);
  if (back.ok) {
    assert.ok(Number.isNaN(back.result.kpis.energyPerUnit));
    assert.equal(noWall({ ...back.result, kpis: { ...back.result.kpis, energyPerUnit: 0 } }), noWall({ ...withNaN, kpis: { ...withNaN.kpis, energyPerUnit: 0 } }));
  }
});

test.run();
