// The mailbox that carries network PLCs' actuator values to the physics worker: a slot per
// driven signal, the newest value wins (counted as coalesced), nothing is ever refused for lack
// of room, and a worker thread draining while the main thread pushes ends with every signal's
// last value. Deliveries are numbered: the table shows one once a publish follows the drain that
// took it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ActuatorRing } from '../../core/engine/actuator-ring.ts';
import { spawnWorker } from '../../core/engine/spawn-worker.ts';

test('values arrive with their quality; a newer unread value of a signal replaces the older', () => {
  const ring = new ActuatorRing([1, 2]);
  const v = new Float64Array(4);
  const q = new Uint8Array(4);
  assert.ok(ring.push(1, 3.5, 0));
  assert.ok(ring.push(2, 1, 2));
  assert.ok(ring.push(1, 4.5, 0)); // still unread: coalesced
  assert.is(ring.coalesced, 1);
  assert.is(ring.drain(v, q), 2);
  assert.equal([...v], [0, 4.5, 1, 0]);
  assert.equal([...q], [0, 0, 2, 0]);
  assert.is(ring.drain(v, q), 0);
});

test('never full: 60 000 driven signals pushed ten times each before one drain lose nothing', () => {
  const ids = Array.from({ length: 60_000 }, (_, k) => 2 * k + 1); // ids need not be dense
  const ring = new ActuatorRing(ids);
  for (let round = 0; round < 10; round++) for (const id of ids) assert.ok(ring.push(id, id * 10 + round, 0));
  const v = new Float64Array(120_001);
  assert.is(ring.drain(v, new Uint8Array(120_001)), 60_000);
  for (const id of ids) if (v[id] !== id * 10 + 9) assert.unreachable(`signal ${id}: ${v[id]}`);
  assert.is(ring.coalesced, 9 * 60_000);
});

test('a signal no read tag drives has no slot: refused and counted', () => {
  const ring = new ActuatorRing([3]);
  assert.not.ok(ring.push(4, 1, 0));
  assert.not.ok(ring.push(99, 1, 0));
  assert.is(ring.refused, 2);
  assert.ok(ring.push(3, 1, 0));
});

test('the same memory seen from another view (as the worker attaches it), wrapping many times', () => {
  const a = new ActuatorRing([0, 1, 2]);
  const b = new ActuatorRing([], a.buffer);
  assert.is(b.slots, 3);
  const v = new Float64Array(3);
  for (let k = 0; k < 40; k++) {
    a.push(k % 3, k, 0);
    if (k % 2 === 1) a.push((k + 1) % 3, -k, 0);
    b.drain(v, new Uint8Array(3));
    assert.is(v[k % 3], k);
  }
});

test('a worker thread draining while the main thread pushes ends with every last value', async () => {
  const ids = Array.from({ length: 64 }, (_, k) => k);
  const ring = new ActuatorRing(ids);
  const control = new SharedArrayBuffer(8);
  const ctl = new Int32Array(control); // [0] done, [1] the worker's drains so far
  const worker = spawnWorker(new URL('./actuator-ring-consumer.ts', import.meta.url), { workerData: { buffer: ring.buffer, control, signals: 64 } });
  const result = new Promise<{ values: number[] }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  /** Wait (bounded) until the worker has drained at least once after `seen` drains. */
  const drainedSince = (seen: number): boolean => {
    for (let k = 0; k < 200 && Atomics.load(ctl, 1) === seen; k++) Atomics.wait(ctl, 1, seen, 25);
    return Atomics.load(ctl, 1) !== seen;
  };
  assert.ok(drainedSince(0), 'the worker started draining within 5 s');
  // Bursts of values with a drain of the worker between each: pushes meet drains in flight.
  const last = new Float64Array(64);
  let k = 0;
  for (let burst = 0; burst < 20; burst++) {
    for (let n = 0; n < 10_000; n++, k++) {
      const id = (k * 7) % 64;
      ring.push(id, k, 0);
      last[id] = k;
    }
    assert.ok(drainedSince(Atomics.load(ctl, 1)), `the worker drained after burst ${burst}`);
  }
  Atomics.store(ctl, 0, 1);
  const got = await result;
  await worker.terminate();
  assert.equal(got.values, [...last]);
});

test('a delivery is shown once a publish follows the drain that took it, not before', () => {
  const ring = new ActuatorRing([1]);
  const worker = new ActuatorRing([], ring.buffer); // the worker's side of the same mailbox
  const v = new Float64Array(2);
  const q = new Uint8Array(2);
  assert.ok(ring.shows(0), 'nothing delivered yet');
  ring.push(1, 7, 0);
  const d1 = ring.endDelivery();
  assert.is(d1, 1);
  assert.not.ok(ring.shows(d1), 'pushed, not drained');
  worker.published(worker.drained); // a publish before any drain shows nothing new
  assert.not.ok(ring.shows(d1));
  worker.drain(v, q);
  assert.not.ok(ring.shows(d1), 'drained, not yet published');
  ring.push(1, 8, 0);
  const d2 = ring.endDelivery();
  worker.published(worker.drained);
  assert.ok(ring.shows(d1), 'published after its drain');
  assert.not.ok(ring.shows(d2), 'the next delivery came after that drain');
  worker.drain(v, q);
  worker.published(worker.drained);
  assert.ok(ring.shows(d2));
  assert.is(v[1], 8);
});

test.run();
