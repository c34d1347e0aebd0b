// The Model's contract beyond single components: any signal-id mapping gives the same values,
// time is tick * dt, and stepping allocates nothing.

import { test } from 'uvu';
import { gcRounds } from '../gc-rounds.ts';
import * as assert from 'uvu/assert';
import { Model, lineSignals } from '../../physics/model.ts';
import { rig, sortingLine } from './harness.ts';
import { SortingController, runControlled } from './sorting-controller.ts';

test('a table whose ids are not in catalog order gives the same values', () => {
  const line = sortingLine();
  const defs = lineSignals(line);
  // Reverse the catalog and leave a gap of 5 unused ids in front.
  const ids = new Map(defs.map((d, i) => [d.name, 5 + defs.length - 1 - i]));
  const values = new Float64Array(defs.length + 5);
  const model = new Model(line, (name) => ids.get(name)!, values);
  const ref = rig(line);
  assert.is(values[ids.get('pu1.retracted')!], 1, 'reset wrote through the mapping');
  const c = new SortingController(ref);
  runControlled(ref, c, 30_000, 10, () => {
    // Mirror the controller's outputs into the permuted table, then step it alongside.
    for (const d of defs) if (d.kind === 'actuator') values[ids.get(d.name)!] = ref.values[ref.id(d.name)]!;
    model.step();
    for (const d of defs) {
      const a = values[ids.get(d.name)!]!;
      const b = ref.values[ref.id(d.name)]!;
      if (!Object.is(a, b)) assert.unreachable(`${d.name} differs at tick ${model.tick}: ${a} vs ${b}`);
    }
  });
  assert.ok(ref.get('binTall.count') > 0);
});

test('time is tick * dt', () => {
  const r = rig({ ...sortingLine(), dt: 0.002 });
  r.run(1234);
  assert.is(r.model.tick, 1234);
  assert.is(r.model.time, 1234 * 0.002);
  assert.is(r.model.dt, 0.002);
});

test('defaults: dt 1 ms, seed 0', () => {
  const line = sortingLine();
  delete line.dt;
  delete line.seed;
  const r = rig(line);
  assert.is(r.model.dt, 0.001);
  assert.is(r.model.seed, 0);
});

test('step() allocates nothing once warm', async () => {
  // Garbage shows up as young-generation collections: even one boxed 16-byte number per step
  // would fill the nursery several times over these steps. Count collections while stepping.
  const r = rig(sortingLine());
  const c = new SortingController(r);
  runControlled(r, c, 100_000);
  const rounds = await gcRounds(() => {
    for (let i = 0; i < 1_000_000; i++) r.model.step();
  });
  assert.is(rounds.at(-1), 0, `garbage collections per round of 1e6 steps: ${rounds.join(', ')}`);
  // The heap's growth is measured in a round after the clean one: in the clean round itself the
  // optimised loop may have arrived late (a loaded CI machine), its first steps boxing numbers
  // into less than a nursery's worth (no collection, but MBs of growth).
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 1_000_000; i++) r.model.step();
  const grown = process.memoryUsage().heapUsed - before;
  assert.ok(grown < 1_000_000, `heap grew ${grown} bytes over 1e6 steps`);
});


test('re-sync hooks: alignItem moves the nearest item onto a front or places one; setStroke sets a pusher', () => {
  const r = rig(sortingLine());
  // An empty conveyor: nothing near, so an item is placed with its front at 1.5 m.
  assert.ok(r.model.alignItem('sorter', 1.5, 0.3));
  const placed = r.model.inspectItems().filter((i) => i.conveyor === 'sorter');
  assert.is(placed.length, 1);
  assert.is(placed[0]!.front, 1.5);
  // Nearby (0.2 m within a 0.3 m capture): that item is moved, none added.
  assert.ok(r.model.alignItem('sorter', 1.7, 0.3));
  const moved = r.model.inspectItems().filter((i) => i.conveyor === 'sorter');
  assert.is(moved.length, 1);
  assert.is(moved[0]!.front, 1.7);
  // Already there: no change. Not a conveyor: no change.
  assert.not.ok(r.model.alignItem('sorter', 1.7, 0.3));
  assert.not.ok(r.model.alignItem('pu1', 1.0, 0.3));
  assert.ok(r.model.setStroke('pu1', 1));
  assert.not.ok(r.model.setStroke('pu1', 1));
  r.run(1);
  // The piston continues from the stroke it was put at (its valve is off: one step back).
  assert.ok(r.get('pu1.position') > 0.99 && r.get('pu1.position') < 1, `position ${r.get('pu1.position')}`);
  assert.not.ok(r.model.setStroke('sorter', 1));
});

test.run();
