// Alarm-system performance figures per ISA-18.2 (and EEMUA 191), computed as a pure function of
// a list of journal events and the current alarms, so a hand-built sequence gives hand-checkable
// figures. An "annunciation" is a transition INTO active-unacknowledged from another state: what
// the operator is asked to act on (a new activation, a re-alarm after return, an active alarm
// coming back from shelving or out of service). Hidden activations are not counted.

import type { AlarmPriority } from './alarm-sink.ts';
import { PRIORITY_LABEL, type AlarmState } from './alarm-state.ts';
import type { KpiEventRow } from './alarm-journal.ts';

export const TEN_MINUTES_MS = 600_000;
/** Flood: more than this many annunciations within ten minutes. */
export const FLOOD_THRESHOLD = 10;
/** Chattering: this many annunciations of one alarm within CHATTER_WINDOW_MS. */
export const CHATTER_COUNT = 3;
export const CHATTER_WINDOW_MS = 60_000;

/** ISA-18.2's recommended distribution of annunciated priorities (4-priority system). */
export const RECOMMENDED_SPLIT: Readonly<Record<AlarmPriority, string>> = { 1: '< 1 %', 2: '~5 %', 3: '~15 %', 4: '~80 %' };

export interface KpiOptions {
  /** Period, manager-clock ms. */
  readonly from: number;
  readonly to: number;
  /** Operators sharing the alarm load; default 1. */
  readonly operators?: number;
  /** An alarm active longer than this is stale; default 24 h. */
  readonly staleMs?: number;
}

/** The current alarms the stale count and the hidden counts look at. */
export interface CurrentAlarm {
  readonly key: string;
  readonly state: AlarmState;
  readonly since: number | null;
}

export interface AlarmKpis {
  readonly from: number;
  readonly to: number;
  readonly operators: number;
  readonly annunciated: number;
  /** Average annunciations per operator per 10 minutes over the period (target ~1, max ~2). */
  readonly perOperatorPer10Min: number;
  /** Most annunciations within any 10 minutes of the period (target <= 10). */
  readonly peak10Min: number;
  /** Share of the period during which the preceding 10 minutes held > 10 annunciations (target < ~1 %). */
  readonly floodPercent: number;
  readonly floodMs: number;
  /** Alarms annunciated >= 3 times within 60 s (target: none). */
  readonly chattering: readonly { readonly key: string; readonly maxIn60s: number }[];
  /** Alarms active (shown) longer than staleMs at `to` (target: < 5). */
  readonly stale: readonly { readonly key: string; readonly since: number; readonly ageMs: number }[];
  readonly staleMs: number;
  readonly prioritySplit: readonly { readonly priority: AlarmPriority; readonly label: string; readonly count: number; readonly percent: number; readonly recommended: string }[];
  /** The ten most frequent alarms and their share of all annunciations (target: a few % each). */
  readonly topFrequent: readonly { readonly key: string; readonly count: number; readonly percent: number }[];
  readonly shelvedNow: number;
  readonly outOfServiceNow: number;
  readonly suppressedNow: number;
}

function isAnnunciation(e: KpiEventRow): boolean {
  return e.to === 'active-unacknowledged' && e.from !== 'active-unacknowledged';
}

const pct = (part: number, whole: number): number => (whole > 0 ? (100 * part) / whole : 0);

/**
 * Compute the KPIs of the period [from, to] from its events (oldest first; events outside the
 * period are ignored) and the alarms as they are at `to`.
 */
export function computeKpis(events: readonly KpiEventRow[], current: readonly CurrentAlarm[], opts: KpiOptions): AlarmKpis {
  const { from, to } = opts;
  const operators = opts.operators ?? 1;
  const staleMs = opts.staleMs ?? 24 * 3600_000;
  const span = Math.max(0, to - from);
  const times: number[] = [];
  const byKey = new Map<string, number[]>();
  const byPriority: Record<AlarmPriority, number> = { 1: 0, 2: 0, 3: 0, 4: 0 };
  for (const e of events) {
    if (e.at < from || e.at > to || !isAnnunciation(e)) continue;
    times.push(e.at);
    let list = byKey.get(e.key);
    if (list === undefined) byKey.set(e.key, (list = []));
    list.push(e.at);
    byPriority[e.priority]++;
  }
  times.sort((a, b) => a - b);
  const n = times.length;

  // count(t) = annunciations in (t - 10 min, t]: +1 at each a, -1 at a + 10 min. Sweep the steps.
  const steps: [number, number][] = [];
  for (const a of times) steps.push([a, 1], [a + TEN_MINUTES_MS, -1]);
  steps.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let count = 0;
  let peak = 0;
  let floodMs = 0;
  for (let i = 0; i < steps.length; i++) {
    count += steps[i]![1];
    const t = steps[i]![0];
    // Apply every step at the same instant before measuring the segment that follows it.
    if (i + 1 < steps.length && steps[i + 1]![0] === t) continue;
    if (count > peak) peak = count;
    const next = i + 1 < steps.length ? steps[i + 1]![0] : t;
    if (count > FLOOD_THRESHOLD) floodMs += Math.max(0, Math.min(next, to) - Math.max(t, from));
  }

  const chattering: { key: string; maxIn60s: number }[] = [];
  const frequent: { key: string; count: number; percent: number }[] = [];
  for (const [key, list] of byKey) {
    list.sort((a, b) => a - b);
    let best = 0;
    for (let i = 0, j = 0; j < list.length; j++) {
      while (list[j]! - list[i]! > CHATTER_WINDOW_MS) i++;
      best = Math.max(best, j - i + 1);
    }
    if (best >= CHATTER_COUNT) chattering.push({ key, maxIn60s: best });
    frequent.push({ key, count: list.length, percent: pct(list.length, n) });
  }
  chattering.sort((a, b) => b.maxIn60s - a.maxIn60s || a.key.localeCompare(b.key));
  frequent.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));

  const stale = current
    .filter((c) => (c.state === 'active-unacknowledged' || c.state === 'active-acknowledged') && c.since !== null && to - c.since > staleMs)
    .map((c) => ({ key: c.key, since: c.since!, ageMs: to - c.since! }))
    .sort((a, b) => b.ageMs - a.ageMs);

  return {
    from,
    to,
    operators,
    annunciated: n,
    perOperatorPer10Min: span > 0 ? n / operators / (span / TEN_MINUTES_MS) : 0,
    peak10Min: peak,
    floodPercent: pct(floodMs, span),
    floodMs,
    chattering,
    stale,
    staleMs,
    prioritySplit: ([1, 2, 3, 4] as const).map((p) => ({ priority: p, label: PRIORITY_LABEL[p], count: byPriority[p], percent: pct(byPriority[p], n), recommended: RECOMMENDED_SPLIT[p] })),
    topFrequent: frequent.slice(0, 10),
    shelvedNow: current.filter((c) => c.state === 'shelved').length,
    outOfServiceNow: current.filter((c) => c.state === 'out-of-service').length,
    suppressedNow: current.filter((c) => c.state === 'suppressed-by-design').length,
  };
}
