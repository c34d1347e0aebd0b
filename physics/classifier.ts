// Classifiers: height light-curtains across a conveyor. They report the height of the item
// under them and whether it is above a threshold, which is how the controller tells classes apart.

import type { BuildContext, ComponentType } from './component.ts';
import { checkPositionOnConveyor, column, readNumber } from './component.ts';
import type { KernelSlot } from './kernel.ts';
import { COVER_EPSILON, HEIGHT as HEIGHT_COL, coverMargin } from './items.ts';
import type { ItemPool } from './items.ts';

/** Catalog entry for classifiers. */
export const classifierType: ComponentType = {
  type: 'classifier',
  description: 'Height light-curtain across a conveyor',
  params: {
    conveyor: { kind: 'ref', targets: ['conveyor'], description: 'Id of the conveyor the curtain crosses' },
    position: { kind: 'number', unit: 'm', minimum: 0, description: 'Curtain position from the conveyor start' },
    threshold: { kind: 'number', unit: 'm', default: 0.1, minimum: 0, description: 'Heights strictly above this set .high' },
  },
  signals: [
    { field: 'high', type: 'bool', kind: 'sensor', unit: '', description: 'The item under the curtain is higher than the threshold' },
    { field: 'height', type: 'real', kind: 'state', unit: 'm', description: 'Height of the item under the curtain, 0 when none' },
  ],
  check: checkPositionOnConveyor,
};

// Offsets of each signal from the classifier's first one: the order of classifierType.signals.
const HIGH = 0;
const HEIGHT = 1;

// Float64 columns.
const C_POSITION = 0; // m from the conveyor start
const C_THRESHOLD = 1; // m
const C_SEEN = 2; // cache: height of the item under the curtain when it last looked, m
const C_REACH = 3; // cache: summed lane travel at which it must look again (-Infinity: next step)
const F_COLS = 4;

// Int32 columns.
const C_SIG = 0; // id of the classifier's first signal (high)
const C_CONVEYOR = 1;
const C_EPOCH_AT = 2; // cache: the watched lanes' summed epoch when it last looked
const I_COLS = 3;

/** All classifiers of a line. */
export class Classifiers {
  readonly n: number;
  readonly #f: Float64Array;
  readonly #i: Int32Array;

  constructor(ctx: BuildContext, pool: ItemPool) {
    const placed = ctx.of('classifier');
    const n = placed.length;
    this.n = n;
    this.#f = new Float64Array(F_COLS * n);
    this.#i = new Int32Array(I_COLS * n);
    const position = column(this.#f, C_POSITION, n), threshold = column(this.#f, C_THRESHOLD, n);
    const sig = column(this.#i, C_SIG, n), conveyor = column(this.#i, C_CONVEYOR, n);
    for (let i = 0; i < n; i++) {
      const { cfg, path } = placed[i]!;
      conveyor[i] = ctx.indexOf(cfg['conveyor'] as string);
      position[i] = readNumber(cfg, classifierType, 'position', path);
      threshold[i] = readNumber(cfg, classifierType, 'threshold', path);
      sig[i] = ctx.signal(cfg.id, 'high');
    }
    this.#pool = pool;
    this.#values = ctx.values;
    this.#kernel = ctx.kernel(classifierKernel, LAYOUT, this.n, this.#pool, this.#f, this.#i, this.#values, coverMargin);
  }

  /** The typed arrays that hold this group's state, for snapshots. */
  state(): (Float64Array | Int32Array)[] {
    return [this.#f, this.#i];
  }

  reset(): void {
    column(this.#f, C_REACH, this.n).fill(-Infinity);
    this.step();
  }

  readonly #pool: ItemPool;
  readonly #values: Float64Array;
  readonly #kernel: KernelSlot<[]>;

  /** Measure the item under each curtain at the end of this step. On the model's own compiled kernel once it has one (kernel.ts). */
  step(): void {
    if (this.n === 0) return;
    const own = this.#kernel.own;
    if (own !== null) own();
    else classifierKernel(this.n, this.#pool, this.#f, this.#i, this.#values, coverMargin);
  }
}

/** Offsets and constants the kernel needs (it cannot see this module's bindings). */
const LAYOUT = { C_CONVEYOR, C_THRESHOLD, C_SEEN, C_REACH, C_EPOCH_AT, COVER_EPSILON, HEIGHT, HEIGHT_COL, HIGH };

/**
 * The step: the model's shared code, or its own compiled copy (specialize(), kernel.ts). As the
 * photo-eyes do (photoeye.ts), a curtain walks its conveyor's items only when they may have
 * changed what it sees; otherwise it writes the height it saw then.
 */
function classifierKernel(
  n: number,
  pool: ItemPool,
  f: Float64Array,
  ii: Int32Array,
  values: Float64Array,
  cover: typeof coverMargin,
): void {
  const ring = pool.ring, slots = pool.slots, itemF = pool.f, conveyors = pool.conveyors, cap = pool.capacity;
  const convNext = pool.convNext, convLength = pool.convLength, travel = pool.travel, epoch = pool.epoch;
  const oHeight = HEIGHT_COL * cap;
  const oThreshold = C_THRESHOLD * n;
  const oConveyor = C_CONVEYOR * n;
  const oSeen = C_SEEN * n, oReach = C_REACH * n, oEpochAt = C_EPOCH_AT * n;
  for (let i = 0; i < n; i++) {
    const c = ii[oConveyor + i]!;
    const nc = convNext[c]!;
    let ep = epoch[c]!;
    let run = travel[c]!;
    if (nc >= 0) {
      ep = (ep + epoch[nc]!) | 0;
      run += travel[nc]!;
    }
    if (ep !== ii[oEpochAt + i] || !(run < f[oReach + i]!)) {
      // C_POSITION is column 0 of f.
      const s = cover(ring, slots, itemF, pool.offset, conveyors, cap, convNext, convLength, c, f, i, f, oReach + i);
      f[oSeen + i] = s >= 0 ? itemF[oHeight + s]! : 0;
      f[oReach + i] += run - COVER_EPSILON;
      ii[oEpochAt + i] = ep;
    }
    const h = f[oSeen + i]!;
    // C_SIG is column 0 of ii.
    const b = ii[i]!;
    values[b + HEIGHT] = h;
    values[b + HIGH] = h > f[oThreshold + i]! ? 1 : 0;
  }
}
