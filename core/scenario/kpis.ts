// The key figures of a run, measured from the line's own signals: throughput (items into bins
// per minute), cycle time (mean seconds between bin arrivals), energy (kWh), reject rate (wrong
// bin + quality-gate rejects per item binned), wear (highest drive wear) and controller faults
// (rising edges of ctl.fault), alarms raised (rising edges of the run's process alarm signals:
// the controller's fault output and every drive's overload trip).
// Ids are resolved once; sample() is allocation-free and runs at the trace sample rate.

import type { LineFile } from '../../physics/model.ts';
import type { Bound, KpiName } from './scenario-file.ts';

export interface Kpis {
  /** items per minute */
  throughput: number;
  /** s per item; NaN with fewer than two arrivals */
  cycleTime: number;
  /** kWh */
  energy: number;
  rejectRate: number;
  wear: number;
  controllerFaults: number;
  /** process alarms raised: rising edges of ctl.fault and of every drive's `tripped` */
  alarms: number;
  /** items binned during the run */
  items: number;
  rejects: number;
  /** simulated s measured */
  duration: number;
}

export interface KpiVerdict {
  readonly name: KpiName;
  readonly value: number | null;
  readonly min?: number;
  readonly max?: number;
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly message?: string;
}

export const KPI_UNITS: Readonly<Record<KpiName, string>> = {
  throughput: 'items/min',
  cycleTime: 's',
  energy: 'kWh',
  rejectRate: '',
  wear: '',
  controllerFaults: '',
  alarms: '',
};

/** The signals KPIs read, by the line's component types. */
export function kpiSignals(line: LineFile, has: (name: string) => boolean): { binned: string[]; rejects: string[]; wear: string[]; energy: string | null; fault: string | null; alarms: string[] } {
  const of = (type: string, field: string): string[] => line.components.filter((c) => c.type === type).map((c) => `${c.id}.${field}`).filter(has);
  return {
    binned: of('bin', 'count'),
    rejects: [...of('bin', 'wrong'), ...of('quality', 'reject')],
    wear: of('drive', 'wear'),
    energy: has('line.energy') ? 'line.energy' : null,
    fault: has('ctl.fault') ? 'ctl.fault' : null,
    alarms: [...(has('ctl.fault') ? ['ctl.fault'] : []), ...of('drive', 'tripped')],
  };
}

export class KpiTracker {
  readonly #binned: Int32Array;
  readonly #rejects: Int32Array;
  readonly #wear: Int32Array;
  readonly #energy: number;
  readonly #fault: number;
  readonly #alarmIds: Int32Array;
  readonly #alarmPrev: Float64Array;
  #alarmEdges = 0;
  #binned0 = 0;
  #rejects0 = 0;
  #energy0 = 0;
  #lastBinned = 0;
  #firstArrival = NaN;
  #lastArrival = NaN;
  #arrivals = 0;
  #faultPrev = 0;
  #faultEdges = 0;
  #time = 0;
  #time0 = 0;

  constructor(ids: { binned: Int32Array; rejects: Int32Array; wear: Int32Array; energy: number; fault: number; alarms?: Int32Array }) {
    this.#binned = ids.binned;
    this.#rejects = ids.rejects;
    this.#wear = ids.wear;
    this.#energy = ids.energy;
    this.#fault = ids.fault;
    this.#alarmIds = ids.alarms ?? new Int32Array(0);
    this.#alarmPrev = new Float64Array(this.#alarmIds.length);
  }

  /** Start measuring from the present values (a restored snapshot may start anywhere). */
  start(v: Float64Array, time: number): void {
    this.#binned0 = sum(v, this.#binned);
    this.#lastBinned = this.#binned0;
    this.#rejects0 = sum(v, this.#rejects);
    this.#energy0 = this.#energy >= 0 ? v[this.#energy]! : 0;
    this.#faultPrev = this.#fault >= 0 ? v[this.#fault]! : 0;
    for (let k = 0; k < this.#alarmIds.length; k++) this.#alarmPrev[k] = v[this.#alarmIds[k]!]!;
    this.#time0 = time;
    this.#time = time;
  }

  sample(v: Float64Array, time: number): void {
    this.#time = time;
    const b = sum(v, this.#binned);
    if (b !== this.#lastBinned) {
      if (this.#arrivals === 0) this.#firstArrival = time;
      this.#arrivals += b - this.#lastBinned;
      this.#lastArrival = time;
      this.#lastBinned = b;
    }
    if (this.#fault >= 0) {
      const f = v[this.#fault]!;
      if (f !== 0 && this.#faultPrev === 0) this.#faultEdges++;
      this.#faultPrev = f;
    }
    for (let k = 0; k < this.#alarmIds.length; k++) {
      const a = v[this.#alarmIds[k]!]!;
      if (a !== 0 && this.#alarmPrev[k] === 0) this.#alarmEdges++;
      this.#alarmPrev[k] = a;
    }
  }

  result(v: Float64Array): Kpis {
    const duration = this.#time - this.#time0;
    const items = sum(v, this.#binned) - this.#binned0;
    const rejects = sum(v, this.#rejects) - this.#rejects0;
    let wear = 0;
    for (let k = 0; k < this.#wear.length; k++) wear = Math.max(wear, v[this.#wear[k]!]!);
    return {
      throughput: duration > 0 ? (items * 60) / duration : 0,
      cycleTime: this.#arrivals >= 2 ? (this.#lastArrival - this.#firstArrival) / (this.#arrivals - 1) : NaN,
      energy: this.#energy >= 0 ? v[this.#energy]! - this.#energy0 : 0,
      rejectRate: items > 0 ? rejects / items : 0,
      wear,
      controllerFaults: this.#faultEdges,
      alarms: this.#alarmEdges,
      items,
      rejects,
      duration,
    };
  }
}

function sum(v: Float64Array, ids: Int32Array): number {
  let s = 0;
  for (let k = 0; k < ids.length; k++) s += v[ids[k]!]!;
  return s;
}

/** Check the file's KPI bounds; `skip` when a step failed (the run did not reach its end). */
export function judgeKpis(kpis: Kpis, bounds: Partial<Readonly<Record<KpiName, Bound>>> | undefined, skip: boolean): KpiVerdict[] {
  const out: KpiVerdict[] = [];
  for (const [name, b] of Object.entries(bounds ?? {}) as [KpiName, Bound][]) {
    const range = { ...(b.min !== undefined ? { min: b.min } : {}), ...(b.max !== undefined ? { max: b.max } : {}) };
    const value = kpis[name];
    if (skip) {
      out.push({ name, value, ...range, status: 'skipped', message: 'not judged: a step failed' });
      continue;
    }
    const unit = KPI_UNITS[name] ? ` ${KPI_UNITS[name]}` : '';
    const show = (x: number): string => `${Number.isInteger(x) ? x : x.toPrecision(4)}${unit}`;
    if (Number.isNaN(value)) out.push({ name, value: null, ...range, status: 'failed', message: `${name} could not be measured (fewer than two items binned)` });
    else if (b.min !== undefined && value < b.min) out.push({ name, value, ...range, status: 'failed', message: `${name} ${show(value)} is below min ${show(b.min)}` });
    else if (b.max !== undefined && value > b.max) out.push({ name, value, ...range, status: 'failed', message: `${name} ${show(value)} is above max ${show(b.max)}` });
    else out.push({ name, value, ...range, status: 'passed' });
  }
  return out;
}
