// Analog transmitters (level, pressure, temperature, flow): measure any real signal of the
// line, clamp it to the instrument's range, add seeded Gaussian noise and quantise it to the
// resolution; also give the 4-20 mA loop current the PLC's analog card would read.
// The noise is redrawn at the transmitter's update rate (`noiseUpdate`, 10 ms by default: real
// transmitters refresh their output at 10-100 Hz), not at every physics step: the reading
// still follows the measured signal every step (every slice step with a processPeriod, when it
// samples and holds: time-slice.ts). Draws come from the ziggurat of rng.ts (a Box-Muller draw
// per step, two uniforms, a log, a sqrt and a cos, was the largest single cost of a plant's step).

import { phaseFrom } from './time-slice.ts';
import type { BuildContext, ComponentType } from './component.ts';
import { readNumber, stringOf } from './component.ts';
import type { KernelSlot } from './kernel.ts';
import { nextNormal, streamSeed } from './rng.ts';

/** Random streams of transmitters start here, clear of the sources' streams (0, 1, ...). */
const STREAM_BASE = 0x10000;

/** Catalog entry for transmitters. */
export const transmitterType: ComponentType = {
  type: 'transmitter',
  description: 'Analog transmitter: range, resolution and noise over a measured signal, plus its 4-20 mA current',
  params: {
    signal: { kind: 'string', description: 'The measured signal, <component id>.<field>, e.g. t1.level' },
    measures: { kind: 'string', enum: ['level', 'pressure', 'temperature', 'flow', 'other'], optional: true, description: 'What it measures (for the HMI symbol)' },
    min: { kind: 'number', unit: '', default: 0, description: 'Lower range value, in the measured signal\'s unit (4 mA)' },
    max: { kind: 'number', unit: '', default: 100, description: 'Upper range value (20 mA); must be above min' },
    resolution: { kind: 'number', unit: '', default: 0, minimum: 0, description: 'Quantisation step of the reading; 0 = none' },
    noise: { kind: 'number', unit: '', default: 0, minimum: 0, description: 'Standard deviation of the Gaussian noise on the reading' },
    noiseUpdate: { kind: 'number', unit: 's', default: 0.01, minimum: 0, description: 'Interval at which the noise is redrawn (the transmitter\'s update time); 0 = every step' },
  },
  signals: [
    { field: 'value', type: 'real', kind: 'sensor', unit: '', description: 'Reading in the unit of the measured signal' },
    { field: 'current', type: 'real', kind: 'state', unit: 'mA', description: 'Loop current, 4 mA at min .. 20 mA at max' },
  ],
  check(cfg, path, ctx, out) {
    const sig = stringOf(cfg, 'signal');
    const dot = sig === undefined ? -1 : sig.indexOf('.');
    if (sig !== undefined && (dot < 1 || ctx.byId(sig.slice(0, dot)) === undefined)) {
      out.push({ path: `${path}.signal`, message: `names ${sig}, which is not <component id>.<field> of a component of this line` });
    }
    const lo = typeof cfg['min'] === 'number' ? cfg['min'] : 0;
    const hi = typeof cfg['max'] === 'number' ? cfg['max'] : 100;
    if (!(hi > lo)) out.push({ path: `${path}.max`, message: `is ${hi}, not above min ${lo}` });
  },
};

const VALUE = 0;
const CURRENT = 1;

const C_MIN = 0;
const C_MAX = 1;
const C_RES = 2;
const C_NOISE = 3;
const C_MA_PER = 4; // mA per unit: 16 / (max - min)
const C_HELD = 5; // the noise sample in force until the next update
const F_COLS = 6;

const C_SIG = 0;
const C_SRC = 1;
const C_HOLD = 2; // steps between noise draws
const C_LEFT = 3; // steps until the next draw
const I_COLS = 4;

/** All transmitters of a line; step last, so they read what this step computed. */
export class Transmitters {
  readonly n: number;
  readonly #f: Float64Array;
  readonly #i: Int32Array;
  readonly #rng: Uint32Array;
  readonly #seed: number;
  /** Steps per process slice: a transmitter samples and holds its reading between its slice steps. */
  readonly #m: number;

  constructor(ctx: BuildContext, seed: number) {
    const placed = ctx.of('transmitter');
    const n = placed.length;
    this.n = n;
    this.#seed = seed;
    this.#m = ctx.processTicks;
    this.#f = new Float64Array(F_COLS * n);
    this.#i = new Int32Array(I_COLS * n);
    this.#rng = new Uint32Array(n);
    this.#values = ctx.values;
    this.#kernel = ctx.kernel(transmitterKernel, LAYOUT, this.n, this.#f, this.#i, this.#rng, this.#values, nextNormal, this.#z);
    const f = this.#f;
    for (let k = 0; k < n; k++) {
      const { cfg, path } = placed[k]!;
      const num = (name: string): number => readNumber(cfg, transmitterType, name, path);
      f[C_MIN * n + k] = num('min');
      f[C_MAX * n + k] = num('max');
      f[C_RES * n + k] = num('resolution');
      f[C_NOISE * n + k] = num('noise');
      f[C_MA_PER * n + k] = 16 / (num('max') - num('min'));
      this.#i[C_HOLD * n + k] = Math.max(1, Math.round(num('noiseUpdate') / ctx.dt));
      const sig = cfg['signal'] as string;
      const dot = sig.indexOf('.');
      this.#i[C_SRC * n + k] = ctx.signal(sig.slice(0, dot), sig.slice(dot + 1));
      this.#i[C_SIG * n + k] = ctx.signal(cfg.id, 'value');
    }
  }

  reset(): void {
    const n = this.n;
    for (let k = 0; k < n; k++) {
      this.#rng[k] = streamSeed(this.#seed, STREAM_BASE + k);
      this.#i[C_LEFT * n + k] = 0; // draw on the first step
      this.#f[C_HELD * n + k] = 0;
    }
    this.#update(0, this.n, 1);
  }

  state(): (Float64Array | Int32Array | Uint32Array)[] {
    return [this.#f, this.#i, this.#rng];
  }

  /** Sample the transmitters of this tick's phase of the process slice. */
  step(tick: number): void {
    const m = this.#m;
    const phase = tick % m;
    this.#update(phaseFrom(this.n, m, phase), phaseFrom(this.n, m, phase + 1), m);
  }

  readonly #values: Float64Array;
  /** Scratch for a Gaussian draw (nextNormal writes it). */
  readonly #z = new Float64Array(1);
  readonly #kernel: KernelSlot<[from: number, to: number, steps: number]>;

  /** Update transmitters from .. to - 1, `steps` physics steps after their last update. */
  #update(from: number, to: number, steps: number): void {
    if (this.n === 0) return;
    const own = this.#kernel.own;
    if (own !== null) own(from, to, steps);
    else transmitterKernel(this.n, this.#f, this.#i, this.#rng, this.#values, nextNormal, this.#z, from, to, steps);
  }
}

/** Offsets the transmitter kernel needs (it cannot see this module's constants). */
const LAYOUT = { VALUE, CURRENT, C_MIN, C_MAX, C_RES, C_NOISE, C_MA_PER, C_HELD, C_SIG, C_SRC, C_HOLD, C_LEFT };

/** The transmitters' step: the model's shared code, or its own compiled copy (specialize(), kernel.ts). */
function transmitterKernel(
  n: number,
  f: Float64Array,
  ii: Int32Array,
  rng: Uint32Array,
  values: Float64Array,
  normal: typeof nextNormal,
  z: Float64Array,
  from: number,
  to: number,
  steps: number,
): void {
  const oSrc = C_SRC * n, oSig = C_SIG * n, oNoise = C_NOISE * n, oMin = C_MIN * n, oMax = C_MAX * n, oRes = C_RES * n, oMa = C_MA_PER * n;
  const oHeld = C_HELD * n, oHold = C_HOLD * n, oLeft = C_LEFT * n;
  for (let k = from; k < to; k++) {
    let x = values[ii[oSrc + k]!]!;
    const sd = f[oNoise + k]!;
    if (sd > 0 && (ii[oLeft + k] -= steps) <= 0) {
      ii[oLeft + k] = ii[oHold + k]!;
      // The ziggurat (rng.ts): a compare and a multiply for ~99 % of draws, so the call is cheap
      // where Box-Muller's log, sqrt and cos made this loop the plant mix's largest cost.
      normal(rng, k, z);
      f[oHeld + k] = sd * z[0]!;
    }
    if (sd > 0) x += f[oHeld + k]!;
    const lo = f[oMin + k]!;
    const hi = f[oMax + k]!;
    const res = f[oRes + k]!;
    if (res > 0) x = lo + Math.round((x - lo) / res) * res;
    if (!(x > lo)) x = lo;
    else if (x > hi) x = hi;
    const b = ii[oSig + k]!;
    values[b + VALUE] = x;
    values[b + CURRENT] = 4 + (x - lo) * f[oMa + k]!;
  }
}
