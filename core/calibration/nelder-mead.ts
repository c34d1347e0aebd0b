// The Nelder-Mead downhill simplex (Nelder & Mead 1965) as Lagarias, Reeds, Wright & Wright
// state it ("Convergence properties of the Nelder-Mead simplex method in low dimensions",
// SIAM J. Optim. 9(1), 1998): reflection rho = 1, expansion chi = 2, contraction gamma = 1/2,
// shrink sigma = 1/2, their tie-breaking rules, an outside and an inside contraction.
//
// Written as an ask-and-tell generator instead of a function that calls the objective: it yields
// the points it needs next (the n + 1 vertices of the first simplex, a shrink's n new vertices
// or one trial point, with a speculative second one when the caller has a slot to spare) and is
// resumed with their values. So the caller decides how and where the
// points are evaluated — in the calibration's worker pool, several starts side by side
// (search.ts) — and `minimize` below runs it on a plain function. Deterministic: the same
// values give the same steps.
//
// Bounds: the box [lo, hi] per coordinate, by clamping. Every point the method asks for is first
// projected onto the box (each coordinate clamped), and that projected point is the vertex it
// keeps. Simple and exact on the box, with one known weakness: steps that leave the box on the
// same side put several vertices on that face, and the simplex can flatten against it; the
// search restarts each start with a fresh simplex around its best point for that reason.

export interface NelderMeadOptions {
  /** Per coordinate: the first simplex is x0 and x0 + step along each axis (away from the nearer bound). */
  readonly step: number | readonly number[];
  readonly lo?: readonly number[];
  readonly hi?: readonly number[];
  /** Stop when every vertex is within xTol of the best along every coordinate ... */
  readonly xTol: number;
  /** ... and every vertex's value within fTol of the best's. */
  readonly fTol: number;
  /** Stop after this many points asked for (the first simplex included). */
  readonly maxEvaluations: number;
  /**
   * Asked before each reflection: can the caller evaluate a second point beside it at no cost
   * (an idle pool thread)? Then the reflection is asked together with a guess at the point the
   * step may need next (speculation below). The method's path does not depend on it.
   */
  spare?(): boolean;
}

export interface NelderMeadResult {
  readonly x: number[];
  readonly fx: number;
  /** Points the method used (the first simplex included); a speculative point counts only when used. */
  readonly evaluations: number;
  /** Speculative points evaluated and not used. */
  readonly wasted: number;
  readonly iterations: number;
  /** The simplex met xTol and fTol; false: stopped by maxEvaluations. */
  readonly converged: boolean;
  /** The final simplex, best vertex first. */
  readonly simplex: readonly (readonly number[])[];
}

/** The coefficients of Lagarias et al. (1998), the standard choice. */
export const RHO = 1;
export const CHI = 2;
export const GAMMA = 0.5;
export const SIGMA = 0.5;

/** What the generator yields (points to evaluate) and is resumed with (their values, in order). */
export type NelderMeadSteps = Generator<number[][], NelderMeadResult, number[]>;

interface Vertex {
  x: number[];
  f: number;
}

/**
 * Minimise over the box, asking for points as it goes.
 * @example
 * const run = nelderMead([0.5, 0.5], { step: 0.1, xTol: 1e-6, fTol: 1e-12, maxEvaluations: 500 });
 * let ask = run.next();
 * while (!ask.done) ask = run.next(ask.value.map(f));
 * ask.value.x; // the minimum
 */
export function* nelderMead(x0: readonly number[], o: NelderMeadOptions): NelderMeadSteps {
  const n = x0.length;
  const lo = o.lo ?? new Array<number>(n).fill(-Infinity);
  const hi = o.hi ?? new Array<number>(n).fill(Infinity);
  const clamp = (x: number[]): number[] => x.map((v, i) => (v < lo[i]! ? lo[i]! : v > hi[i]! ? hi[i]! : v));
  let evaluations = 0;
  let iterations = 0;

  // The first simplex: x0, and x0 moved by its step along each axis, inwards when the step
  // would leave the box (so no two vertices coincide after clamping).
  const first: number[][] = [clamp(x0.slice())];
  for (let i = 0; i < n; i++) {
    const s = typeof o.step === 'number' ? o.step : o.step[i]!;
    const p = first[0]!.slice();
    p[i] = p[i]! + s <= hi[i]! ? p[i]! + s : p[i]! - s;
    first.push(clamp(p));
  }
  const fFirst = yield first;
  evaluations += first.length;
  // Sorted best first; ties keep their order (the first vertex ranks first).
  let simplex: Vertex[] = first.map((x, i) => ({ x, f: fFirst[i]! }));
  simplex.sort((a, b) => a.f - b.f);

  // Speculation: with a spare slot, the reflection goes out with a guess at the second point the
  // step may need — the expansion, outside or inside contraction, whichever the last step that
  // needed one did (at first, the inside contraction). The guess's value is kept; used, it
  // counts as asked then, so the path and the count are what they would be without it.
  let guess: { x: number[]; f: number } | undefined;
  let lastKind: 'expand' | 'outside' | 'inside' = 'inside';
  let wasted = 0;
  const ask1 = function* (x: number[]): Generator<number[][], number, number[]> {
    evaluations++;
    if (guess !== undefined && guess.x.every((v, i) => v === x[i])) {
      const f = guess.f;
      guess = undefined;
      return f;
    }
    const [f] = yield [x];
    return f!;
  };
  const reflect = function* (xr: number[], second: Record<typeof lastKind, number[]>): Generator<number[][], number, number[]> {
    evaluations++;
    if (guess !== undefined) wasted++;
    guess = undefined;
    if (o.spare?.() !== true || evaluations >= o.maxEvaluations) {
      const [f] = yield [xr];
      return f!;
    }
    const xg = second[lastKind];
    const [f, fg] = yield [xr, xg];
    guess = { x: xg, f: fg! };
    return f!;
  };
  /** Replace the worst vertex, inserted after every vertex of the same value (Lagarias' rule). */
  const replaceWorst = (v: Vertex): void => {
    simplex.pop();
    let k = simplex.length;
    while (k > 0 && simplex[k - 1]!.f > v.f) k--;
    simplex.splice(k, 0, v);
  };
  const done = (): boolean => {
    const b = simplex[0]!;
    for (let j = 1; j <= n; j++) {
      const v = simplex[j]!;
      if (Math.abs(v.f - b.f) > o.fTol) return false;
      for (let i = 0; i < n; i++) if (Math.abs(v.x[i]! - b.x[i]!) > o.xTol) return false;
    }
    return true;
  };

  let converged = done();
  while (!converged && evaluations < o.maxEvaluations) {
    iterations++;
    const best = simplex[0]!;
    const worst = simplex[n]!;
    const fSecondWorst = simplex[n - 1]!.f;
    // Centroid of the n best vertices.
    const c = new Array<number>(n).fill(0);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) c[i] = c[i]! + simplex[j]!.x[i]! / n;
    const along = (t: number): number[] => clamp(c.map((ci, i) => ci + t * (ci - worst.x[i]!)));

    const xr = along(RHO);
    const xe = along(RHO * CHI);
    const xc = along(RHO * GAMMA);
    const xcc = along(-GAMMA);
    const fr = yield* reflect(xr, { expand: xe, outside: xc, inside: xcc });
    if (fr < best.f) {
      // Expand; keep the better of the two.
      lastKind = 'expand';
      const fe = evaluations < o.maxEvaluations ? yield* ask1(xe) : Infinity;
      replaceWorst(fe < fr ? { x: xe, f: fe } : { x: xr, f: fr });
    } else if (fr < fSecondWorst) {
      replaceWorst({ x: xr, f: fr });
    } else {
      let accepted = false;
      if (evaluations < o.maxEvaluations) {
        if (fr < worst.f) {
          // Outside contraction: between the centroid and the reflected point.
          lastKind = 'outside';
          const fc = yield* ask1(xc);
          if (fc <= fr) {
            replaceWorst({ x: xc, f: fc });
            accepted = true;
          }
        } else {
          // Inside contraction: between the centroid and the worst vertex.
          lastKind = 'inside';
          const fcc = yield* ask1(xcc);
          if (fcc < worst.f) {
            replaceWorst({ x: xcc, f: fcc });
            accepted = true;
          }
        }
      }
      if (!accepted) {
        if (evaluations >= o.maxEvaluations) break;
        // Shrink towards the best vertex: n new points, asked for as one batch.
        const pts = simplex.slice(1).map((v) => clamp(v.x.map((xi, i) => best.x[i]! + SIGMA * (xi - best.x[i]!))));
        const fs = yield pts;
        evaluations += pts.length;
        // Ties: the kept vertex ranks before new ones of the same value; new ones keep their order.
        const fresh = pts.map((x, j) => ({ x, f: fs[j]! })).sort((a, b) => a.f - b.f);
        const k = fresh.findIndex((v) => v.f >= best.f);
        simplex = k < 0 ? [...fresh, best] : [...fresh.slice(0, k), best, ...fresh.slice(k)];
      }
    }
    converged = done();
  }
  const b = simplex[0]!;
  if (guess !== undefined) wasted++;
  return { x: b.x.slice(), fx: b.f, evaluations, wasted, iterations, converged, simplex: simplex.map((v) => v.x.slice()) };
}

/** Run nelderMead on a plain function, each point evaluated as it is asked for. */
export function minimize(f: (x: readonly number[]) => number, x0: readonly number[], o: NelderMeadOptions): NelderMeadResult {
  const run = nelderMead(x0, o);
  let ask = run.next();
  while (!ask.done) ask = run.next(ask.value.map(f));
  return ask.value;
}
