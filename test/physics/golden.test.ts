// Golden traces: hashes of every value of the model, every 2 000 steps, for fixed runs of a
// drive-heavy line (ramps, reverse, stops, jams that trip the overload relay, resets, wear and
// cooling faults), the demo line and the furnace line. Recorded on the code before a change that
// must not alter any value (a faster path through a loop); any bit that moves fails here. A change
// meant to alter the physics updates the hashes in the same commit, and says why. (V8's Math.exp,
// log and cos are fdlibm ports, the same on every x86-64 machine; a Node upgrade that changed
// them would show here first.)

import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import type { ComponentConfig, LineFile } from '../../physics/model.ts';
import { driveFurnaceLine, hashValues, rig, sortingLine } from './harness.ts';
import type { Rig } from './harness.ts';

function drivesLine(): LineFile {
  const components: ComponentConfig[] = [];
  for (let g = 0; g < 6; g++) {
    components.push(
      { id: `m${g}`, type: 'drive', rampUp: g % 2 === 0 ? 0 : 0.5 + g * 0.1, rampDown: g % 3 === 0 ? 0 : 0.4, tau: 0.05 + 0.02 * g, overloadTime: 2, loadPerItem: 0.05 * g },
      { id: `c${g}`, type: 'conveyor', length: 2, beltSpeed: 0.5, drive: `m${g}` },
      { id: `s${g}`, type: 'source', conveyor: `c${g}`, rate: 1 + g * 0.3, minGap: 0.1, itemLength: 0.2 },
    );
  }
  return { name: 'drives', dt: 0.001, seed: 11, components };
}

function trace(r: Rig, steps: number, each: (k: number) => void): number[] {
  const out: number[] = [];
  for (let k = 0; k < steps; k++) {
    each(k);
    r.model.step();
    if ((k + 1) % 2_000 === 0) out.push(hashValues(r.values));
  }
  return out;
}

function driveDrives(r: Rig, k: number): void {
  for (let g = 0; g < 6; g++) {
    const phase = Math.floor((k + g * 1_300) / 3_000) % 4;
    r.set(`m${g}.run`, phase === 3 ? 0 : 1);
    r.set(`m${g}.setpoint`, phase === 1 ? 25 + g : 50);
    r.set(`m${g}.reverse`, g === 5 && phase === 2 ? 1 : 0);
    r.set(`m${g}.reset`, k % 7_000 < 50 ? 1 : 0);
  }
  if (k === 5_000) r.model.injectFault({ target: 'component', component: 'c2', kind: 'jam' });
  if (k === 9_000) r.model.injectFault({ target: 'component', component: 'm3', kind: 'bearing-wear', severity: 0.8 });
  if (k === 11_000) r.model.injectFault({ target: 'component', component: 'm4', kind: 'cooling-lost', severity: 0.5 });
  if (k === 14_000) for (const f of r.model.faults()) if (f.spec.target === 'component' && f.spec.kind === 'jam') r.model.clearFault(f.id);
}

const GOLDEN: Record<string, number[]> = {
  drives: [2032311075, 1713178212, 3343130102, 394653376, 1266719300, 4142148074, 758815944, 2868847397, 2283231415, 2389344586, 2796540769, 3750081036],
  sorting: [1311044184, 1087091568, 3566277365, 3923942618, 1793463416, 3002915246, 1908508562, 151965706, 4065372396, 4083548598],
  // Furnace: re-recorded twice, each time comparing every signal of the run with the code before:
  // transmitter noise from Box-Muller to the ziggurat (rng.ts: only the transmitters' readings
  // changed), then drive temperature, wear and vibration in the process slice (only those changed).
  furnace: [2663083497, 1787447850, 807966549, 3288010855, 1433692405, 659542348, 3825778181, 3795997974, 3561777524, 1431188711],
};

for (const compiled of [false, true]) {
  test(`drive-heavy line: ramps, reverse, stops, jam trip and reset, wear and cooling faults (${compiled ? 'own compiled kernels' : 'shared code'})`, () => {
    const r = rig(drivesLine());
    if (compiled) r.model.compileKernels();
    const got = trace(r, 24_000, (k) => driveDrives(r, k));
    assert.ok(r.get('m2.overloads') >= 1, 'the jam tripped m2');
    assert.equal(got, GOLDEN['drives']);
  });
}

test('demo line with its pusher cycling', () => {
  const r = rig(sortingLine());
  const got = trace(r, 20_000, (k) => {
    r.set('m1.run', 1);
    r.set('m1.setpoint', 50);
    r.set('m2.run', k % 9_000 < 7_000 ? 1 : 0);
    r.set('m2.setpoint', k % 5_000 < 2_500 ? 50 : 30);
    r.set('pu1.extend', k % 3_000 < 500 ? 1 : 0);
  });
  assert.equal(got, GOLDEN['sorting']);
});

test('furnace line', () => {
  const r = rig(parse(readFileSync(new URL('../../examples/furnace.yaml', import.meta.url), 'utf8')) as LineFile);
  driveFurnaceLine(r);
  assert.equal(trace(r, 20_000, () => {}), GOLDEN['furnace']);
});

test.run();
