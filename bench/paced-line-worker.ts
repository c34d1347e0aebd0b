// The "line" of the integration benchmarks (Sparkplug B, the twin's OPC UA server; started by
// bench/paced-line.ts): a 1 kHz worker on the physics worker's deadline grid,
// sleep method and lateness histogram (as bench/bare-worker.ts), publishing a signal table of
// 10,000 signals every tick, of which 10 % change every 100 ms while the edge node samples (a
// different tenth each time, so every signal changes once a second). Each wake's lateness goes
// to one of two histograms by the phase main sets in shared memory (0: the publisher under test
// idle, 1: publishing), so both sides see the same background load of the machine.

import { parentPort, workerData } from 'node:worker_threads';
import { ControlBlock } from '../core/engine/control-block.ts';
import { DeadlineGrid } from '../core/engine/deadline-grid.ts';
import { SpinGuard } from '../core/engine/spin-guard.ts';
import { LatenessHistogram } from '../core/engine/lateness-histogram.ts';
import { SignalTable, type SignalDef } from '../core/signals.ts';
import { currentThreadId } from '../core/engine/thread-scheduling.ts';
import type { BareResult } from './bare-worker.ts';

const { seconds, defs, buffer, go, phase } = workerData as { seconds: number; defs: SignalDef[]; buffer: SharedArrayBuffer; go: SharedArrayBuffer; phase: SharedArrayBuffer };
const phaseWord = new Int32Array(phase);
// As the physics worker: report the thread id, and start once main has set its policy
// (SCHED_FIFO 10 where allowed, core/engine/thread-scheduling.ts), waiting at most 3 s.
parentPort?.postMessage({ t: 'tid', tid: currentThreadId() });
Atomics.wait(new Int32Array(go), 0, 0, 3000);
const table = SignalTable.attach(defs, buffer);
const work = new Float64Array(table.size);
const ctrl = new ControlBlock();
const grid = new DeadlineGrid(1, 20);
const guard = new SpinGuard(0.3, false);
const hists = [new LatenessHistogram(), new LatenessHistogram()] as const;
const end = performance.now() + seconds * 1000;
let tick = 0;
grid.start(performance.now());
while (performance.now() < end) {
  ctrl.sleepUntil(grid.next, guard);
  const due = grid.advance(performance.now());
  if (due === 0) continue;
  hists[Atomics.load(phaseWord, 0) === 1 ? 1 : 0].add(grid.lastLateMs * 1000);
  for (let s = 0; s < due; s++) {
    tick++;
    // Values change only while the edge node samples, so its first sample of a phase carries
    // 100 ms of changes, not the whole idle second's (the change loop itself costs ~1 µs).
    if (tick % 100 === 0 && Atomics.load(phaseWord, 0) === 1) {
      const tenth = (tick / 100) % 10;
      for (let i = tenth; i < work.length; i += 10) work[i] = defs[i]!.type === 'bool' ? 1 - work[i]! : work[i]! + 1;
    }
  }
  table.publish(work, tick, tick / 1000);
}
const of = (h: LatenessHistogram): BareResult => ({ wakes: h.count, p50: h.quantile(0.5), p99: h.quantile(0.99), max: h.max, overruns: 0 });
parentPort?.postMessage({ t: 'result', off: of(hists[0]), on: of(hists[1]), overruns: grid.overruns });
