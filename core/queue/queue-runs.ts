// Sweeps and suites on the queue: the same tasks the local pool would run (expandGrid's points,
// the suite's scenario tasks), sent to the queue's workers, their results put in task order for
// the same report writers (writeSweep, runSuite's JUnit, HTML and result directories).

import { performance } from 'node:perf_hooks';
import type { ScenarioResult } from '../scenario/runner.ts';
import type { ScenarioTask } from '../scenario/scenario-task.ts';
import type { SuiteOptions } from '../scenario/suite.ts';
import type { SweepRunResult } from '../scenario/sweep-run.ts';
import type { SweepPoint, SweepRow } from '../scenario/sweep.ts';
import { runOnQueue, type SubmitOptions } from './queue-submit.ts';

/** runSweep's twin: every point on the queue; `onPoint` as each result arrives. */
export async function runSweepOnQueue(points: readonly SweepPoint[], o: SubmitOptions, onPoint?: (row: SweepRow, done: number) => void): Promise<SweepRunResult> {
  const t0 = performance.now();
  const rows: SweepRow[] = new Array(points.length);
  let done = 0;
  await runOnQueue(points.map((p) => ({ name: p.task.name, task: { kind: 'sweep-point', task: p.task } })), o, (k, result) => {
    rows[k] = { point: points[k]!, result };
    onPoint?.(rows[k]!, ++done);
  });
  return { rows, wallMs: performance.now() - t0 };
}

/** The suite's `execute` hook: its scenario tasks on the queue instead of the local pool. */
export function suiteOnQueue(o: SubmitOptions): NonNullable<SuiteOptions['execute']> {
  return (tasks: readonly ScenarioTask[], finished: (k: number, r: ScenarioResult) => void) =>
    runOnQueue(tasks.map((task) => ({ name: task.file, task: { kind: 'scenario', task } })), o, finished);
}
