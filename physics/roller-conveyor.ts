// Roller conveyors with zero-pressure accumulation (ZPA): the length is cut into equal zones,
// each with its own roller drive (on/off) and a photo-eye near its discharge end. An item moves
// at the roller speed while its zone runs, and enters the next zone only when that zone is free,
// so a queue behind a blocked end stands one item per zone without touching. The zone logic is
// either built in (`control: zpa`) or left to the PLC (`control: plc`: `.run` bit z drives zone z).

import type { BuildContext, CheckContext, ComponentType, ReferenceIssue } from './component.ts';
import { column, numberOr, readChoice, readNumber } from './component.ts';
import type { KernelSlot } from './kernel.ts';
import type { ComponentConfig } from './line.ts';
import type { Bins } from './bin.ts';
import type { ItemPool } from './items.ts';
import { CAP, COUNT, HEAD, LENGTH, START } from './items.ts';
import { OUTLET_PARAM, passOn, resolveOutlet } from './outlet.ts';

/** Zone bits fit one int signal. */
export const MAX_ZONES = 31;

/** Catalog entry for roller conveyors. */
export const rollerConveyorType: ComponentType = {
  type: 'rollerconveyor',
  description: 'Roller conveyor in zones with zero-pressure accumulation: one item per zone, a drive and a photo-eye per zone',
  params: {
    length: { kind: 'number', unit: 'm', exclusiveMinimum: 0, description: 'Length of the conveyor' },
    zones: { kind: 'number', unit: '', default: 4, minimum: 1, maximum: MAX_ZONES, integer: true, description: 'Number of equal zones' },
    speed: { kind: 'number', unit: 'm/s', default: 0.3, exclusiveMinimum: 0, description: 'Roller surface speed of a running zone' },
    control: { kind: 'string', enum: ['zpa', 'plc'], optional: true, description: 'zpa: built-in zone logic (a zone runs to pass its item on when the next zone is free); plc: bit z of .run drives zone z' },
    eyeOffset: { kind: 'number', unit: 'm', default: 0.05, minimum: 0, description: 'Zone photo-eye distance before the zone end' },
    next: OUTLET_PARAM,
    zonePower: { kind: 'number', unit: 'kW', default: 0.035, minimum: 0, description: 'Electrical power of one running zone drive (24 V motor roller)' },
    wearRate: { kind: 'number', unit: '1/h', default: 1e-4, minimum: 0, description: 'Wear per hour with every zone running' },
  },
  signals: [
    { field: 'items', type: 'int', kind: 'state', unit: '', description: 'Items whose front is on it' },
    { field: 'run', type: 'int', kind: 'actuator', unit: '', description: 'control plc: bit z runs zone z' },
    { field: 'occupied', type: 'int', kind: 'sensor', unit: '', description: 'Bit z: zone z photo-eye blocked' },
    { field: 'running', type: 'int', kind: 'state', unit: '', description: 'Bit z: zone z moved an item this step' },
    { field: 'passed', type: 'int', kind: 'state', unit: '', description: 'Items passed on at the end since reset' },
    { field: 'power', type: 'real', kind: 'state', unit: 'kW', description: 'Electrical power of the running zones' },
    { field: 'energy', type: 'real', kind: 'state', unit: 'kWh', description: 'Energy since reset' },
    { field: 'wear', type: 'real', kind: 'state', unit: '', description: 'Roller drive wear 0..1' },
  ],
  check: checkZones,
};

function checkZones(cfg: ComponentConfig, path: string, _ctx: CheckContext, out: ReferenceIssue[]): void {
  const len = numberOr(cfg, 'length', 0);
  const zones = numberOr(cfg, 'zones', 4);
  const zoneLen = zones >= 1 ? len / zones : 0;
  if (zoneLen > 0 && numberOr(cfg, 'eyeOffset', 0.05) >= zoneLen) {
    out.push({ path: `${path}.eyeOffset`, message: `is ${numberOr(cfg, 'eyeOffset', 0.05)} m, not inside a zone of ${zoneLen} m` });
  }
}

// Offsets from the first signal (items, written by the pool).
const RUN = 1;
const OCCUPIED = 2;
const RUNNING = 3;
const PASSED = 4;
const POWER = 5;
const ENERGY = 6;
const WEAR = 7;

// Float64 columns.
const C_LENGTH = 0;
const C_ZONE = 1; // zone length, m
const C_DX = 2; // speed x dt, m per step
const C_EYE = 3; // eye offset, m
const C_ZONE_POWER = 4; // kW
const C_WEAR_STEP = 5; // wear per zone-step running
const C_ENERGY = 6; // state, kWh
const C_WEAR = 7; // state
const F_COLS = 8;

// Int32 columns.
const C_SIG = 0;
const C_LANE = 1;
const C_ZONES = 2;
const C_PLC = 3; // 1: zones driven by .run
const C_NEXT_LANE = 4;
const C_NEXT_BIN = 5;
const C_PASSED = 6; // state
const I_COLS = 7;

/** All roller conveyors of a line; their items live in the pool's lanes. */
export class RollerConveyors {
  readonly n: number;
  /** Sum of the power of all roller conveyors this step, kW (an array: a returned double would be boxed). */
  readonly totalPower = new Float64Array(1);
  readonly #f: Float64Array;
  readonly #i: Int32Array;
  readonly #pool: ItemPool;

  constructor(ctx: BuildContext, pool: ItemPool, bins: Bins) {
    const placed = ctx.of('rollerconveyor');
    const n = placed.length;
    this.n = n;
    this.#pool = pool;
    this.#f = new Float64Array(F_COLS * n);
    this.#i = new Int32Array(I_COLS * n);
    const outlet = new Int32Array(2);
    for (let k = 0; k < n; k++) {
      const { cfg, path } = placed[k]!;
      const len = readNumber(cfg, rollerConveyorType, 'length', path);
      const zones = readNumber(cfg, rollerConveyorType, 'zones', path);
      this.#f[C_LENGTH * n + k] = len;
      this.#f[C_ZONE * n + k] = len / zones;
      this.#f[C_DX * n + k] = readNumber(cfg, rollerConveyorType, 'speed', path) * ctx.dt;
      this.#f[C_EYE * n + k] = readNumber(cfg, rollerConveyorType, 'eyeOffset', path);
      this.#f[C_ZONE_POWER * n + k] = readNumber(cfg, rollerConveyorType, 'zonePower', path);
      this.#f[C_WEAR_STEP * n + k] = (readNumber(cfg, rollerConveyorType, 'wearRate', path) * ctx.dt) / 3600 / zones;
      this.#i[C_SIG * n + k] = ctx.signal(cfg.id, 'items');
      this.#i[C_LANE * n + k] = ctx.lane(cfg.id);
      this.#i[C_ZONES * n + k] = zones;
      this.#i[C_PLC * n + k] = readChoice(cfg, rollerConveyorType, 'control', path) === 'plc' ? 1 : 0;
      resolveOutlet(ctx, cfg['next'], outlet, 0, 1);
      this.#i[C_NEXT_LANE * n + k] = outlet[0]!;
      this.#i[C_NEXT_BIN * n + k] = outlet[1]!;
    }
    this.#bins = bins;
    this.#values = ctx.values;
    this.#dtHours = ctx.dt / 3600;
    this.#onEyes = (k: number, c: number): number => this.#eyes(k, c);
    this.#kernel = ctx.kernel(rollerConveyorKernel, LAYOUT, this.n, this.#f, this.#i, this.#pool, this.#bins, this.#values, this.totalPower, this.#dtHours, this.#onEyes, passOn);
  }

  reset(values: Float64Array): void {
    const n = this.n;
    column(this.#f, C_ENERGY, n).fill(0);
    column(this.#f, C_WEAR, n).fill(0);
    column(this.#i, C_PASSED, n).fill(0);
    this.totalPower[0] = 0;
    for (let k = 0; k < n; k++) {
      const b = this.#i[C_SIG * n + k]!;
      for (let j = RUN; j <= WEAR; j++) values[b + j] = 0;
    }
  }

  state(): (Float64Array | Int32Array)[] {
    return [this.#f, this.#i, this.totalPower];
  }

  /** Set wear of roller conveyor k (tests, restore of condition). */
  setWear(k: number, wear: number): void {
    this.#f[C_WEAR * this.n + k] = wear;
  }

  readonly #bins: Bins;
  readonly #values: Float64Array;
  readonly #dtHours: number;
  readonly #onEyes: (k: number, c: number) => number;
  readonly #kernel: KernelSlot<[]>;

  /**
   * Move every item front-most first: at the roller speed while its zone runs, never into the
   * item ahead, and (zpa) into the next zone only when no item overlaps it; pass the front item
   * on at the end when the outlet takes it; then publish the zone eyes and the open state of
   * zone 0 (sources and upstream stations place items only into a free first zone).
   * On the model's own compiled kernel once it has one (kernel.ts).
   */
  step(): void {
    if (this.n === 0) return;
    const own = this.#kernel.own;
    if (own !== null) own();
    else rollerConveyorKernel(this.n, this.#f, this.#i, this.#pool, this.#bins, this.#values, this.totalPower, this.#dtHours, this.#onEyes, passOn);
  }

  /** Bits of the zone eyes of roller conveyor k (lane c) that an item covers. */
  #eyes(k: number, c: number): number {
    const n = this.n;
    const f = this.#f;
    const pool = this.#pool;
    const ring = pool.ring, slots = pool.slots, itemF = pool.f, lanes = pool.conveyors, cap = pool.capacity;
    const zl = f[C_ZONE * n + k]!;
    const eye = f[C_EYE * n + k]!;
    const zones = this.#i[C_ZONES * n + k]!;
    const count = ring[COUNT * lanes + c]!;
    const start = ring[START * lanes + c]!;
    const ringCap = ring[CAP * lanes + c]!;
    let j = ring[HEAD * lanes + c]!;
    let occupied = 0;
    for (let m = 0; m < count; m++) {
      const s = slots[start + j]!;
      if (++j === ringCap) j = 0;
      const front = itemF[s]!;
      let z = Math.ceil((front - itemF[LENGTH * cap + s]! + eye) / zl) - 1;
      if (z < 0) z = 0;
      for (; z < zones && (z + 1) * zl - eye <= front; z++) occupied |= 1 << z;
    }
    return occupied;
  }
}

/** Offsets and constants the kernel needs (it cannot see this module's bindings). */
const LAYOUT = { CAP, COUNT, C_DX, C_ENERGY, C_EYE, C_LANE, C_LENGTH, C_NEXT_BIN, C_NEXT_LANE, C_PASSED, C_PLC, C_SIG, C_WEAR, C_WEAR_STEP, C_ZONE, C_ZONES, C_ZONE_POWER, ENERGY, HEAD, LENGTH, OCCUPIED, PASSED, POWER, RUN, RUNNING, START, WEAR };

/** The step: the model's shared code, or its own compiled copy (specialize(), kernel.ts). */
function rollerConveyorKernel(
  n: number,
  f: Float64Array,
  ii: Int32Array,
  pool: ItemPool,
  bins: Bins,
  values: Float64Array,
  totalPower: Float64Array,
  dtHours: number,
  eyes: (k: number,
  c: number) => number,
  pass: typeof passOn,
): void {
  const ring = pool.ring, slots = pool.slots, itemF = pool.f, lanes = pool.conveyors, cap = pool.capacity;
  const oLen = LENGTH * cap;
  let total = 0;
  for (let k = 0; k < n; k++) {
    const c = ii[C_LANE * n + k]!;
    const b = ii[C_SIG * n + k]!;
    const len = f[C_LENGTH * n + k]!;
    const zl = f[C_ZONE * n + k]!;
    const zones = ii[C_ZONES * n + k]!;
    const plc = ii[C_PLC * n + k]!;
    const runBits = plc === 1 ? values[b + RUN]! | 0 : -1;
    const dx = f[C_DX * n + k]!;
    const count = ring[COUNT * lanes + c]!;
    const outlet = ii[C_NEXT_LANE * n + k]! >= 0 || ii[C_NEXT_BIN * n + k]! >= 0;
    let running = 0;
    let occupied = 0;
    // Rear of the item ahead, and at the end of the pass the rear-most item's rear.
    let aheadRear = Infinity;
    if (count > 0) {
      const start = ring[START * lanes + c]!;
      const ringCap = ring[CAP * lanes + c]!;
      const eye = f[C_EYE * n + k]!;
      let j = ring[HEAD * lanes + c]!;
      for (let m = 0; m < count; m++) {
        const s = slots[start + j]!;
        if (++j === ringCap) j = 0;
        const x = itemF[s]!;
        // The zone the front is in; a front standing on a boundary belongs to the zone behind it
        // (the tolerance keeps a front held at (z+1)·zl in zone z whatever the rounding of that product).
        let z = Math.ceil(x / zl - 1e-9) - 1;
        if (z < 0) z = 0;
        else if (z >= zones) z = zones - 1;
        let nx = x;
        if (((runBits >> z) & 1) === 1) {
          nx = x + dx;
          if (nx > aheadRear) nx = aheadRear;
          const boundary = (z + 1) * zl;
          if (nx > boundary) {
            if (z + 1 < zones) {
              // Into zone z+1 only if it is free (zpa: no item overlaps it) or running (plc).
              const free = plc === 1 ? ((runBits >> (z + 1)) & 1) === 1 : aheadRear >= boundary + zl;
              if (!free) nx = boundary;
            } else if (!outlet) {
              // Past the end only towards an outlet; with none, the end stop holds it.
              nx = len;
            }
          }
          if (nx < x) nx = x;
          if (nx > x) running |= 1 << z;
          itemF[s] = nx;
        }
        aheadRear = nx - itemF[oLen + s]!;
        // Zone eyes at (z+1)·zl − eye: blocked when rear <= eye <= front (one pass, same positions).
        let e = Math.ceil((aheadRear + eye) / zl) - 1;
        if (e < 0) e = 0;
        for (; e < zones && (e + 1) * zl - eye <= nx; e++) occupied |= 1 << e;
      }
      // The front item at or past the end goes to the outlet if it takes it, else waits at the end.
      const head = slots[start + ring[HEAD * lanes + c]!]!;
      if (outlet && itemF[head]! >= len) {
        if (pass(pool, bins, c, ii[C_NEXT_LANE * n + k]!, ii[C_NEXT_BIN * n + k]!)) {
          values[b + PASSED] = ++ii[C_PASSED * n + k]!;
          // Rare (once per item): the eyes without the item that left.
          occupied = eyes(k, c);
          if (ring[COUNT * lanes + c] === 0) aheadRear = Infinity;
        } else itemF[head] = len;
      }
    }
    values[b + OCCUPIED] = occupied;
    values[b + RUNNING] = running;
    // zpa: zone 0 takes an item only when no item overlaps it; plc: the PLC decides (only room is required).
    pool.open[c] = plc === 1 || aheadRear >= zl ? 1 : 0;
    let zonesOn = 0;
    for (let r = running; r !== 0; r &= r - 1) zonesOn++;
    const p = zonesOn * f[C_ZONE_POWER * n + k]!;
    total += p;
    values[b + POWER] = p;
    values[b + ENERGY] = f[C_ENERGY * n + k] += p * dtHours;
    values[b + WEAR] = f[C_WEAR * n + k] += zonesOn * f[C_WEAR_STEP * n + k]!;
  }
  totalPower[0] = total;
}
