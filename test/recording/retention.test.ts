// Segments, size cap and retention: a recording rotates into several segment files at the
// segment size and reads back across them as one; the folder stays under its total cap by
// deleting the oldest segments (never the one being written); recordings older than the age
// limit are deleted with their folder; a recording whose first segments are gone still opens.

import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Recording, RecordingLibrary, RecordingWriter, type RecordedSignal } from '../../core/recording/index.ts';

const root = mkdtempSync(join(tmpdir(), 'twinloop-rec-ret-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

const N = 200;
const signals: RecordedSignal[] = Array.from({ length: N }, (_, i) => ({ name: `x${i}`, type: 'real', kind: 'state', unit: 'm' }));

/** Write `frames` frames, every value changing, 20 ms of fake wall time each. */
async function write(id: string, frames: number, opts: { segmentBytes: number; maxTotalBytes?: number; maxAgeMs?: number; now?: () => number }): Promise<RecordingWriter> {
  let wall = opts.now?.() ?? Date.now();
  const w = RecordingWriter.create({
    root,
    id,
    signals,
    segmentBytes: opts.segmentBytes,
    blockSeconds: 0.2,
    retention: { ...(opts.maxTotalBytes !== undefined ? { maxTotalBytes: opts.maxTotalBytes } : {}), ...(opts.maxAgeMs !== undefined ? { maxAgeMs: opts.maxAgeMs } : {}) },
    now: () => wall,
  });
  const v = new Float64Array(N);
  const q = new Uint8Array(N);
  for (let k = 0; k < frames; k++) {
    for (let i = 0; i < N; i++) v[i] = k * 1000 + i + 0.1;
    w.append(k, k * 0.02, v, q);
    wall += 20;
  }
  await w.close();
  return w;
}

const segs = (id: string): string[] => readdirSync(join(root, id)).filter((n) => n.endsWith('.tlrec')).sort();
const total = (): number => readdirSync(root).flatMap((d) => segs(d).map((s) => statSync(join(root, d, s)).size)).reduce((a, b) => a + b, 0);

test('rotation: segments of ~64 KiB, read back across them as one recording', async () => {
  const w = await write('a-rotated', 500, { segmentBytes: 64 * 1024 });
  assert.ok(w.stats().segments >= 5, `segments: ${w.stats().segments}`);
  assert.is(segs('a-rotated').length, w.stats().segments);
  const rec = Recording.open(join(root, 'a-rotated'));
  try {
    assert.is(rec.summary().segments, w.stats().segments);
    assert.is(rec.summary().frames, 500);
    let k = 0;
    for (const f of rec.frames(-Infinity, Infinity)) {
      assert.is(f.tick, k);
      assert.is(f.values[N - 1], k * 1000 + N - 1 + 0.1);
      k++;
    }
    assert.is(k, 500);
    assert.is(rec.frameAt(4.5)!.tick, 225);
  } finally {
    rec.close();
  }
});

test('total cap: the oldest segments go first, the newest recording stays whole', async () => {
  const cap = 400 * 1024;
  await write('b-capped', 1000, { segmentBytes: 64 * 1024, maxTotalBytes: cap });
  // The cap holds after the last rotation, give or take the segment being written.
  assert.ok(total() <= cap + 64 * 1024 + 64 * 1024, `total ${total()} bytes, cap ${cap}`);
  assert.not.ok(existsSync(join(root, 'a-rotated')), 'the older recording was deleted first');
  // b lost its first segments but opens and reads from its first remaining one.
  const names = segs('b-capped');
  assert.ok(names[0] !== 'seg-000001.tlrec', `first remaining: ${names[0]}`);
  const rec = Recording.open(join(root, 'b-capped'));
  try {
    assert.ok(rec.from > 0);
    const last = rec.frameAt(Infinity)!;
    assert.is(last.tick, 999);
  } finally {
    rec.close();
  }
});

test('age: segments older than the limit are deleted with their folder', async () => {
  await write('c-old', 50, { segmentBytes: 1 << 20 });
  const old = (Date.now() - 10 * 24 * 3600_000) / 1000;
  for (const s of segs('c-old')) utimesSync(join(root, 'c-old', s), old, old);
  await write('d-new', 50, { segmentBytes: 1 << 20, maxAgeMs: 7 * 24 * 3600_000 });
  assert.not.ok(existsSync(join(root, 'c-old')));
  assert.ok(existsSync(join(root, 'd-new')));
  const list = new RecordingLibrary(root).list();
  assert.ok(list.some((r) => r.id === 'd-new'));
  assert.not.ok(list.some((r) => r.id === 'c-old'));
});

test('recordings are written for the owner only: folder 0700, segments 0600 (issue 17, finding 6)', async () => {
  await write('perm', 20, { segmentBytes: 64 * 1024 });
  assert.is(statSync(join(root, 'perm')).mode & 0o777, 0o700);
  for (const seg of segs('perm')) assert.is(statSync(join(root, 'perm', seg)).mode & 0o777, 0o600, seg);
});

test('bad options are refused with CFG_INVALID', () => {
  assert.throws(() => RecordingWriter.create({ root, signals, id: '../escape' }), /may hold letters/);
  assert.throws(() => RecordingWriter.create({ root, signals, segmentBytes: 10 }), /segmentBytes/);
});

test.run();
