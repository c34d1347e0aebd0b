// Conveyors: belts that carry discrete items at a speed set by their drive, accumulate them
// without overlap when the way ahead is blocked, and hand them over at the end to the next
// conveyor (when there is room), into a bin, or off the end (dropped).

import type { BuildContext, ComponentType } from './component.ts';
import { column, readNumber } from './component.ts';
import type { Bins } from './bin.ts';
import { driveType } from './drive.ts';
import { CAP, COUNT, HEAD, ItemPool, LENGTH, START } from './items.ts';
import type { Lane } from './lanes.ts';
import type { KernelSlot } from './kernel.ts';

/** Catalog entry for conveyors. */
export const conveyorType: ComponentType = {
  type: 'conveyor',
  description: 'Belt conveyor carrying discrete items; items belong to the conveyor their front is on',
  params: {
    length: { kind: 'number', unit: 'm', exclusiveMinimum: 0, description: 'Length of the belt' },
    beltSpeed: { kind: 'number', unit: 'm/s', default: 0.5, minimum: 0, description: 'Belt speed when the drive runs at its rated frequency' },
    drive: { kind: 'ref', targets: ['drive'], description: 'Id of the drive that moves this belt' },
    slip: { kind: 'number', unit: '', default: 0, minimum: 0, maximum: 1, description: 'Belt slip on the drive pulley: belt speed = pulley speed x (1 - slip)' },
    next: { kind: 'ref', targets: ['conveyor', 'bin', 'rollerconveyor', 'machine', 'buffer', 'pickplace'], optional: true, description: 'Id of the conveyor, bin, roller conveyor or station that receives items off the end (a roller conveyor or station takes an item whole, when it accepts it). Default: none, items fall off and count as dropped' },
  },
  signals: [
    { field: 'speed', type: 'real', kind: 'state', unit: 'm/s', description: 'Belt speed' },
    { field: 'items', type: 'int', kind: 'state', unit: '', description: 'Items whose front is on this belt' },
    { field: 'dropped', type: 'int', kind: 'state', unit: '', description: 'Items that fell off the end (no next) since reset' },
  ],
  check(cfg, path, _ctx, out) {
    if (cfg['next'] !== undefined && cfg['next'] === cfg.id) {
      out.push({ path: `${path}.next`, message: `refers to the conveyor ${cfg.id} itself` });
    }
  },
};

// Offsets of each signal from the conveyor's first one: the order of conveyorType.signals.
const SPEED = 0;
const DROPPED = 2;

// Float64 columns.
const C_PER_HZ = 0; // m/s of belt per Hz of drive speed
const C_LENGTH = 1; // m
const C_GRIP = 2; // (1 - slip) x (1 - slip fault): belt speed per pulley speed
const C_SLIP = 3; // parameter: slip
const F_COLS = 4;

// Int32 columns.
const C_SIG = 0; // id of the conveyor's first signal (speed)
const C_DRIVE = 1; // index of the conveyor's drive
const C_NEXT_CONV = 2; // next conveyor index, or -1
const C_NEXT_BIN = 3; // next bin index, or -1
const C_DROPPED = 4;
const C_JAM = 5; // fault: 1 while jammed (belt and items stand still)
const C_NEXT_GATED = 6; // lane of a next roller conveyor or station (takes items whole when it accepts), or -1
const I_COLS = 7;

/** All conveyors of a line; owns the item pool. */
export class Conveyors {
  readonly n: number;
  /** Every item on the line, ordered per conveyor. */
  readonly items: ItemPool;
  /** Processing order: a conveyor after the one it feeds, so a handed-over item moves once per step. */
  readonly #order: Int32Array;
  readonly #f: Float64Array;
  readonly #i: Int32Array;
  readonly #bins: Bins;
  readonly #values: Float64Array;
  readonly #driveIdx: Int32Array;

  /**
   * @param minItemLength shortest item any source makes, m (sizes the item pool)
   * @param values the model's value array (item counts are written through by the pool)
   * @param lanes every lane of the pool (lanes.ts): this group's belts first, then the lanes of
   *   roller conveyors and stations, whose item counts are their `.items` signals
   * @param driveSpeed each drive's speed after this step's drive step (Drives.speed): the value
   *   of its `.speed` signal, which the drives write just before the belts step
   */
  constructor(ctx: BuildContext, bins: Bins, minItemLength: number, values: Float64Array, lanes: readonly Lane[], driveSpeed: Float64Array) {
    const placed = ctx.of('conveyor');
    const n = placed.length;
    this.n = n;
    this.#bins = bins;
    this.#values = values;
    this.#f = new Float64Array(F_COLS * n);
    this.#i = new Int32Array(I_COLS * n);
    const perHz = column(this.#f, C_PER_HZ, n);
    const length = column(this.#f, C_LENGTH, n);
    const sig = column(this.#i, C_SIG, n);
    const drive = column(this.#i, C_DRIVE, n);
    const nextConv = column(this.#i, C_NEXT_CONV, n).fill(-1);
    const nextBin = column(this.#i, C_NEXT_BIN, n).fill(-1);
    const nextGated = column(this.#i, C_NEXT_GATED, n).fill(-1);
    const countSig = new Int32Array(n);
    const drives = ctx.of('drive');
    this.#driveIdx = new Int32Array(n);
    for (let c = 0; c < n; c++) {
      const { cfg, path } = placed[c]!;
      length[c] = readNumber(cfg, conveyorType, 'length', path);
      const slip = readNumber(cfg, conveyorType, 'slip', path);
      this.#f[C_SLIP * n + c] = slip;
      this.#f[C_GRIP * n + c] = 1 - slip;
      const beltSpeed = readNumber(cfg, conveyorType, 'beltSpeed', path);
      const driveId = cfg['drive'] as string;
      this.#driveIdx[c] = ctx.indexOf(driveId);
      const d = drives[ctx.indexOf(driveId)]!;
      // The belt runs at beltSpeed when its drive runs at the drive's rated frequency.
      perHz[c] = beltSpeed / readNumber(d.cfg, driveType, 'ratedFrequency', d.path);
      drive[c] = ctx.indexOf(driveId);
      sig[c] = ctx.signal(cfg.id, 'speed');
      countSig[c] = ctx.signal(cfg.id, 'items');
      const next = cfg['next'];
      if (typeof next === 'string') {
        const t = ctx.typeOf(next);
        if (t === 'conveyor') nextConv[c] = ctx.indexOf(next);
        else if (t === 'bin') nextBin[c] = ctx.indexOf(next);
        else nextGated[c] = ctx.lane(next);
      }
    }
    this.#order = downstreamFirst(nextConv);
    // The pool keeps its own copies: a view would pin this buffer's layout into the pool.
    const m = lanes.length;
    const laneLength = new Float64Array(m);
    laneLength.set(length);
    const laneNext = new Int32Array(m).fill(-1);
    laneNext.set(nextConv);
    const laneCount = new Int32Array(m);
    laneCount.set(countSig);
    const laneCap = new Int32Array(m);
    for (let l = n; l < m; l++) {
      laneLength[l] = lanes[l]!.length;
      laneCap[l] = lanes[l]!.capacity;
      laneCount[l] = ctx.signal(lanes[l]!.cfg.id, 'items');
    }
    this.items = new ItemPool(laneLength, laneNext, minItemLength, values, laneCount, laneCap, n);
    const layout = { SPEED, C_PER_HZ, C_LENGTH, C_SIG, C_DRIVE, C_NEXT_CONV, C_JAM, C_NEXT_GATED, C_GRIP, START, CAP, HEAD, COUNT, LENGTH };
    this.#dt = ctx.dt;
    this.#onLeave = (c: number): void => this.#leave(c);
    this.#driveSpeed = driveSpeed;
    const p = this.items;
    this.#kernel = ctx.kernel(conveyorKernel, layout, this.n, this.#f, this.#i, this.#order, p, p.f, p.ring, p.slots, p.travel, p.offset, p.headSlot, this.#values, driveSpeed, this.#dt, this.#onLeave);
  }

  /** Empty belts, counters to zero, faults cleared. */
  reset(values: Float64Array): void {
    const n = this.n;
    this.items.clear();
    column(this.#i, C_DROPPED, n).fill(0);
    column(this.#i, C_JAM, n).fill(0);
    this.setSlipFault(-1, 0);
    for (let c = 0; c < n; c++) {
      values[this.#i[C_SIG * n + c]! + SPEED] = 0;
      values[this.#i[C_SIG * n + c]! + DROPPED] = 0;
    }
  }

  /** Jam fault on conveyor c: belt and items stand still while on. */
  setJam(c: number, on: boolean): void {
    this.#i[C_JAM * this.n + c] = on ? 1 : 0;
  }

  /** Slip fault on conveyor c (-1: all): extra slip fraction 0..1 on top of the parameter. */
  setSlipFault(c: number, slip: number): void {
    const n = this.n;
    for (let k = c < 0 ? 0 : c; k < (c < 0 ? n : c + 1); k++) {
      this.#f[C_GRIP * n + k] = (1 - this.#f[C_SLIP * n + k]!) * (1 - slip);
    }
  }

  /** Drive index of each conveyor's drive, by conveyor. */
  get driveOf(): Int32Array {
    return this.#driveIdx;
  }

  /** The typed arrays that hold this group's and the item pool's state, for snapshots. */
  state(): (Float64Array | Int32Array | Uint8Array)[] {
    return [this.#f, this.#i, ...this.items.state()];
  }

  readonly #dt: number;
  readonly #driveSpeed: Float64Array;
  readonly #onLeave: (c: number) => void;
  readonly #kernel: KernelSlot<[]>;

  /**
   * Move every item by the belt speed times dt, front-most first, each stopping where the item
   * ahead of it (or the room at the next conveyor's start) ends; then hand over past the end.
   * On the model's own compiled kernel once it has one (kernel.ts).
   */
  step(): void {
    if (this.n === 0) return;
    const own = this.#kernel.own;
    if (own !== null) own();
    else {
      const p = this.items;
      conveyorKernel(this.n, this.#f, this.#i, this.#order, p, p.f, p.ring, p.slots, p.travel, p.offset, p.headSlot, this.#values, this.#driveSpeed, this.#dt, this.#onLeave);
    }
  }

  /** Items past the end of conveyor c: hand over, deliver or drop, front-most first. */
  #leave(c: number): void {
    const n = this.n;
    const pool = this.items;
    const front = pool.front;
    const len = this.#f[C_LENGTH * n + c]!;
    const nc = this.#i[C_NEXT_CONV * n + c]!;
    const bin = this.#i[C_NEXT_BIN * n + c]!;
    const gated = this.#i[C_NEXT_GATED * n + c]!;
    // Positions are written below (held at the end, or carried over to the next belt).
    pool.normalize(c);
    while (pool.count[c]! > 0) {
      const s = pool.at(c, 0);
      const x = front[s]!;
      if (!(x > len)) break;
      if (gated >= 0) {
        if (!pool.accepts(gated, s)) {
          front[s] = len;
          break;
        }
        pool.handOver(c, gated);
      } else if (nc >= 0) {
        if (!pool.transferFront(c, nc)) {
          front[s] = len;
          break;
        }
      } else if (bin >= 0) {
        this.#bins.receive(bin, pool.removeAt(c, 0));
      } else {
        const dropped = ++this.#i[C_DROPPED * n + c]!;
        this.#values[this.#i[C_SIG * n + c]! + DROPPED] = dropped;
        pool.removeAt(c, 0);
      }
    }
  }
}

/** Post-order over the `next` links: every conveyor comes after the one it feeds (cycles are cut). */
function downstreamFirst(next: Int32Array): Int32Array {
  const n = next.length;
  const order = new Int32Array(n);
  const seen = new Uint8Array(n);
  let k = 0;
  for (let c0 = 0; c0 < n; c0++) {
    if (seen[c0]) continue;
    // Walk the chain to its end (or back into something seen), then emit it backwards.
    const chain: number[] = [];
    let c = c0;
    while (c >= 0 && !seen[c]) {
      seen[c] = 1;
      chain.push(c);
      c = next[c]!;
    }
    for (let i = chain.length - 1; i >= 0; i--) order[k++] = chain[i]!;
  }
  return order;
}


/**
 * The conveyors' step: the model's shared code, or its own compiled copy (specialize(),
 * kernel.ts). The pool's arrays come bound like the group's own (`itemF` .. `headSlot`, the
 * pool's fixed arrays), not read off `pool`: as locals, V8 reloaded their headers after every
 * store in the loop.
 */
function conveyorKernel(
  n: number,
  f: Float64Array,
  ii: Int32Array,
  order: Int32Array,
  pool: ItemPool,
  itemF: Float64Array,
  ring: Int32Array,
  slots: Int32Array,
  travel: Float64Array,
  offset: Float64Array,
  headSlot: Int32Array,
  values: Float64Array,
  driveSpeed: Float64Array,
  dt: number,
  leave: (c: number) => void,
): void {
  const oPerHz = C_PER_HZ * n;
  const oLength = C_LENGTH * n;
  const oSig = C_SIG * n;
  const oDrive = C_DRIVE * n;
  const oNextConv = C_NEXT_CONV * n;
  const oJam = C_JAM * n;
  const oNextGated = C_NEXT_GATED * n;
  const oGrip = C_GRIP * n;
  // The pool's ring columns are per lane: belts first, then roller conveyors and stations.
  const lanes = pool.conveyors;
  const oStart = START * lanes;
  const oCap = CAP * lanes;
  const oHead = HEAD * lanes;
  const oCount = COUNT * lanes;
  const oItemLength = LENGTH * pool.capacity;
  for (let o = 0; o < n; o++) {
    const c = order[o]!;
    const v = ii[oJam + c] === 1 ? 0 : driveSpeed[ii[oDrive + c]!]! * f[oPerHz + c]! * f[oGrip + c]!;
    values[ii[oSig + c]! + SPEED] = v;
    const cnt = ring[oCount + c]!;
    if (cnt === 0 || !(v > 0)) continue;
    const dx = v * dt;
    // No item moves further than its belt ran: the bound item sensors cache against (items.ts coverMargin).
    travel[c] += dx;
    const len = f[oLength + c]!;
    const nc = ii[oNextConv + c]!;
    // How far the front-most item may go: up to the rear of the last item already on the
    // next conveyor (it may cross over by that much), unbounded into a bin or off the end.
    let limit = Infinity;
    const h = headSlot[c]!;
    if (nc >= 0 && ring[oCount + nc]! > 0) {
      const r = pool.rearmost(nc);
      limit = len + (itemF[r]! + offset[nc]!) - itemF[oItemLength + r]!;
    } else if (ii[oNextGated + c]! >= 0 && !pool.accepts(ii[oNextGated + c]!, h)) {
      // A station or roller conveyor that cannot take the item holds it at the end.
      limit = len;
    }
    const off = offset[c]!;
    if (itemF[h]! + off + dx <= limit) {
      // The front-most item runs free, so every item behind it moves as far (none was in the
      // way of the one behind it, and none is now): one add for the lane (ItemPool.offset).
      const moved = off + dx;
      offset[c] = moved;
      if (itemF[h]! + moved > len) leave(c);
      continue;
    }
    // Held back: item by item, each stopping where the one ahead of it ends.
    if (off !== 0) pool.normalize(c);
    const start = ring[oStart + c]!;
    const cap = ring[oCap + c]!;
    const head = ring[oHead + c]!;
    let j = head;
    // FRONT is column 0 of the item buffer, so itemF[s] is an item's front.
    for (let k = 0; k < cnt; k++) {
      const s = slots[start + j]!;
      const f0 = itemF[s]!;
      let x = f0 + dx;
      if (x > limit) x = limit;
      // Never backwards, even if rounding put the limit a hair behind.
      if (x < f0) x = f0;
      itemF[s] = x;
      limit = x - itemF[oItemLength + s]!;
      if (++j === cap) j = 0;
    }
    if (itemF[h]! > len) leave(c);
  }
}
