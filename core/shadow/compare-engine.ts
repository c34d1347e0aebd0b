// Compare rules evaluated on the twin's value array: model signal vs its measured twin
// (`<signal>.measured`). Rules are compiled once into typed columns (ids resolved at build);
// evaluate() walks them with no allocation and leaves, per rule, an active flag and the
// figures an alarm text needs. Texts are built only when a rule changes state (describe()).
// Edge rules: every model edge must be met by a measured edge within ±window (else "missing"),
// and every measured edge by a model edge (else "extra"); the alarm holds `hold` seconds after
// the last unmatched edge, so a fault that misses every item keeps one alarm, not a chatter.
// A steady lag between line and model (I/O latency) is learned from matched edges and shifts
// the window toward the late side, by at most one window.

import { TwinloopError } from '../errors.ts';
import type { CompareRule, DiscreteRule } from './rules.ts';
import { measuredName } from './rules.ts';

const ANALOG = 0;
const DISCRETE = 1;
const RATE = 2;
const ENERGY = 3;
const KIND_CODE = { analog: ANALOG, discrete: DISCRETE, rate: RATE, energy: ENERGY } as const;
const EDGE_CODE: Readonly<Record<DiscreteRule['edge'], number>> = { rising: 1, falling: 2, both: 3 };

/** Weight of each matched edge in the learned lag (an exponential average over ~5 edges). */
const LAG_GAIN = 0.2;
/** Samples in a rate/energy window ring: window / RING_SAMPLES is the sample period. */
const RING_SAMPLES = 60;

/** Why a discrete rule fired. */
export const EdgeFault = { NONE: 0, MISSING: 1, EXTRA: 2 } as const;

// Float64 columns per rule.
const F_A = 0; // analog abs | rate/energy abs | discrete window
const F_B = 1; // analog rel | rate/energy rel | discrete hold
const F_TAU = 2; // analog filter | rate/energy sample period
const F_PERSIST = 3;
const F_FM = 4; // analog: filtered model; rate/energy: model figure
const F_FR = 5; // analog: filtered measured; rate/energy: measured figure
const F_SINCE = 6; // analog: time out of tolerance; discrete: pending model edge time
const F_PEND_R = 7; // discrete: pending measured edge time
const F_FAIL_T = 8; // discrete: time of the last unmatched edge
const F_SEEN = 9; // what was seen: analog deviation; discrete: the unmatched edge's wait; rate/energy: |diff|
const F_NEXT = 10; // rate/energy: time of the next sample
const F_SUM_M = 11; // energy: running sums over the ring
const F_SUM_R = 12;
const F_PM_FALL = 13; // discrete: pending model falling edge time (F_SINCE holds the rising one)
const F_PR_FALL = 14; // discrete: pending measured falling edge time (F_PEND_R holds the rising one)
const F_BIAS = 15; // discrete: learned lag of measured edges behind model edges, s (|bias| <= window)
const F_ALPHA_DT = 16; // analog: the dt the cached filter factor was computed for
const F_ALPHA = 17; // analog: 1 - e^(-dt/tau) for that dt (evaluations come at a fixed cycle)
const F_COLS = 18;
// Int32 columns per rule.
const I_KIND = 0;
const I_MODEL = 1;
const I_MEAS = 2;
const I_EDGE = 3;
const I_PREV_M = 4;
const I_PREV_R = 5;
const I_FAULT = 6; // EdgeFault of the last unmatched edge
const I_RING = 7; // rate/energy: first slot in the ring arrays
const I_POS = 8; // ring position
const I_FILLED = 9; // samples in the ring
const I_PRIMED = 10; // first evaluation done
const I_COLS = 11;
// The evaluation's clock (#clock): time, step since the last evaluation, last time (s). In an
// array, not passed to the rule methods as numbers: a double argument to a call V8 does not
// inline is boxed, and a profile of the shadow rig found ~11 bytes per physics step of such boxes.
const C_T = 0;
const C_DT = 1;
const C_LAST_T = 2;

export class CompareEngine {
  readonly rules: readonly CompareRule[];
  /** 1 while a rule's deviation holds. */
  readonly active: Uint8Array;
  /** Rules that deviated since build (counts activations). */
  readonly activations: Uint32Array;
  readonly #f: Float64Array;
  readonly #i: Int32Array;
  readonly #ringM: Float64Array;
  readonly #ringR: Float64Array;
  readonly #clock = new Float64Array(3).fill(Number.NaN);

  /** @throws TwinloopError SIG_UNKNOWN naming the rule whose signal (or measured twin) is missing */
  constructor(rules: readonly CompareRule[], resolve: (signal: string) => number) {
    this.rules = rules;
    const n = rules.length;
    this.active = new Uint8Array(n);
    this.activations = new Uint32Array(n);
    this.#f = new Float64Array(F_COLS * n);
    this.#i = new Int32Array(I_COLS * n);
    const windowed = rules.filter((r) => r.kind === 'rate' || r.kind === 'energy').length;
    this.#ringM = new Float64Array(windowed * RING_SAMPLES);
    this.#ringR = new Float64Array(windowed * RING_SAMPLES);
    let ring = 0;
    rules.forEach((r, k) => {
      const id = (name: string): number => {
        try {
          return resolve(name);
        } catch (err) {
          throw new TwinloopError('SIG_UNKNOWN', `compare rule ${r.name}: unknown signal ${name}${name.endsWith('.measured') ? ' (no read tag measures ' + r.signal + ')' : ''}`, { cause: err });
        }
      };
      const f = k * F_COLS;
      const i = k * I_COLS;
      this.#i[i + I_KIND] = KIND_CODE[r.kind];
      this.#i[i + I_MODEL] = id(r.signal);
      this.#i[i + I_MEAS] = id(measuredName(r.signal));
      switch (r.kind) {
        case 'analog':
          this.#f[f + F_A] = r.abs;
          this.#f[f + F_B] = r.rel;
          this.#f[f + F_TAU] = r.filterS;
          this.#f[f + F_PERSIST] = r.persistenceS;
          break;
        case 'discrete':
          this.#f[f + F_A] = r.windowS;
          this.#f[f + F_B] = r.holdS;
          this.#i[i + I_EDGE] = EDGE_CODE[r.edge];
          break;
        case 'rate':
        case 'energy':
          this.#f[f + F_A] = r.abs;
          this.#f[f + F_B] = r.rel;
          this.#f[f + F_TAU] = r.windowS / RING_SAMPLES;
          this.#i[i + I_RING] = ring++ * RING_SAMPLES;
          break;
      }
    });
    this.reset();
  }

  /** Forget all history (after suppression: the model was realigned, old edges mean nothing). */
  reset(): void {
    const n = this.rules.length;
    for (let k = 0; k < n; k++) {
      const f = k * F_COLS;
      const i = k * I_COLS;
      this.#f[f + F_SINCE] = Number.NaN;
      this.#f[f + F_PEND_R] = Number.NaN;
      this.#f[f + F_PM_FALL] = Number.NaN;
      this.#f[f + F_PR_FALL] = Number.NaN;
      this.#f[f + F_BIAS] = 0;
      this.#f[f + F_ALPHA_DT] = Number.NaN;
      this.#f[f + F_FAIL_T] = -Infinity;
      this.#f[f + F_NEXT] = -Infinity;
      this.#f[f + F_SUM_M] = 0;
      this.#f[f + F_SUM_R] = 0;
      this.#f[f + F_SEEN] = 0;
      this.#i[i + I_PRIMED] = 0;
      this.#i[i + I_FILLED] = 0;
      this.#i[i + I_POS] = 0;
      this.#i[i + I_FAULT] = EdgeFault.NONE;
      this.active[k] = 0;
    }
    this.#clock[C_LAST_T] = Number.NaN;
  }

  /** Evaluate every rule at time `t` (s, the twin's clock). Allocation-free. */
  evaluate(v: Float64Array, t: number): void {
    const clock = this.#clock;
    const last = clock[C_LAST_T]!;
    clock[C_DT] = Number.isNaN(last) ? 0 : t - last;
    clock[C_T] = t;
    clock[C_LAST_T] = t;
    const n = this.rules.length;
    const ii = this.#i;
    for (let k = 0; k < n; k++) {
      const fo = k * F_COLS;
      const io = k * I_COLS;
      const kind = ii[io + I_KIND]!;
      let on = 0;
      if (kind === ANALOG) on = this.#analog(fo, io, v);
      else if (kind === DISCRETE) on = this.#discrete(fo, io, v);
      else on = this.#windowed(fo, io, v, kind === ENERGY);
      if (on === 1 && this.active[k] === 0) this.activations[k]!++;
      this.active[k] = on;
    }
  }

  #analog(fo: number, io: number, v: Float64Array): number {
    const f = this.#f;
    const m = v[this.#i[io + I_MODEL]!]!;
    const r = v[this.#i[io + I_MEAS]!]!;
    const dt = this.#clock[C_DT]!;
    if (this.#i[io + I_PRIMED] === 0) {
      this.#i[io + I_PRIMED] = 1;
      f[fo + F_FM] = m;
      f[fo + F_FR] = r;
      f[fo + F_SINCE] = 0;
      return 0;
    }
    const tau = f[fo + F_TAU]!;
    // Within 1 % of the cached dt the cached factor is within 1 % too: no exp per evaluation.
    const cached = f[fo + F_ALPHA_DT]!;
    if (!(Math.abs(dt - cached) <= 0.01 * cached)) {
      f[fo + F_ALPHA_DT] = dt;
      f[fo + F_ALPHA] = tau > 0 ? 1 - Math.exp(-dt / tau) : 1;
    }
    const a = f[fo + F_ALPHA]!;
    const fm = (f[fo + F_FM] = f[fo + F_FM]! + a * (m - f[fo + F_FM]!));
    const fr = (f[fo + F_FR] = f[fo + F_FR]! + a * (r - f[fo + F_FR]!));
    const dev = Math.abs(fr - fm);
    const tol = Math.max(f[fo + F_A]!, f[fo + F_B]! * Math.abs(fm));
    f[fo + F_SEEN] = dev;
    // Returns below 80 % of the tolerance: a value hovering at the limit does not chatter.
    const wasOn = f[fo + F_SINCE]! >= f[fo + F_PERSIST]! && f[fo + F_SINCE]! > 0;
    if (dev > tol || (wasOn && dev > 0.8 * tol)) f[fo + F_SINCE] = f[fo + F_SINCE]! + dt;
    else f[fo + F_SINCE] = 0;
    return f[fo + F_SINCE]! > 0 && f[fo + F_SINCE]! >= f[fo + F_PERSIST]! ? 1 : 0;
  }

  #discrete(fo: number, io: number, v: Float64Array): number {
    const f = this.#f;
    const ii = this.#i;
    const m = v[ii[io + I_MODEL]!]!;
    const r = v[ii[io + I_MEAS]!]!;
    const t = this.#clock[C_T]!;
    const mb = m !== 0 ? 1 : 0;
    const rb = r !== 0 ? 1 : 0;
    if (ii[io + I_PRIMED] === 0) {
      ii[io + I_PRIMED] = 1;
      ii[io + I_PREV_M] = mb;
      ii[io + I_PREV_R] = rb;
      return 0;
    }
    const edges = ii[io + I_EDGE]!;
    const pm = ii[io + I_PREV_M]!;
    const pr = ii[io + I_PREV_R]!;
    ii[io + I_PREV_M] = mb;
    ii[io + I_PREV_R] = rb;
    // Rising and falling edges are matched separately: a model edge meets a pending measured
    // edge of the same direction, or waits for one (and the other way round).
    if ((edges & 1) !== 0) {
      if (mb === 1 && pm === 0) this.#edge(fo, fo + F_SINCE, fo + F_PEND_R, -1);
      if (rb === 1 && pr === 0) this.#edge(fo, fo + F_PEND_R, fo + F_SINCE, 1);
      this.#timeout(fo, io, fo + F_SINCE, EdgeFault.MISSING, 1);
      this.#timeout(fo, io, fo + F_PEND_R, EdgeFault.EXTRA, -1);
    }
    if ((edges & 2) !== 0) {
      if (mb === 0 && pm === 1) this.#edge(fo, fo + F_PM_FALL, fo + F_PR_FALL, -1);
      if (rb === 0 && pr === 1) this.#edge(fo, fo + F_PR_FALL, fo + F_PM_FALL, 1);
      this.#timeout(fo, io, fo + F_PM_FALL, EdgeFault.MISSING, 1);
      this.#timeout(fo, io, fo + F_PR_FALL, EdgeFault.EXTRA, -1);
    }
    return t - f[fo + F_FAIL_T]! < f[fo + F_B]! ? 1 : 0;
  }

  /**
   * An edge at t on one side: it consumes the other side's pending edge, or becomes pending.
   * A match teaches the rule the steady lag of the line behind the model (I/O latency, slow
   * drift of a model without item re-sync): `sign` is +1 for a measured edge, -1 for a model one.
   */
  #edge(fo: number, own: number, other: number, sign: number): void {
    const f = this.#f;
    const t = this.#clock[C_T]!;
    const pending = f[other]!;
    if (Number.isNaN(pending)) {
      f[own] = t;
      return;
    }
    f[other] = Number.NaN;
    const window = f[fo + F_A]!;
    const lag = sign * (t - pending);
    const bias = f[fo + F_BIAS]! + LAG_GAIN * (lag - f[fo + F_BIAS]!);
    f[fo + F_BIAS] = bias > window ? window : bias < -window ? -window : bias;
  }

  /**
   * A pending edge older than the window (shifted by the learned lag, toward the side that is
   * late) is unmatched: record it as the rule's fault. `side` +1: a model edge waiting.
   */
  #timeout(fo: number, io: number, slot: number, fault: number, side: number): void {
    const f = this.#f;
    const t = this.#clock[C_T]!;
    const since = f[slot]!;
    const shift = side * f[fo + F_BIAS]!;
    if (Number.isNaN(since) || t - since <= f[fo + F_A]! + (shift > 0 ? shift : 0)) return;
    // The first unmatched edge of an episode names it (a late edge after a missing one is
    // also "extra", but the cause is the missing one).
    if (t - f[fo + F_FAIL_T]! >= f[fo + F_B]!) {
      this.#i[io + I_FAULT] = fault;
      f[fo + F_SEEN] = t - since;
    }
    f[fo + F_FAIL_T] = t;
    f[slot] = Number.NaN;
  }

  #windowed(fo: number, io: number, v: Float64Array, energy: boolean): number {
    const f = this.#f;
    const ii = this.#i;
    const m = v[ii[io + I_MODEL]!]!;
    const r = v[ii[io + I_MEAS]!]!;
    const t = this.#clock[C_T]!;
    if (t < f[fo + F_NEXT]!) return this.active[io / I_COLS]!;
    const period = f[fo + F_TAU]!;
    f[fo + F_NEXT] = (f[fo + F_NEXT] === -Infinity ? t : f[fo + F_NEXT]!) + period;
    const base = ii[io + I_RING]!;
    const pos = ii[io + I_POS]!;
    const filled = ii[io + I_FILLED]!;
    const rm = this.#ringM;
    const rr = this.#ringR;
    // The slot about to be overwritten holds the sample one window ago.
    const oldM = rm[base + pos]!;
    const oldR = rr[base + pos]!;
    rm[base + pos] = m;
    rr[base + pos] = r;
    ii[io + I_POS] = (pos + 1) % RING_SAMPLES;
    if (energy) {
      // Energy over the window: sum of power samples x period (kW x s -> kWh).
      f[fo + F_SUM_M] = f[fo + F_SUM_M]! + m - (filled === RING_SAMPLES ? oldM : 0);
      f[fo + F_SUM_R] = f[fo + F_SUM_R]! + r - (filled === RING_SAMPLES ? oldR : 0);
    }
    if (filled < RING_SAMPLES) {
      ii[io + I_FILLED] = filled + 1;
      return 0;
    }
    const window = period * RING_SAMPLES;
    // rate: counter increase per minute; energy: kWh over the window.
    const a = energy ? (f[fo + F_SUM_M]! * period) / 3600 : ((m - oldM) / window) * 60;
    const b = energy ? (f[fo + F_SUM_R]! * period) / 3600 : ((r - oldR) / window) * 60;
    f[fo + F_FM] = a;
    f[fo + F_FR] = b;
    const diff = Math.abs(b - a);
    f[fo + F_SEEN] = diff;
    return diff > Math.max(f[fo + F_A]!, f[fo + F_B]! * Math.abs(a)) ? 1 : 0;
  }

  /** The operator's text of rule k in its present state (allocates: call on transitions only). */
  describe(k: number): { message: string; cause: string } {
    const r = this.rules[k]!;
    const f = this.#f;
    const fo = k * F_COLS;
    const seen = f[fo + F_SEEN]!;
    const hint = r.cause ? `: ${r.cause}` : '';
    const fix = (x: number, d = 2): string => x.toFixed(d);
    switch (r.kind) {
      case 'analog': {
        const tol = Math.max(r.abs, r.rel * Math.abs(f[fo + F_FM]!));
        return {
          message: `${r.signal}: measured ${fix(f[fo + F_FR]!)} vs model ${fix(f[fo + F_FM]!)}`,
          cause: `compare rule ${r.name}: deviation ${fix(seen)} beyond ${fix(tol)} for ${fix(f[fo + F_SINCE]!, 1)} s${hint}`,
        };
      }
      case 'discrete': {
        const missing = this.#i[k * I_COLS + I_FAULT] === EdgeFault.MISSING;
        return {
          message: missing ? `${r.signal}: model edge not seen on the line` : `${r.signal}: edge on the line the model did not expect`,
          cause: missing
            ? `compare rule ${r.name}: ${r.signal} edge expected within ${r.windowS} s of model, missing for ${fix(seen, 1)} s${hint}`
            : `compare rule ${r.name}: ${r.signal} extra edge, no model edge within ${r.windowS} s (unmatched for ${fix(seen, 1)} s)${hint}`,
        };
      }
      case 'rate':
        return {
          message: `${r.signal}: measured ${fix(f[fo + F_FR]!, 1)}/min vs model ${fix(f[fo + F_FM]!, 1)}/min`,
          cause: `compare rule ${r.name}: throughput over ${r.windowS} s differs by ${fix(seen, 1)}/min${hint}`,
        };
      case 'energy':
        return {
          message: `${r.signal}: measured ${fix(f[fo + F_FR]!, 4)} kWh vs model ${fix(f[fo + F_FM]!, 4)} kWh over ${r.windowS} s (mean ${fix((f[fo + F_FR]! * 3600) / r.windowS, 3)} vs ${fix((f[fo + F_FM]! * 3600) / r.windowS, 3)} kW)`,
          cause: `compare rule ${r.name}: energy differs by ${fix(seen, 4)} kWh${hint}`,
        };
    }
  }

  /** Model and measured signal names of rule k, for the deviation view. */
  signalsOf(k: number): readonly string[] {
    const r = this.rules[k]!;
    return [r.signal, measuredName(r.signal)];
  }
}
