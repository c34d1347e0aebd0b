// The item pool on its own: ring order across wrap-around, removal from the middle, coverage
// lookups including the rear of an item handed over, the item counts written through, and the
// per-lane head slot and offset the belt step reads.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ItemPool } from '../../physics/items.ts';

/** Two conveyors, 1 m then 2 m; 0.2 m items: rings of floor(1/0.2)+2 = 7 and 12 slots. */
function pool(): { p: ItemPool; values: Float64Array } {
  const values = new Float64Array(4);
  const p = new ItemPool(Float64Array.of(1, 2), Int32Array.of(1, -1), 0.2, values, Int32Array.of(2, 3));
  return { p, values };
}

function add(p: ItemPool, c: number, front: number, length: number, height: number, cls: number): number {
  return p.add(c, Float64Array.of(front, length, height), 0, cls);
}

function fronts(p: ItemPool, c: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < p.count[c]!; k++) out.push(p.front[p.at(c, k)]!);
  return out;
}

test('capacity follows the conveyor lengths and the shortest item', () => {
  const { p } = pool();
  assert.is(p.capacity, 7 + 12);
});

test('front-most first, across ring wrap-around; counts written through', () => {
  const { p, values } = pool();
  // Cycle 20 items through conveyor 0 (ring of 7), three on it at a time.
  let next = 0.9;
  for (let i = 0; i < 3; i++) add(p, 0, next - 0.3 * i, 0.2, 0.1, 0);
  for (let i = 0; i < 20; i++) {
    p.removeAt(0, 0);
    add(p, 0, 0.2, 0.2, 0.1, i % 2);
    next = 0.2;
  }
  assert.is(p.count[0], 3);
  assert.is(values[2], 3);
  assert.is(p.aliveCount, 3);
  assert.equal(fronts(p, 0), [0.2, 0.2, 0.2]);
});

test('removeAt from the middle keeps the order and frees the slot', () => {
  const { p, values } = pool();
  for (const f of [0.9, 0.6, 0.3]) add(p, 0, f, 0.2, 0.1, 0);
  p.removeAt(0, 1);
  assert.equal(fronts(p, 0), [0.9, 0.3]);
  assert.is(values[2], 2);
  assert.is(p.aliveCount, 2);
  assert.ok(add(p, 0, 0.2, 0.2, 0.1, 0) >= 0);
});

test('coverAt: rear <= x <= front, and the rear of an item on the next conveyor', () => {
  const { p } = pool();
  add(p, 0, 0.6, 0.2, 0.1, 0); // covers 0.4 .. 0.6
  const s = add(p, 1, 0.05, 0.2, 0.1, 0); // on conveyor 1; its rear hangs back to 0.85 on conveyor 0
  assert.is(p.coverAt(0, 0.4), p.at(0, 0));
  assert.is(p.coverAt(0, 0.6), p.at(0, 0));
  assert.is(p.coverAt(0, 0.39), -1);
  assert.is(p.coverAt(0, 0.7), -1);
  assert.is(p.coverAt(0, 0.85), s);
  assert.is(p.coverAt(0, 0.84), -1);
  assert.is(p.coverAt(1, 0.05), s);
});

test('transferFront moves the front item to the rear of the next conveyor', () => {
  const { p, values } = pool();
  add(p, 1, 0.5, 0.2, 0.1, 0);
  add(p, 0, 1.25, 0.2, 0.1, 1);
  assert.ok(p.transferFront(0, 1));
  // 1.25 m on a 1 m conveyor: 0.25 m onto the next.
  assert.equal(fronts(p, 1), [0.5, 0.25]);
  assert.is(p.count[0], 0);
  assert.equal([values[2], values[3]], [0, 2]);
  assert.is(p.cls[p.at(1, 1)], 1);
});

test('add refuses when a ring is full', () => {
  const { p } = pool();
  for (let i = 0; i < 7; i++) assert.ok(add(p, 0, 1 - 0.1 * i, 0.05, 0.1, 0) >= 0);
  assert.is(add(p, 0, 0.2, 0.2, 0.1, 0), -1);
});

test('headSlot is always the front-most item of each lane (-1 when empty), through every ring operation', () => {
  const { p } = pool();
  // A fixed pseudo-random sequence of adds, hand-overs, removals (front and middle) and clears.
  let seed = 12345;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const check = (at: string): void => {
    for (let c = 0; c < 2; c++) {
      const want = p.count[c]! > 0 ? p.at(c, 0) : -1;
      if (p.headSlot[c] !== want) assert.unreachable(`${at}: lane ${c} headSlot ${p.headSlot[c]}, front-most item ${want}`);
    }
  };
  check('new');
  let ops = 0;
  for (let i = 0; i < 5000; i++) {
    const r = rnd();
    const c = rnd() < 0.5 ? 0 : 1;
    if (r < 0.45) add(p, c, 0.2, 0.2, 0.1, 0);
    else if (r < 0.65 && p.count[0]! > 0) p.transferFront(0, 1);
    else if (r < 0.8 && p.count[c]! > 0) p.removeAt(c, 0);
    else if (r < 0.95 && p.count[c]! > 1) p.removeAt(c, 1 + Math.floor(rnd() * (p.count[c]! - 1)));
    else if (r >= 0.995) p.clear();
    else continue;
    ops++;
    check(`op ${i}`);
  }
  assert.ok(ops > 3000, `${ops} operations`);
});

test('normalize folds a lane offset into its fronts without moving any front', () => {
  const { p } = pool();
  add(p, 1, 0.9, 0.2, 0.1, 0);
  add(p, 1, 0.4, 0.2, 0.1, 0);
  p.offset[1] = 0.123456789;
  const before = [0, 1].map((k) => p.frontOf(1, p.at(1, k)));
  p.normalize(1);
  assert.is(p.offset[1], 0);
  assert.equal([0, 1].map((k) => p.frontOf(1, p.at(1, k))), before);
  assert.equal(fronts(p, 1), before);
  // Adding to a lane first folds its offset in, so the new item's front is written exactly.
  p.offset[1] = 0.5;
  add(p, 1, 0.2, 0.2, 0.1, 0);
  assert.is(p.offset[1], 0);
  assert.is(p.frontOf(1, p.at(1, 2)), 0.2);
});

test.run();
