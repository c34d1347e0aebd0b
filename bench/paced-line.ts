// Starts bench/paced-line-worker.ts (a 1 kHz "line" publishing a signal table, under the physics
// worker's scheduling where allowed) for the integration benchmarks, and reads a process's CPU
// time: the pieces the Sparkplug and the OPC UA server benches share.

import { readFileSync } from 'node:fs';
import { spawnWorker } from '../core/engine/spawn-worker.ts';
import { setThreadScheduling } from '../core/engine/thread-scheduling.ts';
import type { SignalDef, SignalTable } from '../core/signals.ts';
import type { BareResult } from './bare-worker.ts';

/** Tick lateness with the publisher under test idle (off) and publishing (on). */
export interface LineResult {
  off: BareResult;
  on: BareResult;
  overruns: number;
  /** The scheduling policy the line ran under (SCHED_FIFO 10 where allowed). */
  policy: string;
}

/**
 * Start the line worker under the physics worker's scheduling; resolves when it has started,
 * with the promise of its result. `phase` (an Int32 the caller flips) says which half a wake's
 * lateness belongs to.
 */
export async function startLine(defs: readonly SignalDef[], table: SignalTable, phase: SharedArrayBuffer, seconds: number): Promise<{ done: Promise<LineResult> }> {
  const go = new SharedArrayBuffer(4);
  const w = spawnWorker(new URL('./paced-line-worker.ts', import.meta.url), { workerData: { seconds, defs, buffer: table.buffer, go, phase } });
  let policy = '';
  let started: () => void = () => {};
  const running = new Promise<void>((r) => (started = r));
  const done = new Promise<LineResult>((resolve, reject) => {
    w.on('message', (m: { t: string; tid?: number | null } & Omit<LineResult, 'policy'>) => {
      if (m.t === 'result') return resolve({ off: m.off, on: m.on, overruns: m.overruns, policy });
      void setThreadScheduling(m.tid ?? null, 10).then((p) => {
        policy = p;
        Atomics.store(new Int32Array(go), 0, 1);
        Atomics.notify(new Int32Array(go), 0);
        started();
      });
    });
    w.once('error', reject);
  }).finally(() => void w.terminate());
  await running;
  // Wrapped: an async function returning a promise would wait for it.
  return { done };
}

/** utime + stime of a process, ms (Linux /proc; 100 ticks a second). */
export function procCpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}
