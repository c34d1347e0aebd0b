// Pace keeping: when a real-time run counts as behind its pace, and the watch that turns a
// stream of statistics into one "behind" and one "kept again" report (core/engine/pace-keeping.ts).

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PACE_KEPT_SHARE, PACE_WATCH_CONFIRM, PaceWatch, paceKeeping } from '../../core/engine/pace-keeping.ts';
import type { Pace, RunState, RunStatus } from '../../core/engine/run-control.ts';

function status(achieved: number, pace: Pace = { kind: 'realtime', factor: 1 }, state: RunState = 'running', ticks = 1000): Pick<RunStatus, 'state' | 'pace' | 'stats'> {
  return { state, pace, stats: { ticks, wakes: ticks, lateP50: 10, lateP99: 50, lateMax: 900, overruns: 0, stepsPerSecond: achieved * 1000, realtimeFactor: achieved } };
}

test('a running real-time run is behind below 95 % of its requested pace, at any factor', () => {
  assert.equal(paceKeeping(status(1.0)), { achieved: 1.0, requested: 1, behind: false });
  assert.is(paceKeeping(status(PACE_KEPT_SHARE))?.behind, false);
  assert.is(paceKeeping(status(0.94))?.behind, true);
  assert.is(paceKeeping(status(0.79))?.behind, true);
  // Ten times real time asked, 8.1 achieved: behind; 9.6: kept.
  assert.is(paceKeeping(status(8.1, { kind: 'realtime', factor: 10 }))?.behind, true);
  assert.is(paceKeeping(status(9.6, { kind: 'realtime', factor: 10 }))?.behind, false);
});

test('no verdict where there is no pace to keep: paused, stopped, fast, or no statistics yet', () => {
  assert.is(paceKeeping(status(0, undefined, 'paused')), null);
  assert.is(paceKeeping(status(0.5, undefined, 'stopped')), null);
  assert.is(paceKeeping(status(0.5, undefined, 'starting')), null);
  assert.is(paceKeeping(status(0.5, { kind: 'fast' })), null);
  assert.is(paceKeeping(status(0.5, undefined, 'running', 0)), null);
  assert.is(paceKeeping(status(0)), null);
});

test('the watch reports falling behind once, after it held, and keeping pace again once', () => {
  const w = new PaceWatch();
  const seen: string[] = [];
  const feed = (x: number, st: RunState = 'running'): void => {
    const c = w.observe(status(x, undefined, st));
    if (c) seen.push(`${c.kind} ${c.keeping.achieved}`);
  };
  // One slow interval (a host stall) is not reported.
  feed(1);
  feed(0.7);
  feed(1);
  assert.equal(seen, []);
  // A line too heavy for its dt: behind on every interval.
  for (let k = 0; k < 10; k++) feed(0.79);
  assert.equal(seen, ['behind 0.79']);
  assert.ok(w.behind);
  // Paused in between: no verdict, and the streak starts over.
  feed(1);
  feed(0, 'paused');
  feed(1);
  assert.equal(seen, ['behind 0.79'], 'a pause breaks the streak');
  for (let k = 1; k < PACE_WATCH_CONFIRM; k++) feed(1);
  assert.equal(seen, ['behind 0.79', 'kept 1']);
  assert.not.ok(w.behind);
});

test.run();
