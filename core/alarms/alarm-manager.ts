// The alarm manager: implements AlarmSink for the detectors and owns the ISA-18.2 life cycle of
// every alarm (alarm-state.ts), the journal (alarm-journal.ts), suppression by design
// (alarm-suppression.ts), shelve expiry, escalation and the KPIs (alarm-kpi.ts).
//
// Detectors call activate() on every evaluation while a condition holds: that path is one Map
// lookup and an early return, allocating nothing. Only a change builds objects and writes the
// journal. The manager has no timers: expiry, escalation and the restart grace are evaluated
// in poll(now), which the owner calls (~1 Hz) on the same clock detectors pass as `at`.
//
// Persistence: a detector-driven transition is applied even when the journal cannot be written
// (an alarm must still reach the operator; the failure is logged and `journalHealthy` drops);
// an operator action is refused with ALARM_JOURNAL instead (no record, no action).

import type { Logger } from 'pino';
import { TwinloopError } from '../errors.ts';
import { computeKpis, type AlarmKpis } from './alarm-kpi.ts';
import { AlarmJournal, type HistoryQuery } from './alarm-journal.ts';
import type { AlarmCondition, AlarmSink, AlarmSource } from './alarm-sink.ts';
import { applyAction, isUnacknowledged, stateOf, type AlarmEventKind, type AlarmState, type Outcome } from './alarm-state.ts';
import { Suppressions, type SuppressionRule } from './alarm-suppression.ts';
import { viewOf, type AlarmEntry, type AlarmEventView, type AlarmView } from './alarm-view.ts';

export interface AlarmManagerOptions {
  /** The run's clock in ms: the same clock the detectors pass as `at` (Date.now in live runs). */
  readonly clock: () => number;
  /** Journal file (SQLite); default ':memory:' (nothing survives the process). */
  readonly journal?: string;
  readonly logger?: Logger;
  /** Design-time suppression, e.g. deviations of plc1 while plc1's communication alarm stands. */
  readonly suppressionRules?: readonly SuppressionRule[];
  /** Longest shelve; default 12 h. */
  readonly maxShelveMs?: number;
  /**
   * After a restart, an alarm restored as active returns to normal unless its detector
   * re-activates it within this time (detectors only call deactivate for conditions they saw
   * active). Default 30 s.
   */
  readonly restoreGraceMs?: number;
  /** Operators sharing the alarm load, for the KPIs; default 1. */
  readonly operators?: number;
  /** Active longer than this is a stale alarm; default 24 h. */
  readonly staleMs?: number;
}

/** Who does an operator action, and why (the note is required). */
export interface OperatorAction {
  readonly user: string;
  readonly note: string;
}

export interface AlarmFilter {
  readonly state?: AlarmState;
  readonly priority?: number;
  readonly source?: AlarmSource;
  /** Include alarms in normal (default: only the ones that are not). */
  readonly all?: boolean;
}

const HOUR = 3600_000;
export const MAX_NOTE = 500;
const SOURCES: ReadonlySet<string> = new Set(['deviation', 'communication', 'maintenance', 'process']);

export class AlarmManager implements AlarmSink {
  readonly #clock: () => number;
  readonly #journal: AlarmJournal;
  readonly #log: Logger | undefined;
  readonly #suppressions: Suppressions;
  readonly #byKey = new Map<string, AlarmEntry>();
  readonly #byId = new Map<number, AlarmEntry>();
  readonly #maxShelveMs: number;
  readonly #restoreGraceMs: number;
  readonly #operators: number;
  readonly #staleMs: number;
  readonly #openedAt: number;
  #nextId = 1;
  #version = 0;
  #journalError: string | undefined;

  /**
   * Open the journal and restore the alarms it holds.
   * @throws TwinloopError ALARM_JOURNAL when the journal cannot be opened, ALARM_INVALID for bad options
   * @example
   * const alarms = new AlarmManager({ clock: Date.now, journal: 'data/alarms.db' });
   * const poll = setInterval(() => alarms.poll(), 1000).unref();
   * alarms.activate({ key: 'deviation:pe1', source: 'deviation', priority: 2, message: 'pe1: edge missing' }, Date.now());
   */
  constructor(opts: AlarmManagerOptions) {
    this.#clock = opts.clock;
    this.#log = opts.logger;
    this.#maxShelveMs = positive('maxShelveMs', opts.maxShelveMs ?? 12 * HOUR);
    this.#restoreGraceMs = positive('restoreGraceMs', opts.restoreGraceMs ?? 30_000);
    this.#operators = positive('operators', opts.operators ?? 1);
    this.#staleMs = positive('staleMs', opts.staleMs ?? 24 * HOUR);
    this.#suppressions = new Suppressions(opts.suppressionRules);
    this.#journal = new AlarmJournal(opts.journal ?? ':memory:');
    this.#openedAt = this.#clock();
    for (const e of this.#journal.load()) {
      e.unconfirmed = e.active;
      this.#byKey.set(e.key, e);
      this.#byId.set(e.id, e);
      if (e.id >= this.#nextId) this.#nextId = e.id + 1;
    }
    // Rules follow the restored conditions (a restored communication alarm keeps suppressing).
    for (let i = 0; i < this.#suppressions.rules.length; i++) this.#suppressions.setRule(i, this.#anyActive(this.#suppressions.rules[i]!.whileActive));
    this.#applySuppressions(this.#openedAt);
  }

  /** The manager's clock now (ms): what `since`, `stateSince` and `shelvedUntil` are measured on. */
  get now(): number {
    return this.#clock();
  }

  /** Bumped on every transition: a reader can skip work when it did not move. */
  get version(): number {
    return this.#version;
  }

  /** False after a journal write failed (until one succeeds again). */
  get journalHealthy(): boolean {
    return this.#journalError === undefined;
  }

  get journalError(): string | undefined {
    return this.#journalError;
  }

  /** AlarmSink: the condition is active. Hot path: no allocation while nothing changes. */
  activate(condition: AlarmCondition, at: number): void {
    const a = this.#byKey.get(condition.key);
    if (a !== undefined && a.active) {
      if (a.unconfirmed) a.unconfirmed = false;
      return;
    }
    this.#activate(condition, at, a);
  }

  /** AlarmSink: the condition returned to normal. A no-op unless it was active. */
  deactivate(key: string, at: number): void {
    const a = this.#byKey.get(key);
    if (a === undefined || !a.active) return;
    a.unconfirmed = false;
    this.#transition(a, 'return', at, null, false);
    this.#followRules(a.key, at);
  }

  /** Acknowledge (operator). Never clears the condition. @throws ALARM_UNKNOWN, ALARM_STATE, ALARM_INVALID, ALARM_JOURNAL */
  acknowledge(id: number, by: OperatorAction): AlarmView {
    return this.#operatorAction(id, 'acknowledge', by);
  }

  /** Shelve for `durationMs` (operator); it comes back by itself at expiry. @throws as acknowledge */
  shelve(id: number, by: OperatorAction, durationMs: number): AlarmView {
    if (!Number.isFinite(durationMs) || durationMs <= 0 || durationMs > this.#maxShelveMs) {
      throw new TwinloopError('ALARM_INVALID', `shelve duration must be more than 0 and at most ${this.#maxShelveMs / 60_000} min, got ${durationMs / 60_000} min`);
    }
    return this.#operatorAction(id, 'shelve', by, (next, at) => {
      next.shelvedUntil = at + durationMs;
    });
  }

  unshelve(id: number, by: OperatorAction): AlarmView {
    return this.#operatorAction(id, 'unshelve', by);
  }

  /** Take out of service (engineer: the route checks the role). @throws as acknowledge */
  removeFromService(id: number, by: OperatorAction): AlarmView {
    return this.#operatorAction(id, 'out-of-service', by);
  }

  returnToService(id: number, by: OperatorAction): AlarmView {
    return this.#operatorAction(id, 'return-to-service', by);
  }

  /**
   * Comment on an alarm (operator), in any state: no flag changes, but the comment is journaled
   * (kind `comment`, from = to = its state), becomes its last user and note, and bumps the version
   * (an OPC UA condition shows it as Comment and ClientUserId). @throws as acknowledge
   */
  comment(id: number, by: OperatorAction): AlarmView {
    return this.#operatorAction(id, 'comment', by);
  }

  /** Suppress by design every alarm whose key starts with `keyPrefix` (the owner's call). */
  suppress(keyPrefix: string, reason: string): void {
    this.#suppressions.setManual(keyPrefix, reason);
    this.#applySuppressions(this.#clock());
  }

  unsuppress(keyPrefix: string): void {
    this.#suppressions.setManual(keyPrefix, null);
    this.#applySuppressions(this.#clock());
  }

  /** Shelve expiry, escalation and the restart grace, evaluated at `now` (call ~1 Hz). */
  poll(now: number = this.#clock()): void {
    for (const a of this.#byId.values()) {
      if (a.shelved && a.shelvedUntil !== null && now >= a.shelvedUntil) this.#transition(a, 'shelve-expired', now, null, false);
      if (a.unconfirmed && now - this.#openedAt >= this.#restoreGraceMs) {
        a.unconfirmed = false;
        if (a.active) {
          this.#transition(a, 'return', now, null, false, undefined, 'not re-confirmed by its detector after a restart');
          this.#followRules(a.key, now);
        }
      }
      const esc = a.condition.escalation;
      if (esc !== undefined && !a.escalated && a.unackedSince !== null && esc.priority < a.priority && now - a.unackedSince >= esc.afterMs && isUnacknowledged(stateOf(a))) {
        this.#transition(a, 'escalate', now, null, false, (next) => {
          next.priority = esc.priority;
          next.escalated = true;
        });
      }
    }
  }

  get(id: number): AlarmView | undefined {
    const a = this.#byId.get(id);
    return a === undefined ? undefined : viewOf(a);
  }

  /** Current alarms (not in normal unless `all`), most urgent first, then newest. */
  list(filter: AlarmFilter = {}): AlarmView[] {
    const out: AlarmView[] = [];
    for (const a of this.#byId.values()) {
      const state = stateOf(a);
      if (state === 'normal' && filter.all !== true) continue;
      if (filter.state !== undefined && state !== filter.state) continue;
      if (filter.priority !== undefined && a.priority !== filter.priority) continue;
      if (filter.source !== undefined && a.condition.source !== filter.source) continue;
      out.push(viewOf(a));
    }
    return out.sort((x, y) => x.priority - y.priority || y.stateSince - x.stateSince || y.id - x.id);
  }

  history(q: HistoryQuery = {}): AlarmEventView[] {
    return this.#journal.history(q);
  }

  /** KPIs of [from, to]; default: the last 24 h, but not before monitoring began. */
  kpi(range: { from?: number; to?: number } = {}): AlarmKpis {
    const to = range.to ?? this.#clock();
    const first = this.#journal.firstEventAt();
    const began = first === null ? this.#openedAt : Math.min(first, this.#openedAt);
    const from = range.from ?? Math.max(to - 24 * HOUR, began);
    const current = [...this.#byId.values()].map((a) => ({ key: a.key, state: stateOf(a), since: a.since }));
    return computeKpis(this.#journal.kpiEvents(from, to), current, { from, to, operators: this.#operators, staleMs: this.#staleMs });
  }

  close(): void {
    this.#journal.close();
  }

  #activate(condition: AlarmCondition, at: number, found: AlarmEntry | undefined): void {
    checkCondition(condition);
    let a = found;
    if (a === undefined) {
      const reason = this.#suppressions.reasonFor(condition.key);
      a = {
        id: this.#nextId++,
        key: condition.key,
        condition,
        active: false,
        acked: true,
        shelved: false,
        suppressed: reason !== null,
        outOfService: false,
        priority: condition.priority,
        escalated: false,
        since: null,
        stateSince: at,
        unackedSince: null,
        shelvedUntil: null,
        lastUser: null,
        lastNote: null,
        lastNoteAt: null,
        suppressedReason: reason,
        unconfirmed: false,
      };
      this.#byKey.set(a.key, a);
      this.#byId.set(a.id, a);
    }
    a.unconfirmed = false;
    this.#transition(a, 'activate', at, null, false, (next) => {
      next.condition = condition;
    });
    this.#followRules(a.key, at);
  }

  #operatorAction(id: number, kind: 'acknowledge' | 'shelve' | 'unshelve' | 'out-of-service' | 'return-to-service' | 'comment', by: OperatorAction, extra?: (next: AlarmEntry, at: number) => void): AlarmView {
    const a = this.#byId.get(id);
    if (a === undefined) throw new TwinloopError('ALARM_UNKNOWN', `no alarm with id ${id}`);
    checkAction(by);
    const at = this.#clock();
    const before = stateOf(a);
    const outcome = this.#transition(a, kind, at, by, true, extra);
    if (outcome !== 'changed') throw new TwinloopError('ALARM_STATE', `alarm ${id} (${a.key}) is ${before}: ${kind} does not apply`);
    return viewOf(a);
  }

  /**
   * Apply one transition: compute the next record from a copy, write it to the journal, then
   * make it current. `strict`: a journal failure refuses the transition (operator actions).
   * `why`: the event's note when no operator acts (a suppression's reason, the restart grace).
   */
  #transition(a: AlarmEntry, kind: AlarmEventKind, at: number, by: OperatorAction | null, strict: boolean, extra?: (next: AlarmEntry, at: number) => void, why?: string): Outcome {
    const from = stateOf(a);
    const next: AlarmEntry = { ...a };
    const outcome: Outcome = kind === 'escalate' || kind === 'comment' ? 'changed' : applyAction(next, kind);
    if (outcome !== 'changed') return outcome;
    extra?.(next, at);
    if (kind === 'activate') {
      // A new activation starts over at the condition's own priority.
      next.since = at;
      next.priority = next.condition.priority;
      next.escalated = false;
    }
    if (kind === 'return') next.since = null;
    if (!next.shelved) next.shelvedUntil = null;
    if (kind === 'unsuppress') next.suppressedReason = null;
    const to = stateOf(next);
    if (to !== from) next.stateSince = at;
    if (!isUnacknowledged(to)) next.unackedSince = null;
    else if (!isUnacknowledged(from)) next.unackedSince = at;
    if (by !== null) {
      next.lastUser = by.user;
      next.lastNote = by.note;
      next.lastNoteAt = at;
    }
    try {
      this.#journal.record(next, { at, kind, from, to, priority: next.priority, user: by?.user ?? null, note: by?.note ?? why ?? null });
      this.#journalError = undefined;
    } catch (err) {
      this.#journalError = (err as Error).message;
      if (strict) throw err;
      this.#log?.error({ err, key: a.key, kind }, 'alarm journal write failed; the alarm is shown but not recorded');
    }
    Object.assign(a, next);
    this.#version++;
    return 'changed';
  }

  /** After `key`'s condition changed: switch the rules it triggers, then re-apply suppression. */
  #followRules(key: string, at: number): void {
    const rules = this.#suppressions.rules;
    let changed = false;
    for (let i = 0; i < rules.length; i++) {
      if (key.startsWith(rules[i]!.whileActive) && this.#suppressions.setRule(i, this.#anyActive(rules[i]!.whileActive))) changed = true;
    }
    if (changed) this.#applySuppressions(at);
  }

  #anyActive(prefix: string): boolean {
    for (const a of this.#byId.values()) if (a.active && a.key.startsWith(prefix)) return true;
    return false;
  }

  #applySuppressions(at: number): void {
    for (const a of this.#byId.values()) {
      const reason = this.#suppressions.reasonFor(a.key);
      if ((reason !== null) === a.suppressed) continue;
      if (reason !== null) {
        this.#transition(a, 'suppress', at, null, false, (next) => {
          next.suppressedReason = reason;
        }, reason);
      } else this.#transition(a, 'unsuppress', at, null, false);
    }
  }
}

function positive(name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new TwinloopError('ALARM_INVALID', `alarm manager option ${name} must be a positive number, got ${String(v)}`);
  return v;
}

/** Detectors are code: a malformed condition is a programming error, reported at its first activation. */
function checkCondition(c: AlarmCondition): void {
  const bad = (what: string): never => {
    throw new TwinloopError('ALARM_INVALID', `alarm condition ${JSON.stringify(String(c.key)).slice(0, 120)}: ${what}`);
  };
  if (typeof c.key !== 'string' || c.key === '' || c.key.length > 200) bad('key must be a string of 1..200 characters');
  if (!SOURCES.has(c.source)) bad(`source must be one of ${[...SOURCES].join(', ')}`);
  if (c.priority !== 1 && c.priority !== 2 && c.priority !== 3 && c.priority !== 4) bad('priority must be 1, 2, 3 or 4');
  if (typeof c.message !== 'string' || c.message === '') bad('message must be a non-empty string');
  if (c.escalation !== undefined && (!(c.escalation.afterMs > 0) || ![1, 2, 3, 4].includes(c.escalation.priority))) bad('escalation needs afterMs > 0 and a priority 1..4');
}

function checkAction(by: OperatorAction): void {
  if (typeof by.user !== 'string' || by.user === '') throw new TwinloopError('ALARM_INVALID', 'an operator action needs the user who does it');
  if (typeof by.note !== 'string' || by.note.trim() === '') throw new TwinloopError('ALARM_INVALID', 'a note is required');
  if (by.note.length > MAX_NOTE) throw new TwinloopError('ALARM_INVALID', `the note is longer than ${MAX_NOTE} characters`);
}
