// The validation metrics, one pure function each, named as their sources name them. y is the
// measured series, yHat the model's (same length, paired samples). Tested against hand
// computations in test/validation/metrics.test.ts.
//
// Sign convention of ASHRAE Guideline 14: errors are measured minus model (y - yHat), so a
// positive NMBE means the model predicts too little.

/** Mean of y. */
export function mean(y: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < y.length; k++) s += y[k]!;
  return s / y.length;
}

/** Root-mean-square error: sqrt( sum (y - yHat)^2 / n ). */
export function rmse(y: ArrayLike<number>, yHat: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < y.length; k++) {
    const e = y[k]! - yHat[k]!;
    s += e * e;
  }
  return Math.sqrt(s / y.length);
}

/**
 * Coefficient of variation of the RMSE, %, as ASHRAE Guideline 14-2014 defines it for calibrated
 * simulation: 100 x sqrt( sum (y - yHat)^2 / (n - p) ) / mean(y), where p is the number of
 * adjustable model parameters (the guideline's calibration criteria use p = 1, hence n - 1).
 * NaN when mean(y) is 0 or n <= p.
 */
export function cvRmse(y: ArrayLike<number>, yHat: ArrayLike<number>, p = 1): number {
  const n = y.length;
  if (n <= p) return NaN;
  let s = 0;
  for (let k = 0; k < n; k++) {
    const e = y[k]! - yHat[k]!;
    s += e * e;
  }
  const m = mean(y);
  return m === 0 ? NaN : (100 * Math.sqrt(s / (n - p))) / m;
}

/**
 * Normalised mean bias error, %, ASHRAE Guideline 14-2014: 100 x sum (y - yHat) / ((n - p) x mean(y)),
 * p as for cvRmse (1 for calibrated simulation). NaN when mean(y) is 0 or n <= p.
 */
export function nmbe(y: ArrayLike<number>, yHat: ArrayLike<number>, p = 1): number {
  const n = y.length;
  if (n <= p) return NaN;
  let s = 0;
  for (let k = 0; k < n; k++) s += y[k]! - yHat[k]!;
  const m = mean(y);
  return m === 0 ? NaN : (100 * s) / ((n - p) * m);
}

/** Largest |y - yHat| and its index. */
export function maxError(y: ArrayLike<number>, yHat: ArrayLike<number>): { value: number; index: number } {
  let best = 0;
  let at = -1;
  for (let k = 0; k < y.length; k++) {
    const e = Math.abs(y[k]! - yHat[k]!);
    if (e > best || at < 0) {
      best = e;
      at = k;
    }
  }
  return { value: at < 0 ? NaN : best, index: at };
}

/**
 * Theil's inequality coefficient U1 (Theil 1958): sqrt(mean (y - yHat)^2) / (sqrt(mean y^2) + sqrt(mean yHat^2)).
 * 0 is a perfect fit, 1 the worst; NaN when both series are all zero.
 */
export function theilU(y: ArrayLike<number>, yHat: ArrayLike<number>): number {
  const n = y.length;
  let e2 = 0;
  let a2 = 0;
  let b2 = 0;
  for (let k = 0; k < n; k++) {
    const e = y[k]! - yHat[k]!;
    e2 += e * e;
    a2 += y[k]! * y[k]!;
    b2 += yHat[k]! * yHat[k]!;
  }
  const d = Math.sqrt(a2 / n) + Math.sqrt(b2 / n);
  return d === 0 ? NaN : Math.sqrt(e2 / n) / d;
}

/** Nearest-rank percentile (p in 0..100) of values (need not be sorted; NaN when empty). */
export function percentile(values: ArrayLike<number>, p: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  const s = Float64Array.from(values).sort();
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return s[rank - 1]!;
}

/** Edge times of a sampled discrete series: rising (0 -> non-zero) and falling, at the first sample after the change. */
export function edges(t: ArrayLike<number>, v: ArrayLike<number>, keep?: (k: number) => boolean): { rising: number[]; falling: number[] } {
  const rising: number[] = [];
  const falling: number[] = [];
  for (let k = 1; k < t.length; k++) {
    const a = v[k - 1]! !== 0;
    const b = v[k]! !== 0;
    if (a === b || (keep && !(keep(k) && keep(k - 1)))) continue;
    (b ? rising : falling).push(t[k]!);
  }
  return { rising, falling };
}

export interface EdgeMatch {
  /** measured - model, s, one per matched pair (in model edge order). */
  readonly errors: number[];
  /** Model edges with no measured edge within the window (expected by the model, not seen on the line). */
  readonly missing: number[];
  /** Measured edges with no model edge within the window (seen on the line, not in the model). */
  readonly extra: number[];
}

/**
 * Pair model and measured edges of one direction (both sorted), one to one: each model edge in
 * time order takes the nearest unpaired measured edge within ±window.
 */
export function matchEdges(model: readonly number[], measured: readonly number[], window: number): EdgeMatch {
  const used = new Uint8Array(measured.length);
  const errors: number[] = [];
  const missing: number[] = [];
  let lo = 0;
  for (const m of model) {
    while (lo < measured.length && measured[lo]! < m - window) lo++;
    let best = -1;
    for (let j = lo; j < measured.length && measured[j]! <= m + window; j++) {
      if (used[j]) continue;
      if (best < 0 || Math.abs(measured[j]! - m) < Math.abs(measured[best]! - m)) best = j;
    }
    if (best < 0) missing.push(m);
    else {
      used[best] = 1;
      errors.push(measured[best]! - m);
    }
  }
  const extra = measured.filter((_, j) => used[j] === 0);
  return { errors, missing, extra };
}

/**
 * Two-sample Kolmogorov-Smirnov test: D = sup |F1(x) - F2(x)| of the empirical distribution
 * functions, and the asymptotic p-value Q_KS(lambda), lambda = (sqrt(ne) + 0.12 + 0.11/sqrt(ne)) D,
 * ne = n1 n2 / (n1 + n2) (Stephens 1970, as in Numerical Recipes 14.3),
 * Q_KS(x) = 2 sum_{j>=1} (-1)^(j-1) exp(-2 j^2 x^2).
 * With a tolerance `tol` > 0, D allows a shift of up to tol between the two (a Levy-style
 * distance: D = sup_x max(F1(x - tol) - F2(x), F2(x - tol) - F1(x), 0)), so sampling jitter of
 * sampled edge times is not taken for another distribution; tol = 0 is the plain statistic.
 */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>, tol = 0): { d: number; p: number } {
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return { d: NaN, p: NaN };
  // F(v) = share of samples <= v.
  const cdf = (s: Float64Array, v: number): number => {
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (s[m]! <= v) lo = m + 1;
      else hi = m;
    }
    return lo / s.length;
  };
  let d = 0;
  const at = (v: number): void => {
    if (tol === 0) d = Math.max(d, Math.abs(cdf(x, v) - cdf(y, v)));
    else d = Math.max(d, cdf(x, v - tol) - cdf(y, v), cdf(y, v - tol) - cdf(x, v));
  };
  // The sup is reached at a sample point (or a sample point + tol).
  for (const v of x) {
    at(v);
    if (tol > 0) at(v + tol);
  }
  for (const v of y) {
    at(v);
    if (tol > 0) at(v + tol);
  }
  const ne = (n1 * n2) / (n1 + n2);
  const sq = Math.sqrt(ne);
  return { d, p: qKs((sq + 0.12 + 0.11 / sq) * d) };
}

/** Kolmogorov distribution tail Q_KS(x). */
export function qKs(x: number): number {
  if (x < 1e-3) return 1;
  let sum = 0;
  let sign = 1;
  for (let j = 1; j <= 100; j++) {
    const term = sign * Math.exp(-2 * j * j * x * x);
    sum += term;
    if (Math.abs(term) < 1e-12) break;
    sign = -sign;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/** Intervals between consecutive times (cycle times of rising edges). */
export function intervals(times: readonly number[]): number[] {
  const out: number[] = [];
  for (let k = 1; k < times.length; k++) out.push(times[k]! - times[k - 1]!);
  return out;
}

/** Count of times in each window [from + k w, from + (k+1) w). */
export function countsPerWindow(times: readonly number[], from: number, to: number, w: number): number[] {
  const n = Math.max(1, Math.floor((to - from) / w));
  const c = new Array<number>(n).fill(0);
  for (const t of times) {
    const k = Math.floor((t - from) / w);
    if (k >= 0 && k < n) c[k]!++;
  }
  return c;
}
