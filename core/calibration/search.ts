// The search: Nelder-Mead (nelder-mead.ts, Lagarias et al.'s coefficients) from several starts
// side by side, restarted, with the points of each round evaluated as one batch — in the piscina
// pool (calibration-pool.ts) or one after another in this thread, with the same result.
//
// Why Nelder-Mead: edge times move in whole model steps, so the objective (objective.ts) is
// piecewise constant at the finest scale and has no useful gradient; a derivative-free method is
// needed. For the few (<= ~10) bounded parameters of a line, the simplex method converges in
// tens to a few hundred evaluations where population methods (CMA-ES, differential evolution)
// need many hundreds of model runs.
//
// Each start is an ask-and-tell generator (nelderMead yields the points it needs). A round takes
// every live start's request — one trial point, or a first simplex or a shrink's n points —
// evaluates the points not known yet as one batch, and resumes each start with its values. Two
// starts therefore keep two pool threads busy; a point two starts ask for is run once. When
// fewer starts are left than the pool has threads (the last start, after the other converged),
// a start sends a speculative second point with each reflection (nelder-mead.ts), so a step that
// needs an expansion or contraction after its reflection often takes one round instead of two;
// the path is the same, serially (one slot) without the extra runs.
//
// Restarts: when a start's simplex has converged, it starts again from its best point with a
// fresh, smaller simplex (RESTART_STEP), since a simplex that flattened (along one
// parameter, or against a bound, where clamping puts vertices on one face) never regains its
// size along that direction. A restart that ends no better than it began ends the start.
//
// Parameters are searched in unit coordinates u in [0, 1] per bound (p = min + u (max - min)),
// so one simplex size and one tolerance suit every unit; the bounds are kept by clamping
// (nelder-mead.ts).

import { nelderMead, type NelderMeadResult } from './nelder-mead.ts';

export interface SearchOptions {
  /** Start, unit coordinates. */
  readonly u0: readonly number[];
  readonly starts: number;
  /** Points each start may ask for, over all its legs. */
  readonly maxEvaluations: number;
  /** Evaluate a batch of points (unit coordinates, inside the box); resolves with their objectives. */
  evaluate(points: readonly (readonly number[])[]): Promise<number[]>;
  /**
   * Points a round evaluates side by side (the pool's threads; default 1). When fewer starts are
   * left than this, each asks for a speculative point beside its reflection (nelder-mead.ts): more
   * model runs, fewer rounds, the same path and result.
   */
  readonly slots?: number;
  /** Called after each round (progress). */
  onRound?(round: number, best: number, evaluations: number): void;
}

export interface StartResult {
  readonly u0: readonly number[];
  readonly u: readonly number[];
  readonly fx: number;
  /** Points this start asked for (some were known already: another start's, or its own before a restart). */
  readonly evaluations: number;
  /** Nelder-Mead legs run (each after the first restarted at the best point so far). */
  readonly legs: number;
  /** Converged (a restart found nothing better) or stopped by the budget. */
  readonly converged: boolean;
}

export interface SearchResult {
  readonly u: readonly number[];
  readonly fx: number;
  readonly starts: readonly StartResult[];
  /** Model runs: distinct points evaluated. */
  readonly evaluations: number;
  readonly rounds: number;
}

/** Unit coordinates: the first simplex's step ... */
export const STEP = 0.1;
/**
 * ... and a restart's: small, since a restart begins at a point the last leg converged to, but
 * 20 x XTOL, enough to see past the objective's 1 ms steps. (On the five-parameter bench, 0.05
 * and 0.01 needed as many runs; a restart from a false convergence found 100x lower values.)
 */
export const RESTART_STEP = 0.02;
/** Converged when every vertex is within XTOL of the best in every unit coordinate ... */
export const XTOL = 1e-3;
/** ... and within FTOL of its objective (the objective's terms are 0..1 each). */
export const FTOL = 1e-6;
/** Legs per start at most (the first and its restarts). */
export const MAX_LEGS = 4;

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);
const keyOf = (x: readonly number[]): string => x.join(',');

/** The deterministic starts: the given one, then points spread by the golden ratio, kept inside [0.1, 0.9]. */
export function startPoints(u0: readonly number[], n: number): number[][] {
  const out: number[][] = [u0.map(clamp01)];
  for (let j = 1; j < n; j++) out.push(u0.map((v, i) => 0.1 + 0.8 * ((v + j * 0.6180339887 * (i + 1)) % 1)));
  return out;
}

interface StartOutcome {
  readonly x: number[];
  readonly fx: number;
  readonly evaluations: number;
  readonly legs: number;
  readonly converged: boolean;
}

/** One start: Nelder-Mead legs, each restarted around the best point so far, within a budget of asked points. */
function* restarted(x0: readonly number[], budget: number, spare: () => boolean): Generator<number[][], StartOutcome, number[]> {
  const n = x0.length;
  const box = { lo: new Array<number>(n).fill(0), hi: new Array<number>(n).fill(1), xTol: XTOL, fTol: FTOL, spare };
  let best = { x: x0.slice(), fx: Infinity };
  let used = 0;
  let legs = 0;
  for (;;) {
    const step = legs === 0 ? STEP : RESTART_STEP;
    const r: NelderMeadResult = yield* nelderMead(best.x, { ...box, step, maxEvaluations: budget - used });
    used += r.evaluations;
    legs++;
    const improved = r.fx < best.fx - FTOL;
    if (r.fx < best.fx) best = { x: r.x, fx: r.fx };
    const out = { ...best, evaluations: used, legs };
    if (!r.converged) return { ...out, converged: false }; // the budget ended the leg
    if (!improved) return { ...out, converged: true }; // a restart found nothing better (the first leg always improves on Infinity)
    // Still improving, but out of legs or without the budget for a fresh simplex and a step.
    if (legs >= MAX_LEGS || budget - used < n + 2) return { ...out, converged: false };
  }
}

/** Minimise over the unit box. */
export async function search(o: SearchOptions): Promise<SearchResult> {
  const first = startPoints(o.u0, Math.max(1, o.starts));
  const slots = Math.max(1, o.slots ?? 1);
  let live = first.length;
  const spare = (): boolean => live < slots;
  const runs = first.map((x0) => restarted(x0, o.maxEvaluations, spare));
  // Objective values by point, shared by all starts.
  const known = new Map<string, number>();
  let evaluations = 0;
  let rounds = 0;
  let best = Infinity;
  let asks = runs.map((r) => r.next());
  while ((live = asks.filter((a) => !a.done).length) > 0) {
    const want = new Map<string, number[]>();
    for (const a of asks) {
      if (a.done) continue;
      for (const p of a.value) {
        const k = keyOf(p);
        if (!known.has(k)) want.set(k, p);
      }
    }
    if (want.size > 0) {
      const values = await o.evaluate([...want.values()]);
      let i = 0;
      for (const k of want.keys()) {
        const v = values[i++]!;
        known.set(k, v);
        if (v < best) best = v;
      }
      evaluations += want.size;
      rounds++;
      o.onRound?.(rounds, best, evaluations);
    }
    asks = asks.map((a, j) => (a.done ? a : runs[j]!.next(a.value.map((p) => known.get(keyOf(p))!))));
  }
  const outcomes = asks.map((a) => a.value as StartOutcome);
  let won = 0;
  for (let j = 1; j < outcomes.length; j++) if (outcomes[j]!.fx < outcomes[won]!.fx) won = j;
  return {
    u: outcomes[won]!.x,
    fx: outcomes[won]!.fx,
    starts: outcomes.map((s, j) => ({ u0: first[j]!, u: s.x, fx: s.fx, evaluations: s.evaluations, legs: s.legs, converged: s.converged })),
    evaluations,
    rounds,
  };
}
