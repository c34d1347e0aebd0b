// The alarm journal: one SQLite file (better-sqlite3) in WAL mode with synchronous = FULL, two
// tables. `event` is the append-only log of every transition; `alarm` holds each alarm's current
// record and the seq of its last event. Each transition is ONE transaction writing both, so
// after a kill -9 (or power loss: FULL syncs the WAL on every commit) the state table always
// equals the last event of each alarm, and an acknowledgement is never on disk without the
// activation before it. Reopened at start, the state rows bring the alarms back.
//
// Synchronous on purpose, like the audit log: a transition is durable when record() returns
// (measured ~0.3 ms per commit on this machine), and it runs on the main thread, never in the
// physics worker.

import Database from 'better-sqlite3';
import { chmodSync, existsSync } from 'node:fs';
import { FILE_MODE } from '../auth/data-dir.ts';
import { TwinloopError } from '../errors.ts';
import type { AlarmPriority, AlarmSource } from './alarm-sink.ts';
import type { AlarmEventKind, AlarmState } from './alarm-state.ts';
import type { AlarmEntry, AlarmEventView } from './alarm-view.ts';

/** What record() appends: the event as the history shows it, less what the journal adds (seq, wall time) or takes from the entry (id, key, source, message). */
export type NewAlarmEvent = Omit<AlarmEventView, 'seq' | 'wall' | 'alarmId' | 'key' | 'source' | 'message'>;

export interface HistoryQuery {
  /** Manager-clock range, inclusive; absent = open. */
  readonly from?: number;
  readonly to?: number;
  /** Newest first; default 500, at most 10 000. */
  readonly limit?: number;
  readonly alarmId?: number;
}

/** The fields the KPIs need, oldest first. */
export interface KpiEventRow {
  readonly at: number;
  readonly key: string;
  readonly kind: AlarmEventKind;
  readonly from: AlarmState;
  readonly to: AlarmState;
  readonly priority: AlarmPriority;
}

export const MAX_HISTORY = 10_000;
const BUSY_TIMEOUT_MS = 100;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS alarm (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  last_seq INTEGER NOT NULL,
  data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS event (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  alarm_id INTEGER NOT NULL REFERENCES alarm(id) DEFERRABLE INITIALLY DEFERRED,
  at REAL NOT NULL,
  wall INTEGER NOT NULL,
  kind TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  priority INTEGER NOT NULL,
  user TEXT,
  note TEXT
);
CREATE INDEX IF NOT EXISTS event_at ON event(at);
CREATE INDEX IF NOT EXISTS event_alarm ON event(alarm_id, seq);
`;

interface EventRow {
  seq: number;
  alarm_id: number;
  key: string;
  data: string;
  at: number;
  wall: number;
  kind: AlarmEventKind;
  from_state: AlarmState;
  to_state: AlarmState;
  priority: AlarmPriority;
  user: string | null;
  note: string | null;
}

export class AlarmJournal {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #insertEvent: Database.Statement;
  readonly #upsertAlarm: Database.Statement;
  readonly #record: (entry: AlarmEntry, e: NewAlarmEvent) => number;

  /**
   * Open (or create) the journal. `':memory:'` keeps it in memory (scenario and accelerated runs).
   * @throws TwinloopError ALARM_JOURNAL when the file cannot be opened or is not a journal
   */
  constructor(path: string) {
    this.path = path;
    try {
      // Nothing else writes the journal; a lock held elsewhere (a backup tool) must not stall the
      // main thread for better-sqlite3's default 5 s: fail fast, the manager reports it.
      this.#db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
      this.#db.pragma('journal_mode = WAL');
      // FULL: the WAL is fsync'd at every commit, so a committed transition survives power loss.
      this.#db.pragma('synchronous = FULL');
      this.#db.pragma('foreign_keys = ON');
      this.#db.exec(SCHEMA);
      // User names and notes: private like the rest of the data folder (sqlite creates 0644).
      if (path !== ':memory:') for (const f of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(f)) chmodSync(f, FILE_MODE);
    } catch (err) {
      throw new TwinloopError('ALARM_JOURNAL', `alarm journal ${path}: ${(err as Error).message}`, { cause: err });
    }
    this.#insertEvent = this.#db.prepare('INSERT INTO event (alarm_id, at, wall, kind, from_state, to_state, priority, user, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.#upsertAlarm = this.#db.prepare(
      'INSERT INTO alarm (id, key, state, last_seq, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET state = excluded.state, last_seq = excluded.last_seq, data = excluded.data',
    );
    this.#record = this.#db.transaction((entry: AlarmEntry, e: NewAlarmEvent): number => {
      const seq = Number(this.#insertEvent.run(entry.id, e.at, Date.now(), e.kind, e.from, e.to, e.priority, e.user, e.note).lastInsertRowid);
      this.#upsertAlarm.run(entry.id, entry.key, e.to, seq, JSON.stringify(entry));
      return seq;
    });
  }

  /** Every alarm's last record, as written by the last committed transition. */
  load(): AlarmEntry[] {
    const rows = this.#db.prepare('SELECT data FROM alarm ORDER BY id').all() as { data: string }[];
    return rows.map((r) => JSON.parse(r.data) as AlarmEntry);
  }

  /**
   * Write one transition: the event and the alarm's new record, in one transaction.
   * @returns the event's seq
   * @throws TwinloopError ALARM_JOURNAL when it could not be made durable
   */
  record(entry: AlarmEntry, event: NewAlarmEvent): number {
    try {
      return this.#record(entry, event);
    } catch (err) {
      throw new TwinloopError('ALARM_JOURNAL', `alarm journal ${this.path}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Events, newest first. */
  history(q: HistoryQuery = {}): AlarmEventView[] {
    const where: string[] = [];
    const args: number[] = [];
    if (q.from !== undefined) (where.push('e.at >= ?'), args.push(q.from));
    if (q.to !== undefined) (where.push('e.at <= ?'), args.push(q.to));
    if (q.alarmId !== undefined) (where.push('e.alarm_id = ?'), args.push(q.alarmId));
    const limit = Math.max(1, Math.min(MAX_HISTORY, Math.floor(q.limit ?? 500)));
    const sql = `SELECT e.*, a.key, a.data FROM event e JOIN alarm a ON a.id = e.alarm_id ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.seq DESC LIMIT ${limit}`;
    const rows = this.#db.prepare(sql).all(...args) as EventRow[];
    return rows.map((r) => {
      const c = (JSON.parse(r.data) as AlarmEntry).condition;
      return { seq: r.seq, alarmId: r.alarm_id, key: r.key, source: c.source as AlarmSource, message: c.message, at: r.at, wall: r.wall, kind: r.kind, from: r.from_state, to: r.to_state, priority: r.priority, user: r.user, note: r.note };
    });
  }

  /** Events in [from, to] on the manager clock, oldest first, for the KPIs. */
  kpiEvents(from: number, to: number): KpiEventRow[] {
    const rows = this.#db
      .prepare('SELECT e.at, a.key, e.kind, e.from_state AS "from", e.to_state AS "to", e.priority FROM event e JOIN alarm a ON a.id = e.alarm_id WHERE e.at >= ? AND e.at <= ? ORDER BY e.seq')
      .all(from, to) as KpiEventRow[];
    return rows;
  }

  /** Manager-clock time of the first event, or null for an empty journal. */
  firstEventAt(): number | null {
    const row = this.#db.prepare('SELECT MIN(at) AS at FROM event').get() as { at: number | null };
    return row.at;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
