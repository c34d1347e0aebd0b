// Step kernels (physics/kernel.ts): a model starts on the kernels' shared code and compiles its
// own copies after COMPILE_WORK component-steps. Either way the values are the same, models
// built side by side never step each other's state, and two models stepped in alternation give
// exactly the values each gives alone.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { specialize } from '../../physics/kernel.ts';
import { COMPILE_WORK } from '../../physics/model.ts';
import type { ComponentConfig, LineFile } from '../../physics/model.ts';
import { driveFurnaceLine, hashValues, rig } from './harness.ts';

function counterKernel(cells: Float64Array, by: number, times: number): void {
  for (let i = 0; i < times; i++) cells[0] += by;
}

test('specialize: each call compiles a fresh closure over the arguments bound to it', () => {
  const a = new Float64Array(1);
  const b = new Float64Array(1);
  const ka = specialize<[times: number]>(counterKernel, {}, a, 1);
  const kb = specialize<[times: number]>(counterKernel, {}, b, 10);
  assert.is.not(ka, kb);
  ka(2);
  kb(1);
  ka(1);
  assert.is(a[0], 3);
  assert.is(b[0], 10);
});

test('specialize: a kernel that is not a plain function is refused with a clear error', () => {
  const arrow = (cells: Float64Array): void => {
    cells[0] = 1;
  };
  assert.throws(() => specialize<[]>(arrow, {}, new Float64Array(1)), /KERNEL_SOURCE|plain function/);
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

  // One on its own compiled kernels, one on the shared code.
  const a = rig(line);
  const b = rig(line);
  a.model.compileKernels();
  assert.ok(a.model.kernelsCompiled);
  assert.not.ok(b.model.kernelsCompiled);
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

test('a model compiles its own kernels after COMPILE_WORK component-steps, values unchanged', () => {
  const components: ComponentConfig[] = [];
  for (let d = 0; d < 2000; d++) components.push({ id: `m${d}`, type: 'drive', rampUp: 1 + (d % 7) * 0.1 });
  const line: LineFile = { name: 'drives', dt: 0.001, seed: 1, components };
  const at = COMPILE_WORK / components.length;
  const early = rig(line);
  const auto = rig(line);
  early.model.compileKernels();
  for (const r of [early, auto]) {
    for (let d = 0; d < components.length; d++) {
      r.set(`m${d}.run`, 1);
      r.set(`m${d}.setpoint`, 20 + (d % 30));
    }
  }
  for (let i = 1; i <= at + 500; i++) {
    early.model.step();
    auto.model.step();
    if (i === at - 1) assert.not.ok(auto.model.kernelsCompiled, 'shared code before the threshold');
    if (i === at) assert.ok(auto.model.kernelsCompiled, 'own kernels from the threshold');
  }
  assert.is(hashValues(auto.values), hashValues(early.values));
});

for (const example of ['sorting', 'furnace', 'assembly']) {
  test(`${example} line: its own compiled kernels give the values of the shared code, bit for bit`, () => {
    const line = parse(readFileSync(new URL(`../../examples/${example}.yaml`, import.meta.url), 'utf8')) as LineFile;
    const own = rig(line);
    const sharedCode = rig(line);
    own.model.compileKernels();
    for (const r of [own, sharedCode]) {
      for (const c of line.components) {
        for (const [field, v] of [['run', 1], ['setpoint', 50], ['enable', 1], ['open', 1], ['power', 60], ['command', 50]] as const) {
          if (r.has(`${c.id}.${field}`)) r.set(`${c.id}.${field}`, v);
        }
      }
    }
    const extend = line.components.filter((c) => own.has(`${c.id}.extend`)).map((c) => `${c.id}.extend`);
    for (let i = 0; i < 4000; i++) {
      // Pushers and cylinders stroke out and back, so their kernels move too.
      if (i % 500 === 0) for (const name of extend) for (const r of [own, sharedCode]) r.set(name, (i / 500) % 2);
      own.model.step();
      sharedCode.model.step();
    }
    assert.ok(own.model.kernelsCompiled);
    assert.not.ok(sharedCode.model.kernelsCompiled);
    assert.is(hashValues(own.values), hashValues(sharedCode.values));
  });
}

test.run();
