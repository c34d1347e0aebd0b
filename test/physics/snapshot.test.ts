// Snapshot and restore: a model restored from a snapshot (into itself or into a fresh model
// of the same line) continues bit-identically — items, wear, random streams, dead-time rings,
// faults and all. A snapshot of another line is refused and leaves the model untouched.

import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import type { LineFile } from '../../physics/model.ts';
import { isTwinloopError } from '../../core/errors.ts';
import { driveFurnaceLine, hashValues, rig, sortingLine } from './harness.ts';
import type { Rig } from './harness.ts';

const furnace = parse(readFileSync(new URL('../../examples/furnace.yaml', import.meta.url), 'utf8')) as LineFile;


function trace(r: Rig, steps: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < steps; k++) {
    // The door cycles on a tick pattern so the compressor loads and unloads.
    r.set('door.extend', Math.floor(r.model.tick / 3000) % 2);
    r.model.step();
    if (k % 50 === 0) out.push(hashValues(r.values));
  }
  out.push(hashValues(r.values));
  return out;
}

test('a restored model continues bit-identically (fresh model and same model)', () => {
  const a = rig(furnace);
  driveFurnaceLine(a);
  a.run(120_000); // 2 min: items on the belts, the zone warming, wear and energy accrued
  a.model.injectFault({ target: 'signal', signal: 'tt1.value', kind: 'noise', value: 2 });
  a.model.injectFault({ target: 'signal', signal: 'peDoor.blocked', kind: 'delay', value: 0.2 });
  a.model.injectFault({ target: 'component', component: 'mHearth', kind: 'bearing-wear', severity: 0.3 });
  a.run(5000);
  const snap = a.model.snapshot();
  const tick = a.model.tick;
  const ref = trace(a, 20_000);
  assert.ok(a.model.inspectItems().length > 0, 'items on the line');

  const b = rig(furnace);
  b.model.restore(snap);
  assert.is(b.model.tick, tick);
  assert.equal(b.model.faults(), a.model.faults());
  assert.equal(trace(b, 20_000), ref, 'fresh model continues identically');

  a.model.restore(snap);
  assert.equal(trace(a, 20_000), ref, 'same model rewinds and continues identically');
});

test('reset repeats the run exactly (random streams, dead-time rings, faults re-armed)', () => {
  const l: LineFile = { ...furnace, faults: [{ signal: 'tt1.value', kind: 'noise', value: 1, at: 1 }] };
  const a = rig(l);
  driveFurnaceLine(a);
  const first = trace(a, 30_000);
  a.model.reset();
  driveFurnaceLine(a);
  assert.equal(trace(a, 30_000), first);
});

test('a snapshot of another line is refused; the model is unchanged', () => {
  const a = rig(furnace);
  driveFurnaceLine(a);
  a.run(1000);
  const before = hashValues(a.values);
  const other = rig(sortingLine()).model.snapshot();
  assert.throws(() => a.model.restore(other), (e: unknown) => isTwinloopError(e, 'SNAPSHOT_INVALID'));
  assert.throws(() => a.model.restore(new Uint8Array(5)), (e: unknown) => isTwinloopError(e, 'SNAPSHOT_INVALID'));
  assert.is(hashValues(a.values), before);
  assert.is(a.model.tick, 1000);
});

test('a snapshot of an older format (version 1: signals in file order; 2: no source look-ahead; 3: no item offsets) is refused by its version', () => {
  const a = rig(furnace);
  a.run(10);
  const old = a.model.snapshot();
  // Same arrays, same sizes: only the version says the value array is in another order.
  const before = hashValues(a.values);
  for (const version of [1, 2, 3]) {
    new DataView(old.buffer, old.byteOffset).setUint32(4, version, true);
    assert.throws(() => a.model.restore(old), (e: unknown) => isTwinloopError(e, 'SNAPSHOT_INVALID') && new RegExp(`version ${version}, expected 4`).test((e as Error).message));
    assert.is(hashValues(a.values), before);
  }
});

test.run();
