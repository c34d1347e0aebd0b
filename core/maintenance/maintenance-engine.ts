// Predictive-maintenance rules on condition signals (winding temperature, vibration RMS,
// overload counts), evaluated on a value array like the compare rules: compiled once, ids
// resolved at build, sampled into preallocated rings, no allocation per evaluation.
// `trend`: least-squares slope over the window -> forecast of the time until the (upper) limit;
// the rule fires when that forecast is under its horizon (or the limit is reached).
// `count`: a counter rising by more than `max` within the window.

import { TwinloopError } from '../errors.ts';
import type { MaintenanceRule } from '../shadow/rules.ts';

/** Most samples a trend window keeps (window / sample period is capped to this). */
const MAX_SAMPLES = 1024;
/** Samples of a count window. */
const COUNT_SAMPLES = 60;
/** A forecast needs this share of the window filled. */
const MIN_FILL = 0.25;

export class MaintenanceEngine {
  readonly rules: readonly MaintenanceRule[];
  readonly active: Uint8Array;
  /** trend: forecast seconds to the limit (Infinity: not trending to it); count: increase in the window. */
  readonly figure: Float64Array;
  /** trend: slope per hour; count: the counter now. */
  readonly slope: Float64Array;
  readonly #ids: Int32Array;
  readonly #size: Int32Array;
  readonly #base: Int32Array;
  readonly #pos: Int32Array;
  readonly #filled: Int32Array;
  readonly #period: Float64Array;
  readonly #next: Float64Array;
  readonly #ring: Float64Array;
  /** The evaluation's time (s), and the last fit: slope per sample, value at the newest sample. */
  readonly #t = new Float64Array(1);
  readonly #fit = new Float64Array(2);

  /** @throws TwinloopError SIG_UNKNOWN naming the rule */
  constructor(rules: readonly MaintenanceRule[], resolve: (signal: string) => number) {
    this.rules = rules;
    const n = rules.length;
    this.active = new Uint8Array(n);
    this.figure = new Float64Array(n);
    this.slope = new Float64Array(n);
    this.#ids = new Int32Array(n);
    this.#size = new Int32Array(n);
    this.#base = new Int32Array(n);
    this.#pos = new Int32Array(n);
    this.#filled = new Int32Array(n);
    this.#period = new Float64Array(n);
    this.#next = new Float64Array(n);
    let total = 0;
    rules.forEach((r, k) => {
      try {
        this.#ids[k] = resolve(r.signal);
      } catch (err) {
        throw new TwinloopError('SIG_UNKNOWN', `maintenance rule ${r.name}: unknown signal ${r.signal}`, { cause: err });
      }
      const size = r.kind === 'trend' ? Math.max(4, Math.min(MAX_SAMPLES, Math.round(r.windowS / r.sampleS))) : COUNT_SAMPLES;
      this.#size[k] = size;
      this.#period[k] = r.windowS / size;
      this.#base[k] = total;
      total += size;
    });
    this.#ring = new Float64Array(total);
    this.reset();
  }

  reset(): void {
    this.#pos.fill(0);
    this.#filled.fill(0);
    this.#next.fill(-Infinity);
    this.active.fill(0);
    this.figure.fill(Infinity);
    this.slope.fill(0);
  }

  /** Evaluate at time t (s). Allocation-free. */
  evaluate(v: Float64Array, t: number): void {
    // Most calls sample nothing: this loop stays small, and the sampling and the regression run
    // in methods of their own, each optimised on its own work (a double that crosses a call goes
    // through #t, not an argument, so it is not boxed).
    this.#t[0] = t;
    for (let k = 0; k < this.rules.length; k++) {
      if (t < this.#next[k]!) continue;
      this.#sample(v, k);
    }
  }

  /** Rule k is due at time #t[0]: take its sample and update its figures. */
  #sample(v: Float64Array, k: number): void {
    const t = this.#t[0]!;
    this.#next[k] = (this.#next[k] === -Infinity ? t : this.#next[k]!) + this.#period[k]!;
    const x = v[this.#ids[k]!]!;
    const size = this.#size[k]!;
    const base = this.#base[k]!;
    const pos = this.#pos[k]!;
    const old = this.#ring[base + pos]!;
    this.#ring[base + pos] = x;
    this.#pos[k] = (pos + 1) % size;
    const filled = (this.#filled[k] = Math.min(size, this.#filled[k]! + 1));
    const r = this.rules[k]!;
    if (r.kind === 'count') {
      this.slope[k] = x;
      if (filled < size) {
        this.active[k] = 0;
        return;
      }
      this.figure[k] = x - old;
      this.active[k] = x - old > r.max ? 1 : 0;
      return;
    }
    if (filled < Math.max(4, size * MIN_FILL)) return;
    const fit = this.#fit;
    leastSquares(this.#ring, base, filled < size ? 0 : this.#pos[k]!, filled, size, fit);
    const b = fit[0]!; // per sample
    const now = fit[1]!;
    const perS = b / this.#period[k]!;
    this.slope[k] = perS * 3600;
    // Condition signals rise toward their limit (temperature, vibration): time = gap / slope.
    this.figure[k] = Math.max(x, now) >= r.limit ? 0 : perS > 0 ? (r.limit - now) / perS : Infinity;
    this.active[k] = this.figure[k]! <= r.horizonS ? 1 : 0;
  }

  /** Operator texts of rule k (allocates: on transitions only). */
  describe(k: number): { message: string; cause: string } {
    const r = this.rules[k]!;
    if (r.kind === 'count') {
      return {
        message: `${r.signal}: ${this.figure[k]} in the last ${r.windowS} s`,
        cause: `maintenance rule ${r.name}: more than ${r.max} within ${r.windowS} s (now ${this.slope[k]})`,
      };
    }
    const eta = this.figure[k]!;
    const when = eta <= 0 ? 'limit reached' : `limit ${r.limit} in ~${eta >= 3600 ? (eta / 3600).toFixed(1) + ' h' : Math.round(eta / 60) + ' min'}`;
    return {
      message: `${r.signal}: ${when}`,
      cause: `maintenance rule ${r.name}: trend ${this.slope[k]!.toFixed(2)}/h over ${r.windowS} s, forecast within the ${r.horizonS} s horizon`,
    };
  }
}

/**
 * Least squares over `filled` samples of a ring (base, size), oldest at `start`, x in sample
 * periods from 0: out[0] = slope per sample, out[1] = the fitted value at the newest sample.
 */
function leastSquares(ring: Float64Array, base: number, start: number, filled: number, size: number, out: Float64Array): void {
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let j = 0; j < filled; j++) {
    const y = ring[base + ((start + j) % size)]!;
    sx += j;
    sy += y;
    sxx += j * j;
    sxy += j * y;
  }
  const den = filled * sxx - sx * sx;
  const b = den !== 0 ? (filled * sxy - sx * sy) / den : 0;
  out[0] = b;
  out[1] = (sy - b * sx) / filled + b * (filled - 1);
}
