// Process valves, on-off or proportional, with a travel time. Flow from the Kv equation for
// water: Q = Kv x opening x sqrt(dp / 1 bar), with dp the suction tank's head (rho g h) plus
// the supply pressure minus the back pressure. Takes from its `from` tank (none: a supply at
// supplyPressure) and delivers into its `to` tank (none: a drain).

import { phaseFrom } from './time-slice.ts';
import type { BuildContext, ComponentType } from './component.ts';
import { column, readChoice, readNumber } from './component.ts';
import type { KernelSlot } from './kernel.ts';
import { RHO_G_BAR } from './tank.ts';
import type { Tanks } from './tank.ts';

/** Catalog entry for valves (defaults: a DN25 ball valve, Kv 10). */
export const valveType: ComponentType = {
  type: 'valve',
  description: 'On-off or proportional valve: flow from opening and pressure difference (Kv)',
  params: {
    mode: { kind: 'string', enum: ['onoff', 'proportional'], optional: true, description: 'onoff follows .open; proportional follows .command (%)' },
    kv: { kind: 'number', unit: 'm³/h', default: 10, exclusiveMinimum: 0, description: 'Flow coefficient: water flow at full opening and 1 bar' },
    travelTime: { kind: 'number', unit: 's', default: 1, minimum: 0, description: 'Time from closed to fully open' },
    from: { kind: 'ref', targets: ['tank'], optional: true, description: 'Tank it drains. Default: a supply at supplyPressure' },
    to: { kind: 'ref', targets: ['tank'], optional: true, description: 'Tank it fills. Default: a drain' },
    supplyPressure: { kind: 'number', unit: 'bar', default: 0, minimum: 0, description: 'Gauge pressure upstream, added to the head of the from tank' },
    backPressure: { kind: 'number', unit: 'bar', default: 0, minimum: 0, description: 'Gauge pressure downstream' },
  },
  signals: [
    { field: 'open', type: 'bool', kind: 'actuator', unit: '', description: 'Open command (onoff mode)' },
    { field: 'command', type: 'real', kind: 'actuator', unit: '%', description: 'Opening command (proportional mode)' },
    { field: 'opening', type: 'real', kind: 'sensor', unit: '%', description: 'Valve position' },
    { field: 'opened', type: 'bool', kind: 'sensor', unit: '', description: 'Limit switch: fully open' },
    { field: 'closed', type: 'bool', kind: 'sensor', unit: '', description: 'Limit switch: closed' },
    { field: 'flow', type: 'real', kind: 'state', unit: 'm³/h', description: 'Flow through the valve' },
  ],
};

const OPEN = 0;
const COMMAND = 1;
const OPENING = 2;
const OPENED = 3;
const CLOSED = 4;
const FLOW = 5;

const C_X = 0; // state: opening 0..1
const C_RATE = 1; // opening per step (Infinity: instant)
const C_KV = 2; // m³/s at 1 bar
const C_P_IN = 3;
const C_P_OUT = 4;
const F_COLS = 5;

const C_SIG = 0;
const C_PROP = 1;
const C_FROM = 2;
const C_TO = 3;
const C_FROM_LEVEL = 4;
const I_COLS = 5;

/** All valves of a line; step before the tanks. */
export class Valves {
  readonly n: number;
  readonly #f: Float64Array;
  readonly #i: Int32Array;
  /** Steps per process slice; each valve stands for m steps of flow when it steps. */
  readonly #m: number;

  constructor(ctx: BuildContext, tanks: Tanks) {
    const placed = ctx.of('valve');
    const n = placed.length;
    this.n = n;
    this.#m = ctx.processTicks;
    this.#f = new Float64Array(F_COLS * n);
    this.#i = new Int32Array(I_COLS * n);
    const f = this.#f;
    const ii = this.#i;
    for (let k = 0; k < n; k++) {
      const { cfg, path } = placed[k]!;
      const num = (name: string): number => readNumber(cfg, valveType, name, path);
      const tt = num('travelTime');
      f[C_RATE * n + k] = tt > 0 ? (ctx.dt * ctx.processTicks) / tt : Infinity;
      f[C_KV * n + k] = num('kv') / 3600;
      f[C_P_IN * n + k] = num('supplyPressure');
      f[C_P_OUT * n + k] = num('backPressure');
      ii[C_SIG * n + k] = ctx.signal(cfg.id, 'open');
      ii[C_PROP * n + k] = readChoice(cfg, valveType, 'mode', path) === 'proportional' ? 1 : 0;
      const from = typeof cfg['from'] === 'string' ? ctx.indexOf(cfg['from']) : -1;
      ii[C_FROM * n + k] = from;
      ii[C_TO * n + k] = typeof cfg['to'] === 'string' ? ctx.indexOf(cfg['to']) : -1;
      ii[C_FROM_LEVEL * n + k] = from >= 0 ? tanks.levelSignal(from) : -1;
    }
    this.#inflow = tanks.inflow;
    this.#outflow = tanks.outflow;
    this.#values = ctx.values;
    this.#kernel = ctx.kernel(valveKernel, LAYOUT, this.n, this.#m, this.#f, this.#i, this.#inflow, this.#outflow, this.#values);
  }

  reset(values: Float64Array): void {
    const n = this.n;
    column(this.#f, C_X, n).fill(0);
    for (let k = 0; k < n; k++) {
      const b = this.#i[C_SIG * n + k]!;
      for (let j = OPEN; j <= FLOW; j++) values[b + j] = 0;
      values[b + CLOSED] = 1;
    }
  }

  state(): (Float64Array | Int32Array)[] {
    return [this.#f, this.#i];
  }

  readonly #inflow: Float64Array;
  readonly #outflow: Float64Array;
  readonly #values: Float64Array;
  readonly #kernel: KernelSlot<[k0: number, k1: number]>;

  /** Step the valves of this tick's phase of the process slice. On the model's own compiled kernel once it has one (kernel.ts). */
  step(tick: number): void {
    if (this.n === 0) return;
    const own = this.#kernel.own;
    const phase = tick % this.#m;
    const k0 = phaseFrom(this.n, this.#m, phase);
    const k1 = phaseFrom(this.n, this.#m, phase + 1);
    if (own !== null) own(k0, k1);
    else valveKernel(this.n, this.#m, this.#f, this.#i, this.#inflow, this.#outflow, this.#values, k0, k1);
  }
}

/** Offsets and constants the kernel needs (it cannot see this module's bindings). */
const LAYOUT = { CLOSED, COMMAND, C_FROM, C_FROM_LEVEL, C_KV, C_PROP, C_P_IN, C_P_OUT, C_RATE, C_SIG, C_TO, C_X, FLOW, OPEN, OPENED, OPENING, RHO_G_BAR };

/** The step: the model's shared code, or its own compiled copy (specialize(), kernel.ts). */
function valveKernel(
  n: number,
  m: number,
  f: Float64Array,
  ii: Int32Array,
  inflow: Float64Array,
  outflow: Float64Array,
  values: Float64Array,
  k0: number,
  k1: number,
): void {
  for (let k = k0; k < k1; k++) {
    const b = ii[C_SIG * n + k]!;
    let u = ii[C_PROP * n + k] === 1 ? values[b + COMMAND]! / 100 : values[b + OPEN] !== 0 ? 1 : 0;
    if (!(u > 0)) u = 0;
    else if (u > 1) u = 1;
    const x0 = f[C_X * n + k]!;
    const rate = f[C_RATE * n + k]!;
    const x = u > x0 ? (u - x0 > rate ? x0 + rate : u) : x0 - u > rate ? x0 - rate : u;
    f[C_X * n + k] = x;
    const fl = ii[C_FROM_LEVEL * n + k]!;
    const head = fl >= 0 ? values[fl]! : 0;
    const dp = head * RHO_G_BAR + f[C_P_IN * n + k]! - f[C_P_OUT * n + k]!;
    const dry = fl >= 0 && !(head > 0);
    const q = x > 0 && dp > 0 && !dry ? f[C_KV * n + k]! * x * Math.sqrt(dp) : 0;
    const from = ii[C_FROM * n + k]!;
    const to = ii[C_TO * n + k]!;
    if (from >= 0) outflow[from] += q * m;
    if (to >= 0) inflow[to] += q * m;
    values[b + OPENING] = x * 100;
    values[b + OPENED] = x >= 1 ? 1 : 0;
    values[b + CLOSED] = x <= 0 ? 1 : 0;
    values[b + FLOW] = q * 3600;
  }
}
