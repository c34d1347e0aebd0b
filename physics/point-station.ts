// Stations that mark each item passing a point of a belt conveyor with one attribute that
// depends on the line speed at that moment, value = K / v: a coating nozzle (film thickness
// Q / (w v)) and a weld torch (heat input η P / v). They share this one stepping class; each type
// file (coating.ts, weld.ts) declares its catalog entry and a PointStationSpec. The station draws
// its electrical power, and wears, while it works: a spray pump whenever it is on, a weld arc only
// while an item covers the torch. The seven signals have the same order in both types:
// on, working (spraying / arc), items, value (thickness / heatInput), power, energy, wear.

import type { BuildContext, ComponentType } from './component.ts';
import type { ComponentConfig } from './model.ts';
import { column, readChoice, readNumber } from './component.ts';
import type { KernelSlot } from './kernel.ts';
import type { ItemPool } from './items.ts';
import { coverMargin, reachedSince } from './items.ts';

/** What distinguishes one kind of point station. */
export interface PointStationSpec {
  readonly type: ComponentType;
  /** Item column the station writes (items.ts COAT, HEAT ...). */
  readonly attribute: number;
  /** K of value = K / v, from the component's parameters. */
  factor(cfg: ComponentConfig, path: string): number;
  /** Electrical power while working, kW. */
  power(cfg: ComponentConfig, path: string): number;
  /** Works only while an item covers the point (an arc), not whenever it is on (a pump). */
  readonly whileCovered: boolean;
}

// Offsets of each signal from the station's first one (both types' signal order).
const ON = 0;
const WORKING = 1;
const ITEMS = 2;
const VALUE = 3;
const POWER = 4;
const ENERGY = 5;
const WEAR = 6;

// Float64 columns.
const C_POS = 0;
const C_FACTOR = 1; // K of value = K / v
const C_POWER = 2; // kW while working
const C_WEAR_STEP = 3;
const C_ENERGY = 4; // state
const C_WEAR = 5; // state
const F_COLS = 6;

// Int32 columns.
const C_SIG = 0;
const C_CONV = 1;
const C_SPEED_SIG = 2; // the conveyor's .speed
const C_PLC = 3;
const C_LAST = 4; // state: serial of the last item marked (-1 none)
const C_ITEMS = 5; // state
const I_COLS = 6;

/** All stations of one point-station type; step after the conveyors, before the quality gates. */
export class PointStations {
  readonly n: number;
  readonly totalPower = new Float64Array(1);
  readonly #f: Float64Array;
  readonly #i: Int32Array;
  /** Scratch: slots of the items that reached the point this step. */
  readonly #seen: Int32Array;
  /** Scratch for coverMargin's margin (unused here: a station looks every step). */
  readonly #margin = new Float64Array(1);

  constructor(ctx: BuildContext, pool: ItemPool, spec: PointStationSpec) {
    this.#seen = new Int32Array(Math.max(1, pool.capacity));
    const placed = ctx.of(spec.type.type);
    const n = placed.length;
    this.n = n;
    this.#f = new Float64Array(F_COLS * n);
    this.#i = new Int32Array(I_COLS * n);
    for (let k = 0; k < n; k++) {
      const { cfg, path } = placed[k]!;
      const conv = cfg['conveyor'] as string;
      this.#f[C_POS * n + k] = readNumber(cfg, spec.type, 'position', path);
      this.#f[C_FACTOR * n + k] = spec.factor(cfg, path);
      this.#f[C_POWER * n + k] = spec.power(cfg, path);
      this.#f[C_WEAR_STEP * n + k] = (readNumber(cfg, spec.type, 'wearRate', path) * ctx.dt) / 3600;
      this.#i[C_SIG * n + k] = ctx.signal(cfg.id, 'on');
      this.#i[C_CONV * n + k] = ctx.lane(conv);
      this.#i[C_SPEED_SIG * n + k] = ctx.signal(conv, 'speed');
      this.#i[C_PLC * n + k] = readChoice(cfg, spec.type, 'control', path) === 'plc' ? 1 : 0;
    }
    this.#pool = pool;
    this.#values = ctx.values;
    this.#attribute = spec.attribute;
    this.#whileCovered = spec.whileCovered;
    this.#dtHours = ctx.dt / 3600;
    this.#kernel = ctx.kernel(pointStationKernel, LAYOUT, this.n, this.#f, this.#i, this.#pool, this.#values, this.#attribute, this.#whileCovered, this.#seen, this.#margin, this.totalPower, this.#dtHours, coverMargin, reachedSince);
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

  readonly #pool: ItemPool;
  readonly #values: Float64Array;
  readonly #attribute: number;
  readonly #whileCovered: boolean;
  readonly #dtHours: number;
  readonly #kernel: KernelSlot<[]>;

  /** On the model's own compiled kernel once it has one (kernel.ts). */
  step(): void {
    if (this.n === 0) return;
    const own = this.#kernel.own;
    if (own !== null) own();
    else pointStationKernel(this.n, this.#f, this.#i, this.#pool, this.#values, this.#attribute, this.#whileCovered, this.#seen, this.#margin, this.totalPower, this.#dtHours, coverMargin, reachedSince);
  }
}

/** Offsets and constants the kernel needs (it cannot see this module's bindings). */
const LAYOUT = { C_CONV, C_ENERGY, C_FACTOR, C_ITEMS, C_LAST, C_PLC, C_POS, C_POWER, C_SIG, C_SPEED_SIG, C_WEAR, C_WEAR_STEP, ENERGY, ITEMS, ON, POWER, VALUE, WEAR, WORKING };

/** The step: the model's shared code, or its own compiled copy (specialize(), kernel.ts). */
function pointStationKernel(
  n: number,
  f: Float64Array,
  ii: Int32Array,
  pool: ItemPool,
  values: Float64Array,
  attribute: number,
  whileCovered: boolean,
  seen: Int32Array,
  margin: Float64Array,
  totalPower: Float64Array,
  dtHours: number,
  cover: typeof coverMargin,
  reached: typeof reachedSince,
): void {
  const ring = pool.ring, slots = pool.slots, itemF = pool.f, lanes = pool.conveyors, cap = pool.capacity, serial = pool.serial;
  const oAttr = attribute * cap;
  let total = 0;
  for (let k = 0; k < n; k++) {
    const b = ii[C_SIG * n + k]!;
    const on = ii[C_PLC * n + k] === 0 || values[b + ON] === 1;
    const c = ii[C_CONV * n + k]!;
    let working = on && !whileCovered;
    if (on && pool.count[c]! > 0) {
      if (whileCovered && cover(ring, slots, itemF, pool.offset, lanes, cap, pool.convNext, pool.convLength, c, f, C_POS * n + k, margin, 0) >= 0) working = true;
      const m = reached(pool, c, f, C_POS * n + k, ii[C_LAST * n + k]!, seen, margin, 0);
      for (let q = 0; q < m; q++) {
        const s = seen[q]!;
        ii[C_LAST * n + k] = serial[s]!;
        // The centre only reaches the point while the belt moves, so v > 0 here.
        const x = f[C_FACTOR * n + k]! / values[ii[C_SPEED_SIG * n + k]!]!;
        itemF[oAttr + s] = x;
        values[b + ITEMS] = ++ii[C_ITEMS * n + k]!;
        values[b + VALUE] = x;
      }
    }
    const p = working ? f[C_POWER * n + k]! : 0;
    if (working) f[C_WEAR * n + k] += f[C_WEAR_STEP * n + k]!;
    total += p;
    values[b + WORKING] = working ? 1 : 0;
    values[b + POWER] = p;
    values[b + ENERGY] = f[C_ENERGY * n + k] += p * dtHours;
    values[b + WEAR] = f[C_WEAR * n + k]!;
  }
  totalPower[0] = total;
}
