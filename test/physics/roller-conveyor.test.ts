// Roller conveyor with zero-pressure accumulation: travel across free zones against
// N·zoneLength/speed, one item per zone behind a blocked end, PLC-driven zones, zone eyes, and
// the energy of the running zones.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LineFile } from '../../physics/model.ts';
import { rig, runUntil } from './harness.ts';

function rollerLine(opts: { next?: string; control?: string; rate?: number } = {}): LineFile {
  return {
    name: 'rollers',
    dt: 0.001,
    seed: 11,
    components: [
      { id: 'rc', type: 'rollerconveyor', length: 4, zones: 4, speed: 0.5, ...(opts.control ? { control: opts.control } : {}), ...(opts.next ? { next: opts.next } : {}) },
      { id: 's', type: 'source', conveyor: 'rc', rate: opts.rate ?? 0.2, minGap: 0, itemLength: 0.4 },
      { id: 'k', type: 'bin' },
    ],
  };
}

const STEP_M = 0.5 * 0.001;

test('an item crosses N free zones in N·zoneLength/speed, within one tick', () => {
  const r = rig(rollerLine({ next: 'k' }));
  const placed = runUntil(r, () => r.get('rc.items') >= 1, 120_000);
  const first = (): number => r.model.inspectItems().find((i) => i.conveyor === 'rc')!.front;
  assert.ok(Math.abs(first() - 0.4) < 1e-12, `placed with its rear at the start, front ${first()}`);
  // Three zones of 1 m: front from 0.4 m to 3.4 m.
  const crossed = runUntil(r, () => first() >= 3.4 - 1e-9, 120_000);
  const expected = 3 / STEP_M;
  assert.ok(Math.abs(crossed - placed - expected) <= 1, `3 zones took ${crossed - placed} ticks, expected ${expected}`);
  // On to the end and into the bin: (4 - 0.4) m.
  const out = runUntil(r, () => r.get('k.count') >= 1, 120_000);
  assert.ok(Math.abs(out - placed - 3.6 / STEP_M) <= 1, `to the bin ${out - placed} ticks, expected ${3.6 / STEP_M}`);
  assert.is(r.get('rc.passed'), 1);
});

test('behind a blocked end the items stand one per zone, not touching', () => {
  const r = rig(rollerLine({ rate: 5 }));
  r.run(60_000);
  const fronts = r.model.inspectItems().filter((i) => i.conveyor === 'rc').map((i) => i.front);
  assert.equal(fronts.map((x) => Math.round(x * 1e9) / 1e9), [4, 3, 2, 1], `fronts ${fronts.join(', ')}`);
  assert.is(r.get('rc.occupied'), 0b1111, 'every zone eye blocked');
  assert.is(r.get('rc.running'), 0, 'every zone stopped');
  assert.is(r.get('rc.power'), 0);
  assert.is(r.get('s.blocked'), 1, 'the source waits for zone 0 to be free');
});

test('one item per zone also for zone lengths that do not divide evenly (2.1 m in 7, 3.3 m in 11)', () => {
  for (const [len, zones] of [[2.1, 7], [3.3, 11], [1, 3]] as const) {
    const zl = len / zones;
    const r = rig({
      name: 'odd',
      dt: 0.001,
      seed: 2,
      components: [
        { id: 'rc', type: 'rollerconveyor', length: len, zones, speed: 0.4, eyeOffset: 0.01 },
        { id: 's', type: 'source', conveyor: 'rc', rate: 20, minGap: 0, itemLength: zl / 2 },
      ],
    });
    r.run(60_000);
    const fronts = r.model.inspectItems().map((i) => Math.round((i.front / zl) * 1e6) / 1e6);
    assert.equal(fronts, Array.from({ length: zones }, (_, k) => zones - k), `${len} m in ${zones}: ${fronts.join(' ')}`);
    assert.is(r.get('rc.occupied'), 2 ** zones - 1);
  }
});

test('an item leaves a zone only when the next zone is free (zone release follows the blocked end)', () => {
  // The end feeds a machine with a long cycle: the queue moves up one zone per machine cycle.
  const line = rollerLine({ rate: 5, next: 'mc' });
  line.components.push({ id: 'mc', type: 'machine', cycleTime: 20 });
  const r = rig(line);
  r.run(19_000);
  // One item in the machine, four queued one per zone.
  assert.is(r.get('mc.items'), 1);
  assert.is(r.get('rc.items'), 4);
  assert.is(r.get('rc.occupied'), 0b1111);
  const gaps = r.model.inspectItems().filter((i) => i.conveyor === 'rc').map((i) => i.front);
  assert.equal(gaps.map((x) => Math.round(x * 1e9) / 1e9), [4, 3, 2, 1]);
});

test('control plc: zone z moves only while bit z of .run is set, and never into a stopped zone', () => {
  const r = rig(rollerLine({ control: 'plc' }));
  runUntil(r, () => r.get('rc.items') >= 1, 120_000);
  const first = (): number => r.model.inspectItems()[0]!.front;
  r.run(1000);
  assert.is(first(), 0.4, 'no bit set: nothing moves');
  r.set('rc.run', 0b0001);
  r.run(4000);
  assert.ok(Math.abs(first() - 1) < 1e-9, `held at the end of zone 0 (front ${first()})`);
  assert.is(r.get('rc.running'), 0);
  r.set('rc.run', 0b0011);
  r.run(4000);
  assert.ok(Math.abs(first() - 2) < 1e-9, `held at the end of zone 1 (front ${first()})`);
});

test('energy = zone power x running time', () => {
  // A rare source: the first item travels alone.
  const r = rig(rollerLine({ next: 'k', rate: 0.01 }));
  runUntil(r, () => r.get('rc.items') >= 1, 2_000_000);
  const e0 = r.get('rc.energy');
  const w0 = r.get('rc.wear');
  runUntil(r, () => r.get('k.count') >= 1, 120_000);
  assert.is(r.get('s.created'), 1);
  // One item, one zone running at a time, for 3.6 m at 0.5 m/s = 7.2 s at 35 W (± one step).
  const kwh = r.get('rc.energy') - e0;
  const expected = (0.035 * 7.2) / 3600;
  assert.ok(Math.abs(kwh - expected) <= (0.035 * 0.002) / 3600, `${kwh} kWh vs ${expected}`);
  assert.ok(r.get('rc.wear') > w0, 'wear advances while zones run');
  assert.ok(r.get('line.energy') >= kwh, 'counted in the line energy');
});

test.run();
