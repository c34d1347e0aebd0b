// Calibration of a thermal time constant (issue 20's third departure): the demo line has no
// furnace, so, as in the validation tests (test/validation/history-rig.ts), drive m2's winding
// thermal time constant stands in for it. History made by the shadow rig's stand-in line with
// m2.thermalTau 15 % longer than the model's 1200 s; `calibrate` fits that one parameter against
// the winding temperature (the objective's analog term, normalized RMSE) on a short training
// window (the measured temperature with the validation rig's seeded noise, 0.01 K) with the
// points evaluated in a 2-thread pool, recovers it within 2 %, and the fitted
// model passes `model validate` on the held-out window with the demo's thresholds
// (examples/sorting-validation.yaml: the winding temperature held to RMSE <= 0.2 K), where the
// line's value fails on the winding temperature.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadPlantFile } from '../../core/config/plant-file.ts';
import { loadLineFile } from '../../core/config/line-file.ts';
import { parseFitFile } from '../../core/calibration/fit-file.ts';
import { loadThresholds } from '../../core/validation/thresholds.ts';
import { lineSignals } from '../../physics/model.ts';
import { standInHistory } from './stand-in-history.ts';
import { calibrateOnPool } from './calibrate-on-pool.ts';
import { NOISE } from '../validation/history-rig.ts';

const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'twinloop-cal-thermal-'));
const plantPath = join(root, 'examples/sorting-shadow.yaml');
const plant = loadPlantFile(plantPath);
const line = loadLineFile(plant.line!);
// physics/drive.ts: thermalTau defaults to 1200 s; the sorting line leaves m2's to the default.
const TRUE_TAU = 1200 * 1.15;
const SECONDS = 240;
const names = new Set(lineSignals(line).map((d) => d.name));
const thresholds = loadThresholds(join(root, 'examples/sorting-validation.yaml'), (s) => names.has(s));

/** The CSV's m2.temperature rows with seeded Gaussian noise of sigma K (mulberry32 + Box-Muller). */
function addNoise(csv: string, sigma: number, seed: number): void {
  let a = seed >>> 0;
  const u = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rows = readFileSync(csv, 'utf8').split('\n').map((row) => {
    const [time, tag, value] = row.split(',');
    if (tag !== 'm2.temperature') return row;
    return `${time},${tag},${Number(value) + sigma * Math.sqrt(-2 * Math.log(u() + 1e-300)) * Math.cos(2 * Math.PI * u())}`;
  });
  writeFileSync(csv, rows.join('\n'));
}

test('calibration recovers a 15 % longer thermal time constant within 2 %; held-out validation passes', async () => {
  const csv = join(dir, 'history.csv');
  await standInHistory({ line, plant, departures: { 'm2.thermalTau': TRUE_TAU }, seconds: SECONDS, csv });
  addNoise(csv, NOISE['m2.temperature'], 3);
  const fit = parseFitFile('fit.yaml', ['parameters:', '  - { path: m2.thermalTau, min: 600, max: 2400, initial: 1200 }', 'signals: [m2.temperature]', 'maxEvaluations: 30', 'train: 0..120', `holdout: 120..${SECONDS}`, ''].join('\n'), line);
  assert.is(fit.parameters[0]!.lineValue, undefined, 'the line leaves thermalTau to its default');
  const r = await calibrateOnPool({ line, linePath: plant.line!, plant, plantPath, history: { ref: csv, plant }, fit, thresholds });
  const p = r.parameters[0]!;
  const err = Math.abs(p.after / TRUE_TAU - 1);
  console.log(`${p.path}: line ${p.before}, true ${TRUE_TAU}, fitted ${p.after.toFixed(2)} (${(err * 100).toFixed(2)} % off); ${r.optimizer.evaluations} runs in ${r.optimizer.rounds} rounds`);
  assert.ok(err < 0.02, `${p.path} fitted ${p.after}, true ${TRUE_TAU}`);
  const temp = (w: typeof r.holdout.before): number => w.signals.find((s) => s.signal === 'm2.temperature')!.error;
  console.log(`m2.temperature RMSE held-out: ${temp(r.holdout.before).toFixed(4)} K -> ${temp(r.holdout.after).toFixed(4)} K`);
  // What is left is the measurement noise (0.01 K).
  assert.ok(temp(r.holdout.after) < 0.02 && temp(r.holdout.before) > 0.2);
  console.log(`held-out validation: before ${JSON.stringify(r.validation.before)}, after ${JSON.stringify(r.validation.after)}`);
  assert.equal(r.validation.before.failedSignals, ['m2.temperature']);
  assert.is(r.validation.after.verdict, 'pass', JSON.stringify(r.validation.after));
  assert.is(r.verdict, 'pass');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
