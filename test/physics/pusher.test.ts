// Pusher: stroke times, end switches, and diverting only an item whose centre is in front of
// its face.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LineFile } from '../../physics/model.ts';
import { rig, runUntil } from './harness.ts';
import type { Rig } from './harness.ts';

// Belt 2 m at 1 m/s (instant drive): an item's centre moves 1 mm per step. Face at 1.0 m,
// 0.1 m wide: centres in [0.95, 1.05] m are diverted. minGap 5 m keeps a second item away.
const LINE: LineFile = {
  name: 'push',
  dt: 0.001,
  seed: 11,
  components: [
    { id: 'm', type: 'drive', tau: 1e-9 },
    { id: 'c', type: 'conveyor', length: 2, beltSpeed: 1, drive: 'm', next: 'end' },
    { id: 's', type: 'source', conveyor: 'c', rate: 1, minGap: 5, itemLength: 0.2 },
    { id: 'p', type: 'pusher', conveyor: 'c', position: 1.0, width: 0.1, extendTime: 0.4, retractTime: 0.25, bin: 'side' },
    { id: 'side', type: 'bin' },
    { id: 'end', type: 'bin' },
  ],
};

/** Steps until `signal` first reads `value`. */
function stepsUntil(r: Rig, signal: string, value: number): number {
  let n = 0;
  while (r.get(signal) !== value) {
    r.run(1);
    n++;
    assert.ok(n < 10_000, `${signal} never became ${value}`);
  }
  return n;
}

test('stroke takes extendTime out and retractTime back; end switches at the ends only', () => {
  const r = rig(LINE);
  assert.is(r.get('p.retracted'), 1);
  assert.is(r.get('p.extended'), 0);
  r.set('p.extend', 1);
  r.run(1);
  assert.is(r.get('p.retracted'), 0, 'leaves the rear end switch at once');
  // 0.4 s / 1 ms = 400 steps to full stroke (one already done).
  assert.is(1 + stepsUntil(r, 'p.extended', 1), 400);
  assert.is(r.get('p.position'), 1);
  r.set('p.extend', 0);
  // 0.25 s / 1 ms = 250 steps back.
  assert.is(stepsUntil(r, 'p.retracted', 1), 250);
  assert.is(r.get('p.extended'), 0);
  assert.is(r.get('p.position'), 0);
});

test('the valve reverses a stroke in mid travel', () => {
  const r = rig(LINE);
  r.set('p.extend', 1);
  r.run(100); // 100/400 = 0.25 of the stroke
  assert.ok(Math.abs(r.get('p.position') - 0.25) < 1e-12);
  r.set('p.extend', 0);
  r.run(25); // back at 1/250 per step: 0.25 - 0.1 = 0.15
  assert.ok(Math.abs(r.get('p.position') - 0.15) < 1e-12);
});

/** Run until the first item is placed, move it `n` mm further, stop the belt, push. */
function pushAt(n: number): Rig {
  const r = rig(LINE);
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  runUntil(r, () => r.get('c.items') === 1, 100_000);
  // Placed with centre at 0.1 m; after n steps the centre is at 0.1 + n mm.
  r.run(n);
  r.set('m.run', 0); // tau << dt: the belt stands still from the next step on
  r.run(1);
  r.set('p.extend', 1);
  r.run(400);
  return r;
}

test('diverts an item centred on the face', () => {
  const r = pushAt(900); // centre 1.000 m
  assert.is(r.get('side.count'), 1);
  // The belt emptied, so the source may have placed the next item at the start already.
  assert.is(r.get('line.items'), r.get('line.created') - 1);
  assert.ok(r.model.inspectItems().every((i) => i.front < 0.5), 'no item left at the face');
});

test('diverts an item whose centre is just inside the face edge', () => {
  const r = pushAt(949); // centre 1.049 m <= 1.05 m
  assert.is(r.get('side.count'), 1);
});

test('leaves an item whose centre is outside the face, even if it overlaps it', () => {
  const r = pushAt(960); // centre 1.06 m: the item spans 0.96..1.16 m but its centre is past 1.05
  assert.is(r.get('side.count'), 0);
  assert.is(r.get('c.items'), 1);
  const before = pushAt(830); // centre 0.93 m, short of 0.95
  assert.is(before.get('side.count'), 0);
});

test('diverts at half stroke, not before', () => {
  const r = rig(LINE);
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  runUntil(r, () => r.get('c.items') === 1, 100_000);
  r.run(900);
  r.set('m.run', 0);
  r.run(1);
  r.set('p.extend', 1);
  r.run(199); // 199/400 < 0.5
  assert.is(r.get('side.count'), 0);
  r.run(1); // 200/400 = 0.5
  assert.is(r.get('side.count'), 1);
});

test('a re-sync to an end (setStroke) shows on the outputs at the next step, pusher and cylinder', () => {
  // The shadow twin snaps a pusher or cylinder to the end its real end switch reports; a part at
  // rest at that end must still publish its new position and end switch.
  const r = rig({ ...LINE, components: [...LINE.components, { id: 'k', type: 'compressor', initialPressure: 6 }, { id: 'cy', type: 'cylinder', air: 'k', valveTime: 0 }] });
  r.set('p.extend', 1);
  r.set('cy.extend', 1);
  r.run(100); // both part way out
  assert.ok(r.get('p.position') > 0 && r.get('p.position') < 1, `pusher at ${r.get('p.position')}`);
  assert.ok(r.get('cy.position') > 0 && r.get('cy.position') < 1, `cylinder at ${r.get('cy.position')}`);
  assert.ok(r.model.setStroke('p', 1));
  assert.ok(r.model.setStroke('cy', 1));
  r.run(1);
  assert.is(r.get('p.position'), 1);
  assert.is(r.get('p.extended'), 1);
  assert.is(r.get('cy.position'), 1);
  assert.is(r.get('cy.extended'), 1);
  // And back: retracted by re-sync while the valve still says retract.
  r.set('p.extend', 0);
  r.set('cy.extend', 0);
  r.run(50);
  assert.ok(r.model.setStroke('p', 0));
  assert.ok(r.model.setStroke('cy', 0));
  r.run(1);
  assert.is(r.get('p.retracted'), 1);
  assert.is(r.get('p.position'), 0);
  assert.is(r.get('cy.retracted'), 1);
  assert.is(r.get('cy.position'), 0);
});

test.run();
