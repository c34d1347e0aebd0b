// Plan runs on the queue (`twinloop sweep PLAN-SWEEP --queue`, `twinloop plan --queue`): the
// (rule, seed, point) tasks the plan pool would run here (core/planning/plan-pool.ts), sent to
// the queue's workers through the same submitter as line sweeps, their results put in task order
// for the same comparison and report writers. A run that throws here throws there too: its error
// comes back with its code and is thrown again here once every job has finished.

import { TwinloopError, type ErrorCode } from '../errors.ts';
import type { PlanResult, PlanTask } from '../planning/plan-run.ts';
import { submitJobs, type QueueTask, type SubmitOptions } from './queue-submit.ts';
import type { PlanJobTask } from './plan-job.ts';

/** Most failures a QUEUE_JOB_FAILED message lists one by one. */
const LISTED = 10;

/**
 * runPlanTasks' twin: every task a job; results in task order.
 * @throws TwinloopError with the run's own code when a run failed as it would locally (the first
 *   in task order, named); QUEUE_JOB_FAILED when jobs failed on every attempt (refused by workers
 *   of another version, files lost from Redis, a crashed pool thread)
 */
export async function runPlanTasksOnQueue(tasks: readonly { readonly name: string; readonly task: PlanTask }[], o: SubmitOptions): Promise<PlanResult[]> {
  const jobs: QueueTask<PlanJobTask>[] = tasks.map((t) => ({ name: t.name, task: { kind: 'plan-run', task: t.task } }));
  const results: (PlanResult | undefined)[] = new Array(tasks.length);
  const runErrors: ({ code: ErrorCode; message: string } | undefined)[] = new Array(tasks.length);
  const failed: string[] = [];
  await submitJobs(jobs, o, (k, r) => {
    if (!('kind' in r) || r.kind !== 'plan-run') {
      // Only a worker of another code base could answer so; the version check should have refused it.
      failed.push(`${tasks[k]!.name}: the worker gave back no plan result`);
      return;
    }
    if (r.ok) results[k] = r.result;
    else runErrors[k] = { code: r.code, message: r.message };
  }, (k, message) => failed.push(`${tasks[k]!.name}: ${message}`));
  const first = runErrors.findIndex((e) => e !== undefined);
  if (first >= 0) {
    const e = runErrors[first]!;
    throw new TwinloopError(e.code, `${tasks[first]!.name}: ${e.message}`);
  }
  if (failed.length > 0) {
    const more = failed.length > LISTED ? `\n  … and ${failed.length - LISTED} more` : '';
    throw new TwinloopError('QUEUE_JOB_FAILED', `${failed.length} of ${tasks.length} plan run(s) failed on the queue:\n  ${failed.slice(0, LISTED).join('\n  ')}${more}`);
  }
  return results as PlanResult[];
}
