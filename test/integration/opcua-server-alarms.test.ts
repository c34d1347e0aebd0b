// Alarms & Conditions of the twin's OPC UA server, mirrored both ways with the ISA-18.2 alarm
// manager: an alarm appears as a condition (severity from its priority) and as plain variables;
// ConditionRefresh gives the standing ones; Acknowledge, TimedShelve, Unshelve and AddComment
// from OPC UA change the manager and its journal with the HMI route's audit record; an
// acknowledge or shelve in the manager, and an acknowledge through the HMI's HTTP route,
// change the condition.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AttributeIds, BrowseDirection, ClientMonitoredItem, ClientSubscription, DataType, StatusCodes, TimestampsToReturn, constructEventFilter, coerceNodeId, type ClientSession, type NodeId, type Variant } from 'node-opcua';
import { pino } from 'pino';
import type { RunControl } from '../../core/engine/run-control.ts';
import { startSecured } from '../hmi/secured-server.ts';
import { openRun, setupOnce } from '../hmi/run-under-test.ts';
import { openRig, USERS, waitFor, type Rig } from './opcua-server-fixtures.ts';

let run: RunControl;
let rig: Rig;
let operator: ClientSession;
let sub: ClientSubscription;
const events: Record<string, unknown>[] = [];
const FIELDS = ['EventId', 'ConditionName', 'Message', 'Severity', 'ActiveState.Id', 'AckedState.Id', 'Retain', 'Comment', 'ShelvingState.CurrentState'];

setupOnce(test, async () => {
  run = (await openRun()).run;
  rig = await openRig(run);
  operator = await rig.session(USERS.operator);
  sub = ClientSubscription.create(operator, { requestedPublishingInterval: 100, requestedMaxKeepAliveCount: 20, requestedLifetimeCount: 100, publishingEnabled: true, maxNotificationsPerPublish: 200, priority: 1 });
  const item = ClientMonitoredItem.create(sub, { nodeId: 'i=2253', attributeId: AttributeIds.EventNotifier }, { filter: constructEventFilter(FIELDS), queueSize: 200, discardOldest: true }, TimestampsToReturn.Neither);
  // Events raised before the server created the monitored item are not delivered: wait for it
  // (a fixed pause lost the first event on a loaded machine).
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
});

test.after(async () => {
  await sub?.terminate().catch(() => undefined);
  await rig?.close();
  await run?.close();
});

const KEY = 'deviation:pe2-edge';
const condId = (key: string): string => `ns=1;s=alarm:${key}`;

function alarmId(key: string): number {
  const a = rig.alarms.list({ all: true }).find((x) => x.key === key);
  assert.ok(a, `alarm ${key} in the manager`);
  return a!.id;
}

async function read(session: ClientSession, nodeId: string): Promise<unknown> {
  return (await session.read({ nodeId, attributeId: AttributeIds.Value })).value.value;
}

async function child(session: ClientSession, nodeId: string, name: string): Promise<NodeId> {
  const r = await session.browse({ nodeId, browseDirection: BrowseDirection.Forward, resultMask: 63 });
  const ref = r.references?.find((x) => x.browseName.name === name);
  assert.ok(ref, `${nodeId} has ${name}`);
  return ref!.nodeId;
}

function lastEvent(key: string, pred: (e: Record<string, unknown>) => boolean): Record<string, unknown> | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if ((e['ConditionName'] as string) === key && pred(e)) return e;
  }
  return undefined;
}

test('an alarm appears as a condition with its severity, an event, and plain variables', async () => {
  rig.alarms.activate({ key: KEY, source: 'deviation', priority: 2, message: 'pe2: edge expected, not seen', signals: ['pe2.blocked'] }, Date.now());
  rig.server.syncAlarms();
  const e = await waitFor(() => lastEvent(KEY, (x) => x['ActiveState.Id'] === true), 3000, 'the activation event');
  assert.is(e['Severity'], 700);
  assert.is(e['AckedState.Id'], false);
  assert.is(e['Retain'], true);
  assert.is((e['Message'] as { text: string }).text, 'pe2: edge expected, not seen');
  assert.is(await read(operator, `ns=1;s=state:${KEY}.State`), 'active-unacknowledged');
  assert.is(await read(operator, `ns=1;s=state:${KEY}.Severity`), 700);
  assert.is(await read(operator, 'ns=1;s=AlarmStates.UnacknowledgedCount'), 1);
  const active = await child(operator, condId(KEY), 'ActiveState');
  assert.is(await read(operator, (await child(operator, active.toString(), 'Id')).toString()), true);
});

test('severities follow the four priorities (1 -> 900 ... 4 -> 300)', async () => {
  for (const p of [1, 3, 4] as const) rig.alarms.activate({ key: `process:p${p}`, source: 'process', priority: p, message: `priority ${p}` }, Date.now());
  rig.server.syncAlarms();
  assert.is(await read(operator, 'ns=1;s=state:process:p1.Severity'), 900);
  assert.is(await read(operator, 'ns=1;s=state:process:p3.Severity'), 500);
  assert.is(await read(operator, 'ns=1;s=state:process:p4.Severity'), 300);
});

test('ConditionRefresh sends the standing conditions again', async () => {
  const before = events.length;
  const r = await operator.call({ objectId: coerceNodeId('i=2782'), methodId: coerceNodeId('i=3875'), inputArguments: [{ dataType: DataType.UInt32, value: sub.subscriptionId }] });
  assert.is(r.statusCode.name, StatusCodes.Good.name);
  await waitFor(() => (events.slice(before).some((e) => e['ConditionName'] === KEY) ? true : undefined), 3000, 'the refreshed condition');
});

test('Acknowledge from OPC UA: the manager, its journal and the audit log, as the HMI route does', async () => {
  const viewer = await rig.session(USERS.viewer);
  const e = lastEvent(KEY, () => true)!;
  const denied = await viewer.acknowledgeCondition(coerceNodeId(condId(KEY)), e['EventId'] as Buffer, 'viewer tries');
  assert.is(denied.name, StatusCodes.BadUserAccessDenied.name);
  const id = alarmId(KEY);
  assert.is(rig.alarms.get(id)!.state, 'active-unacknowledged', 'a viewer changed nothing');
  const ok = await operator.acknowledgeCondition(coerceNodeId(condId(KEY)), e['EventId'] as Buffer, 'seen on the line');
  assert.is(ok.name, StatusCodes.Good.name);
  const view = rig.alarms.get(id)!;
  assert.is(view.state, 'active-acknowledged');
  assert.is(view.lastUser, USERS.operator);
  const journal = rig.alarms.history({ alarmId: id });
  const ack = journal.find((j) => j.kind === 'acknowledge');
  assert.ok(ack, 'the journal has the acknowledgement');
  assert.is(ack!.user, USERS.operator);
  assert.is(ack!.note, 'seen on the line');
  const recs = rig.records().filter((r) => r.action === 'alarm.ack' && r.target === KEY);
  const attempt = recs.find((r) => r.result === 'attempt')!;
  assert.equal(attempt.old, { state: 'active-unacknowledged' });
  assert.equal(attempt.new, { action: 'ack', note: 'seen on the line' });
  assert.is(attempt.from, '127.0.0.1 opcua');
  assert.is(recs.find((r) => r.result === 'ok')?.ref, attempt.seq);
  assert.ok(rig.records().some((r) => r.action === 'alarm.ack' && r.result === 'denied' && r.user === USERS.viewer), 'the refusal is audited');
  await waitFor(() => lastEvent(KEY, (x) => x['AckedState.Id'] === true), 3000, 'the acknowledged event');
  assert.is(await read(operator, `ns=1;s=state:${KEY}.State`), 'active-acknowledged');
  // A second acknowledge is refused as the standard says.
  const again = await operator.acknowledgeCondition(coerceNodeId(condId(KEY)), e['EventId'] as Buffer, 'again');
  assert.is(again.name, StatusCodes.BadConditionBranchAlreadyAcked.name);
});

test('TimedShelve and Unshelve from OPC UA shelve and unshelve in the manager, audited', async () => {
  const shelving = await child(operator, condId(KEY), 'ShelvingState');
  const timed = await child(operator, shelving.toString(), 'TimedShelve');
  const unshelve = await child(operator, shelving.toString(), 'Unshelve');
  // Longer than the manager allows (12 h): refused as Part 9 says, nothing shelved.
  const tooLong = await operator.call({ objectId: shelving, methodId: timed, inputArguments: [{ dataType: DataType.Double, value: 13 * 3600_000 }] });
  assert.is(tooLong.statusCode.name, StatusCodes.BadShelvingTimeOutOfRange.name);
  const r = await operator.call({ objectId: shelving, methodId: timed, inputArguments: [{ dataType: DataType.Double, value: 120_000 }] });
  assert.is(r.statusCode.name, StatusCodes.Good.name);
  const id = alarmId(KEY);
  const view = rig.alarms.get(id)!;
  assert.is(view.state, 'shelved');
  assert.ok(view.shelvedUntil! - rig.alarms.now > 110_000, 'shelved for the two minutes asked');
  const shelves = rig.records().filter((x) => x.action === 'alarm.shelve');
  // As over HTTP: the too-long one was attempted and failed in the manager (ALARM_INVALID).
  assert.equal(shelves.map((x) => [x.result, x.code ?? null]), [['attempt', null], ['failed', 'ALARM_INVALID'], ['attempt', null], ['ok', null]]);
  const rec = shelves[2]!;
  assert.equal(rec.new, { action: 'shelve', note: 'shelved over OPC UA', minutes: 2 });
  const current = await child(operator, shelving.toString(), 'CurrentState');
  assert.is(((await read(operator, current.toString())) as { text: string }).text, 'TimedShelved');
  assert.is(await read(operator, `ns=1;s=state:${KEY}.Shelved`), true);
  const u = await operator.call({ objectId: shelving, methodId: unshelve, inputArguments: [] });
  assert.is(u.statusCode.name, StatusCodes.Good.name);
  assert.is.not(rig.alarms.get(id)!.state, 'shelved');
  assert.ok(rig.records().some((x) => x.action === 'alarm.unshelve' && x.result === 'ok' && x.user === USERS.operator));
  assert.is(((await read(operator, current.toString())) as { text: string }).text, 'Unshelved');
});

test('AddComment is audited and shown as the Comment', async () => {
  const e = lastEvent(KEY, () => true)!;
  const status = await operator.addCommentCondition(condId(KEY), e['EventId'] as Buffer, 'belt checked, no jam');
  assert.is(status.name, StatusCodes.Good.name);
  assert.ok(rig.records().some((r) => r.action === 'alarm.comment' && r.result === 'ok' && (r.new as { note: string }).note === 'belt checked, no jam'));
  await waitFor(() => lastEvent(KEY, (x) => (x['Comment'] as { text?: string } | null)?.text === 'belt checked, no jam'), 3000, 'the comment event');
});

test('the reverse: acknowledge and shelve in the manager (the HMI route) change the condition', async () => {
  const key = 'communication:plc1';
  rig.alarms.activate({ key, source: 'communication', priority: 1, message: 'plc1: link lost' }, Date.now());
  await waitFor(() => lastEvent(key, (x) => x['ActiveState.Id'] === true && x['AckedState.Id'] === false), 3000, 'the activation');
  rig.alarms.acknowledge(alarmId(key), { user: USERS.operator, note: 'from the HMI' });
  // No explicit sync: the server's own 4 Hz mirror must pick it up.
  const acked = await waitFor(() => lastEvent(key, (x) => x['AckedState.Id'] === true), 3000, 'the acknowledgement on the condition');
  assert.is((acked['Comment'] as { text: string }).text, 'from the HMI');
  assert.is(acked['Severity'], 900);
  rig.alarms.shelve(alarmId(key), { user: USERS.operator, note: 'maintenance' }, 60_000);
  await waitFor(() => lastEvent(key, (x) => (x['ShelvingState.CurrentState'] as { text?: string } | null)?.text === 'TimedShelved'), 3000, 'the shelve on the condition');
  rig.alarms.deactivate(key, Date.now());
  rig.alarms.unshelve(alarmId(key), { user: USERS.operator, note: 'done' });
  await waitFor(() => lastEvent(key, (x) => x['ActiveState.Id'] === false && x['Retain'] === false), 3000, 'the return to normal');
});

test('the HMI route: an acknowledge over HTTP reaches the condition; both paths write the same record', async () => {
  const hmi = await startSecured({ run, dataDir: rig.dir, alarms: rig.alarms, logger: pino({ level: 'warn' }) });
  try {
    const key = 'maintenance:m2-winding';
    rig.alarms.activate({ key, source: 'maintenance', priority: 3, message: 'm2: winding temperature trend' }, Date.now());
    await waitFor(() => lastEvent(key, (x) => x['ActiveState.Id'] === true), 3000, 'the activation');
    const res = await fetch(`${hmi.server.url}/api/alarms/${alarmId(key)}/ack`, { method: 'POST', headers: { ...hmi.bearer('operator'), 'content-type': 'application/json' }, body: JSON.stringify({ note: 'checked in the HMI' }) });
    assert.is(res.status, 200);
    const e = await waitFor(() => lastEvent(key, (x) => x['AckedState.Id'] === true), 3000, 'the acknowledgement from the HMI on the condition');
    assert.is((e['Comment'] as { text: string }).text, 'checked in the HMI');
    assert.is(e['Severity'], 500);
    const http = rig.records().find((r) => r.action === 'alarm.ack' && r.target === key && r.result === 'attempt')!;
    const opcua = rig.records().find((r) => r.action === 'alarm.ack' && r.target === KEY && r.result === 'attempt')!;
    assert.equal(Object.keys(http).sort(), Object.keys(opcua).sort(), 'the same record shape');
    assert.equal(http.new, { action: 'ack', note: 'checked in the HMI' });
    assert.is(http.from, '127.0.0.1 http');
  } finally {
    await hmi.close();
  }
});

test('OneShotShelve, Enable and Disable are refused (the manager has no such actions over OPC UA)', async () => {
  const shelving = await child(operator, condId(KEY), 'ShelvingState');
  const oneShot = await child(operator, shelving.toString(), 'OneShotShelve');
  assert.is((await operator.call({ objectId: shelving, methodId: oneShot, inputArguments: [] })).statusCode.name, StatusCodes.BadNotSupported.name);
  const disable = await child(operator, condId(KEY), 'Disable');
  assert.is((await operator.call({ objectId: coerceNodeId(condId(KEY)), methodId: disable, inputArguments: [] })).statusCode.name, StatusCodes.BadNotSupported.name);
});

test.run();
