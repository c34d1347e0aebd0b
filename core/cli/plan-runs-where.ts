// Where a plan command's (rule, seed, point) runs go: the workers of a Redis job queue, the local
// piscina pool, or this thread, one after another. One place for `twinloop plan` and `twinloop
// sweep PLAN-SWEEP`, so both choose, describe and dispatch the same way.

import type { PlanResult, PlanTask } from '../planning/plan-run.ts';
import { runPlanTasks } from '../planning/plan-pool.ts';
import { queueLabel, type QueueConnection } from '../queue/queue-address.ts';
import { runPlanTasksOnQueue } from '../queue/plan-runs.ts';

export type PlanRunsWhere =
  | { readonly kind: 'queue'; readonly connection: QueueConnection }
  | { readonly kind: 'pool'; readonly threads: number }
  | { readonly kind: 'serial' };

/** What the command's first line says: `job queue redis://…`, `pool of N threads` or `serial`. */
export function describeWhere(w: PlanRunsWhere, tasks: number): string {
  if (w.kind === 'queue') return `job queue ${queueLabel(w.connection)}`;
  return w.kind === 'pool' ? `pool of ${Math.min(w.threads, tasks)} threads` : 'serial';
}

/**
 * Run the tasks where `w` says; results in task order.
 * @param names each task's name in the queue's progress and errors
 * @param serial how this thread runs one task (a command may reuse the plan it already loaded)
 */
export async function runPlanTasksWhere(w: PlanRunsWhere, tasks: readonly PlanTask[], names: readonly string[], serial: (t: PlanTask) => PlanResult): Promise<PlanResult[]> {
  if (w.kind === 'queue') return runPlanTasksOnQueue(tasks.map((task, i) => ({ name: names[i]!, task })), { connection: w.connection, progress: process.stderr });
  if (w.kind === 'pool') return runPlanTasks(tasks, w.threads);
  return tasks.map(serial);
}
