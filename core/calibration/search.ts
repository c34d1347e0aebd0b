// The search: Nelder-Mead (fmin's `nelderMead`, the downhill simplex of Nelder & Mead 1965) from
// several starts side by side, with the points of each round evaluated as one batch — in the
// piscina pool (calibration-pool.ts) or one after another in this thread, with the same result.
//
// Why Nelder-Mead from fmin: the objective is piecewise constant (edge times move in whole
// steps), so gradients are zero or undefined and a derivative-free method is needed; for the
// few (<= ~10) bounded parameters of a line, the simplex method converges in tens of
// evaluations where population methods (CMA-ES, differential evolution) need hundreds; and fmin
// is the small, dependency-free, widely used implementation on the registry (no maintained
// CMA-ES package is published there).
//
// fmin calls the objective synchronously, one point at a time. To evaluate points in parallel
// the search is run as a replay: each start's nelderMead runs against a cache of values; the
// first point not in the cache ends that run (a thrown Miss) and becomes that start's request.
// The requests of all starts (plus, on a start's first round, its whole initial simplex, which
// is known in advance) are evaluated as one batch, and every start's search is run again from
// the beginning against the grown cache. The method is deterministic, so each replay retraces
// the same steps; replaying costs arithmetic only, nothing beside one model run per point.
//
// Each start runs legs of at most 25 x n iterations; a leg that stops short of convergence is
// followed by a fresh simplex around the best point so far (restarted Nelder-Mead), since a
// simplex that collapsed along one parameter early never recovers its size along it.
//
// Parameters are searched in unit coordinates u in [0, 1] per bound (p = min + u (max - min)),
// so one simplex size suits every unit. A point outside the box is evaluated at the nearest
// point inside plus its distance outside, which turns the search back into the box.

// fmin's package.json says "type": "module" but its main file is a UMD bundle, so Node's ESM import
// finds no exports; its ES sources (index.js, extensionless imports) load through tsx, as all of
// twinloop's sources do.
import { nelderMead } from 'fmin/index.js';

export interface SearchOptions {
  /** Start, unit coordinates. */
  readonly u0: readonly number[];
  readonly starts: number;
  /** Evaluations per start at most. */
  readonly maxEvaluations: number;
  /** Evaluate a batch of points (unit coordinates, inside the box); resolves with their objectives. */
  evaluate(points: readonly (readonly number[])[]): Promise<number[]>;
  /** Called after each round (progress). */
  onRound?(round: number, best: number, evaluations: number): void;
}

export interface StartResult {
  readonly u0: readonly number[];
  readonly u: readonly number[];
  readonly fx: number;
  readonly evaluations: number;
  /** Nelder-Mead legs run (each restarted at the best point so far). */
  readonly legs: number;
  /** Converged (the simplex shrank below tolerance) or stopped by the budget. */
  readonly converged: boolean;
}

export interface SearchResult {
  readonly u: readonly number[];
  readonly fx: number;
  readonly starts: readonly StartResult[];
  readonly evaluations: number;
  readonly rounds: number;
}

// fmin 0.0.4's shrink step loops with an undeclared `i` (`for (i = 1; ...)` in nelderMead.js),
// a ReferenceError in an ES module's strict mode the first time the simplex shrinks. A global
// property of that name makes the assignment resolve (strict mode refuses only unresolvable
// names); nothing else in twinloop reads a global `i`. Remove when fmin declares its variable.
(globalThis as { i?: number }).i ??= 0;

class Miss {
  constructor(readonly x: number[]) {}
}
class Spent {}

const NM = { nonZeroDelta: 1.1, zeroDelta: 0.05, minErrorDelta: 1e-7 } as const;

const keyOf = (x: readonly number[]): string => x.join(',');
const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/** The deterministic starts: the given one, then points spread by the golden ratio, kept inside [0.1, 0.9]. */
export function startPoints(u0: readonly number[], n: number): number[][] {
  const out: number[][] = [u0.map(clamp01)];
  for (let j = 1; j < n; j++) out.push(u0.map((v, i) => 0.1 + 0.8 * ((v + j * 0.6180339887 * (i + 1)) % 1)));
  return out;
}

/** fmin's initial simplex for x0 (as nelderMead builds it), to evaluate it in one batch. */
function initialSimplex(x0: readonly number[]): number[][] {
  const pts = [x0.slice()];
  for (let i = 0; i < x0.length; i++) {
    const p = x0.slice();
    p[i] = p[i] ? p[i]! * NM.nonZeroDelta : NM.zeroDelta;
    pts.push(p);
  }
  return pts;
}

interface Start {
  /** Where the current leg started (each leg is one nelderMead run, replayed against its cache). */
  x0: number[];
  cache: Map<string, number>;
  /** Points this start asked for over all its legs (its budget). */
  evaluations: number;
  legs: number;
  done: boolean;
  converged: boolean;
  best: { x: number[]; fx: number };
}

/** Minimise over the unit box. */
export async function search(o: SearchOptions): Promise<SearchResult> {
  const n = o.u0.length;
  const first = startPoints(o.u0, Math.max(1, o.starts));
  const starts: Start[] = first.map((x0) => ({ x0, cache: new Map(), evaluations: 0, legs: 0, done: false, converged: false, best: { x: x0, fx: Infinity } }));
  // Objective values by point, shared by all starts (a point two starts ask for is run once).
  const known = new Map<string, number>();
  let evaluations = 0;
  let rounds = 0;
  const penalised = (x: readonly number[], f: number): number => {
    let d = 0;
    for (const v of x) d += v < 0 ? -v : v > 1 ? v - 1 : 0;
    return f + d;
  };
  // A leg of at most LEG iterations, then a fresh simplex around the best point: a simplex that
  // has collapsed along one parameter (seen with five) gets its size back (restarted
  // Nelder-Mead). A leg that ends where it began (converged) ends the start.
  const LEG = { ...NM, maxIterations: 25 * n };
  for (;;) {
    const want = new Map<string, number[]>();
    for (const s of starts) {
      if (s.done) continue;
      if (s.cache.size === 0) for (const p of initialSimplex(s.x0)) want.set(keyOf(p.map(clamp01)), p.map(clamp01));
      const f = (x: number[]): number => {
        const k = keyOf(x);
        const hit = s.cache.get(k);
        if (hit !== undefined) return hit;
        const inner = x.map(clamp01);
        const v = known.get(keyOf(inner));
        if (v !== undefined) {
          const fx = penalised(x, v);
          s.cache.set(k, fx);
          if (fx < s.best.fx) s.best = { x: x.slice(), fx };
          return fx;
        }
        if (s.evaluations >= o.maxEvaluations) throw new Spent();
        s.evaluations++;
        throw new Miss(x.slice());
      };
      try {
        const r = nelderMead(f, s.x0.slice(), LEG);
        if (r.fx < s.best.fx) s.best = { x: r.x.slice(), fx: r.fx };
        const moved = s.best.x.some((v, i) => Math.abs(v - s.x0[i]!) > 1e-6);
        s.legs++;
        if (!moved && s.legs > 1) {
          s.done = true;
          s.converged = true;
        } else {
          // The next leg starts at the best point with a fresh simplex (replayed from scratch).
          s.x0 = s.best.x.map(clamp01);
          s.cache = new Map();
        }
      } catch (err) {
        if (err instanceof Spent) s.done = true;
        else if (err instanceof Miss) {
          const inner = err.x.map(clamp01);
          want.set(keyOf(inner), inner);
        } else throw err;
      }
    }
    const batch = [...want.entries()].filter(([k]) => !known.has(k));
    if (batch.length === 0) {
      if (starts.every((s) => s.done)) break;
      continue; // every request is known now (another start's, or a new leg's start): replay
    }
    const values = await o.evaluate(batch.map(([, p]) => p));
    batch.forEach(([k], i) => known.set(k, values[i]!));
    evaluations += batch.length;
    rounds++;
    o.onRound?.(rounds, Math.min(...known.values()), evaluations);
  }
  let best = starts[0]!;
  for (const s of starts) if (s.best.fx < best.best.fx) best = s;
  return {
    u: best.best.x.map(clamp01),
    fx: best.best.fx,
    starts: starts.map((s, j) => ({ u0: first[j]!, u: s.best.x.map(clamp01), fx: s.best.fx, evaluations: s.evaluations, legs: s.legs, converged: s.converged })),
    evaluations,
    rounds,
  };
}
