// Coating stations: a nozzle at a point of a belt conveyor sprays a film across the items' width
// as they pass. Each item's film thickness follows from the flow and the line speed at the moment
// its centre passes the nozzle: t = Q / (w · v) (µm from cm³/s, m and m/s), recorded on the item
// for the quality rule. A faster line gives a thinner film.

import type { BuildContext, ComponentType } from './component.ts';
import { checkPositionOnConveyor, column, readChoice, readNumber } from './component.ts';
import type { ItemPool } from './items.ts';
import { COAT, reachedSince } from './items.ts';

/** Catalog entry for coating stations. */
export const coatingType: ComponentType = {
  type: 'coating',
  description: 'Coating station at a point of a conveyor: film thickness = flow / (width x line speed)',
  params: {
    conveyor: { kind: 'ref', targets: ['conveyor'], description: 'Id of the conveyor' },
    position: { kind: 'number', unit: 'm', minimum: 0, description: 'Nozzle position from the conveyor start' },
    flow: { kind: 'number', unit: 'cm³/s', default: 10, minimum: 0, description: 'Coating flow (wet film volume)' },
    width: { kind: 'number', unit: 'm', default: 0.2, exclusiveMinimum: 0, description: 'Coated width across the item' },
    control: { kind: 'string', enum: ['auto', 'plc'], optional: true, description: 'auto: always spraying; plc: while .on' },
    pumpPower: { kind: 'number', unit: 'kW', default: 0.5, minimum: 0, description: 'Electrical power while spraying' },
    wearRate: { kind: 'number', unit: '1/h', default: 1e-4, minimum: 0, description: 'Nozzle wear per hour spraying' },
  },
  signals: [
    { field: 'on', type: 'bool', kind: 'actuator', unit: '', description: 'control plc: spray' },
    { field: 'spraying', type: 'bool', kind: 'sensor', unit: '', description: 'Spraying' },
    { field: 'items', type: 'int', kind: 'state', unit: '', description: 'Items coated since reset' },
    { field: 'thickness', type: 'real', kind: 'state', unit: 'µm', description: 'Film on the last item coated' },
    { field: 'power', type: 'real', kind: 'state', unit: 'kW', description: 'Electrical power' },
    { field: 'energy', type: 'real', kind: 'state', unit: 'kWh', description: 'Energy since reset' },
    { field: 'wear', type: 'real', kind: 'state', unit: '', description: 'Nozzle wear 0..1' },
  ],
  check: checkPositionOnConveyor,
};

const ON = 0;
const SPRAYING = 1;
const ITEMS = 2;
const THICKNESS = 3;
const POWER = 4;
const ENERGY = 5;
const WEAR = 6;

// Float64 columns.
const C_POS = 0;
const C_FLOW_PER_WIDTH = 1; // Q / w, µm·m/s
const C_POWER = 2;
const C_WEAR_STEP = 3;
const C_ENERGY = 4; // state
const C_WEAR = 5; // state
const F_COLS = 6;

// Int32 columns.
const C_SIG = 0;
const C_CONV = 1;
const C_SPEED_SIG = 2; // the conveyor's .speed
const C_PLC = 3;
const C_LAST = 4; // state: serial of the last item coated (-1 none)
const C_ITEMS = 5; // state
const I_COLS = 6;

/** All coating stations of a line; step after the conveyors, before the quality gates. */
export class Coaters {
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
    const placed = ctx.of('coating');
    const n = placed.length;
    this.n = n;
    this.#pool = pool;
    this.#dtHours = ctx.dt / 3600;
    this.#f = new Float64Array(F_COLS * n);
    this.#i = new Int32Array(I_COLS * n);
    for (let k = 0; k < n; k++) {
      const { cfg, path } = placed[k]!;
      const conv = cfg['conveyor'] as string;
      this.#f[C_POS * n + k] = readNumber(cfg, coatingType, 'position', path);
      // cm³/s over m·m/s is 1e-6 m = 1 µm: the ratio is the thickness in µm.
      this.#f[C_FLOW_PER_WIDTH * n + k] = readNumber(cfg, coatingType, 'flow', path) / readNumber(cfg, coatingType, 'width', path);
      this.#f[C_POWER * n + k] = readNumber(cfg, coatingType, 'pumpPower', path);
      this.#f[C_WEAR_STEP * n + k] = (readNumber(cfg, coatingType, 'wearRate', path) * ctx.dt) / 3600;
      this.#i[C_SIG * n + k] = ctx.signal(cfg.id, 'on');
      this.#i[C_CONV * n + k] = ctx.lane(conv);
      this.#i[C_SPEED_SIG * n + k] = ctx.signal(conv, 'speed');
      this.#i[C_PLC * n + k] = readChoice(cfg, coatingType, 'control', path) === 'plc' ? 1 : 0;
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
    const itemF = pool.f, cap = pool.capacity, serial = pool.serial, counts = pool.count;
    const seen = this.#seen;
    let total = 0;
    for (let k = 0; k < n; k++) {
      const b = ii[C_SIG * n + k]!;
      const on = ii[C_PLC * n + k] === 0 || values[b + ON] === 1;
      const c = ii[C_CONV * n + k]!;
      const count = counts[c]!;
      if (on && count > 0) {
        const m = reachedSince(pool, c, f, C_POS * n + k, ii[C_LAST * n + k]!, seen);
        for (let q = 0; q < m; q++) {
          const s = seen[q]!;
          ii[C_LAST * n + k] = serial[s]!;
          // The centre only reaches the nozzle while the belt moves, so v > 0 here.
          const t = f[C_FLOW_PER_WIDTH * n + k]! / values[ii[C_SPEED_SIG * n + k]!]!;
          itemF[COAT * cap + s] = t;
          values[b + ITEMS] = ++ii[C_ITEMS * n + k]!;
          values[b + THICKNESS] = t;
        }
      }
      const p = on ? f[C_POWER * n + k]! : 0;
      if (on) f[C_WEAR * n + k] += f[C_WEAR_STEP * n + k]!;
      total += p;
      values[b + SPRAYING] = on ? 1 : 0;
      values[b + POWER] = p;
      values[b + ENERGY] = f[C_ENERGY * n + k] += p * this.#dtHours;
      values[b + WEAR] = f[C_WEAR * n + k]!;
    }
    this.totalPower[0] = total;
  }
}
