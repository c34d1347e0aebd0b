// The validation metrics against hand computations (core/validation/metrics.ts): RMSE,
// CV(RMSE) and NMBE with ASHRAE Guideline 14's n - p, max error, Theil's U1, percentiles, edge
// pairing with missing and extra edges, counts per window, and the two-sample KS statistic and
// p-value (Numerical Recipes' Q_KS).

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { countsPerWindow, cvRmse, edges, intervals, ksTwoSample, matchEdges, maxError, nmbe, percentile, qKs, rmse, theilU } from '../../core/validation/metrics.ts';

const close = (a: number, b: number, eps = 1e-12): void => assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${a} != ${b}`);

// y (measured) 10, 12, 14, 16; yHat (model) 11, 11, 15, 15: errors y - yHat = -1, 1, -1, 1.
const y = [10, 12, 14, 16];
const h = [11, 11, 15, 15];

test('rmse: sqrt(4/4) = 1', () => {
  close(rmse(y, h), 1);
});

test('cvRmse: 100 sqrt(4/(n-p)) / mean(y), p = 1 -> 100 sqrt(4/3)/13', () => {
  close(cvRmse(y, h), (100 * Math.sqrt(4 / 3)) / 13);
  close(cvRmse(y, h, 0), (100 * Math.sqrt(4 / 4)) / 13);
  assert.ok(Number.isNaN(cvRmse([0, 0], [1, -1])), 'zero mean: undefined');
  assert.ok(Number.isNaN(cvRmse([5], [4])), 'n <= p: undefined');
});

test('nmbe: 100 sum(y - yHat) / ((n-p) mean(y)); positive = model too low', () => {
  close(nmbe(y, h), 0);
  // y - yHat = 1, 1, 1, 1 -> 100 * 4 / (3 * 13)
  close(nmbe(y, [9, 11, 13, 15]), (100 * 4) / (3 * 13));
  close(nmbe(y, [11, 13, 15, 17], 0), (100 * -4) / (4 * 13));
});

test('maxError: the largest |y - yHat| and where', () => {
  assert.equal(maxError([1, 5, 3], [1, 2, 4]), { value: 3, index: 1 });
});

test("theilU: sqrt(mean e^2) / (sqrt(mean y^2) + sqrt(mean yHat^2))", () => {
  // mean y^2 = (100+144+196+256)/4 = 174; mean yHat^2 = (121+121+225+225)/4 = 173
  close(theilU(y, h), 1 / (Math.sqrt(174) + Math.sqrt(173)));
  close(theilU(y, y), 0);
  close(theilU([1, 1], [-1, -1]), 1);
});

test('percentile: nearest rank', () => {
  const v = [15, 20, 35, 40, 50];
  assert.is(percentile(v, 30), 20); // rank ceil(1.5) = 2
  assert.is(percentile(v, 40), 20); // rank 2
  assert.is(percentile(v, 50), 35); // rank ceil(2.5) = 3
  assert.is(percentile(v, 100), 50);
  assert.is(percentile(v, 95), 50); // rank ceil(4.75) = 5
});

test('edges of a sampled series, at the first sample after the change; left-out samples drop edges', () => {
  const t = [0, 1, 2, 3, 4, 5, 6];
  const v = [0, 1, 1, 0, 0, 1, 0];
  assert.equal(edges(t, v), { rising: [1, 5], falling: [3, 6] });
  assert.equal(edges(t, v, (k) => k !== 5), { rising: [1], falling: [3] });
});

test('matchEdges: nearest within the window, one to one; missing and extra', () => {
  // model 1, 5, 9; measured 1.2, 5.05, 5.1, 20
  const m = matchEdges([1, 5, 9], [1.2, 5.05, 5.1, 20], 0.5);
  assert.equal(m.missing, [9]);
  assert.equal(m.extra, [5.1, 20]);
  close(m.errors[0]!, 0.2);
  close(m.errors[1]!, 0.05);
  assert.is(m.errors.length, 2);
});

test('counts per window and intervals', () => {
  assert.equal(countsPerWindow([0.5, 1, 59.9, 60, 61, 130], 0, 180, 60), [3, 2, 1]);
  assert.equal(intervals([1, 3, 6]), [2, 3]);
});

test('KS two-sample: D by hand and Q_KS', () => {
  // a = 1,2,3,4; b = 3,4,5,6: F_a - F_b at 2 is 0.5 - 0 = 0.5, at 3 is 0.75 - 0.25 = 0.5 -> D = 0.5
  const r = ksTwoSample([1, 2, 3, 4], [3, 4, 5, 6]);
  close(r.d, 0.5);
  // ne = 2; lambda = (sqrt 2 + 0.12 + 0.11/sqrt 2) * 0.5
  const lam = (Math.SQRT2 + 0.12 + 0.11 / Math.SQRT2) * 0.5;
  let q = 0;
  for (let j = 1; j <= 100; j++) q += 2 * (-1) ** (j - 1) * Math.exp(-2 * j * j * lam * lam);
  close(r.p, q, 1e-10);
  // Disjoint samples: D = 1. Identical: D = 0, p = 1.
  close(ksTwoSample([1, 2], [3, 4]).d, 1);
  assert.equal(ksTwoSample([1, 2, 3], [1, 2, 3]), { d: 0, p: 1 });
  // Q_KS(1.36) ~ 0.049 (the 5 % critical value of the Kolmogorov distribution).
  close(qKs(1.358), 0.05, 2e-3);
  // With a tolerance: a shift of 0.01 within tol 0.05 is no difference; beyond it, it is.
  assert.is(ksTwoSample([1, 2, 3, 4], [1.01, 2.01, 3.01, 4.01], 0.05).d, 0);
  close(ksTwoSample([1, 2, 3, 4], [1.01, 2.01, 3.01, 4.01]).d, 0.25);
  close(ksTwoSample([1, 2, 3, 4], [3, 4, 5, 6], 0.5).d, 0.5);
});

test.run();
