// The plan's (rule, seed) runs in a piscina pool, one run per task, like scenario suites and
// sweeps (core/scenario/pool.ts, whose TypeScript boot file it shares). Runs are pure functions of
// the plan file, the rule and the seed, so the pool gives what the serial loop gives.
// With --queue the same tasks run on other machines' `twinloop worker`s (core/queue/plan-runs.ts).

import { availableParallelism } from 'node:os';
import type { PlanResult, PlanTask } from './plan-run.ts';
import { TaskPool } from '../scenario/task-pool.ts';

const WORKER = new URL('./plan-worker.ts', import.meta.url);

export class PlanPool extends TaskPool<PlanTask, PlanResult> {
  /** @param threads worker threads (default: the machine's available parallelism) */
  constructor(threads?: number) {
    super(WORKER, threads);
  }
}

/** Every task in the pool (results in task order). */
export async function runPlanTasks(tasks: readonly PlanTask[], threads?: number): Promise<PlanResult[]> {
  const pool = new PlanPool(Math.min(threads ?? availableParallelism(), tasks.length));
  try {
    return await Promise.all(tasks.map((t) => pool.run(t)));
  } finally {
    await pool.close();
  }
}
