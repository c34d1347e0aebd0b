// kill -9 in the middle of a burst of alarm transitions. This file runs itself as the child: a
// real AlarmManager on a journal file, hammering activate / acknowledge / deactivate / shelve /
// unshelve on 20 alarms as fast as it can. The parent watches the journal through its own
// connection, SIGKILLs the child mid-burst, then checks: PRAGMA integrity_check is ok, every
// acknowledgement has its activation before it, each alarm's events chain (each event starts
// where the previous one ended), every state row equals its alarm's last event, and a
// reopened manager shows exactly those states and keeps journaling.

import Database from 'better-sqlite3';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlarmManager } from '../../core/alarms/alarm-manager.ts';

const CHILD = process.env['TWINLOOP_ALARM_CHILD'];
const KEYS = 20;
const BURST_MAX = 500_000; // transitions; the child is killed long before
const CHILD_MAX_MS = 20_000;
const KILL_AFTER_EVENTS = 1500;

if (CHILD !== undefined) {
  const m = new AlarmManager({ clock: Date.now, journal: join(CHILD, 'alarms.db') });
  process.send!({ t: 'ready' });
  const by = { user: 'op1', note: 'burst' };
  const until = Date.now() + CHILD_MAX_MS;
  // Per alarm a fixed cycle through the life cycle, interleaved across the 20 alarms.
  const cycle = ['activate', 'ack', 'deactivate', 'activate', 'deactivate', 'ack', 'activate', 'shelve', 'unshelve', 'ack', 'deactivate'] as const;
  for (let n = 0; n < BURST_MAX && Date.now() < until; n++) {
    const k = n % KEYS;
    const key = `dev:k${k}`;
    const step = cycle[Math.floor(n / KEYS) % cycle.length]!;
    const id = (): number => m.list({ all: true }).find((a) => a.key === key)!.id;
    if (step === 'activate') m.activate({ key, source: 'deviation', priority: ((k % 4) + 1) as 1, message: `${key} deviates` }, Date.now());
    else if (step === 'deactivate') m.deactivate(key, Date.now());
    else if (step === 'ack') m.acknowledge(id(), by);
    else if (step === 'shelve') m.shelve(id(), by, 60_000);
    else m.unshelve(id(), by);
  }
  process.exit(3); // not killed in time: the parent reports it
}

let dir = '';
test.after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Ev {
  seq: number;
  alarm_id: number;
  kind: string;
  from_state: string;
  to_state: string;
}

test('kill -9 mid-burst: the journal is intact and consistent, and reopens', async () => {
  dir = mkdtempSync(join(tmpdir(), 'twinloop-alarm-kill-'));
  const path = join(dir, 'alarms.db');
  const child = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, TWINLOOP_ALARM_CHILD: dir }, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', () => reject(new Error('child exited before it was ready')));
  });
  // Watch the burst through our own connection (WAL lets us read while it writes).
  const watch = new Database(path, { readonly: true });
  const count = watch.prepare('SELECT COUNT(*) AS n FROM event');
  const until = Date.now() + 15_000;
  while (Date.now() < until && (count.get() as { n: number }).n < KILL_AFTER_EVENTS) await new Promise((r) => setTimeout(r, 5));
  child.kill('SIGKILL');
  watch.close();
  assert.is(await exited, 'SIGKILL', 'killed mid-burst, not finished');

  const db = new Database(path);
  assert.is(db.pragma('integrity_check', { simple: true }), 'ok');
  const events = db.prepare('SELECT seq, alarm_id, kind, from_state, to_state FROM event ORDER BY seq').all() as Ev[];
  assert.ok(events.length >= KILL_AFTER_EVENTS, `${events.length} events journaled`);
  const acks = events.filter((e) => e.kind === 'acknowledge');
  assert.ok(acks.length > 100, `${acks.length} acknowledgements`);
  const byAlarm = new Map<number, Ev[]>();
  for (const e of events) {
    let list = byAlarm.get(e.alarm_id);
    if (list === undefined) byAlarm.set(e.alarm_id, (list = []));
    list.push(e);
  }
  for (const a of acks) {
    assert.ok(
      byAlarm.get(a.alarm_id)!.some((e) => e.kind === 'activate' && e.seq < a.seq),
      `ack #${a.seq} has its activation before it`,
    );
  }
  for (const [id, list] of byAlarm) {
    assert.is(list[0]!.kind, 'activate', `alarm ${id} starts with its activation`);
    for (let i = 1; i < list.length; i++) assert.is(list[i]!.from_state, list[i - 1]!.to_state, `alarm ${id}: event #${list[i]!.seq} starts where #${list[i - 1]!.seq} ended`);
  }
  const rows = db.prepare('SELECT id, key, state, last_seq FROM alarm').all() as { id: number; key: string; state: string; last_seq: number }[];
  assert.is(rows.length, KEYS);
  for (const r of rows) {
    const last = byAlarm.get(r.id)!.at(-1)!;
    assert.is(r.last_seq, last.seq, `${r.key}: state row written with its last event`);
    assert.is(r.state, last.to_state, `${r.key}: state row = last event's state`);
  }
  db.close();

  // Reopen: the manager shows exactly the journaled states and keeps journaling.
  const m = new AlarmManager({ clock: Date.now, journal: path });
  const shown = new Map(m.list({ all: true }).map((a) => [a.key, a.state]));
  for (const r of rows) assert.is(shown.get(r.key), r.state, `${r.key} restored`);
  const any = m.list({ all: true })[0]!;
  m.removeFromService(any.id, { user: 'eng1', note: 'after the crash' });
  assert.is(m.history({ limit: 1 })[0]!.seq, events.at(-1)!.seq + 1, 'the journal continues');
  m.close();
});

test.run();
