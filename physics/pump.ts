// Centrifugal pumps on a VFD, following the affinity laws about their rated point: flow ~ n,
// head ~ n², shaft power ~ n³ (the system curve is taken as a pure friction parabola through
// the rated point, on which the operating point scales exactly so). A pump takes from its
// suction tank (none: an endless supply) and delivers into its discharge tank (none: away);
// an empty suction tank stops the flow. Cavitation (a fault) cuts flow and head.

import type { BuildContext, ComponentType } from './component.ts';
import { PhasePower, phaseFrom } from './time-slice.ts';
import { column, readNumber } from './component.ts';
import type { KernelSlot } from './kernel.ts';
import { RHO_G_BAR } from './tank.ts';
import type { Tanks } from './tank.ts';

/** Catalog entry for pumps (defaults: a small cooling-water pump, 12 m³/h at 25 m, 1.5 kW). */
export const pumpType: ComponentType = {
  type: 'pump',
  description: 'Centrifugal pump on a VFD: affinity laws about its rated point',
  params: {
    ratedFlow: { kind: 'number', unit: 'm³/h', default: 12, exclusiveMinimum: 0, description: 'Flow at rated speed' },
    ratedHead: { kind: 'number', unit: 'm', default: 25, exclusiveMinimum: 0, description: 'Head at rated speed' },
    ratedPower: { kind: 'number', unit: 'kW', default: 1.5, exclusiveMinimum: 0, description: 'Electrical power at rated speed' },
    tau: { kind: 'number', unit: 's', default: 0.5, exclusiveMinimum: 0, description: 'Time constant of the speed response' },
    from: { kind: 'ref', targets: ['tank'], optional: true, description: 'Suction tank. Default: an endless supply' },
    to: { kind: 'ref', targets: ['tank'], optional: true, description: 'Discharge tank. Default: the flow leaves the line' },
  },
  signals: [
    { field: 'run', type: 'bool', kind: 'actuator', unit: '', description: 'Run command' },
    { field: 'setpoint', type: 'real', kind: 'actuator', unit: '%', description: 'Speed setpoint, % of rated (0..100)' },
    { field: 'speed', type: 'real', kind: 'sensor', unit: '%', description: 'Speed, % of rated' },
    { field: 'running', type: 'bool', kind: 'sensor', unit: '', description: 'Speed above 1 %' },
    { field: 'flow', type: 'real', kind: 'sensor', unit: 'm³/h', description: 'Delivered flow' },
    { field: 'pressure', type: 'real', kind: 'sensor', unit: 'bar', description: 'Discharge pressure (head x rho g)' },
    { field: 'power', type: 'real', kind: 'state', unit: 'kW', description: 'Electrical power' },
    { field: 'energy', type: 'real', kind: 'state', unit: 'kWh', description: 'Electrical energy since reset' },
  ],
};

const RUN = 0;
const SETPOINT = 1;
const SPEED = 2;
const RUNNING = 3;
const FLOW = 4;
const PRESSURE = 5;
const POWER = 6;
const ENERGY = 7;

const C_N = 0; // state: speed, pu
const C_K = 1; // 1 - e^(-dt/tau)
const C_Q = 2; // rated flow, m³/s
const C_H = 3; // rated head, m
const C_P = 4; // rated power, kW
const C_CAV = 5; // fault: flow and head factor (1 healthy)
const C_ENERGY = 6; // state: kWh
const F_COLS = 7;

const C_SIG = 0;
const C_FROM = 1; // tank index, -1
const C_TO = 2;
const C_FROM_LEVEL = 3; // level signal of the suction tank, -1
const I_COLS = 4;

/** All pumps of a line; step before the tanks. */
export class Pumps {
  readonly n: number;
  readonly #f: Float64Array;
  readonly #i: Int32Array;
  readonly #power: PhasePower;
  readonly totalPower = new Float64Array(1);

  constructor(ctx: BuildContext, tanks: Tanks) {
    const placed = ctx.of('pump');
    const n = placed.length;
    this.n = n;
    const m = ctx.processTicks;
    this.#power = new PhasePower(m);
    // Coefficients for the slice's step, m dt.
    const dt = ctx.dt * m;
    this.#f = new Float64Array(F_COLS * n);
    this.#i = new Int32Array(I_COLS * n);
    const f = this.#f;
    const ii = this.#i;
    for (let k = 0; k < n; k++) {
      const { cfg, path } = placed[k]!;
      const num = (name: string): number => readNumber(cfg, pumpType, name, path);
      f[C_K * n + k] = -Math.expm1(-dt / num('tau'));
      f[C_Q * n + k] = num('ratedFlow') / 3600;
      f[C_H * n + k] = num('ratedHead');
      f[C_P * n + k] = num('ratedPower');
      ii[C_SIG * n + k] = ctx.signal(cfg.id, 'run');
      const from = typeof cfg['from'] === 'string' ? ctx.indexOf(cfg['from']) : -1;
      ii[C_FROM * n + k] = from;
      ii[C_TO * n + k] = typeof cfg['to'] === 'string' ? ctx.indexOf(cfg['to']) : -1;
      ii[C_FROM_LEVEL * n + k] = from >= 0 ? tanks.levelSignal(from) : -1;
    }
    this.#m = m;
    this.#inflow = tanks.inflow;
    this.#outflow = tanks.outflow;
    this.#values = ctx.values;
    this.#dtHours = dt / 3600;
    this.#kernel = ctx.kernel(pumpKernel, LAYOUT, this.n, this.#m, this.#f, this.#i, this.#inflow, this.#outflow, this.#values, this.#power, this.totalPower, this.#dtHours);
  }

  /** Signal id of pump k's flow (m³/h). */
  flowSignal(k: number): number {
    return this.#i[C_SIG * this.n + k]! + FLOW;
  }

  /** Rated flow of pump k, m³/h. */
  ratedFlow(k: number): number {
    return this.#f[C_Q * this.n + k]! * 3600;
  }

  /** Cavitation fault: flow and head x (1 - severity). */
  setCavitation(k: number, severity: number): void {
    this.#f[C_CAV * this.n + k] = 1 - severity;
  }

  reset(values: Float64Array): void {
    const n = this.n;
    column(this.#f, C_N, n).fill(0);
    column(this.#f, C_ENERGY, n).fill(0);
    column(this.#f, C_CAV, n).fill(1);
    this.totalPower[0] = 0;
    this.#power.reset();
    for (let k = 0; k < n; k++) {
      const b = this.#i[C_SIG * n + k]!;
      for (let j = RUN; j <= ENERGY; j++) values[b + j] = 0;
    }
  }

  state(): (Float64Array | Int32Array)[] {
    return [this.#f, this.#i, this.totalPower, this.#power.parts];
  }

  readonly #m: number;
  readonly #inflow: Float64Array;
  readonly #outflow: Float64Array;
  readonly #values: Float64Array;
  readonly #dtHours: number;
  readonly #kernel: KernelSlot<[phase: number, k0: number, k1: number]>;

  /** Step the pumps of this tick's phase of the process slice. On the model's own compiled kernel once it has one (kernel.ts). */
  step(tick: number): void {
    if (this.n === 0) return;
    const own = this.#kernel.own;
    const phase = tick % this.#m;
    const k0 = phaseFrom(this.n, this.#m, phase);
    const k1 = phaseFrom(this.n, this.#m, phase + 1);
    if (own !== null) own(phase, k0, k1);
    else pumpKernel(this.n, this.#m, this.#f, this.#i, this.#inflow, this.#outflow, this.#values, this.#power, this.totalPower, this.#dtHours, phase, k0, k1);
  }
}

/** Offsets and constants the kernel needs (it cannot see this module's bindings). */
const LAYOUT = { C_CAV, C_ENERGY, C_FROM, C_FROM_LEVEL, C_H, C_K, C_N, C_P, C_Q, C_SIG, C_TO, ENERGY, FLOW, POWER, PRESSURE, RHO_G_BAR, RUN, RUNNING, SETPOINT, SPEED };

/** The step: the model's shared code, or its own compiled copy (specialize(), kernel.ts). */
function pumpKernel(
  n: number,
  m: number,
  f: Float64Array,
  ii: Int32Array,
  inflow: Float64Array,
  outflow: Float64Array,
  values: Float64Array,
  power: PhasePower,
  totalPower: Float64Array,
  dtHours: number,
  phase: number,
  k0: number,
  k1: number,
): void {
  const oN = C_N * n, oK = C_K * n, oQ = C_Q * n, oH = C_H * n, oP = C_P * n, oCav = C_CAV * n, oE = C_ENERGY * n;
  const oSig = C_SIG * n, oFrom = C_FROM * n, oTo = C_TO * n, oFromLevel = C_FROM_LEVEL * n;
  let total = 0;
  for (let k = k0; k < k1; k++) {
    const b = ii[oSig + k]!;
    let sp = values[b + SETPOINT]! / 100;
    if (!(sp > 0)) sp = 0;
    else if (sp > 1) sp = 1;
    const u = values[b + RUN] !== 0 ? sp : 0;
    const n0 = f[oN + k]!;
    let r = n0 + (u - n0) * f[oK + k]!;
    if (r - u < 1e-12 && u - r < 1e-12) r = u;
    f[oN + k] = r;
    // Affinity laws: Q = Qr r, H = Hr r², P = Pr r³.
    const fl = ii[oFromLevel + k]!;
    const dry = fl >= 0 && !(values[fl]! > 0);
    const cav = f[oCav + k]!;
    const q = dry ? 0 : f[oQ + k]! * r * cav;
    const head = dry ? 0 : f[oH + k]! * r * r * cav;
    const power = f[oP + k]! * r * r * r;
    const from = ii[oFrom + k]!;
    const to = ii[oTo + k]!;
    // Rate x steps it stands for: the tanks integrate whatever their slice phase (tank.ts).
    if (from >= 0) outflow[from] += q * m;
    if (to >= 0) inflow[to] += q * m;
    const e = f[oE + k]! + power * dtHours;
    f[oE + k] = e;
    values[b + SPEED] = r * 100;
    values[b + RUNNING] = r > 0.01 ? 1 : 0;
    values[b + FLOW] = q * 3600;
    values[b + PRESSURE] = head * RHO_G_BAR;
    values[b + POWER] = power;
    values[b + ENERGY] = e;
    total += power;
  }
  power.parts[phase] = total;
  power.sumInto(totalPower);
}
