// Baseline for the tick benchmark: a bare worker loop with the same sleep method as the physics
// worker (Atomics.wait until ~300 µs before the deadline, then spin), the same deadline grid
// and histogram, stepping nothing but a small array. Whatever lateness it shows is the
// machine's, not twinloop's.

import { parentPort, workerData } from 'node:worker_threads';
import { ControlBlock } from '../core/engine/control-block.ts';
import { DeadlineGrid } from '../core/engine/deadline-grid.ts';
import { SpinGuard } from '../core/engine/spin-guard.ts';
import { LatenessHistogram } from '../core/engine/lateness-histogram.ts';

export interface BareResult {
  wakes: number;
  p50: number;
  p99: number;
  max: number;
  overruns: number;
}

const { seconds, spinMs, periodMs, adaptiveSpin } = workerData as { seconds: number; spinMs: number; periodMs: number; adaptiveSpin?: boolean };
// A fixed spin unless asked: the baseline loop of the benches that compare against it.
const guard = new SpinGuard(spinMs, adaptiveSpin === true);
const ctrl = new ControlBlock();
const grid = new DeadlineGrid(periodMs, 20);
const hist = new LatenessHistogram();
const state = new Float64Array(100);
const end = performance.now() + seconds * 1000;
grid.start(performance.now());
while (performance.now() < end) {
  ctrl.sleepUntil(grid.next, guard);
  const due = grid.advance(performance.now());
  if (due === 0) continue;
  hist.add(grid.lastLateMs * 1000);
  for (let s = 0; s < due; s++) for (let i = 0; i < state.length; i++) state[i]! += (1 - state[i]!) * 0.01;
}
const result: BareResult = { wakes: hist.count, p50: hist.quantile(0.5), p99: hist.quantile(0.99), max: hist.max, overruns: grid.overruns };
parentPort?.postMessage(result);
