// Compare rules on hand-made value traces: analog tolerance, filter and persistence; discrete
// matched, missing and extra edges with hold; rate and energy over a window; the texts name
// the rule and what was seen; evaluation allocates nothing measurable.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CompareEngine } from '../../core/shadow/compare-engine.ts';
import type { CompareRule } from '../../core/shadow/rules.ts';

// Signal s -> id 0, s.measured -> id 1.
const resolve = (n: string): number => (n === 's' ? 0 : n === 's.measured' ? 1 : (() => { throw new Error(`unknown ${n}`); })());
const v = new Float64Array(2);

function drive(e: CompareEngine, from: number, to: number, dt: number, f: (t: number) => [number, number], onEach?: (t: number) => void): void {
  for (let t = from; t < to - 1e-9; t += dt) {
    [v[0], v[1]] = f(t);
    e.evaluate(v, t);
    onEach?.(t);
  }
}

test('analog: inside tolerance stays quiet; outside for the persistence time fires, then returns', () => {
  const r: CompareRule = { name: 'a', kind: 'analog', signal: 's', abs: 1, rel: 0.1, filterS: 0, persistenceS: 2, priority: 2, cause: 'drift?' };
  const e = new CompareEngine([r], resolve);
  drive(e, 0, 10, 0.01, () => [20, 21.9]); // tolerance max(1, 2) = 2
  assert.is(e.active[0], 0);
  let firedAt = -1;
  drive(e, 10, 15, 0.01, () => [20, 23], (t) => {
    if (e.active[0] === 1 && firedAt < 0) firedAt = t;
  });
  assert.ok(Math.abs(firedAt - 12) < 0.05, `fired at ${firedAt}`);
  const d = e.describe(0);
  assert.match(d.cause, 'compare rule a: deviation 3.00 beyond 2.00');
  assert.match(d.cause, 'drift?');
  drive(e, 15, 16, 0.01, () => [20, 20]);
  assert.is(e.active[0], 0);
  assert.is(e.activations[0], 1);
});

test('analog: the filter rides out a short spike', () => {
  const r: CompareRule = { name: 'a', kind: 'analog', signal: 's', abs: 1, rel: 0, filterS: 1, persistenceS: 0.2, priority: 2, cause: '' };
  const e = new CompareEngine([r], resolve);
  drive(e, 0, 5, 0.01, (t) => [0, t >= 2 && t < 2.1 ? 5 : 0]);
  assert.is(e.activations[0], 0);
});

const edge = (window: number): CompareRule => ({ name: 'pe', kind: 'discrete', signal: 's', edge: 'both', windowS: window, holdS: 3, priority: 2, cause: 'jam or slip?' });
const pulse = (t: number, at: number): number => (t >= at && t < at + 0.3 ? 1 : 0);

test('discrete: edges within the window match, either order', () => {
  const e = new CompareEngine([edge(0.5)], resolve);
  drive(e, 0, 10, 0.01, (t) => [pulse(t, 2) + pulse(t, 6), pulse(t, 2.3) + pulse(t, 5.7)]);
  assert.is(e.activations[0], 0);
});

test('discrete: a missing measured edge fires after the window and holds', () => {
  const e = new CompareEngine([edge(0.5)], resolve);
  let firedAt = -1;
  drive(e, 0, 4, 0.01, (t) => [pulse(t, 2), 0], (t) => {
    if (e.active[0] === 1 && firedAt < 0) firedAt = t;
  });
  assert.ok(firedAt > 2.5 && firedAt < 2.55, `fired at ${firedAt}`);
  assert.match(e.describe(0).cause, /s edge expected within 0.5 s of model, missing for 0.5 s: jam or slip\?/);
  assert.is(e.active[0], 1);
  drive(e, 4, 8, 0.01, () => [0, 0]);
  assert.is(e.active[0], 0, 'returns after the hold');
});

test('discrete: an extra measured edge fires', () => {
  const e = new CompareEngine([edge(0.5)], resolve);
  drive(e, 0, 4, 0.01, (t) => [0, pulse(t, 1)]);
  assert.is(e.activations[0], 1);
  assert.match(e.describe(0).cause, 'extra edge');
});

test('discrete: a steady lag is learned (up to one window); a sudden jump still fires', () => {
  const e = new CompareEngine([edge(0.5)], resolve);
  // Measured edges 0.4 s late, then drifting to 0.75 s late: tolerated once learned.
  drive(e, 0, 60, 0.01, (t) => {
    const k = Math.floor(t / 4);
    const lag = 0.4 + (k > 5 ? Math.min(0.35, (k - 5) * 0.05) : 0);
    return [pulse(t, k * 4 + 1), pulse(t, k * 4 + 1 + lag)];
  });
  assert.is(e.activations[0], 0);
  // A slip: 2.5 s late.
  drive(e, 60, 70, 0.01, (t) => [pulse(t, 61), pulse(t, 63.5)]);
  assert.is(e.activations[0], 1);
  assert.match(e.describe(0).cause, 'missing');
});

test('rate: counter increase per minute, model vs measured', () => {
  const r: CompareRule = { name: 'thr', kind: 'rate', signal: 's', windowS: 60, abs: 2, rel: 0.2, priority: 3, cause: '' };
  const e = new CompareEngine([r], resolve);
  drive(e, 0, 120, 0.1, (t) => [Math.floor(t / 3), Math.floor(t / 3)]); // 20/min both
  assert.is(e.activations[0], 0);
  drive(e, 120, 240, 0.1, (t) => [Math.floor(t / 3), 40 + Math.floor((t - 120) / 6)]); // 10/min measured
  assert.is(e.active[0], 1);
  assert.match(e.describe(0).message, /measured 10\.\d\/min vs model 20\.\d\/min/);
});

test('energy: kWh over the window from power, model vs measured', () => {
  const r: CompareRule = { name: 'en', kind: 'energy', signal: 's', windowS: 60, abs: 0.001, rel: 0.1, priority: 4, cause: '' };
  const e = new CompareEngine([r], resolve);
  drive(e, 0, 120, 0.1, () => [0.36, 0.37]); // 0.006 kWh per minute, within 10 %
  assert.is(e.activations[0], 0);
  drive(e, 120, 240, 0.1, () => [0.36, 0.6]);
  assert.is(e.active[0], 1);
  assert.match(e.describe(0).message, /measured 0\.0100 kWh vs model 0\.0060 kWh over 60 s/);
});

test('unknown signal names the rule', () => {
  const r: CompareRule = { name: 'x', kind: 'analog', signal: 'nope', abs: 1, rel: 0, filterS: 0, persistenceS: 0, priority: 2, cause: '' };
  assert.throws(() => new CompareEngine([r], resolve), /compare rule x: unknown signal nope/);
});

test('evaluate allocates nothing measurable (1000 rules x 2000 evaluations)', () => {
  const rules: CompareRule[] = Array.from({ length: 1000 }, (_, k) => (k % 2 ? { ...edge(0.5), name: `d${k}` } : { name: `a${k}`, kind: 'analog', signal: 's', abs: 1, rel: 0, filterS: 0.1, persistenceS: 0.1, priority: 2, cause: '' }));
  const e = new CompareEngine(rules, resolve);
  const vals = new Float64Array([1, 1]);
  for (let t = 0; t < 100; t++) e.evaluate(vals, t * 0.01);
  const before = process.memoryUsage().heapUsed;
  for (let t = 100; t < 2100; t++) {
    vals[1] = t % 50 < 25 ? 1 : 0;
    e.evaluate(vals, t * 0.01);
  }
  const grown = process.memoryUsage().heapUsed - before;
  assert.ok(grown < 512 * 1024, `heap grew ${grown} bytes`);
});

test.run();
