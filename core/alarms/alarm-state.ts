// The ISA-18.2 / IEC 62682 alarm life cycle as a pure function on five flags. The state an
// operator sees is derived from the flags, never stored on its own, so it cannot disagree with
// them: out of service hides everything, then shelved, then suppressed by design; otherwise the
// condition (active or not) and the acknowledgement give the four annunciation states.
// A hidden alarm still follows its condition; when it becomes visible again it is annunciated
// afresh (active -> unacknowledged) or, with the condition gone, goes to normal.

import type { AlarmPriority } from './alarm-sink.ts';

export const ALARM_STATES = [
  'normal',
  'active-unacknowledged',
  'active-acknowledged',
  'returned-unacknowledged',
  'shelved',
  'suppressed-by-design',
  'out-of-service',
] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

/**
 * Everything that changes an alarm. `escalate` changes its priority only; `comment` changes no
 * flag (an operator's remark on the alarm, journaled like the rest).
 */
export const ALARM_EVENT_KINDS = [
  'activate',
  'return',
  'acknowledge',
  'shelve',
  'unshelve',
  'shelve-expired',
  'out-of-service',
  'return-to-service',
  'suppress',
  'unsuppress',
  'escalate',
  'comment',
] as const;
export type AlarmEventKind = (typeof ALARM_EVENT_KINDS)[number];

/** The life-cycle flags of one alarm (the manager's entries carry them as plain fields). */
export interface AlarmFlags {
  /** The detector says the condition is present. */
  active: boolean;
  /** The operator acknowledged the current annunciation (true in normal). */
  acked: boolean;
  shelved: boolean;
  suppressed: boolean;
  outOfService: boolean;
}

/** What an action did: changed the flags, was not allowed in this state, or changed nothing. */
export type Outcome = 'changed' | 'refused' | 'unchanged';

/** Priority names, 1 = most urgent. */
export const PRIORITY_LABEL: Readonly<Record<AlarmPriority, string>> = { 1: 'critical', 2: 'high', 3: 'medium', 4: 'low' };

export function isHidden(f: AlarmFlags): boolean {
  return f.outOfService || f.shelved || f.suppressed;
}

/** The state an operator sees. */
export function stateOf(f: AlarmFlags): AlarmState {
  if (f.outOfService) return 'out-of-service';
  if (f.shelved) return 'shelved';
  if (f.suppressed) return 'suppressed-by-design';
  if (f.active) return f.acked ? 'active-acknowledged' : 'active-unacknowledged';
  return f.acked ? 'normal' : 'returned-unacknowledged';
}

/** Leaving every hidden state: annunciate an active condition afresh, forget a gone one. */
function reveal(f: AlarmFlags): void {
  if (!isHidden(f)) f.acked = !f.active;
}

/**
 * Apply one life-cycle action to `f` in place. Acknowledge and shelve never touch the condition
 * (`active`): only the detector (activate/return) does.
 */
export function applyAction(f: AlarmFlags, kind: Exclude<AlarmEventKind, 'escalate' | 'comment'>): Outcome {
  switch (kind) {
    case 'activate':
      if (f.active) return 'unchanged';
      f.active = true;
      if (!isHidden(f)) f.acked = false;
      return 'changed';
    case 'return':
      if (!f.active) return 'unchanged';
      f.active = false;
      return 'changed';
    case 'acknowledge':
      if (isHidden(f) || f.acked) return 'refused';
      f.acked = true;
      return 'changed';
    case 'shelve':
      if (isHidden(f)) return 'refused';
      f.shelved = true;
      return 'changed';
    case 'unshelve':
    case 'shelve-expired':
      if (!f.shelved) return 'refused';
      f.shelved = false;
      reveal(f);
      return 'changed';
    case 'out-of-service':
      if (f.outOfService) return 'refused';
      // Out of service replaces a shelve: its expiry must not bring the alarm back meanwhile.
      f.outOfService = true;
      f.shelved = false;
      return 'changed';
    case 'return-to-service':
      if (!f.outOfService) return 'refused';
      f.outOfService = false;
      reveal(f);
      return 'changed';
    case 'suppress':
      if (f.suppressed) return 'unchanged';
      f.suppressed = true;
      return 'changed';
    case 'unsuppress':
      if (!f.suppressed) return 'unchanged';
      f.suppressed = false;
      reveal(f);
      return 'changed';
  }
}

/** True when the alarm waits for an operator: shown and not acknowledged. */
export function isUnacknowledged(s: AlarmState): boolean {
  return s === 'active-unacknowledged' || s === 'returned-unacknowledged';
}
