// Determinism of the demo line under the hand-written controller: same seed, same trace (a
// hash of every value every 100 steps); another seed, another trace; reset() repeats it.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hashValues, rig, sortingLine } from './harness.ts';
import type { Rig } from './harness.ts';
import { SortingController, runControlled } from './sorting-controller.ts';

const STEPS = 60_000; // one simulated minute

function trace(r: Rig): number[] {
  const c = new SortingController(r);
  const hashes: number[] = [];
  runControlled(r, c, STEPS, 10, (tick) => {
    if (tick % 100 === 0) hashes.push(hashValues(r.values));
  });
  assert.ok(c.pushes > 0, 'the minute includes pushes');
  return hashes;
}

test('same seed and controller give bit-identical traces', () => {
  const a = trace(rig(sortingLine()));
  const b = trace(rig(sortingLine()));
  assert.is(a.length, STEPS / 100);
  assert.equal(a, b);
});

test('a different seed gives a different trace', () => {
  const a = trace(rig(sortingLine()));
  const other = { ...sortingLine(), seed: 43 };
  const b = trace(rig(other));
  assert.not.equal(a, b);
});

test('reset() reproduces the first trace', () => {
  const r = rig(sortingLine());
  const a = trace(r);
  r.model.reset();
  assert.is(r.model.tick, 0);
  assert.is(r.model.time, 0);
  const b = trace(r);
  assert.equal(a, b);
});

test.run();
