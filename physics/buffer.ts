// Buffers: a FIFO store between stations. It takes items while it is below its capacity (a full
// buffer blocks its upstream) and passes the oldest on as soon as its outlet takes it (an empty
// buffer starves its downstream). Passing takes no time: one item per step.

import type { BuildContext, ComponentType } from './component.ts';
import type { Bins } from './bin.ts';
import type { ItemPool } from './items.ts';
import { CAP, COUNT } from './items.ts';
import { OUTLET_PARAM, passOn, resolveOutlet } from './outlet.ts';

/** Catalog entry for buffers. */
export const bufferType: ComponentType = {
  type: 'buffer',
  description: 'FIFO buffer between stations: blocks upstream when full, starves downstream when empty',
  params: {
    capacity: { kind: 'number', unit: '', default: 5, minimum: 1, maximum: 10000, integer: true, description: 'Items it holds' },
    next: OUTLET_PARAM,
  },
  signals: [
    { field: 'items', type: 'int', kind: 'state', unit: '', description: 'Items held' },
    { field: 'full', type: 'bool', kind: 'sensor', unit: '', description: 'At capacity: upstream is blocked' },
    { field: 'empty', type: 'bool', kind: 'sensor', unit: '', description: 'Nothing to pass on: downstream is starved' },
    { field: 'passed', type: 'int', kind: 'state', unit: '', description: 'Items passed on since reset' },
  ],
};

const FULL = 1;
const EMPTY = 2;
const PASSED = 3;

// Int32 columns.
const C_SIG = 0;
const C_LANE = 1;
const C_NEXT_LANE = 2;
const C_NEXT_BIN = 3;
const C_PASSED = 4; // state
const I_COLS = 5;

/** All buffers of a line; their items are the pool's lanes (capacity = ring size). */
export class Buffers {
  readonly n: number;
  readonly #i: Int32Array;
  readonly #pool: ItemPool;
  readonly #bins: Bins;

  constructor(ctx: BuildContext, pool: ItemPool, bins: Bins) {
    const placed = ctx.of('buffer');
    const n = placed.length;
    this.n = n;
    this.#pool = pool;
    this.#bins = bins;
    this.#i = new Int32Array(I_COLS * n);
    const outlet = new Int32Array(2);
    for (let k = 0; k < n; k++) {
      const { cfg } = placed[k]!;
      this.#i[C_SIG * n + k] = ctx.signal(cfg.id, 'items');
      this.#i[C_LANE * n + k] = ctx.lane(cfg.id);
      resolveOutlet(ctx, cfg['next'], outlet, 0, 1);
      this.#i[C_NEXT_LANE * n + k] = outlet[0]!;
      this.#i[C_NEXT_BIN * n + k] = outlet[1]!;
    }
  }

  reset(values: Float64Array): void {
    const n = this.n;
    for (let k = 0; k < n; k++) {
      this.#i[C_PASSED * n + k] = 0;
      const b = this.#i[C_SIG * n + k]!;
      values[b + FULL] = 0;
      values[b + EMPTY] = 1;
      values[b + PASSED] = 0;
    }
  }

  state(): Int32Array[] {
    return [this.#i];
  }

  step(values: Float64Array): void {
    const n = this.n;
    const ii = this.#i;
    const pool = this.#pool;
    const ring = pool.ring, lanes = pool.conveyors;
    for (let k = 0; k < n; k++) {
      const c = ii[C_LANE * n + k]!;
      const b = ii[C_SIG * n + k]!;
      if (ring[COUNT * lanes + c]! > 0 && passOn(pool, this.#bins, c, ii[C_NEXT_LANE * n + k]!, ii[C_NEXT_BIN * n + k]!)) {
        values[b + PASSED] = ++ii[C_PASSED * n + k]!;
      }
      const count = ring[COUNT * lanes + c]!;
      const full = count === ring[CAP * lanes + c]! ? 1 : 0;
      values[b + FULL] = full;
      values[b + EMPTY] = count === 0 ? 1 : 0;
    }
  }
}
