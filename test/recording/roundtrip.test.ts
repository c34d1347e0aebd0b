// Round trip of the recording format: frames written by RecordingWriter read back bit for bit
// (NaN payloads, -0, infinities, subnormals, quality) over many blocks, at every frame and at
// times between frames; a reset (sim time going back) keeps the recording time increasing;
// series sampling; the byte-level XOR value codec against hand-made bytes.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BlockDecoder } from '../../core/recording/block-decoder.ts';
import { writeXorValue } from '../../core/recording/format.ts';
import { Recording, RecordingWriter, type RecordedSignal } from '../../core/recording/index.ts';

const root = mkdtempSync(join(tmpdir(), 'twinloop-rec-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

const N = 40;
const FRAMES = 600;
const signals: RecordedSignal[] = Array.from({ length: N }, (_, i) => ({ name: `s${i}`, type: i % 3 === 0 ? 'bool' : 'real', kind: 'state', unit: i % 2 ? 'm' : '' }));

// Special values, with two distinct NaN payloads (bit patterns set through a Uint32 view).
const special = new Float64Array(6);
const sw = new Uint32Array(special.buffer);
sw[0] = 0x00000001; sw[1] = 0x7ff80000; // quiet NaN, payload 1
sw[2] = 0xdeadbeef; sw[3] = 0xfff00001; // negative signalling-style NaN
special[2] = -0;
special[3] = -Infinity;
special[4] = 5e-324; // smallest subnormal
special[5] = Number.MAX_VALUE;

/** Deterministic frame content: some signals change every frame, some rarely, some special. */
function fill(k: number, v: Float64Array, q: Uint8Array): void {
  for (let i = 0; i < N; i++) {
    if (i % 3 === 0) v[i] = (k >> (i % 5)) & 1;
    else if (i < 6) v[i] = special[(k + i) % special.length]!;
    else if (i % 7 === 0) v[i] = Math.floor(k / 50);
    else v[i] = Math.sin(k * 0.01 * i) * 1000 + i;
    q[i] = i === 10 ? (k % 100 < 50 ? 0 : 2) : i === 11 ? (k % 33) % 3 : 0;
  }
}

function bitsEqual(a: Float64Array, b: Float64Array, what: string): void {
  const wa = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
  const wb = new Uint32Array(b.buffer, b.byteOffset, b.length * 2);
  for (let i = 0; i < wa.length; i++) if (wa[i] !== wb[i]) assert.unreachable(`${what}: signal ${i >> 1} differs: ${a[i >> 1]} vs ${b[i >> 1]}`);
}

interface Truth { tick: number; time: number; t: number; v: Float64Array; q: Uint8Array }
const truth: Truth[] = [];
let id = '';

test('write 600 frames over many blocks, with a reset halfway', async () => {
  let wall = 1_700_000_000_000;
  // 20 ms of wall time per frame, 0.5 s blocks: 25 frames per block.
  const w = RecordingWriter.create({ root, signals, meta: { line: 'rt' }, blockSeconds: 0.5, now: () => wall });
  id = w.id;
  const v = new Float64Array(N);
  const q = new Uint8Array(N);
  let t = 0;
  for (let k = 0; k < FRAMES; k++) {
    fill(k, v, q);
    // Ticks of 1 ms, frames every 20 ticks; at k = 300 the run resets to tick 0.
    const tick = k < 300 ? k * 20 : (k - 300) * 20;
    const time = tick / 1000;
    if (k === 300) t = truth[truth.length - 1]!.t; // recording time continues
    else if (k > 0) t += 0.02;
    truth.push({ tick, time, t, v: v.slice(), q: q.slice() });
    w.append(tick, time, v, q);
    wall += 20;
  }
  await w.close();
  const s = w.stats();
  assert.is(s.frames, FRAMES);
  assert.ok(s.blocks >= 23, `blocks: ${s.blocks}`);
});

test('every frame reads back bit-identical, in order (frames iterator)', () => {
  const rec = Recording.open(join(root, id));
  try {
    assert.is(rec.truncated, undefined);
    assert.is(rec.summary().frames, FRAMES);
    assert.is(rec.signals.length, N);
    assert.is(rec.meta.line, 'rt');
    let k = 0;
    for (const f of rec.frames(-Infinity, Infinity)) {
      const want = truth[k]!;
      assert.is(f.tick, want.tick, `tick of frame ${k}`);
      assert.ok(Object.is(f.time, want.time), `time of frame ${k}`);
      bitsEqual(f.values, want.v, `frame ${k}`);
      assert.equal([...f.quality], [...want.q], `quality of frame ${k}`);
      k++;
    }
    assert.is(k, FRAMES);
  } finally {
    rec.close();
  }
});

test('frameAt: random times, backwards and forwards, give the frame in force', () => {
  const rec = Recording.open(join(root, id));
  try {
    let seed = 7;
    for (let i = 0; i < 300; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const k = seed % FRAMES;
      // Between frame k and k+1 (except across the reset, where two frames share t).
      const want = truth[k]!;
      const next = truth[k + 1];
      if (next !== undefined && next.t === want.t) continue;
      const f = rec.frameAt(want.t + 0.005)!;
      assert.is(f.tick, want.tick, `tick at frame ${k}`);
      bitsEqual(f.values, want.v, `frameAt ${k}`);
      assert.equal([...f.quality], [...want.q]);
    }
    // Before the start: the first frame.
    assert.is(rec.frameAt(-5)!.tick, 0);
  } finally {
    rec.close();
  }
});

test('recording time keeps increasing across the reset; series samples it', () => {
  const rec = Recording.open(join(root, id));
  try {
    let last = -Infinity;
    for (const f of rec.frames(-Infinity, Infinity)) {
      assert.ok(f.t >= last);
      last = f.t;
    }
    assert.is(rec.from, 0);
    assert.ok(Math.abs(rec.to - truth[FRAMES - 1]!.t) < 1e-9);
    const s = rec.series([7, 14], rec.from, rec.to, 50);
    assert.ok(s.t.length >= 45 && s.t.length <= 50, `points: ${s.t.length}`);
    for (let i = 1; i < s.t.length; i++) assert.ok(s.t[i]! >= s.t[i - 1]!);
    // All frames when max exceeds the frame count.
    assert.is(rec.series([7], rec.from, rec.to, 100_000).t.length, FRAMES - 1); // two frames share t at the reset
  } finally {
    rec.close();
  }
});

test('value codec: counters and booleans take 2 bytes, identical values 1', () => {
  const buf = new Uint8Array(16);
  const v = new Float64Array([5, 6, 1]);
  const w = new Uint32Array(v.buffer);
  // 5.0 -> 6.0: XOR 0x000c000000000000: one byte after one leading zero byte.
  assert.is(writeXorValue(buf, 0, w[3]!, w[2]!, w[1]!, w[0]!), 2);
  assert.equal([...buf.subarray(0, 2)], [0x11, 0x0c]);
  // 0 -> 1.0 (0x3ff0000000000000): two bytes.
  assert.is(writeXorValue(buf, 0, w[5]!, w[4]!, 0, 0), 3);
  assert.equal([...buf.subarray(0, 3)], [0x02, 0x3f, 0xf0]);
  assert.is(writeXorValue(buf, 0, w[5]!, w[4]!, w[5]!, w[4]!), 1);
  assert.is(buf[0], 0x80);
});

test('decoder refuses a delta frame first and an id beyond the catalog', () => {
  const dec = new BlockDecoder(2);
  const payload = new Uint8Array(40 + 1 + 1 + 8 + 4);
  new DataView(payload.buffer).setUint32(0, 1, true);
  payload[40] = 0; // delta flags on the first frame
  dec.load(payload, 'hand-made');
  assert.throws(() => dec.next(), /not a keyframe/);
});

test.run();
