// `twinloop model calibrate --line L --plant P --history H --fit fit.yaml [--train S..S --holdout S..S]
//  [--out DIR] [--threads N | --serial] [--data DIR]`: fit line parameters to history (issue 20).
// Prints the fitted values beside the line's and the held-out validation verdict; writes the
// overlay and the before/after report into DIR (default ./calibration). Exit 0 when the fitted
// model passes validation on the held-out window, 1 when it does not, 2 on bad input.

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadLineFile } from '../config/line-file.ts';
import { loadPlantFile } from '../config/plant-file.ts';
import { calibrate } from './calibrate.ts';
import { CalibrationPool } from './calibration-pool.ts';
import { writeCalibration } from './calibration-report.ts';
import { loadFitFile, parseWindow } from './fit-file.ts';

const USAGE = 'usage: twinloop model calibrate --line L --plant P --history H --fit fit.yaml [--train S..S --holdout S..S] [--out DIR] [--threads N | --serial] [--data DIR]';

export async function calibrateCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      line: { type: 'string' },
      plant: { type: 'string' },
      history: { type: 'string' },
      fit: { type: 'string' },
      train: { type: 'string' },
      holdout: { type: 'string' },
      out: { type: 'string' },
      threads: { type: 'string' },
      serial: { type: 'boolean' },
      data: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    console.log(`${USAGE}\n  the fit file's schema: core/calibration/fit.schema.json; see docs/validation.md, "Calibration"`);
    return 0;
  }
  if (values.history === undefined || values.fit === undefined || (values.line === undefined && values.plant === undefined)) {
    console.error(USAGE);
    return 2;
  }
  const windowOf = (name: 'train' | 'holdout'): readonly [number, number] | undefined | null => {
    const t = values[name];
    if (t === undefined) return undefined;
    const w = parseWindow(t);
    if (w === undefined) console.error(`twinloop: --${name} ${t}: expected from..to in seconds with to > from, e.g. 0..3600`);
    return w ?? null;
  };
  const train = windowOf('train');
  const holdout = windowOf('holdout');
  if (train === null || holdout === null) return 2;
  const threads = values.threads !== undefined ? Number(values.threads) : undefined;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 64)) {
    console.error(`twinloop: --threads must be a whole number 1..64, got ${values.threads}`);
    return 2;
  }
  const plant = values.plant !== undefined ? loadPlantFile(values.plant) : undefined;
  const linePath = values.line ?? plant?.line;
  if (linePath === undefined) {
    console.error('twinloop: give --line, or a plant file that names its line');
    return 2;
  }
  const line = loadLineFile(linePath);
  const fit = loadFitFile(values.fit, line);
  const pool = values.serial === true ? undefined : new CalibrationPool(threads);
  try {
    const r = await calibrate({
      line,
      linePath,
      ...(plant ? { plant } : {}),
      ...(values.plant !== undefined ? { plantPath: values.plant } : {}),
      history: { ref: values.history, ...(plant ? { plant } : {}), ...(values.data !== undefined ? { dataDir: values.data } : {}) },
      fit,
      ...(train ? { train } : {}),
      ...(holdout ? { holdout } : {}),
      ...(pool ? { pool } : {}),
      onRound: (n, best, evals) => {
        if (n % 10 === 0) console.error(`  round ${n}: best objective ${best.toExponential(3)} after ${evals} model runs`);
      },
    });
    const files = writeCalibration(resolve(values.out ?? 'calibration'), r);
    for (const p of r.parameters) console.log(`${p.path.padEnd(28)} ${String(p.before).padStart(10)} -> ${p.after.toPrecision(6).padStart(10)}  (${(p.change * 100).toFixed(2)} %)`);
    console.log(`objective: training ${r.train.before.objective.toExponential(3)} -> ${r.train.after.objective.toExponential(3)}, held-out ${r.holdout.before.objective.toExponential(3)} -> ${r.holdout.after.objective.toExponential(3)}`);
    console.log(`held-out validation: before ${r.validation.before.verdict}, after ${r.validation.after.verdict}${r.validation.after.failedSignals.length ? ` (failing: ${r.validation.after.failedSignals.join(', ')})` : ''}`);
    console.log(`${r.optimizer.evaluations} model runs in ${(r.wallMs / 1000).toFixed(1)} s; overlay ${files.overlay}; report ${files.html} (+ .json)`);
    return r.verdict === 'pass' ? 0 : 1;
  } finally {
    await pool?.close();
  }
}
