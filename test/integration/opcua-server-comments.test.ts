// Alarm comments both ways between the twin's OPC UA server and the HMI: a comment is the alarm
// manager's (no state change, a `comment` journal event, the alarm's last note and user), audited
// as `alarm.comment` with the same record whichever way it came. AddComment from OPC UA is seen
// in the HMI's REST API and history; POST /api/alarms/:id/comment reaches the condition as its
// Comment and ClientUserId, with an event.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AttributeIds, ClientMonitoredItem, ClientSubscription, StatusCodes, TimestampsToReturn, coerceNodeId, constructEventFilter, type ClientSession, type Variant } from 'node-opcua';
import { pino } from 'pino';
import type { AlarmEventView, AlarmView } from '../../core/alarms/alarm-view.ts';
import type { AuditRecord } from '../../core/audit/audit-record.ts';
import type { RunControl } from '../../core/engine/run-control.ts';
import { startSecured, type Secured } from '../hmi/secured-server.ts';
import { openRun, setupOnce } from '../hmi/run-under-test.ts';
import { openRig, USERS, waitFor, type Rig } from './opcua-server-fixtures.ts';

let run: RunControl;
let rig: Rig;
let hmi: Secured;
let operator: ClientSession;
let sub: ClientSubscription;
const events: Record<string, unknown>[] = [];
const FIELDS = ['EventId', 'ConditionName', 'Comment', 'ClientUserId', 'ActiveState.Id', 'AckedState.Id'];
const KEY = 'deviation:pe2-edge';
/** Bound of each wait for an event (generous: the shared test machine may be loaded). */
const WAIT_MS = 10_000;

setupOnce(test, async () => {
  run = (await openRun()).run;
  rig = await openRig(run);
  hmi = await startSecured({ run, dataDir: rig.dir, alarms: rig.alarms, logger: pino({ level: 'warn' }) });
  operator = await rig.session(USERS.operator);
  sub = ClientSubscription.create(operator, { requestedPublishingInterval: 100, requestedMaxKeepAliveCount: 20, requestedLifetimeCount: 100, publishingEnabled: true, maxNotificationsPerPublish: 200, priority: 1 });
  const item = ClientMonitoredItem.create(sub, { nodeId: 'i=2253', attributeId: AttributeIds.EventNotifier }, { filter: constructEventFilter(FIELDS), queueSize: 200, discardOldest: true }, TimestampsToReturn.Neither);
  // Events raised before the server created the monitored item are not delivered: wait for it.
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the event monitored item was not created within 10 s')), 10_000);
    item.once('initialized', () => (clearTimeout(timer), resolve()));
  });
  item.on('changed', (fields: Variant[]) => {
    const e: Record<string, unknown> = {};
    FIELDS.forEach((f, i) => (e[f] = fields[i]?.value));
    events.push(e);
  });
  await ready;
  rig.alarms.activate({ key: KEY, source: 'deviation', priority: 2, message: 'pe2: edge expected, not seen', signals: ['pe2.blocked'] }, Date.now());
  rig.server.syncAlarms();
  await waitFor(() => lastEvent((x) => x['ActiveState.Id'] === true), WAIT_MS, 'the activation event');
});

test.after(async () => {
  await sub?.terminate().catch(() => undefined);
  await hmi?.close();
  await rig?.close();
  await run?.close();
});

function lastEvent(pred: (e: Record<string, unknown>) => boolean): Record<string, unknown> | undefined {
  for (let i = events.length - 1; i >= 0; i--) if (events[i]!['ConditionName'] === KEY && pred(events[i]!)) return events[i];
  return undefined;
}

const text = (x: unknown): string | undefined => (x as { text?: string } | null)?.text ?? undefined;

async function api<T>(method: string, path: string, role: 'viewer' | 'operator', body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${hmi.server.url}${path}`, { method, headers: { ...hmi.bearer(role), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as T };
}

async function alarmOverHttp(): Promise<AlarmView> {
  const r = await api<{ alarms: AlarmView[] }>('GET', '/api/alarms?all=true', 'viewer');
  const a = r.body.alarms.find((x) => x.key === KEY);
  assert.ok(a, 'the alarm over HTTP');
  return a!;
}

async function historyOverHttp(id: number): Promise<AlarmEventView[]> {
  return (await api<{ events: AlarmEventView[] }>('GET', `/api/alarms/history?alarm=${id}`, 'viewer')).body.events;
}

/** The attempt record of a comment and its ok outcome (which must point at it). */
function commentRecord(note: string): AuditRecord {
  const recs = rig.records().filter((r) => r.action === 'alarm.comment' && (r.new as { note?: string } | undefined)?.note === note);
  const attempt = recs.find((r) => r.result === 'attempt');
  assert.ok(attempt, `the attempt record of "${note}"`);
  assert.is(recs.find((r) => r.result === 'ok')?.ref, attempt!.seq, 'its outcome');
  return attempt!;
}

test('AddComment from OPC UA: the manager, the HMI REST API and history, and the audit record', async () => {
  const before = await alarmOverHttp();
  const e = lastEvent(() => true)!;
  const status = await operator.addCommentCondition(`ns=1;s=alarm:${KEY}`, e['EventId'] as Buffer, 'belt tension checked, fine');
  assert.is(status.name, StatusCodes.Good.name);
  const after = await alarmOverHttp();
  assert.is(after.state, before.state, 'a comment changes no state');
  assert.is(after.state, 'active-unacknowledged');
  assert.is(after.lastUser, USERS.operator);
  assert.is(after.lastNote, 'belt tension checked, fine');
  assert.ok(after.lastNoteAt !== null && after.lastNoteAt >= before.stateSince);
  const comment = (await historyOverHttp(after.id)).find((x) => x.kind === 'comment');
  assert.ok(comment, 'the journal has the comment');
  assert.is(comment!.user, USERS.operator);
  assert.is(comment!.note, 'belt tension checked, fine');
  assert.is(comment!.from, 'active-unacknowledged');
  assert.is(comment!.to, 'active-unacknowledged');
  const rec = commentRecord('belt tension checked, fine');
  assert.is(rec.user, USERS.operator);
  assert.is(rec.target, KEY);
  assert.is(rec.from, '127.0.0.1 opcua');
  assert.equal(rec.old, { state: 'active-unacknowledged' });
  assert.equal(rec.new, { action: 'comment', note: 'belt tension checked, fine' });
  const shown = await waitFor(() => lastEvent((x) => text(x['Comment']) === 'belt tension checked, fine'), WAIT_MS, 'the comment event');
  assert.is(shown['ClientUserId'], USERS.operator);
  assert.is(shown['AckedState.Id'], false, 'still unacknowledged');
});

test('POST /api/alarms/:id/comment: the OPC UA client sees the Comment, its user and an event; the same audit record', async () => {
  const id = (await alarmOverHttp()).id;
  const before = events.length;
  const r = await api<AlarmView>('POST', `/api/alarms/${id}/comment`, 'operator', { note: 'maintenance informed' });
  assert.is(r.status, 200);
  assert.is(r.body.lastNote, 'maintenance informed');
  assert.is(r.body.state, 'active-unacknowledged');
  // No explicit sync: the server's own 4 Hz mirror picks the comment up (the version moved).
  const e = await waitFor(() => (events.slice(before).find((x) => x['ConditionName'] === KEY && text(x['Comment']) === 'maintenance informed')), WAIT_MS, 'the comment event from the HMI');
  assert.is(e['ClientUserId'], 'operator1');
  const comment = (await historyOverHttp(id)).find((x) => x.kind === 'comment' && x.note === 'maintenance informed');
  assert.is(comment?.user, 'operator1');
  const http = commentRecord('maintenance informed');
  const opcua = commentRecord('belt tension checked, fine');
  assert.equal(Object.keys(http).sort(), Object.keys(opcua).sort(), 'the same record shape');
  assert.is(http.action, opcua.action);
  assert.is(http.from, '127.0.0.1 http');
  assert.equal(http.old, { state: 'active-unacknowledged' });
  assert.equal(http.new, { action: 'comment', note: 'maintenance informed' });
  // The same text again is a new comment: journaled, and a new event.
  const mark = events.length;
  assert.is((await api('POST', `/api/alarms/${id}/comment`, 'operator', { note: 'maintenance informed' })).status, 200);
  await waitFor(() => (events.slice(mark).some((x) => x['ConditionName'] === KEY && text(x['Comment']) === 'maintenance informed') ? true : undefined), WAIT_MS, 'the repeated comment event');
  assert.is((await historyOverHttp(id)).filter((x) => x.kind === 'comment' && x.note === 'maintenance informed').length, 2);
});

test('refusals: a viewer (both ways), an empty note, an unknown alarm; nothing journaled', async () => {
  const id = (await alarmOverHttp()).id;
  const count = (await historyOverHttp(id)).length;
  assert.is((await api('POST', `/api/alarms/${id}/comment`, 'viewer', { note: 'viewer tries' })).status, 403);
  assert.is((await api('POST', `/api/alarms/${id}/comment`, 'operator', { note: '   ' })).status, 400);
  assert.is((await api('POST', '/api/alarms/99999/comment', 'operator', { note: 'nowhere' })).status, 404);
  const viewer = await rig.session(USERS.viewer);
  const e = lastEvent(() => true)!;
  assert.is((await viewer.addCommentCondition(coerceNodeId(`ns=1;s=alarm:${KEY}`), e['EventId'] as Buffer, 'viewer tries')).name, StatusCodes.BadUserAccessDenied.name);
  assert.is((await operator.addCommentCondition(coerceNodeId(`ns=1;s=alarm:${KEY}`), e['EventId'] as Buffer, '')).name, StatusCodes.BadInvalidArgument.name);
  assert.is((await historyOverHttp(id)).length, count, 'no journal event');
  assert.ok(rig.records().some((r) => r.action === 'alarm.comment' && r.result === 'denied' && r.user === USERS.viewer), 'the OPC UA refusal is audited');
});

test.run();
