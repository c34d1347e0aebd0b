// Photo-eyes and classifiers: blocked exactly while an item's extent covers their position,
// edge ticks computed by hand; the height curtain reports the covering item's height.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LineFile } from '../../physics/model.ts';
import { rig, runUntil } from './harness.ts';

// Belt a: 2 m at 1 m/s with an instant drive, so an item's front moves exactly 1 mm per step.
function line(height: number): LineFile {
  return {
    name: 'eyes',
    dt: 0.001,
    seed: 3,
    components: [
      { id: 'm', type: 'drive', tau: 1e-9 },
      { id: 'a', type: 'conveyor', length: 2, beltSpeed: 1, drive: 'm', next: 'b' },
      { id: 'b', type: 'conveyor', length: 1, beltSpeed: 1, drive: 'm', next: 'k' },
      { id: 'k', type: 'bin' },
      { id: 's', type: 'source', conveyor: 'a', rate: 1, minGap: 5, itemLength: 0.2, classes: [{ name: 'x', height, probability: 1 }] },
      { id: 'e1', type: 'photoeye', conveyor: 'a', position: 0.5005 },
      { id: 'e2', type: 'photoeye', conveyor: 'a', position: 1.9995 },
      { id: 'h1', type: 'classifier', conveyor: 'a', position: 0.5005, threshold: 0.1 },
      { id: 'h2', type: 'classifier', conveyor: 'a', position: 0.5005, threshold: 0.2 },
    ],
  };
}

/**
 * Steps (counted from the first item's placement) at which `signal` reads 1, as first and last.
 * Watches 1700 steps for eyes at 0.5 m and 2500 near the end: a second item is only placed once
 * the first has left a (n >= 1800), and needs 300+ more steps to reach 0.5 m.
 */
function blockedSpan(height: number, signal: string, window = 1700): { first: number; last: number; heights: Set<number> } {
  const r = rig(line(height));
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  const t0 = runUntil(r, () => r.get('a.items') === 1, 100_000);
  let first = -1;
  let last = -1;
  const heights = new Set<number>();
  for (let n = 1; n <= window; n++) {
    r.run(1);
    if (r.get(signal) === 1) {
      if (first < 0) first = n;
      last = n;
    }
    heights.add(r.get('h1.height'));
  }
  assert.ok(r.model.tick === t0 + window);
  return { first, last, heights };
}

test('photo-eye is blocked exactly while rear <= position <= front', () => {
  // Placed at step t0 with rear 0, front 0.2 m; after n more steps front = 0.2 + n mm,
  // rear = n mm. Blocked iff n mm <= 500.5 mm <= 200 + n mm, i.e. 300.5 <= n <= 500.5:
  // rising edge at n = 301, last blocked step n = 500.
  const { first, last } = blockedSpan(0.15, 'e1.blocked');
  assert.is(first, 301);
  assert.is(last, 500);
});

test('photo-eye near the end still sees the rear of an item handed over to the next belt', () => {
  // 1999.5 mm: blocked for 1799.5 <= n <= 1999.5 → steps 1800..1999. The front leaves a at
  // n = 1800/1801, so the last 199 blocked steps come from the item's rear hanging back from b.
  const { first, last } = blockedSpan(0.15, 'e2.blocked', 2500);
  assert.is(first, 1800);
  assert.is(last, 1999);
});

test('classifier reports the height under it and high above its threshold', () => {
  const tall = blockedSpan(0.15, 'h1.high');
  assert.is(tall.first, 301);
  assert.is(tall.last, 500);
  assert.equal([...tall.heights].sort(), [0, 0.15]);
  // Threshold 0.2 m: the same item is not high.
  assert.is(blockedSpan(0.15, 'h2.high').first, -1);
  // A 0.05 m item is below h1's 0.1 m threshold.
  const low = blockedSpan(0.05, 'h1.high');
  assert.is(low.first, -1);
  assert.equal([...low.heights].sort(), [0, 0.05]);
});

test.run();
