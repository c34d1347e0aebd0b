// Bins: sinks that count the items a conveyor end or a pusher delivers, and the ones of the
// wrong class when the bin accepts only one class — the measure of whether a line sorts right.

import type { BuildContext, ComponentType } from './component.ts';
import { column } from './component.ts';

/** Catalog entry for bins. */
export const binType: ComponentType = {
  type: 'bin',
  description: 'Sink counting delivered items, and those of a class other than the one it accepts',
  params: {
    accepts: { kind: 'string', optional: true, description: 'Class name this bin is meant for; items of other classes count as wrong. Default: none (nothing is wrong)' },
  },
  signals: [
    { field: 'count', type: 'int', kind: 'state', unit: '', description: 'Items received since reset' },
    { field: 'wrong', type: 'int', kind: 'state', unit: '', description: 'Items received whose class is not the accepted one' },
  ],
  check(cfg, path, ctx, out) {
    const accepts = cfg['accepts'];
    if (typeof accepts === 'string' && !ctx.classNames.includes(accepts)) {
      const known = ctx.classNames.length > 0 ? ctx.classNames.join(', ') : 'none';
      out.push({ path: `${path}.accepts`, message: `names class ${accepts}, which no source produces; known classes: ${known}` });
    }
  },
};

// Offsets of each signal from the bin's first one: the order of binType.signals.
const COUNT = 0;
const WRONG = 1;

// Int32 columns.
const C_SIG = 0; // id of the bin's first signal (count)
const C_ACCEPTS = 1; // accepted global class index; -1 accepts anything
const C_COUNT = 2; // state
const C_WRONG = 3; // state
const I_COLS = 4;

/**
 * All bins of a line. Conveyors and pushers deliver into them during their own steps; counts
 * are written through on delivery, so bins need no pass of their own per step.
 */
export class Bins {
  readonly n: number;
  readonly #i: Int32Array;
  readonly #values: Float64Array;

  constructor(ctx: BuildContext, values: Float64Array) {
    const placed = ctx.of('bin');
    const n = placed.length;
    this.n = n;
    this.#values = values;
    this.#i = new Int32Array(I_COLS * n);
    const sig = column(this.#i, C_SIG, n), acceptsIdx = column(this.#i, C_ACCEPTS, n);
    for (let b = 0; b < n; b++) {
      const cfg = placed[b]!.cfg;
      const accepts = cfg['accepts'];
      acceptsIdx[b] = typeof accepts === 'string' ? ctx.classIndex(accepts) : -1;
      sig[b] = ctx.signal(cfg.id, 'count');
    }
  }

  /** Count one item of global class `cls` into bin b. */
  receive(b: number, cls: number): void {
    const n = this.n;
    const ii = this.#i;
    const sig = ii[C_SIG * n + b]!;
    this.#values[sig + COUNT] = ++ii[C_COUNT * n + b]!;
    const a = ii[C_ACCEPTS * n + b]!;
    if (a >= 0 && cls !== a) this.#values[sig + WRONG] = ++ii[C_WRONG * n + b]!;
  }

  /** The typed arrays that hold this group's state, for snapshots. */
  state(): (Float64Array | Int32Array)[] {
    return [this.#i];
  }

  /** Empty every bin. */
  reset(values: Float64Array): void {
    const n = this.n;
    this.#i.fill(0, C_COUNT * n, (C_WRONG + 1) * n);
    for (let b = 0; b < n; b++) {
      values[this.#i[C_SIG * n + b]! + COUNT] = 0;
      values[this.#i[C_SIG * n + b]! + WRONG] = 0;
    }
  }
}
