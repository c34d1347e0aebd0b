// Recording benchmark: a 1000-signal line (20 % bools, 10 % counters, 70 % reals) recorded at
// 50 Hz, for a realistic change rate (10 % of the signals change per frame, reals as random
// walks) and the worst case (every signal changes every frame). For each: main-thread cost per
// appended frame (µs), frames/s and MB/s a RecordingWriter sustains through real files
// (page cache + fdatasync), bytes per frame and the size of one hour at 50 Hz. Baselines in the
// same run: the same bytes written raw (no encoding) in the same 1 s blocks, and the size of
// the raw frames (f64 + quality byte per signal, no delta). Inputs are built before timing;
// bounded to ~10 s. Run alone: node --import tsx bench/recording.ts

import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingWriter, type RecordedSignal } from '../core/recording/index.ts';

const N = 1000;
const RATE_HZ = 50;
const FRAMES = 2000; // distinct precomputed frames (40 s of recording), replayed in a loop
const BUDGET_MS = 2500; // per case
const MAX_FRAMES = 200_000;

const signals: RecordedSignal[] = Array.from({ length: N }, (_, i) => ({
  name: `line.sig${i}`,
  type: i % 10 < 2 ? 'bool' : i % 10 === 2 ? 'int' : 'real',
  kind: 'state',
  unit: '',
}));

/** Deterministic PRNG (mulberry32): the same frames on every run and machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FRAMES frames of N values; `share` of the signals change per frame. */
function makeFrames(share: number): Float64Array[] {
  const rnd = prng(42);
  const v = new Float64Array(N);
  for (let i = 0; i < N; i++) v[i] = signals[i]!.type === 'real' ? 100 * rnd() : 0;
  const out: Float64Array[] = [];
  for (let k = 0; k < FRAMES; k++) {
    for (let i = 0; i < N; i++) {
      if (share < 1 && rnd() >= share) continue;
      const t = signals[i]!.type;
      v[i] = t === 'bool' ? 1 - v[i]! : t === 'int' ? v[i]! + 1 : v[i]! + (rnd() - 0.5) * 0.1;
    }
    out.push(v.slice());
  }
  return out;
}

interface Result {
  frames: number;
  ms: number;
  bytes: number;
}

/** Append frames through a real RecordingWriter, 20 ms of simulated wall time each. */
function runWriter(dir: string, frames: readonly Float64Array[]): Result {
  let wall = 0;
  const w = RecordingWriter.create({ root: dir, id: 'bench', signals, now: () => wall, retention: { maxTotalBytes: 8 * 1024 ** 3 } });
  const q = new Uint8Array(N);
  const t0 = performance.now();
  let k = 0;
  for (; k < MAX_FRAMES && (k % 500 !== 0 || performance.now() - t0 < BUDGET_MS); k++) {
    w.append(k * 20, k * 0.02, frames[k % FRAMES]!, q);
    wall += 1000 / RATE_HZ;
  }
  w.flush();
  const ms = performance.now() - t0;
  const bytes = w.stats().bytes;
  void w.close();
  return { frames: k, ms, bytes };
}

/** Baseline: write `bytes` raw in the same one-second chunks (no encoding), fdatasync per chunk. */
function runRaw(dir: string, bytes: number, frames: number): number {
  const chunk = Buffer.alloc(Math.max(1, Math.round((bytes / frames) * RATE_HZ)), 7);
  const fd = openSync(join(dir, 'raw.bin'), 'w');
  const t0 = performance.now();
  let written = 0;
  while (written < bytes) {
    written += writeSync(fd, chunk);
  }
  // The writer syncs once per block off the event loop; count one sync at the end here.
  fdatasyncSync(fd);
  const ms = performance.now() - t0;
  closeSync(fd);
  return ms;
}

const mb = (b: number): string => (b / 1e6).toFixed(1);

export async function recordingBench(log: (s: string) => void): Promise<void> {
  log(`1000 signals at ${RATE_HZ} Hz; frames precomputed; writer with 1 s blocks into ${tmpdir()}`);
  for (const [label, share] of [
    ['10 % change per frame', 0.1],
    ['all change (worst case)', 1],
  ] as const) {
    const frames = makeFrames(share);
    const dir = mkdtempSync(join(tmpdir(), 'twinloop-bench-rec-'));
    try {
      const r = runWriter(dir, frames);
      await new Promise((res) => setTimeout(res, 50)); // let the last async syncs finish
      const perFrame = r.bytes / r.frames;
      const rawMs = runRaw(dir, r.bytes, r.frames);
      const rawFrame = N * 9;
      log(`${label}:`);
      log(`  recorder   ${(r.frames / (r.ms / 1000)).toFixed(0)} frames/s, ${mb(r.bytes / (r.ms / 1000))} MB/s, ${((r.ms * 1000) / r.frames).toFixed(1)} µs per frame (${((r.ms * 1000 * RATE_HZ) / r.frames / 1e4).toFixed(2)} % of one core at ${RATE_HZ} Hz)`);
      log(`  baseline   raw write of the same ${mb(r.bytes)} MB in 1 s chunks: ${mb(r.bytes / (rawMs / 1000))} MB/s (${((rawMs * 1000) / r.frames).toFixed(1)} µs per frame's bytes)`);
      log(`  size       ${perFrame.toFixed(0)} B/frame -> ${mb(perFrame * RATE_HZ * 3600)} MB per hour at ${RATE_HZ} Hz; raw frames (f64 + quality, no delta) ${rawFrame} B -> ${mb(rawFrame * RATE_HZ * 3600)} MB per hour`);
      log(`  on disk    ${mb(statSync(join(dir, 'bench', 'seg-000001.tlrec')).size)} MB in the first segment for ${r.frames} frames`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await recordingBench((s) => console.log(s));
