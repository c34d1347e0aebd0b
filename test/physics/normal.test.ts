// The Gaussian draws of the model (physics/rng.ts, the ziggurat): checked against the standard
// normal distribution itself, since they feed transmitter noise, noise faults and machine cycle
// times. A million draws: moments, tail probabilities against Phi, the largest distance between
// the empirical and the exact distribution function (Kolmogorov-Smirnov), and independence of
// consecutive draws.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nextNormal, streamSeed } from '../../physics/rng.ts';

const N = 1_000_000;

/** Standard normal distribution function (Abramowitz-Stegun 7.1.26 via erf, |error| < 1.5e-7). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

function draws(seed: number): Float64Array {
  const state = Uint32Array.of(streamSeed(seed, 0));
  const out = new Float64Array(1);
  const xs = new Float64Array(N);
  for (let k = 0; k < N; k++) {
    nextNormal(state, 0, out);
    xs[k] = out[0]!;
  }
  return xs;
}

test('a million draws have mean 0, variance 1, skew 0 and kurtosis 3 within their sampling error', () => {
  const xs = draws(1);
  let m1 = 0, m2 = 0, m3 = 0, m4 = 0;
  for (const x of xs) {
    m1 += x;
    m2 += x * x;
    m3 += x * x * x;
    m4 += x * x * x * x;
  }
  m1 /= N; m2 /= N; m3 /= N; m4 /= N;
  // Standard errors at N = 1e6: mean 0.001, variance 0.0014, third moment 0.0024, fourth 0.0095; 5 sigma.
  assert.ok(Math.abs(m1) < 0.005, `mean ${m1}`);
  assert.ok(Math.abs(m2 - 1) < 0.007, `variance ${m2}`);
  assert.ok(Math.abs(m3) < 0.012, `third moment ${m3}`);
  assert.ok(Math.abs(m4 - 3) < 0.05, `fourth moment ${m4}`);
});

test('tail probabilities match Phi, out to the ziggurat tail beyond 3.44', () => {
  const xs = draws(2);
  for (const a of [0.5, 1, 2, 3, 3.5, 4]) {
    let above = 0;
    let below = 0;
    for (const x of xs) {
      if (x > a) above++;
      if (x < -a) below++;
    }
    const p = 1 - phi(a);
    const sd = Math.sqrt((p * (1 - p)) / N);
    for (const [side, count] of [['above', above], ['below', below]] as const) {
      const got = count / N;
      assert.ok(Math.abs(got - p) < 5 * sd + 1e-6, `P(${side} ${a}) = ${got}, Phi gives ${p} (sd ${sd})`);
    }
  }
});

test('the empirical distribution stays within the Kolmogorov-Smirnov bound of Phi', () => {
  const xs = draws(3).sort();
  let d = 0;
  for (let k = 0; k < N; k++) {
    const p = phi(xs[k]!);
    d = Math.max(d, Math.abs(p - k / N), Math.abs(p - (k + 1) / N));
  }
  // 1.95 / sqrt(N): rejected at the 0.1 % level.
  assert.ok(d < 1.95 / Math.sqrt(N), `KS distance ${d}`);
});

test('consecutive draws are uncorrelated, and a seed gives the same sequence again', () => {
  const xs = draws(4);
  let c = 0;
  for (let k = 1; k < N; k++) c += xs[k]! * xs[k - 1]!;
  assert.ok(Math.abs(c / N) < 0.005, `lag-1 correlation ${c / N}`);
  assert.equal(draws(4).subarray(0, 1000), xs.subarray(0, 1000));
  assert.not.equal(draws(5).subarray(0, 1000), xs.subarray(0, 1000));
});

test.run();
