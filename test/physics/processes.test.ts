// Item attributes changed by processes: coating thickness t = flow / (width · speed) and weld
// heat input HI = efficiency · power / speed, recorded on each item; quality rules on them; the
// reject rate responds to line speed; energy of the stations.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LineFile } from '../../physics/model.ts';
import { rig } from './harness.ts';

function line(): LineFile {
  return {
    name: 'processes',
    dt: 0.001,
    seed: 5,
    components: [
      { id: 'm1', type: 'drive', tau: 1e-9 },
      { id: 'belt', type: 'conveyor', length: 4, beltSpeed: 0.5, drive: 'm1', next: 'k' },
      { id: 'src', type: 'source', conveyor: 'belt', rate: 1, minGap: 0.3, itemLength: 0.2 },
      { id: 'coat', type: 'coating', conveyor: 'belt', position: 1, flow: 10, width: 0.2 },
      { id: 'w1', type: 'weld', conveyor: 'belt', position: 2, power: 4, efficiency: 0.8 },
      { id: 'qc', type: 'quality', conveyor: 'belt', position: 3, attribute: 'coating', min: 80, max: 120 },
      { id: 'qw', type: 'quality', conveyor: 'belt', position: 3.5, attribute: 'heatInput', min: 5, max: 8 },
      { id: 'k', type: 'bin' },
    ],
  };
}

function runAt(hz: number, seconds: number): ReturnType<typeof rig> {
  const r = rig(line());
  r.set('m1.run', 1);
  r.set('m1.setpoint', hz);
  r.run(seconds * 1000);
  return r;
}

test('coating thickness = flow / (width x speed); heat input = efficiency x power / speed', () => {
  for (const hz of [50, 40, 30]) {
    const r = runAt(hz, 30);
    const v = 0.5 * (hz / 50);
    const items = r.model.inspectItems().filter((i) => i.front - i.length / 2 >= 2);
    assert.ok(items.length >= 2, `items past the torch at ${hz} Hz`);
    for (const it of items) {
      assert.ok(Math.abs(it.coating - 10 / (0.2 * v)) < 1e-9, `coating ${it.coating} µm at ${v} m/s`);
      assert.ok(Math.abs(it.heatInput - (0.8 * 4) / v) < 1e-9, `heat input ${it.heatInput} kJ/m at ${v} m/s`);
    }
    assert.ok(Math.abs(r.get('coat.thickness') - 10 / (0.2 * v)) < 1e-9);
    assert.ok(Math.abs(r.get('w1.heatInput') - 3.2 / v) < 1e-9);
  }
});

test('the reject rate responds to line speed as the closed forms predict', () => {
  // Good coating 80..120 µm <=> v in [0.4167, 0.625] m/s; good seam 5..8 kJ/m <=> v in [0.4, 0.64] m/s.
  const fast = runAt(50, 60); // 0.5 m/s: 100 µm, 6.4 kJ/m
  assert.ok(fast.get('qc.good') >= 10, `judged ${fast.get('qc.good')}`);
  assert.is(fast.get('qc.rejectRate'), 0);
  assert.is(fast.get('qw.rejectRate'), 0);
  const slow = runAt(40, 60); // 0.4 m/s: 125 µm (reject), 8 kJ/m (good, on the bound)
  assert.ok(slow.get('qc.reject') >= 10);
  assert.is(slow.get('qc.rejectRate'), 1);
  assert.is(slow.get('qw.rejectRate'), 0);
  const slower = runAt(35, 60); // 0.35 m/s: 142.9 µm, 9.14 kJ/m: both reject
  assert.is(slower.get('qc.rejectRate'), 1);
  assert.is(slower.get('qw.rejectRate'), 1);
  assert.ok(Math.abs(slower.get('qw.lastValue') - 3.2 / 0.35) < 1e-9);
});

test('coating and weld energy: pump while spraying, arc power while an item is under the torch', () => {
  const r = runAt(50, 20);
  // The coating pump runs all the time (control auto): 0.5 kW x 20 s.
  assert.ok(Math.abs(r.get('coat.energy') - (0.5 * 20) / 3600) < 1e-9, `coat ${r.get('coat.energy')}`);
  // The arc burns 0.2 m / 0.5 m/s = 0.4 s (401 steps: rear and front both count as under the torch) per item welded.
  const welded = r.get('w1.items');
  const arcSteps = (r.get('w1.energy') * 3600) / 4 / 0.001;
  assert.ok(welded >= 3);
  assert.ok(Math.abs(arcSteps - welded * 401) <= 401, `${arcSteps} arc steps for ${welded} seams`);
  assert.ok(r.get('w1.wear') > 0);
});

test('control plc: nothing is coated or welded while .on is off', () => {
  const l = line();
  for (const c of l.components) if (c.type === 'coating' || c.type === 'weld') c['control'] = 'plc';
  const r = rig(l);
  r.set('m1.run', 1);
  r.set('m1.setpoint', 50);
  r.run(20_000);
  assert.is(r.get('coat.items'), 0);
  assert.is(r.get('w1.items'), 0);
  assert.is(r.get('coat.energy'), 0);
  const items = r.model.inspectItems().filter((i) => i.front > 2.2);
  assert.ok(items.length > 0 && items.every((i) => i.coating === 0 && i.heatInput === 0));
  r.set('coat.on', 1);
  r.set('w1.on', 1);
  r.run(20_000);
  assert.ok(r.get('coat.items') > 0 && r.get('w1.items') > 0);
});

test.run();
