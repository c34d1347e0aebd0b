// Runs a plan's order book on the virtual line (the physics model, core/planning/on-line-line.ts)
// in lock-step, as fast as possible: the same dispatcher as the schedule (sequencing.ts) releases
// one order (a lot) at a time through the order source once the first station has finished the
// previous one and the order is released and its material there; every station is told the next
// product so it changes over before the first unit arrives; the operator pool grants operators to
// changeovers and repairs (lowest station first); breakdowns come from the plan's mtbf/mttr.
//
// The shift calendar: the model is stepped only in working time. Between two working windows
// (a break, a night, a weekend, a planned stop) the model is not stepped at all: its state is
// frozen and the plan clock jumps to the next window's start, so non-working time costs nothing
// and work pauses and resumes exactly as in the schedule (preemptive-resume). The KPI tracker is
// sampled every step on the model's clock, which is the working time elapsed: its PBT is the
// working time of [0, makespan], as in the schedule's KPIs.
//
// The result is a ScheduleRun (schedule.ts), so plan-kpis.ts and plan-report.ts read it as they
// read the schedule's: the time elements come from the KPI tracker, the energy from the
// machines' meters, the order ends from the last station's cycle counter.

import { Calendar, MAX_DAYS } from './calendar.ts';
import type { PlanSpec, Rule } from './plan-spec.ts';
import { SEG_CHANGEOVER, SEG_DOWN, SEG_WAIT_OPERATOR, SEG_WORK, stream, type OrderResult, type ScheduleRun, type Segment, type StationTotals } from './schedule.ts';
import { dispatch, ruleOrder } from './sequencing.ts';
import { buildVirtualLine } from './on-line-line.ts';
import { TwinloopError } from '../errors.ts';

export interface OnLineOptions {
  /** Line file instead of the plan's `line:`. */
  readonly line?: string;
  /** Step length instead of the line file's, s (benchmarks: the week at 1 ms). */
  readonly dt?: number;
  /** Progress lines (stderr by default in the CLI); called at most every `progressMs`. */
  readonly progress?: (line: string) => void;
  readonly progressMs?: number;
}

export interface OnLineRun extends ScheduleRun {
  /** Physics steps taken (working time / dt, less the leaps). */
  readonly ticks: number;
  /** Working time leapt over while the line stood empty waiting for a release, s. */
  readonly leapt: number;
  readonly dt: number;
  readonly lineFile: string;
}

const NO_SEG = -1;

/** Steps between looks at the wall clock for progress. */
const PROGRESS_EVERY = 1 << 18;

export function runOnLine(plan: PlanSpec, rule: Rule, seed: number, opts: OnLineOptions = {}): OnLineRun {
  const vl = buildVirtualLine(plan, seed, opts.line, opts.dt);
  const { model, values: v, tracker, sigs, program: prog } = vl;
  const { machines, orderSources } = model.planControls;
  const dt = model.dt;
  const cal = new Calendar(plan.calendar);
  const K = plan.stations.length;
  const N = plan.orders.length;
  const totalUnits = plan.orders.reduce((n, o) => n + o.quantity, 0);

  // Dispatch state.
  const list = ruleOrder(plan, rule);
  const sequence: number[] = [];
  /** Units dispatched after each order of the sequence (cumulative). */
  const cum = new Float64Array(N);
  let dispatched = 0;
  let pending = -1; // order chosen, waiting for its release time
  let pendingAt = 0;
  let pendingForMaterial = false;
  // Doubles the step functions share live in typed arrays: a double passed to a closure or kept
  // in a captured variable is boxed on every change, and these change every step.
  // [0] plan time before the step, [1] after it, [2] material wait, [3] working time leapt over
  // while the line stood empty waiting for a release (not stepped), s.
  const clock = new Float64Array(4);
  const start = new Float64Array(N).fill(NaN);
  const end = new Float64Array(N).fill(NaN);
  let ended = 0;

  // Per station: the position in the sequence of the order it works on; the class announced.
  const pos = new Int32Array(K);
  const announced = new Int32Array(K).fill(-1);

  // Operators (null: unlimited) and breakdowns.
  const unlimited = plan.operators === null;
  let freeOps = plan.operators ?? 0;
  const holdsCo = new Uint8Array(K);
  const failRng = plan.stations.map((_, k) => stream(seed, 2 * k + 1));
  const drawTtf = (k: number): number => {
    const m = plan.stations[k]!.mtbf;
    return m > 0 ? Math.max(1, Math.round((-m * Math.log(1 - failRng[k]!())) / dt)) : Infinity;
  };
  const ttf = Float64Array.from(plan.stations, (_, k) => drawTtf(k));
  /** Repair: 0 none, 1 waiting for an operator, 2 repairing. */
  const repair = new Uint8Array(K);
  const repairLeft = new Float64Array(K);
  const faultId = new Int32Array(K);
  const breakdowns = new Int32Array(K);
  const opWait = new Float64Array(K);
  const changeovers = new Int32Array(K);
  const wasCo = new Uint8Array(K);

  // Gantt segments: per station the open one, extended while its kind and order stay.
  const segments: Segment[] = [];
  const segOpen: (Segment | null)[] = new Array<Segment | null>(K).fill(null);
  const segTick = new Float64Array(K); // model tick at which the open segment was last extended
  const entered = new Float64Array(totalUnits);
  const left = new Float64Array(totalUnits);
  let nEntered = 0, nLeft = 0;

  const lastK = K - 1;
  let T = 0;
  const t0 = performance.now();
  let lastPrint = t0;
  const progressMs = opts.progressMs ?? 2000;
  const label = `on-line ${rule} seed ${seed}`;
  tracker.start(v, 0);

  const stepAt = (): void => {
    const now = clock[0]!;
    // 1. Dispatch: the first station has finished every unit dispatched (and the source is empty).
    if (pending < 0 && list.length > 0 && orderSources.queued(vl.source) === 0 && v[sigs[0]!.cycles]! >= dispatched) {
      const setup = announced[0]! >= 0 ? plan.products[announced[0]!]!.family : plan.stations[0]!.initialFamily;
      const d = dispatch(plan, rule, list, now, setup);
      pending = list.splice(d.pos, 1)[0]!;
      pendingAt = d.at;
      const o = plan.orders[pending]!;
      pendingForMaterial = o.material > o.release && o.material > now;
    }
    if (pending >= 0) {
      if (now + 1e-9 >= pendingAt) {
        const o = plan.orders[pending]!;
        orderSources.release(vl.source, o.product, o.quantity);
        sequence.push(pending);
        dispatched += o.quantity;
        cum[sequence.length - 1] = dispatched;
        start[pending] = now;
        pending = -1;
      } else if (pendingForMaterial && v[sigs[0]!.starved] === 1) clock[2] += dt;
    }
    // 2. Each station is told the product of the first order it has not finished.
    for (let k = 0; k < K; k++) {
      const done = v[sigs[k]!.cycles]!;
      while (pos[k]! < sequence.length && done >= cum[pos[k]!]!) pos[k]!++;
      const cls = pos[k]! < sequence.length ? plan.orders[sequence[pos[k]!]!]!.product : -1;
      // Nothing left to announce (-1): the station stays set up for its last product.
      if (cls >= 0 && cls !== announced[k]) {
        machines.announce(vl.machine[k]!, cls);
        announced[k] = cls;
        // The line's own logic: the product's setpoints this station owns go to the line now,
        // so the process moves toward them during the changeover.
        const w = vl.writes[k]![cls]!;
        for (let j = 0; j < w.ids.length; j++) v[w.ids[j]!] = w.values[j]!;
      }
    }
    // 3. Operators: the ones whose task ended go back; then waiting stations get one, lowest first.
    for (let k = 0; k < K; k++) {
      if (holdsCo[k] === 1 && !machines.holdsOperator(vl.machine[k]!)) {
        holdsCo[k] = 0;
        freeOps++;
      }
    }
    for (let k = 0; k < K; k++) {
      if (repair[k] === 1 && (unlimited || freeOps > 0)) {
        if (!unlimited) freeOps--;
        repair[k] = 2;
        repairLeft[k] = Math.max(1, Math.round(plan.stations[k]!.mttr / dt));
      }
      if (machines.wantsOperator(vl.machine[k]!) && freeOps > 0) {
        freeOps--;
        holdsCo[k] = 1;
        machines.grantOperator(vl.machine[k]!);
      }
    }
  };

  const afterStep = (): void => {
    const now = clock[1]!;
    const tick = model.tick;
    tracker.sample(v, model.time + clock[3]!);
    while (nEntered < v[vl.created]!) entered[nEntered++] = now;
    const out = v[sigs[lastK]!.cycles]!;
    while (nLeft < out) left[nLeft++] = now;
    while (ended < sequence.length && out >= cum[ended]!) end[sequence[ended++]!] = now;
    for (let k = 0; k < K; k++) {
      const s = sigs[k]!;
      // Breakdowns: working time to failure runs down while busy; a repair needs an operator.
      if (v[s.busy] === 1 && --ttf[k]! <= 0 && repair[k] === 0) {
        faultId[k] = model.injectFault({ target: 'component', component: plan.stations[k]!.id, kind: 'breakdown' }).id;
        repair[k] = 1;
        breakdowns[k]!++;
      } else if (repair[k] === 2 && --repairLeft[k]! <= 0) {
        model.clearFault(faultId[k]!);
        repair[k] = 0;
        if (!unlimited) freeOps++;
        ttf[k] = drawTtf(k);
      }
      if (v[s.waitOperator] === 1) opWait[k] += dt;
      const co = v[s.changeover] === 1 ? 1 : 0;
      if (co === 1 && wasCo[k] === 0) changeovers[k]!++;
      wasCo[k] = co;
      const kind = v[s.down] === 1 ? SEG_DOWN : co === 1 ? SEG_CHANGEOVER : v[s.waitOperator] === 1 ? SEG_WAIT_OPERATOR : v[s.busy] === 1 ? SEG_WORK : NO_SEG;
      if (kind === NO_SEG) continue;
      const order = pos[k]! < sequence.length ? sequence[pos[k]!]! : sequence[sequence.length - 1] ?? 0;
      const open = segOpen[k];
      // Contiguous in model time (working time) with the open bar of the same kind and order: extend it.
      if (open !== null && open.kind === kind && open.order === order && segTick[k] === tick - 1) open.end = now;
      else {
        const seg: Segment = { station: k, kind, start: now - dt, end: now, order };
        segments.push(seg);
        segOpen[k] = seg;
      }
      segTick[k] = tick;
    }
  };

  /** Nothing in the line: every unit released has left it, no station changes over or waits to be repaired. */
  const lineEmpty = (): boolean => {
    if (orderSources.queued(vl.source) !== 0 || v[sigs[lastK]!.cycles]! < dispatched) return false;
    for (let k = 0; k < K; k++) {
      const s = sigs[k]!;
      if (v[s.starved] !== 1 || v[s.changeover] !== 0 || v[s.waitOperator] !== 0 || repair[k] !== 0) return false;
    }
    return true;
  };

  // Working windows, day by day; the model stands still between them.
  let finished = false;
  for (let d = 0; d < MAX_DAYS && !finished; d++) {
    for (const w of cal.windowsOfDay(d)) {
      const n = Math.round((w.end - w.start) / dt);
      for (let i = 0; i < n; i++) {
        T = w.start + i * dt;
        clock[0] = T;
        clock[1] = w.start + (i + 1) * dt;
        stepAt();
        // The line's own program, every controller cycle, after the run's writes (scan, then step).
        if (prog !== null && model.tick % prog.stepsPerCycle === 0) prog.scan(v);
        model.step();
        afterStep();
        if (ended === N) {
          finished = true;
          T = w.start + (i + 1) * dt;
          break;
        }
        // An empty line waiting for its next order: leap to the step that releases it (or to
        // the window's end) instead of stepping idle time; the KPI tracker's next sample puts
        // the leap in the stations' starved time, the energy below adds their idle power.
        if (vl.idleSkippable && pending >= 0 && lineEmpty()) {
          const to = Math.min(Math.ceil((pendingAt - w.start) / dt - 1e-9), n);
          const leap = to - (i + 1);
          if (leap > 0) {
            if (pendingForMaterial) clock[2] += leap * dt;
            clock[3] += leap * dt;
            i += leap;
          }
        }
        if ((model.tick & (PROGRESS_EVERY - 1)) === 0 && opts.progress !== undefined) {
          const now = performance.now();
          if (now - lastPrint >= progressMs) {
            lastPrint = now;
            opts.progress(`${label}: plan time ${(T / 3600).toFixed(1)} h, ${nLeft}/${totalUnits} units, ${ended}/${N} orders, ${((now - t0) / 1000).toFixed(1)} s wall`);
          }
        }
      }
      if (finished) break;
    }
  }
  if (!finished) throw new TwinloopError('PLAN_NO_WORKING_TIME', `${plan.name}: the orders did not finish on the virtual line within ${MAX_DAYS} days`);

  const rep = tracker.report();
  const stations: StationTotals[] = plan.stations.map((st, k) => {
    const ks = rep.stations[vl.trackerIndex[k]!]!;
    let units = 0, ideal = 0;
    for (const o of plan.orders) {
      const ct = plan.products[o.product]!.cycleTime[k]!;
      if (ct > 0) {
        units += o.quantity;
        ideal += ct * o.quantity;
      }
    }
    // The report adds the plan's idle power over the idle working time; take it off here so its
    // energy is the machine's meter (busy power while working, idle power otherwise) plus the
    // idle power over the leaps the meter did not see.
    // What the changeovers consumed the meter counted too (drawn over each changeover's time):
    // reported apart, as the schedule does.
    const idle = Math.max(0, ks.pbt - ks.apt);
    const meter = ks.energy + (vl.idleKw[k]! * clock[3]!) / 3600;
    // Per changeover of the matrix: a wait for process values alone (settle) consumes nothing extra.
    const matrixChangeovers = machines.changeoverCount(vl.machine[k]!);
    const coKwh = matrixChangeovers * st.changeoverEnergy;
    return { apt: ks.apt, aust: ks.aust, adot: ks.adot, operatorWait: opWait[k]!, changeovers: changeovers[k]!, breakdowns: breakdowns[k]!, units, ideal, busyKwh: meter - (st.idlePower * idle) / 3600 - coKwh, changeoverKwh: coKwh, scrap: matrixChangeovers * st.changeoverScrap };
  });
  const orders: OrderResult[] = plan.orders.map((_, i) => ({ order: i, start: start[i]!, end: end[i]! }));
  opts.progress?.(`${label}: done, plan time ${(T / 3600).toFixed(2)} h, ${model.tick} steps of ${dt} s (${(clock[3]! / 3600).toFixed(2)} h of idle working time leapt over) in ${((performance.now() - t0) / 1000).toFixed(1)} s wall`);
  return {
    rule,
    seed,
    sequence,
    orders,
    segments,
    stations,
    makespan: T,
    materialWait: clock[2]!,
    // The process stations stand with the model between working windows: their meters hold
    // what they drew in working time, which is when the line runs them.
    processKwh: vl.processMeters.reduce((e, m) => e + vl.values[m]!, 0),
    entered: entered.slice(0, nEntered).sort(),
    left: left.slice(0, nLeft).sort(),
    ticks: model.tick,
    leapt: clock[3]!,
    dt,
    lineFile: vl.lineFile,
  };
}
