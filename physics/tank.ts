// Tanks: open vessels of constant cross-section. The level integrates the net flow that pumps
// and valves put in and take out; high and low level switches. Overflow spills at the rim.

import { phaseFrom } from './time-slice.ts';
import type { BuildContext, ComponentType } from './component.ts';
import { column, readNumber } from './component.ts';
import type { KernelSlot } from './kernel.ts';

/** Water: density kg/m³, gravity m/s²; pressure of a column h (m) in bar is h x RHO_G_BAR. */
export const RHO = 1000;
export const RHO_G_BAR = (RHO * 9.81) / 1e5;

/** Catalog entry for tanks (defaults: a 2 m³ cooling-water tank). */
export const tankType: ComponentType = {
  type: 'tank',
  description: 'Open tank: level from in- and outflows (pumps, valves), high and low level switches',
  params: {
    area: { kind: 'number', unit: 'm²', default: 1, exclusiveMinimum: 0, description: 'Cross-section' },
    height: { kind: 'number', unit: 'm', default: 2, exclusiveMinimum: 0, description: 'Height to the rim; more overflows' },
    initialLevel: { kind: 'number', unit: 'm', default: 0, minimum: 0, description: 'Level at start' },
    highLevel: { kind: 'number', unit: 'm', defaultText: '0.9 height', minimum: 0, description: 'High level switch point' },
    lowLevel: { kind: 'number', unit: 'm', defaultText: '0.1 height', minimum: 0, description: 'Low level switch point' },
  },
  signals: [
    { field: 'level', type: 'real', kind: 'sensor', unit: 'm', description: 'Liquid level' },
    { field: 'high', type: 'bool', kind: 'sensor', unit: '', description: 'Level at or above highLevel' },
    { field: 'low', type: 'bool', kind: 'sensor', unit: '', description: 'Level at or below lowLevel' },
    { field: 'volume', type: 'real', kind: 'state', unit: 'm³', description: 'Liquid volume' },
    { field: 'inflow', type: 'real', kind: 'state', unit: 'm³/h', description: 'Total inflow' },
    { field: 'outflow', type: 'real', kind: 'state', unit: 'm³/h', description: 'Total outflow' },
    { field: 'overflow', type: 'real', kind: 'state', unit: 'm³', description: 'Volume spilled over the rim since reset' },
  ],
};

const LEVEL = 0;
const HIGH = 1;
const LOW = 2;
const VOLUME = 3;
const INFLOW = 4;
const OUTFLOW = 5;
const OVERFLOW = 6;

const C_LEVEL = 0; // state, m
const C_INV_AREA = 1;
const C_AREA = 2;
const C_HEIGHT = 3;
const C_HIGH = 4;
const C_LOW = 5;
const C_L0 = 6;
const C_SPILL = 7; // state, m³
const F_COLS = 8;

/**
 * All tanks of a line. Pumps and valves step first and add to {@link Tanks.inflow} and
 * {@link Tanks.outflow} (m³/s at the level of the step before, times the steps each flow stands
 * for: m in a process slice of m steps); step() integrates and clears what its phase's tanks
 * received, so volume is conserved whichever phases the pumps, valves and tanks step on.
 */
export class Tanks {
  readonly n: number;
  readonly #f: Float64Array;
  readonly #sig: Int32Array;
  readonly #dt: number;
  /** Steps per process slice. */
  readonly #m: number;
  readonly inflow: Float64Array;
  readonly outflow: Float64Array;

  constructor(ctx: BuildContext) {
    const placed = ctx.of('tank');
    const n = placed.length;
    this.n = n;
    this.#dt = ctx.dt;
    this.#m = ctx.processTicks;
    this.#f = new Float64Array(F_COLS * n);
    this.#sig = new Int32Array(n);
    this.inflow = new Float64Array(n);
    this.outflow = new Float64Array(n);
    const f = this.#f;
    for (let k = 0; k < n; k++) {
      const { cfg, path } = placed[k]!;
      const num = (name: string, fb?: number): number => readNumber(cfg, tankType, name, path, fb);
      const h = num('height');
      f[C_AREA * n + k] = num('area');
      f[C_INV_AREA * n + k] = 1 / num('area');
      f[C_HEIGHT * n + k] = h;
      f[C_HIGH * n + k] = num('highLevel', 0.9 * h);
      f[C_LOW * n + k] = num('lowLevel', 0.1 * h);
      f[C_L0 * n + k] = Math.min(num('initialLevel'), h);
      this.#sig[k] = ctx.signal(cfg.id, 'level');
    }
    this.#kernel = ctx.kernel(tankKernel, LAYOUT, n, this.#m, f, this.#sig, this.inflow, this.outflow, ctx.values, this.#dt);
  }

  /** Signal id of tank k's level. */
  levelSignal(k: number): number {
    return this.#sig[k]! + LEVEL;
  }

  reset(values: Float64Array): void {
    const n = this.n;
    column(this.#f, C_LEVEL, n).set(column(this.#f, C_L0, n));
    column(this.#f, C_SPILL, n).fill(0);
    this.inflow.fill(0);
    this.outflow.fill(0);
    // Every tank's signals: a step of all of them with no flow in or out leaves each level as set.
    tankKernel(n, this.#m, this.#f, this.#sig, this.inflow, this.outflow, values, this.#dt, 0, n);
  }

  state(): Float64Array[] {
    return [this.#f, this.inflow, this.outflow];
  }

  readonly #kernel: KernelSlot<[k0: number, k1: number]>;

  /**
   * Tanks of this tick's phase: level += (sum of Q_in - sum of Q_out) dt / area, clamped to
   * [0, height]; what passes the rim is spilled. On the model's own compiled kernel once it has
   * one (kernel.ts); `values` is the model's array the kernel was built on.
   */
  step(values: Float64Array, tick: number): void {
    const n = this.n;
    if (n === 0) return;
    const m = this.#m;
    const phase = tick % m;
    const k0 = phaseFrom(n, m, phase);
    const k1 = phaseFrom(n, m, phase + 1);
    const own = this.#kernel.own;
    if (own !== null) own(k0, k1);
    else tankKernel(n, m, this.#f, this.#sig, this.inflow, this.outflow, values, this.#dt, k0, k1);
  }
}

/** Offsets the tank kernel needs (it cannot see this module's constants). */
const LAYOUT = { C_AREA, C_HEIGHT, C_HIGH, C_INV_AREA, C_LEVEL, C_LOW, C_SPILL, HIGH, INFLOW, LEVEL, LOW, OUTFLOW, OVERFLOW, VOLUME };

/**
 * The tanks' step over the block k0 .. k1 - 1 of this tick's phase: the model's shared code, or
 * its own compiled copy (specialize(), kernel.ts). Their in/outflow sums stand for m steps.
 */
function tankKernel(
  n: number,
  m: number,
  f: Float64Array,
  sig: Int32Array,
  inflow: Float64Array,
  outflow: Float64Array,
  values: Float64Array,
  dt: number,
  k0: number,
  k1: number,
): void {
  const oLevel = C_LEVEL * n, oInvArea = C_INV_AREA * n, oArea = C_AREA * n, oHeight = C_HEIGHT * n;
  const oHigh = C_HIGH * n, oLow = C_LOW * n, oSpill = C_SPILL * n;
  for (let k = k0; k < k1; k++) {
    const qin = inflow[k]!;
    const qout = outflow[k]!;
    let l = f[oLevel + k]! + (qin - qout) * dt * f[oInvArea + k]!;
    const h = f[oHeight + k]!;
    if (l > h) {
      f[oSpill + k] += (l - h) * f[oArea + k]!;
      l = h;
    } else if (l < 0) l = 0;
    f[oLevel + k] = l;
    const b = sig[k]!;
    values[b + LEVEL] = l;
    values[b + HIGH] = l >= f[oHigh + k]! ? 1 : 0;
    values[b + LOW] = l <= f[oLow + k]! ? 1 : 0;
    values[b + VOLUME] = l * f[oArea + k]!;
    values[b + INFLOW] = (qin / m) * 3600;
    values[b + OUTFLOW] = (qout / m) * 3600;
    values[b + OVERFLOW] = f[oSpill + k]!;
    inflow[k] = 0;
    outflow[k] = 0;
  }
}
