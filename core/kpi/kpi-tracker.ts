// Live accumulation of the production KPIs: at each sample of the signal values, the time since
// the previous sample is added to the state each station was in at that previous sample (so a
// state change seen at sample k counts from sample k on), active periods are counted for the
// bottleneck, and counters are read as differences from the start. sample() allocates nothing;
// report() builds the figures (oee.ts, bottleneck.ts) and allocates, at most a few times a second.

import { activePeriodBottleneck, momentaryBottleneck } from './bottleneck.ts';
import { energyPerUnit, oeeOf, throughputPerHour } from './oee.ts';
import { BLOCKED, CHANGEOVER, DOWN, STARVED, STATE_COUNT, STATE_NAMES, WORKING, isActive, stationState, type KpiPlan, type StationState } from './station-plan.ts';

/** Figures of one station over the period observed. Times in s, energy in kWh, rates per hour. */
export interface StationKpis {
  readonly id: string;
  readonly type: string;
  /** The state at the last sample. */
  readonly state: StationState;
  /** ISO 22400-2 time elements (oee.ts) and the two delays ADET is made of. */
  readonly pbt: number;
  readonly apt: number;
  readonly aust: number;
  readonly adet: number;
  readonly adot: number;
  readonly blockedTime: number;
  readonly starvedTime: number;
  /** Share of PBT in each state (sums to 1 once time has passed). */
  readonly shares: Readonly<Record<StationState, number>>;
  readonly pri: number;
  readonly pq: number;
  readonly gq: number;
  readonly reject: number;
  readonly availability: number;
  readonly effectiveness: number;
  readonly qualityRatio: number;
  readonly oee: number;
  /** Finished cycles per hour. */
  readonly throughput: number;
  readonly energy: number;
  /** kWh per good item; null before the first. */
  readonly energyPerUnit: number | null;
  /** Active periods (Roser): count and mean length, s. */
  readonly activePeriods: number;
  readonly meanActivePeriod: number;
  /** The average bottleneck of the line (largest mean active period). */
  readonly bottleneck: boolean;
}

/** The line taken as one work unit. */
export interface LineKpis {
  readonly pbt: number;
  /** Items that left the line, good and reject. */
  readonly pq: number;
  readonly gq: number;
  readonly reject: number;
  /** Items per hour leaving the line. */
  readonly throughput: number;
  /** kWh drawn by the line over the period (`line.energy`); null when the line has no meter. */
  readonly energy: number | null;
  readonly energyPerUnit: number | null;
  /** The station with the largest PRI, whose APT the line's availability uses; null without stations. */
  readonly constraint: string | null;
  readonly pri: number | null;
  readonly apt: number | null;
  /** null without stations: the line then has no planned run time per item. */
  readonly availability: number | null;
  readonly effectiveness: number | null;
  readonly qualityRatio: number;
  readonly oee: number | null;
}

export interface KpiReport {
  /** Simulated s at the first and the last sample. */
  readonly from: number;
  readonly to: number;
  readonly stations: readonly StationKpis[];
  readonly line: LineKpis;
  /** Average bottleneck over the period (active-period method), null without active time. */
  readonly bottleneck: string | null;
  /** Momentary bottleneck at the last sample: the longest ongoing active period. */
  readonly momentaryBottleneck: string | null;
}

export class LineKpiTracker {
  readonly plan: KpiPlan;
  readonly #n: number;
  /** Seconds in each state, STATE_COUNT per station. */
  readonly #time: Float64Array;
  readonly #state: Int32Array;
  /** Active periods started; length of the ongoing one (0 while inactive). */
  readonly #periods: Float64Array;
  readonly #current: Float64Array;
  readonly #cycles0: Float64Array;
  readonly #energy0: Float64Array;
  #binned0 = 0;
  #rejects0 = 0;
  #lineEnergy0 = 0;
  #t0 = 0;
  #t = 0;
  #started = false;
  /** The latest values seen, kept by reference (the caller's array) for report(). */
  #last: Float64Array | null = null;

  constructor(plan: KpiPlan) {
    this.plan = plan;
    const n = plan.stations.length;
    this.#n = n;
    this.#time = new Float64Array(n * STATE_COUNT);
    this.#state = new Int32Array(n);
    this.#periods = new Float64Array(n);
    this.#current = new Float64Array(n);
    this.#cycles0 = new Float64Array(n);
    this.#energy0 = new Float64Array(n);
  }

  get started(): boolean {
    return this.#started;
  }

  /** Start (or restart) measuring from these values at simulated time `time`. */
  start(v: Float64Array, time: number): void {
    this.#time.fill(0);
    this.#periods.fill(0);
    this.#current.fill(0);
    const st = this.plan.stations;
    for (let k = 0; k < this.#n; k++) {
      const s = st[k]!.signals;
      const state = stationState(v, s);
      this.#state[k] = state;
      if (isActive(state)) this.#periods[k] = 1;
      this.#cycles0[k] = s.cycles >= 0 ? v[s.cycles]! : 0;
      this.#energy0[k] = s.energy >= 0 ? v[s.energy]! : 0;
    }
    const line = this.plan.line;
    this.#binned0 = sum(v, line.binned);
    this.#rejects0 = sum(v, line.rejects);
    this.#lineEnergy0 = line.energy >= 0 ? v[line.energy]! : 0;
    this.#t0 = time;
    this.#t = time;
    this.#started = true;
    this.#last = v;
  }

  /** Account the time since the last sample and take the new states. Allocation-free. */
  sample(v: Float64Array, time: number): void {
    if (!this.#started || time < this.#t) {
      // First sample, or the run was reset (its clock went back): measure afresh.
      this.start(v, time);
      return;
    }
    const dt = time - this.#t;
    this.#t = time;
    this.#last = v;
    const st = this.plan.stations;
    const tm = this.#time;
    for (let k = 0; k < this.#n; k++) {
      const prev = this.#state[k]!;
      tm[k * STATE_COUNT + prev] += dt;
      const wasActive = isActive(prev);
      if (wasActive) this.#current[k] += dt;
      const now = stationState(v, st[k]!.signals);
      const active = isActive(now);
      if (active && !wasActive) {
        this.#periods[k]++;
        this.#current[k] = 0;
      } else if (!active) this.#current[k] = 0;
      this.#state[k] = now;
    }
  }

  /** The figures so far. Allocates. */
  report(): KpiReport {
    const v = this.#last ?? new Float64Array(0);
    const pbt = this.#t - this.#t0;
    const st = this.plan.stations;
    const activeTime = new Float64Array(this.#n);
    const stations: StationKpis[] = [];
    for (let k = 0; k < this.#n; k++) {
      const p = st[k]!;
      const s = p.signals;
      const at = (state: number): number => this.#time[k * STATE_COUNT + state]!;
      const apt = at(WORKING);
      const aust = at(CHANGEOVER);
      const adot = at(DOWN);
      const blockedTime = at(BLOCKED);
      const starvedTime = at(STARVED);
      activeTime[k] = apt + aust + adot;
      const pq = s.cycles >= 0 && v.length > 0 ? v[s.cycles]! - this.#cycles0[k]! : 0;
      // The model's stations scrap nothing: every finished cycle is good at the station; scrap is
      // judged downstream (quality gates, wrong bins) and counted for the line.
      const gq = pq;
      const f = oeeOf({ pbt, apt, aust, adet: blockedTime + starvedTime, adot }, { pq, gq, pri: p.pri });
      const energy = s.energy >= 0 && v.length > 0 ? v[s.energy]! - this.#energy0[k]! : 0;
      const share = (x: number): number => (pbt > 0 ? x / pbt : 0);
      stations.push({
        id: p.id,
        type: p.type,
        state: STATE_NAMES[this.#state[k]!]!,
        pbt,
        apt,
        aust,
        adet: blockedTime + starvedTime,
        adot,
        blockedTime,
        starvedTime,
        shares: { working: share(apt), blocked: share(blockedTime), starved: share(starvedTime), down: share(adot), changeover: share(aust) },
        pri: p.pri,
        pq,
        gq,
        reject: pq - gq,
        ...f,
        throughput: throughputPerHour(pq, pbt),
        energy,
        energyPerUnit: finite(energyPerUnit(energy, gq)),
        activePeriods: this.#periods[k]!,
        meanActivePeriod: this.#periods[k]! > 0 ? activeTime[k]! / this.#periods[k]! : 0,
        bottleneck: false,
      });
    }
    const b = activePeriodBottleneck(activeTime, this.#periods);
    if (b >= 0) stations[b] = { ...stations[b]!, bottleneck: true };
    const m = momentaryBottleneck(this.#current);
    return { from: this.#t0, to: this.#t, stations, line: this.#line(v, pbt, stations), bottleneck: b >= 0 ? st[b]!.id : null, momentaryBottleneck: m >= 0 ? st[m]!.id : null };
  }

  #line(v: Float64Array, pbt: number, stations: readonly StationKpis[]): LineKpis {
    const line = this.plan.line;
    const has = v.length > 0;
    const pq = has ? sum(v, line.binned) - this.#binned0 : 0;
    const reject = Math.min(pq, has ? sum(v, line.rejects) - this.#rejects0 : 0);
    const gq = pq - reject;
    const energy = line.energy >= 0 && has ? v[line.energy]! - this.#lineEnergy0 : null;
    // The line as one work unit: its PRI is its slowest station's by design (the constraint), and
    // its APT that station's; then OEE = PRI × GQ / PBT, the classic "good items at ideal rate".
    let c: StationKpis | null = null;
    for (const s of stations) if (c === null || s.pri > c.pri) c = s;
    const f = c !== null ? oeeOf({ pbt, apt: c.apt, aust: c.aust, adet: c.adet, adot: c.adot }, { pq, gq, pri: c.pri }) : null;
    return {
      pbt,
      pq,
      gq,
      reject,
      throughput: throughputPerHour(pq, pbt),
      energy,
      energyPerUnit: energy === null ? null : finite(energyPerUnit(energy, gq)),
      constraint: c?.id ?? null,
      pri: c?.pri ?? null,
      apt: c?.apt ?? null,
      availability: f?.availability ?? null,
      effectiveness: f?.effectiveness ?? null,
      qualityRatio: pq > 0 ? gq / pq : 1,
      oee: f?.oee ?? null,
    };
  }
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function sum(v: Float64Array, ids: Int32Array): number {
  let s = 0;
  for (let k = 0; k < ids.length; k++) s += v[ids[k]!]!;
  return s;
}
