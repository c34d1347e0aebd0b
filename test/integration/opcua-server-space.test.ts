// The twin's OPC UA server over the real engine run (examples/sorting.yaml): browse the address
// space, read values with their types and units, subscribe, a value follows the model within a
// bound, source timestamps in line time, run state; writes: an engineer's write forces the
// actuator after its audit record, a viewer's and an operator's are refused and audited, sensors
// are not writable.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AttributeIds, BrowseDirection, DataType, StatusCodes, TimestampsToReturn, ClientSubscription, ClientMonitoredItem, type ClientSession, type DataValue } from 'node-opcua';
import type { RunControl } from '../../core/engine/run-control.ts';
import type { SnapshotInfo } from '../../core/signals.ts';
import { openRun, setupOnce } from '../hmi/run-under-test.ts';
import { openRig, USERS, waitFor, type Rig } from './opcua-server-fixtures.ts';

let run: RunControl;
let rig: Rig;
let engineer: ClientSession;

setupOnce(test, async () => {
  run = (await openRun()).run;
  rig = await openRig(run, { ranges: { 'm1.setpoint': [0, 50] } });
  engineer = await rig.session(USERS.engineer);
});

test.after(async () => {
  await rig?.close();
  await run?.close();
});

function tableValue(name: string): number {
  const values = new Float64Array(run.table.size);
  const info: SnapshotInfo = { tick: 0, time: 0 };
  assert.ok(run.table.snapshot(values, info), 'a snapshot of the table');
  return values[run.table.id(name)]!;
}

async function browseNames(session: ClientSession, nodeId: string): Promise<string[]> {
  const r = await session.browse({ nodeId, browseDirection: BrowseDirection.Forward, resultMask: 63 });
  return (r.references ?? []).map((x) => x.browseName.name ?? '');
}

test('browse: Objects/Twin holds Signals (a folder per component), Run and Alarms', async () => {
  const twin = await browseNames(engineer, 'ns=1;s=Twin');
  for (const n of ['Signals', 'Run', 'Alarms', 'AlarmStates']) assert.ok(twin.includes(n), `Twin has ${n}: ${twin.join(', ')}`);
  const components = await browseNames(engineer, 'ns=1;s=Signals');
  for (const c of ['m1', 'm2', 'pe1', 'pu1', 'line']) assert.ok(components.includes(c), `a folder for ${c}`);
  const m1 = await browseNames(engineer, 'ns=1;s=component:m1');
  for (const s of ['run', 'setpoint', 'speed', 'energy']) assert.ok(m1.includes(s), `m1 has ${s}: ${m1.join(', ')}`);
  const objects = await browseNames(engineer, 'i=85');
  assert.ok(objects.includes('Twin'), 'Twin is under Objects');
  // No Deviations folder in virtual mode: nothing is compared.
  assert.not.ok(twin.includes('Deviations'));
});

test('read: data types, engineering units, AnalogItemType where a range is given, quality', async () => {
  const [run1, speed, overloads] = await engineer.read([
    { nodeId: 'ns=1;s=m1.run', attributeId: AttributeIds.Value },
    { nodeId: 'ns=1;s=m1.speed', attributeId: AttributeIds.Value },
    { nodeId: 'ns=1;s=m1.overloads', attributeId: AttributeIds.Value },
  ]);
  assert.is(run1!.value.dataType, DataType.Boolean);
  assert.is(speed!.value.dataType, DataType.Double);
  assert.is(overloads!.value.dataType, DataType.Int32);
  assert.ok(speed!.statusCode.isGood(), 'good quality');
  const units = await engineer.browse({ nodeId: 'ns=1;s=m1.speed', browseDirection: BrowseDirection.Forward, resultMask: 63 });
  const eu = units.references!.find((r) => r.browseName.name === 'EngineeringUnits');
  assert.ok(eu, 'm1.speed has EngineeringUnits');
  const euValue = await engineer.read({ nodeId: eu!.nodeId, attributeId: AttributeIds.Value });
  assert.is((euValue.value.value as { displayName: { text: string } }).displayName.text, 'Hz');
  // m1.setpoint has a range in the settings: AnalogItemType (i=2368) with EURange.
  const td = await engineer.read({ nodeId: 'ns=1;s=m1.setpoint', attributeId: AttributeIds.DataType });
  assert.is(td.value.value.toString(), 'ns=0;i=11');
  const setpointRefs = await engineer.browse({ nodeId: 'ns=1;s=m1.setpoint', browseDirection: BrowseDirection.Forward, resultMask: 63 });
  assert.is(setpointRefs.references!.find((r) => r.referenceTypeId.value === 40)?.nodeId.toString(), 'ns=0;i=2368', 'typed AnalogItemType');
  const range = setpointRefs.references!.find((r) => r.browseName.name === 'EURange');
  const rv = await engineer.read({ nodeId: range!.nodeId, attributeId: AttributeIds.Value });
  assert.equal([(rv.value.value as { low: number }).low, (rv.value.value as { high: number }).high], [0, 50]);
});

test('a value follows the model within one sample period (line energy only grows)', async () => {
  await waitFor(() => (tableValue('line.energy') > 0 ? true : undefined), 5000, 'the line to use energy');
  const before = tableValue('line.energy');
  await new Promise((r) => setTimeout(r, 600)); // > 5 sample periods at 10 Hz
  const read = (await engineer.read({ nodeId: 'ns=1;s=line.energy', attributeId: AttributeIds.Value })).value.value as number;
  const after = tableValue('line.energy');
  assert.ok(read > before, `the served value moved on from ${before} (got ${read})`);
  assert.ok(read <= after, `the served value ${read} is not ahead of the model's ${after}`);
});

test('source timestamps are line time; run state, mode, pace and tick statistics are served', async () => {
  const values = await engineer.read(
    [
      { nodeId: 'ns=1;s=line.energy', attributeId: AttributeIds.Value },
      { nodeId: 'ns=1;s=Run.State', attributeId: AttributeIds.Value },
      { nodeId: 'ns=1;s=Run.Mode', attributeId: AttributeIds.Value },
      { nodeId: 'ns=1;s=Run.Pace', attributeId: AttributeIds.Value },
      { nodeId: 'ns=1;s=Run.Ticks.LateP99Us', attributeId: AttributeIds.Value },
      { nodeId: 'ns=1;s=Run.Model.Version', attributeId: AttributeIds.Value },
      { nodeId: 'ns=1;s=Run.Controllers.plc1.Healthy', attributeId: AttributeIds.Value },
    ],
    TimestampsToReturn.Both,
  );
  const [energy, state, mode, pace, p99, version, healthy] = values as DataValue[];
  // Real-time pace: line time runs with the wall clock, so the stamp is recent (a loaded
  // machine may keep the run a little behind its pace: a generous bound).
  const age = Date.now() - energy!.sourceTimestamp!.getTime();
  assert.ok(age > -1000 && age < 10_000, `source timestamp ${energy!.sourceTimestamp!.toISOString()} is line time now (age ${age} ms)`);
  assert.is(state!.value.value, 'running');
  assert.is(mode!.value.value, 'virtual');
  assert.is(pace!.value.value, '1x');
  assert.type(p99!.value.value, 'number');
  assert.is(version!.value.value, 'unversioned');
  assert.type(healthy!.value.value, 'boolean');
});

test('subscribe: monitored values arrive as the model changes', async () => {
  const sub = ClientSubscription.create(engineer, { requestedPublishingInterval: 100, requestedMaxKeepAliveCount: 20, requestedLifetimeCount: 100, publishingEnabled: true, maxNotificationsPerPublish: 100, priority: 1 });
  try {
    const item = ClientMonitoredItem.create(sub, { nodeId: 'ns=1;s=line.energy', attributeId: AttributeIds.Value }, { samplingInterval: 100, queueSize: 10, discardOldest: true }, TimestampsToReturn.Both);
    const seen: number[] = [];
    item.on('changed', (dv: DataValue) => void seen.push(dv.value.value as number));
    await waitFor(() => (seen.length >= 3 ? true : undefined), 5000, 'three notifications');
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! >= seen[i - 1]!, 'energy never decreases');
  } finally {
    await sub.terminate();
  }
});

test("an engineer's write forces the actuator, audited before it is carried out", async () => {
  const status = await engineer.write({ nodeId: 'ns=1;s=m1.setpoint', attributeId: AttributeIds.Value, value: { value: { dataType: DataType.Double, value: 17.5 } } });
  assert.is(status.name, StatusCodes.Good.name);
  await waitFor(() => (tableValue('m1.setpoint') === 17.5 ? true : undefined), 3000, 'the force to reach the model');
  const recs = rig.records().filter((r) => r.action === 'signal.force' && r.target === 'm1.setpoint');
  const attempt = recs.find((r) => r.result === 'attempt');
  const ok = recs.find((r) => r.result === 'ok');
  assert.ok(attempt && ok, 'attempt and ok records');
  assert.is(ok!.ref, attempt!.seq);
  assert.ok(attempt!.seq < ok!.seq);
  assert.is(attempt!.user, USERS.engineer);
  assert.is(attempt!.role, 'engineer');
  assert.is(attempt!.from, '127.0.0.1 opcua');
  assert.is(attempt!.new, 17.5);
  await run.release!('m1.setpoint');
});

test('writes refused: a viewer, an operator, a wrong type, a sensor; refusals are audited', async () => {
  const viewer = await rig.session(USERS.viewer);
  const operator = await rig.session(USERS.operator);
  const before = rig.records().length;
  const w = (s: ClientSession, nodeId: string, dataType: DataType, value: number | boolean) => s.write({ nodeId, attributeId: AttributeIds.Value, value: { value: { dataType, value } } });
  assert.is((await w(viewer, 'ns=1;s=m1.setpoint', DataType.Double, 3)).name, StatusCodes.BadUserAccessDenied.name);
  assert.is((await w(operator, 'ns=1;s=m1.run', DataType.Boolean, false)).name, StatusCodes.BadUserAccessDenied.name);
  assert.is((await w(engineer, 'ns=1;s=m1.run', DataType.Double, 1)).name, StatusCodes.BadTypeMismatch.name);
  // A sensor has no CurrentWrite and grants no Write permission: node-opcua refuses it itself.
  assert.is((await w(engineer, 'ns=1;s=m1.speed', DataType.Double, 1)).name, StatusCodes.BadUserAccessDenied.name);
  const denied = rig.records().slice(before).filter((r) => r.result === 'denied');
  assert.equal(denied.map((r) => [r.user, r.code, r.target]), [
    [USERS.viewer, 'AUTH_FORBIDDEN', 'm1.setpoint'],
    [USERS.operator, 'AUTH_FORBIDDEN', 'm1.run'],
    [USERS.engineer, 'SIG_TYPE', 'm1.run'],
  ]);
  assert.not.ok(rig.records().slice(before).some((r) => r.result === 'attempt'), 'nothing was attempted');
});

test.run();
