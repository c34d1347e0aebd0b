// The calibration's piscina pool (core/scenario/task-pool.ts) with the calibration's task
// handler. One point of
// the search per task; a task is one model run of the training window (hundreds of ms), so the
// ~0.1 ms of dispatch is nothing beside it.

import type { CalibrationTask } from './calibration-task.ts';
import type { WindowScore } from './objective.ts';
import { TaskPool } from '../scenario/task-pool.ts';

const WORKER = new URL('./calibration-worker.ts', import.meta.url);

export class CalibrationPool extends TaskPool<CalibrationTask, WindowScore> {
  /** @param threads worker threads (default: the machine's available parallelism) */
  constructor(threads?: number) {
    super(WORKER, threads);
  }
}
