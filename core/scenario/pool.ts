// Parallel runs in a piscina pool, one scenario (or sweep point) per task. Runs are pure
// functions of their files and seeds, so the pool gives the verdicts the serial runner gives.
// The pool is for many independent runs; a task costs ~30-400 µs to dispatch, nothing beside
// a run of thousands of simulated steps.

import type { PoolTask } from './pool-worker.ts';
import { TaskPool } from './task-pool.ts';
import type { ScenarioResult } from './runner.ts';

const WORKER = new URL('./pool-worker.ts', import.meta.url);

export class ScenarioPool extends TaskPool<PoolTask, ScenarioResult> {
  /** @param threads worker threads (default: the machine's available parallelism) */
  constructor(threads?: number) {
    super(WORKER, threads);
  }
}
