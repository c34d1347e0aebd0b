// The adaptive spin of precise pacing (core/engine/spin-guard.ts): the frugal quantile
// estimator's steps by hand, where it settles for a known distribution of overshoots, its
// bounds, and a real worker-style sleep loop on this machine's timer: deadlines kept, the spin
// learned below its 0.3 ms start.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GUARD_MIN_MS, GUARD_QUANTILE, GUARD_STEP_MS, SpinGuard } from '../../core/engine/spin-guard.ts';
import { ControlBlock } from '../../core/engine/control-block.ts';
import { DeadlineGrid } from '../../core/engine/deadline-grid.ts';

test('each overshoot moves the guard by a step: up by a·q above it, down by a·(1-q) at or below it', () => {
  const g = new SpinGuard(0.3, true);
  assert.is(g.ms, 0.3, 'starts at its bound');
  g.observe(0.1);
  assert.ok(Math.abs(g.ms - (0.3 - GUARD_STEP_MS * (1 - GUARD_QUANTILE))) < 1e-12, `one step down: ${g.ms}`);
  g.observe(0.5);
  assert.is(g.ms, 0.3, 'never above its bound');
  for (let k = 0; k < 100_000; k++) g.observe(0);
  assert.is(g.ms, GUARD_MIN_MS, 'never below its floor');
  g.observe(0.03);
  assert.ok(Math.abs(g.ms - (GUARD_MIN_MS + GUARD_STEP_MS * GUARD_QUANTILE)) < 1e-12, `one step up: ${g.ms}`);
});

test('it settles at the 95th percentile of the overshoots', () => {
  // Overshoots 0.080, 0.081, ... 0.179 ms in a fixed shuffle (a deterministic LCG): the 95th
  // percentile of this uniform set is 0.175 ms.
  const g = new SpinGuard(0.3, true);
  let x = 12345;
  const seen: number[] = [];
  for (let k = 0; k < 200_000; k++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    g.observe(0.08 + (x % 100) / 1000);
    if (k >= 150_000) seen.push(g.ms);
  }
  const mean = seen.reduce((a, b) => a + b, 0) / seen.length;
  assert.ok(Math.abs(mean - 0.175) < 0.004, `settled at ${mean.toFixed(4)} ms, expected ~0.175`);
});

test('a fixed guard never moves', () => {
  const g = new SpinGuard(0.3, false);
  for (let k = 0; k < 1000; k++) g.observe(0);
  assert.is(g.ms, 0.3);
  assert.is(new SpinGuard(0, true).ms, 0, 'no spin stays no spin (economy)');
});

test('a real 1 ms sleep loop keeps its deadlines and learns a spin below the fixed 0.3 ms', () => {
  // Bounded: 3000 deadlines (3 s). No wall-clock assertion on how late: only that every sleep
  // returned at or after its deadline, and that the guard moved off its start.
  const ctrl = new ControlBlock();
  const grid = new DeadlineGrid(1, 20);
  const g = new SpinGuard(0.3, true);
  grid.start(performance.now());
  let early = 0;
  for (let k = 0; k < 3000; k++) {
    ctrl.sleepUntil(grid.next, g);
    const now = performance.now();
    if (now < grid.next) early++;
    grid.advance(now);
  }
  assert.is(early, 0, 'no sleep returns before its deadline');
  assert.ok(g.ms < 0.3, `the spin was learned: ${g.ms.toFixed(3)} ms`);
});

test.run();
