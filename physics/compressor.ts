// Compressors: a screw/piston compressor with load/unload control feeding an air receiver —
// the air network that cylinders draw from. Receiver pressure follows an isothermal mass
// balance of free air delivered and consumed; power and energy follow the loaded/unloaded state.

import type { BuildContext, ComponentType } from './component.ts';
import { PhasePower, phaseFrom } from './time-slice.ts';
import { column, readNumber } from './component.ts';
import type { KernelSlot } from './kernel.ts';

/** Atmospheric pressure, bar absolute: converts free air (at atmosphere) to receiver pressure. */
export const P_ATM = 1.01325;

/** Catalog entry for compressors (defaults: a 7.5 kW screw compressor with a 0.5 m³ receiver). */
export const compressorType: ComponentType = {
  type: 'compressor',
  description: 'Air compressor with load/unload control and a receiver: the air network cylinders draw from',
  params: {
    receiverVolume: { kind: 'number', unit: 'm³', default: 0.5, exclusiveMinimum: 0, description: 'Receiver (and network) volume' },
    delivery: { kind: 'number', unit: 'm³/min', default: 1.2, exclusiveMinimum: 0, description: 'Free air delivery while loaded' },
    cutIn: { kind: 'number', unit: 'bar', default: 6.5, minimum: 0, description: 'Gauge pressure at which the compressor loads' },
    cutOut: { kind: 'number', unit: 'bar', default: 7.5, exclusiveMinimum: 0, description: 'Gauge pressure at which it unloads; must be above cutIn' },
    loadedPower: { kind: 'number', unit: 'kW', default: 7.5, minimum: 0, description: 'Electrical power while loaded' },
    unloadedPower: { kind: 'number', unit: 'kW', default: 2.2, minimum: 0, description: 'Electrical power while running unloaded' },
    initialPressure: { kind: 'number', unit: 'bar', defaultText: 'cutOut', minimum: 0, description: 'Receiver gauge pressure at start' },
  },
  signals: [
    { field: 'enable', type: 'bool', kind: 'actuator', unit: '', description: 'Compressor enabled (runs, loading and unloading on pressure)' },
    { field: 'pressure', type: 'real', kind: 'sensor', unit: 'bar', description: 'Receiver gauge pressure' },
    { field: 'loaded', type: 'bool', kind: 'sensor', unit: '', description: 'Delivering air' },
    { field: 'demand', type: 'real', kind: 'state', unit: 'm³/min', description: 'Free air drawn by the consumers' },
    { field: 'power', type: 'real', kind: 'state', unit: 'kW', description: 'Electrical power' },
    { field: 'energy', type: 'real', kind: 'state', unit: 'kWh', description: 'Electrical energy since reset' },
  ],
  check(cfg, path, _ctx, out) {
    const ci = typeof cfg['cutIn'] === 'number' ? cfg['cutIn'] : 6.5;
    const co = typeof cfg['cutOut'] === 'number' ? cfg['cutOut'] : 7.5;
    if (!(co > ci)) out.push({ path: `${path}.cutOut`, message: `is ${co} bar, not above cutIn ${ci} bar` });
  },
};

const ENABLE = 0;
const PRESSURE = 1;
const LOADED = 2;
const DEMAND = 3;
const POWER = 4;
const ENERGY = 5;

const C_P = 0; // state: gauge pressure, bar
const C_K = 1; // bar per (m³ free air) in the receiver: P_ATM / V
const C_Q = 2; // free air delivery, m³/s
const C_CUT_IN = 3;
const C_CUT_OUT = 4;
const C_P_LOAD = 5;
const C_P_UNLOAD = 6;
const C_ENERGY = 7; // state: kWh
const C_P0 = 8;
const F_COLS = 9;

const C_SIG = 0;
const C_LOADED = 1; // state
const I_COLS = 2;

/** All compressors of a line. Cylinders add their draw to {@link Compressors.demand} before the compressors step. */
export class Compressors {
  readonly n: number;
  readonly #f: Float64Array;
  readonly #i: Int32Array;
  readonly #dtHours: number;
  readonly #power: PhasePower;
  /**
   * Free air drawn per compressor, m³/s summed over the steps since its last step (consumers
   * add every step; a compressor in a process slice of m steps finds m of them); step() uses and clears.
   */
  readonly demand: Float64Array;
  /** Summed electrical power after the last step, kW. */
  readonly totalPower = new Float64Array(1);

  constructor(ctx: BuildContext) {
    const placed = ctx.of('compressor');
    const n = placed.length;
    this.n = n;
    const m = ctx.processTicks;
    this.#power = new PhasePower(m);
    this.#dtHours = (ctx.dt * m) / 3600;
    this.#f = new Float64Array(F_COLS * n);
    this.#i = new Int32Array(I_COLS * n);
    this.demand = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const { cfg, path } = placed[k]!;
      const num = (name: string, fb?: number): number => readNumber(cfg, compressorType, name, path, fb);
      const f = this.#f;
      f[C_K * n + k] = P_ATM / num('receiverVolume');
      f[C_Q * n + k] = num('delivery') / 60;
      f[C_CUT_IN * n + k] = num('cutIn');
      f[C_CUT_OUT * n + k] = num('cutOut');
      f[C_P_LOAD * n + k] = num('loadedPower');
      f[C_P_UNLOAD * n + k] = num('unloadedPower');
      f[C_P0 * n + k] = num('initialPressure', num('cutOut'));
      this.#i[C_SIG * n + k] = ctx.signal(cfg.id, 'enable');
    }
    this.#m = m;
    this.#dt = ctx.dt;
    this.#values = ctx.values;
    this.#kernel = ctx.kernel(compressorKernel, LAYOUT, this.n, this.#m, this.#f, this.#i, this.demand, this.#values, this.#power, this.totalPower, this.#dt, this.#dtHours);
  }

  /** Signal id of compressor k's pressure (for consumers). */
  pressureSignal(k: number): number {
    return this.#i[C_SIG * this.n + k]! + PRESSURE;
  }

  reset(values: Float64Array): void {
    const n = this.n;
    column(this.#f, C_P, n).set(column(this.#f, C_P0, n));
    column(this.#f, C_ENERGY, n).fill(0);
    column(this.#i, C_LOADED, n).fill(0);
    this.demand.fill(0);
    this.totalPower[0] = 0;
    this.#power.reset();
    for (let k = 0; k < n; k++) {
      const b = this.#i[C_SIG * n + k]!;
      for (let j = ENABLE; j <= ENERGY; j++) values[b + j] = 0;
      values[b + PRESSURE] = this.#f[C_P0 * n + k]!;
    }
  }

  state(): (Float64Array | Int32Array)[] {
    return [this.#f, this.#i, this.demand, this.totalPower, this.#power.parts];
  }

  readonly #m: number;
  readonly #dt: number;
  readonly #values: Float64Array;
  readonly #kernel: KernelSlot<[phase: number, k0: number, k1: number]>;

  /** Integrate the receivers of this tick's phase over their slice: dp/dt = P_ATM (Q_in - Q_out) / V. On the model's own compiled kernel once it has one (kernel.ts). */
  step(tick: number): void {
    if (this.n === 0) return;
    const own = this.#kernel.own;
    const phase = tick % this.#m;
    const k0 = phaseFrom(this.n, this.#m, phase);
    const k1 = phaseFrom(this.n, this.#m, phase + 1);
    if (own !== null) own(phase, k0, k1);
    else compressorKernel(this.n, this.#m, this.#f, this.#i, this.demand, this.#values, this.#power, this.totalPower, this.#dt, this.#dtHours, phase, k0, k1);
  }
}

/** Offsets and constants the kernel needs (it cannot see this module's bindings). */
const LAYOUT = { C_CUT_IN, C_CUT_OUT, C_ENERGY, C_K, C_LOADED, C_P, C_P_LOAD, C_P_UNLOAD, C_Q, C_SIG, DEMAND, ENABLE, ENERGY, LOADED, POWER, PRESSURE };

/** The step: the model's shared code, or its own compiled copy (specialize(), kernel.ts). */
function compressorKernel(
  n: number,
  m: number,
  f: Float64Array,
  ii: Int32Array,
  demand: Float64Array,
  values: Float64Array,
  power: PhasePower,
  totalPower: Float64Array,
  dt: number,
  dtHours: number,
  phase: number,
  k0: number,
  k1: number,
): void {
  let total = 0;
  for (let k = k0; k < k1; k++) {
    const b = ii[C_SIG * n + k]!;
    const enabled = values[b + ENABLE] !== 0;
    let p = f[C_P * n + k]!;
    // Hysteresis: load below cut-in, stay loaded until cut-out.
    const loaded = enabled && (p < f[C_CUT_IN * n + k]! || (ii[C_LOADED * n + k] === 1 && p < f[C_CUT_OUT * n + k]!));
    const qIn = loaded ? f[C_Q * n + k]! : 0;
    // Delivery over the m steps of the slice against the air drawn in them.
    p += f[C_K * n + k]! * (qIn * m - demand[k]!) * dt;
    if (p < 0) p = 0;
    f[C_P * n + k] = p;
    ii[C_LOADED * n + k] = loaded ? 1 : 0;
    const power = loaded ? f[C_P_LOAD * n + k]! : enabled ? f[C_P_UNLOAD * n + k]! : 0;
    const e = f[C_ENERGY * n + k]! + power * dtHours;
    f[C_ENERGY * n + k] = e;
    values[b + PRESSURE] = p;
    values[b + LOADED] = loaded ? 1 : 0;
    values[b + DEMAND] = (demand[k]! / m) * 60;
    values[b + POWER] = power;
    values[b + ENERGY] = e;
    demand[k] = 0;
    total += power;
  }
  power.parts[phase] = total;
  power.sumInto(totalPower);
}
