// Weld stations: a torch at a point of a belt conveyor lays a seam along each passing item. The
// heat input per unit length follows from the arc power and the travel (line) speed at the
// moment the item's centre passes the torch: HI = η · P / v (kJ/m from kW and m/s), recorded on
// the item for the quality rule. A faster line gives a colder seam.

import type { BuildContext, ComponentType } from './component.ts';
import { checkPositionOnConveyor, column, readChoice, readNumber } from './component.ts';
import type { ItemPool } from './items.ts';
import { COUNT, HEAT, coverAt, reachedSince } from './items.ts';

/** Catalog entry for weld stations. */
export const weldType: ComponentType = {
  type: 'weld',
  description: 'Weld station at a point of a conveyor: heat input = efficiency x arc power / line speed',
  params: {
    conveyor: { kind: 'ref', targets: ['conveyor'], description: 'Id of the conveyor' },
    position: { kind: 'number', unit: 'm', minimum: 0, description: 'Torch position from the conveyor start' },
    power: { kind: 'number', unit: 'kW', default: 4, minimum: 0, description: 'Arc power' },
    efficiency: { kind: 'number', unit: '', default: 0.8, minimum: 0, maximum: 1, description: 'Arc (thermal) efficiency' },
    control: { kind: 'string', enum: ['auto', 'plc'], optional: true, description: 'auto: the arc burns whenever an item is under the torch; plc: only while .on' },
    wearRate: { kind: 'number', unit: '1/h', default: 1e-3, minimum: 0, description: 'Contact tip wear per arc hour' },
  },
  signals: [
    { field: 'on', type: 'bool', kind: 'actuator', unit: '', description: 'control plc: arc enabled' },
    { field: 'arc', type: 'bool', kind: 'sensor', unit: '', description: 'Arc burning (enabled and an item under the torch)' },
    { field: 'items', type: 'int', kind: 'state', unit: '', description: 'Items welded since reset' },
    { field: 'heatInput', type: 'real', kind: 'state', unit: 'kJ/m', description: 'Heat input of the last seam' },
    { field: 'power', type: 'real', kind: 'state', unit: 'kW', description: 'Electrical power (arc power while burning)' },
    { field: 'energy', type: 'real', kind: 'state', unit: 'kWh', description: 'Energy since reset' },
    { field: 'wear', type: 'real', kind: 'state', unit: '', description: 'Contact tip wear 0..1' },
  ],
  check: checkPositionOnConveyor,
};

const ON = 0;
const ARC = 1;
const ITEMS = 2;
const HEAT_INPUT = 3;
const POWER = 4;
const ENERGY = 5;
const WEAR = 6;

// Float64 columns.
const C_POS = 0;
const C_POWER = 1; // kW
const C_NET = 2; // η·P, kW into the seam
const C_WEAR_STEP = 3;
const C_ENERGY = 4; // state
const C_WEAR = 5; // state
const F_COLS = 6;

// Int32 columns.
const C_SIG = 0;
const C_CONV = 1;
const C_SPEED_SIG = 2;
const C_PLC = 3;
const C_LAST = 4; // state: serial of the last item welded (-1 none)
const C_ITEMS = 5; // state
const I_COLS = 6;

/** All weld stations of a line; step after the conveyors, before the quality gates. */
export class Welders {
  readonly n: number;
  readonly totalPower = new Float64Array(1);
  readonly #f: Float64Array;
  readonly #i: Int32Array;
  readonly #pool: ItemPool;
  readonly #dtHours: number;
  /** Scratch: slots of the items that reached the point this step. */
  readonly #seen: Int32Array;

  constructor(ctx: BuildContext, pool: ItemPool) {
    this.#seen = new Int32Array(Math.max(1, pool.capacity));
    const placed = ctx.of('weld');
    const n = placed.length;
    this.n = n;
    this.#pool = pool;
    this.#dtHours = ctx.dt / 3600;
    this.#f = new Float64Array(F_COLS * n);
    this.#i = new Int32Array(I_COLS * n);
    for (let k = 0; k < n; k++) {
      const { cfg, path } = placed[k]!;
      const conv = cfg['conveyor'] as string;
      const power = readNumber(cfg, weldType, 'power', path);
      this.#f[C_POS * n + k] = readNumber(cfg, weldType, 'position', path);
      this.#f[C_POWER * n + k] = power;
      this.#f[C_NET * n + k] = power * readNumber(cfg, weldType, 'efficiency', path);
      this.#f[C_WEAR_STEP * n + k] = (readNumber(cfg, weldType, 'wearRate', path) * ctx.dt) / 3600;
      this.#i[C_SIG * n + k] = ctx.signal(cfg.id, 'on');
      this.#i[C_CONV * n + k] = ctx.lane(conv);
      this.#i[C_SPEED_SIG * n + k] = ctx.signal(conv, 'speed');
      this.#i[C_PLC * n + k] = readChoice(cfg, weldType, 'control', path) === 'plc' ? 1 : 0;
    }
  }

  reset(values: Float64Array): void {
    const n = this.n;
    column(this.#f, C_ENERGY, n).fill(0);
    column(this.#f, C_WEAR, n).fill(0);
    column(this.#i, C_LAST, n).fill(-1);
    column(this.#i, C_ITEMS, n).fill(0);
    this.totalPower[0] = 0;
    for (let k = 0; k < n; k++) {
      const b = this.#i[C_SIG * n + k]!;
      for (let j = ON; j <= WEAR; j++) values[b + j] = 0;
    }
  }

  state(): (Float64Array | Int32Array)[] {
    return [this.#f, this.#i, this.totalPower];
  }

  step(values: Float64Array): void {
    const n = this.n;
    const f = this.#f;
    const ii = this.#i;
    const pool = this.#pool;
    const ring = pool.ring, slots = pool.slots, itemF = pool.f, lanes = pool.conveyors, cap = pool.capacity, serial = pool.serial;
    const seen = this.#seen;
    let total = 0;
    for (let k = 0; k < n; k++) {
      const b = ii[C_SIG * n + k]!;
      const on = ii[C_PLC * n + k] === 0 || values[b + ON] === 1;
      const c = ii[C_CONV * n + k]!;
      const count = ring[COUNT * lanes + c]!;
      let arc = 0;
      if (on && count > 0) {
        // The arc burns while an item covers the torch.
        if (coverAt(ring, slots, itemF, lanes, cap, pool.convNext, pool.convLength, c, f, C_POS * n + k) >= 0) arc = 1;
        const m = reachedSince(pool, c, f, C_POS * n + k, ii[C_LAST * n + k]!, seen);
        for (let q = 0; q < m; q++) {
          const s = seen[q]!;
          ii[C_LAST * n + k] = serial[s]!;
          // The centre only reaches the torch while the belt moves, so v > 0 here.
          const hi = f[C_NET * n + k]! / values[ii[C_SPEED_SIG * n + k]!]!;
          itemF[HEAT * cap + s] = hi;
          values[b + ITEMS] = ++ii[C_ITEMS * n + k]!;
          values[b + HEAT_INPUT] = hi;
        }
      }
      const p = arc === 1 ? f[C_POWER * n + k]! : 0;
      if (arc === 1) f[C_WEAR * n + k] += f[C_WEAR_STEP * n + k]!;
      total += p;
      values[b + ARC] = arc;
      values[b + POWER] = p;
      values[b + ENERGY] = f[C_ENERGY * n + k] += p * this.#dtHours;
      values[b + WEAR] = f[C_WEAR * n + k]!;
    }
    this.totalPower[0] = total;
  }
}
