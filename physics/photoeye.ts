// Photo-eyes: through-beam sensors across a conveyor, blocked while any item's extent covers
// their position — including the rear of an item already handed over to the next conveyor.

import type { BuildContext, ComponentType } from './component.ts';
import { checkPositionOnConveyor, column, readNumber } from './component.ts';
import type { KernelSlot } from './kernel.ts';
import { COVER_EPSILON, coverMargin } from './items.ts';
import type { ItemPool } from './items.ts';

/** Catalog entry for photo-eyes. */
export const photoeyeType: ComponentType = {
  type: 'photoeye',
  description: 'Through-beam photo-eye across a conveyor',
  params: {
    conveyor: { kind: 'ref', targets: ['conveyor'], description: 'Id of the conveyor the beam crosses' },
    position: { kind: 'number', unit: 'm', minimum: 0, description: 'Beam position from the conveyor start' },
  },
  signals: [{ field: 'blocked', type: 'bool', kind: 'sensor', unit: '', description: 'An item interrupts the beam (rear <= position <= front)' }],
  check: checkPositionOnConveyor,
};

// Int32 columns.
const C_SIG = 0; // id of the `.blocked` signal
const C_CONVEYOR = 1;
const C_EPOCH_AT = 2; // the watched lanes' summed epoch when the eye last looked
const I_COLS = 3;

// Float64 cache columns: column 0 what the eye saw (1 blocked), then the summed lane travel at
// which it must look again (-Infinity: look on the next step).
const C_REACH = 1;
const K_COLS = 2;

/** All photo-eyes of a line. */
export class Photoeyes {
  readonly n: number;
  /** Beam position, m from the conveyor start. */
  readonly #position: Float64Array;
  readonly #i: Int32Array;
  readonly #cache: Float64Array;

  constructor(ctx: BuildContext, pool: ItemPool) {
    const placed = ctx.of('photoeye');
    const n = placed.length;
    this.n = n;
    this.#position = new Float64Array(n);
    this.#i = new Int32Array(I_COLS * n);
    this.#cache = new Float64Array(K_COLS * n);
    const sig = column(this.#i, C_SIG, n), conveyor = column(this.#i, C_CONVEYOR, n);
    for (let e = 0; e < n; e++) {
      const { cfg, path } = placed[e]!;
      conveyor[e] = ctx.indexOf(cfg['conveyor'] as string);
      this.#position[e] = readNumber(cfg, photoeyeType, 'position', path);
      sig[e] = ctx.signal(cfg.id, 'blocked');
    }
    this.#pool = pool;
    this.#values = ctx.values;
    this.#kernel = ctx.kernel(photoeyeKernel, LAYOUT, this.n, this.#pool, this.#position, this.#i, this.#cache, this.#values, coverMargin);
  }

  /** The typed arrays that hold this group's state, for snapshots. */
  state(): (Float64Array | Int32Array)[] {
    return [this.#i, this.#cache];
  }

  reset(): void {
    column(this.#cache, C_REACH, this.n).fill(-Infinity);
    this.step();
  }

  readonly #pool: ItemPool;
  readonly #values: Float64Array;
  readonly #kernel: KernelSlot<[]>;

  /** Sense the items where they are at the end of this step. On the model's own compiled kernel once it has one (kernel.ts). */
  step(): void {
    if (this.n === 0) return;
    const own = this.#kernel.own;
    if (own !== null) own();
    else photoeyeKernel(this.n, this.#pool, this.#position, this.#i, this.#cache, this.#values, coverMargin);
  }
}

/** Offsets and constants the kernel needs (it cannot see this module's bindings). */
const LAYOUT = { C_CONVEYOR, C_EPOCH_AT, C_REACH, COVER_EPSILON };

/**
 * The step: the model's shared code, or its own compiled copy (specialize(), kernel.ts). An eye
 * walks its conveyor's items only when they may have changed what it sees: its lanes' items
 * changed (epoch), or the belts ran as far as the nearest item edge was from the beam when it
 * last looked (coverMargin); otherwise it writes what it saw then, which is what the walk would
 * find. The classifier's kernel repeats the same check of the watched lanes' epochs and travel:
 * as one helper (a call of 16 arguments V8 did not inline) it made classifiers 40 % slower per
 * step (demo line 10k: 12 -> 17 µs).
 */
function photoeyeKernel(
  n: number,
  pool: ItemPool,
  position: Float64Array,
  ii: Int32Array,
  cache: Float64Array,
  values: Float64Array,
  cover: typeof coverMargin,
): void {
  const ring = pool.ring, slots = pool.slots, itemF = pool.f, conveyors = pool.conveyors, cap = pool.capacity;
  const convNext = pool.convNext, convLength = pool.convLength, travel = pool.travel, epoch = pool.epoch;
  const oConveyor = C_CONVEYOR * n, oEpochAt = C_EPOCH_AT * n, oReach = C_REACH * n;
  for (let e = 0; e < n; e++) {
    const c = ii[oConveyor + e]!;
    const nc = convNext[c]!;
    let ep = epoch[c]!;
    let run = travel[c]!;
    if (nc >= 0) {
      ep = (ep + epoch[nc]!) | 0;
      run += travel[nc]!;
    }
    // C_SIG (ii) and what the eye saw (cache) are column 0 of their buffers.
    if (ep !== ii[oEpochAt + e] || !(run < cache[oReach + e]!)) {
      const s = cover(ring, slots, itemF, pool.offset, conveyors, cap, convNext, convLength, c, position, e, cache, oReach + e);
      cache[e] = s >= 0 ? 1 : 0;
      cache[oReach + e] += run - COVER_EPSILON;
      ii[oEpochAt + e] = ep;
    }
    values[ii[e]!] = cache[e]!;
  }
}
