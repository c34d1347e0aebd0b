// The piscina task handler: one scenario or one sweep point per task, run in this worker
// thread exactly as the serial runner runs it in the main thread (same code, same verdicts).

import type { ScenarioResult } from './runner.ts';
import { runScenarioTask, type ScenarioTask } from './scenario-task.ts';
import { runSweepPoint, type SweepPointTask } from './sweep-point.ts';

export type PoolTask = { readonly kind: 'scenario'; readonly task: ScenarioTask } | { readonly kind: 'sweep-point'; readonly task: SweepPointTask };

export default async function handle(t: PoolTask): Promise<ScenarioResult> {
  return t.kind === 'scenario' ? runScenarioTask(t.task) : runSweepPoint(t.task);
}
