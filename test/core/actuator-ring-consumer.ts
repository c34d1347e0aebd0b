// Worker side of the actuator-ring test: drains the mailbox, counting its drains in shared
// memory (the main thread waits on that count between its bursts of values), until the main
// thread says it is done (bounded), then once more; posts the values it ended with.
import { parentPort, workerData } from 'node:worker_threads';
import { ActuatorRing } from '../../core/engine/actuator-ring.ts';

const { buffer, control, signals } = workerData as { buffer: SharedArrayBuffer; control: SharedArrayBuffer; signals: number };
const ring = new ActuatorRing([], buffer);
const ctl = new Int32Array(control); // [0] done, [1] drains
const v = new Float64Array(signals);
const q = new Uint8Array(signals);
for (let n = 0; n < 5e7 && Atomics.load(ctl, 0) === 0; n++) {
  ring.drain(v, q);
  Atomics.add(ctl, 1, 1);
  Atomics.notify(ctl, 1);
}
ring.drain(v, q);
parentPort!.postMessage({ values: [...v] });
