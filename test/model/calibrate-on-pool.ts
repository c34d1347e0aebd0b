// What the calibration tests share: a calibration on a two-thread pool that is always closed,
// and the check that every fitted parameter lies within `within` of its true value (printed, so
// a run's log shows how close each came).

import * as assert from 'uvu/assert';
import { calibrate, type CalibrateOptions, type CalibrationReport } from '../../core/calibration/calibrate.ts';
import { CalibrationPool } from '../../core/calibration/calibration-pool.ts';

/** `calibrate` with the points evaluated on a pool of 2 threads. */
export async function calibrateOnPool(o: Omit<CalibrateOptions, 'pool'>): Promise<CalibrationReport> {
  const pool = new CalibrationPool(2);
  try {
    return await calibrate({ ...o, pool });
  } finally {
    await pool.close();
  }
}

/** Each fitted parameter within `within` (relative) of `truth[path]`. */
export function assertRecovered(r: CalibrationReport, truth: Readonly<Record<string, number>>, within = 0.02): void {
  for (const p of r.parameters) {
    const t = truth[p.path]!;
    const err = Math.abs(p.after / t - 1);
    console.log(`${p.path}: line ${p.before}, true ${t.toFixed(4)}, fitted ${p.after.toFixed(5)} (${(err * 100).toFixed(2)} % off)`);
    assert.ok(err < within, `${p.path} fitted ${p.after}, true ${t}`);
  }
  console.log(`objective train ${r.train.before.objective.toExponential(2)} -> ${r.train.after.objective.toExponential(2)}, held-out ${r.holdout.before.objective.toExponential(2)} -> ${r.holdout.after.objective.toExponential(2)}; ${r.optimizer.evaluations} runs in ${r.optimizer.rounds} rounds`);
}
