// Order sources: release the units of a production order, one product (item class) at a time,
// straight into a station's lane as soon as the station can take one (no belt between: the
// planning runs' release point, core/planning/on-line-run.ts). The release queue is filled from
// outside between steps (OrderSources.release): a lot of one class and a number of units; the
// step loop only places the lot's units and counts them.

import type { BuildContext, ComponentType } from './component.ts';
import { column, readNumber } from './component.ts';
import type { ItemPool } from './items.ts';
import { CAP, COUNT } from './items.ts';
import { TwinloopError } from '../core/errors.ts';

/** Catalog entry for order sources. */
export const orderSourceType: ComponentType = {
  type: 'ordersource',
  description: 'Releases the units of production orders (one product at a time) into a station as soon as it can take one; the plan fills its queue (twinloop plan --on-line)',
  params: {
    next: { kind: 'ref', targets: ['machine', 'buffer', 'pickplace'], description: 'Id of the station (or buffer) the units are released into' },
    itemLength: { kind: 'number', unit: 'm', default: 0.2, exclusiveMinimum: 0, description: 'Extent of each unit' },
    itemHeight: { kind: 'number', unit: 'm', default: 0.1, exclusiveMinimum: 0, description: 'Height of each unit' },
  },
  signals: [
    { field: 'created', type: 'int', kind: 'state', unit: '', description: 'Units released since reset' },
    { field: 'queued', type: 'int', kind: 'state', unit: '', description: 'Units of the current lot not yet released' },
    { field: 'blocked', type: 'bool', kind: 'state', unit: '', description: 'Units are queued but the station does not take one' },
  ],
};

const CREATED = 0;
const QUEUED = 1;
const BLOCKED = 2;

// Int32 columns.
const C_SIG = 0;
const C_LANE = 1;
const C_CLASS = 2; // state: class of the current lot
const C_LEFT = 3; // state: units of the lot not yet released
const C_CREATED = 4; // state
const I_COLS = 5;

/** All order sources of a line. */
export class OrderSources {
  readonly n: number;
  readonly #i: Int32Array;
  readonly #pool: ItemPool;
  /** Geometry of every unit, four entries per source: front (0 in a station), length, height (m), temperature (°C). */
  readonly #geometry: Float64Array;
  /** Units released by all order sources, in an array so snapshots see it. */
  readonly #total = new Int32Array(1);

  constructor(ctx: BuildContext, pool: ItemPool) {
    const placed = ctx.of('ordersource');
    const n = placed.length;
    this.n = n;
    this.#pool = pool;
    this.#i = new Int32Array(I_COLS * n);
    this.#geometry = new Float64Array(4 * Math.max(1, n));
    for (let k = 0; k < n; k++) {
      const { cfg, path } = placed[k]!;
      this.#i[C_SIG * n + k] = ctx.signal(cfg.id, 'created');
      this.#i[C_LANE * n + k] = ctx.lane(String(cfg['next']));
      this.#geometry[4 * k + 1] = readNumber(cfg, orderSourceType, 'itemLength', path);
      this.#geometry[4 * k + 2] = readNumber(cfg, orderSourceType, 'itemHeight', path);
      this.#geometry[4 * k + 3] = 20;
    }
  }

  get total(): number {
    return this.#total[0]!;
  }

  reset(values: Float64Array): void {
    const n = this.n;
    for (const col of [C_CLASS, C_LEFT, C_CREATED]) column(this.#i, col, n).fill(0);
    this.#total[0] = 0;
    for (let k = 0; k < n; k++) {
      const b = this.#i[C_SIG * n + k]!;
      values[b + CREATED] = 0;
      values[b + QUEUED] = 0;
      values[b + BLOCKED] = 0;
    }
  }

  state(): Int32Array[] {
    return [this.#i, this.#total];
  }

  /**
   * Queue `units` units of class `cls` on order source k. Between steps.
   * @throws TwinloopError MODEL_BUILD when units of another class are still queued (one lot at a time)
   */
  release(k: number, cls: number, units: number): void {
    const n = this.n;
    const left = this.#i[C_LEFT * n + k]!;
    if (left > 0 && this.#i[C_CLASS * n + k] !== cls) throw new TwinloopError('MODEL_BUILD', `order source ${k}: ${left} units of class ${this.#i[C_CLASS * n + k]} are still queued; release one lot at a time`);
    this.#i[C_CLASS * n + k] = cls;
    this.#i[C_LEFT * n + k] = left + units;
  }

  /** Units of order source k's lot not yet released. */
  queued(k: number): number {
    return this.#i[C_LEFT * this.n + k]!;
  }

  /** Place one unit per source whose station lane is open and has room. Allocation-free. */
  step(values: Float64Array): void {
    const n = this.n;
    const ii = this.#i;
    const pool = this.#pool;
    const ring = pool.ring, lanes = pool.conveyors;
    for (let k = 0; k < n; k++) {
      const b = ii[C_SIG * n + k]!;
      const left = ii[C_LEFT * n + k]!;
      if (left === 0) {
        values[b + BLOCKED] = 0;
        continue;
      }
      const c = ii[C_LANE * n + k]!;
      if (pool.open[c] === 1 && ring[COUNT * lanes + c]! < ring[CAP * lanes + c]! && pool.add(c, this.#geometry, 4 * k, ii[C_CLASS * n + k]!) >= 0) {
        ii[C_LEFT * n + k] = left - 1;
        values[b + CREATED] = ++ii[C_CREATED * n + k]!;
        this.#total[0]!++;
        values[b + BLOCKED] = 0;
      } else values[b + BLOCKED] = 1;
      values[b + QUEUED] = ii[C_LEFT * n + k]!;
    }
  }
}
