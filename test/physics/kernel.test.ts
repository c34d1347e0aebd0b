// Step kernels compiled per model (physics/kernel.ts): each model gets its own closure over its
// own arrays, so models built side by side in one process never step each other's state, and
// two models stepped in alternation give exactly the values each gives alone.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { specialize } from '../../physics/kernel.ts';
import type { LineFile } from '../../physics/model.ts';
import { driveFurnaceLine, hashValues, rig } from './harness.ts';

function counterKernel(cells: Float64Array, by: number): () => number {
  return function count(): number {
    cells[0] += by;
    return cells[0]!;
  };
}

test('specialize: each call compiles a fresh closure over the arrays it was given', () => {
  const a = new Float64Array(1);
  const b = new Float64Array(1);
  const ka = specialize(counterKernel, a, 1);
  const kb = specialize(counterKernel, b, 10);
  assert.is.not(ka, kb);
  ka();
  ka();
  kb();
  assert.is(a[0], 2);
  assert.is(b[0], 10);
  assert.is(ka(), 3);
});

test('two furnace-line models stepped in alternation match the same models stepped alone', () => {
  const line = parse(readFileSync(new URL('../../examples/furnace.yaml', import.meta.url), 'utf8')) as LineFile;
  const steps = 3000;
  const alone = rig(line);
  driveFurnaceLine(alone);
  alone.run(steps);
  const expected = hashValues(alone.values);

  // The second model slower: other commands, so the two differ if either stepped the other's arrays.
  const slow = rig(line);
  driveFurnaceLine(slow);
  slow.set('fz1.power', 30);
  slow.run(steps);
  const expectedSlow = hashValues(slow.values);
  assert.is.not(expected, expectedSlow, 'the two runs differ');

  const a = rig(line);
  const b = rig(line);
  driveFurnaceLine(a);
  driveFurnaceLine(b);
  b.set('fz1.power', 30);
  for (let i = 0; i < steps; i++) {
    a.model.step();
    b.model.step();
  }
  assert.is(hashValues(a.values), expected);
  assert.is(hashValues(b.values), expectedSlow);
});

test.run();
