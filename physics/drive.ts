// Drives: VFD-fed induction gearmotors. The command (run, setpoint, direction) passes the
// VFD's linear ramps, then speed follows it with a first-order lag; current, electrical power,
// energy and winding temperature follow from a per-unit torque made of a base load, the items
// on the driven conveyors, a jam and acceleration. Overload protection trips after a set time
// above its current and holds until reset; bearing wear advances with speed and torque and
// shows as vibration. Equations and defaults are in docs/physics.md.

import type { BuildContext, ComponentType } from './component.ts';
import { column, readNumber } from './component.ts';
import type { KernelSlot } from './kernel.ts';
import { phaseFrom } from './time-slice.ts';

/** Catalog entry: parameters (defaults for a 0.37 kW conveyor gearmotor) and signals. */
export const driveType: ComponentType = {
  type: 'drive',
  description: 'VFD-fed induction motor driving one or more conveyors',
  params: {
    ratedFrequency: { kind: 'number', unit: 'Hz', default: 50, exclusiveMinimum: 0, description: 'Rated (nameplate) frequency' },
    maxFrequency: { kind: 'number', unit: 'Hz', defaultText: 'ratedFrequency', exclusiveMinimum: 0, description: 'Highest frequency the VFD outputs; setpoints are clamped to [0, maxFrequency]' },
    ratedCurrent: { kind: 'number', unit: 'A', default: 1.05, exclusiveMinimum: 0, description: 'Rated current at rated torque' },
    noLoadCurrent: { kind: 'number', unit: 'A', default: 0.65, minimum: 0, description: 'Magnetising (no-load) current; must be below ratedCurrent' },
    ratedPower: { kind: 'number', unit: 'kW', default: 0.37, exclusiveMinimum: 0, description: 'Rated mechanical output power at rated frequency and torque' },
    efficiency: { kind: 'number', unit: '', default: 0.7, exclusiveMinimum: 0, maximum: 1, description: 'Efficiency of motor and gearbox, mechanical out / electrical in' },
    noLoadLoss: { kind: 'number', unit: 'kW', default: 0.03, minimum: 0, description: 'Electrical loss while energised (iron, VFD standby)' },
    tau: { kind: 'number', unit: 's', default: 0.15, exclusiveMinimum: 0, description: 'Time constant of the speed response (VFD ramp and inertia)' },
    thermalTau: { kind: 'number', unit: 's', default: 1200, exclusiveMinimum: 0, description: 'Thermal time constant of the winding' },
    ratedTempRise: { kind: 'number', unit: 'K', default: 60, minimum: 0, description: 'Steady winding temperature rise at rated current' },
    ambient: { kind: 'number', unit: '°C', default: 25, description: 'Ambient temperature, also the initial winding temperature' },
    baseLoad: { kind: 'number', unit: 'pu', default: 0.3, minimum: 0, description: 'Torque of the empty conveyors (friction), per unit of rated torque' },
    loadPerItem: { kind: 'number', unit: 'pu', default: 0.02, minimum: 0, description: 'Torque added by each item on the driven conveyors, per unit' },
    accelTorque: { kind: 'number', unit: 'pu', default: 0.5, minimum: 0, description: 'Acceleration torque for a full step of the command, per unit; scales with (command - speed) / ratedFrequency' },
    rampUp: { kind: 'number', unit: 's', default: 0, minimum: 0, description: 'VFD acceleration ramp, 0 to ratedFrequency; 0 = no ramp limit' },
    rampDown: { kind: 'number', unit: 's', default: 0, minimum: 0, description: 'VFD deceleration ramp, ratedFrequency to 0; 0 = no ramp limit' },
    overloadCurrent: { kind: 'number', unit: 'pu', default: 1.2, exclusiveMinimum: 0, description: 'Overload relay pick-up, per unit of ratedCurrent' },
    overloadTime: { kind: 'number', unit: 's', default: 10, exclusiveMinimum: 0, description: 'Time above overloadCurrent after which the relay trips' },
    jamTorque: { kind: 'number', unit: 'pu', default: 2.5, minimum: 0, description: 'Torque added while a driven conveyor is jammed (fault), per unit' },
    wearRate: { kind: 'number', unit: '1/h', default: 0.0001, minimum: 0, description: 'Bearing wear per hour at rated speed and rated torque (grows with speed x torque^2)' },
    vibrationBase: { kind: 'number', unit: 'mm/s', default: 1, minimum: 0, description: 'Vibration RMS of a new bearing at rated speed' },
    vibrationPerWear: { kind: 'number', unit: 'mm/s', default: 10, minimum: 0, description: 'Vibration RMS added per unit of wear at rated speed' },
  },
  signals: [
    { field: 'run', type: 'bool', kind: 'actuator', unit: '', description: 'Run command' },
    { field: 'setpoint', type: 'real', kind: 'actuator', unit: 'Hz', description: 'Frequency setpoint' },
    { field: 'speed', type: 'real', kind: 'sensor', unit: 'Hz', description: 'Output frequency (motor speed)' },
    { field: 'running', type: 'bool', kind: 'sensor', unit: '', description: 'Speed above 1 % of rated frequency' },
    { field: 'current', type: 'real', kind: 'state', unit: 'A', description: 'Motor current' },
    { field: 'power', type: 'real', kind: 'state', unit: 'kW', description: 'Electrical input power' },
    { field: 'energy', type: 'real', kind: 'state', unit: 'kWh', description: 'Electrical energy since reset' },
    { field: 'temperature', type: 'real', kind: 'state', unit: '°C', description: 'Winding temperature' },
    { field: 'reverse', type: 'bool', kind: 'actuator', unit: '', description: 'Direction: run backwards while true' },
    { field: 'reset', type: 'bool', kind: 'actuator', unit: '', description: 'Overload reset: a rising edge clears a trip' },
    { field: 'tripped', type: 'bool', kind: 'sensor', unit: '', description: 'Overload relay tripped; the drive coasts to rest until reset' },
    { field: 'overloads', type: 'int', kind: 'state', unit: '', description: 'Overload trips since reset' },
    { field: 'wear', type: 'real', kind: 'state', unit: '', description: 'Bearing wear, 0 new, 1 worn out' },
    { field: 'vibration', type: 'real', kind: 'state', unit: 'mm/s', description: 'Bearing vibration RMS' },
  ],
  check(cfg, path, _ctx, out) {
    const i0 = cfg['noLoadCurrent'];
    const rated = typeof cfg['ratedCurrent'] === 'number' ? cfg['ratedCurrent'] : 1.05;
    if (typeof i0 === 'number' && i0 >= rated) {
      out.push({ path: `${path}.noLoadCurrent`, message: `is ${i0} A, not below ratedCurrent ${rated} A` });
    }
  },
};

// Offsets of each signal from the drive's first one: the order of driveType.signals. The model
// guarantees a component's signals are contiguous, so one base id per drive addresses all eight.
const RUN = 0;
const SETPOINT = 1;
const SPEED = 2;
const RUNNING = 3;
const CURRENT = 4;
const POWER = 5;
const ENERGY = 6;
const TEMPERATURE = 7;
const REVERSE = 8;
const RESET = 9;
const TRIPPED = 10;
const OVERLOADS = 11;
const WEAR = 12;
const VIBRATION = 13;

// Float64 columns: parameters folded at build into the factors the loop needs, then state.
const C_MAX_F = 0;
const C_K_SPEED = 1; // 1 - e^(-dt/tau)
const C_K_THERM = 2; // 1 - e^(-m dt/thermalTau): over one process slice of m steps (time-slice.ts)
const C_RUN_THRESHOLD = 3; // Hz, 1 % of rated frequency
const C_I0N2 = 4; // (noLoadCurrent / ratedCurrent)^2
const C_RATED_I = 5; // A
const C_ELEC_PER_HZ = 6; // kW per (pu torque x Hz): ratedPower / ratedFrequency / efficiency
const C_NO_LOAD = 7; // kW
const C_BASE = 8; // pu
const C_PER_ITEM = 9; // pu per item
const C_ACCEL_PER_HZ = 10; // pu per Hz of (command - speed)
const C_AMBIENT = 11; // °C
const C_RISE = 12; // K at rated current
const C_SPEED = 13; // state: Hz
const C_ENERGY = 14; // state: kWh
const C_TEMP = 15; // state: °C
const C_RAMP_UP = 16; // Hz per step, Infinity for no ramp
const C_RAMP_DOWN = 17;
const C_RAMP = 18; // state: ramped command, Hz (signed)
const C_OL_I2 = 19; // (overloadCurrent)^2, pu^2, compared with r2
const C_OL_TIME = 20; // s
const C_OL_ACC = 21; // state: s spent above pick-up (counts down below it)
const C_JAM = 22; // fault: pu of torque added (jamTorque while jammed, else 0)
const C_JAM_TORQUE = 23; // pu
const C_WEAR_K = 24; // wear per (pu speed x pu torque^2) per process slice (one step without a slice)
const C_WEAR_MULT = 25; // fault: wear-rate multiplier, 1 when healthy
const C_WEAR = 26; // state
const C_VIB0 = 27; // mm/s per pu speed
const C_VIB_W = 28; // mm/s per pu speed per unit wear
const C_INV_FR = 29; // 1 / ratedFrequency
// Steady state (see the kernel): what the last full step computed, valid while C_STEADY is 1
// (the command is the speed then, C_SPEED).
const C_ITEMS_SEEN = 30; // items on the driven conveyors
const C_P_SEEN = 31; // kW
const C_I_SEEN = 32; // A
const C_R2_SEEN = 33; // (I/In)^2
const C_WINC = 34; // wear added per process slice
const F_COLS = 35;

// Int32 columns.
const C_SIG = 0; // id of the drive's first signal (run)
const C_LOAD_SIG = 1; // `.items` signal of the first conveyor it moves, -1 if none
const C_EXTRA_FROM = 2; // further conveyors: extraIds[from .. to)
const C_EXTRA_TO = 3;
const C_TRIPPED = 4; // state 0/1
const C_PREV_RESET = 5; // state: reset command last step
const C_OVERLOADS = 6; // state: trip count
const C_STEADY = 7; // 1: the drive is at rest or at its command with the same load, the cache columns hold its step
const I_COLS = 8;

/** Speed within this of the command (Hz) snaps onto it, so a stopped drive reaches exactly 0 instead of decaying through subnormals. */
const SPEED_SNAP = 1e-9;

/** All drives of a line: one column per field, stepped in one loop. */
export class Drives {
  readonly n: number;
  readonly #f: Float64Array;
  readonly #i: Int32Array;
  /** Healthy rated temperature rise per drive, K (the cooling-lost fault scales it). */
  readonly #rise: Float64Array;
  /** `.items` signals of the second and further conveyors of a drive. */
  readonly #extraIds: Int32Array;
  /**
   * Summed electrical power of all drives after the last step, kW. A one-element array, not a
   * return value: a double returned from a call V8 does not inline is boxed, one allocation per step.
   */
  readonly totalPower = new Float64Array(1);
  /**
   * Speed of each drive after its last step, Hz: a view of its state column, the number its
   * `.speed` signal gets in the same step. Belts read it here, eight drives to a cache line,
   * rather than from the signal table, where each drive's signals span two lines.
   */
  readonly speed: Float64Array;

  constructor(ctx: BuildContext) {
    const placed = ctx.of('drive');
    const n = placed.length;
    this.n = n;
    this.#f = new Float64Array(F_COLS * n);
    this.#i = new Int32Array(I_COLS * n);
    this.speed = column(this.#f, C_SPEED, n);
    this.#rise = new Float64Array(n);
    const col = (c: number): Float64Array => column(this.#f, c, n);
    const maxF = col(C_MAX_F), kSpeed = col(C_K_SPEED), kTherm = col(C_K_THERM), runThreshold = col(C_RUN_THRESHOLD);
    const i0n2 = col(C_I0N2), ratedI = col(C_RATED_I), elecPerHz = col(C_ELEC_PER_HZ), noLoad = col(C_NO_LOAD);
    const base = col(C_BASE), perItem = col(C_PER_ITEM), accelPerHz = col(C_ACCEL_PER_HZ), ambient = col(C_AMBIENT), rise = col(C_RISE);
    const sig = column(this.#i, C_SIG, n), loadSig = column(this.#i, C_LOAD_SIG, n);
    const extraFrom = column(this.#i, C_EXTRA_FROM, n), extraTo = column(this.#i, C_EXTRA_TO, n);

    const driven = new Map<string, number[]>();
    for (const c of ctx.of('conveyor')) {
      const d = c.cfg['drive'] as string;
      const list = driven.get(d) ?? [];
      list.push(ctx.signal(c.cfg.id, 'items'));
      driven.set(d, list);
    }
    const extra: number[] = [];
    for (let d = 0; d < n; d++) {
      const { cfg, path } = placed[d]!;
      const num = (name: string, fallback?: number): number => readNumber(cfg, driveType, name, path, fallback);
      const fr = num('ratedFrequency');
      const rated = num('ratedCurrent');
      maxF[d] = num('maxFrequency', fr);
      // Exact discretisation of tau*ds/dt = u - s over one step: s += (u - s)(1 - e^(-dt/tau)).
      // expm1 keeps the factor accurate when dt << tau.
      kSpeed[d] = -Math.expm1(-ctx.dt / num('tau'));
      kTherm[d] = -Math.expm1(-(ctx.dt * ctx.processTicks) / num('thermalTau'));
      runThreshold[d] = 0.01 * fr;
      i0n2[d] = (num('noLoadCurrent') / rated) ** 2;
      ratedI[d] = rated;
      elecPerHz[d] = num('ratedPower') / fr / num('efficiency');
      noLoad[d] = num('noLoadLoss');
      base[d] = num('baseLoad');
      perItem[d] = num('loadPerItem');
      accelPerHz[d] = num('accelTorque') / fr;
      ambient[d] = num('ambient');
      rise[d] = num('ratedTempRise');
      this.#rise[d] = rise[d]!;
      const ru = num('rampUp');
      const rd = num('rampDown');
      this.#f[C_RAMP_UP * n + d] = ru > 0 ? (fr * ctx.dt) / ru : Infinity;
      this.#f[C_RAMP_DOWN * n + d] = rd > 0 ? (fr * ctx.dt) / rd : Infinity;
      this.#f[C_OL_I2 * n + d] = num('overloadCurrent') ** 2;
      this.#f[C_OL_TIME * n + d] = num('overloadTime');
      this.#f[C_JAM_TORQUE * n + d] = num('jamTorque');
      // Per process slice, like the thermal factor: wear advances on the drive's slice steps.
      this.#f[C_WEAR_K * n + d] = (num('wearRate') * ctx.dt * ctx.processTicks) / 3600;
      this.#f[C_WEAR_MULT * n + d] = 1;
      this.#f[C_VIB0 * n + d] = num('vibrationBase');
      this.#f[C_VIB_W * n + d] = num('vibrationPerWear');
      this.#f[C_INV_FR * n + d] = 1 / fr;
      sig[d] = ctx.signal(cfg.id, 'run');
      const loads = driven.get(cfg.id) ?? [];
      loadSig[d] = loads.length > 0 ? loads[0]! : -1;
      extraFrom[d] = extra.length;
      for (let k = 1; k < loads.length; k++) extra.push(loads[k]!);
      extraTo[d] = extra.length;
    }
    this.#extraIds = Int32Array.from(extra);
    this.#values = ctx.values;
    this.#dt = ctx.dt;
    this.#dtHours = ctx.dt / 3600;
    this.#m = ctx.processTicks;
    this.#kernel = ctx.kernel(driveKernel, LAYOUT, this.n, this.#f, this.#i, this.#extraIds, this.#values, this.totalPower, this.#dt, this.#dtHours);
  }

  /** Initial state: at rest, de-energised, at ambient temperature, new bearings, commands off, faults cleared. */
  reset(values: Float64Array): void {
    const n = this.n;
    for (const c of [C_SPEED, C_ENERGY, C_RAMP, C_OL_ACC, C_JAM, C_WEAR]) column(this.#f, c, n).fill(0);
    column(this.#f, C_WEAR_MULT, n).fill(1);
    for (const c of [C_TRIPPED, C_PREV_RESET, C_OVERLOADS, C_STEADY]) column(this.#i, c, n).fill(0);
    const ambient = column(this.#f, C_AMBIENT, n);
    column(this.#f, C_TEMP, n).set(ambient);
    this.totalPower[0] = 0;
    for (let d = 0; d < n; d++) {
      const b = this.#i[C_SIG * n + d]!;
      for (let k = RUN; k <= VIBRATION; k++) values[b + k] = 0;
      values[b + TEMPERATURE] = ambient[d]!;
    }
  }

  /**
   * Every drive takes a full step next, which writes all its outputs: for when something outside
   * the model wrote into them (a released force), since a steady drive writes only its energy.
   */
  invalidate(): void {
    column(this.#i, C_STEADY, this.n).fill(0);
  }

  /** Jam fault on drive d: adds its jamTorque while on. */
  setJam(d: number, on: boolean): void {
    this.#f[C_JAM * this.n + d] = on ? this.#f[C_JAM_TORQUE * this.n + d]! : 0;
    this.#i[C_STEADY * this.n + d] = 0;
  }

  /**
   * Cooling-lost fault on drive d (fan broken, cooling fins clogged): the steady winding
   * temperature rise at a given current is multiplied by 1 + 3 x severity (a fan-cooled motor
   * without its fan keeps about a quarter of its heat transfer). The time constant is kept.
   */
  setCoolingLoss(d: number, severity: number): void {
    this.#f[C_RISE * this.n + d] = this.#rise[d]! * (1 + 3 * severity);
  }

  /** Accelerated-wear fault on drive d: the wear rate is multiplied by `mult` (1 = healthy). */
  setWearMultiplier(d: number, mult: number): void {
    this.#f[C_WEAR_MULT * this.n + d] = mult;
    this.#i[C_STEADY * this.n + d] = 0;
  }

  /** The typed arrays that hold this group's state, for snapshots (parameters ride along). */
  state(): (Float64Array | Int32Array)[] {
    return [this.#f, this.#i, this.totalPower];
  }

  readonly #values: Float64Array;
  readonly #dt: number;
  readonly #dtHours: number;
  /** Steps per process slice (time-slice.ts): the slow integrators' period. */
  readonly #m: number;
  readonly #kernel: KernelSlot<[k0: number, k1: number]>;

  /**
   * Advance every drive one step from its run/setpoint actuators and the item counts its
   * conveyors published by the end of the last step. Sums their power into {@link Drives.totalPower}.
   * Winding temperature, bearing wear and vibration change over minutes to months: with a process
   * slice of m steps, each drive advances them on one step in m, over m steps (the block of its
   * phase: time-slice.ts); speed, current, power, energy and the overload relay every step.
   * On the model's own compiled kernel once it has one (kernel.ts).
   */
  step(tick: number): void {
    if (this.n === 0) return;
    const m = this.#m;
    const k0 = phaseFrom(this.n, m, tick % m);
    const k1 = phaseFrom(this.n, m, (tick % m) + 1);
    const own = this.#kernel.own;
    if (own !== null) own(k0, k1);
    else driveKernel(this.n, this.#f, this.#i, this.#extraIds, this.#values, this.totalPower, this.#dt, this.#dtHours, k0, k1);
  }
}

/** Column and signal offsets, handed to the kernel (which cannot see this module's constants). */
const LAYOUT = {
  RUN, SETPOINT, SPEED, RUNNING, CURRENT, POWER, ENERGY, TEMPERATURE, REVERSE, RESET, TRIPPED, OVERLOADS, WEAR, VIBRATION,
  C_MAX_F, C_K_SPEED, C_K_THERM, C_RUN_THRESHOLD, C_I0N2, C_RATED_I, C_ELEC_PER_HZ, C_NO_LOAD, C_BASE, C_PER_ITEM,
  C_ACCEL_PER_HZ, C_AMBIENT, C_RISE, C_SPEED, C_ENERGY, C_TEMP, C_RAMP_UP, C_RAMP_DOWN, C_RAMP, C_OL_I2, C_OL_TIME,
  C_OL_ACC, C_JAM, C_JAM_TORQUE, C_WEAR_K, C_WEAR_MULT, C_WEAR, C_VIB0, C_VIB_W, C_INV_FR,
  C_SIG, C_LOAD_SIG, C_EXTRA_FROM, C_EXTRA_TO, C_TRIPPED, C_PREV_RESET, C_OVERLOADS, SPEED_SNAP,
  C_ITEMS_SEEN, C_P_SEEN, C_I_SEEN, C_R2_SEEN, C_WINC, C_STEADY,
};

/** The drives' step: the model's shared code, or its own compiled copy (specialize(), kernel.ts). */
function driveKernel(
  n: number,
  f: Float64Array,
  ii: Int32Array,
  extraIds: Int32Array,
  values: Float64Array,
  totalPower: Float64Array,
  dt: number,
  dtHours: number,
  k0: number,
  k1: number,
): void {
  // Column offsets as locals: computed once per call, not per access.
  const oAccelPerHz = C_ACCEL_PER_HZ * n;
  const oAmbient = C_AMBIENT * n;
  const oBase = C_BASE * n;
  const oElecPerHz = C_ELEC_PER_HZ * n;
  const oEnergy = C_ENERGY * n;
  const oExtraFrom = C_EXTRA_FROM * n;
  const oExtraTo = C_EXTRA_TO * n;
  const oI0n2 = C_I0N2 * n;
  const oKSpeed = C_K_SPEED * n;
  const oKTherm = C_K_THERM * n;
  const oLoadSig = C_LOAD_SIG * n;
  const oMaxF = C_MAX_F * n;
  const oNoLoad = C_NO_LOAD * n;
  const oPerItem = C_PER_ITEM * n;
  const oRatedI = C_RATED_I * n;
  const oRise = C_RISE * n;
  const oRunThreshold = C_RUN_THRESHOLD * n;
  const oSig = C_SIG * n;
  const oSpeed = C_SPEED * n;
  const oTemp = C_TEMP * n;
  const oRampUp = C_RAMP_UP * n;
  const oRampDown = C_RAMP_DOWN * n;
  const oRamp = C_RAMP * n;
  const oOlI2 = C_OL_I2 * n;
  const oOlTime = C_OL_TIME * n;
  const oOlAcc = C_OL_ACC * n;
  const oJam = C_JAM * n;
  const oWearK = C_WEAR_K * n;
  const oWearMult = C_WEAR_MULT * n;
  const oWear = C_WEAR * n;
  const oVib0 = C_VIB0 * n;
  const oVibW = C_VIB_W * n;
  const oInvFr = C_INV_FR * n;
  const oTripped = C_TRIPPED * n;
  const oPrevReset = C_PREV_RESET * n;
  const oOverloads = C_OVERLOADS * n;
  const oItemsSeen = C_ITEMS_SEEN * n, oPSeen = C_P_SEEN * n, oISeen = C_I_SEEN * n;
  const oR2Seen = C_R2_SEEN * n, oWinc = C_WINC * n, oSteady = C_STEADY * n;
    let total = 0;
    for (let d = 0; d < n; d++) {
      const b = ii[oSig + d]!;
      // A rising edge of reset clears a trip (and the relay's memory of the overload).
      const rst = values[b + RESET] !== 0 ? 1 : 0;
      if (rst === 1 && ii[oPrevReset + d] === 0 && ii[oTripped + d] === 1) {
        ii[oTripped + d] = 0;
        f[oOlAcc + d] = 0;
        // A full step, which writes the cleared relay (a steady step does not write it).
        ii[oSteady + d] = 0;
      }
      ii[oPrevReset + d] = rst;
      const tripped = ii[oTripped + d] === 1;
      const run = values[b + RUN] !== 0 && !tripped;
      let sp = values[b + SETPOINT]!;
      const maxF = f[oMaxF + d]!;
      // The negated comparison also maps a NaN setpoint to 0.
      if (!(sp > 0)) sp = 0;
      else if (sp > maxF) sp = maxF;
      const u = run ? (values[b + REVERSE] !== 0 ? -sp : sp) : 0;
      const ls = ii[oLoadSig + d]!;
      let items = ls >= 0 ? values[ls]! : 0;
      const from = ii[oExtraFrom + d]!;
      const to = ii[oExtraTo + d]!;
      // Guarded: an inner loop on the common path measured 2.5x slower even when empty.
      if (to !== from) for (let j = from; j < to; j++) items += values[extraIds[j]!]!;
      // Steady state: the last full step started with speed and ramp already at its command (same
      // sign of zero), which is this step's command, under the same load, with the overload relay
      // at rest. This step would compute the same torque, current and power again, so only the
      // integrators advance, by the same expressions as below: every value is bit-identical to
      // the full step (golden traces, test/physics/golden.test.ts), at about half its cost. Most
      // drives of a running line are here most of the time, at speed or stopped.
      // Speed, running, current, power and tripped are not written again: the full step that
      // made the drive steady wrote exactly these numbers, and nothing in a step changes them.
      // Signal faults put the true value back before each step (faults.ts); a force writes its
      // own value around each step, and when it is released the engine calls
      // Model.signalsOverwritten(), which makes every drive take a full step (invalidate()).
      // Writing them anyway cost a quarter of a steady step.
      const s1 = f[oSpeed + d]!;
      if (ii[oSteady + d] === 1 && u === s1 && (u !== 0 || 1 / u === 1 / s1) && items === f[oItemsSeen + d]) {
        const sa1 = s1 < 0 ? -s1 : s1;
        const power = f[oPSeen + d]!;
        const e = f[oEnergy + d]! + power * dtHours;
        f[oEnergy + d] = e;
        if (d >= k0 && d < k1) {
          const th0 = f[oTemp + d]!;
          const th = th0 + (f[oAmbient + d]! + f[oRise + d]! * f[oR2Seen + d]! - th0) * f[oKTherm + d]!;
          f[oTemp + d] = th;
          const w = f[oWear + d]! + f[oWinc + d]!;
          f[oWear + d] = w;
          values[b + TEMPERATURE] = th;
          values[b + WEAR] = w;
          values[b + VIBRATION] = (f[oVib0 + d]! + f[oVibW + d]! * w) * (sa1 * f[oInvFr + d]!);
        }
        values[b + ENERGY] = e;
        total += power;
        continue;
      }
      // VFD ramp: the ramped command r moves towards u by at most one ramp step; away from 0
      // is acceleration, towards 0 deceleration.
      const r0 = f[oRamp + d]!;
      let r = u;
      const up = r0 >= 0 ? u > r0 : u < r0;
      const lim = up ? f[oRampUp + d]! : f[oRampDown + d]!;
      if (r - r0 > lim) r = r0 + lim;
      else if (r0 - r > lim) r = r0 - lim;
      f[oRamp + d] = r;
      const s0 = f[oSpeed + d]!;
      let s = s0 + (r - s0) * f[oKSpeed + d]!;
      if (s - r < SPEED_SNAP && r - s < SPEED_SNAP) s = r;
      f[oSpeed + d] = s;
      const sa = s < 0 ? -s : s;
      const running = sa > f[oRunThreshold + d]!;
      // r2 = (I/In)^2 = (I0/In)^2 + T^2, from I = sqrt(I0^2 + (In T)^2).
      let r2 = 0;
      let power = 0;
      let torque = 0;
      // The VFD keeps modulating while it ramps down after run drops; it stops once the speed is ~0.
      if (run || running) {
        const acc = (r - s0) * f[oAccelPerHz + d]!;
        torque = f[oBase + d]! + f[oPerItem + d]! * items + f[oJam + d]! + (s0 < 0 ? -acc : acc);
        r2 = f[oI0n2 + d]! + torque * torque;
        const elec = torque * sa * f[oElecPerHz + d]!;
        // Braking energy goes to the VFD's brake resistor, not back to the grid.
        power = (elec > 0 ? elec : 0) + f[oNoLoad + d]!;
      }
      // Overload relay: time above pick-up accumulates, below it drains at the same rate.
      let ol = f[oOlAcc + d]!;
      if (r2 > f[oOlI2 + d]!) {
        ol += dt;
        if (ol >= f[oOlTime + d]! - 1e-9) {
          ii[oTripped + d] = 1;
          values[b + OVERLOADS] = ++ii[oOverloads + d]!;
          ol = 0;
        }
      } else if (ol > 0) ol = ol > dt ? ol - dt : 0;
      f[oOlAcc + d] = ol;
      const current = f[oRatedI + d]! * Math.sqrt(r2);
      const e = f[oEnergy + d]! + power * dtHours;
      f[oEnergy + d] = e;
      const pu = sa * f[oInvFr + d]!;
      // Bearing wear: Lundberg-Palmgren-like, rate ~ speed x load^2 (docs/physics.md), per slice.
      const winc = f[oWearK + d]! * f[oWearMult + d]! * pu * torque * torque;
      if (d >= k0 && d < k1) {
        const th0 = f[oTemp + d]!;
        // Exact discretisation of the first-order thermal model towards ambient + rise (I/In)^2,
        // over the slice, with this step's current held through it.
        const th = th0 + (f[oAmbient + d]! + f[oRise + d]! * r2 - th0) * f[oKTherm + d]!;
        f[oTemp + d] = th;
        const w = f[oWear + d]! + winc;
        f[oWear + d] = w;
        values[b + TEMPERATURE] = th;
        values[b + WEAR] = w;
        values[b + VIBRATION] = (f[oVib0 + d]! + f[oVibW + d]! * w) * pu;
      }
      // Steady from the next step on when this one started at the command (see above).
      if (s0 === u && r0 === u && (u !== 0 || (1 / s0 === 1 / u && 1 / r0 === 1 / u)) && ol === 0 && !(r2 > f[oOlI2 + d]!)) {
        ii[oSteady + d] = 1;
        f[oItemsSeen + d] = items;
        f[oPSeen + d] = power;
        f[oISeen + d] = current;
        f[oR2Seen + d] = r2;
        f[oWinc + d] = winc;
      } else ii[oSteady + d] = 0;
      values[b + SPEED] = s;
      values[b + RUNNING] = running ? 1 : 0;
      values[b + CURRENT] = current;
      values[b + POWER] = power;
      values[b + ENERGY] = e;
      values[b + TRIPPED] = ii[oTripped + d]!;
      total += power;
    }
    totalPower[0] = total;
}
