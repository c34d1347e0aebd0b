// The alarm API on a real server (real engine on examples/sorting.yaml) with a real
// AlarmManager and journal file in the data folder: roles (viewer may read but gets 403 on ack,
// operator acknowledges and shelves, only an engineer takes an alarm out of service), the note
// required, states refused with 409, unknown ids 404, every action audited before it acts,
// history and KPIs, and the list filters.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readAudit } from '../../core/audit/audit-export.ts';
import { AlarmManager } from '../../core/alarms/alarm-manager.ts';
import type { AlarmCondition } from '../../core/alarms/alarm-sink.ts';
import type { AlarmEventView } from '../../core/alarms/alarm-view.ts';
import type { RunControl } from '../../core/engine/run-control.ts';
import type { Role } from '../../core/auth/roles.ts';
import type { AlarmsResponse } from '../../hmi/server/alarm-routes.ts';
import { openRun, setupOnce } from './run-under-test.ts';
import { startSecured, tempDataDir, type Secured } from './secured-server.ts';

let run: RunControl;
let s: Secured;
let alarms: AlarmManager;
let t = 1_000_000;
let dataDir = '';

const PE1: AlarmCondition = { key: 'deviation:pe1.blocked', source: 'deviation', priority: 2, message: 'pe1: edge expected at 12.4 s, not seen', cause: 'compare rule pe1-edge: missing edge (jam?)', signals: ['pe1.blocked', 'pe1.blocked.measured'] };
const LINK: AlarmCondition = { key: 'communication:plc1', source: 'communication', priority: 1, message: 'plc1: no answer for 2 s' };

interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T & { error?: string; message?: string };
}

async function call<T = Record<string, unknown>>(method: string, path: string, role: Role | null, body?: unknown): Promise<Reply<T>> {
  const headers: Record<string, string> = role === null ? {} : s.bearer(role);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(s.server.url + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as T & { error?: string } };
}

const idOf = (key: string): number => alarms.list({ all: true }).find((a) => a.key === key)!.id;

setupOnce(test, async () => {
  ({ run } = await openRun());
  dataDir = tempDataDir();
  alarms = new AlarmManager({ clock: () => t, journal: join(dataDir, 'alarms.db') });
  s = await startSecured({ run, dataDir, alarms });
  alarms.activate(PE1, t);
  alarms.activate(LINK, t);
});

test.after(async () => {
  await s?.close();
  alarms?.close();
  await run?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('GET /api/alarms: viewer reads state, priority, cause and since; anonymous is refused', async () => {
  const r = await call<AlarmsResponse>('GET', '/api/alarms', 'viewer');
  assert.is(r.status, 200);
  assert.equal(r.body.alarms.map((a) => a.key), ['communication:plc1', 'deviation:pe1.blocked'], 'most urgent first');
  const pe1 = r.body.alarms[1]!;
  assert.is(pe1.state, 'active-unacknowledged');
  assert.is(pe1.priority, 2);
  assert.is(pe1.cause, PE1.cause);
  assert.is(pe1.since, 1_000_000);
  assert.equal(pe1.signals, PE1.signals);
  assert.is(r.body.journalHealthy, true);
  assert.is((await call('GET', '/api/alarms', null)).status, 401);
});

test('filters: ?state, ?priority, ?source; a bad filter is 400', async () => {
  assert.equal((await call<AlarmsResponse>('GET', '/api/alarms?priority=1', 'viewer')).body.alarms.map((a) => a.key), ['communication:plc1']);
  assert.equal((await call<AlarmsResponse>('GET', '/api/alarms?source=deviation', 'viewer')).body.alarms.map((a) => a.key), ['deviation:pe1.blocked']);
  assert.is((await call<AlarmsResponse>('GET', '/api/alarms?state=shelved', 'viewer')).body.alarms.length, 0);
  assert.is((await call('GET', '/api/alarms?state=sleeping', 'viewer')).status, 400);
});

test('ack: viewer 403 (audited as denied), note required, operator acknowledges (audited first), twice is 409', async () => {
  const id = idOf(PE1.key);
  const denied = await call('POST', `/api/alarms/${id}/ack`, 'viewer', { note: 'I am only a viewer' });
  assert.is(denied.status, 403);
  assert.is(denied.body.error, 'AUTH_FORBIDDEN');
  assert.is(alarms.get(id)!.state, 'active-unacknowledged', 'nothing changed');
  assert.is((await call('POST', `/api/alarms/${id}/ack`, 'operator', {})).status, 400, 'no note');
  assert.is((await call('POST', `/api/alarms/${id}/ack`, 'operator', { note: '   ' })).status, 400, 'blank note');
  assert.is((await call('POST', `/api/alarms/${id}/ack`, 'operator', { note: 'x'.repeat(501) })).status, 400, 'note too long');
  assert.is((await call('POST', `/api/alarms/${id}/ack`, 'operator', { note: 'ok', extra: 1 })).status, 400, 'unknown field');
  t += 5000;
  const ok = await call<{ state: string; lastUser: string; lastNote: string; active: boolean }>('POST', `/api/alarms/${id}/ack`, 'operator', { note: 'jam cleared at pe1, watching' });
  assert.is(ok.status, 200);
  assert.is(ok.body.state, 'active-acknowledged');
  assert.is(ok.body.active, true, 'acknowledging never clears the condition');
  assert.is(ok.body.lastUser, 'operator1');
  assert.is(ok.body.lastNote, 'jam cleared at pe1, watching');
  const again = await call('POST', `/api/alarms/${id}/ack`, 'operator', { note: 'again' });
  assert.is(again.status, 409);
  assert.is(again.body.error, 'ALARM_STATE');
  const missing = await call('POST', '/api/alarms/99999/ack', 'operator', { note: 'no such alarm' });
  assert.is(missing.status, 404);
  assert.is(missing.body.error, 'ALARM_UNKNOWN');

  const audit = readAudit(join(s.dataDir, 'audit.jsonl')).records.filter((r) => r.action === 'alarm.ack');
  assert.ok(audit.some((r) => r.result === 'denied' && r.role === 'viewer'), 'the viewer is on record as denied');
  const attempt = audit.find((r) => r.result === 'attempt' && r.user === 'operator1' && r.target === PE1.key);
  assert.ok(attempt !== undefined, 'attempt recorded');
  assert.equal(attempt!.new, { action: 'ack', note: 'jam cleared at pe1, watching' });
  assert.ok(audit.some((r) => r.result === 'ok' && r.ref === attempt!.seq), 'outcome recorded');
  assert.ok(audit.some((r) => r.result === 'failed' && r.code === 'ALARM_STATE'), 'the refused second ack is on record as failed');
});

test('shelve (operator, minutes and note) and unshelve; out of service needs an engineer', async () => {
  const id = idOf(LINK.key);
  assert.is((await call('POST', `/api/alarms/${id}/shelve`, 'operator', { note: 'known outage' })).status, 400, 'minutes required');
  assert.is((await call('POST', `/api/alarms/${id}/shelve`, 'operator', { note: 'known outage', minutes: 0 })).status, 400, 'minutes > 0');
  assert.is((await call('POST', `/api/alarms/${id}/shelve`, 'operator', { note: 'known outage', minutes: 99999 })).status, 400, 'minutes bounded');
  const sh = await call<{ state: string; shelvedUntil: number }>('POST', `/api/alarms/${id}/shelve`, 'operator', { note: 'known outage', minutes: 5 });
  assert.is(sh.status, 200);
  assert.is(sh.body.state, 'shelved');
  assert.is(sh.body.shelvedUntil, t + 300_000);
  assert.is((await call<AlarmsResponse>('GET', '/api/alarms?state=shelved', 'viewer')).body.alarms.length, 1);
  assert.is((await call<{ state: string }>('POST', `/api/alarms/${id}/unshelve`, 'operator', { note: 'outage over' })).body.state, 'active-unacknowledged');

  assert.is((await call('POST', `/api/alarms/${id}/out-of-service`, 'operator', { note: 'sensor swap' })).status, 403);
  const oos = await call<{ state: string }>('POST', `/api/alarms/${id}/out-of-service`, 'engineer', { note: 'sensor swap' });
  assert.is(oos.status, 200);
  assert.is(oos.body.state, 'out-of-service');
  assert.is((await call('POST', `/api/alarms/${id}/return-to-service`, 'operator', { note: 'done' })).status, 403);
  assert.is((await call<{ state: string }>('POST', `/api/alarms/${id}/return-to-service`, 'engineer', { note: 'done' })).body.state, 'active-unacknowledged');
});

test('shelve expiry is evaluated when the list is read, even if the owner did not poll', async () => {
  const id = idOf(LINK.key);
  await call('POST', `/api/alarms/${id}/shelve`, 'operator', { note: 'short', minutes: 1 });
  t += 60_000;
  const r = await call<AlarmsResponse>('GET', '/api/alarms?priority=1', 'viewer');
  assert.is(r.body.alarms[0]!.state, 'active-unacknowledged');
});

test('history: events with users and notes, newest first, limit; KPIs', async () => {
  const h = await call<{ events: AlarmEventView[] }>('GET', '/api/alarms/history?limit=3', 'viewer');
  assert.is(h.status, 200);
  assert.is(h.body.events.length, 3);
  assert.is(h.body.events[0]!.kind, 'shelve-expired');
  const all = await call<{ events: AlarmEventView[] }>('GET', `/api/alarms/history?alarm=${idOf(PE1.key)}`, 'viewer');
  assert.equal(all.body.events.map((e) => e.kind), ['acknowledge', 'activate']);
  assert.is(all.body.events[0]!.user, 'operator1');
  assert.is(all.body.events[0]!.note, 'jam cleared at pe1, watching');
  assert.is((await call('GET', '/api/alarms/history?limit=abc', 'viewer')).status, 400);
  const k = await call<{ annunciated: number; prioritySplit: { count: number }[]; perOperatorPer10Min: number }>('GET', `/api/alarms/kpi?from=0&to=${t}`, 'viewer');
  assert.is(k.status, 200);
  // pe1, link, link unshelved, link back in service, link after expiry.
  assert.is(k.body.annunciated, 5);
  assert.equal(k.body.prioritySplit.map((p) => p.count), [4, 1, 0, 0]);
});

test.run();
