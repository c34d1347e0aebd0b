// Sources: place items on the start of a conveyor at exponentially distributed intervals (a
// Poisson stream of the given mean rate), each of a class drawn by probability, and wait —
// blocked — while the belt start lacks room for the item plus the required gap.

import type { BuildContext, CheckContext, ComponentType, ReferenceIssue } from './component.ts';
import { column, readNumber } from './component.ts';
import type { ComponentConfig } from './model.ts';
import type { ItemPool } from './items.ts';
import { COVER_EPSILON } from './items.ts';
import type { KernelSlot } from './kernel.ts';
import { nextExponential, nextUniform, streamSeed } from './rng.ts';

/** One item class a source makes. */
export interface ItemClass {
  readonly name: string;
  /** m */
  readonly height: number;
  readonly probability: number;
}

/** The classes of a source that declares none. */
export const DEFAULT_CLASSES: readonly ItemClass[] = [{ name: 'item', height: 0.1, probability: 1 }];

/** Tolerance on the sum of class probabilities. */
const PROBABILITY_TOLERANCE = 1e-9;

/** Catalog entry for sources. */
export const sourceType: ComponentType = {
  type: 'source',
  description: 'Item source placing items on the start of a conveyor',
  params: {
    conveyor: { kind: 'ref', targets: ['conveyor', 'rollerconveyor'], description: 'Id of the conveyor the items are placed on (rear at its start); on a roller conveyor only while its first zone is free' },
    rate: { kind: 'number', unit: '1/s', default: 0.5, exclusiveMinimum: 0, description: 'Mean arrival rate; intervals are exponential' },
    minGap: { kind: 'number', unit: 'm', default: 0.3, minimum: 0, description: 'Free belt required between the new item and the last one; the source waits (blocked) until there is' },
    itemLength: { kind: 'number', unit: 'm', default: 0.2, exclusiveMinimum: 0, description: 'Extent of each item along the belt' },
    temperature: { kind: 'number', unit: '°C', default: 20, description: 'Temperature of the items when placed' },
    classes: { kind: 'classes', description: 'Item classes {name, height (m), probability}; probabilities sum to 1. Default: one class "item", height 0.1 m' },
  },
  signals: [
    { field: 'created', type: 'int', kind: 'state', unit: '', description: 'Items placed since reset' },
    { field: 'blocked', type: 'bool', kind: 'state', unit: '', description: 'An item is due but there is no room for it' },
  ],
  check: checkClasses,
};

/** The classes of a source config, with the default when absent. Build and check time. */
export function classesOf(cfg: ComponentConfig): readonly ItemClass[] {
  const raw = cfg['classes'];
  if (!Array.isArray(raw)) return DEFAULT_CLASSES;
  const out: ItemClass[] = [];
  for (const c of raw as unknown[]) {
    if (typeof c !== 'object' || c === null) continue;
    const r = c as Record<string, unknown>;
    if (typeof r['name'] === 'string' && typeof r['height'] === 'number' && typeof r['probability'] === 'number') {
      out.push({ name: r['name'], height: r['height'], probability: r['probability'] });
    }
  }
  return out;
}

function checkClasses(cfg: ComponentConfig, path: string, _ctx: CheckContext, out: ReferenceIssue[]): void {
  const classes = classesOf(cfg);
  if (classes.length === 0) {
    out.push({ path: `${path}.classes`, message: 'has no valid class; give at least one {name, height, probability}' });
    return;
  }
  let sum = 0;
  const seen = new Set<string>();
  classes.forEach((c, i) => {
    sum += c.probability;
    if (seen.has(c.name)) out.push({ path: `${path}.classes[${i}].name`, message: `duplicate class name ${c.name}` });
    seen.add(c.name);
  });
  if (Math.abs(sum - 1) > PROBABILITY_TOLERANCE) {
    out.push({ path: `${path}.classes`, message: `probabilities sum to ${Number(sum.toPrecision(12))}; they must sum to 1` });
  }
}

// Offsets of each signal from the source's first one: the order of sourceType.signals.
const CREATED = 0;
const BLOCKED = 1;

// Float64 columns.
const C_DUE = 0; // state: time the next item is due, s
const C_MEAN_INTERVAL = 1; // s
const C_ITEM_LENGTH = 2; // m
const C_ROOM = 3; // m: the last item's rear must be this far from the belt start (itemLength + minGap)
const C_TEMP = 4; // °C of new items
const C_REACH = 5; // cache: belt travel of its lane at which room may appear (-Infinity: look next step)
const F_COLS = 6;

// Int32 columns.
const C_SIG = 0; // id of the source's first signal (created)
const C_CONVEYOR = 1;
const C_CREATED = 2; // state
const C_CLASS_FROM = 3; // classes: entries [from, to) of the class tables
const C_CLASS_TO = 4;
const C_EPOCH_AT = 5; // cache: its lane's epoch when it found no room
const I_COLS = 6;

/** All sources of a line. */
export class Sources {
  readonly n: number;
  readonly #pool: ItemPool;
  readonly #seed: number;
  readonly #f: Float64Array;
  readonly #i: Int32Array;
  // Class tables, indexed by the class entries of each source.
  readonly #cumProb: Float64Array;
  readonly #classIdx: Int32Array;
  readonly #classHeight: Float64Array;
  /** One random stream per source. */
  readonly #rng: Uint32Array;
  /** Geometry of the item being placed: front, length, height (m). */
  readonly #geometry = new Float64Array(4);
  readonly #dt: number;
  /** Items created by all sources, in an array so snapshots see it. */
  readonly #total = new Int32Array(1);
  /** Scratch: the sources due this step that may have room, in index order, and how many (#dueCount[0]). */
  readonly #due: Int32Array;
  readonly #dueCount = new Int32Array(1);

  constructor(ctx: BuildContext, pool: ItemPool, seed: number) {
    const placed = ctx.of('source');
    const n = placed.length;
    this.n = n;
    this.#pool = pool;
    this.#seed = seed;
    this.#f = new Float64Array(F_COLS * n);
    this.#i = new Int32Array(I_COLS * n);
    this.#rng = new Uint32Array(n);
    this.#due = new Int32Array(n);
    this.#dt = ctx.dt;
    const meanInterval = column(this.#f, C_MEAN_INTERVAL, n), itemLength = column(this.#f, C_ITEM_LENGTH, n), room = column(this.#f, C_ROOM, n);
    const sig = column(this.#i, C_SIG, n), conveyor = column(this.#i, C_CONVEYOR, n);
    const classFrom = column(this.#i, C_CLASS_FROM, n), classTo = column(this.#i, C_CLASS_TO, n);
    const cum: number[] = [];
    const idx: number[] = [];
    const heights: number[] = [];
    for (let i = 0; i < n; i++) {
      const { cfg, path } = placed[i]!;
      conveyor[i] = ctx.lane(cfg['conveyor'] as string);
      meanInterval[i] = 1 / readNumber(cfg, sourceType, 'rate', path);
      const len = readNumber(cfg, sourceType, 'itemLength', path);
      itemLength[i] = len;
      room[i] = len + readNumber(cfg, sourceType, 'minGap', path);
      this.#f[C_TEMP * n + i] = readNumber(cfg, sourceType, 'temperature', path);
      sig[i] = ctx.signal(cfg.id, 'created');
      classFrom[i] = cum.length;
      let acc = 0;
      for (const c of classesOf(cfg)) {
        acc += c.probability;
        cum.push(acc);
        idx.push(ctx.classIndex(c.name));
        heights.push(c.height);
      }
      classTo[i] = cum.length;
    }
    this.#cumProb = Float64Array.from(cum);
    this.#classIdx = Int32Array.from(idx);
    this.#classHeight = Float64Array.from(heights);
    this.#kernel = ctx.kernel(sourceScanKernel, { C_DUE, C_CONVEYOR, C_REACH, C_EPOCH_AT }, n, this.#f, this.#i, pool.travel, pool.epoch, this.#due, this.#dueCount, this.#dt);
  }

  readonly #kernel: KernelSlot<[tick: number]>;

  /** Items created by all sources since reset. */
  get total(): number {
    return this.#total[0]!;
  }

  /** The typed arrays that hold this group's state, for snapshots. */
  state(): (Float64Array | Int32Array | Uint32Array)[] {
    return [this.#f, this.#i, this.#rng, this.#total];
  }

  /** Re-seed every stream and draw the first arrival times from t = 0. */
  reset(values: Float64Array): void {
    const n = this.n;
    this.#total[0] = 0;
    column(this.#i, C_CREATED, n).fill(0);
    column(this.#f, C_REACH, n).fill(-Infinity);
    for (let i = 0; i < n; i++) {
      this.#rng[i] = streamSeed(this.#seed, i);
      this.#f[C_DUE * n + i] = nextExponential(this.#rng, i, this.#f[C_MEAN_INTERVAL * n + i]!);
      const b = this.#i[C_SIG * n + i]!;
      values[b + CREATED] = 0;
      values[b + BLOCKED] = 0;
    }
  }

  /**
   * Place the items that are due at the end of step `tick` where there is room. Takes the tick,
   * not the time: an integer crosses the call unboxed, a double would be allocated per step.
   */
  step(values: Float64Array, tick: number): void {
    const n = this.n;
    if (n === 0) return;
    // First the scan (a compiled kernel, kernel.ts), then the placements: a loop with a call or a
    // store in it, as a method, reloads its typed arrays' headers on every pass, which made this
    // loop of one compare per source cost ~4 ns a source.
    const own = this.#kernel.own;
    if (own !== null) own(tick);
    else sourceScanKernel(n, this.#f, this.#i, this.#pool.travel, this.#pool.epoch, this.#due, this.#dueCount, this.#dt, tick);
    const due = this.#due;
    const m = this.#dueCount[0]!;
    for (let k = 0; k < m; k++) this.#place(values, due[k]!, tick);
  }

  /** Source i is due at step `tick`: place an item if the belt start has room, else report blocked. */
  #place(values: Float64Array, i: number, tick: number): void {
    const n = this.n;
    const time = tick * this.#dt;
    const f = this.#f;
    const ii = this.#i;
    const pool = this.#pool;
    const c = ii[C_CONVEYOR * n + i]!;
    const r = pool.rearmost(c);
    let blocked = 1;
    const room = f[C_ROOM * n + i]!;
    // A gated lane (a roller conveyor's first zone) may be closed even with room on it.
    if (pool.open[c] === 1 && (r < 0 || pool.frontOf(c, r) - pool.length[r]! >= room)) {
      const u = nextUniform(this.#rng, i);
      const to = ii[C_CLASS_TO * n + i]!;
      // The last class also takes u at or above a cumulative sum a rounding short of 1.
      let k = ii[C_CLASS_FROM * n + i]!;
      while (k < to - 1 && u >= this.#cumProb[k]!) k++;
      // Rear at the belt start: the front is one item length in.
      const len = f[C_ITEM_LENGTH * n + i]!;
      const g = this.#geometry;
      g[0] = len;
      g[1] = len;
      g[2] = this.#classHeight[k]!;
      g[3] = f[C_TEMP * n + i]!;
      if (pool.add(c, g, 0, this.#classIdx[k]!) >= 0) {
        blocked = 0;
        const created = ++ii[C_CREATED * n + i]!;
        this.#total[0]!++;
        values[ii[C_SIG * n + i]! + CREATED] = created;
        // The next interval starts at this placement, so a blocked source never bursts.
        f[C_DUE * n + i] = time + nextExponential(this.#rng, i, f[C_MEAN_INTERVAL * n + i]!);
      }
    } else if (r >= 0 && c < pool.belts) {
      // No room on a belt (its travel is kept; a roller conveyor's is not): look again once the
      // belt may have run the missing distance, less a margin against rounding in the summed travel.
      f[C_REACH * n + i] = pool.travel[c]! + (room - (pool.frontOf(c, r) - pool.length[r]!)) - COVER_EPSILON;
      ii[C_EPOCH_AT * n + i] = pool.epoch[c]!;
    }
    values[ii[C_SIG * n + i]! + BLOCKED] = blocked;
  }
}

/**
 * The sources' scan: the model's shared code, or its own compiled copy (specialize(), kernel.ts).
 * Lists in `due` (count in `count[0]`), in index order, the sources whose next arrival is due at
 * the end of step `tick` and that may have room.
 */
function sourceScanKernel(
  n: number,
  f: Float64Array,
  ii: Int32Array,
  travel: Float64Array,
  epoch: Int32Array,
  due: Int32Array,
  count: Int32Array,
  dt: number,
  tick: number,
): void {
  const time = tick * dt;
  const oDue = C_DUE * n, oConveyor = C_CONVEYOR * n, oReach = C_REACH * n, oEpochAt = C_EPOCH_AT * n;
  let m = 0;
  for (let i = 0; i < n; i++) {
    // Almost every step nothing is due: keep that path to one load.
    if (time >= f[oDue + i]!) {
      // Blocked for room on a belt: the last item's rear moves no further than the belt runs,
      // and anything else that changes the lane bumps its epoch (items.ts), so there is no room
      // yet while both say so. It draws nothing while blocked, so skipping the look changes no
      // value. (A placement earlier in this step's list only takes room, so a skip decided
      // before it still holds.)
      const c = ii[oConveyor + i]!;
      if (travel[c]! < f[oReach + i]! && epoch[c] === ii[oEpochAt + i]) continue;
      due[m++] = i;
    }
  }
  count[0] = m;
}
