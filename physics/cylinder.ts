// Pneumatic cylinders with their solenoid valve: single-acting (spring return, 3/2 valve) or
// double-acting (5/2 valve). The piston speed grows with the net force — supply pressure on
// the piston area minus the load (and the spring) — so stroke time depends on pressure and
// load; air drawn while moving is charged to the compressor that feeds it. End switches at
// both ends. Equations in docs/physics.md.

import type { BuildContext, ComponentType } from './component.ts';
import { column, readChoice, readNumber } from './component.ts';
import type { KernelSlot } from './kernel.ts';
import { P_ATM } from './compressor.ts';
import type { Compressors } from './compressor.ts';

/** Stroke fractions this close to an end snap onto it. */
const END_SNAP = 1e-9;

/** Catalog entry for cylinders (defaults: a 50 mm bore, 200 mm stroke ISO cylinder). */
export const cylinderType: ComponentType = {
  type: 'cylinder',
  description: 'Pneumatic cylinder with its solenoid valve, single- or double-acting, with end switches',
  params: {
    acting: { kind: 'string', enum: ['double', 'single'], optional: true, description: 'double: 5/2 valve, pressure both ways; single: 3/2 valve, spring return' },
    air: { kind: 'ref', targets: ['compressor'], optional: true, description: 'Compressor whose receiver supplies the air. Default: a constant supplyPressure' },
    supplyPressure: { kind: 'number', unit: 'bar', default: 6, minimum: 0, description: 'Supply gauge pressure when no compressor is given' },
    bore: { kind: 'number', unit: 'mm', default: 50, exclusiveMinimum: 0, description: 'Piston diameter' },
    stroke: { kind: 'number', unit: 'm', default: 0.2, exclusiveMinimum: 0, description: 'Stroke length' },
    strokeTime: { kind: 'number', unit: 's', default: 0.5, exclusiveMinimum: 0, description: 'Stroke time at ratedPressure with no load (flow-control setting)' },
    ratedPressure: { kind: 'number', unit: 'bar', default: 6, exclusiveMinimum: 0, description: 'Gauge pressure at which strokeTime holds' },
    load: { kind: 'number', unit: 'N', default: 0, minimum: 0, description: 'Load force opposing the outward stroke' },
    springForce: { kind: 'number', unit: 'N', default: 100, minimum: 0, description: 'Return spring force (single-acting only)' },
    valveTime: { kind: 'number', unit: 's', default: 0.01, minimum: 0, description: 'Solenoid valve switching time: the piston starts this long after the coil changes' },
  },
  signals: [
    { field: 'extend', type: 'bool', kind: 'actuator', unit: '', description: 'Solenoid coil: extend while true' },
    { field: 'extended', type: 'bool', kind: 'sensor', unit: '', description: 'End switch at full stroke' },
    { field: 'retracted', type: 'bool', kind: 'sensor', unit: '', description: 'End switch at rest' },
    { field: 'position', type: 'real', kind: 'state', unit: '', description: 'Stroke fraction, 0 retracted .. 1 extended' },
    { field: 'airFlow', type: 'real', kind: 'state', unit: 'l/min', description: 'Free air drawn' },
  ],
};

const EXTEND = 0;
const EXTENDED = 1;
const RETRACTED = 2;
const POSITION = 3;
const AIR_FLOW = 4;

const C_X = 0; // state: stroke fraction
const C_VREF = 1; // stroke fraction per step at the reference force (dt / strokeTime)
const C_INV_FREF = 2; // 1 / (ratedPressure x area), 1/N
const C_AREA = 3; // m² x 1e5: N per bar
const C_LOAD = 4; // N
const C_SPRING = 5; // N (0 for double-acting)
const C_P = 6; // constant supply pressure, bar
const C_AIR_PER_X = 7; // free air per stroke fraction per bar abs, m³: area x stroke / P_ATM
const C_SLOW = 8; // fault: speed factor (1 healthy)
const C_LEAK = 9; // fault: leak, free air m³/s
const C_VALVE = 10; // state: time since the coil changed, s
const C_VALVE_TIME = 11;
const F_COLS = 12;

const C_SIG = 0;
const C_AIR = 1; // compressor index, -1
const C_P_SIG = 2; // compressor pressure signal id, -1
const C_SINGLE = 3; // 1 single-acting
const C_COIL = 4; // state: coil as the valve last saw it
const I_COLS = 5;

/** All cylinders of a line. Step them before the compressors: they add their draw to the demand. */
export class Cylinders {
  readonly n: number;
  readonly #f: Float64Array;
  readonly #i: Int32Array;

  constructor(ctx: BuildContext, air: Compressors) {
    const placed = ctx.of('cylinder');
    const n = placed.length;
    this.n = n;
    this.#f = new Float64Array(F_COLS * n);
    this.#i = new Int32Array(I_COLS * n);
    const f = this.#f;
    const ii = this.#i;
    for (let k = 0; k < n; k++) {
      const { cfg, path } = placed[k]!;
      const num = (name: string): number => readNumber(cfg, cylinderType, name, path);
      const area = (Math.PI / 4) * (num('bore') / 1000) ** 2;
      const single = readChoice(cfg, cylinderType, 'acting', path) === 'single';
      f[C_VREF * n + k] = ctx.dt / num('strokeTime');
      f[C_INV_FREF * n + k] = 1 / (num('ratedPressure') * area * 1e5);
      f[C_AREA * n + k] = area * 1e5;
      f[C_LOAD * n + k] = num('load');
      f[C_SPRING * n + k] = single ? num('springForce') : 0;
      f[C_P * n + k] = num('supplyPressure');
      f[C_AIR_PER_X * n + k] = (area * num('stroke')) / P_ATM;
      f[C_VALVE_TIME * n + k] = num('valveTime');
      ii[C_SIG * n + k] = ctx.signal(cfg.id, 'extend');
      const a = cfg['air'];
      const ci = typeof a === 'string' ? ctx.indexOf(a) : -1;
      ii[C_AIR * n + k] = ci;
      ii[C_P_SIG * n + k] = ci >= 0 ? air.pressureSignal(ci) : -1;
      ii[C_SINGLE * n + k] = single ? 1 : 0;
    }
    this.#values = ctx.values;
    this.#demand = air.demand;
    this.#dt = ctx.dt;
    this.#kernel = ctx.kernel(cylinderKernel, LAYOUT, this.n, this.#f, this.#i, this.#values, this.#demand, this.#dt);
  }

  reset(values: Float64Array): void {
    const n = this.n;
    for (const c of [C_X, C_LEAK]) column(this.#f, c, n).fill(0);
    column(this.#f, C_SLOW, n).fill(1);
    column(this.#f, C_VALVE, n).set(column(this.#f, C_VALVE_TIME, n));
    column(this.#i, C_COIL, n).fill(0);
    for (let k = 0; k < n; k++) {
      const b = this.#i[C_SIG * n + k]!;
      for (let j = EXTEND; j <= AIR_FLOW; j++) values[b + j] = 0;
      values[b + RETRACTED] = 1;
    }
  }

  /** Put cylinder k at stroke fraction x (shadow re-sync on an end switch); true when it moved. */
  setStroke(k: number, x: number): boolean {
    const at = C_X * this.n + k;
    const v = x < 0 ? 0 : x > 1 ? 1 : x;
    if (this.#f[at] === v) return false;
    this.#f[at] = v;
    return true;
  }

  /** Slow-cylinder fault: speed x (1 - severity). */
  setSlow(k: number, severity: number): void {
    this.#f[C_SLOW * this.n + k] = 1 - severity;
  }

  /** Leak fault: severity x one full-stroke volume of free air per second at 6 bar (0 clears). */
  setLeak(k: number, severity: number): void {
    const n = this.n;
    this.#f[C_LEAK * n + k] = severity * this.#f[C_AIR_PER_X * n + k]! * (6 + P_ATM);
  }

  state(): (Float64Array | Int32Array)[] {
    return [this.#f, this.#i];
  }

  readonly #values: Float64Array;
  readonly #demand: Float64Array;
  readonly #dt: number;
  readonly #kernel: KernelSlot<[]>;

  /** On the model's own compiled kernel once it has one (kernel.ts). */
  step(): void {
    if (this.n === 0) return;
    const own = this.#kernel.own;
    if (own !== null) own();
    else cylinderKernel(this.n, this.#f, this.#i, this.#values, this.#demand, this.#dt);
  }
}

/** Offsets and constants the kernel needs (it cannot see this module's bindings). */
const LAYOUT = { EXTEND, EXTENDED, RETRACTED, POSITION, AIR_FLOW, C_X, C_VREF, C_INV_FREF, C_AREA, C_LOAD, C_SPRING, C_P, C_AIR_PER_X, C_SLOW, C_LEAK, C_VALVE, C_VALVE_TIME, C_SIG, C_AIR, C_P_SIG, C_SINGLE, C_COIL, END_SNAP, P_ATM };

/** The cylinders' step: the model's shared code, or its own compiled copy (specialize(), kernel.ts). */
function cylinderKernel(
  n: number,
  f: Float64Array,
  ii: Int32Array,
  values: Float64Array,
  demand: Float64Array,
  dt: number,
): void {
    for (let k = 0; k < n; k++) {
      const b = ii[C_SIG * n + k]!;
      const coil = values[b + EXTEND] !== 0 ? 1 : 0;
      // The valve spool needs valveTime to switch: the piston keeps its old direction until then.
      let tv = f[C_VALVE * n + k]!;
      if (coil !== ii[C_COIL * n + k]) {
        ii[C_COIL * n + k] = coil;
        tv = 0;
      }
      // Switched once valveTime has fully elapsed: the piston moves from the step after it.
      const switched = tv >= f[C_VALVE_TIME * n + k]! - 1e-12;
      const x0 = f[C_X * n + k]!;
      // At rest at the end the valve drives it to, not leaking, its outputs showing just that
      // (a re-sync may have moved it): nothing moves, nothing is drawn, every output holds.
      if (switched && x0 === coil && f[C_LEAK * n + k] === 0 && values[b + AIR_FLOW] === 0 && values[b + POSITION] === x0) continue;
      if (!switched) tv += dt;
      f[C_VALVE * n + k] = tv;
      const outward = switched ? coil === 1 : coil === 0;
      const ps = ii[C_P_SIG * n + k]!;
      const p = ps >= 0 ? values[ps]! : f[C_P * n + k]!;
      const single = ii[C_SINGLE * n + k] === 1;
      // Net force: extend p A - load - spring; retract: p A (double) or the spring (single).
      const force = outward ? p * f[C_AREA * n + k]! - f[C_LOAD * n + k]! - f[C_SPRING * n + k]! : single ? f[C_SPRING * n + k]! : p * f[C_AREA * n + k]!;
      let x = x0;
      let air = f[C_LEAK * n + k]!;
      if (force > 0 && (outward ? x0 < 1 : x0 > 0)) {
        const dx = f[C_VREF * n + k]! * force * f[C_INV_FREF * n + k]! * f[C_SLOW * n + k]!;
        x = outward ? x0 + dx : x0 - dx;
        if (x >= 1 - END_SNAP) x = 1;
        else if (x <= END_SNAP) x = 0;
        // Filling the driving chamber: area x travel at supply pressure, as free air.
        if (outward || !single) air += ((x > x0 ? x - x0 : x0 - x) * f[C_AIR_PER_X * n + k]! * (p + P_ATM)) / dt;
      }
      f[C_X * n + k] = x;
      const ci = ii[C_AIR * n + k]!;
      if (ci >= 0) demand[ci] += air;
      values[b + POSITION] = x;
      values[b + EXTENDED] = x === 1 ? 1 : 0;
      values[b + RETRACTED] = x === 0 ? 1 : 0;
      values[b + AIR_FLOW] = air * 60000;
    }
}
