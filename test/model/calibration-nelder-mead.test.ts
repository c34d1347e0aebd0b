// The calibration's Nelder-Mead (core/calibration/nelder-mead.ts) on closed-form functions: the
// steps of Lagarias et al. (reflection, expansion, inside contraction, shrink, the tie rule)
// checked point by point against hand computation; a quadratic's and Rosenbrock's known minima;
// the box kept by clamping; determinism; and the multi-start search (search.ts) batching its
// starts' requests into rounds.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { minimize, nelderMead, type NelderMeadOptions } from '../../core/calibration/nelder-mead.ts';
import { search } from '../../core/calibration/search.ts';

/** Every batch of points the method asks for, with f evaluated on them. */
function asks(f: (x: readonly number[]) => number, x0: number[], o: NelderMeadOptions): { batches: number[][][]; x: number[]; evaluations: number } {
  const run = nelderMead(x0, o);
  const batches: number[][][] = [];
  let a = run.next();
  while (!a.done) {
    batches.push(a.value);
    a = run.next(a.value.map(f));
  }
  return { batches, x: a.value.x, evaluations: a.value.evaluations };
}

const loose = { xTol: 0, fTol: 0 };

test('steps by hand: first simplex, reflection, expansion rejected, inside contraction (f = x^2)', () => {
  // Simplex {1 (f 1), 2 (f 4)}: centroid 1, reflection 1 + (1 - 2) = 0 (f 0, better than the
  // best) -> expansion 1 + 2 (1 - 2) = -1 (f 1, not better than 0): keep 0. Simplex {0, 1}:
  // reflection -1 (f 1, as bad as the worst) -> inside contraction 0 - 1/2 (0 - 1) = 0.5.
  const r = asks((x) => x[0]! ** 2, [1], { step: 1, ...loose, maxEvaluations: 6 });
  assert.equal(r.batches, [[[1], [2]], [[0]], [[-1]], [[-1]], [[0.5]]]);
  assert.is(r.evaluations, 6);
});

test('steps by hand: expansion accepted, then the tie rule picks the worst vertex (f = -x - y)', () => {
  // {(0,0) 0, (0.5,0) -0.5, (0,0.5) -0.5}: the tied vertices keep their order, (0,0) is worst;
  // centroid (0.25,0.25), reflection (0.5,0.5) f -1 < -0.5 -> expansion (0.75,0.75) f -1.5 kept,
  // inserted first. Worst now (0,0.5) (after (0.5,0) among the ties): centroid (0.625,0.375),
  // reflection (1.25,0.25).
  const r = asks((x) => -x[0]! - x[1]!, [0, 0], { step: 0.5, ...loose, maxEvaluations: 6 });
  assert.equal(r.batches.slice(0, 4), [[[0, 0], [0.5, 0], [0, 0.5]], [[0.5, 0.5]], [[0.75, 0.75]], [[1.25, 0.25]]]);
});

test('steps by hand: a failed contraction shrinks towards the best vertex, asked as one batch', () => {
  const table = new Map([[0, 0], [1, 1], [-1, 5], [0.5, 2]]);
  // {0 (f 0), 1 (f 1)}: reflection -1 (f 5, worse than the worst) -> inside contraction 0.5
  // (f 2, not better than 1) -> shrink: 0 + 1/2 (1 - 0) = 0.5.
  const r = asks((x) => table.get(x[0]!)!, [0], { step: 1, ...loose, maxEvaluations: 5 });
  assert.equal(r.batches, [[[0], [1]], [[-1]], [[0.5]], [[0.5]]]);
});

test('a quadratic: the known minimum', () => {
  const c = [0.3, -1.2, 2.5];
  const w = [1, 10, 0.1];
  const f = (x: readonly number[]): number => x.reduce((a, v, i) => a + w[i]! * (v - c[i]!) ** 2, 0);
  const r = minimize(f, [0, 0, 0], { step: 0.5, xTol: 1e-8, fTol: 1e-14, maxEvaluations: 2000 });
  assert.ok(r.converged);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(r.x[i]! - c[i]!) < 1e-6, `x${i} = ${r.x[i]}, expected ${c[i]}`);
  assert.ok(r.fx < 1e-12);
});

test('Rosenbrock from (-1.2, 1): the minimum (1, 1)', () => {
  const f = (x: readonly number[]): number => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;
  const r = minimize(f, [-1.2, 1], { step: 0.1, xTol: 1e-8, fTol: 1e-14, maxEvaluations: 2000 });
  assert.ok(r.converged, `stopped after ${r.evaluations}`);
  assert.ok(Math.abs(r.x[0]! - 1) < 1e-5 && Math.abs(r.x[1]! - 1) < 1e-5, `x = ${r.x}`);
  assert.ok(r.evaluations < 600, `${r.evaluations} evaluations`);
});

test('bounds by clamping: a minimum outside the box ends on its face; no point asked for leaves it', () => {
  // Minimum at (2, 0.4), box [0, 1]^2: the constrained minimum is (1, 0.4).
  const seen: number[][] = [];
  const f = (x: readonly number[]): number => {
    seen.push(x.slice());
    return (x[0]! - 2) ** 2 + (x[1]! - 0.4) ** 2;
  };
  const r = minimize(f, [0.5, 0.5], { step: 0.1, lo: [0, 0], hi: [1, 1], xTol: 1e-7, fTol: 1e-14, maxEvaluations: 1000 });
  assert.ok(seen.every((p) => p.every((v) => v >= 0 && v <= 1)));
  assert.ok(Math.abs(r.x[0]! - 1) < 1e-6 && Math.abs(r.x[1]! - 0.4) < 1e-5, `x = ${r.x}`);
  // A first simplex at the upper bound steps inwards.
  assert.equal(asks(f, [1, 1], { step: 0.25, lo: [0, 0], hi: [1, 1], ...loose, maxEvaluations: 3 }).batches[0], [[1, 1], [0.75, 1], [1, 0.75]]);
});

test('deterministic: the same function gives the same points and result', () => {
  const f = (x: readonly number[]): number => Math.abs(x[0]! - 0.3) + (x[1]! - 0.6) ** 2 + Math.floor(x[2]! * 100) / 100;
  const o = { step: 0.1, lo: [0, 0, 0], hi: [1, 1, 1], xTol: 1e-4, fTol: 1e-9, maxEvaluations: 400 };
  assert.equal(asks(f, [0.5, 0.5, 0.5], o), asks(f, [0.5, 0.5, 0.5], o));
});

test('speculation: a second point beside each reflection changes neither the path nor the count, only the rounds', () => {
  const f = (x: readonly number[]): number => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;
  const o = { step: 0.1, xTol: 1e-8, fTol: 1e-14, maxEvaluations: 2000 };
  const plain = minimize(f, [-1.2, 1], o);
  let rounds = 0;
  let points = 0;
  const run = nelderMead([-1.2, 1], { ...o, spare: () => true });
  let a = run.next();
  while (!a.done) {
    rounds++;
    points += a.value.length;
    a = run.next(a.value.map(f));
  }
  const fast = a.value;
  assert.equal([fast.x, fast.fx, fast.evaluations, fast.iterations, fast.simplex], [plain.x, plain.fx, plain.evaluations, plain.iterations, plain.simplex]);
  assert.is(plain.wasted, 0);
  // Every point evaluated was either used or counted as wasted.
  assert.is(points, fast.evaluations + fast.wasted);
  assert.ok(rounds < plain.evaluations - 2, `${rounds} rounds for ${plain.evaluations} points`);
});

test('search: starts side by side, each round one batch, a point run once; pool-like and serial alike', async () => {
  const f = (x: readonly number[]): number => (x[0]! - 0.37) ** 2 + 3 * (x[1]! - 0.81) ** 2;
  const batches: number[] = [];
  const seen = new Set<string>();
  let repeats = 0;
  const r = await search({
    u0: [0.5, 0.5],
    starts: 2,
    maxEvaluations: 300,
    evaluate: async (pts) => {
      batches.push(pts.length);
      for (const p of pts) {
        if (seen.has(p.join())) repeats++;
        seen.add(p.join());
      }
      return pts.map(f);
    },
  });
  assert.ok(Math.abs(r.u[0]! - 0.37) < 2e-3 && Math.abs(r.u[1]! - 0.81) < 2e-3, `u = ${r.u}`);
  assert.is(repeats, 0);
  assert.is(r.evaluations, seen.size);
  assert.is(r.rounds, batches.length);
  // The first round holds both starts' first simplices (3 points each).
  assert.is(batches[0], 6);
  assert.ok(r.starts.every((s) => s.legs >= 2), JSON.stringify(r.starts));
  // Evaluated one at a time instead: the same result.
  const one = await search({ u0: [0.5, 0.5], starts: 2, maxEvaluations: 300, evaluate: async (pts) => pts.map(f) });
  assert.equal(one.u, r.u);
  // With two slots, the start left alone speculates: the same result in fewer rounds.
  const two = await search({ u0: [0.5, 0.5], starts: 2, maxEvaluations: 300, slots: 2, evaluate: async (pts) => pts.map(f) });
  assert.equal(two.u, r.u);
  assert.equal(two.starts.map((s) => s.evaluations), r.starts.map((s) => s.evaluations));
  assert.ok(two.rounds <= r.rounds && two.evaluations >= r.evaluations, `${two.rounds} rounds, ${two.evaluations} runs against ${r.rounds}, ${r.evaluations}`);
});

test.run();
