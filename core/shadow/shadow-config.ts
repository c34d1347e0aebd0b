// The shadow and maintenance sections of a plant file: the raw shapes the schema admits, the
// cross-checks it cannot express (duplicate rule names, an analog rule without a tolerance, a
// fault that names both or neither of component and signal), and normalisation to the rule
// data of rules.ts (seconds suffixed `S`, defaults filled in).

import type { AlarmPriority } from '../alarms/alarm-sink.ts';
import { COMPONENT_FAULT_KINDS, type LineFault } from '../../physics/fault-spec.ts';
import type { CompareRule, MaintenanceRule, ResyncRule, ShadowSection } from './rules.ts';

interface RawCompare {
  name: string;
  kind: 'analog' | 'discrete' | 'rate' | 'energy';
  signal: string;
  priority?: AlarmPriority;
  cause?: string;
  abs?: number;
  rel?: number;
  filter?: number;
  persistence?: number;
  edge?: 'rising' | 'falling' | 'both';
  window?: number;
  hold?: number;
}
interface RawResync {
  kind: 'item' | 'stroke';
  sensor: string;
  component: string;
  capture?: number;
  stroke?: number;
}
export interface RawShadow {
  staleMs?: number;
  recover?: number;
  warmup?: number;
  compare?: RawCompare[];
  resync?: RawResync[];
}
export interface RawMaintenanceRule {
  name: string;
  kind: 'trend' | 'count';
  signal: string;
  priority?: AlarmPriority;
  action: string;
  escalation?: { after: number; priority: AlarmPriority };
  limit?: number;
  window: number;
  horizon?: number;
  sample?: number;
  max?: number;
}
interface RawFault {
  component?: string;
  signal?: string;
  kind: LineFault['kind'];
  severity?: number;
  value?: number;
  at?: number;
}
export interface RawSoftLine {
  line: string;
  program?: string;
  port?: number;
  seed?: number;
  faults?: RawFault[];
}

/** The test rig's "real line" stand-in (see plc-adapters/soft-plc/line-peer.ts). */
export interface SoftLine {
  /** Absolute path of its line file. */
  readonly line: string;
  readonly program: string;
  readonly port?: number;
  readonly seed?: number;
  readonly faults: readonly LineFault[];
}

const COMPONENT_KINDS: ReadonlySet<string> = new Set(COMPONENT_FAULT_KINDS);

type Issue = { segs: (string | number)[]; message: string };

/** Cross-checks of the shadow and maintenance sections and of soft-line faults. */
export function checkShadowRaw(shadow: RawShadow | undefined, maintenance: RawMaintenanceRule[] | undefined): Issue[] {
  const out: Issue[] = [];
  const names = new Map<string, string>();
  const unique = (name: string, where: string, segs: (string | number)[]): void => {
    const first = names.get(name);
    if (first !== undefined) out.push({ segs, message: `rule ${name} is defined twice (first at ${first})` });
    else names.set(name, where);
  };
  shadow?.compare?.forEach((r, i) => {
    unique(r.name, `shadow.compare[${i}]`, ['shadow', 'compare', i, 'name']);
    if (r.kind === 'analog' && r.abs === undefined && r.rel === undefined) {
      out.push({ segs: ['shadow', 'compare', i], message: `analog rule ${r.name} needs a tolerance: abs, rel or both` });
    }
    if ((r.kind === 'rate' || r.kind === 'energy') && r.window === undefined) {
      out.push({ segs: ['shadow', 'compare', i, 'window'], message: `is required for a ${r.kind} rule (the averaging window, s)` });
    }
  });
  const sensors = new Map<string, number>();
  shadow?.resync?.forEach((r, i) => {
    const first = sensors.get(r.sensor);
    if (first !== undefined) out.push({ segs: ['shadow', 'resync', i, 'sensor'], message: `${r.sensor} already re-synchronises at shadow.resync[${first}]` });
    else sensors.set(r.sensor, i);
  });
  maintenance?.forEach((r, i) => unique(r.name, `maintenance[${i}]`, ['maintenance', i, 'name']));
  return out;
}

/** Cross-checks of one controller's soft line faults (kinds that fit component or signal). */
export function checkSoftLineRaw(s: RawSoftLine, at: (string | number)[]): Issue[] {
  const out: Issue[] = [];
  s.faults?.forEach((f, i) => {
    const segs = [...at, 'softLine', 'faults', i];
    if ((f.component === undefined) === (f.signal === undefined)) out.push({ segs, message: 'give exactly one of component and signal' });
    else if (f.component !== undefined && !COMPONENT_KINDS.has(f.kind)) out.push({ segs: [...segs, 'kind'], message: `${f.kind} is a signal fault; a component fault is one of ${COMPONENT_FAULT_KINDS.join(', ')}` });
    else if (f.signal !== undefined && COMPONENT_KINDS.has(f.kind)) out.push({ segs: [...segs, 'kind'], message: `${f.kind} is a component fault; give component, not signal` });
  });
  return out;
}

export function normaliseSoftLineFaults(faults: readonly RawFault[] | undefined): LineFault[] {
  return (faults ?? []).map((f) =>
    f.component !== undefined
      ? { component: f.component, kind: f.kind as LineFault['kind'] & (typeof COMPONENT_FAULT_KINDS)[number], ...(f.severity !== undefined ? { severity: f.severity } : {}), ...(f.at !== undefined ? { at: f.at } : {}) }
      : ({ signal: f.signal!, kind: f.kind, ...(f.value !== undefined ? { value: f.value } : {}), ...(f.at !== undefined ? { at: f.at } : {}) } as LineFault),
  );
}

function compareRule(r: RawCompare): CompareRule {
  const base = { name: r.name, signal: r.signal, priority: r.priority ?? 2, cause: r.cause ?? '' };
  switch (r.kind) {
    case 'analog':
      return { ...base, kind: 'analog', abs: r.abs ?? 0, rel: r.rel ?? 0, filterS: r.filter ?? 0, persistenceS: r.persistence ?? 1 };
    case 'discrete':
      return { ...base, kind: 'discrete', edge: r.edge ?? 'both', windowS: r.window ?? 0.5, holdS: r.hold ?? 10 };
    case 'rate':
      return { ...base, kind: 'rate', windowS: r.window ?? 60, abs: r.abs ?? 0, rel: r.rel ?? 0.2 };
    case 'energy':
      return { ...base, kind: 'energy', windowS: r.window ?? 60, abs: r.abs ?? 0, rel: r.rel ?? 0.2 };
  }
}

function resyncRule(r: RawResync): ResyncRule {
  return { kind: r.kind, sensor: r.sensor, component: r.component, captureM: r.capture ?? 0.3, stroke: r.stroke ?? 1 };
}

export function normaliseShadow(raw: RawShadow): ShadowSection {
  return {
    staleMs: raw.staleMs ?? 500,
    recoverS: raw.recover ?? 5,
    warmupS: raw.warmup ?? 2,
    compare: (raw.compare ?? []).map(compareRule),
    resync: (raw.resync ?? []).map(resyncRule),
  };
}

export function normaliseMaintenance(raw: readonly RawMaintenanceRule[]): MaintenanceRule[] {
  return raw.map((r): MaintenanceRule => {
    const base = {
      name: r.name,
      signal: r.signal,
      priority: r.priority ?? 3,
      action: r.action,
      ...(r.escalation ? { escalation: { afterS: r.escalation.after, priority: r.escalation.priority } } : {}),
    };
    if (r.kind === 'trend') return { ...base, kind: 'trend', limit: r.limit!, windowS: r.window, horizonS: r.horizon!, sampleS: r.sample ?? Math.max(0.1, r.window / 120) };
    return { ...base, kind: 'count', max: r.max!, windowS: r.window };
  });
}
