// A line paced at 1 kHz the way the physics worker paces it (the same deadline grid, sleep
// method and lateness histogram as core/engine/worker.ts and the bare baseline,
// bench/bare-worker.ts), without exchange or publishing: does a line of this size keep the grid?
// Reports lateness, overruns (periods dropped after a stall beyond the catch-up cap), the
// simulated seconds per wall second, and the time one model step takes. Given a `go` word
// (bench/engine.ts), it reports its thread id after the warm-up and waits for main to put it
// under the physics worker's scheduling (SCHED_FIFO 10 where allowed), as the real worker runs.

import { parentPort, workerData } from 'node:worker_threads';
import { ControlBlock } from '../core/engine/control-block.ts';
import { DeadlineGrid } from '../core/engine/deadline-grid.ts';
import { SpinGuard } from '../core/engine/spin-guard.ts';
import { LatenessHistogram } from '../core/engine/lateness-histogram.ts';
import type { LineFile } from '../physics/model.ts';
import { startLine } from './physics.ts';
import { currentThreadId } from '../core/engine/thread-scheduling.ts';

export interface PacedResult {
  wakes: number;
  /** Lateness of the wakes, µs. */
  p50: number;
  p99: number;
  max: number;
  overruns: number;
  /** Simulated seconds per wall second (1.0: the grid was kept). */
  realTime: number;
  /** Wall time of one model step, µs. */
  stepP50: number;
  stepP99: number;
}

const { line, seconds, spinMs, periodMs, go, adaptiveSpin } = workerData as { line: LineFile; seconds: number; spinMs: number; periodMs: number; go?: SharedArrayBuffer; adaptiveSpin?: boolean };
const guard = new SpinGuard(spinMs, adaptiveSpin === true);
const { model, flip } = startLine(line);
if (go !== undefined) {
  parentPort?.postMessage({ t: 'tid', tid: currentThreadId() });
  Atomics.wait(new Int32Array(go), 0, 0, 5000);
}
const ctrl = new ControlBlock();
const grid = new DeadlineGrid(periodMs, 20);
const late = new LatenessHistogram();
const stepUs = new LatenessHistogram();
const tick0 = model.tick;
const start = performance.now();
const end = start + seconds * 1000;
grid.start(start);
while (performance.now() < end) {
  ctrl.sleepUntil(grid.next, guard);
  const due = grid.advance(performance.now());
  if (due === 0) continue;
  late.add(grid.lastLateMs * 1000);
  for (let s = 0; s < due; s++) {
    const t = performance.now();
    model.step();
    stepUs.add((performance.now() - t) * 1000);
    if (model.tick % 50 === 0) flip();
  }
}
const wall = (performance.now() - start) / 1000;
const result: PacedResult = {
  wakes: late.count,
  p50: late.quantile(0.5),
  p99: late.quantile(0.99),
  max: late.max,
  overruns: grid.overruns,
  realTime: ((model.tick - tick0) * model.dt) / wall,
  stepP50: stepUs.quantile(0.5),
  stepP99: stepUs.quantile(0.99),
};
parentPort?.postMessage(result);
