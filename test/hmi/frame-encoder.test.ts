// Unit tests of the frame encoder with the page's own decoder: deltas carry exactly the changed
// ids, keyframes everything, quality changes count as changes, NaN does not repeat, and the
// byte views survive the decoder's unaligned bin slices.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ValuesFrame } from '../../hmi/protocol.ts';
import { FrameEncoder } from '../../hmi/server/frame-encoder.ts';
import { decodeFrame, ValuesScratch } from '../../hmi/web/src/frame-decoder.ts';

function read(bytes: Uint8Array, size: number): { frame: ValuesFrame; ids: number[]; values: number[]; quality: number[] } {
  const frame = decodeFrame(bytes) as ValuesFrame;
  assert.is(frame.t, 'values');
  const s = new ValuesScratch(size);
  const n = s.read(frame);
  return { frame, ids: [...s.ids.subarray(0, n)], values: [...s.values.subarray(0, n)], quality: [...s.quality.subarray(0, n)] };
}

test('delta carries changed ids only; keyframe carries all as sent', () => {
  const enc = new FrameEncoder(5);
  const q = new Uint8Array(5);
  enc.current.set([1, 2, 3, 4, 5]);
  assert.is(enc.diff(q), 5);
  enc.current.set([1, 2.5, 3, 4, -5]);
  const n = enc.diff(q);
  assert.is(n, 2);
  const d = read(enc.encodeDelta(n, 100, 0.1), 5);
  assert.equal(d.ids, [1, 4]);
  assert.equal(d.values, [2.5, -5]);
  assert.is(d.frame.key, false);
  assert.is(d.frame.tick, 100);
  assert.is(d.frame.seq, 2);
  const k = read(enc.encodeKey(100, 0.1), 5);
  assert.is(k.frame.key, true);
  assert.equal(k.ids, [0, 1, 2, 3, 4]);
  assert.equal(k.values, [1, 2.5, 3, 4, -5]);
  assert.is(k.frame.seq, 2, 'a keyframe carries the seq of the cycle it reflects');
});

test('quality change is a change; unchanged NaN is not', () => {
  const enc = new FrameEncoder(3);
  const q = new Uint8Array(3);
  enc.current.set([NaN, 1, 2]);
  enc.diff(q);
  assert.is(enc.diff(q), 0, 'NaN stays NaN: no change');
  q[2] = 2;
  assert.is(enc.diff(q), 1);
  const d = read(enc.encodeDelta(1, 1, 0), 3);
  assert.equal(d.ids, [2]);
  assert.equal(d.quality, [2]);
});

test('nothing changed: zero-length delta still decodes', () => {
  const enc = new FrameEncoder(4);
  const q = new Uint8Array(4);
  enc.diff(q);
  const d = read(enc.encodeDelta(enc.diff(q), 7, 0.007), 4);
  assert.equal(d.ids, []);
  assert.is(d.frame.tick, 7);
});

test('decoder refuses inconsistent lengths and ids beyond the catalog', () => {
  const enc = new FrameEncoder(4);
  enc.current.set([1, 2, 3, 4]);
  enc.diff(new Uint8Array(4));
  const frame = decodeFrame(enc.encodeKey(1, 0)) as ValuesFrame;
  assert.throws(() => new ValuesScratch(3).read(frame), /inconsistent lengths/);
  const bad = { ...frame, ids: new Uint8Array(new Uint32Array([0, 1, 2, 99]).buffer) };
  assert.throws(() => new ValuesScratch(4).read(bad), /beyond the catalog/);
});

test('10k signals: keyframe bytes are ~13 per signal', () => {
  const enc = new FrameEncoder(10_000);
  for (let i = 0; i < 10_000; i++) enc.current[i] = i * 0.5;
  enc.diff(new Uint8Array(10_000));
  const bytes = enc.encodeKey(1, 0);
  assert.ok(bytes.byteLength > 130_000 && bytes.byteLength < 131_000, String(bytes.byteLength));
  const k = read(bytes, 10_000);
  assert.is(k.values[9999], 9999 * 0.5);
});

test.run();
