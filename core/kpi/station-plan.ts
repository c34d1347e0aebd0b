// Which components of a line are stations for the KPIs, which signals say each station's state,
// and its planned run time per item (PRI). Stations are the item-processing work units of the
// model: machines and pick-and-place stations. Conveyors, buffers and bins carry or hold items;
// coating and weld stations act on a passing belt; none of them has a cycle to be ideal about.
// Built once at load from the line's components; the tracker then only indexes arrays.

import { machineType } from '../../physics/machine.ts';
import { pickPlaceType } from '../../physics/pick-place.ts';

/** A station's state at one instant (the five the bottleneck shares are made of). */
export const WORKING = 0;
export const BLOCKED = 1;
export const STARVED = 2;
export const DOWN = 3;
export const CHANGEOVER = 4;
export const STATE_COUNT = 5;
export const STATE_NAMES = ['working', 'blocked', 'starved', 'down', 'changeover'] as const;
export type StationState = (typeof STATE_NAMES)[number];

/** Component types that are KPI stations. */
export const STATION_TYPES: readonly string[] = ['machine', 'pickplace'];

/** The part of a component the plan needs (a line file's component, or the HMI's layout entry). */
export interface ComponentInfo {
  readonly id: string;
  readonly type: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** Signal ids of one station; -1 where the station has no such signal. */
export interface StationSignals {
  busy: number;
  blocked: number;
  starved: number;
  items: number;
  down: number;
  changeover: number;
  cycles: number;
  energy: number;
}

export interface StationPlan {
  readonly id: string;
  readonly type: string;
  /** PRI planned run time per item, s. */
  readonly pri: number;
  readonly signals: StationSignals;
}

/** The line's own counters, signal ids. */
export interface LinePlan {
  /** Bins' `count`: items that left the line (PQ of the line). */
  readonly binned: Int32Array;
  /** Bins' `wrong` and quality gates' `reject`: the line's scrap. */
  readonly rejects: Int32Array;
  /** `line.energy`, -1 without. */
  readonly energy: number;
}

export interface KpiPlan {
  readonly stations: readonly StationPlan[];
  readonly line: LinePlan;
}

function num(params: Readonly<Record<string, unknown>>, key: string, fallback: number): number {
  const v = params[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

function defaultOf(params: Readonly<Record<string, object>>, key: string): number {
  const spec = params[key];
  const d = spec !== undefined && 'default' in spec ? spec.default : undefined;
  return typeof d === 'number' ? d : 0;
}

/**
 * PRI of a station from its parameters: a machine's mean `cycleTime`; a pick-and-place
 * station's sequence (down, grip, up, traverse, down, release, up, return).
 */
export function plannedRunTime(c: ComponentInfo): number {
  if (c.type === 'machine') return num(c.params, 'cycleTime', defaultOf(machineType.params, 'cycleTime'));
  const t = (k: string): number => num(c.params, k, defaultOf(pickPlaceType.params, k));
  return 2 * t('downTime') + t('gripTime') + 2 * t('upTime') + t('traverseTime') + t('releaseTime') + t('returnTime');
}

/**
 * The KPI plan of a line. `id(name)` gives a signal's id or -1 when the catalog lacks it.
 * Allocates: call once at load.
 */
export function kpiPlan(components: readonly ComponentInfo[], id: (name: string) => number): KpiPlan {
  const stations: StationPlan[] = [];
  for (const c of components) {
    if (!STATION_TYPES.includes(c.type)) continue;
    const s = (field: string): number => id(`${c.id}.${field}`);
    stations.push({
      id: c.id,
      type: c.type,
      pri: plannedRunTime(c),
      signals: { busy: s('busy'), blocked: s('blocked'), starved: s('starved'), items: s('items'), down: s('down'), changeover: s('changeover'), cycles: s('cycles'), energy: s('energy') },
    });
  }
  const of = (type: string, field: string): number[] => components.filter((c) => c.type === type).map((c) => id(`${c.id}.${field}`)).filter((x) => x >= 0);
  return {
    stations,
    line: {
      binned: Int32Array.from(of('bin', 'count')),
      rejects: Int32Array.from([...of('bin', 'wrong'), ...of('quality', 'reject')]),
      energy: id('line.energy'),
    },
  };
}

/**
 * A station's state from its signals, first match wins: down (a breakdown), changeover,
 * blocked (done, the outlet does not take the item), working (busy), blocked again when an item
 * is in but no cycle runs (a controller holding the station: it does so for room downstream),
 * else starved (empty). Allocation-free.
 */
export function stationState(v: Float64Array, s: StationSignals): number {
  if (s.down >= 0 && v[s.down] !== 0) return DOWN;
  if (s.changeover >= 0 && v[s.changeover] !== 0) return CHANGEOVER;
  if (s.blocked >= 0 && v[s.blocked] !== 0) return BLOCKED;
  if (s.busy >= 0 && v[s.busy] !== 0) return WORKING;
  if (s.items >= 0 && v[s.items]! > 0) return BLOCKED;
  return STARVED;
}

/** Active states in the sense of Roser et al.: the station itself decides how long they last. */
export function isActive(state: number): boolean {
  return state === WORKING || state === DOWN || state === CHANGEOVER;
}
