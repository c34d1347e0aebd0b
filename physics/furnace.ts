// Heated zones (furnaces): a lumped thermal mass heated by elements through a dead time, losing
// heat to ambient and, optionally, to a cooling circuit fed by a pump; items carried through
// the zone on a conveyor absorb heat (their temperature and dwell time are quality attributes).
//   C dT/dt = P_heater(t - deadTime) - UA (T - ambient) - P_items - P_cooling
// First order with dead time: time constant tau = C / UA, steady rise P / UA. docs/physics.md.

import type { BuildContext, ComponentType } from './component.ts';
import { column, readNumber } from './component.ts';
import type { KernelSlot } from './kernel.ts';
import { PhasePower, phaseFrom } from './time-slice.ts';
import type { ItemPool } from './items.ts';
import { CAP, COUNT, DWELL, HEAD, LENGTH, START, TEMP } from './items.ts';
import type { Pumps } from './pump.ts';

/** Catalog entry for furnaces (defaults: a small 300 kW reheating zone, tau 1000 s). */
export const furnaceType: ComponentType = {
  type: 'furnace',
  description: 'Heated zone: first order with dead time, heater power, losses, items passing through, optional cooling',
  params: {
    conveyor: { kind: 'ref', targets: ['conveyor'], optional: true, description: 'Conveyor carrying items through the zone. Default: none (an empty zone)' },
    start: { kind: 'number', unit: 'm', default: 0, minimum: 0, description: 'Zone entry, from the conveyor start' },
    end: { kind: 'number', unit: 'm', defaultText: 'the conveyor length', minimum: 0, description: 'Zone exit, from the conveyor start' },
    maxPower: { kind: 'number', unit: 'kW', default: 300, exclusiveMinimum: 0, description: 'Heater power at 100 %' },
    capacity: { kind: 'number', unit: 'kJ/K', default: 400, exclusiveMinimum: 0, description: 'Heat capacity of the zone (lining, atmosphere)' },
    lossCoefficient: { kind: 'number', unit: 'kW/K', default: 0.4, exclusiveMinimum: 0, description: 'Heat loss to ambient per kelvin above it (UA)' },
    deadTime: { kind: 'number', unit: 's', default: 5, minimum: 0, description: 'Delay between heater power and its effect on the zone' },
    ambient: { kind: 'number', unit: '°C', default: 25, description: 'Ambient temperature, also the initial zone temperature' },
    itemMass: { kind: 'number', unit: 'kg', default: 20, exclusiveMinimum: 0, description: 'Mass of one item' },
    itemHeatCapacity: { kind: 'number', unit: 'kJ/(kg K)', default: 0.5, exclusiveMinimum: 0, description: 'Specific heat of the items (steel ~0.5)' },
    itemTransfer: { kind: 'number', unit: 'kW/K', default: 0.05, minimum: 0, description: 'Heat transfer zone -> one item per kelvin (hA)' },
    coolant: { kind: 'ref', targets: ['pump'], optional: true, description: 'Pump feeding the cooling circuit (door, rolls). Default: none' },
    coolingCoefficient: { kind: 'number', unit: 'kW/K', default: 0.1, minimum: 0, description: 'Heat removed per kelvin above the coolant at the pump rated flow; scales with flow' },
    coolantTemperature: { kind: 'number', unit: '°C', default: 25, description: 'Coolant temperature' },
  },
  signals: [
    { field: 'power', type: 'real', kind: 'actuator', unit: '%', description: 'Heater power command, 0..100 %' },
    { field: 'temperature', type: 'real', kind: 'sensor', unit: '°C', description: 'Zone temperature' },
    { field: 'heaterPower', type: 'real', kind: 'state', unit: 'kW', description: 'Electrical heater power' },
    { field: 'energy', type: 'real', kind: 'state', unit: 'kWh', description: 'Heater energy since reset' },
    { field: 'load', type: 'real', kind: 'state', unit: 'kW', description: 'Heat taken up by the items in the zone' },
    { field: 'cooling', type: 'real', kind: 'state', unit: 'kW', description: 'Heat removed by the cooling circuit' },
    { field: 'items', type: 'int', kind: 'state', unit: '', description: 'Items in the zone' },
  ],
  check(cfg, path, ctx, out) {
    const conv = cfg['conveyor'];
    const end = cfg['end'];
    const c = typeof conv === 'string' ? ctx.byId(conv) : undefined;
    const len = c !== undefined && typeof c['length'] === 'number' ? c['length'] : undefined;
    const start = typeof cfg['start'] === 'number' ? cfg['start'] : 0;
    if (typeof end === 'number' && !(end > start)) out.push({ path: `${path}.end`, message: `is ${end} m, not beyond start ${start} m` });
    if (typeof end === 'number' && len !== undefined && end > len) out.push({ path: `${path}.end`, message: `is ${end} m, beyond the end of conveyor ${String(conv)} (length ${len} m)` });
  },
};

const POWER_CMD = 0;
const TEMPERATURE = 1;
const HEATER_POWER = 2;
const ENERGY = 3;
const LOAD = 4;
const COOLING = 5;
const ITEMS = 6;

const C_T = 0; // state, °C
const C_K = 1; // 1 - e^(-dt/tau)
const C_INV_UA = 2; // K/kW
const C_PMAX = 3; // kW
const C_AMB = 4;
const C_START = 5;
const C_END = 6;
const C_K_ITEM = 7; // 1 - e^(-dt/tau_item)
const C_MC_DT = 8; // item m c / dt, kW/K
const C_COOL_UA = 9; // kW/K per (m³/h of coolant)
const C_T_COOL = 10;
const C_HEATER = 11; // fault: heater factor (1 healthy)
const C_ENERGY = 12; // state, kWh
const C_DT = 13;
const F_COLS = 14;

const C_SIG = 0;
const C_CONV = 1; // conveyor index, -1
const C_COOL_SIG = 2; // pump flow signal, -1
const C_BUF = 3; // dead-time ring: start in the shared buffer
const C_BUF_N = 4; // length (0: no dead time)
const C_BUF_POS = 5; // state
const I_COLS = 6;

/** All furnaces of a line; step after the conveyors (items are where this step put them). */
export class Furnaces {
  readonly n: number;
  readonly #f: Float64Array;
  readonly #i: Int32Array;
  /** Dead-time rings of all furnaces, kW of heater power. */
  readonly #buf: Float64Array;
  readonly #power: PhasePower;
  readonly totalPower = new Float64Array(1);

  constructor(ctx: BuildContext, pool: ItemPool, pumps: Pumps) {
    const placed = ctx.of('furnace');
    const n = placed.length;
    this.n = n;
    const m = ctx.processTicks;
    this.#power = new PhasePower(m);
    // Coefficients for the slice's step, m dt (the exact discretisation holds for any step).
    const dt = ctx.dt * m;
    this.#f = new Float64Array(F_COLS * n);
    this.#i = new Int32Array(I_COLS * n);
    const f = this.#f;
    const ii = this.#i;
    let buf = 0;
    for (let k = 0; k < n; k++) {
      const { cfg, path } = placed[k]!;
      const num = (name: string, fb?: number): number => readNumber(cfg, furnaceType, name, path, fb);
      const ua = num('lossCoefficient');
      f[C_K * n + k] = -Math.expm1(-(dt * ua) / num('capacity'));
      f[C_INV_UA * n + k] = 1 / ua;
      f[C_PMAX * n + k] = num('maxPower');
      f[C_AMB * n + k] = num('ambient');
      const mc = num('itemMass') * num('itemHeatCapacity');
      const ha = num('itemTransfer');
      f[C_K_ITEM * n + k] = ha > 0 ? -Math.expm1(-(dt * ha) / mc) : 0;
      f[C_MC_DT * n + k] = mc / dt;
      f[C_T_COOL * n + k] = num('coolantTemperature');
      f[C_DT * n + k] = dt;
      const convId = cfg['conveyor'];
      const c = typeof convId === 'string' ? ctx.indexOf(convId) : -1;
      ii[C_CONV * n + k] = c;
      const convLen = c >= 0 ? pool.convLength[c]! : 0;
      f[C_START * n + k] = num('start');
      f[C_END * n + k] = num('end', convLen);
      const coolant = cfg['coolant'];
      const p = typeof coolant === 'string' ? ctx.indexOf(coolant) : -1;
      ii[C_COOL_SIG * n + k] = p >= 0 ? pumps.flowSignal(p) : -1;
      f[C_COOL_UA * n + k] = p >= 0 ? num('coolingCoefficient') / pumps.ratedFlow(p) : 0;
      ii[C_SIG * n + k] = ctx.signal(cfg.id, 'power');
      const len = Math.round(num('deadTime') / dt);
      ii[C_BUF * n + k] = buf;
      ii[C_BUF_N * n + k] = len;
      buf += len;
    }
    this.#buf = new Float64Array(buf);
    this.#m = m;
    this.#pool = pool;
    this.#values = ctx.values;
    this.#dtHours = dt / 3600;
    this.#kernel = ctx.kernel(furnaceKernel, LAYOUT, this.n, this.#f, this.#i, this.#buf, this.#pool, this.#values, this.#power, this.totalPower, this.#dtHours);
  }

  /** Heater-lost fault: heater power x (1 - severity). */
  setHeaterLoss(k: number, severity: number): void {
    this.#f[C_HEATER * this.n + k] = 1 - severity;
  }

  reset(values: Float64Array): void {
    const n = this.n;
    column(this.#f, C_T, n).set(column(this.#f, C_AMB, n));
    column(this.#f, C_ENERGY, n).fill(0);
    column(this.#f, C_HEATER, n).fill(1);
    column(this.#i, C_BUF_POS, n).fill(0);
    this.#buf.fill(0);
    this.totalPower[0] = 0;
    this.#power.reset();
    for (let k = 0; k < n; k++) {
      const b = this.#i[C_SIG * n + k]!;
      for (let j = POWER_CMD; j <= ITEMS; j++) values[b + j] = 0;
      values[b + TEMPERATURE] = this.#f[C_AMB * n + k]!;
    }
  }

  state(): (Float64Array | Int32Array)[] {
    return [this.#f, this.#i, this.#buf, this.totalPower, this.#power.parts];
  }

  readonly #m: number;
  readonly #pool: ItemPool;
  readonly #values: Float64Array;
  readonly #dtHours: number;
  readonly #kernel: KernelSlot<[phase: number, k0: number, k1: number]>;

  /** Step the furnaces of this tick's phase of the process slice. On the model's own compiled kernel once it has one (kernel.ts). */
  step(tick: number): void {
    if (this.n === 0) return;
    const own = this.#kernel.own;
    const phase = tick % this.#m;
    const k0 = phaseFrom(this.n, this.#m, phase);
    const k1 = phaseFrom(this.n, this.#m, phase + 1);
    if (own !== null) own(phase, k0, k1);
    else furnaceKernel(this.n, this.#f, this.#i, this.#buf, this.#pool, this.#values, this.#power, this.totalPower, this.#dtHours, phase, k0, k1);
  }
}

/** Offsets the furnace kernel needs (it cannot see this module's constants). */
const LAYOUT = { POWER_CMD, TEMPERATURE, HEATER_POWER, ENERGY, LOAD, COOLING, ITEMS, C_T, C_K, C_INV_UA, C_PMAX, C_AMB, C_START, C_END, C_K_ITEM, C_MC_DT, C_COOL_UA, C_T_COOL, C_HEATER, C_ENERGY, C_DT, C_SIG, C_CONV, C_COOL_SIG, C_BUF, C_BUF_N, C_BUF_POS, CAP, COUNT, DWELL, HEAD, LENGTH, START, TEMP };

/** The furnaces' step: the model's shared code, or its own compiled copy (specialize(), kernel.ts). */
function furnaceKernel(
  n: number,
  f: Float64Array,
  ii: Int32Array,
  buf: Float64Array,
  pool: ItemPool,
  values: Float64Array,
  power: PhasePower,
  totalPower: Float64Array,
  dtHours: number,
  phase: number,
  k0: number,
  k1: number,
): void {
  const ring = pool.ring, slots = pool.slots, itemF = pool.f, offset = pool.offset, conv = pool.conveyors, cap = pool.capacity;
  const oCount = COUNT * conv, oStart = START * conv, oCap = CAP * conv, oHead = HEAD * conv;
  const oLen = LENGTH * cap, oTemp = TEMP * cap, oDwell = DWELL * cap;
  let total = 0;
  for (let k = k0; k < k1; k++) {
    const b = ii[C_SIG * n + k]!;
    let u = values[b + POWER_CMD]! / 100;
    if (!(u > 0)) u = 0;
    else if (u > 1) u = 1;
    const pe = u * f[C_PMAX * n + k]! * f[C_HEATER * n + k]!;
    // Dead time: the ring hands back the power of deadTime ago and keeps this step's.
    let pd = pe;
    const len = ii[C_BUF_N * n + k]!;
    if (len > 0) {
      const at = ii[C_BUF * n + k]! + ii[C_BUF_POS * n + k]!;
      pd = buf[at]!;
      buf[at] = pe;
      const pos = ii[C_BUF_POS * n + k]! + 1;
      ii[C_BUF_POS * n + k] = pos === len ? 0 : pos;
    }
    const t0 = f[C_T * n + k]!;
    const c = ii[C_CONV * n + k]!;
    // Heat the items whose centre is in the zone towards the zone temperature (exact
    // first-order step); the power they take up (kW) is the zone's load.
    let load = 0;
    if (c >= 0) {
      const count = ring[oCount + c]!;
      let inZone = 0;
      if (count > 0) {
        const lo = f[C_START * n + k]!;
        const hi = f[C_END * n + k]!;
        const kItem = f[C_K_ITEM * n + k]!;
        const dtItem = f[C_DT * n + k]!;
        const start = ring[oStart + c]!;
        const ringCap = ring[oCap + c]!;
        const off = offset[c]!;
        let j = ring[oHead + c]!;
        for (let q = 0; q < count; q++) {
          const s = slots[start + j]!;
          const centre = itemF[s]! + off - 0.5 * itemF[oLen + s]!;
          if (++j === ringCap) j = 0;
          // Front-most first: centres only decrease.
          if (centre < lo) break;
          if (centre > hi) continue;
          const ti = itemF[oTemp + s]!;
          const d = (t0 - ti) * kItem;
          itemF[oTemp + s] = ti + d;
          itemF[oDwell + s] += dtItem;
          load += d;
          inZone++;
        }
        load *= f[C_MC_DT * n + k]!;
      }
      values[b + ITEMS] = inZone;
    }
    const cs = ii[C_COOL_SIG * n + k]!;
    let cooling = 0;
    if (cs >= 0) {
      const dT = t0 - f[C_T_COOL * n + k]!;
      cooling = f[C_COOL_UA * n + k]! * values[cs]! * dT;
    }
    // Exact step of the lag towards the equilibrium of this step's net power.
    const teq = f[C_AMB * n + k]! + (pd - load - cooling) * f[C_INV_UA * n + k]!;
    const t = t0 + (teq - t0) * f[C_K * n + k]!;
    f[C_T * n + k] = t;
    const e = f[C_ENERGY * n + k]! + pe * dtHours;
    f[C_ENERGY * n + k] = e;
    values[b + TEMPERATURE] = t;
    values[b + HEATER_POWER] = pe;
    values[b + ENERGY] = e;
    values[b + LOAD] = load;
    values[b + COOLING] = cooling;
    total += pe;
  }
  power.parts[phase] = total;
  power.sumInto(totalPower);
}
