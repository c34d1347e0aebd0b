// The twin's OPC UA server over the shadow demo (examples/sorting-shadow.yaml, its stand-in line
// on a free port): Model, Measured and Deviation per compared signal, consistent with each other;
// nothing is writable (no variable has CurrentWrite) and an engineer's write is refused, with
// zero writes reaching the line.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pino } from 'pino';
import { AccessLevelFlag, AttributeIds, BrowseDirection, DataType, StatusCodes, type ClientSession } from 'node-opcua';
import { AlarmManager } from '../../core/alarms/alarm-manager.ts';
import { loadLineFile } from '../../core/config/line-file.ts';
import { loadPlantFile, type PlantFile } from '../../core/config/plant-file.ts';
import { startRun } from '../../core/engine/engine.ts';
import { ShadowRun } from '../../core/shadow/shadow-run.ts';
import { setupOnce } from '../hmi/run-under-test.ts';
import { openRig, USERS, waitFor, type Rig } from './opcua-server-fixtures.ts';

const base = loadPlantFile(new URL('../../examples/sorting-shadow.yaml', import.meta.url).pathname);
const pc = base.controllers[0]!;
// No start-time faults and any free port for the stand-in line.
const plant: PlantFile = { ...base, controllers: [{ ...pc, softLine: { ...pc.softLine!, faults: [], port: 0 } }] };

let run: ShadowRun;
let rig: Rig;
let engineer: ClientSession;
const alarms = new AlarmManager({ clock: Date.now });

setupOnce(test, async () => {
  const started = await startRun({ plant, line: loadLineFile(plant.line!), alarmSink: alarms, logger: pino({ level: 'warn' }), statsLogMs: 0 });
  assert.instance(started, ShadowRun);
  run = started as ShadowRun;
  rig = await openRig(run, {}, alarms);
  engineer = await rig.session(USERS.engineer);
});

test.after(async () => {
  await rig?.close();
  await run?.close();
});

test('Deviations: Model, Measured and Deviation per compared signal, consistent', async () => {
  const r = await engineer.browse({ nodeId: 'ns=1;s=Deviations', browseDirection: BrowseDirection.Forward, resultMask: 63 });
  const names = (r.references ?? []).map((x) => x.browseName.name);
  for (const n of ['pe1.blocked', 'pe2.blocked', 'm2.speed']) assert.ok(names.includes(n), `${n} is compared: ${names.join(', ')}`);
  // Wait for the line to run, then read the three of m2.speed in one request (one sample).
  await waitFor(async () => {
    const dv = await engineer.read({ nodeId: 'ns=1;s=deviation:m2.speed.Measured', attributeId: AttributeIds.Value });
    return (dv.value.value as number) > 0 ? true : undefined;
  }, 15_000, 'the measured speed of m2');
  const [model, measured, deviation] = await engineer.read(['Model', 'Measured', 'Deviation'].map((f) => ({ nodeId: `ns=1;s=deviation:m2.speed.${f}`, attributeId: AttributeIds.Value })));
  assert.is(deviation!.value.dataType, DataType.Double);
  assert.is(deviation!.value.value, (measured!.value.value as number) - (model!.value.value as number));
  const pe = await engineer.read(['Model', 'Measured', 'Deviation'].map((f) => ({ nodeId: `ns=1;s=deviation:pe1.blocked.${f}`, attributeId: AttributeIds.Value })));
  assert.is(pe[2]!.value.dataType, DataType.Boolean);
  assert.is(pe[2]!.value.value, pe[0]!.value.value !== pe[1]!.value.value);
  assert.is((await engineer.read({ nodeId: 'ns=1;s=Run.Mode', attributeId: AttributeIds.Value })).value.value, 'shadow');
});

test('shadow mode exposes nothing writable; an engineer write is refused and never reaches the line', async () => {
  const actuators = run.table.defs.filter((d) => d.kind === 'actuator').map((d) => d.name);
  assert.ok(actuators.length > 0);
  const levels = await engineer.read(run.table.defs.map((d) => ({ nodeId: `ns=1;s=${d.name}`, attributeId: AttributeIds.UserAccessLevel })));
  levels.forEach((dv, i) => assert.is(((dv.value.value as number) & AccessLevelFlag.CurrentWrite) !== 0, false, `${run.table.defs[i]!.name} is read-only`));
  const w = await engineer.write({ nodeId: 'ns=1;s=m1.run', attributeId: AttributeIds.Value, value: { value: { dataType: DataType.Boolean, value: false } } });
  assert.is.not(w.name, StatusCodes.Good.name);
  const counters = await run.softLine!.counters();
  assert.is(counters.writes, 0, 'the stand-in line received no write');
  assert.not.ok(rig.records().some((r) => r.action === 'signal.force' && r.result !== 'denied'), 'no force attempted');
});

test.run();
