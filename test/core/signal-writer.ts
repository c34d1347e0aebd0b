// Writer side of the publish-interval test: publishes a signal table from its own thread every
// ~0.2 ms (the physics worker publishes at most every ~1 ms; back to back, a reader would never
// find the table between two publishes), every value changing on every publish (value i =
// tick + i), so a reader that mixed two publishes would see values of two ticks. Stops when the
// main thread says so, or after a bounded number of publishes; counts them in shared memory.
// With `parts` > 0 each publish is spread (beginPublish, then `parts` continuePublish calls with
// a pause between them), as the physics worker publishes a large table.
import { workerData } from 'node:worker_threads';
import { SignalTable, type SignalDef } from '../../core/signals.ts';

const { defs, buffer, control, parts } = workerData as { defs: SignalDef[]; buffer: SharedArrayBuffer; control: SharedArrayBuffer; parts: number };
const table = SignalTable.attach(defs, buffer);
const ctl = new Int32Array(control); // [0] stop, [1] publishes so far
const work = new Float64Array(table.size);
for (let tick = 1; tick <= 2_000_000 && Atomics.load(ctl, 0) === 0; tick++) {
  for (let i = 0; i < work.length; i++) work[i] = tick + i;
  if (parts > 0) {
    table.beginPublish(work, tick, tick / 1000, parts);
    for (let k = 0; k < parts && !table.continuePublish(1); k++) Atomics.wait(ctl, 0, 0, 0.05);
  } else table.publish(work, tick, tick / 1000);
  Atomics.store(ctl, 1, tick);
  Atomics.wait(ctl, 0, 0, 0.2);
}
