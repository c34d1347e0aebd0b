// The demo line (examples/sorting.yaml) under the hand-written controller for 10 simulated
// minutes: every item ends in the right bin or is still in transit.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rig, sortingLine } from './harness.ts';
import { SortingController, runControlled } from './sorting-controller.ts';

test('10 minutes of sorting: no item in a wrong bin, none lost', () => {
  const r = rig(sortingLine());
  const c = new SortingController(r);
  let minCentre = Infinity;
  let maxCentre = -Infinity;
  let maxPe2Speed = 0;
  runControlled(r, c, 600_000, 10, () => {
    // Where the tall item sits when the pusher starts out: within the face (2.0 +- 0.15 m).
    if (c.phase === 'extending' && r.get('pu1.position') > 0 && r.get('pu1.position') < 0.5) {
      for (const it of r.model.inspectItems()) {
        if (it.conveyor !== 'sorter' || it.front < 1.7 || it.front > 2.5) continue;
        minCentre = Math.min(minCentre, it.front - it.length / 2);
        maxCentre = Math.max(maxCentre, it.front - it.length / 2);
      }
    }
    if (c.phase === 'extending') maxPe2Speed = Math.max(maxPe2Speed, r.get('sorter.speed'));
  });
  const created = r.get('line.created');
  const short = r.get('binShort.count');
  const tall = r.get('binTall.count');
  assert.ok(created > 150, `created ${created}`);
  assert.ok(short > 40 && tall > 40, `short ${short}, tall ${tall}`);
  assert.is(r.get('binShort.wrong'), 0);
  assert.is(r.get('binTall.wrong'), 0);
  assert.is(r.get('infeed.dropped') + r.get('sorter.dropped'), 0);
  assert.is(short + tall + r.get('line.items'), created);
  assert.is(r.get('line.items'), r.get('infeed.items') + r.get('sorter.items'));
  assert.is(c.unexpected, 0);
  assert.is(c.pushes, tall);
  // docs/physics.md predicts the centre at 1.990 .. 1.996 m when stopped at pe2 (2.0 m).
  assert.ok(minCentre >= 1.985 && maxCentre <= 2.0, `centres ${minCentre} .. ${maxCentre}`);
  // The pusher only moves once the belt is (practically) still: below 1 % of 0.6 m/s.
  assert.ok(maxPe2Speed < 0.006, `belt at ${maxPe2Speed} m/s while pushing`);
});

test.run();
