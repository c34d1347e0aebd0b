// Encoders: incremental encoders on a conveyor (a measuring wheel on the belt). The count is
// the belt distance travelled divided by the pulse pitch, signed with the direction.

import type { BuildContext, ComponentType } from './component.ts';
import { column, readNumber } from './component.ts';
import type { KernelSlot } from './kernel.ts';

/** Catalog entry for encoders. */
export const encoderType: ComponentType = {
  type: 'encoder',
  description: 'Incremental encoder on a conveyor: pulse count = belt distance / pitch',
  params: {
    conveyor: { kind: 'ref', targets: ['conveyor'], description: 'Id of the conveyor it measures' },
    pitch: { kind: 'number', unit: 'm', default: 0.001, exclusiveMinimum: 0, description: 'Belt travel per pulse' },
  },
  signals: [
    { field: 'count', type: 'int', kind: 'sensor', unit: '', description: 'Pulse count since reset: floor(distance / pitch)' },
    { field: 'distance', type: 'real', kind: 'state', unit: 'm', description: 'Belt distance since reset (signed)' },
  ],
};

const COUNT = 0;
const DISTANCE = 1;

const C_D = 0; // state, m
const C_INV_PITCH = 1;
const F_COLS = 2;

const C_SIG = 0;
const C_SPEED_SIG = 1; // the conveyor's .speed
const I_COLS = 2;

/** All encoders of a line; step after the conveyors. */
export class Encoders {
  readonly n: number;
  readonly #f: Float64Array;
  readonly #i: Int32Array;

  constructor(ctx: BuildContext) {
    const placed = ctx.of('encoder');
    const n = placed.length;
    this.n = n;
    this.#f = new Float64Array(F_COLS * n);
    this.#i = new Int32Array(I_COLS * n);
    for (let k = 0; k < n; k++) {
      const { cfg, path } = placed[k]!;
      this.#f[C_INV_PITCH * n + k] = 1 / readNumber(cfg, encoderType, 'pitch', path);
      this.#i[C_SIG * n + k] = ctx.signal(cfg.id, 'count');
      this.#i[C_SPEED_SIG * n + k] = ctx.signal(cfg['conveyor'] as string, 'speed');
    }
    this.#values = ctx.values;
    this.#dt = ctx.dt;
    this.#kernel = ctx.kernel(encoderKernel, { COUNT, DISTANCE, C_D, C_INV_PITCH, C_SIG, C_SPEED_SIG }, this.n, this.#f, this.#i, this.#values, this.#dt);
  }

  reset(values: Float64Array): void {
    const n = this.n;
    column(this.#f, C_D, n).fill(0);
    for (let k = 0; k < n; k++) {
      values[this.#i[C_SIG * n + k]! + COUNT] = 0;
      values[this.#i[C_SIG * n + k]! + DISTANCE] = 0;
    }
  }

  state(): (Float64Array | Int32Array)[] {
    return [this.#f, this.#i];
  }

  readonly #values: Float64Array;
  readonly #dt: number;
  readonly #kernel: KernelSlot<[]>;

  /** On the model's own compiled kernel once it has one (kernel.ts). */
  step(): void {
    if (this.n === 0) return;
    const own = this.#kernel.own;
    if (own !== null) own();
    else encoderKernel(this.n, this.#f, this.#i, this.#values, this.#dt);
  }
}

/** The encoders' step: the model's shared code, or its own compiled copy (specialize(), kernel.ts). */
function encoderKernel(
  n: number,
  f: Float64Array,
  ii: Int32Array,
  values: Float64Array,
  dt: number,
): void {
  const oD = C_D * n, oInvPitch = C_INV_PITCH * n, oSig = C_SIG * n, oSpeedSig = C_SPEED_SIG * n;
  for (let k = 0; k < n; k++) {
    const d = f[oD + k]! + values[ii[oSpeedSig + k]!]! * dt;
    f[oD + k] = d;
    const b = ii[oSig + k]!;
    values[b + COUNT] = Math.floor(d * f[oInvPitch + k]!);
    values[b + DISTANCE] = d;
  }
}
