// The piscina task handler of `twinloop worker`: a queued job's task run with the very function
// the local pool runs for it, so the result is the local run's: sweep points and scenarios as
// the scenario pool runs them (core/scenario/pool-worker.ts), plan runs as the plan pool does
// (core/planning/plan-worker.ts).

import { isTwinloopError } from '../errors.ts';
import handlePlan from '../planning/plan-worker.ts';
import handleScenario, { type PoolTask } from '../scenario/pool-worker.ts';
import type { ScenarioResult } from '../scenario/runner.ts';
import type { PlanJobResult, PlanJobTask } from './plan-job.ts';

/** What a queued job runs. */
export type JobTask = PoolTask | PlanJobTask;
/** What it gives back (a ScenarioResult for the scenario pool's tasks). */
export type JobResult = ScenarioResult | PlanJobResult;

export default async function handle(t: JobTask): Promise<JobResult> {
  if (t.kind !== 'plan-run') return handleScenario(t);
  try {
    return { kind: 'plan-run', ok: true, result: handlePlan(t.task) };
  } catch (err) {
    // Caught in this thread, where the error still has its class and code (piscina would pass a
    // plain Error on); anything not ours is a fault of the job: thrown, retried.
    if (isTwinloopError(err)) return { kind: 'plan-run', ok: false, code: err.code, message: err.message };
    throw err;
  }
}
