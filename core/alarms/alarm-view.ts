// The shapes of alarms as the manager keeps them (AlarmEntry, one per condition key) and as it
// shows them to the API and the page (AlarmView, AlarmEventView: plain JSON, no methods).
// Times are milliseconds on the manager's clock, the same clock detectors pass as `at`.

import type { AlarmBand, AlarmCondition, AlarmPriority, AlarmSource } from './alarm-sink.ts';
import { stateOf, type AlarmEventKind, type AlarmFlags, type AlarmState } from './alarm-state.ts';

/** One alarm's full record: what the journal's state row holds (as JSON) and restores. */
export interface AlarmEntry extends AlarmFlags {
  readonly id: number;
  readonly key: string;
  /** The condition as it was last activated (message, cause, signals...). */
  condition: AlarmCondition;
  /** Effective priority: the condition's, or its escalation's once escalated. */
  priority: AlarmPriority;
  escalated: boolean;
  /** When the condition last became active; null while it is not. */
  since: number | null;
  /** When the shown state last changed. */
  stateSince: number;
  /** Since when it waits for an acknowledgement (for escalation); null when it does not. */
  unackedSince: number | null;
  shelvedUntil: number | null;
  /** Who did the last operator action, and their note. */
  lastUser: string | null;
  lastNote: string | null;
  /** When (manager clock) the last operator action or comment was made; absent in journals written before comments existed. */
  lastNoteAt?: number | null;
  /** Why it is suppressed by design (the rule or the owner's reason). */
  suppressedReason: string | null;
  /** Restored active from the journal and not yet re-confirmed by its detector. */
  unconfirmed: boolean;
}

/** An alarm as GET /api/alarms shows it. */
export interface AlarmView {
  readonly id: number;
  readonly key: string;
  readonly source: AlarmSource;
  readonly state: AlarmState;
  readonly priority: AlarmPriority;
  readonly basePriority: AlarmPriority;
  readonly escalated: boolean;
  /** Whether the condition is present now (also for hidden alarms). */
  readonly active: boolean;
  readonly message: string;
  readonly cause: string | null;
  readonly action: string | null;
  readonly signals: readonly string[];
  /** The tolerance band of an analog deviation (null for every other alarm). */
  readonly band: AlarmBand | null;
  /** When the condition became active (null when it is not). */
  readonly since: number | null;
  readonly stateSince: number;
  readonly shelvedUntil: number | null;
  readonly lastUser: string | null;
  readonly lastNote: string | null;
  /** When the last note (an operator action's or a comment) was written. */
  readonly lastNoteAt: number | null;
  readonly suppressedReason: string | null;
  /** An advisory (listed apart, not annunciated): see AlarmCondition.advisory. */
  readonly advisory: boolean;
}

/** One journal event as GET /api/alarms/history shows it. */
export interface AlarmEventView {
  readonly seq: number;
  readonly alarmId: number;
  readonly key: string;
  readonly source: AlarmSource;
  readonly message: string;
  /** Manager clock, ms. */
  readonly at: number;
  /** Wall clock (Date.now()) when it was written, ms. */
  readonly wall: number;
  readonly kind: AlarmEventKind;
  readonly from: AlarmState;
  readonly to: AlarmState;
  readonly priority: AlarmPriority;
  readonly user: string | null;
  readonly note: string | null;
}

export function viewOf(e: AlarmEntry): AlarmView {
  const c = e.condition;
  return {
    id: e.id,
    key: e.key,
    source: c.source,
    state: stateOf(e),
    priority: e.priority,
    basePriority: c.priority,
    escalated: e.escalated,
    active: e.active,
    message: c.message,
    cause: c.cause ?? null,
    action: c.action ?? null,
    signals: c.signals ?? [],
    band: c.band ?? null,
    since: e.since,
    stateSince: e.stateSince,
    shelvedUntil: e.shelvedUntil,
    lastUser: e.lastUser,
    lastNote: e.lastNote,
    lastNoteAt: e.lastNoteAt ?? null,
    suppressedReason: e.suppressedReason,
    advisory: c.advisory === true,
  };
}
