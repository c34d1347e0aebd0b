// The deadline grid's arithmetic, on an injected clock: lateness, catch-up, overruns.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DeadlineGrid } from '../../core/engine/deadline-grid.ts';

test('deadlines sit on t0 + k*period, not on the wake time', () => {
  const g = new DeadlineGrid(1, 20);
  g.start(100);
  assert.is(g.next, 101);
  assert.is(g.advance(101.4), 1); // 0.4 ms late
  assert.ok(Math.abs(g.lastLateMs - 0.4) < 1e-9);
  assert.is(g.next, 102); // lateness does not shift the grid
});

test('an early wake runs nothing', () => {
  const g = new DeadlineGrid(1, 20);
  g.start(0);
  assert.is(g.advance(0.5), 0);
  assert.is(g.next, 1);
});

test('a stall is caught up to the cap, the rest counted as overruns', () => {
  const g = new DeadlineGrid(1, 20);
  g.start(0);
  assert.is(g.advance(5.2), 5); // deadlines 1..5 due
  assert.is(g.next, 6);
  assert.is(g.overruns, 0);
  assert.is(g.advance(50.5), 20); // deadlines 6..50 due = 45, cap 20
  assert.is(g.overruns, 25);
  // Rebased: the next deadline is one period after the last caught-up one.
  assert.is(g.next, 51);
});

test('bad arguments are refused', () => {
  assert.throws(() => new DeadlineGrid(0, 1), /periodMs must be > 0/);
  assert.throws(() => new DeadlineGrid(1, 0), /catchUpCap must be a positive integer/);
});

test.run();
