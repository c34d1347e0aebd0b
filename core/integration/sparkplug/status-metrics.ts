// The run's status as Sparkplug node metrics, for a plant overview (a primary host that shows
// every line on one page, hmi/plant/): run state and pace achieved, alarm counts as the HMI's
// banner counts them, the HMI's address, and whatever else the caller adds (KPIs). Asked about
// once a second by the edge node, which sends only what changed.

import type { AlarmManager } from '../../alarms/alarm-manager.ts';
import type { RunStatus } from '../../engine/run-control.ts';
import type { StatusMetric } from './payloads.ts';

export const STATUS_NAMES = {
  state: 'Run/State',
  mode: 'Run/Mode',
  realtimeFactor: 'Run/Realtime factor',
  active: 'Alarms/Active',
  unacknowledged: 'Alarms/Unacknowledged',
  highest: 'Alarms/Highest priority',
  hmi: 'Node Info/HMI',
} as const;

/** Alarm states the banner annunciates (as GET /metrics counts them). */
const ANNUNCIATED = new Set(['active-unacknowledged', 'active-acknowledged', 'returned-unacknowledged']);
const UNACKNOWLEDGED = new Set(['active-unacknowledged', 'returned-unacknowledged']);

export interface StatusSources {
  readonly status: () => RunStatus;
  readonly alarms?: AlarmManager;
  /** The HMI's address a person can open (empty when unknown). */
  readonly hmiUrl?: string;
  /** More metrics (KPIs), appended as given. */
  readonly extra?: () => readonly StatusMetric[];
}

export function statusMetrics(src: StatusSources): () => readonly StatusMetric[] {
  return () => {
    const s = src.status();
    let active = 0;
    let unacked = 0;
    let highest = 0;
    for (const a of src.alarms?.list() ?? []) {
      if (!ANNUNCIATED.has(a.state)) continue;
      active++;
      if (UNACKNOWLEDGED.has(a.state)) unacked++;
      if (highest === 0 || a.priority < highest) highest = a.priority;
    }
    return [
      { name: STATUS_NAMES.state, type: 'String', value: s.state },
      { name: STATUS_NAMES.mode, type: 'String', value: s.mode },
      // Rounded: a factor that wobbles in its third digit is not news for a plant overview.
      { name: STATUS_NAMES.realtimeFactor, type: 'Double', value: Math.round(s.stats.realtimeFactor * 100) / 100 },
      { name: STATUS_NAMES.active, type: 'Int32', value: active },
      { name: STATUS_NAMES.unacknowledged, type: 'Int32', value: unacked },
      { name: STATUS_NAMES.highest, type: 'Int32', value: highest },
      { name: STATUS_NAMES.hmi, type: 'String', value: src.hmiUrl ?? '' },
      ...(src.extra?.() ?? []),
    ];
  };
}
