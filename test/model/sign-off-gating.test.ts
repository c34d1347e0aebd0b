// Sign-off gating in shadow mode, on the shadow test rig in one thread (core/shadow/in-thread-rig.ts,
// the fixtures of test/shadow): a slow cylinder on the stand-in line raises the pu1 stroke
// deviation. While the running model version is not signed off it reaches the alarm manager as
// an advisory (listed, flagged, not annunciated); signed off, as an alarm; after an edit to the
// line file (the version changes), as an advisory again. Communication alarms are never gated.

import { appendFileSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadPlantFile } from '../../core/config/plant-file.ts';
import { loadLineFile } from '../../core/config/line-file.ts';
import { InThreadRig } from '../../core/shadow/in-thread-rig.ts';
import { AlarmManager } from '../../core/alarms/alarm-manager.ts';
import { ModelGate } from '../../core/model/model-gate.ts';
import { signOff } from '../../core/model/sign-off.ts';

const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'twinloop-gate-'));
const data = join(dir, 'data');
const linePath = join(dir, 'sorting.yaml');
const plantPath = join(dir, 'sorting-shadow.yaml');
const report = join(dir, 'report.json');
copyFileSync(join(root, 'examples/sorting.yaml'), linePath);
copyFileSync(join(root, 'examples/sorting-shadow.yaml'), plantPath);
writeFileSync(report, JSON.stringify({ verdict: 'pass', signals: [{ signal: 'pu1.extended', verdict: 'pass' }] }));
const plant = loadPlantFile(plantPath);
const line = loadLineFile(linePath);
const tags = plant.controllers[0]!.tags;
const KEY = 'deviation:pu1-stroke';

/** A rig whose sink is the gate around a real alarm manager; the slow-cylinder fault at 20 s. */
async function slowCylinder(gate: ModelGate): Promise<{ manager: AlarmManager; rig: InThreadRig }> {
  let now = 0;
  const manager = new AlarmManager({ clock: () => now });
  const sink = gate.wrap({ activate: (c, at) => manager.activate(c, (now = at)), deactivate: (k, at) => manager.deactivate(k, (now = at)) });
  const rig = await InThreadRig.create({ line, tags, shadow: plant.shadow!, sink });
  rig.run(20);
  rig.inject({ target: 'component', component: 'pu1', kind: 'slow', severity: 0.6 });
  rig.run(16, () => manager.list({}).some((a) => a.key === KEY && a.active));
  return { manager, rig };
}

function deviation(manager: AlarmManager): { advisory: boolean; cause: string | null } {
  const a = manager.list({}).find((x) => x.key === KEY);
  assert.ok(a, `${KEY} raised; got ${manager.list({ all: true }).map((x) => x.key).join(', ')}`);
  return { advisory: a.advisory, cause: a.cause };
}

test('not signed off: the deviation is an advisory', async () => {
  const gate = new ModelGate({ dataDir: data, line: linePath, plant: plantPath });
  assert.is(gate.signedOff, false);
  assert.match(gate.info().advisoryReason ?? '', /no sign-off/);
  const { manager } = await slowCylinder(gate);
  const d = deviation(manager);
  assert.is(d.advisory, true);
  assert.match(d.cause ?? '', /slow cylinder.*advisory: model not validated/);
  manager.close();
});

test('signed off: the same deviation is an alarm', async () => {
  const rec = signOff({ dataDir: data, line: linePath, plant: plantPath, report, by: 'engineer1', role: 'engineer', from: 'test' });
  const gate = new ModelGate({ dataDir: data, line: linePath, plant: plantPath });
  assert.is(gate.signedOff, true);
  assert.is(gate.info().version, rec.version);
  assert.is(gate.info().signedOffBy, 'engineer1');
  const { manager } = await slowCylinder(gate);
  const d = deviation(manager);
  assert.is(d.advisory, false);
  assert.not.match(d.cause ?? '', /advisory/);
  manager.close();
});

test('a changed line file voids the sign-off: advisories again, and a running gate sees it', async () => {
  let clock = 0;
  const gate = new ModelGate({ dataDir: data, line: linePath, plant: plantPath, clock: () => clock, recheckMs: 1000 });
  assert.is(gate.signedOff, true);
  appendFileSync(linePath, '\n# belt retuned by hand\n');
  assert.is(gate.signedOff, true, 'not re-checked before recheckMs');
  clock = 1000;
  assert.is(gate.signedOff, false, 're-checked: the line file changed');
  assert.equal(gate.info().changed, ['line']);
  const { manager } = await slowCylinder(new ModelGate({ dataDir: data, line: linePath, plant: plantPath }));
  assert.is(deviation(manager).advisory, true);
  manager.close();
});

test('communication conditions are never gated', async () => {
  const gate = new ModelGate({ dataDir: data, line: linePath, plant: plantPath });
  assert.is(gate.signedOff, false);
  const manager = new AlarmManager({ clock: () => 0 });
  const rig = await InThreadRig.create({ line, tags, shadow: plant.shadow!, sink: gate.wrap(manager) });
  rig.run(5);
  rig.linkUp = false;
  rig.run(10);
  const comm = manager.list({}).filter((a) => a.source === 'communication');
  assert.is(comm.length, 1);
  assert.is(comm[0]!.advisory, false);
  manager.close();
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
