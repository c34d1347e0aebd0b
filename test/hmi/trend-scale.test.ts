// The trend's y autoscale (hmi/web/src/trend-scale.ts): 0.01 A of noise on a 0.72 A current is
// under 5 % of the plot's height, a 50 Hz drive at exactly 50 Hz gets a readable range, and a
// real change (0 -> 0.75 A at start) is shown whole with headroom. Hand-computed expectations.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { minSpanFor, yRange } from '../../hmi/web/src/trend-scale.ts';

const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);

test('0.01 A of noise on 0.72 A spans 2 % of the axis, not all of it', () => {
  const [lo, hi] = yRange('A', 0.715, 0.725);
  close(hi - lo, 0.5, 'span is the A floor');
  close((lo + hi) / 2, 0.72, 'centred on the data');
  assert.ok(0.01 / (hi - lo) <= 0.05, 'noise is under 5 % of the height');
});

test('a constant 50 Hz: span max(2 Hz, 5 % of 50 Hz = 2.5 Hz) = 2.5 Hz', () => {
  const [lo, hi] = yRange('Hz', 50, 50);
  close(lo, 48.75, 'low');
  close(hi, 51.25, 'high');
});

test('a real change is shown whole, 5 % headroom each side', () => {
  const [lo, hi] = yRange('A', 0, 0.75);
  close(lo, -0.0375, 'low');
  close(hi, 0.7875, 'high');
});

test('unknown unit and no data', () => {
  close(minSpanFor('', 3), 1, 'count floor');
  close(minSpanFor('', 1000), 50, '5 % of a large count');
  assert.equal(yRange('kW', null, null), [0, 1]);
});

test.run();
