// The item pool: every item on the line, struct-of-arrays over a capacity fixed at build, plus
// one ring of slot ids per conveyor holding its items front-most first. Items enter a conveyor
// only at its start (sources, hand-over) and leave at its end (hand-over, bin, drop) or from the
// middle (pusher), so the rings stay ordered without ever sorting.

import { column } from './component.ts';

/** Float64 columns of {@link ItemPool.f}, each `capacity` long. */
export const FRONT = 0;
export const LENGTH = 1;
export const HEIGHT = 2;
/** Quality attributes the processes change: temperature (°C) and time spent heated (s). */
export const TEMP = 3;
export const DWELL = 4;
/** Coating thickness (µm, coating stations) and weld heat input (kJ/m, weld stations). */
export const COAT = 5;
export const HEAT = 6;
const F_COLS = 7;

/** Lane kinds ({@link ItemPool.laneKind}): items with positions along a length, or held in a station. */
export const LANE_CONTINUOUS = 0;
export const LANE_STATION = 1;

/** Temperature of an item placed without one (°C). */
export const DEFAULT_ITEM_TEMPERATURE = 20;

/** Item quality marks ({@link ItemPool.quality}). */
export const QUALITY_UNKNOWN = 0;
export const QUALITY_GOOD = 1;
export const QUALITY_REJECT = 2;

/** Int32 columns of {@link ItemPool.ring}, each one entry per conveyor. */
export const START = 0;
export const CAP = 1;
export const HEAD = 2;
export const COUNT = 3;
const RING_COLS = 4;

/**
 * Item slots one conveyor needs: fronts lie in [0, length] and never overlap, so at most
 * floor(length/min)+1 fronts fit; one more absorbs rounding at touching items. The mimic's item
 * view sizes its signals with the same bound.
 */
export function ringCapacity(length: number, minItemLength: number): number {
  return Number.isFinite(minItemLength) ? Math.floor(length / minItemLength) + 2 : 1;
}

/**
 * Item slots and per-conveyor ordering. Positions are of the item's front, m from its
 * conveyor's start: the FRONT column plus the lane's {@link ItemPool.offset} (see there on why).
 */
export class ItemPool {
  /** Number of item slots. */
  readonly capacity: number;
  /** Number of conveyors. */
  readonly conveyors: number;
  /** Item fields FRONT, LENGTH, HEIGHT as columns; step loops index `col * capacity + slot`. */
  readonly f: Float64Array;
  /**
   * Front of the item less its lane's {@link ItemPool.offset}, m (column view of `f`): the front
   * itself is `front[s] + offset[conveyor[s]]`. Read through {@link ItemPool.frontOf} off the step loops.
   */
  readonly front: Float64Array;
  /** Extent along the belt, m. */
  readonly length: Float64Array;
  /** Height, m. */
  readonly height: Float64Array;
  /** Global class index (see the model's class table). */
  readonly cls: Int32Array;
  /** Conveyor index the item's front is on; -1 when the slot is free. */
  readonly conveyor: Int32Array;
  readonly alive: Uint8Array;
  /** Item temperature, °C (column view of `f`). */
  readonly temp: Float64Array;
  /** Time the item spent in heated zones, s (column view of `f`). */
  readonly dwell: Float64Array;
  /** Coating thickness, µm, and weld heat input, kJ/m (column views of `f`; 0 until processed). */
  readonly coat: Float64Array;
  readonly heat: Float64Array;
  /** Per lane: LANE_CONTINUOUS (belt, roller conveyor) or LANE_STATION (machine, buffer, pick-and-place). */
  readonly laneKind: Uint8Array;
  /**
   * Per lane: 1 while it takes items in. Owners of gated lanes (roller conveyors: zone 0 free;
   * stations: idle or not full) keep it current; belts leave it 1 and only need room.
   */
  readonly open: Uint8Array;
  /** Creation serial number, increasing in order of creation (quality gates use it to see each item once). */
  readonly serial: Int32Array;
  /** QUALITY_UNKNOWN / _GOOD / _REJECT, set by the last quality gate passed. */
  readonly quality: Int32Array;
  /** Ring fields START, CAP, HEAD, COUNT per conveyor as columns; index `col * conveyors + c`. */
  readonly ring: Int32Array;
  /** Items per conveyor (column view of `ring`). */
  readonly count: Int32Array;
  /** Slot ids, ring by ring. */
  readonly slots: Int32Array;
  /** Per lane: slot id of its front-most item (the ring's head), -1 when empty; kept by the ring operations. */
  readonly headSlot: Int32Array;
  /**
   * Per lane: how far its belt has run since build, m, added by the conveyor step whenever it
   * moves items: a bound on how far any item on it moved since a sensor last looked. With
   * {@link ItemPool.epoch} it lets item sensors and blocked sources skip the walk over items that
   * cannot have changed what they see (coverMargin below). Kept for belts only, lanes below
   * {@link ItemPool.belts}: roller conveyors and stations move their items without it.
   */
  readonly travel: Float64Array;
  /** Lanes below this are belts, whose {@link ItemPool.travel} bounds how far their items moved. */
  readonly belts: number;
  /**
   * Per lane: how far all its items moved together since their FRONT entries were last written,
   * m; an item's front is FRONT + offset. A belt whose front-most item runs free moves every item
   * by the same distance, so its step adds that distance here once instead of to each item
   * (conveyor.ts). A step that holds an item back and every write of a position (an item added,
   * handed over, held at the end, re-synced: {@link ItemPool.setFront}) first fold the offset into
   * the items ({@link ItemPool.normalize}), which leaves every front where it was, bit for bit. So a
   * position is written exactly (an item held at the end is at the length itself), and only free
   * runs round differently from adding each step to each item (by ~1e-16 m; a crossing that lands
   * on an exact edge, such as a source's room, may fall one step apart). Always 0 on roller
   * conveyors and stations, which move their items themselves.
   */
  readonly offset: Float64Array;
  /** Per lane: counts every change of its items other than belt travel (added, removed, handed over, moved by a re-sync, cleared). */
  readonly epoch: Int32Array;
  /** Conveyor geometry: length (m) and index of the next conveyor (-1: none or a bin). */
  readonly convLength: Float64Array;
  readonly convNext: Int32Array;
  readonly #free: Int32Array;
  /** Scalars kept in an array so snapshots see them: free-list top, items alive, next serial. */
  readonly #meta = new Int32Array(3);
  /** Where each conveyor's item count is published: written through on every change, so no per-step pass is needed. */
  readonly #values: Float64Array;
  readonly #countSig: Int32Array;
  /** The position and the margin for {@link ItemPool.coverAt} (see {@link coverMargin} on why they are not numbers). */
  readonly #probe = new Float64Array(2);

  /**
   * @param convLength length of each conveyor, m
   * @param convNext next conveyor index per conveyor, -1 if none or a bin
   * @param minItemLength shortest item any source makes, m; bounds how many items fit a conveyor
   * @param values the model's value array, and `countSig` the id of each conveyor's item count in it
   * @param laneCap per lane, a fixed capacity (stations) or 0 (continuous: from length and minItemLength); default all 0
   * @param belts how many lanes, from the first, are belts (lanes.ts puts them first); default all
   */
  constructor(convLength: Float64Array, convNext: Int32Array, minItemLength: number, values: Float64Array, countSig: Int32Array, laneCap?: Int32Array, belts?: number) {
    const n = convLength.length;
    this.conveyors = n;
    this.belts = belts ?? n;
    this.convLength = convLength;
    this.convNext = convNext;
    this.#values = values;
    this.#countSig = countSig;
    this.ring = new Int32Array(RING_COLS * n);
    this.travel = new Float64Array(n);
    this.offset = new Float64Array(n);
    this.headSlot = new Int32Array(n);
    this.epoch = new Int32Array(n);
    const ringStart = column(this.ring, START, n);
    const ringCap = column(this.ring, CAP, n);
    this.count = column(this.ring, COUNT, n);
    let total = 0;
    this.laneKind = new Uint8Array(n);
    this.open = new Uint8Array(n).fill(1);
    for (let c = 0; c < n; c++) {
      const fixed = laneCap?.[c] ?? 0;
      if (fixed > 0) this.laneKind[c] = LANE_STATION;
      const cap = fixed > 0 ? fixed : ringCapacity(convLength[c]!, minItemLength);
      ringStart[c] = total;
      ringCap[c] = cap;
      total += cap;
    }
    this.capacity = total;
    this.slots = new Int32Array(total);
    this.f = new Float64Array(F_COLS * total);
    this.front = column(this.f, FRONT, total);
    this.length = column(this.f, LENGTH, total);
    this.height = column(this.f, HEIGHT, total);
    this.temp = column(this.f, TEMP, total);
    this.dwell = column(this.f, DWELL, total);
    this.coat = column(this.f, COAT, total);
    this.heat = column(this.f, HEAT, total);
    this.serial = new Int32Array(total);
    this.quality = new Int32Array(total);
    this.cls = new Int32Array(total);
    this.conveyor = new Int32Array(total);
    this.alive = new Uint8Array(total);
    this.#free = new Int32Array(total);
    this.clear();
  }

  /** Items alive anywhere on the line. */
  get aliveCount(): number {
    return this.#meta[1]!;
  }

  /** Every typed array of the pool, for snapshots. */
  state(): (Float64Array | Int32Array | Uint8Array)[] {
    return [this.f, this.cls, this.conveyor, this.alive, this.serial, this.quality, this.ring, this.slots, this.#free, this.#meta, this.open, this.travel, this.epoch, this.offset, this.headSlot];
  }

  /** Remove every item; the free list gets a fixed order so runs after reset repeat exactly. */
  clear(): void {
    const cap = this.capacity;
    for (let i = 0; i < cap; i++) this.#free[i] = cap - 1 - i;
    this.#meta[0] = cap;
    this.#meta[1] = 0;
    this.#meta[2] = 0;
    this.conveyor.fill(-1);
    this.alive.fill(0);
    const n = this.conveyors;
    this.ring.fill(0, HEAD * n, (COUNT + 1) * n);
    this.open.fill(1);
    this.offset.fill(0);
    this.headSlot.fill(-1);
    for (let c = 0; c < n; c++) {
      this.#values[this.#countSig[c]!] = 0;
      this.touch(c);
    }
  }

  /** Slot id of the k-th item of conveyor c counted from its front (k < count[c]). */
  at(c: number, k: number): number {
    const n = this.conveyors;
    const ring = this.ring;
    const cap = ring[CAP * n + c]!;
    let j = ring[HEAD * n + c]! + k;
    if (j >= cap) j -= cap;
    return this.slots[ring[START * n + c]! + j]!;
  }

  /** Front of item slot s on lane c, m from the lane's start. */
  frontOf(c: number, s: number): number {
    return this.f[s]! + this.offset[c]!;
  }

  /**
   * Put item slot s of lane c at front x (m) and tell the lane's sensors (a shadow re-sync). The
   * lane's offset is folded in first, so x is written exactly.
   */
  setFront(c: number, s: number, x: number): void {
    this.normalize(c);
    this.f[s] = x;
    this.touch(c);
  }

  /**
   * Fold lane c's offset into its items' FRONT entries: each becomes the front it stood for
   * (the same sum its readers compute, so no front moves), and the offset 0.
   */
  normalize(c: number): void {
    const off = this.offset[c]!;
    if (off === 0) return;
    const n = this.conveyors;
    const ring = this.ring;
    const count = ring[COUNT * n + c]!;
    const start = ring[START * n + c]!;
    const cap = ring[CAP * n + c]!;
    let j = ring[HEAD * n + c]!;
    for (let k = 0; k < count; k++) {
      this.f[this.slots[start + j]!] += off;
      if (++j === cap) j = 0;
    }
    this.offset[c] = 0;
  }

  /** Slot id of the rear-most item of conveyor c, or -1 when it is empty. */
  rearmost(c: number): number {
    const k = this.ring[COUNT * this.conveyors + c]!;
    return k === 0 ? -1 : this.at(c, k - 1);
  }

  /**
   * Place a new item at the rear of conveyor c with its geometry taken from `geometry[gi ..]`
   * (front, length, height, m, and temperature °C if the array has a fourth entry: an array,
   * not numbers, so no call boxes a double). Returns its slot, or -1 when the pool or the
   * conveyor's ring is full.
   */
  add(c: number, geometry: Float64Array, gi: number, cls: number): number {
    const n = this.conveyors;
    const meta = this.#meta;
    if (meta[0] === 0 || this.ring[COUNT * n + c]! === this.ring[CAP * n + c]!) return -1;
    this.normalize(c);
    const s = this.#free[--meta[0]!]!;
    const cap = this.capacity;
    this.f[FRONT * cap + s] = geometry[gi]!;
    this.f[LENGTH * cap + s] = geometry[gi + 1]!;
    this.f[HEIGHT * cap + s] = geometry[gi + 2]!;
    this.f[TEMP * cap + s] = geometry.length > gi + 3 ? geometry[gi + 3]! : DEFAULT_ITEM_TEMPERATURE;
    this.f[DWELL * cap + s] = 0;
    this.f[COAT * cap + s] = 0;
    this.f[HEAT * cap + s] = 0;
    this.serial[s] = meta[2]!++;
    this.quality[s] = QUALITY_UNKNOWN;
    this.cls[s] = cls;
    this.alive[s] = 1;
    meta[1]!++;
    this.#pushBack(c, s);
    return s;
  }

  /**
   * Move the front item of conveyor c, past its end, to the rear of conveyor `to`, carrying the
   * distance past the end over as its front there. False when `to`'s ring is full.
   */
  transferFront(c: number, to: number): boolean {
    const n = this.conveyors;
    if (this.ring[COUNT * n + to]! === this.ring[CAP * n + to]!) return false;
    this.normalize(c);
    this.normalize(to);
    const s = this.at(c, 0);
    this.#popFront(c);
    this.f[FRONT * this.capacity + s] -= this.convLength[c]!;
    this.#pushBack(to, s);
    return true;
  }

  /** Remove the k-th item (from the front) of conveyor c from the line; returns its class. */
  removeAt(c: number, k: number): number {
    const s = this.at(c, k);
    if (k === 0) {
      this.#popFront(c);
    } else {
      // Close the gap by shifting the items behind one place forward: rings are short.
      const n = this.conveyors;
      const ring = this.ring;
      const count = ring[COUNT * n + c]!;
      const start = ring[START * n + c]!;
      const cap = ring[CAP * n + c]!;
      let j = ring[HEAD * n + c]! + k;
      if (j >= cap) j -= cap;
      for (let m = k + 1; m < count; m++) {
        let jn = j + 1;
        if (jn === cap) jn = 0;
        this.slots[start + j] = this.slots[start + jn]!;
        j = jn;
      }
      ring[COUNT * n + c] = count - 1;
      this.#values[this.#countSig[c]!] = count - 1;
      this.touch(c);
    }
    const cls = this.cls[s]!;
    this.conveyor[s] = -1;
    this.alive[s] = 0;
    this.#meta[1]!--;
    this.#free[this.#meta[0]!++] = s;
    return cls;
  }

  /**
   * Whether lane `to` can take item slot `s` now: open, its ring not full and, on a continuous
   * lane, room for the item's length behind its rear-most item (the item enters with its rear at
   * the lane's start). Integer arguments only, so step loops call it without boxing.
   */
  accepts(to: number, s: number): boolean {
    const n = this.conveyors;
    const ring = this.ring;
    const count = ring[COUNT * n + to]!;
    if (this.open[to] === 0 || count === ring[CAP * n + to]!) return false;
    if (this.laneKind[to] === LANE_STATION || count === 0) return true;
    const r = this.rearmost(to);
    const cap = this.capacity;
    return this.f[r]! + this.offset[to]! - this.f[LENGTH * cap + r]! >= this.f[LENGTH * cap + s]!;
  }

  /**
   * Move the front item of lane `from` to the rear of lane `to` (check {@link accepts} first):
   * into a station its position is 0; onto a continuous lane it enters with its rear at the start.
   */
  handOver(from: number, to: number): void {
    const s = this.at(from, 0);
    this.#popFront(from);
    this.normalize(to);
    const cap = this.capacity;
    this.f[FRONT * cap + s] = this.laneKind[to] === LANE_STATION ? 0 : this.f[LENGTH * cap + s]!;
    this.#pushBack(to, s);
  }

  /**
   * Slot id of the item covering position x (m from the start of conveyor c), rear <= x <= front,
   * or -1. Also sees the rear of an item already handed over to the next conveyor.
   */
  coverAt(c: number, x: number): number {
    this.#probe[0] = x;
    return coverMargin(this.ring, this.slots, this.f, this.offset, this.conveyors, this.capacity, this.convNext, this.convLength, c, this.#probe, 0, this.#probe, 1);
  }

  #pushBack(c: number, s: number): void {
    const n = this.conveyors;
    const ring = this.ring;
    const cap = ring[CAP * n + c]!;
    const count = ring[COUNT * n + c]!;
    let j = ring[HEAD * n + c]! + count;
    if (j >= cap) j -= cap;
    this.slots[ring[START * n + c]! + j] = s;
    if (count === 0) this.headSlot[c] = s;
    ring[COUNT * n + c] = count + 1;
    this.#values[this.#countSig[c]!] = count + 1;
    this.conveyor[s] = c;
    this.touch(c);
  }

  /** Lane c's items changed other than by belt travel: sensors that cached what they saw there look again. */
  touch(c: number): void {
    this.epoch[c] = (this.epoch[c]! + 1) | 0;
  }

  #popFront(c: number): void {
    const n = this.conveyors;
    const ring = this.ring;
    let h = ring[HEAD * n + c]! + 1;
    if (h === ring[CAP * n + c]!) h = 0;
    ring[HEAD * n + c] = h;
    const count = ring[COUNT * n + c]! - 1;
    ring[COUNT * n + c] = count;
    this.headSlot[c] = count > 0 ? this.slots[ring[START * n + c]! + h]! : -1;
    this.#values[this.#countSig[c]!] = count;
    this.touch(c);
  }
}

/**
 * Margin (m) below which item sensors re-use what they saw: 1 µm. A sensor skips its walk only
 * while its lanes ran less than (margin - this) since it looked, so rounding in the summed travel
 * (ulp 1e-12 m at 10 km of travel) can never let an edge cross unseen.
 */
export const COVER_EPSILON = 1e-6;

/**
 * {@link ItemPool.coverAt} on the pool's arrays, for step loops that hoist them once per step:
 * the slot of the front-most item covering position `xs[xi]` (rear <= x <= front), else the rear
 * of the item on the next conveyor hanging back over x, else -1. Also writes into `out[oi]` how
 * far the lanes involved may run before the answer can change (m; Infinity when only a change of
 * lane membership can change it): the distance of the nearest item behind x to x, and of each covering item's rear
 * (or the rear hanging back from the next conveyor) to x. Items only move forward, at most as far
 * as their belt ran (ItemPool.travel); anything else touches the lane's epoch. Position and
 * margin travel in arrays, not as numbers: when V8 does not inline this call, a double argument
 * or result is boxed, one allocation per call.
 */
export function coverMargin(
  ring: Int32Array,
  slots: Int32Array,
  f: Float64Array,
  offset: Float64Array,
  n: number,
  cap: number,
  convNext: Int32Array,
  convLength: Float64Array,
  c: number,
  xs: Float64Array,
  xi: number,
  out: Float64Array,
  oi: number,
): number {
  const x = xs[xi]!;
  let found = -1;
  let margin = Infinity;
  const count = ring[COUNT * n + c]!;
  if (count > 0) {
    const start = ring[START * n + c]!;
    const ringCap = ring[CAP * n + c]!;
    const off = offset[c]!;
    let j = ring[HEAD * n + c]!;
    for (let k = 0; k < count; k++) {
      const s = slots[start + j]!;
      const front = f[s]! + off;
      // Front-most first: the first front behind x is the nearest one.
      if (front < x) {
        if (x - front < margin) margin = x - front;
        break;
      }
      const rear = front - f[LENGTH * cap + s]!;
      if (rear <= x) {
        if (found < 0) found = s;
        if (x - rear < margin) margin = x - rear;
      }
      if (++j === ringCap) j = 0;
    }
  }
  const nc = convNext[c]!;
  if (nc >= 0) {
    const nCount = ring[COUNT * n + nc]!;
    if (nCount > 0) {
      let j = ring[HEAD * n + nc]! + nCount - 1;
      const ringCap = ring[CAP * n + nc]!;
      if (j >= ringCap) j -= ringCap;
      const r = slots[ring[START * n + nc]! + j]!;
      const hang = f[r]! + offset[nc]! - f[LENGTH * cap + r]! + convLength[c]!;
      if (hang <= x) {
        if (found < 0) found = r;
        if (x - hang < margin) margin = x - hang;
      }
    }
  }
  out[oi] = margin;
  return found;
}

/**
 * Items of lane c whose centre has reached position `xs[xi]` (m) and whose serial is above
 * `last`: the items a point process (quality gate, coating, weld) has not seen yet. Writes their
 * slots into `out` front-most first and returns how many. Walks from the rear-most item forward,
 * so it costs the items short of the point plus the new ones, not every item already past it.
 * Relies on serials increasing from front to rear (items enter lanes only at the rear).
 * Also writes into `margin[mi]` how far the lane may run before another item's centre reaches
 * the point (m; Infinity when none is short of it): as {@link coverMargin}, for a caller that
 * looks again only then or when the lane's epoch moves.
 */
export function reachedSince(pool: ItemPool, c: number, xs: Float64Array, xi: number, last: number, out: Int32Array, margin: Float64Array, mi: number): number {
  const n = pool.conveyors;
  const ring = pool.ring;
  const count = ring[COUNT * n + c]!;
  margin[mi] = Infinity;
  if (count === 0) return 0;
  const x = xs[xi]!;
  const slots = pool.slots, f = pool.f, serial = pool.serial;
  const off = pool.offset[c]!;
  const oLen = LENGTH * pool.capacity;
  const start = ring[START * n + c]!;
  const ringCap = ring[CAP * n + c]!;
  let j = ring[HEAD * n + c]! + count - 1;
  if (j >= ringCap) j -= ringCap;
  let k = count - 1;
  // Skip the items whose centre is still short of the point; the last one skipped is the nearest.
  let near = Infinity;
  for (; k >= 0; k--) {
    const s = slots[start + j]!;
    const centre = f[s]! + off - 0.5 * f[oLen + s]!;
    if (centre >= x) break;
    near = x - centre;
    if (--j < 0) j = ringCap - 1;
  }
  margin[mi] = near;
  // Then the run of unseen ones, rear to front; written back front-most first.
  let m = 0;
  for (; k >= 0; k--) {
    const s = slots[start + j]!;
    if (serial[s]! <= last) break;
    out[m++] = s;
    if (--j < 0) j = ringCap - 1;
  }
  for (let a = 0, b = m - 1; a < b; a++, b--) {
    const t = out[a]!;
    out[a] = out[b]!;
    out[b] = t;
  }
  return m;
}
