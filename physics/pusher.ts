// Pushers: pneumatic single-stroke diverters (double-acting cylinder on a 5/2 valve) beside a
// conveyor. The piston travels at constant rates; passing half stroke on the way out, it sweeps
// every item whose centre is in front of its face off the belt into a bin.

import type { BuildContext, ComponentType } from './component.ts';
import { checkPositionOnConveyor, column, readNumber } from './component.ts';
import type { KernelSlot } from './kernel.ts';
import type { Bins } from './bin.ts';
import type { ItemPool } from './items.ts';

/** Stroke fractions this close to an end snap onto it, so dt/extendTime steps reach it exactly. */
const END_SNAP = 1e-9;

/** Catalog entry for pushers. */
export const pusherType: ComponentType = {
  type: 'pusher',
  description: 'Pneumatic single-stroke diverter beside a conveyor, pushing into a bin',
  params: {
    conveyor: { kind: 'ref', targets: ['conveyor'], description: 'Id of the conveyor it pushes items off' },
    position: { kind: 'number', unit: 'm', minimum: 0, description: 'Centre of the pusher face, from the conveyor start' },
    width: { kind: 'number', unit: 'm', default: 0.3, exclusiveMinimum: 0, description: 'Width of the face; items whose centre is within position ± width/2 are diverted' },
    extendTime: { kind: 'number', unit: 's', default: 0.5, exclusiveMinimum: 0, description: 'Time for a full outward stroke' },
    retractTime: { kind: 'number', unit: 's', default: 0.5, exclusiveMinimum: 0, description: 'Time for a full return stroke' },
    bin: { kind: 'ref', targets: ['bin'], description: 'Id of the bin that receives diverted items' },
  },
  signals: [
    { field: 'extend', type: 'bool', kind: 'actuator', unit: '', description: 'Valve coil: extend while true, retract while false' },
    { field: 'extended', type: 'bool', kind: 'sensor', unit: '', description: 'End switch at full stroke' },
    { field: 'retracted', type: 'bool', kind: 'sensor', unit: '', description: 'End switch at rest' },
    { field: 'position', type: 'real', kind: 'state', unit: '', description: 'Piston stroke, 0 (retracted) .. 1 (extended)' },
  ],
  check: checkPositionOnConveyor,
};

// Offsets of each signal from the pusher's first one: the order of pusherType.signals.
const EXTEND = 0;
const EXTENDED = 1;
const RETRACTED = 2;
const POSITION = 3;

// Float64 columns.
const C_STROKE = 0; // state: 0 retracted .. 1 extended
const C_UP = 1; // stroke fraction per step outwards: dt / extendTime
const C_DOWN = 2; // and back: dt / retractTime
const C_LO = 3; // face extent along the conveyor, m
const C_HI = 4;
const F_COLS = 5;

// Int32 columns.
const C_SIG = 0; // id of the pusher's first signal (extend)
const C_CONVEYOR = 1;
const C_BIN = 2;
const I_COLS = 3;

/** All pushers of a line. */
export class Pushers {
  readonly n: number;
  readonly #pool: ItemPool;
  readonly #bins: Bins;
  readonly #f: Float64Array;
  readonly #i: Int32Array;
  /** Healthy stroke rates (outwards, back), for the slow fault to scale and to restore. */
  readonly #rates: Float64Array;

  constructor(ctx: BuildContext, pool: ItemPool, bins: Bins) {
    const placed = ctx.of('pusher');
    const n = placed.length;
    this.n = n;
    this.#pool = pool;
    this.#bins = bins;
    this.#f = new Float64Array(F_COLS * n);
    this.#i = new Int32Array(I_COLS * n);
    const up = column(this.#f, C_UP, n), down = column(this.#f, C_DOWN, n);
    const lo = column(this.#f, C_LO, n), hi = column(this.#f, C_HI, n);
    const sig = column(this.#i, C_SIG, n), conveyor = column(this.#i, C_CONVEYOR, n), bin = column(this.#i, C_BIN, n);
    for (let p = 0; p < n; p++) {
      const { cfg, path } = placed[p]!;
      const num = (name: string): number => readNumber(cfg, pusherType, name, path);
      conveyor[p] = ctx.indexOf(cfg['conveyor'] as string);
      bin[p] = ctx.indexOf(cfg['bin'] as string);
      const centre = num('position');
      const half = num('width') / 2;
      lo[p] = centre - half;
      hi[p] = centre + half;
      up[p] = ctx.dt / num('extendTime');
      down[p] = ctx.dt / num('retractTime');
      sig[p] = ctx.signal(cfg.id, 'extend');
    }
    this.#rates = Float64Array.from([...up, ...down]);
    this.#values = ctx.values;
    this.#onDivert = (p: number): void => this.#divert(p);
    this.#kernel = ctx.kernel(pusherKernel, LAYOUT, this.n, this.#f, this.#i, this.#values, this.#onDivert);
  }

  /** Slow-pusher fault (sticky valve, low supply, worn seals): both strokes x (1 - severity). */
  setSlow(k: number, severity: number): void {
    const n = this.n;
    const factor = 1 - severity;
    this.#f[C_UP * n + k] = this.#rates[k]! * factor;
    this.#f[C_DOWN * n + k] = this.#rates[n + k]! * factor;
  }

  /** Put pusher k at stroke fraction x (shadow re-sync on its end switch); true when it moved. */
  setStroke(k: number, x: number): boolean {
    const at = C_STROKE * this.n + k;
    const v = x < 0 ? 0 : x > 1 ? 1 : x;
    if (this.#f[at] === v) return false;
    this.#f[at] = v;
    return true;
  }

  /** The typed arrays that hold this group's state, for snapshots. */
  state(): (Float64Array | Int32Array)[] {
    return [this.#f, this.#i];
  }

  /** All retracted, valves off. */
  reset(values: Float64Array): void {
    const n = this.n;
    column(this.#f, C_STROKE, n).fill(0);
    for (let p = 0; p < n; p++) {
      const b = this.#i[C_SIG * n + p]!;
      values[b + EXTEND] = 0;
      values[b + EXTENDED] = 0;
      values[b + RETRACTED] = 1;
      values[b + POSITION] = 0;
    }
  }

  readonly #values: Float64Array;
  readonly #onDivert: (p: number) => void;
  readonly #kernel: KernelSlot<[]>;

  /** Move each piston towards the end its valve selects; divert at half stroke outwards. On the model's own compiled kernel once it has one (kernel.ts). */
  step(): void {
    if (this.n === 0) return;
    const own = this.#kernel.own;
    if (own !== null) own();
    else pusherKernel(this.n, this.#f, this.#i, this.#values, this.#onDivert);
  }

  /** Remove every item whose centre is in front of the face of pusher p into its bin. */
  #divert(p: number): void {
    const n = this.n;
    const pool = this.#pool;
    const length = pool.length;
    const c = this.#i[C_CONVEYOR * n + p]!;
    const bin = this.#i[C_BIN * n + p]!;
    const lo = this.#f[C_LO * n + p]!;
    const hi = this.#f[C_HI * n + p]!;
    // An item handed over to the next conveyor can still have its centre on this one.
    const nc = pool.convNext[c]!;
    if (nc >= 0 && pool.count[nc]! > 0) {
      const k = pool.count[nc]! - 1;
      const r = pool.at(nc, k);
      const centre = pool.frontOf(nc, r) - 0.5 * length[r]! + pool.convLength[c]!;
      if (centre >= lo && centre <= hi) this.#bins.receive(bin, pool.removeAt(nc, k));
    }
    let k = 0;
    while (k < pool.count[c]!) {
      const s = pool.at(c, k);
      const centre = pool.frontOf(c, s) - 0.5 * length[s]!;
      // Front-most first and items never overlap, so centres only decrease from here.
      if (centre < lo) break;
      if (centre <= hi) this.#bins.receive(bin, pool.removeAt(c, k));
      else k++;
    }
  }
}

/** Offsets and constants the kernel needs (it cannot see this module's bindings). */
const LAYOUT = { C_DOWN, C_SIG, C_STROKE, C_UP, END_SNAP, EXTEND, EXTENDED, POSITION, RETRACTED };

/** The step: the model's shared code, or its own compiled copy (specialize(), kernel.ts). */
function pusherKernel(
  n: number,
  f: Float64Array,
  ii: Int32Array,
  values: Float64Array,
  divert: (p: number) => void,
): void {
  const oStroke = C_STROKE * n;
  const oUp = C_UP * n;
  const oDown = C_DOWN * n;
  const oSig = C_SIG * n;
  for (let p = 0; p < n; p++) {
    const b = ii[oSig + p]!;
    const extend = values[b + EXTEND] !== 0;
    const x0 = f[oStroke + p]!;
    // At rest against an end stop: nothing moves, the outputs already say so (unless a shadow
    // re-sync just put it there: setStroke moves the piston, the step publishes it).
    if ((extend ? x0 === 1 : x0 === 0) && values[b + POSITION] === x0) continue;
    let x = extend ? x0 + f[oUp + p]! : x0 - f[oDown + p]!;
    if (x >= 1 - END_SNAP) x = 1;
    else if (x <= END_SNAP) x = 0;
    f[oStroke + p] = x;
    if (extend && x0 < 0.5 && x >= 0.5) divert(p);
    values[b + POSITION] = x;
    values[b + EXTENDED] = x === 1 ? 1 : 0;
    values[b + RETRACTED] = x === 0 ? 1 : 0;
  }
}
