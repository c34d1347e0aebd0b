// Quality gates: the quality rule of a line. At a point of a conveyor each passing item's
// attribute (its temperature, the time it spent in heated zones, or its height) is checked
// against a window; the item is marked good or reject and the gate counts both, so the reject
// rate responds to line speed and setpoints. Gates are inspection stations and step in the
// process time slice (time-slice.ts): every item that passed since a gate's last step is judged
// at its next one, so with a processPeriod of m steps a verdict comes up to m - 1 steps late.

import { phaseFrom } from './time-slice.ts';
import type { BuildContext, ComponentType } from './component.ts';
import { checkPositionOnConveyor, column, readChoice, readNumber } from './component.ts';
import type { ItemPool } from './items.ts';
import type { KernelSlot } from './kernel.ts';
import { COAT, COVER_EPSILON, DWELL, HEAT, HEIGHT, QUALITY_GOOD, QUALITY_REJECT, TEMP, reachedSince } from './items.ts';

/** Catalog entry for quality gates. */
export const qualityType: ComponentType = {
  type: 'quality',
  description: 'Quality rule at a point of a conveyor: marks each passing item good or reject by one of its attributes',
  params: {
    conveyor: { kind: 'ref', targets: ['conveyor'], description: 'Id of the conveyor' },
    position: { kind: 'number', unit: 'm', minimum: 0, description: 'Where items are judged (their centre passes it), from the conveyor start' },
    attribute: { kind: 'string', enum: ['temperature', 'dwell', 'height', 'coating', 'heatInput'], optional: true, description: 'Item attribute judged: temperature (°C), dwell (s in heated zones), height (m), coating (film µm), heatInput (weld kJ/m)' },
    min: { kind: 'number', unit: '', defaultText: 'no lower bound', description: 'Lowest good value' },
    max: { kind: 'number', unit: '', defaultText: 'no upper bound', description: 'Highest good value' },
  },
  signals: [
    { field: 'good', type: 'int', kind: 'state', unit: '', description: 'Items judged good since reset' },
    { field: 'reject', type: 'int', kind: 'state', unit: '', description: 'Items judged reject since reset' },
    { field: 'rejectRate', type: 'real', kind: 'state', unit: '', description: 'reject / (good + reject)' },
    { field: 'lastReject', type: 'bool', kind: 'sensor', unit: '', description: 'The last item judged was a reject (for a divert)' },
    { field: 'lastValue', type: 'real', kind: 'state', unit: '', description: 'Attribute of the last item judged' },
  ],
  check: checkPositionOnConveyor,
};

const GOOD = 0;
const REJECT = 1;
const RATE = 2;
const LAST_REJECT = 3;
const LAST_VALUE = 4;

const ATTR_COL: Readonly<Record<string, number>> = { temperature: TEMP, dwell: DWELL, height: HEIGHT, coating: COAT, heatInput: HEAT };

const C_POS = 0;
const C_MIN = 1;
const C_MAX = 2;
const C_REACH = 3; // cache: lane travel at which it must look again (-Infinity: at its next step)
const F_COLS = 4;

const C_SIG = 0;
const C_CONV = 1;
const C_ATTR = 2; // item column
const C_LAST = 3; // state: serial of the last item judged (-1 none)
const C_GOOD = 4; // state
const C_REJECT = 5; // state
const C_EPOCH_AT = 6; // cache: the lane's epoch when it last looked
const I_COLS = 7;

/** All quality gates of a line; step after everything that changes items. */
export class QualityGates {
  readonly n: number;
  readonly #f: Float64Array;
  readonly #i: Int32Array;
  readonly #pool: ItemPool;
  /** Scratch: slots of the items that reached a gate this step. */
  readonly #seen: Int32Array;
  /** Steps per process slice. */
  readonly #m: number;

  constructor(ctx: BuildContext, pool: ItemPool) {
    const placed = ctx.of('quality');
    this.#seen = new Int32Array(Math.max(1, pool.capacity));
    const n = placed.length;
    this.n = n;
    this.#pool = pool;
    this.#m = ctx.processTicks;
    this.#f = new Float64Array(F_COLS * n);
    this.#i = new Int32Array(I_COLS * n);
    for (let k = 0; k < n; k++) {
      const { cfg, path } = placed[k]!;
      this.#f[C_POS * n + k] = readNumber(cfg, qualityType, 'position', path);
      this.#f[C_MIN * n + k] = cfg['min'] === undefined ? -Infinity : readNumber(cfg, qualityType, 'min', path);
      this.#f[C_MAX * n + k] = cfg['max'] === undefined ? Infinity : readNumber(cfg, qualityType, 'max', path);
      this.#i[C_SIG * n + k] = ctx.signal(cfg.id, 'good');
      this.#i[C_CONV * n + k] = ctx.indexOf(cfg['conveyor'] as string);
      this.#i[C_ATTR * n + k] = ATTR_COL[readChoice(cfg, qualityType, 'attribute', path)]!;
    }
    this.#values = ctx.values;
    this.#kernel = ctx.kernel(qualityKernel, LAYOUT, n, this.#f, this.#i, pool, this.#seen, this.#values, reachedSince);
  }

  readonly #values: Float64Array;
  readonly #kernel: KernelSlot<[k0: number, k1: number]>;

  reset(values: Float64Array): void {
    const n = this.n;
    column(this.#i, C_LAST, n).fill(-1);
    column(this.#i, C_GOOD, n).fill(0);
    column(this.#i, C_REJECT, n).fill(0);
    column(this.#f, C_REACH, n).fill(-Infinity);
    for (let k = 0; k < n; k++) {
      const b = this.#i[C_SIG * n + k]!;
      for (let j = GOOD; j <= LAST_VALUE; j++) values[b + j] = 0;
    }
  }

  state(): (Float64Array | Int32Array)[] {
    return [this.#f, this.#i];
  }

  /**
   * Judge what reached the gates of this tick's phase of the process slice. On the model's own
   * compiled kernel once it has one (kernel.ts); `_values` is the model's array, the one the group
   * was built on.
   */
  step(_values: Float64Array, tick: number): void {
    const n = this.n;
    if (n === 0) return;
    const m = this.#m;
    const phase = tick % m;
    const k0 = phaseFrom(n, m, phase);
    const k1 = phaseFrom(n, m, phase + 1);
    const own = this.#kernel.own;
    if (own !== null) own(k0, k1);
    else qualityKernel(n, this.#f, this.#i, this.#pool, this.#seen, this.#values, reachedSince, k0, k1);
  }
}

/** Offsets the quality kernel needs (it cannot see this module's constants). */
const LAYOUT = { C_ATTR, C_CONV, C_EPOCH_AT, C_GOOD, C_LAST, C_MAX, C_MIN, C_POS, C_REACH, C_REJECT, C_SIG, COVER_EPSILON, GOOD, LAST_REJECT, LAST_VALUE, QUALITY_GOOD, QUALITY_REJECT, RATE, REJECT };

/**
 * The gates' step over the block k0 .. k1 - 1: the model's shared code, or its own compiled copy
 * (specialize(), kernel.ts). A gate on a belt looks at its items only when one may have reached
 * it: its lane's items changed (epoch), or the belt ran as far as the nearest item's centre was
 * short of the gate when it last looked (items move no further than their belt runs, items.ts).
 * Otherwise nothing reached it, so a skipped look changes no value.
 */
function qualityKernel(
  n: number,
  f: Float64Array,
  ii: Int32Array,
  pool: ItemPool,
  seen: Int32Array,
  values: Float64Array,
  reached: typeof reachedSince,
  k0: number,
  k1: number,
): void {
  const itemF = pool.f, cap = pool.capacity, serial = pool.serial, quality = pool.quality, count = pool.count;
  const travel = pool.travel, epoch = pool.epoch, belts = pool.belts;
  const oConv = C_CONV * n, oPos = C_POS * n, oLast = C_LAST * n, oAttr = C_ATTR * n, oMin = C_MIN * n, oMax = C_MAX * n;
  const oSig = C_SIG * n, oGood = C_GOOD * n, oReject = C_REJECT * n, oReach = C_REACH * n, oEpochAt = C_EPOCH_AT * n;
  for (let k = k0; k < k1; k++) {
    const c = ii[oConv + k]!;
    if (count[c] === 0) continue;
    if (travel[c]! < f[oReach + k]! && epoch[c] === ii[oEpochAt + k]) continue;
    // Only the items that reached the gate since the last one judged (front-most first).
    const m = reached(pool, c, f, oPos + k, ii[oLast + k]!, seen, f, oReach + k);
    // Roller conveyors keep no travel: a gate there looks at every step of its phase.
    f[oReach + k] = c < belts ? travel[c]! + f[oReach + k]! - COVER_EPSILON : -Infinity;
    ii[oEpochAt + k] = epoch[c]!;
    for (let q = 0; q < m; q++) {
      const s = seen[q]!;
      ii[oLast + k] = serial[s]!;
      const x = itemF[ii[oAttr + k]! * cap + s]!;
      const good = x >= f[oMin + k]! && x <= f[oMax + k]!;
      quality[s] = good ? QUALITY_GOOD : QUALITY_REJECT;
      const b = ii[oSig + k]!;
      if (good) values[b + GOOD] = ++ii[oGood + k]!;
      else values[b + REJECT] = ++ii[oReject + k]!;
      values[b + RATE] = ii[oReject + k]! / (ii[oGood + k]! + ii[oReject + k]!);
      values[b + LAST_REJECT] = good ? 0 : 1;
      values[b + LAST_VALUE] = x;
    }
  }
}
