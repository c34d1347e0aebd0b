// Child process for kill.test.ts: a 1000-signal table written on its own main thread every
// millisecond (values a pure function of the tick, so the parent can check them), recorded by
// a TableRecorder at its default rate. Prints "tick N" about every 50 ms so the parent knows
// how far sampling got before it kills this process with SIGKILL. Not a test file itself.

import { SignalTable, type SignalDef } from '../../core/signals.ts';
import { TableRecorder } from '../../core/recording/recorder.ts';

export const SIGNALS = 1000;

/** Value of signal i at tick k: what the parent expects to read back. */
export function valueAt(i: number, k: number): number {
  if (i % 10 === 0) return (k >> 4) & 1; // a bool that toggles
  if (i % 10 === 1) return Math.floor(k / 100); // a counter
  return Math.sin(k * 0.001 + i) * i; // a real that changes every tick
}

if (process.argv[1]?.endsWith('kill-child.ts')) {
  const root = process.argv[2]!;
  const defs: SignalDef[] = Array.from({ length: SIGNALS }, (_, i) => ({ name: `sig${i}`, type: i % 10 === 0 ? 'bool' : i % 10 === 1 ? 'int' : 'real', kind: 'state', unit: '' }));
  const table = SignalTable.create(defs);
  const work = new Float64Array(SIGNALS);
  const rec = new TableRecorder(table, { root, id: 'killed', meta: { source: 'kill-test' } }).start();
  let k = 0;
  const t0 = performance.now();
  // Publish the tick due by the wall clock (1 kHz), as the worker would.
  setInterval(() => {
    const due = Math.floor(performance.now() - t0);
    if (due <= k) return;
    k = due;
    for (let i = 0; i < SIGNALS; i++) work[i] = valueAt(i, k);
    table.publish(work, k, k / 1000);
  }, 1);
  setInterval(() => {
    const s = rec.stats();
    process.stdout.write(`tick ${k} frames ${s.frames} blocks ${s.blocks}\n`);
  }, 50);
  process.stdout.write('ready\n');
}
