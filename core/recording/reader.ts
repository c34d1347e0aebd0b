// Reading a recording: all its segments, in order, indexed by block (time range, file offset).
// frameAt(t) finds the block holding t (its keyframe gives the full state) and applies deltas up
// to the last frame at or before t; moving forward reuses the decoded state, so playing and
// CSV export decode each frame once. A recording still being written is picked up by refresh().

import { closeSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { TwinloopError } from '../errors.ts';
import { BlockDecoder } from './block-decoder.ts';
import { LITTLE_ENDIAN, SEGMENT_SUFFIX, type RecordedSignal, type RecordingMeta, type SegmentHeader } from './format.ts';
import { openSegment, readAt, scanBlocks, type BlockRef, type Truncation } from './segment-scan.ts';

export type { Truncation };

export interface OpenOptions {
  /** 'full' (default) CRC-checks every block at open; 'tail' only the length chain and each segment's last block. */
  readonly verify?: 'full' | 'tail';
}

/** One frame as the reader holds it: valid until the next call on the same Recording. */
export interface RecordedFrame {
  /** Recording time, s (sim time, continued across resets). */
  readonly t: number;
  /** Sim time, s, as the run reported it. */
  readonly time: number;
  readonly tick: number;
  readonly values: Float64Array;
  readonly quality: Uint8Array;
}

/** What a recording holds, for lists and the HMI. */
export interface RecordingSummary {
  readonly id: string;
  readonly line: string;
  /** First and last recording time, s (NaN when no block is readable yet). */
  readonly from: number;
  readonly to: number;
  /** Wall time of the first and last block, ms since the epoch. */
  readonly wallStart: number;
  readonly wallEnd: number;
  readonly bytes: number;
  readonly segments: number;
  readonly blocks: number;
  readonly frames: number;
  readonly signals: number;
  /** Where reading stopped early (a torn last block after a crash), if it did. */
  readonly truncated: Truncation | null;
}

interface Segment {
  readonly path: string;
  readonly fd: number;
  readonly header: SegmentHeader;
  /** Offset after the last good block. */
  end: number;
}

export class Recording {
  readonly id: string;
  readonly dir: string;
  readonly signals: readonly RecordedSignal[];
  readonly meta: RecordingMeta;
  readonly #segments: Segment[] = [];
  readonly #blocks: BlockRef[] = [];
  readonly #verify: boolean;
  readonly #dec: BlockDecoder;
  readonly #ids: Map<string, number>;
  #truncated: Truncation | undefined;
  #loaded = -1;
  #payload = Buffer.alloc(0);
  #closed = false;

  /**
   * Open the recording in folder `dir` (every `*.tlrec` segment in name order).
   * @throws TwinloopError REC_NOT_FOUND when there is no readable segment; REC_CORRUPT when the first header is bad
   */
  static open(dir: string, opts: OpenOptions = {}): Recording {
    if (!LITTLE_ENDIAN) throw new TwinloopError('REC_NOT_FOUND', 'recordings need a little-endian host');
    const first = segmentNames(dir)[0];
    if (first === undefined) throw new TwinloopError('REC_NOT_FOUND', `no recording segments in ${dir}`);
    const seg = openSegment(join(dir, first));
    return new Recording(dir, seg, opts.verify !== 'tail');
  }

  private constructor(dir: string, first: { fd: number; header: SegmentHeader; dataStart: number }, verify: boolean) {
    this.dir = dir;
    this.id = first.header.id;
    this.signals = first.header.signals;
    this.meta = first.header.meta ?? {};
    this.#verify = verify;
    this.#dec = new BlockDecoder(this.signals.length);
    this.#ids = new Map(this.signals.map((s, i) => [s.name, i]));
    this.#segments.push({ path: join(dir, segmentNames(dir)[0]!), fd: first.fd, header: first.header, end: first.dataStart });
    this.refresh();
  }

  /** Pick up blocks and segments written since open (a recording in progress). */
  refresh(): void {
    if (this.#closed) return;
    // A truncation at the end of the last segment may be a block being written: look again.
    if (this.#truncated !== undefined && this.#truncated.path !== this.#segments[this.#segments.length - 1]!.path) return;
    this.#truncated = undefined;
    for (;;) {
      const si = this.#segments.length - 1;
      const seg = this.#segments[si]!;
      const r = scanBlocks(seg.fd, seg.path, si, seg.end, this.#verify, this.#blocks);
      seg.end = r.end;
      if (r.truncation !== undefined) {
        this.#truncated = r.truncation;
        return;
      }
      const names = segmentNames(this.dir);
      const at = names.indexOf(seg.path.slice(this.dir.length + 1));
      const nextName = names[at + 1];
      if (nextName === undefined) return;
      let next: ReturnType<typeof openSegment>;
      try {
        next = openSegment(join(this.dir, nextName));
      } catch (err) {
        // A segment whose header is torn (a crash right at rotation) ends the recording.
        this.#truncated = { path: join(this.dir, nextName), offset: 0, reason: (err as Error).message };
        return;
      }
      if (next.header.signals.length !== this.signals.length) {
        closeSync(next.fd);
        this.#truncated = { path: join(this.dir, nextName), offset: 0, reason: 'segment has a different catalog' };
        return;
      }
      this.#segments.push({ path: join(this.dir, nextName), fd: next.fd, header: next.header, end: next.dataStart });
    }
  }

  /** Where reading stopped early, if it did. */
  get truncated(): Truncation | undefined {
    return this.#truncated;
  }

  /** First and last recording time, s (NaN when empty). */
  get from(): number {
    return this.#blocks[0]?.firstT ?? NaN;
  }

  get to(): number {
    return this.#blocks[this.#blocks.length - 1]?.lastT ?? NaN;
  }

  get blockCount(): number {
    return this.#blocks.length;
  }

  summary(): RecordingSummary {
    let frames = 0;
    for (const b of this.#blocks) frames += b.frames;
    let bytes = 0;
    for (const s of this.#segments) bytes += s.end;
    const last = this.#blocks[this.#blocks.length - 1];
    return {
      id: this.id,
      line: typeof this.meta.line === 'string' ? this.meta.line : '',
      from: this.from,
      to: this.to,
      wallStart: this.#blocks[0]?.wallStart ?? this.#segments[0]!.header.created,
      wallEnd: last?.wallEnd ?? this.#segments[0]!.header.created,
      bytes,
      segments: this.#segments.length,
      blocks: this.#blocks.length,
      frames,
      signals: this.signals.length,
      truncated: this.#truncated ?? null,
    };
  }

  /** Signal id by name. @throws TwinloopError REC_QUERY for an unknown name */
  signalId(name: string): number {
    const id = this.#ids.get(name);
    if (id === undefined) throw new TwinloopError('REC_QUERY', `recording ${this.id} has no signal ${JSON.stringify(name)}`);
    return id;
  }

  /**
   * The state at recording time t: the last frame at or before t (the first frame when t is
   * before the start). Undefined when the recording has no block yet. The returned frame's
   * arrays belong to the reader and change on the next call.
   * @throws TwinloopError REC_CORRUPT when a block fails its CRC (only possible with verify 'tail')
   */
  frameAt(t: number): RecordedFrame | undefined {
    const blocks = this.#blocks;
    if (blocks.length === 0) return undefined;
    const b = this.#blockFor(t);
    const dec = this.#dec;
    if (b !== this.#loaded || !(dec.t <= t)) this.#load(b);
    while (dec.remaining > 0 && dec.peekT() <= t) dec.next();
    return dec;
  }

  /**
   * Every frame with from <= t <= to, in order. The same frame object is yielded each time
   * (its values change): copy what you keep.
   */
  *frames(from: number, to: number): Generator<RecordedFrame> {
    const first = this.frameAt(from);
    if (first === undefined) return;
    const dec = this.#dec;
    let b = this.#loaded;
    if (dec.t < from && !this.#step()) return;
    b = this.#loaded;
    while (dec.t <= to) {
      yield dec;
      // A consumer may have moved the reader (frameAt) between yields: put it back.
      if (this.#loaded !== b) return;
      if (!this.#step()) return;
      b = this.#loaded;
    }
  }

  /**
   * Sampled series of some signals over [from, to], at most `max` points (sample-and-hold: at
   * each of `max` evenly spaced times, the frame in force then; repeated frames are dropped).
   * Long ranges decode only what they need: a jump past a block starts at the next keyframe.
   */
  series(ids: readonly number[], from: number, to: number, max: number): { t: Float64Array; values: Float64Array[] } {
    if (!(to >= from) || !(max >= 1)) throw new TwinloopError('REC_QUERY', `series needs from <= to and max >= 1, got from ${from}, to ${to}, max ${max}`);
    for (const id of ids) if (!(id >= 0 && id < this.signals.length)) throw new TwinloopError('REC_QUERY', `signal id ${id} is out of range`);
    const cap = Math.min(max, 100_000);
    const ts = new Float64Array(cap);
    const vs = ids.map(() => new Float64Array(cap));
    let n = 0;
    let lastBlock = -1;
    let lastFrame = -1;
    const width = cap > 1 ? (to - from) / (cap - 1) : 0;
    for (let k = 0; k < cap; k++) {
      const f = this.frameAt(from + k * width);
      if (f === undefined) break;
      if (this.#loaded === lastBlock && this.#dec.frame === lastFrame) continue;
      lastBlock = this.#loaded;
      lastFrame = this.#dec.frame;
      ts[n] = f.t;
      for (let j = 0; j < ids.length; j++) vs[j]![n] = f.values[ids[j]!]!;
      n++;
      if (width === 0) break;
    }
    return { t: ts.subarray(0, n), values: vs.map((v) => v.subarray(0, n)) };
  }

  /** Close the segment files. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of this.#segments) closeSync(s.fd);
  }

  /** Advance one frame, into the next block when this one is done. */
  #step(): boolean {
    if (this.#dec.next()) return true;
    if (this.#loaded + 1 >= this.#blocks.length) return false;
    this.#load(this.#loaded + 1);
    return true;
  }

  /** Index of the last block whose first frame is at or before t (0 when t is before all). */
  #blockFor(t: number): number {
    const blocks = this.#blocks;
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (blocks[mid]!.firstT <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Read, check and start decoding block b; applies its keyframe. */
  #load(b: number): void {
    const ref = this.#blocks[b]!;
    const seg = this.#segments[ref.seg]!;
    if (this.#payload.length < ref.length) this.#payload = Buffer.alloc(Math.max(ref.length, this.#payload.length * 2));
    const payload = this.#payload.subarray(0, ref.length);
    const what = `${seg.path} block at ${ref.offset - 8}`;
    if (readAt(seg.fd, payload, ref.length, ref.offset) < ref.length || (!this.#verify && crc32(payload) !== ref.crc)) {
      throw new TwinloopError('REC_CORRUPT', `${what}: fails its CRC or is truncated`);
    }
    this.#loaded = b;
    this.#dec.load(payload, what);
    this.#dec.next();
  }
}

/** Segment file names of a recording folder, in order. */
export function segmentNames(dir: string): string[] {
  if (!existsSync(dir)) return [];
  try {
    return readdirSync(dir).filter((n) => n.endsWith(SEGMENT_SUFFIX)).sort();
  } catch {
    return [];
  }
}
