// Conveyor kinematics: travel time, hand-over with the remainder carried, accumulation without
// overlap behind a stopped belt, delivery into a bin and dropping off an open end.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LineFile } from '../../physics/model.ts';
import { rig, runUntil } from './harness.ts';

// tau far below dt: the drive speed equals its command from the first step, so belts run at
// exactly beltSpeed and distances per step are exact multiples of v dt.
const INSTANT = { tau: 1e-9 };

function twoBelts(opts: { bSpeed?: number; rate?: number; minGap?: number } = {}): LineFile {
  return {
    name: 'belts',
    dt: 0.001,
    seed: 7,
    components: [
      { id: 'm1', type: 'drive', ...INSTANT },
      { id: 'm2', type: 'drive', ...INSTANT },
      { id: 'a', type: 'conveyor', length: 2, beltSpeed: 0.5, drive: 'm1', next: 'b' },
      { id: 'b', type: 'conveyor', length: 2, beltSpeed: opts.bSpeed ?? 0.5, drive: 'm2', next: 'k' },
      { id: 's', type: 'source', conveyor: 'a', rate: opts.rate ?? 1, minGap: opts.minGap ?? 0.5, itemLength: 0.2 },
      { id: 'k', type: 'bin' },
    ],
  };
}

function start(r: ReturnType<typeof rig>, drives: string[]): void {
  for (const d of drives) {
    r.set(`${d}.run`, 1);
    r.set(`${d}.setpoint`, 50);
  }
}

test('travel time over a conveyor is length / speed within one tick', () => {
  const r = rig(twoBelts());
  start(r, ['m1', 'm2']);
  const enter = runUntil(r, () => r.get('b.items') >= 1, 60_000);
  const leave = runUntil(r, () => r.get('k.count') >= 1, 60_000);
  // The item enters b with its front r in (0, dx], dx = 0.5 m/s * 1 ms = 0.5 mm, and leaves
  // when its front passes 2 m: after ceil((2 - r)/dx) = 4000 steps; 2 m / 0.5 m/s = 4 s.
  const steps = leave - enter;
  assert.ok(Math.abs(steps - 4000) <= 1, `took ${steps} steps, expected 4000 +- 1`);
});

test('hand-over carries the remainder onto the next conveyor', () => {
  const r = rig(twoBelts({ bSpeed: 0.25 }));
  start(r, ['m1', 'm2']);
  runUntil(r, () => r.get('a.items') >= 1, 60_000);
  let before = r.model.inspectItems()[0]!;
  while (r.get('b.items') === 0) {
    before = r.model.inspectItems()[0]!;
    r.run(1);
  }
  const after = r.model.inspectItems().find((i) => i.conveyor === 'b')!;
  assert.is(before.conveyor, 'a');
  // The front moved one step of a's speed (0.5 mm) and the 2 m of a are subtracted.
  assert.ok(Math.abs(after.front - (before.front + 0.0005 - 2)) < 1e-12, `front on b ${after.front}`);
  assert.ok(after.front > 0 && after.front <= 0.0005 + 1e-12);
  assert.is(after.length, 0.2);
  assert.is(r.get('b.items'), 1);
  // Now on b, the item moves at b's speed: 0.25 m/s * 1 ms = 0.25 mm per step.
  r.run(1);
  const next = r.model.inspectItems().find((i) => i.conveyor === 'b')!;
  assert.ok(Math.abs(next.front - after.front - 0.00025) < 1e-12);
});

test('accumulation: behind a stopped belt items stop touching, never overlapping', () => {
  // b stays stopped. The first item crosses onto b (room: b is empty) and stops there; every
  // later item on a stops with its front exactly at the rear of the one ahead.
  const r = rig(twoBelts({ rate: 20, minGap: 0.05 }));
  start(r, ['m1']);
  let sawBlocked = false;
  for (let t = 0; t < 12_000; t += 10) {
    r.run(10);
    const items = r.model.inspectItems();
    const onA = items.filter((i) => i.conveyor === 'a');
    for (let k = 1; k < onA.length; k++) {
      const gap = onA[k - 1]!.front - onA[k - 1]!.length - onA[k]!.front;
      assert.ok(gap >= -1e-12, `overlap of ${-gap} m at tick ${r.model.tick}`);
    }
    if (r.get('s.blocked') === 1) sawBlocked = true;
  }
  const items = r.model.inspectItems();
  const onB = items.filter((i) => i.conveyor === 'b');
  const onA = items.filter((i) => i.conveyor === 'a');
  assert.is(onB.length, 1);
  assert.ok(onB[0]!.front > 0 && onB[0]!.front <= 0.0005 + 1e-12);
  // b's item hangs back to 2 + r - 0.2 = ~1.8 m on a; fronts on a at 1.8, 1.6, ... 0.4 m, all
  // touching: 8 items. A 9th needs the last rear (0.2 m) at itemLength + minGap = 0.25 m: blocked.
  assert.is(onA.length, 8);
  assert.ok(Math.abs(2 + onB[0]!.front - onB[0]!.length - onA[0]!.front) < 1e-12, 'first item on a touches the one on b');
  for (let k = 1; k < onA.length; k++) {
    const gap = onA[k - 1]!.front - onA[k - 1]!.length - onA[k]!.front;
    assert.ok(Math.abs(gap) < 1e-12, `gap ${gap} between items ${k - 1} and ${k}`);
  }
  assert.ok(sawBlocked, 'the source found the belt full');
  // Standing still: nothing moves while b is stopped.
  const snapshot = JSON.stringify(r.model.inspectItems());
  r.run(200);
  assert.is(JSON.stringify(r.model.inspectItems()), snapshot);
  // Start b: the queue drains into the bin, nothing lost.
  start(r, ['m2']);
  r.run(20_000);
  assert.is(r.get('k.count') + r.get('line.items'), r.get('line.created'));
  assert.ok(r.get('k.count') > 20);
});

test('items are counted into the bin when their front passes the end', () => {
  const r = rig(twoBelts());
  start(r, ['m1', 'm2']);
  runUntil(r, () => r.get('b.items') >= 1, 60_000);
  let prev = r.model.inspectItems().find((i) => i.conveyor === 'b')!;
  while (r.get('k.count') === 0) {
    prev = r.model.inspectItems().find((i) => i.conveyor === 'b')!;
    r.run(1);
  }
  // The step that delivered it moved the front from <= 2 m to > 2 m.
  assert.ok(prev.front <= 2 && prev.front + 0.0005 > 2, `front was ${prev.front}`);
  assert.is(r.model.inspectItems().filter((i) => i.conveyor === 'b' && i.front > 1.9).length, 0);
  assert.is(r.get('k.wrong'), 0);
});

test('a free belt moves its items together: each front advances by v dt per step, spacing kept exactly', () => {
  // The belt adds each step's run to one lane offset instead of to every item (items.ts
  // ItemPool.offset): fronts must still advance by v dt per step, and the distances between
  // items, which no step changes, stay exactly what they were.
  const r = rig(twoBelts({ rate: 5, minGap: 0.1 }));
  start(r, ['m1', 'm2']);
  runUntil(r, () => r.get('a.items') >= 3, 60_000);
  const onA = (): number[] => r.model.inspectItems().filter((i) => i.conveyor === 'a').map((i) => i.front);
  const first = onA();
  const gaps = first.slice(1).map((x, k) => first[k]! - x);
  let prev = first;
  for (let k = 0; k < 200; k++) {
    r.run(1);
    const now = onA();
    if (now.length !== prev.length) break;
    for (let j = 0; j < now.length; j++) assert.ok(Math.abs(now[j]! - prev[j]! - 0.0005) < 1e-12, `item ${j} moved ${now[j]! - prev[j]!} m`);
    prev = now;
  }
  const last = onA().slice(0, first.length);
  last.slice(1).forEach((x, k) => assert.ok(Math.abs(last[k]! - x - gaps[k]!) < 1e-12, `gap ${k}: ${last[k]! - x} vs ${gaps[k]}`));
});

test('an item held at the end of a belt stands at the belt length exactly: a photo-eye there sees it', () => {
  // The machine takes the first item and works on it for 100 s; the next item on the belt is
  // held with its front at the end, written as the length itself (never as an offset sum that
  // could round a hair short of it), so an eye at exactly 2 m is blocked the whole time.
  const line: LineFile = {
    name: 'held',
    dt: 0.001,
    seed: 3,
    components: [
      { id: 'm1', type: 'drive', ...INSTANT },
      { id: 'a', type: 'conveyor', length: 2, beltSpeed: 0.5, drive: 'm1', next: 'mc' },
      { id: 's', type: 'source', conveyor: 'a', rate: 5, minGap: 0.1, itemLength: 0.2 },
      { id: 'mc', type: 'machine', cycleTime: 100 },
      { id: 'pe', type: 'photoeye', conveyor: 'a', position: 2 },
    ],
  };
  const r = rig(line);
  start(r, ['m1']);
  runUntil(r, () => r.get('mc.items') === 1, 60_000);
  runUntil(r, () => r.model.inspectItems().some((i) => i.conveyor === 'a' && i.front === 2), 10_000);
  for (let k = 0; k < 2_000; k++) {
    r.run(1);
    const held = r.model.inspectItems().filter((i) => i.conveyor === 'a')[0]!;
    assert.is(held.front, 2);
    assert.is(r.get('pe.blocked'), 1);
  }
});

test('a conveyor without next drops items and counts them', () => {
  const line: LineFile = {
    name: 'drop',
    components: [
      { id: 'm', type: 'drive', ...INSTANT },
      { id: 'c', type: 'conveyor', length: 1, beltSpeed: 1, drive: 'm' },
      { id: 's', type: 'source', conveyor: 'c', rate: 5, minGap: 0.1, itemLength: 0.1 },
    ],
  };
  const r = rig(line);
  start(r, ['m']);
  r.run(10_000);
  assert.ok(r.get('c.dropped') > 10);
  assert.is(r.get('c.dropped') + r.get('line.items'), r.get('line.created'));
  assert.is(r.get('c.items'), r.get('line.items'));
  assert.is(r.get('c.speed'), 1);
});

test.run();
