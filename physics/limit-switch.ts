// Limit switches: mechanical switches actuated by a cylinder's or pusher's piston at one point
// of its stroke (an intermediate position, or an end when the built-in end switches are not used).

import type { BuildContext, ComponentType } from './component.ts';
import { readNumber } from './component.ts';
import type { KernelSlot } from './kernel.ts';

/** Catalog entry for limit switches. */
export const limitSwitchType: ComponentType = {
  type: 'limitswitch',
  description: 'Limit switch on a cylinder or pusher stroke',
  params: {
    actuator: { kind: 'ref', targets: ['cylinder', 'pusher'], description: 'Id of the cylinder or pusher whose piston actuates it' },
    at: { kind: 'number', unit: '', default: 1, minimum: 0, maximum: 1, description: 'Stroke fraction where it sits (0 retracted .. 1 extended)' },
    travel: { kind: 'number', unit: '', default: 0.02, minimum: 0, description: 'Half-width of the actuated band, stroke fraction' },
  },
  signals: [{ field: 'actuated', type: 'bool', kind: 'sensor', unit: '', description: 'The piston is at the switch: |position - at| <= travel' }],
};

/** All limit switches of a line; step after cylinders and pushers. */
export class LimitSwitches {
  readonly n: number;
  /** at - travel, at + travel per switch (two columns). */
  readonly #f: Float64Array;
  /** Signal id of the switch, and of its piston's position (two columns). */
  readonly #i: Int32Array;

  constructor(ctx: BuildContext) {
    const placed = ctx.of('limitswitch');
    const n = placed.length;
    this.n = n;
    this.#f = new Float64Array(2 * n);
    this.#i = new Int32Array(2 * n);
    for (let k = 0; k < n; k++) {
      const { cfg, path } = placed[k]!;
      const at = readNumber(cfg, limitSwitchType, 'at', path);
      const travel = readNumber(cfg, limitSwitchType, 'travel', path);
      this.#f[k] = at - travel;
      this.#f[n + k] = at + travel;
      this.#i[k] = ctx.signal(cfg.id, 'actuated');
      this.#i[n + k] = ctx.signal(cfg['actuator'] as string, 'position');
    }
    this.#values = ctx.values;
    this.#kernel = ctx.kernel(limitSwitchKernel, {}, this.n, this.#f, this.#i, this.#values);
  }

  reset(): void {
    this.step();
  }

  state(): (Float64Array | Int32Array)[] {
    return [this.#f, this.#i];
  }

  readonly #values: Float64Array;
  readonly #kernel: KernelSlot<[]>;

  /** On the model's own compiled kernel once it has one (kernel.ts). */
  step(): void {
    if (this.n === 0) return;
    const own = this.#kernel.own;
    if (own !== null) own();
    else limitSwitchKernel(this.n, this.#f, this.#i, this.#values);
  }
}

/** The limit switches' step: the model's shared code, or its own compiled copy (specialize(), kernel.ts). */
function limitSwitchKernel(
  n: number,
  f: Float64Array,
  ii: Int32Array,
  values: Float64Array,
): void {
  for (let k = 0; k < n; k++) {
    const x = values[ii[n + k]!]!;
    values[ii[k]!] = x >= f[k]! && x <= f[n + k]! ? 1 : 0;
  }
}
