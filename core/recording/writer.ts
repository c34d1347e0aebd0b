// RecordingWriter: appends frames (tick, sim time, every value, every quality) to a recording
// folder `<root>/<id>/` of segment files. Frames collect in one preallocated block; a block is
// written (one write(), then an fdatasync off the event loop) once it spans `blockSeconds` of
// wall time or is full, so a kill -9 loses at most the open block. Segments rotate at a size;
// retention deletes the oldest beyond a total cap and an age. Never throws from append():
// a write failure is logged, counted and the block dropped, and the run goes on.

import { mkdirSync, openSync, closeSync, fsync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { TwinloopError } from '../errors.ts';
import { BlockEncoder } from './block-encoder.ts';
import { LITTLE_ENDIAN, FORMAT_VERSION, SEGMENT_SUFFIX, type RecordedSignal, type RecordingMeta, type SegmentHeader } from './format.ts';
import { DEFAULT_RETENTION, enforceRetention, type RetentionPolicy } from './retention.ts';
import { SegmentFile } from './segment-file.ts';

export interface RecordingWriterOptions {
  /** The recordings folder (the CLI uses `<data dir>/recordings`); created if missing. */
  readonly root: string;
  /** The catalog, in signal-id order. */
  readonly signals: readonly RecordedSignal[];
  /** Folder name; default `<UTC time>-<line>` (name order = time order). Letters, digits, . _ - only. */
  readonly id?: string;
  readonly meta?: RecordingMeta;
  /** Wall seconds per block (the most a crash loses); default 1. */
  readonly blockSeconds?: number;
  /** Rotate to a new segment file beyond this size; default 64 MiB. */
  readonly segmentBytes?: number;
  /** Retention over the whole root folder; defaults in DEFAULT_RETENTION (2 GiB, 7 days). */
  readonly retention?: Partial<RetentionPolicy>;
  /** Wall clock, ms since the epoch (tests inject one). */
  readonly now?: () => number;
  readonly logger?: Logger;
}

/** Counters of a writer. */
export interface WriterStats {
  frames: number;
  blocks: number;
  /** Bytes written, headers included. */
  bytes: number;
  segments: number;
  /** Completed fdatasync calls. */
  syncs: number;
  /** Blocks lost to write errors. */
  failedBlocks: number;
  /** Segments deleted by retention. */
  deleted: number;
}

export const DEFAULT_BLOCK_SECONDS = 1;
export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** Is this a valid recording id (a plain folder name, no path)? */
export function isRecordingId(id: string): boolean {
  return ID_PATTERN.test(id) && !id.includes('..');
}

/** A default id: compact UTC time (sorts by time) and the line name. */
export function newRecordingId(now: number, line = 'run'): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace('.', '');
  const slug = line.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40) || 'run';
  return `${stamp}-${slug}`;
}

export class RecordingWriter {
  readonly id: string;
  /** The recording's folder. */
  readonly dir: string;
  readonly size: number;
  readonly #root: string;
  readonly #signals: readonly RecordedSignal[];
  readonly #meta: RecordingMeta;
  readonly #enc: BlockEncoder;
  readonly #blockMs: number;
  readonly #segmentBytes: number;
  readonly #retention: RetentionPolicy;
  readonly #now: () => number;
  readonly #log: Logger | undefined;
  // reuse: the values of the frame being appended, seen as words for the bitwise change test.
  readonly #values: Float64Array;
  readonly #bits: Uint32Array;
  readonly #timer: NodeJS.Timeout;
  #segment: SegmentFile | undefined;
  #segmentNo = 0;
  #retired: Promise<void>[] = [];
  #offset = 0;
  #lastT = -Infinity;
  #lastTime = -Infinity;
  #closed = false;
  #failedLogged = false;
  readonly #stats: WriterStats = { frames: 0, blocks: 0, bytes: 0, segments: 0, syncs: 0, failedBlocks: 0, deleted: 0 };

  /**
   * Create the recording folder and its first segment (header with the catalog).
   * @throws TwinloopError REC_WRITE when the folder or file cannot be created; CFG_INVALID for bad options
   * @example
   * const w = RecordingWriter.create({ root: 'data/recordings', signals: [{ name: 'a', type: 'real', kind: 'state', unit: '' }] });
   * w.append(0, 0, Float64Array.of(1.5), Uint8Array.of(0));
   * await w.close();
   */
  static create(opts: RecordingWriterOptions): RecordingWriter {
    return new RecordingWriter(opts);
  }

  private constructor(opts: RecordingWriterOptions) {
    if (!LITTLE_ENDIAN) throw new TwinloopError('REC_WRITE', 'recordings need a little-endian host');
    this.#now = opts.now ?? Date.now;
    const blockSeconds = opts.blockSeconds ?? DEFAULT_BLOCK_SECONDS;
    if (!(blockSeconds >= 0.01 && blockSeconds <= 60)) throw new TwinloopError('CFG_INVALID', `recording blockSeconds must be in 0.01..60, got ${blockSeconds}`);
    const segmentBytes = opts.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    if (!(segmentBytes >= 4096)) throw new TwinloopError('CFG_INVALID', `recording segmentBytes must be >= 4096, got ${segmentBytes}`);
    this.id = opts.id ?? newRecordingId(this.#now(), typeof opts.meta?.line === 'string' ? opts.meta.line : undefined);
    if (!isRecordingId(this.id)) throw new TwinloopError('CFG_INVALID', `recording id "${this.id}" may hold letters, digits, '.', '_' and '-' only`);
    this.#root = opts.root;
    this.dir = join(opts.root, this.id);
    this.#signals = opts.signals.map((s) => ({ name: s.name, type: s.type, kind: s.kind, unit: s.unit }));
    this.size = this.#signals.length;
    this.#meta = opts.meta ?? {};
    this.#blockMs = blockSeconds * 1000;
    this.#segmentBytes = segmentBytes;
    this.#retention = { ...DEFAULT_RETENTION, ...opts.retention };
    this.#log = opts.logger;
    this.#enc = new BlockEncoder(this.size);
    this.#values = new Float64Array(this.size);
    this.#bits = new Uint32Array(this.#values.buffer);
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new TwinloopError('REC_WRITE', `cannot create recording folder ${this.dir}: ${(err as Error).message}`, { cause: err });
    }
    this.#openSegment();
    // A paused run appends nothing: the open block must still reach the disk within ~a block.
    this.#timer = setInterval(() => this.#flushIfDue(), Math.max(10, this.#blockMs / 4));
    this.#timer.unref();
  }

  /** Frames, blocks, bytes, syncs ... so far. */
  stats(): WriterStats {
    return { ...this.#stats, syncs: this.#stats.syncs + (this.#segment?.syncs ?? 0) };
  }

  /** Path of the segment being written. */
  get segmentPath(): string | undefined {
    return this.#segment?.path;
  }

  /**
   * Append one frame. `values` and `quality` are read, not kept (pass the same arrays every
   * time). Sim time going backwards (a reset) keeps the recording's own time axis going: the
   * recording time t = time + offset never decreases. No allocation.
   */
  append(tick: number, time: number, values: Float64Array, quality: Uint8Array): void {
    if (this.#closed) return;
    if (time < this.#lastTime) this.#offset = this.#lastT - time;
    this.#lastTime = time;
    this.#lastT = time + this.#offset;
    if (values.length === this.size) this.#values.set(values);
    else for (let i = 0; i < this.size; i++) this.#values[i] = values[i]!; // no subarray view: no allocation
    const now = this.#now();
    const enc = this.#enc;
    if (enc.frames > 0 && (!enc.hasRoom || now - enc.wallStart >= this.#blockMs)) this.#writeBlock(now);
    enc.add(tick, time, this.#offset, this.#bits, quality, now);
    this.#stats.frames++;
  }

  /** Write the open block now (the timer does this within a block's time anyway). */
  flush(): void {
    if (this.#enc.frames > 0) this.#writeBlock(this.#now());
  }

  /** Write the open block, fdatasync and close the segment. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    clearInterval(this.#timer);
    if (this.#segment) this.#retire(this.#segment);
    this.#segment = undefined;
    await Promise.all(this.#retired);
  }

  #flushIfDue(): void {
    const now = this.#now();
    if (this.#enc.frames > 0 && now - this.#enc.wallStart >= this.#blockMs) this.#writeBlock(now);
  }

  #writeBlock(now: number): void {
    const bytes = this.#enc.finish(now);
    const frames = this.#enc.frames;
    this.#enc.reset();
    const seg = this.#segment;
    if (seg === undefined) return;
    try {
      seg.write(bytes);
      seg.sync();
      this.#stats.blocks++;
      this.#stats.bytes += bytes.length;
      this.#failedLogged = false;
    } catch (err) {
      this.#stats.failedBlocks++;
      // One log line per outage, not one per second.
      if (!this.#failedLogged) this.#log?.error({ err, frames, path: seg.path }, 'recording block could not be written; dropped');
      this.#failedLogged = true;
      return;
    }
    if (seg.bytes >= this.#segmentBytes) {
      this.#retire(seg);
      this.#segment = undefined;
      try {
        this.#openSegment();
      } catch (err) {
        if (!this.#failedLogged) this.#log?.error({ err }, 'recording segment rotation failed; recording stops');
        this.#failedLogged = true;
      }
    }
  }

  #openSegment(): void {
    this.#segmentNo++;
    const path = join(this.dir, `seg-${String(this.#segmentNo).padStart(6, '0')}${SEGMENT_SUFFIX}`);
    const header: SegmentHeader = {
      format: 'twinloop-recording',
      version: FORMAT_VERSION,
      id: this.id,
      segment: this.#segmentNo,
      created: this.#now(),
      signals: this.#signals,
      meta: this.#meta,
    };
    try {
      this.#segment = new SegmentFile(path, header);
    } catch (err) {
      throw new TwinloopError('REC_WRITE', `cannot create recording segment ${path}: ${(err as Error).message}`, { cause: err });
    }
    this.#stats.segments++;
    this.#stats.bytes += this.#segment.bytes;
    syncDir(this.dir);
    const deleted = enforceRetention(this.#root, this.#retention, this.#now(), new Set([path]));
    this.#stats.deleted += deleted.length;
    if (deleted.length > 0) this.#log?.info({ deleted: deleted.length }, 'recording retention deleted old segments');
  }

  #retire(seg: SegmentFile): void {
    const closed = seg.close().then(() => {
      this.#stats.syncs += seg.syncs;
      if (seg.lastError) this.#log?.warn({ err: seg.lastError, path: seg.path }, 'recording segment sync failed');
    });
    this.#retired.push(closed);
    // Keep only closes still pending: a long recording rotates many times.
    void closed.then(() => {
      this.#retired = this.#retired.filter((p) => p !== closed);
    });
  }
}

/** fsync the folder so a new segment's name survives a power cut too (off the event loop). */
function syncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  fsync(fd, () => closeSync(fd));
}
