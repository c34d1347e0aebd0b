// The results of one scheduled run, as a planner reads them: makespan, lateness and tardiness of
// the orders, throughput, OEE and its factors per station (ISO 22400-2, core/kpi/oee.ts),
// changeover time, waits for operators and material, energy per good unit and WIP over time.
// Definitions (docs/planning.md): the observation period is [0, makespan]; PBT is its working
// time (the calendar's non-working time is planned down time, PDOT); APT processing, AUST
// changeovers, ADOT breakdowns; every unit of the orders is good. What changeovers consume
// (energy, scrapped trial pieces: a station's `changeover.consumes`) is counted apart: the
// energy in the station's and energy per good unit, the scrap as its own figure (trial pieces
// are made in the changeover time, AUST, so they are not in the OEE's produced quantity).

import { Calendar } from './calendar.ts';
import type { PlanSpec } from './plan-spec.ts';
import type { ScheduleRun } from './schedule.ts';
import { energyPerUnit, oeeOf, throughputPerHour, type OeeFactors } from '../kpi/oee.ts';

export interface StationKpis extends OeeFactors {
  readonly id: string;
  /** s */
  readonly pbt: number;
  readonly apt: number;
  readonly aust: number;
  readonly adot: number;
  readonly adet: number;
  readonly operatorWait: number;
  readonly changeovers: number;
  readonly breakdowns: number;
  readonly units: number;
  /** kWh, changeover energy included */
  readonly energy: number;
  /** kWh the changeovers consumed beyond idle power */
  readonly changeoverEnergy: number;
  /** Units of material the changeovers scrapped */
  readonly scrap: number;
  /** Share of PBT in active states (working, changeover, down): the bottleneck's measure (Roser). */
  readonly activeShare: number;
}

export interface OrderRow {
  readonly id: string;
  readonly product: string;
  readonly quantity: number;
  readonly release: number;
  readonly due: number;
  readonly material: number;
  readonly start: number;
  readonly end: number;
  /** end − due, s */
  readonly lateness: number;
}

export interface PlanKpis {
  readonly rule: string;
  readonly seed: number;
  /** s */
  readonly makespan: number;
  readonly ordersLate: number;
  /** Σ max(0, end − due), s */
  readonly totalTardiness: number;
  /** max(end − due), s */
  readonly maxLateness: number;
  /** mean(end − release), s */
  readonly meanFlowTime: number;
  readonly units: number;
  /** units per working hour of [0, makespan] */
  readonly throughput: number;
  /** s, all stations */
  readonly changeoverTime: number;
  readonly operatorWait: number;
  readonly materialWait: number;
  /** kWh: the plan stations' and the process stations' */
  readonly energy: number;
  /** kWh of it the line's process stations drew (a furnace's heater; the virtual line only) */
  readonly processEnergy: number;
  /** kWh of it the changeovers consumed beyond idle power, all stations */
  readonly changeoverEnergy: number;
  /** Units of material the changeovers scrapped, all stations */
  readonly scrap: number;
  /** kWh per good unit */
  readonly energyPerUnit: number;
  /** Units in the line, time-weighted mean and maximum over [0, makespan]. */
  readonly wipMean: number;
  readonly wipMax: number;
  readonly bottleneck: string;
  readonly stations: readonly StationKpis[];
  readonly orders: readonly OrderRow[];
}

/** WIP (units entered, not yet left) at each of `n` instants from 0 to `end`. */
export function wipSeries(run: ScheduleRun, n: number): { t: Float64Array; wip: Float64Array } {
  const t = new Float64Array(n);
  const wip = new Float64Array(n);
  let a = 0, b = 0;
  for (let i = 0; i < n; i++) {
    const at = n > 1 ? (run.makespan * i) / (n - 1) : 0;
    while (a < run.entered.length && run.entered[a]! <= at) a++;
    while (b < run.left.length && run.left[b]! <= at) b++;
    t[i] = at;
    wip[i] = a - b;
  }
  return { t, wip };
}

/** Time-weighted mean and the maximum of the WIP step function over [0, makespan]. */
function wipStats(run: ScheduleRun): { mean: number; max: number } {
  const E = run.entered, L = run.left;
  let a = 0, b = 0, level = 0, max = 0, area = 0, prev = 0;
  while (a < E.length || b < L.length) {
    // Leaving before entering at the same instant: a unit that passes in zero time adds nothing.
    const takeLeave = b < L.length && (a >= E.length || L[b]! <= E[a]!);
    const t = takeLeave ? L[b++]! : E[a++]!;
    area += level * (t - prev);
    prev = t;
    level += takeLeave ? -1 : 1;
    if (level > max) max = level;
  }
  return { mean: run.makespan > 0 ? area / run.makespan : 0, max };
}

export function planKpis(plan: PlanSpec, run: ScheduleRun): PlanKpis {
  const cal = new Calendar(plan.calendar);
  const pbt = cal.workingBetween(0, run.makespan);
  const stations: StationKpis[] = run.stations.map((s, k) => {
    const st = plan.stations[k]!;
    const adet = Math.max(0, pbt - s.apt - s.aust - s.adot);
    const pri = s.units > 0 ? s.ideal / s.units : 0;
    const f = oeeOf({ pbt, apt: s.apt, aust: s.aust, adet, adot: s.adot }, { pq: s.units, gq: s.units, pri });
    const idle = Math.max(0, pbt - s.apt);
    return {
      id: st.id,
      ...f,
      pbt,
      apt: s.apt,
      aust: s.aust,
      adot: s.adot,
      adet,
      operatorWait: s.operatorWait,
      changeovers: s.changeovers,
      breakdowns: s.breakdowns,
      units: s.units,
      energy: s.busyKwh + (st.idlePower * idle) / 3600 + s.changeoverKwh,
      changeoverEnergy: s.changeoverKwh,
      scrap: s.scrap,
      activeShare: pbt > 0 ? (s.apt + s.aust + s.adot) / pbt : 0,
    };
  });
  const orders: OrderRow[] = plan.orders.map((o) => {
    const r = run.orders[o.index]!;
    return { id: o.id, product: plan.products[o.product]!.name, quantity: o.quantity, release: o.release, due: o.due, material: o.material, start: r.start, end: r.end, lateness: r.end - o.due };
  });
  const units = plan.orders.reduce((n, o) => n + o.quantity, 0);
  const processEnergy = run.processKwh ?? 0;
  const energy = stations.reduce((e, s) => e + s.energy, 0) + processEnergy;
  const wip = wipStats(run);
  let bottleneck = stations[0]!;
  for (const s of stations) if (s.activeShare > bottleneck.activeShare) bottleneck = s;
  return {
    rule: run.rule,
    seed: run.seed,
    makespan: run.makespan,
    ordersLate: orders.filter((o) => o.lateness > 0).length,
    totalTardiness: orders.reduce((t, o) => t + Math.max(0, o.lateness), 0),
    maxLateness: orders.reduce((m, o) => Math.max(m, o.lateness), -Infinity),
    meanFlowTime: orders.reduce((t, o) => t + (o.end - o.release), 0) / Math.max(1, orders.length),
    units,
    throughput: throughputPerHour(units, pbt),
    changeoverTime: stations.reduce((t, s) => t + s.aust, 0),
    operatorWait: stations.reduce((t, s) => t + s.operatorWait, 0),
    materialWait: run.materialWait,
    energy,
    processEnergy,
    changeoverEnergy: stations.reduce((e, s) => e + s.changeoverEnergy, 0),
    scrap: stations.reduce((n, s) => n + s.scrap, 0),
    energyPerUnit: energyPerUnit(energy, units),
    wipMean: wip.mean,
    wipMax: wip.max,
    bottleneck: bottleneck.id,
    stations,
    orders,
  };
}
