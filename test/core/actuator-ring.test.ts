// The SPSC ring that carries a network PLC's actuator values to the physics worker.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ActuatorRing } from '../../core/engine/actuator-ring.ts';

test('values arrive in order with their quality', () => {
  const ring = new ActuatorRing(8);
  const v = new Float64Array(4);
  const q = new Uint8Array(4);
  assert.ok(ring.push(1, 3.5, 0));
  assert.ok(ring.push(2, 1, 2));
  assert.ok(ring.push(1, 4.5, 0)); // a later value of the same signal wins
  assert.is(ring.drain(v, q), 3);
  assert.equal([...v], [0, 4.5, 1, 0]);
  assert.equal([...q], [0, 0, 2, 0]);
  assert.is(ring.drain(v, q), 0);
});

test('a full ring refuses and counts, never overwrites unread values', () => {
  const ring = new ActuatorRing(4); // holds capacity - 1
  assert.ok(ring.push(0, 1, 0));
  assert.ok(ring.push(0, 2, 0));
  assert.ok(ring.push(0, 3, 0));
  assert.not.ok(ring.push(0, 4, 0));
  assert.is(ring.dropped, 1);
  const v = new Float64Array(1);
  assert.is(ring.drain(v, new Uint8Array(1)), 3);
  assert.is(v[0], 3);
  assert.ok(ring.push(0, 5, 0), 'room again after a drain (wrap-around)');
});

test('the same memory seen from another view (as the worker attaches it)', () => {
  const a = new ActuatorRing(16);
  const b = new ActuatorRing(16, a.buffer);
  for (let k = 0; k < 40; k++) {
    a.push(k % 3, k, 0);
    const v = new Float64Array(3);
    assert.is(b.drain(v, new Uint8Array(3)), 1);
    assert.is(v[k % 3], k);
  }
});

test.run();
