// Calibration (issue 20): history made by the shadow rig's stand-in line with a sorter belt 5 %
// slower and a pusher stroke 20 % slower than the model; `calibrate` fits both on a training
// window (the points evaluated in the piscina pool), recovers each within 2 %, and the fitted
// model passes `model validate` on the held-out window where the line's values fail. Also: the
// fit file's and the overlay's precise errors, and a line file that includes the written overlay.

import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadPlantFile } from '../../core/config/plant-file.ts';
import { loadLineFile } from '../../core/config/line-file.ts';
import { ConfigError } from '../../core/config/config-error.ts';
import { parseFitFile } from '../../core/calibration/fit-file.ts';
import { writeCalibration } from '../../core/calibration/calibration-report.ts';
import { modelVersion } from '../../core/model/model-version.ts';
import { signOffState } from '../../core/model/signoff-store.ts';
import { standInHistory } from './stand-in-history.ts';
import { assertRecovered, calibrateOnPool } from './calibrate-on-pool.ts';

const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'twinloop-cal-'));
const plantPath = join(root, 'examples/sorting-shadow.yaml');
const plant = loadPlantFile(plantPath);
const line = loadLineFile(plant.line!);
const TRUE = { 'sorter.beltSpeed': 0.6 * 0.95, 'pu1.extendTime': 0.4 * 1.2 };

function issues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message} (line ${i.line ?? '?'})`);
    throw err;
  }
  return [];
}

test('fit file: every problem at once, with path and line', () => {
  const text = ['parameters:', '  - { path: sorter.beltSpeed, min: 0.4, max: 0.8 }', '  - { path: nope.beltSpeed, min: 0, max: 1 }', '  - { path: pu1.strokeTime, min: 0, max: 1 }', '  - { path: pu1.extendTime, min: 0.9, max: 0.2 }', 'train: 10..5', ''].join('\n');
  const got = issues(() => parseFitFile('fit.yaml', text, line));
  assert.equal(got.length, 4, got.join('\n'));
  assert.match(got[0]!, /parameters\[1\]\.path: no component "nope" in the line \(components: m1, m2, infeed.*\(line 3\)/);
  assert.match(got[1]!, /parameters\[2\]\.path: a pusher has no parameter "strokeTime" \(it has: .*extendTime.*\(line 4\)/);
  assert.match(got[2]!, /parameters\[3\]\.max: max must be more than min \(0\.9\), got 0\.2 \(line 5\)/);
  assert.match(got[3]!, /train: expected from\.\.to .* got "10\.\.5" \(line 6\)/);
  // The schema's own checks, too (a missing bound).
  assert.match(issues(() => parseFitFile('fit.yaml', 'parameters:\n  - { path: sorter.beltSpeed, min: 0.4 }\n', line)).join('\n'), /max/);
  const ok = parseFitFile('fit.yaml', 'parameters:\n  - { path: sorter.beltSpeed, min: 0.4, max: 0.8 }\n', line);
  assert.equal([ok.parameters[0]!.initial, ok.parameters[0]!.lineValue, ok.starts, ok.edgeWindow], [0.6, 0.6, 2, 2]);
});

test('overlay: a line file includes it; its problems name the overlay file and line', () => {
  copyFileSync(join(root, 'examples/sorting.yaml'), join(dir, 'sorting.yaml'));
  const text = readFileSync(join(dir, 'sorting.yaml'), 'utf8').replace('program: programs/sorting.st', `program: ${join(root, 'examples/programs/sorting.st')}`);
  writeFileSync(join(dir, 'with-overlay.yaml'), `overlay: bad.yaml\n${text}`);
  writeFileSync(join(dir, 'bad.yaml'), 'parameters:\n  sorter.beltSpeed: fast\n  pu9.extendTime: 0.5\n  sorter.length: -1\n');
  const got = issues(() => loadLineFile(join(dir, 'with-overlay.yaml')));
  assert.is(got.length, 2, got.join('\n'));
  assert.match(got[0]!, /parameters\.sorter\.beltSpeed: expected a number, got "fast" \(line 2\)/);
  assert.match(got[1]!, /parameters\.pu9\.extendTime: no component "pu9" .*\(line 3\)/);
  // A value the line schema refuses is refused as in the line file itself.
  writeFileSync(join(dir, 'bad.yaml'), 'parameters:\n  sorter.length: -1\n');
  assert.match(issues(() => loadLineFile(join(dir, 'with-overlay.yaml'))).join('\n'), /length/);
  writeFileSync(join(dir, 'bad.yaml'), 'parameters:\n  sorter.beltSpeed: 0.55\n');
  const l = loadLineFile(join(dir, 'with-overlay.yaml'));
  assert.is((l.components.find((c) => c.id === 'sorter') as { beltSpeed?: number }).beltSpeed, 0.55);
});

test('calibration recovers a 5 % slower belt and a 20 % slower stroke within 2 %; held-out validation passes', async () => {
  const csv = join(dir, 'history.csv');
  await standInHistory({ line, plant, departures: TRUE, seconds: 100, csv });
  const fit = parseFitFile('fit.yaml', ['parameters:', '  - { path: sorter.beltSpeed, min: 0.4, max: 0.8 }', '  - { path: pu1.extendTime, min: 0.2, max: 0.8 }', 'maxEvaluations: 50', 'train: 0..50', 'holdout: 50..100', ''].join('\n'), line);
  const r = await calibrateOnPool({ line, linePath: plant.line!, plant, plantPath, history: { ref: csv, plant }, fit });
  assertRecovered(r, TRUE);
  assert.ok(r.holdout.after.objective < r.holdout.before.objective / 10);
  console.log(`held-out validation: before ${JSON.stringify(r.validation.before)}, after ${JSON.stringify(r.validation.after)}`);
  assert.is(r.validation.after.verdict, 'pass', JSON.stringify(r.validation.after));
  assert.is(r.verdict, 'pass');
  // Outputs: the overlay a line file includes, the report as JSON and HTML.
  const files = writeCalibration(join(dir, 'out'), r);
  const html = readFileSync(files.html, 'utf8');
  assert.match(html, /held-out validation <span class="v-pass">PASS/);
  assert.match(html, /sorter\.beltSpeed/);
  assert.is((JSON.parse(readFileSync(files.json, 'utf8')) as { verdict: string }).verdict, 'pass');
  copyFileSync(files.overlay, join(dir, 'fitted.yaml'));
  const text = readFileSync(join(root, 'examples/sorting.yaml'), 'utf8').replace('program: programs/sorting.st', `program: ${join(root, 'examples/programs/sorting.st')}`);
  writeFileSync(join(dir, 'calibrated.yaml'), `overlay: fitted.yaml\n${text}`);
  const fitted = loadLineFile(join(dir, 'calibrated.yaml'));
  const sorter = fitted.components.find((c) => c.id === 'sorter') as unknown as { beltSpeed: number };
  assert.ok(Math.abs(sorter.beltSpeed / TRUE['sorter.beltSpeed'] - 1) < 0.02);
  // The overlay the line includes is part of the model version.
  const state = signOffState(join(dir, 'data'), join(dir, 'calibrated.yaml'), plantPath);
  assert.is(state.current.parts.overlay?.path, join(dir, 'fitted.yaml'));
  assert.is.not(state.current.version, modelVersion({ line: join(dir, 'calibrated.yaml'), plant: plantPath }).version);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
