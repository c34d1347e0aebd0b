// Sources: deterministic for a seed, respect minGap, and draw classes and intervals with the
// declared probabilities and rate.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LineFile } from '../../physics/model.ts';
import { rig } from './harness.ts';

function line(seed: number, src: Record<string, unknown>, beltSpeed = 1): LineFile {
  return {
    name: 'src',
    dt: 0.001,
    seed,
    components: [
      { id: 'm', type: 'drive', tau: 1e-9 },
      { id: 'c', type: 'conveyor', length: 3, beltSpeed, drive: 'm', next: 'k' },
      { id: 's', type: 'source', conveyor: 'c', ...src },
      { id: 'k', type: 'bin', accepts: 'b' },
    ],
  };
}

const TWO_CLASSES = [
  { name: 'a', height: 0.05, probability: 0.3 },
  { name: 'b', height: 0.15, probability: 0.7 },
];

function runLine(l: LineFile, steps: number): ReturnType<typeof rig> {
  const r = rig(l);
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  r.run(steps);
  return r;
}

test('same seed, same items; another seed, other items', () => {
  const src = { rate: 2, minGap: 0.1, itemLength: 0.2, classes: TWO_CLASSES };
  const a = runLine(line(5, src), 20_000);
  const b = runLine(line(5, src), 20_000);
  const c = runLine(line(6, src), 20_000);
  assert.equal(a.model.inspectItems(), b.model.inspectItems());
  assert.is(a.get('s.created'), b.get('s.created'));
  assert.ok(a.get('s.created') > 10);
  assert.not.equal(a.model.inspectItems(), c.model.inspectItems());
});

test('never places an item closer than minGap behind the last one', () => {
  // rate 5/s means a 0.2 m mean spacing at 1 m/s, below itemLength + minGap = 0.5 m: the source
  // is often blocked, and every gap is still >= 0.3 m (the belt runs, so gaps never shrink).
  const r = rig(line(9, { rate: 5, minGap: 0.3, itemLength: 0.2, classes: TWO_CLASSES }));
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  let blocked = 0;
  for (let t = 0; t < 20_000; t += 10) {
    r.run(10);
    if (r.get('s.blocked') === 1) blocked++;
    const items = r.model.inspectItems();
    for (let k = 1; k < items.length; k++) {
      const gap = items[k - 1]!.front - items[k - 1]!.length - items[k]!.front;
      assert.ok(gap >= 0.3 - 1e-9, `gap ${gap} m at tick ${r.model.tick}`);
    }
  }
  assert.ok(blocked > 100, `blocked only ${blocked} times`);
});

test('class frequencies and arrival rate are plausible over ~2000 items', () => {
  // 0.01 m items at 10 m/s with no gap are never blocked at 20 items/s, so arrivals are a
  // Poisson stream: over 100 s, N ~ 2000 +- 4 sqrt(2000) = +-179. Class a (p 0.3) shows up as
  // bin k's wrong count: 0.3 N +- 4 sqrt(N 0.3 0.7) = 600 +- 82.
  const r = runLine(line(42, { rate: 20, minGap: 0, itemLength: 0.01, classes: TWO_CLASSES }, 10), 100_000);
  const n = r.get('s.created');
  assert.ok(Math.abs(n - 2000) < 179, `created ${n}`);
  const delivered = r.get('k.count');
  const a = r.get('k.wrong');
  assert.ok(Math.abs(a - 0.3 * delivered) < 4 * Math.sqrt(delivered * 0.21), `class a ${a} of ${delivered}`);
  assert.is(r.get('s.blocked'), 0);
  assert.is(delivered + r.get('line.items'), n);
});

test('reset re-seeds: the same items again', () => {
  const src = { rate: 2, minGap: 0.1, itemLength: 0.2, classes: TWO_CLASSES };
  const r = runLine(line(5, src), 10_000);
  const first = r.model.inspectItems();
  r.model.reset();
  assert.is(r.get('s.created'), 0);
  assert.is(r.get('line.items'), 0);
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  r.run(10_000);
  assert.equal(r.model.inspectItems(), first);
});

test.run();
