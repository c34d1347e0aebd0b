// Machines: a generic station that takes one item, works on it for a cycle time drawn from a
// distribution (fixed, uniform, or normal truncated at ±`truncation` standard deviations, from
// the machine's own seeded stream), then passes it on — or waits, blocked, while the outlet is
// full. An empty machine is starved. Power: busy or idle; wear grows with busy time. A breakdown
// (component fault) stops it where it is: no cycle starts, runs on or hands its item on until the
// fault is cleared, and `.down` says so (the KPIs' down state, docs/kpi.md).
// Product variants (machine-recipe.ts, installed by the planning run, not the line file): with a
// recipe, the cycle time, spread and busy power come from the item's class (its product), and a
// change of product family first changes the machine over for the recipe's matrix time, with an
// operator granted from outside when the recipe says so; `.changeover` is the KPIs' changeover
// state, `.waitOperator` says a changeover waits for one. A changeover may consume energy (drawn
// evenly over its matrix time, beyond idle power), and a recipe may name process values to settle:
// the machine stays in the changeover state until each is within tolerance of the product's
// target (a furnace heating to the next product's temperature), so that part is measured.

import type { BuildContext, ComponentType } from './component.ts';
import { column, readChoice, readNumber } from './component.ts';
import type { Bins } from './bin.ts';
import type { ItemPool } from './items.ts';
import { COUNT } from './items.ts';
import { OUTLET_PARAM, passOn, resolveOutlet } from './outlet.ts';
import { nextNormal, streamSeed, uniformPair } from './rng.ts';
import type { MachineRecipe } from './machine-recipe.ts';

/** First random stream of machines (stream 0x30000 + machine index): apart from sources, transmitters, faults. */
export const MACHINE_STREAM = 0x30000;

/** Catalog entry for machines. */
export const machineType: ComponentType = {
  type: 'machine',
  description: 'Station working on one item at a time for a cycle time drawn from a distribution',
  params: {
    cycleTime: { kind: 'number', unit: 's', default: 10, exclusiveMinimum: 0, description: 'Mean cycle time' },
    distribution: { kind: 'string', enum: ['fixed', 'uniform', 'normal'], optional: true, description: 'fixed; uniform on cycleTime ± spread; normal with standard deviation spread, truncated at ± truncation·spread' },
    spread: { kind: 'number', unit: 's', default: 0, minimum: 0, description: 'Half-width (uniform) or standard deviation (normal)' },
    truncation: { kind: 'number', unit: '', default: 3, exclusiveMinimum: 0, description: 'Normal: draws beyond ± truncation·spread are drawn again' },
    control: { kind: 'string', enum: ['auto', 'plc'], optional: true, description: 'auto: a cycle starts as soon as an item is in; plc: only while .enable' },
    next: OUTLET_PARAM,
    busyPower: { kind: 'number', unit: 'kW', default: 2, minimum: 0, description: 'Electrical power while working' },
    idlePower: { kind: 'number', unit: 'kW', default: 0.2, minimum: 0, description: 'Electrical power while empty or blocked' },
    wearRate: { kind: 'number', unit: '1/h', default: 1e-4, minimum: 0, description: 'Tool wear per busy hour' },
  },
  signals: [
    { field: 'items', type: 'int', kind: 'state', unit: '', description: 'Items in the machine (0 or 1)' },
    { field: 'enable', type: 'bool', kind: 'actuator', unit: '', description: 'control plc: a cycle may start' },
    { field: 'busy', type: 'bool', kind: 'sensor', unit: '', description: 'Worked on an item during the step (also the last step of a cycle)' },
    { field: 'blocked', type: 'bool', kind: 'sensor', unit: '', description: 'Done, the outlet does not take the item' },
    { field: 'starved', type: 'bool', kind: 'state', unit: '', description: 'Empty' },
    { field: 'cycles', type: 'int', kind: 'state', unit: '', description: 'Cycles finished since reset' },
    { field: 'lastCycle', type: 'real', kind: 'state', unit: 's', description: 'Duration of the last cycle' },
    { field: 'power', type: 'real', kind: 'state', unit: 'kW', description: 'Electrical power' },
    { field: 'energy', type: 'real', kind: 'state', unit: 'kWh', description: 'Energy since reset' },
    { field: 'wear', type: 'real', kind: 'state', unit: '', description: 'Tool wear 0..1' },
    { field: 'down', type: 'bool', kind: 'state', unit: '', description: 'Broken down (breakdown fault): stopped, neither busy, blocked nor starved' },
    { field: 'changeover', type: 'bool', kind: 'state', unit: '', description: 'Changing over to another product family (a recipe: planning runs)' },
    { field: 'waitOperator', type: 'bool', kind: 'state', unit: '', description: 'A changeover waits for an operator' },
    { field: 'product', type: 'int', kind: 'state', unit: '', description: 'Item class (product) of the last cycle started, index + 1; a recipe machine, empty, shows the next product it changes over or settles for; 0 before the first' },
  ],
};

const ENABLE = 1;
const BUSY = 2;
const BLOCKED = 3;
const STARVED = 4;
const CYCLES = 5;
const LAST_CYCLE = 6;
const POWER = 7;
const ENERGY = 8;
const WEAR = 9;
const DOWN = 10;
const CHANGEOVER = 11;
const WAIT_OPERATOR = 12;
const PRODUCT = 13;

/** Machine states (C_STATE). */
export const MACHINE_EMPTY = 0;
export const MACHINE_BUSY = 1;
export const MACHINE_DONE = 2;

const DIST_FIXED = 0;
const DIST_UNIFORM = 1;
const DIST_NORMAL = 2;

// Float64 columns.
const C_MEAN = 0; // s
const C_SPREAD = 1; // s
const C_TRUNC = 2; // standard deviations
const C_BUSY_POWER = 3;
const C_IDLE_POWER = 4;
const C_WEAR_STEP = 5; // wear per busy step
const C_ENERGY = 6; // state
const C_WEAR = 7; // state
const C_CYCLE_POWER = 8; // state: recipe busy power of the cycle running, kW
const C_CO_POWER = 9; // state: power a changeover consumes beyond idle, kW (its energy over its time)
const C_CO_DRAW = 10; // state: extra power drawn this step (C_CO_POWER while the changeover clock runs), kW
const F_COLS = 11;

// Int32 columns.
const C_SIG = 0;
const C_LANE = 1;
const C_DIST = 2;
const C_PLC = 3;
const C_NEXT_LANE = 4;
const C_NEXT_BIN = 5;
const C_STATE = 6; // state
const C_LEFT = 7; // state: steps left in this cycle
const C_TICKS = 8; // state: steps of this cycle
const C_CYCLES = 9; // state
const C_DOWN = 10; // fault: 1 while broken down
const C_CO_LEFT = 11; // state: changeover steps left (0: none)
const C_CO_TO = 12; // state: family the changeover sets up
const C_SETUP = 13; // state: family set up, -1 none
const C_ANNOUNCED = 14; // class announced as the next product, -1 none
const C_OPERATOR = 15; // 1 while an operator is granted for the changeover
const C_CLS = 16; // state: class of the item in the cycle
const C_CO_COUNT = 17; // state: changeovers (of the matrix, not settle waits) started since reset
const I_COLS = 18;

/** Most redraws of a truncated normal before clamping (bounded loop; at 3σ one in 370 draws is redrawn). */
const MAX_REDRAWS = 16;

/** All machines of a line. */
export class Machines {
  readonly n: number;
  readonly totalPower = new Float64Array(1);
  readonly #f: Float64Array;
  readonly #i: Int32Array;
  readonly #rng: Uint32Array;
  readonly #seed: number;
  readonly #pool: ItemPool;
  readonly #bins: Bins;
  readonly #dt: number;
  readonly #dtHours: number;
  /** Scratch for uniform pairs (a returned double would be boxed). */
  readonly #u = new Float64Array(2);
  /** Product recipes by machine (null: the line file's cycle time); installed before a run. */
  readonly #recipes: (MachineRecipe | null)[];

  constructor(ctx: BuildContext, pool: ItemPool, bins: Bins, seed: number) {
    const placed = ctx.of('machine');
    const n = placed.length;
    this.n = n;
    this.#pool = pool;
    this.#bins = bins;
    this.#seed = seed;
    this.#dt = ctx.dt;
    this.#dtHours = ctx.dt / 3600;
    this.#f = new Float64Array(F_COLS * n);
    this.#i = new Int32Array(I_COLS * n);
    this.#rng = new Uint32Array(n);
    this.#recipes = new Array<MachineRecipe | null>(n).fill(null);
    const outlet = new Int32Array(2);
    const dists: Readonly<Record<string, number>> = { fixed: DIST_FIXED, uniform: DIST_UNIFORM, normal: DIST_NORMAL };
    for (let k = 0; k < n; k++) {
      const { cfg, path } = placed[k]!;
      this.#f[C_MEAN * n + k] = readNumber(cfg, machineType, 'cycleTime', path);
      this.#f[C_SPREAD * n + k] = readNumber(cfg, machineType, 'spread', path);
      this.#f[C_TRUNC * n + k] = readNumber(cfg, machineType, 'truncation', path);
      this.#f[C_BUSY_POWER * n + k] = readNumber(cfg, machineType, 'busyPower', path);
      this.#f[C_IDLE_POWER * n + k] = readNumber(cfg, machineType, 'idlePower', path);
      this.#f[C_WEAR_STEP * n + k] = (readNumber(cfg, machineType, 'wearRate', path) * ctx.dt) / 3600;
      this.#i[C_SIG * n + k] = ctx.signal(cfg.id, 'items');
      this.#i[C_LANE * n + k] = ctx.lane(cfg.id);
      this.#i[C_DIST * n + k] = dists[readChoice(cfg, machineType, 'distribution', path)]!;
      this.#i[C_PLC * n + k] = readChoice(cfg, machineType, 'control', path) === 'plc' ? 1 : 0;
      resolveOutlet(ctx, cfg['next'], outlet, 0, 1);
      this.#i[C_NEXT_LANE * n + k] = outlet[0]!;
      this.#i[C_NEXT_BIN * n + k] = outlet[1]!;
    }
  }

  reset(values: Float64Array): void {
    const n = this.n;
    column(this.#f, C_ENERGY, n).fill(0);
    column(this.#f, C_WEAR, n).fill(0);
    column(this.#f, C_CYCLE_POWER, n).fill(0);
    column(this.#f, C_CO_POWER, n).fill(0);
    column(this.#f, C_CO_DRAW, n).fill(0);
    for (const col of [C_STATE, C_LEFT, C_TICKS, C_CYCLES, C_DOWN, C_CO_LEFT, C_CO_TO, C_OPERATOR, C_CLS, C_CO_COUNT]) column(this.#i, col, n).fill(0);
    this.totalPower[0] = 0;
    for (let k = 0; k < n; k++) {
      this.#rng[k] = streamSeed(this.#seed, MACHINE_STREAM + k);
      this.#i[C_SETUP * n + k] = this.#recipes[k]?.initial ?? -1;
      this.#i[C_ANNOUNCED * n + k] = -1;
      const b = this.#i[C_SIG * n + k]!;
      for (let j = ENABLE; j <= PRODUCT; j++) values[b + j] = 0;
      values[b + STARVED] = 1;
    }
  }

  state(): (Float64Array | Int32Array | Uint32Array)[] {
    return [this.#f, this.#i, this.#rng, this.totalPower];
  }

  /** Break machine k down (breakdown fault) or repair it. */
  setDown(k: number, on: boolean): void {
    this.#i[C_DOWN * this.n + k] = on ? 1 : 0;
  }

  /**
   * Give machine k a product recipe (null: back to the line file's cycle time). Build time:
   * allocates nothing later; call reset() after it so the initial setup takes effect.
   */
  setRecipe(k: number, recipe: MachineRecipe | null): void {
    this.#recipes[k] = recipe;
  }

  /** Tell machine k which product comes next, so it may change over before the item arrives (-1: none). */
  announce(k: number, cls: number): void {
    this.#i[C_ANNOUNCED * this.n + k] = cls;
  }

  /** Whether machine k waits for an operator (a changeover whose recipe needs one, not yet granted). */
  wantsOperator(k: number): boolean {
    const n = this.n;
    return this.#i[C_CO_LEFT * n + k]! > 0 && this.#i[C_OPERATOR * n + k] === 0 && this.#recipes[k]?.needsOperator === true;
  }

  /** Grant machine k an operator for its changeover; it lets go when the changeover ends (holdsOperator). */
  grantOperator(k: number): void {
    this.#i[C_OPERATOR * this.n + k] = 1;
  }

  /** Whether machine k still holds the operator granted to it. */
  holdsOperator(k: number): boolean {
    return this.#i[C_OPERATOR * this.n + k] === 1;
  }

  /** Changeovers of the recipe's matrix machine k started since reset (what each consumes is counted per one). */
  changeoverCount(k: number): number {
    return this.#i[C_CO_COUNT * this.n + k]!;
  }

  /** State of machine k: MACHINE_EMPTY, _BUSY or _DONE (tests). */
  stateOf(k: number): number {
    return this.#i[C_STATE * this.n + k]!;
  }

  step(values: Float64Array): void {
    const n = this.n;
    const f = this.#f;
    const ii = this.#i;
    const pool = this.#pool;
    const ring = pool.ring, lanes = pool.conveyors;
    let total = 0;
    for (let k = 0; k < n; k++) {
      const c = ii[C_LANE * n + k]!;
      const b = ii[C_SIG * n + k]!;
      let st = ii[C_STATE * n + k]!;
      if (ii[C_DOWN * n + k] === 1) {
        // Broken down: the cycle clock stands; idle power (controls on, no work).
        pool.open[c] = 0;
        values[b + DOWN] = 1;
        total += this.#standStill(k, b, values, 0);
        continue;
      }
      values[b + DOWN] = 0;
      const recipe = this.#recipes[k] ?? null;
      if (recipe !== null && st === MACHINE_EMPTY && this.#changingOver(k, recipe, c, values)) {
        // Changing over (or waiting for its operator): no cycle starts; the lane takes the next
        // item meanwhile, so the first unit of the new product waits inside.
        pool.open[c] = ring[COUNT * lanes + c] === 0 ? 1 : 0;
        total += this.#standStill(k, b, values, f[C_CO_DRAW * n + k]!);
        continue;
      }
      if (st === MACHINE_EMPTY && ring[COUNT * lanes + c]! > 0 && (ii[C_PLC * n + k] === 0 || values[b + ENABLE] === 1)) {
        const ticks = recipe !== null ? this.#recipeTicks(k, recipe, pool.cls[pool.at(c, 0)]!, values) : this.#drawTicks(k);
        ii[C_TICKS * n + k] = ticks;
        ii[C_LEFT * n + k] = ticks;
        st = MACHINE_BUSY;
      }
      // The step an item starts in is the cycle's first: a cycle of N steps holds the item N steps.
      // Working this step (also the last step of a cycle) draws busy power.
      const worked = st === MACHINE_BUSY;
      if (worked) {
        f[C_WEAR * n + k] += f[C_WEAR_STEP * n + k]!;
        if (--ii[C_LEFT * n + k]! <= 0) {
          st = MACHINE_DONE;
          values[b + CYCLES] = ++ii[C_CYCLES * n + k]!;
          values[b + LAST_CYCLE] = ii[C_TICKS * n + k]! * this.#dt;
        }
      }
      if (st === MACHINE_DONE && passOn(pool, this.#bins, c, ii[C_NEXT_LANE * n + k]!, ii[C_NEXT_BIN * n + k]!)) st = MACHINE_EMPTY;
      ii[C_STATE * n + k] = st;
      pool.open[c] = st === MACHINE_EMPTY && ring[COUNT * lanes + c] === 0 ? 1 : 0;
      // Busy: worked during this step, also the cycle's last (the item has left or waits by the
      // end of it). A station fed without a gap is busy every step, so its utilization and the
      // KPIs' actual production time count a cycle of N steps as N steps, not N - 1.
      values[b + BUSY] = worked ? 1 : 0;
      values[b + BLOCKED] = !worked && st === MACHINE_DONE ? 1 : 0;
      values[b + STARVED] = !worked && st === MACHINE_EMPTY ? 1 : 0;
      total += this.#draw(k, b, worked ? (recipe !== null ? f[C_CYCLE_POWER * n + k]! : f[C_BUSY_POWER * n + k]!) : f[C_IDLE_POWER * n + k]!, values);
      values[b + WEAR] = f[C_WEAR * n + k]!;
    }
    this.totalPower[0] = total;
  }

  /** Machine k draws `p` kW this step (its power and energy signals); returns p for the line total. */
  #draw(k: number, b: number, p: number, values: Float64Array): number {
    values[b + POWER] = p;
    values[b + ENERGY] = this.#f[C_ENERGY * this.n + k] += p * this.#dtHours;
    return p;
  }

  /** Machine k runs no cycle this step (broken down, or changing over): not busy, blocked or starved; idle power plus `extra` kW. */
  #standStill(k: number, b: number, values: Float64Array, extra: number): number {
    values[b + BUSY] = 0;
    values[b + BLOCKED] = 0;
    values[b + STARVED] = 0;
    return this.#draw(k, b, this.#f[C_IDLE_POWER * this.n + k]! + extra, values);
  }

  /**
   * Recipe machines, empty: start, run or end a changeover to the family of the item in the lane
   * (else of the announced product). True while the machine is changing over or waiting for its
   * operator, and writes the changeover signals. Allocation-free.
   */
  #changingOver(k: number, r: MachineRecipe, c: number, v: Float64Array): boolean {
    const n = this.n;
    const ii = this.#i;
    const f = this.#f;
    const b = ii[C_SIG * n + k]!;
    const pool = this.#pool;
    f[C_CO_DRAW * n + k] = 0;
    if (ii[C_CO_LEFT * n + k] === 0) {
      const cls = pool.ring[COUNT * pool.conveyors + c]! > 0 ? pool.cls[pool.at(c, 0)]! : ii[C_ANNOUNCED * n + k]!;
      const setup = ii[C_SETUP * n + k]!;
      const fam = cls >= 0 && cls < r.family.length ? r.family[cls]! : setup;
      // The product it gets ready for: a line program switches the process's setpoints on it.
      if (cls >= 0 && cls < r.family.length) v[b + PRODUCT] = cls + 1;
      if (fam === setup) return this.#settling(r, cls, b, v);
      const time = setup < 0 ? 0 : r.changeover[setup * r.families + fam]!;
      const ticks = Math.round(time / this.#dt);
      if (ticks <= 0) {
        ii[C_SETUP * n + k] = fam;
        return this.#settling(r, cls, b, v);
      }
      ii[C_CO_LEFT * n + k] = ticks;
      ii[C_CO_TO * n + k] = fam;
      ii[C_CO_COUNT * n + k]!++;
      // What the changeover consumes, drawn evenly over its steps: kWh over its hours.
      const e = r.changeoverEnergy ?? 0;
      f[C_CO_POWER * n + k] = e > 0 ? e / (ticks * this.#dtHours) : 0;
    }
    if (r.needsOperator && ii[C_OPERATOR * n + k] === 0) {
      v[b + CHANGEOVER] = 0;
      v[b + WAIT_OPERATOR] = 1;
      return true;
    }
    v[b + CHANGEOVER] = 1;
    v[b + WAIT_OPERATOR] = 0;
    f[C_CO_DRAW * n + k] = f[C_CO_POWER * n + k]!;
    if (--ii[C_CO_LEFT * n + k]! === 0) {
      // Done this step: set up for the new family, the operator goes; the next step may start a
      // cycle (or settle the process values first).
      ii[C_SETUP * n + k] = ii[C_CO_TO * n + k]!;
      ii[C_OPERATOR * n + k] = 0;
    }
    return true;
  }

  /**
   * Set up for class `cls`'s family: true (and in the changeover state) while a process value of
   * the recipe's settle list is outside its tolerance of the class's target; no operator needed.
   */
  #settling(r: MachineRecipe, cls: number, b: number, v: Float64Array): boolean {
    const s = r.settle;
    v[b + WAIT_OPERATOR] = 0;
    if (s !== undefined && cls >= 0 && cls < r.family.length) {
      const S = s.signal.length;
      for (let j = 0; j < S; j++) {
        const target = s.target[cls * S + j]!;
        // A NaN target (the product sets none) compares false: nothing to wait for.
        if (Math.abs(v[s.signal[j]!]! - target) > s.tolerance[j]!) {
          v[b + CHANGEOVER] = 1;
          return true;
        }
      }
    }
    v[b + CHANGEOVER] = 0;
    return false;
  }

  /** Steps of a recipe cycle of class `cls` on machine k (uniform ± the recipe's spread), at least 1. */
  #recipeTicks(k: number, r: MachineRecipe, cls: number, v: Float64Array): number {
    const mean = cls >= 0 && cls < r.cycleTime.length ? r.cycleTime[cls]! : this.#f[C_MEAN * this.n + k]!;
    let t = mean;
    if (r.spread > 0) {
      uniformPair(this.#rng, k, this.#u);
      t = mean * (1 + r.spread * (2 * this.#u[0]! - 1));
    }
    this.#i[C_CLS * this.n + k] = cls;
    v[this.#i[C_SIG * this.n + k]! + PRODUCT] = cls + 1;
    // The cycle's busy power, kept in a column: a method returning it would box the double each step.
    const p = cls >= 0 && cls < r.busyPower.length ? r.busyPower[cls]! : NaN;
    this.#f[C_CYCLE_POWER * this.n + k] = Number.isNaN(p) ? this.#f[C_BUSY_POWER * this.n + k]! : p;
    const ticks = Math.round(t / this.#dt);
    return ticks < 1 ? 1 : ticks;
  }

  /** Steps of the next cycle of machine k, at least 1. */
  #drawTicks(k: number): number {
    const n = this.n;
    const f = this.#f;
    const mean = f[C_MEAN * n + k]!;
    const spread = f[C_SPREAD * n + k]!;
    const dist = this.#i[C_DIST * n + k]!;
    let t = mean;
    const u = this.#u;
    if (dist === DIST_UNIFORM) {
      uniformPair(this.#rng, k, u);
      t = mean + spread * (2 * u[0]! - 1);
    } else if (dist === DIST_NORMAL) {
      const bound = f[C_TRUNC * n + k]! * spread;
      for (let r = 0; r < MAX_REDRAWS; r++) {
        nextNormal(this.#rng, k, u);
        t = mean + spread * u[0]!;
        if (Math.abs(t - mean) <= bound) break;
        t = mean;
      }
    }
    const ticks = Math.round(t / this.#dt);
    return ticks < 1 ? 1 : ticks;
  }
}
