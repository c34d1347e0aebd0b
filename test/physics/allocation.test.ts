// The plant components' step loops allocate nothing: the furnace line (every new component
// type) with signal faults active (noise, drift, delay, intermittent on sensors, an offset on an
// actuator) and a component fault steps 3 x 10^6 times with at most two young-generation
// collections. One boxed double per step would be 48 MB: a dozen collections of the ~4 MB
// nursery (--trace-gc). What remains is ~1 byte per step on average (0-2 collections per run,
// varying run to run; without transmitters 0): less than one allocation per ten steps, not
// found yet (docs/physics.md, Performance).

import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import type { LineFile } from '../../physics/model.ts';
import { rig } from './harness.ts';
import type { Rig } from './harness.ts';

const furnace = parse(readFileSync(new URL('../../examples/furnace.yaml', import.meta.url), 'utf8')) as LineFile;

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20));
}

async function collections(r: Rig, steps: number): Promise<number> {
  await settle();
  let gcs = 0;
  const obs = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  obs.observe({ entryTypes: ['gc'] });
  for (let i = 0; i < steps; i++) {
    // The door cycles so cylinder, compressor and limit switch all work.
    if (i % 4000 === 0) r.set('door.extend', (i / 4000) % 2);
    r.model.step();
  }
  await settle();
  obs.disconnect();
  return gcs;
}

test('the furnace line with faults steps 3 x 10^6 times without garbage', async () => {
  const r = rig(furnace);
  r.set('fz1.power', 70);
  for (const m of ['mIn', 'mHearth', 'mOut']) {
    r.set(`${m}.run`, 1);
    r.set(`${m}.setpoint`, 50);
  }
  r.set('air.enable', 1);
  r.set('pCool.run', 1);
  r.set('pCool.setpoint', 80);
  r.set('vBlow.command', 50);
  r.set('vMakeup.open', 1);
  r.model.injectFault({ target: 'signal', signal: 'tt1.value', kind: 'noise', value: 1 });
  r.model.injectFault({ target: 'signal', signal: 'tank.level', kind: 'drift', value: 0.001 });
  r.model.injectFault({ target: 'signal', signal: 'peDoor.blocked', kind: 'delay', value: 0.1 });
  r.model.injectFault({ target: 'signal', signal: 'pxExit.detected', kind: 'intermittent', value: 0.2 });
  r.model.injectFault({ target: 'signal', signal: 'mOut.setpoint', kind: 'offset', value: -5 });
  r.model.injectFault({ target: 'component', component: 'pCool', kind: 'cavitation' });
  r.run(400_000); // warm: items on every belt, the zone hot, the loops optimised
  const gcs = await collections(r, 3_000_000);
  assert.ok(gcs <= 2, `${gcs} garbage collections while stepping`);
  assert.ok(r.model.inspectItems().length > 0);
});

test.run();
