// The piscina task handler of plan runs: one (rule, seed) per task, run exactly as the serial
// loop runs it.

import { runPlanTask, type PlanResult, type PlanTask } from './plan-run.ts';

export default function handle(task: PlanTask): PlanResult {
  return runPlanTask(task);
}
