// Analog transmitters (level, pressure, temperature, flow): measure any real signal of the
// line, clamp it to the instrument's range, add seeded Gaussian noise and quantise it to the
// resolution; also give the 4-20 mA loop current the PLC's analog card would read.

import type { BuildContext, ComponentType } from './component.ts';
import { readNumber, stringOf } from './component.ts';
import { streamSeed } from './rng.ts';

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
const F_COLS = 5;

const C_SIG = 0;
const C_SRC = 1;
const I_COLS = 2;

/** All transmitters of a line; step last, so they read what this step computed. */
export class Transmitters {
  readonly n: number;
  readonly #f: Float64Array;
  readonly #i: Int32Array;
  readonly #rng: Uint32Array;
  readonly #seed: number;

  constructor(ctx: BuildContext, seed: number) {
    const placed = ctx.of('transmitter');
    const n = placed.length;
    this.n = n;
    this.#seed = seed;
    this.#f = new Float64Array(F_COLS * n);
    this.#i = new Int32Array(I_COLS * n);
    this.#rng = new Uint32Array(n);
    const f = this.#f;
    for (let k = 0; k < n; k++) {
      const { cfg, path } = placed[k]!;
      const num = (name: string): number => readNumber(cfg, transmitterType, name, path);
      f[C_MIN * n + k] = num('min');
      f[C_MAX * n + k] = num('max');
      f[C_RES * n + k] = num('resolution');
      f[C_NOISE * n + k] = num('noise');
      f[C_MA_PER * n + k] = 16 / (num('max') - num('min'));
      const sig = cfg['signal'] as string;
      const dot = sig.indexOf('.');
      this.#i[C_SRC * n + k] = ctx.signal(sig.slice(0, dot), sig.slice(dot + 1));
      this.#i[C_SIG * n + k] = ctx.signal(cfg.id, 'value');
    }
  }

  reset(values: Float64Array): void {
    for (let k = 0; k < this.n; k++) this.#rng[k] = streamSeed(this.#seed, STREAM_BASE + k);
    this.step(values);
  }

  state(): (Float64Array | Int32Array | Uint32Array)[] {
    return [this.#f, this.#i, this.#rng];
  }

  step(values: Float64Array): void {
    const n = this.n;
    const f = this.#f;
    const ii = this.#i;
    const rng = this.#rng;
    // Column offsets hoisted; the mulberry32 pair of rng.ts inlined (same sequence), so the
    // noisy path makes no call: a profile of the plant mix showed this loop as its largest cost.
    const oSrc = C_SRC * n, oSig = C_SIG * n, oNoise = C_NOISE * n, oMin = C_MIN * n, oMax = C_MAX * n, oRes = C_RES * n, oMa = C_MA_PER * n;
    for (let k = 0; k < n; k++) {
      let x = values[ii[oSrc + k]!]!;
      const sd = f[oNoise + k]!;
      if (sd > 0) {
        let a = (rng[k]! + 0x6d2b79f5) >>> 0;
        let t = Math.imul(a ^ (a >>> 15), a | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        const u0 = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
        a = (a + 0x6d2b79f5) >>> 0;
        rng[k] = a;
        t = Math.imul(a ^ (a >>> 15), a | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        const u1 = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
        // Box-Muller; 1 - u0 lies in (0, 1], so the logarithm is finite.
        x += sd * Math.sqrt(-2 * Math.log(1 - u0)) * Math.cos(2 * Math.PI * u1);
      }
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
}
