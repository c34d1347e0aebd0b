// Tanks: open vessels of constant cross-section. The level integrates the net flow that pumps
// and valves put in and take out; high and low level switches. Overflow spills at the rim.

import { phaseFrom } from './time-slice.ts';
import type { BuildContext, ComponentType } from './component.ts';
import { column, readNumber } from './component.ts';

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
    this.#write(values);
  }

  state(): Float64Array[] {
    return [this.#f, this.inflow, this.outflow];
  }

  /**
   * Tanks of this tick's phase: level += (sum of Q_in - sum of Q_out) dt / area, clamped to
   * [0, height]; what passes the rim is spilled.
   */
  step(values: Float64Array, tick: number): void {
    const n = this.n;
    const f = this.#f;
    const dt = this.#dt;
    const m = this.#m;
    const inflow = this.inflow;
    const outflow = this.outflow;
    const to = phaseFrom(n, m, (tick % m) + 1);
    for (let k = phaseFrom(n, m, tick % m); k < to; k++) {
      let l = f[C_LEVEL * n + k]! + (inflow[k]! - outflow[k]!) * dt * f[C_INV_AREA * n + k]!;
      const h = f[C_HEIGHT * n + k]!;
      if (l > h) {
        f[C_SPILL * n + k] += (l - h) * f[C_AREA * n + k]!;
        l = h;
      } else if (l < 0) l = 0;
      f[C_LEVEL * n + k] = l;
      this.#writeOne(values, k, m);
      inflow[k] = 0;
      outflow[k] = 0;
    }
  }

  #write(values: Float64Array): void {
    for (let k = 0; k < this.n; k++) this.#writeOne(values, k, 1);
  }

  /** Tank k's signals; its in/outflow sums stand for `steps` steps. Integers only cross this call (see PhasePower). */
  #writeOne(values: Float64Array, k: number, steps: number): void {
    const n = this.n;
    const f = this.#f;
    const b = this.#sig[k]!;
    const l = f[C_LEVEL * n + k]!;
    values[b + LEVEL] = l;
    values[b + HIGH] = l >= f[C_HIGH * n + k]! ? 1 : 0;
    values[b + LOW] = l <= f[C_LOW * n + k]! ? 1 : 0;
    values[b + VOLUME] = l * f[C_AREA * n + k]!;
    values[b + INFLOW] = (this.inflow[k]! / steps) * 3600;
    values[b + OUTFLOW] = (this.outflow[k]! / steps) * 3600;
    values[b + OVERFLOW] = f[C_SPILL * n + k]!;
  }
}
