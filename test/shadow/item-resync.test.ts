// Item re-synchronisation on a real ItemPool (physics/item-resync.ts): the nearest item within
// the capture distance is moved onto the photo-eye, never past its neighbours; with none near,
// one is placed behind the rear-most item, or nothing when there is no room.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ItemPool } from '../../physics/items.ts';
import { ALIGN_MOVED, ALIGN_NONE, ALIGN_PLACED, alignItemOnConveyor } from '../../physics/item-resync.ts';

function pool(fronts: number[]): ItemPool {
  const p = new ItemPool(Float64Array.of(3), Int32Array.of(-1), 0.2, new Float64Array(1), Int32Array.of(0));
  const g = new Float64Array(3);
  // Fronts from the front-most: the ring holds them in that order (add puts each at the rear).
  for (const f of fronts) {
    g[0] = f;
    g[1] = 0.2;
    g[2] = 0.1;
    p.add(0, g, 0, 0);
  }
  return p;
}
const fronts = (p: ItemPool): number[] => Array.from({ length: p.count[0]! }, (_, k) => Number(p.front[p.at(0, k)]!.toFixed(6)));
const g = Float64Array.of(0, 0.2, 0.15);

test('moves the nearest item within capture onto the eye', () => {
  const p = pool([2.5, 1.6, 0.7]);
  assert.is(alignItemOnConveyor(p, 0, 1.5, 0.3, g, 0), ALIGN_MOVED);
  assert.equal(fronts(p), [2.5, 1.5, 0.7]);
  assert.is(alignItemOnConveyor(p, 0, 1.5, 0.3, g, 0), ALIGN_NONE, 'already there');
});

test('never past a neighbour', () => {
  const p = pool([1.0, 0.7]);
  assert.is(alignItemOnConveyor(p, 0, 0.95, 0.3, g, 0), ALIGN_MOVED);
  // The front-most is nearest to 0.95 (0.05 away) and moves; the other stays behind it.
  assert.equal(fronts(p), [0.95, 0.7]);
  const q = pool([1.0, 0.7]);
  // Pull the rear item forward to 0.9: it stops at the front item's rear (0.8).
  assert.is(alignItemOnConveyor(q, 0, 0.82, 0.15, g, 0), ALIGN_MOVED);
  assert.equal(fronts(q), [1.0, 0.8]);
});

test('places an item when none is near and there is room behind the rear-most', () => {
  const p = pool([2.5]);
  assert.is(alignItemOnConveyor(p, 0, 0.5, 0.3, g, 1), ALIGN_PLACED);
  assert.equal(fronts(p), [2.5, 0.5]);
  assert.is(p.cls[p.at(0, 1)], 1);
  assert.ok(Math.abs(p.height[p.at(0, 1)]! - 0.15) < 1e-12);
  // No room: an item ahead of the rear-most's rear cannot be inserted at the ring's rear.
  const q = pool([1.0, 0.3]);
  assert.is(alignItemOnConveyor(q, 0, 2.0, 0.3, g, 0), ALIGN_NONE);
});

test.run();
