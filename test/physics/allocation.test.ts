// The plant components' step loops allocate nothing: the furnace line (every new component
// type) with signal faults active (noise, drift, delay, intermittent on sensors, an offset on an
// actuator) and a component fault. Counting collections over millions of steps cannot tell
// "nothing" from "a byte per step" (the nursery is megabytes), so the test measures bytes
// directly: the growth of V8's new space over chunks of steps in which no collection ran.
// One boxed double per step would be >= 16 B/step; the heap sampling profiler puts what
// remains below 0.1 B/step (docs/physics.md, Performance).

import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import type { LineFile } from '../../physics/model.ts';
import { driveFurnaceLine, rig } from './harness.ts';
import type { Rig } from './harness.ts';

const furnace = parse(readFileSync(new URL('../../examples/furnace.yaml', import.meta.url), 'utf8')) as LineFile;

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20));
}

function newSpaceUsed(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_used_size;
}

/** Median new-space bytes per step over chunks that saw no collection. */
async function bytesPerStep(r: Rig, chunks: number, steps: number): Promise<{ perStep: number; clean: number }> {
  let gcs = 0;
  const obs = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  obs.observe({ entryTypes: ['gc'] });
  const rates: number[] = [];
  for (let c = 0; c < chunks; c++) {
    await settle(); // observer callbacks for the previous chunk run here
    const before = gcs;
    const used = newSpaceUsed();
    for (let i = 0; i < steps; i++) {
      if (i % 4000 === 0 && r.has('door.extend')) r.set('door.extend', (i / 4000) % 2);
      r.model.step();
    }
    const grown = newSpaceUsed() - used;
    await settle();
    if (gcs === before && grown >= 0) rates.push(grown / steps);
  }
  obs.disconnect();
  rates.sort((a, b) => a - b);
  return { perStep: rates.length ? rates[Math.floor(rates.length / 2)]! : Number.NaN, clean: rates.length };
}

test('the furnace line with faults allocates (next to) nothing per step', async () => {
  const r = rig(furnace);
  driveFurnaceLine(r);
  r.set('fz1.power', 70);
  r.set('vMakeup.open', 1);
  r.model.injectFault({ target: 'signal', signal: 'tt1.value', kind: 'noise', value: 1 });
  r.model.injectFault({ target: 'signal', signal: 'tank.level', kind: 'drift', value: 0.001 });
  r.model.injectFault({ target: 'signal', signal: 'peDoor.blocked', kind: 'delay', value: 0.1 });
  r.model.injectFault({ target: 'signal', signal: 'pxExit.detected', kind: 'intermittent', value: 0.2 });
  r.model.injectFault({ target: 'signal', signal: 'mOut.setpoint', kind: 'offset', value: -5 });
  r.model.injectFault({ target: 'component', component: 'pCool', kind: 'cavitation' });
  r.run(400_000); // warm: items on every belt, the zone hot, the loops optimised
  const { perStep, clean } = await bytesPerStep(r, 12, 100_000);
  assert.ok(clean >= 3, `only ${clean} of 12 chunks ran without a collection`);
  console.log(`  ${perStep.toFixed(4)} B/step over ${clean} clean chunks`);
  assert.ok(perStep < 1, `${perStep.toFixed(3)} bytes allocated per step (median of ${clean} clean chunks)`);
  assert.ok(r.model.inspectItems().length > 0);
});

test('the assembly line (roller zones, machine, buffer, pick-and-place, coating, weld) allocates (next to) nothing per step', async () => {
  const assembly = parse(readFileSync(new URL('../../examples/assembly.yaml', import.meta.url), 'utf8')) as LineFile;
  const r = rig(assembly);
  r.set('mOut.run', 1);
  r.set('mOut.setpoint', 50);
  r.set('coat1.on', 1);
  r.set('weld1.on', 1);
  r.set('mc1.enable', 1);
  r.run(400_000); // warm: parts in every station and on the belt, the loops optimised
  const { perStep, clean } = await bytesPerStep(r, 12, 100_000);
  assert.ok(clean >= 3, `only ${clean} of 12 chunks ran without a collection`);
  console.log(`  ${perStep.toFixed(4)} B/step over ${clean} clean chunks`);
  assert.ok(perStep < 1, `${perStep.toFixed(3)} bytes allocated per step (median of ${clean} clean chunks)`);
  assert.ok(r.get('done.count') > 20 && r.get('mc1.cycles') > 40, `parts flowed: ${r.get('done.count')} done`);
});

test.run();
