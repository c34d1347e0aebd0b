// OEE and its factors as ISO 22400-2:2014 defines them, one pure function per KPI, named as the
// standard names it. Time elements are seconds of one work unit (a station, or the line taken as
// one unit) over one observation period; quantities are items. docs/kpi.md maps each time element
// to the model's station states and says which definitions were chosen where the standard leaves
// a choice.

/** The ISO 22400-2 time elements of one work unit over one period, seconds. */
export interface TimeElements {
  /** PBT planned busy time: POT − PDOT; here the observed period (the model has no planned stops). */
  readonly pbt: number;
  /** APT actual production time: the unit works on an item (value-adding). */
  readonly apt: number;
  /** AUST actual unit setup time: changeover. */
  readonly aust: number;
  /** ADET actual unit delay time: waiting for material (starved) or for room (blocked). */
  readonly adet: number;
  /** ADOT actual unit down time: unplanned stops (a breakdown). */
  readonly adot: number;
}

/** The quantities and the planned run time per item of one work unit. */
export interface Quantities {
  /** PQ produced quantity: items the unit finished (good and scrap). */
  readonly pq: number;
  /** GQ good quantity: finished items that meet the quality requirements. */
  readonly gq: number;
  /** PRI planned run time per item, s (the ideal cycle time). */
  readonly pri: number;
}

/** Availability = APT / PBT (ISO 22400-2:2014, table of KPIs). 0 when PBT is 0. */
export function availability(apt: number, pbt: number): number {
  return pbt > 0 ? apt / pbt : 0;
}

/** Effectiveness (performance) = PRI × PQ / APT (ISO 22400-2:2014, table of KPIs). 0 when APT is 0. */
export function effectiveness(pri: number, pq: number, apt: number): number {
  return apt > 0 ? (pri * pq) / apt : 0;
}

/** Quality ratio = GQ / PQ (ISO 22400-2:2014, table of KPIs). 1 when nothing was produced (no loss shown). */
export function qualityRatio(gq: number, pq: number): number {
  return pq > 0 ? gq / pq : 1;
}

/** OEE index = Availability × Effectiveness × Quality ratio (ISO 22400-2:2014, table of KPIs). */
export function oeeIndex(a: number, e: number, q: number): number {
  return a * e * q;
}

/** The four OEE figures of one work unit. */
export interface OeeFactors {
  readonly availability: number;
  readonly effectiveness: number;
  readonly qualityRatio: number;
  readonly oee: number;
}

/** Availability, effectiveness, quality ratio and OEE of one unit. */
export function oeeOf(t: TimeElements, q: Quantities): OeeFactors {
  const a = availability(t.apt, t.pbt);
  const e = effectiveness(q.pri, q.pq, t.apt);
  const r = qualityRatio(q.gq, q.pq);
  return { availability: a, effectiveness: e, qualityRatio: r, oee: oeeIndex(a, e, r) };
}

/** Throughput rate = PQ / PBT, items per hour. */
export function throughputPerHour(pq: number, pbt: number): number {
  return pbt > 0 ? (pq * 3600) / pbt : 0;
}

/** Energy per good item, kWh/unit; NaN when no good item was made (no figure, not zero). */
export function energyPerUnit(kwh: number, gq: number): number {
  return gq > 0 ? kwh / gq : NaN;
}
