// Pick-and-place stations timed as a sequence: down, grip, up, traverse, down, release, up,
// return. Each step lasts its configured time, or — for the vertical moves, when a `zAxis`
// cylinder is given — until the cylinder reaches its end switch (the station drives the
// cylinder's solenoid). It takes one item when idle, waits before setting it down while its
// outlet cannot take it, and passes it on at the end of `release`.

import type { BuildContext, ComponentType } from './component.ts';
import { column, readChoice, readNumber } from './component.ts';
import type { Bins } from './bin.ts';
import type { ItemPool } from './items.ts';
import { COUNT } from './items.ts';
import { OUTLET_PARAM, outletAccepts, passOn, resolveOutlet } from './outlet.ts';

/** The sequence, in order; step k (1-based in `.step`) uses the time parameter SEQUENCE_TIME[k-1]. */
export const SEQUENCE = ['down', 'grip', 'up', 'traverse', 'down', 'release', 'up', 'return'] as const;
const SEQUENCE_TIME = ['downTime', 'gripTime', 'upTime', 'traverseTime', 'downTime', 'releaseTime', 'upTime', 'returnTime'] as const;
const STEPS = SEQUENCE.length;
const S_TRAVERSE = 4;
const S_RELEASE = 6;

/** Catalog entry for pick-and-place stations. */
export const pickPlaceType: ComponentType = {
  type: 'pickplace',
  description: 'Pick-and-place station timed as a sequence: down, grip, up, traverse, down, release, up, return',
  params: {
    downTime: { kind: 'number', unit: 's', default: 0.4, minimum: 0, description: 'Each down move (twice per cycle)' },
    gripTime: { kind: 'number', unit: 's', default: 0.2, minimum: 0, description: 'Close the gripper' },
    upTime: { kind: 'number', unit: 's', default: 0.4, minimum: 0, description: 'Each up move (twice per cycle)' },
    traverseTime: { kind: 'number', unit: 's', default: 1, minimum: 0, description: 'Carry the item to the place point' },
    releaseTime: { kind: 'number', unit: 's', default: 0.2, minimum: 0, description: 'Open the gripper' },
    returnTime: { kind: 'number', unit: 's', default: 1, minimum: 0, description: 'Travel back empty' },
    zAxis: { kind: 'ref', targets: ['cylinder'], optional: true, description: 'Cylinder moving the gripper up and down: down/up then last until its end switch (downTime/upTime unused)' },
    control: { kind: 'string', enum: ['auto', 'plc'], optional: true, description: 'auto: a cycle starts as soon as an item is offered; plc: only while .enable' },
    next: OUTLET_PARAM,
    power: { kind: 'number', unit: 'kW', default: 0.5, minimum: 0, description: 'Electrical power while moving' },
    wearRate: { kind: 'number', unit: '1/h', default: 1e-4, minimum: 0, description: 'Wear per hour moving' },
  },
  signals: [
    { field: 'items', type: 'int', kind: 'state', unit: '', description: 'Items held (0 or 1)' },
    { field: 'enable', type: 'bool', kind: 'actuator', unit: '', description: 'control plc: a cycle may start' },
    { field: 'busy', type: 'bool', kind: 'sensor', unit: '', description: 'In a cycle' },
    { field: 'step', type: 'int', kind: 'state', unit: '', description: '0 idle, 1..8 down, grip, up, traverse, down, release, up, return' },
    { field: 'blocked', type: 'bool', kind: 'sensor', unit: '', description: 'Waiting at the place point: the outlet does not take the item' },
    { field: 'cycles', type: 'int', kind: 'state', unit: '', description: 'Cycles finished since reset' },
    { field: 'lastCycle', type: 'real', kind: 'state', unit: 's', description: 'Duration of the last cycle' },
    { field: 'power', type: 'real', kind: 'state', unit: 'kW', description: 'Electrical power' },
    { field: 'energy', type: 'real', kind: 'state', unit: 'kWh', description: 'Energy since reset' },
    { field: 'wear', type: 'real', kind: 'state', unit: '', description: 'Wear 0..1' },
  ],
};

const ENABLE = 1;
const BUSY = 2;
const STEP = 3;
const BLOCKED = 4;
const CYCLES = 5;
const LAST_CYCLE = 6;
const POWER = 7;
const ENERGY = 8;
const WEAR = 9;

// Float64 columns.
const C_POWER = 0;
const C_WEAR_STEP = 1;
const C_ENERGY = 2; // state
const C_WEAR = 3; // state
const F_COLS = 4;

// Int32 columns: C_DUR + k holds the steps of sequence step k+1.
const C_SIG = 0;
const C_LANE = 1;
const C_PLC = 2;
const C_NEXT_LANE = 3;
const C_NEXT_BIN = 4;
const C_Z_EXTEND = 5; // signal ids of the z cylinder, -1 without one
const C_Z_EXTENDED = 6;
const C_Z_RETRACTED = 7;
const C_STEP = 8; // state: 0 idle, 1..8
const C_LEFT = 9; // state: steps left in a timed step
const C_ELAPSED = 10; // state: steps since the cycle started
const C_CYCLES = 11; // state
const C_DUR = 12;
const I_COLS = C_DUR + STEPS;

/** All pick-and-place stations of a line. Step before cylinders: a z cylinder moves on the command of the same step. */
export class PickPlaces {
  readonly n: number;
  readonly totalPower = new Float64Array(1);
  readonly #f: Float64Array;
  readonly #i: Int32Array;
  readonly #pool: ItemPool;
  readonly #bins: Bins;
  readonly #dt: number;
  readonly #dtHours: number;

  constructor(ctx: BuildContext, pool: ItemPool, bins: Bins) {
    const placed = ctx.of('pickplace');
    const n = placed.length;
    this.n = n;
    this.#pool = pool;
    this.#bins = bins;
    this.#dt = ctx.dt;
    this.#dtHours = ctx.dt / 3600;
    this.#f = new Float64Array(F_COLS * n);
    this.#i = new Int32Array(I_COLS * n);
    const outlet = new Int32Array(2);
    for (let k = 0; k < n; k++) {
      const { cfg, path } = placed[k]!;
      this.#f[C_POWER * n + k] = readNumber(cfg, pickPlaceType, 'power', path);
      this.#f[C_WEAR_STEP * n + k] = (readNumber(cfg, pickPlaceType, 'wearRate', path) * ctx.dt) / 3600;
      this.#i[C_SIG * n + k] = ctx.signal(cfg.id, 'items');
      this.#i[C_LANE * n + k] = ctx.lane(cfg.id);
      this.#i[C_PLC * n + k] = readChoice(cfg, pickPlaceType, 'control', path) === 'plc' ? 1 : 0;
      resolveOutlet(ctx, cfg['next'], outlet, 0, 1);
      this.#i[C_NEXT_LANE * n + k] = outlet[0]!;
      this.#i[C_NEXT_BIN * n + k] = outlet[1]!;
      const z = cfg['zAxis'];
      this.#i[C_Z_EXTEND * n + k] = typeof z === 'string' ? ctx.signal(z, 'extend') : -1;
      this.#i[C_Z_EXTENDED * n + k] = typeof z === 'string' ? ctx.signal(z, 'extended') : -1;
      this.#i[C_Z_RETRACTED * n + k] = typeof z === 'string' ? ctx.signal(z, 'retracted') : -1;
      for (let s = 0; s < STEPS; s++) this.#i[(C_DUR + s) * n + k] = Math.round(readNumber(cfg, pickPlaceType, SEQUENCE_TIME[s]!, path) / ctx.dt);
    }
  }

  reset(values: Float64Array): void {
    const n = this.n;
    column(this.#f, C_ENERGY, n).fill(0);
    column(this.#f, C_WEAR, n).fill(0);
    for (const col of [C_STEP, C_LEFT, C_ELAPSED, C_CYCLES]) column(this.#i, col, n).fill(0);
    this.totalPower[0] = 0;
    for (let k = 0; k < n; k++) {
      const b = this.#i[C_SIG * n + k]!;
      for (let j = ENABLE; j <= WEAR; j++) values[b + j] = 0;
    }
  }

  state(): (Float64Array | Int32Array)[] {
    return [this.#f, this.#i, this.totalPower];
  }

  step(values: Float64Array): void {
    const n = this.n;
    const f = this.#f;
    const ii = this.#i;
    const ring = this.#pool.ring, lanes = this.#pool.conveyors;
    let total = 0;
    for (let k = 0; k < n; k++) {
      const c = ii[C_LANE * n + k]!;
      const b = ii[C_SIG * n + k]!;
      let blocked = 0;
      if (ii[C_STEP * n + k] === 0 && ring[COUNT * lanes + c]! > 0 && (ii[C_PLC * n + k] === 0 || values[b + ENABLE] === 1)) {
        ii[C_ELAPSED * n + k] = 0;
        this.#enter(values, k, 1);
      }
      // Power counts the steps of the cycle, the last one included.
      const moving = ii[C_STEP * n + k]! > 0;
      if (moving) {
        ii[C_ELAPSED * n + k]++;
        blocked = this.#advance(values, k, c);
      }
      const st = ii[C_STEP * n + k]!;
      this.#pool.open[c] = st === 0 && ring[COUNT * lanes + c] === 0 ? 1 : 0;
      values[b + BUSY] = st > 0 ? 1 : 0;
      values[b + STEP] = st;
      values[b + BLOCKED] = blocked;
      const p = moving && blocked === 0 ? f[C_POWER * n + k]! : 0;
      if (p > 0) f[C_WEAR * n + k] += f[C_WEAR_STEP * n + k]!;
      total += p;
      values[b + POWER] = p;
      values[b + ENERGY] = f[C_ENERGY * n + k] += p * this.#dtHours;
      values[b + WEAR] = f[C_WEAR * n + k]!;
    }
    this.totalPower[0] = total;
  }

  /** Start sequence step `s` (1-based) of station k; commands the z cylinder for a vertical move. */
  #enter(values: Float64Array, k: number, s: number): void {
    const n = this.n;
    const ii = this.#i;
    ii[C_STEP * n + k] = s;
    ii[C_LEFT * n + k] = ii[(C_DUR + s - 1) * n + k]!;
    const zs = ii[C_Z_EXTEND * n + k]!;
    if (zs >= 0 && isVertical(s)) values[zs] = isDown(s) ? 1 : 0;
  }

  /**
   * Count one step of the current sequence step and move on when it is over; zero-length steps
   * pass at once (at most one pass through the sequence). Returns 1 while it waits to set the
   * item down because the outlet does not take it.
   */
  #advance(values: Float64Array, k: number, c: number): number {
    const n = this.n;
    const ii = this.#i;
    const zs = ii[C_Z_EXTEND * n + k]!;
    ii[C_LEFT * n + k]--;
    for (let guard = 0; guard <= STEPS; guard++) {
      const s = ii[C_STEP * n + k]!;
      // A vertical move on an axis lasts until its end switch (as the cylinder published it the step before).
      const over = zs >= 0 && isVertical(s) ? values[isDown(s) ? ii[C_Z_EXTENDED * n + k]! : ii[C_Z_RETRACTED * n + k]!] === 1 : ii[C_LEFT * n + k]! <= 0;
      if (!over) return 0;
      if (s === S_TRAVERSE && !outletAccepts(this.#pool, c, ii[C_NEXT_LANE * n + k]!)) {
        // Hold over the place point until the outlet takes the item.
        ii[C_LEFT * n + k] = 0;
        return 1;
      }
      if (s === S_RELEASE) passOn(this.#pool, this.#bins, c, ii[C_NEXT_LANE * n + k]!, ii[C_NEXT_BIN * n + k]!);
      if (s === STEPS) {
        values[ii[C_SIG * n + k]! + CYCLES] = ++ii[C_CYCLES * n + k]!;
        values[ii[C_SIG * n + k]! + LAST_CYCLE] = ii[C_ELAPSED * n + k]! * this.#dt;
        ii[C_STEP * n + k] = 0;
        return 0;
      }
      this.#enter(values, k, s + 1);
    }
    return 0;
  }
}

/** Steps 1, 3, 5, 7 move the gripper vertically; 1 and 5 down. */
function isVertical(s: number): boolean {
  return s === 1 || s === 3 || s === 5 || s === 7;
}

function isDown(s: number): boolean {
  return s === 1 || s === 5;
}
