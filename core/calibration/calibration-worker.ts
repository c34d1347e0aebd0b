// The piscina task handler of the calibration pool: one objective evaluation per task, run in
// this worker exactly as the serial path runs it in the main thread.

import { runCalibrationTask, type CalibrationTask } from './calibration-task.ts';
import type { WindowScore } from './objective.ts';

export default function handle(t: CalibrationTask): WindowScore {
  return runCalibrationTask(t);
}
