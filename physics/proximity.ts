// Proximity (inductive) sensors beside a conveyor: switch while an item's extent comes within
// the sensing range of their position. An inductive sensor sees metal only: `detects` names
// the one class it sees (default: every item).

import type { BuildContext, ComponentType } from './component.ts';
import { checkPositionOnConveyor, readNumber } from './component.ts';
import type { KernelSlot } from './kernel.ts';
import type { ItemPool } from './items.ts';
import { CAP, COUNT, COVER_EPSILON, HEAD, LENGTH, START } from './items.ts';

/** Catalog entry for proximity sensors. */
export const proximityType: ComponentType = {
  type: 'proximity',
  description: 'Inductive proximity sensor beside a conveyor',
  params: {
    conveyor: { kind: 'ref', targets: ['conveyor'], description: 'Id of the conveyor it watches' },
    position: { kind: 'number', unit: 'm', minimum: 0, description: 'Sensor position from the conveyor start' },
    range: { kind: 'number', unit: 'm', default: 0.008, minimum: 0, description: 'Sensing distance: an item within this of the position switches it' },
    detects: { kind: 'string', optional: true, description: 'The one item class it sees (metal). Default: all items' },
  },
  signals: [{ field: 'detected', type: 'bool', kind: 'sensor', unit: '', description: 'An item is within range' }],
  check(cfg, path, ctx, out) {
    checkPositionOnConveyor(cfg, path, ctx, out);
    const d = cfg['detects'];
    if (typeof d === 'string' && !ctx.classNames.includes(d)) out.push({ path: `${path}.detects`, message: `names class ${d}, which no source produces; known classes: ${ctx.classNames.join(', ') || 'none'}` });
  },
};

const C_LO = 0; // m: items whose front is at or beyond this ...
const C_HI = 1; // ... and whose rear is at or before this are seen
const C_SEEN = 2; // cache: 1 when it last looked and saw an item, else 0
const C_REACH = 3; // cache: lane travel at which it must look again (-Infinity: next step)
const F_COLS = 4;

const C_SIG = 0;
const C_CONV = 1;
const C_CLASS = 2; // -1: any
const C_EPOCH_AT = 3; // cache: the lane's epoch when it last looked
const I_COLS = 4;

/** All proximity sensors of a line. */
export class Proximities {
  readonly n: number;
  readonly #f: Float64Array;
  readonly #i: Int32Array;

  constructor(ctx: BuildContext, pool: ItemPool) {
    const placed = ctx.of('proximity');
    const n = placed.length;
    this.n = n;
    this.#f = new Float64Array(F_COLS * n);
    this.#i = new Int32Array(I_COLS * n);
    for (let k = 0; k < n; k++) {
      const { cfg, path } = placed[k]!;
      const pos = readNumber(cfg, proximityType, 'position', path);
      const range = readNumber(cfg, proximityType, 'range', path);
      this.#f[C_LO * n + k] = pos - range;
      this.#f[C_HI * n + k] = pos + range;
      this.#i[C_SIG * n + k] = ctx.signal(cfg.id, 'detected');
      this.#i[C_CONV * n + k] = ctx.indexOf(cfg['conveyor'] as string);
      const d = cfg['detects'];
      this.#i[C_CLASS * n + k] = typeof d === 'string' ? ctx.classIndex(d) : -1;
    }
    this.#pool = pool;
    this.#values = ctx.values;
    this.#kernel = ctx.kernel(proximityKernel, LAYOUT, this.n, this.#f, this.#i, this.#pool, this.#values);
  }

  reset(): void {
    this.#f.fill(-Infinity, C_REACH * this.n, (C_REACH + 1) * this.n);
    this.step();
  }

  state(): (Float64Array | Int32Array)[] {
    return [this.#f, this.#i];
  }

  readonly #pool: ItemPool;
  readonly #values: Float64Array;
  readonly #kernel: KernelSlot<[]>;

  /** On the model's own compiled kernel once it has one (kernel.ts). */
  step(): void {
    if (this.n === 0) return;
    const own = this.#kernel.own;
    if (own !== null) own();
    else proximityKernel(this.n, this.#f, this.#i, this.#pool, this.#values);
  }
}


/** Offsets the kernel needs (it cannot see this module's constants). */
const LAYOUT = { C_LO, C_HI, C_SEEN, C_REACH, C_SIG, C_CONV, C_CLASS, C_EPOCH_AT, START, CAP, HEAD, COUNT, LENGTH, COVER_EPSILON };

/**
 * The proximity sensors' step: the model's shared code, or its own compiled copy (specialize(),
 * kernel.ts). As the photo-eyes do (photoeye.ts), a sensor walks its conveyor's items only when
 * they may have changed what it sees: the lane's items changed (epoch), or the belt ran as far
 * as the nearest item edge was from the range when it last looked (an item behind it reaching
 * lo, a seen item's rear passing hi); otherwise it writes what it saw then.
 */
function proximityKernel(n: number, f: Float64Array, ii: Int32Array, pool: ItemPool, values: Float64Array): void {
  const ring = pool.ring, slots = pool.slots, itemF = pool.f, cls = pool.cls, travel = pool.travel, epoch = pool.epoch, offset = pool.offset;
  const conv = pool.conveyors, cap = pool.capacity;
  const oLo = C_LO * n, oHi = C_HI * n, oSig = C_SIG * n, oConv = C_CONV * n, oClass = C_CLASS * n;
  const oSeen = C_SEEN * n, oReach = C_REACH * n, oEpochAt = C_EPOCH_AT * n;
  const oCount = COUNT * conv, oStart = START * conv, oCap = CAP * conv, oHead = HEAD * conv, oLength = LENGTH * cap;
  for (let k = 0; k < n; k++) {
    const c = ii[oConv + k]!;
    const run = travel[c]!;
    if (epoch[c] !== ii[oEpochAt + k] || !(run < f[oReach + k]!)) {
      const want = ii[oClass + k]!;
      const lo = f[oLo + k]!;
      const hi = f[oHi + k]!;
      let seen = 0;
      let margin = Infinity;
      const count = ring[oCount + c]!;
      const start = ring[oStart + c]!;
      const ringCap = ring[oCap + c]!;
      const off = offset[c]!;
      let j = ring[oHead + c]!;
      for (let m = 0; m < count; m++) {
        const s = slots[start + j]!;
        if (++j === ringCap) j = 0;
        const front = itemF[s]! + off;
        // Front-most first: the first front behind the range is the nearest to reach it.
        if (front < lo) {
          if (lo - front < margin) margin = lo - front;
          break;
        }
        const rear = front - itemF[oLength + s]!;
        if (rear <= hi) {
          // In range until its rear passes hi (counted whatever its class: re-looking early is safe).
          if (hi - rear < margin) margin = hi - rear;
          if (want < 0 || cls[s] === want) seen = 1;
        }
      }
      f[oSeen + k] = seen;
      f[oReach + k] = run + margin - COVER_EPSILON;
      ii[oEpochAt + k] = epoch[c]!;
    }
    values[ii[oSig + k]!] = f[oSeen + k]!;
  }
}
