// The alarm journal on disk: WAL mode with synchronous FULL, alarms and their states across a
// close and reopen (acknowledged, shelved with its expiry, out of service, escalated), the
// restart grace (an alarm restored active returns unless its detector confirms it), history
// queries with time range and limit, and an unopenable file refused with ALARM_JOURNAL.

import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlarmManager } from '../../core/alarms/alarm-manager.ts';
import type { AlarmCondition } from '../../core/alarms/alarm-sink.ts';
import { isTwinloopError } from '../../core/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'twinloop-alarms-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const BY = { user: 'op1', note: 'on it' };
const c = (key: string, extra: Partial<AlarmCondition> = {}): AlarmCondition => ({ key, source: 'deviation', priority: 3, message: `${key} deviates`, cause: `rule ${key}`, signals: ['a', 'a.measured'], ...extra });

test('pragmas: WAL and synchronous FULL', () => {
  const path = join(dir, 'pragmas.db');
  new AlarmManager({ clock: () => 0, journal: path }).close();
  // Reading the pragmas from a second connection: journal_mode is persistent in the file.
  const db = new Database(path, { readonly: true });
  assert.is(db.pragma('journal_mode', { simple: true }), 'wal');
  db.close();
});

test('alarms come back after a reopen with their state, notes, expiry and priority', () => {
  const path = join(dir, 'reopen.db');
  let t = 1000;
  const m1 = new AlarmManager({ clock: () => t, journal: path });
  m1.activate(c('dev:acked'), 1000);
  m1.activate(c('dev:shelved'), 1000);
  m1.activate(c('dev:oos'), 1000);
  m1.activate(c('dev:unacked', { escalation: { afterMs: 5000, priority: 1 } }), 1000);
  m1.activate(c('dev:gone'), 1000);
  m1.deactivate('dev:gone', 1500);
  const id = (m: AlarmManager, key: string): number => m.list({ all: true }).find((a) => a.key === key)!.id;
  t = 2000;
  m1.acknowledge(id(m1, 'dev:acked'), BY);
  m1.shelve(id(m1, 'dev:shelved'), BY, 60_000);
  m1.removeFromService(id(m1, 'dev:oos'), { user: 'eng1', note: 'sensor replaced' });
  m1.poll(7000); // escalates dev:unacked
  const before = m1.list({ all: true });
  const eventsBefore = m1.history().length;
  m1.close();

  t = 8000;
  const m2 = new AlarmManager({ clock: () => t, journal: path, restoreGraceMs: 10_000 });
  assert.equal(m2.list({ all: true }), before, 'every alarm as it was');
  assert.is(m2.history().length, eventsBefore, 'the history is kept');
  const byKey = (key: string) => m2.list({ all: true }).find((a) => a.key === key)!;
  assert.is(byKey('dev:acked').lastNote, 'on it');
  assert.is(byKey('dev:shelved').shelvedUntil, 62_000);
  assert.is(byKey('dev:unacked').priority, 1);
  assert.is(byKey('dev:oos').lastUser, 'eng1');
  // Ids continue after the restored ones.
  m2.activate(c('dev:new'), 8000);
  assert.is(byKey('dev:new').id, Math.max(...before.map((a) => a.id)) + 1);

  // Restart grace: detectors confirm dev:acked and dev:unacked; dev:shelved's condition is
  // gone and nobody says so (its detector starts fresh): it returns after the grace.
  m2.activate(c('dev:acked'), 9000);
  m2.activate(c('dev:unacked'), 9000);
  m2.poll(17_999);
  assert.is(byKey('dev:shelved').active, true, 'within the grace');
  m2.poll(18_000);
  assert.is(byKey('dev:shelved').active, false, 'not re-confirmed: returned');
  assert.is(byKey('dev:shelved').state, 'shelved');
  assert.is(byKey('dev:oos').active, false);
  assert.is(byKey('dev:acked').state, 'active-acknowledged', 'confirmed: still active');
  assert.is(byKey('dev:unacked').state, 'active-unacknowledged');
  assert.match(m2.history({ limit: 1 })[0]!.note ?? '', /not re-confirmed/);
  // Shelve expiry still works on the restored alarm.
  m2.poll(62_000);
  assert.is(byKey('dev:shelved').state, 'normal');
  m2.close();
});

test('history: newest first, time range on the manager clock, limit', () => {
  const m = new AlarmManager({ clock: () => 0 });
  for (let i = 0; i < 50; i++) {
    m.activate(c('dev:h'), i * 1000);
    m.deactivate('dev:h', i * 1000 + 500);
  }
  const all = m.history({ limit: 10_000 });
  assert.is(all.length, 100);
  assert.ok(all[0]!.seq > all[1]!.seq, 'newest first');
  const ranged = m.history({ from: 10_000, to: 19_999 });
  assert.is(ranged.length, 20);
  assert.ok(ranged.every((e) => e.at >= 10_000 && e.at <= 19_999));
  assert.is(m.history({ limit: 3 }).length, 3);
  assert.is(m.history({ limit: 3 })[0]!.at, 49_500);
  const e = m.history({ limit: 1 })[0]!;
  assert.is(e.key, 'dev:h');
  assert.is(e.message, 'dev:h deviates');
  assert.is(e.kind, 'return');
  assert.is(e.from, 'active-unacknowledged');
  assert.is(e.to, 'returned-unacknowledged');
  assert.ok(Math.abs(e.wall - Date.now()) < 60_000, 'wall time recorded');
  m.close();
});

test('journal cannot be written (locked by another process): alarms still shown, operator actions refused, then recovered', () => {
  const path = join(dir, 'locked.db');
  let t = 0;
  const m = new AlarmManager({ clock: () => t, journal: path });
  m.activate(c('dev:before'), 0);
  const other = new Database(path);
  other.exec('BEGIN EXCLUSIVE');
  try {
    m.activate(c('dev:during'), 10);
    assert.is(m.journalHealthy, false);
    assert.match(m.journalError ?? '', /locked|busy/i);
    const during = m.list().find((a) => a.key === 'dev:during');
    assert.is(during?.state, 'active-unacknowledged', 'a detector alarm reaches the operator even unrecorded');
    const id = m.list().find((a) => a.key === 'dev:before')!.id;
    t = 20;
    try {
      m.acknowledge(id, BY);
      assert.unreachable('acknowledged without a record');
    } catch (err) {
      assert.ok(isTwinloopError(err, 'ALARM_JOURNAL'), (err as Error).message);
    }
    assert.is(m.get(id)!.state, 'active-unacknowledged', 'no record, no action');
  } finally {
    other.exec('ROLLBACK');
    other.close();
  }
  t = 30;
  assert.is(m.acknowledge(m.list().find((a) => a.key === 'dev:before')!.id, BY).state, 'active-acknowledged');
  assert.is(m.journalHealthy, true);
  m.close();
});

test('a file that is not a journal is refused with ALARM_JOURNAL', () => {
  const path = join(dir, 'garbage.db');
  writeFileSync(path, 'this is not an SQLite database, just some text that is long enough to be read'.repeat(20));
  try {
    new AlarmManager({ clock: () => 0, journal: path }).close();
    assert.unreachable('opened');
  } catch (err) {
    assert.ok(isTwinloopError(err, 'ALARM_JOURNAL'), (err as Error).message);
  }
});

test.run();
