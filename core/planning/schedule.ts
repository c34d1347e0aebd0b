// Runs an order book through the line's stations as a discrete-event schedule: the dispatcher
// (sequencing.ts) starts one order (a lot) at a time at the first station; its units then flow
// unit by unit through every station in turn (buffers between stations are not limited). At
// each station a change of product family first needs a changeover (the station's matrix) done
// by an operator from the pool; a breakdown (exponential working time between failures, per
// seed) needs an operator for its repair. Nothing works outside the shift calendar. The result
// is the timeline of every station (segments for the Gantt chart), each order's start and end,
// and the time elements the KPIs are made of. A pure function of the plan, the rule and the seed.

import { Calendar } from './calendar.ts';
import { OperatorPool } from './operators.ts';
import { changeoverTime, type PlanSpec, type Rule } from './plan-spec.ts';
import { availableAt, dispatch, ruleOrder } from './sequencing.ts';

export const SEG_WORK = 0;
export const SEG_CHANGEOVER = 1;
export const SEG_DOWN = 2;
export const SEG_WAIT_OPERATOR = 3;
export const SEGMENT_KINDS = ['work', 'changeover', 'down', 'operator wait'] as const;

export interface Segment {
  readonly station: number;
  readonly kind: number;
  readonly start: number;
  end: number;
  /** order index */
  readonly order: number;
}

export interface OrderResult {
  readonly order: number;
  /** First changeover or work at the first station the order's product visits, s. */
  readonly start: number;
  /** Last unit done at the last station, s. */
  readonly end: number;
}

/** Time elements and counters of one station, working seconds unless said otherwise. */
export interface StationTotals {
  /** Processing (APT). */
  apt: number;
  /** Changeovers (AUST). */
  aust: number;
  /** Breakdowns, from the failure to the end of the repair, operator wait included (ADOT). */
  adot: number;
  /** Waiting for an operator for a changeover. */
  operatorWait: number;
  changeovers: number;
  breakdowns: number;
  units: number;
  /** Σ ideal cycle times of the units done, s (PRI × PQ). */
  ideal: number;
  /** kWh of processing (the products' energy, or busyPower × cycle). */
  busyKwh: number;
  /** kWh the changeovers consumed beyond idle power (changeovers × the station's consumes.energy). */
  changeoverKwh: number;
  /** Units of material the changeovers scrapped (changeovers × consumes.scrap). */
  scrap: number;
}

export interface ScheduleRun {
  readonly rule: Rule;
  readonly seed: number;
  /** Orders in the sequence they started. */
  readonly sequence: readonly number[];
  readonly orders: readonly OrderResult[];
  readonly segments: readonly Segment[];
  readonly stations: readonly StationTotals[];
  readonly makespan: number;
  /** Working seconds the first station stood idle because the next order's material was not there. */
  readonly materialWait: number;
  /**
   * kWh the line's process stations (not plan stations: a furnace, a coating booth) drew: the
   * virtual line's meters; the schedule models none (absent: 0).
   */
  readonly processKwh?: number;
  /** Instants units entered the line (started at the first station) and left it, s, sorted. */
  readonly entered: Float64Array;
  readonly left: Float64Array;
}

/** splitmix32: a small seeded stream per station and purpose (spread, failures). */
export function stream(seed: number, id: number): () => number {
  let s = (seed ^ Math.imul(id + 1, 0x9e3779b9)) >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

export function runSchedule(plan: PlanSpec, rule: Rule, seed: number): ScheduleRun {
  const cal = new Calendar(plan.calendar);
  const ops = new OperatorPool(plan.operators, cal);
  const K = plan.stations.length;
  const free = new Float64Array(K);
  const family: (string | null)[] = plan.stations.map((s) => s.initialFamily);
  const spreadRng = plan.stations.map((_, k) => stream(seed, 2 * k));
  const failRng = plan.stations.map((_, k) => stream(seed, 2 * k + 1));
  const drawTtf = (k: number): number => {
    const m = plan.stations[k]!.mtbf;
    return m > 0 ? -m * Math.log(1 - failRng[k]!()) : Infinity;
  };
  const ttf = plan.stations.map((_, k) => drawTtf(k));
  const totals: StationTotals[] = plan.stations.map(() => ({ apt: 0, aust: 0, adot: 0, operatorWait: 0, changeovers: 0, breakdowns: 0, units: 0, ideal: 0, busyKwh: 0, changeoverKwh: 0, scrap: 0 }));
  const segments: Segment[] = [];
  const last: (Segment | undefined)[] = new Array<Segment | undefined>(K);
  const push = (station: number, kind: number, start: number, end: number, order: number): void => {
    if (end <= start) return;
    const l = last[station];
    // Contiguous in working time with the station's last segment of the same kind and order: one bar.
    if (l !== undefined && l.kind === kind && l.order === order && cal.nextWorking(l.end) >= start - 1e-9) {
      l.end = end;
      return;
    }
    const s: Segment = { station, kind, start, end, order };
    segments.push(s);
    last[station] = s;
  };

  const list = ruleOrder(plan, rule);
  const sequence: number[] = [];
  const orders: OrderResult[] = new Array<OrderResult>(plan.orders.length);
  const entered: number[] = [];
  const left: number[] = [];
  let materialWait = 0;
  let done = new Float64Array(0);
  let entry = new Float64Array(0);

  // Each round starts one order: bounded by the number of orders.
  while (list.length > 0) {
    const { pos, at } = dispatch(plan, rule, list, free[0]!, family[0]!);
    const oi = list.splice(pos, 1)[0]!;
    const o = plan.orders[oi]!;
    if (at > free[0]!) {
      // Idle for want of an order: counted as material wait when material, not release, held it.
      if (o.material > o.release && o.material > free[0]!) materialWait += cal.workingBetween(Math.max(free[0]!, o.release), at);
    }
    sequence.push(oi);
    const p = plan.products[o.product]!;
    if (done.length < o.quantity) {
      done = new Float64Array(o.quantity);
      entry = new Float64Array(o.quantity);
    }
    const avail = availableAt(o);
    done.fill(avail, 0, o.quantity);
    entry.fill(NaN, 0, o.quantity);
    let start = Infinity;
    for (let k = 0; k < K; k++) {
      const st = plan.stations[k]!;
      const tot = totals[k]!;
      const ideal = p.cycleTime[k]!;
      // A station this product passes untouched: no changeover, the units go straight on.
      if (ideal <= 0) continue;
      const co = changeoverTime(st, family[k]!, p.family);
      if (family[k] !== p.family) family[k] = p.family;
      if (co > 0) {
        // The changeover may start once the station is free and the order is known (released).
        const want = cal.nextWorking(Math.max(free[k]!, k === 0 ? at : avail));
        const c = ops.claim(want, co);
        const wait = cal.workingBetween(want, c.start);
        tot.operatorWait += wait;
        tot.aust += co;
        tot.changeovers++;
        tot.changeoverKwh += st.changeoverEnergy;
        tot.scrap += st.changeoverScrap;
        push(k, SEG_WAIT_OPERATOR, want, c.start, oi);
        push(k, SEG_CHANGEOVER, c.start, c.end, oi);
        if (!Number.isFinite(start)) start = c.start;
        free[k] = c.end;
      }
      const e1 = p.energy[k]!;
      for (let j = 0; j < o.quantity; j++) {
        let s = cal.nextWorking(Math.max(done[j]!, free[k]!, k === 0 ? at : 0));
        if (!Number.isFinite(start)) start = s;
        if (Number.isNaN(entry[j]!)) entry[j] = s;
        let work = st.spread > 0 ? ideal * (1 + st.spread * (2 * spreadRng[k]!() - 1)) : ideal;
        tot.apt += work;
        // Breakdowns: each is bounded by the unit's work left (ttf > 0 consumes it).
        while (work > ttf[k]!) {
          const f = cal.advance(s, ttf[k]!);
          push(k, SEG_WORK, s, f, oi);
          work -= ttf[k]!;
          const c = ops.claim(f, st.mttr);
          tot.adot += cal.workingBetween(f, c.end);
          tot.breakdowns++;
          push(k, SEG_DOWN, f, c.end, oi);
          s = c.end;
          ttf[k] = drawTtf(k);
        }
        ttf[k] = ttf[k]! - work;
        const e = cal.advance(s, work);
        push(k, SEG_WORK, s, e, oi);
        free[k] = e;
        done[j] = e;
        tot.units++;
        tot.ideal += ideal;
        tot.busyKwh += Number.isNaN(e1) ? (st.busyPower * ideal) / 3600 : e1;
      }
    }
    // A unit enters the line when the first station that works on its product starts on it.
    const first = Number.isFinite(start) ? start : avail;
    for (let j = 0; j < o.quantity; j++) {
      left.push(done[j]!);
      entered.push(Number.isNaN(entry[j]!) ? done[j]! : entry[j]!);
    }
    orders[oi] = { order: oi, start: first, end: o.quantity > 0 ? done[o.quantity - 1]! : first };
  }
  let makespan = 0;
  for (const r of orders) makespan = Math.max(makespan, r.end);
  for (const f of free) makespan = Math.max(makespan, f);
  return {
    rule,
    seed,
    sequence,
    orders,
    segments,
    stations: totals,
    makespan,
    materialWait,
    entered: Float64Array.from(entered).sort(),
    left: Float64Array.from(left).sort(),
  };
}
