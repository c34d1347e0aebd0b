// The recorder: samples a run's signal table on the main thread at a fixed rate (default 50 Hz)
// and appends each snapshot to a RecordingWriter. It only reads the table (consistent snapshot),
// so the physics worker never waits for it; a snapshot that keeps colliding with the writer is
// skipped and counted. A sample whose tick, values and quality equal the previous one (a paused
// run) is not written. Buffers are allocated once; the sampling path allocates nothing.

import type { RunControl } from '../engine/run-control.ts';
import { TwinloopError } from '../errors.ts';
import type { SignalTable, SnapshotInfo } from '../signals.ts';
import type { RecordingMeta } from './format.ts';
import { RecordingWriter, type RecordingWriterOptions, type WriterStats } from './writer.ts';

export const DEFAULT_RATE_HZ = 50;

export interface RecorderOptions extends Omit<RecordingWriterOptions, 'signals'> {
  /** Samples per wall second, 0.1..1000; default 50. */
  readonly rateHz?: number;
}

export interface RecorderStats extends WriterStats {
  /** Timer samples taken (written or not). */
  samples: number;
  /** Samples not written because nothing had changed. */
  unchanged: number;
  /** Samples lost because the physics worker overtook every snapshot try. */
  snapshotMisses: number;
}

export class TableRecorder {
  readonly writer: RecordingWriter;
  readonly #table: SignalTable;
  // reuse: snapshot buffers, and the previous sample for the unchanged test.
  readonly #values: Float64Array;
  readonly #bits: Uint32Array;
  readonly #prevBits: Uint32Array;
  readonly #quality: Uint8Array;
  readonly #prevQ: Uint8Array;
  readonly #info: SnapshotInfo = { tick: 0, time: 0 };
  readonly #periodMs: number;
  #timer: NodeJS.Timeout | undefined;
  #hasPrev = false;
  #prevTick = -1;
  readonly #counts = { samples: 0, unchanged: 0, snapshotMisses: 0 };

  /**
   * Open a recording of `table` (the catalog goes into its header). Call start() to sample on
   * a timer, or sample() yourself (e.g. after each step of a run driven as fast as possible).
   * @throws TwinloopError REC_WRITE, CFG_INVALID (see RecordingWriter.create)
   */
  constructor(table: SignalTable, opts: RecorderOptions) {
    const rateHz = opts.rateHz ?? DEFAULT_RATE_HZ;
    if (!(rateHz >= 0.1 && rateHz <= 1000)) throw new TwinloopError('CFG_INVALID', `recorder rateHz must be in 0.1..1000, got ${rateHz}`);
    this.#table = table;
    this.#periodMs = 1000 / rateHz;
    this.writer = RecordingWriter.create({ ...opts, signals: table.defs, meta: { rateHz, ...opts.meta } });
    const n = table.size;
    this.#values = new Float64Array(n);
    this.#bits = new Uint32Array(this.#values.buffer);
    this.#prevBits = new Uint32Array(2 * n);
    this.#quality = new Uint8Array(n);
    this.#prevQ = new Uint8Array(n);
  }

  get id(): string {
    return this.writer.id;
  }

  /** Sample on a timer at the configured rate. Idempotent. */
  start(): this {
    if (this.#timer === undefined) this.#timer = setInterval(() => this.sample(), this.#periodMs);
    return this;
  }

  /** Take one sample now; true if a frame was written. */
  sample(): boolean {
    this.#counts.samples++;
    const table = this.#table;
    if (!table.snapshot(this.#values, this.#info)) {
      this.#counts.snapshotMisses++;
      return false;
    }
    // Quality is advisory and not part of a publish (core/signals.ts): copied right after the values.
    this.#quality.set(table.quality);
    if (this.#hasPrev && this.#info.tick === this.#prevTick && this.#same()) {
      this.#counts.unchanged++;
      return false;
    }
    this.writer.append(this.#info.tick, this.#info.time, this.#values, this.#quality);
    this.#prevBits.set(this.#bits);
    this.#prevQ.set(this.#quality);
    this.#prevTick = this.#info.tick;
    this.#hasPrev = true;
    return true;
  }

  stats(): RecorderStats {
    return { ...this.writer.stats(), ...this.#counts };
  }

  /** Stop sampling, write the open block, sync and close. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.writer.close();
  }

  #same(): boolean {
    const a = this.#bits;
    const b = this.#prevBits;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    const q = this.#quality;
    const pq = this.#prevQ;
    for (let i = 0; i < q.length; i++) if (q[i] !== pq[i]) return false;
    return true;
  }
}

/** What recordRun needs of a run: its table, line name and layout (any RunControl has them). */
export type RecordableRun = Pick<RunControl, 'table' | 'lineName' | 'layout' | 'status'>;

/**
 * Record a run: a TableRecorder on its table, with the line name, dt and mimic layout in the
 * header so a replay draws the same mimic, sampling at once.
 * @example
 * const run = await startRun({ linePath: 'examples/sorting.yaml' });
 * const rec = recordRun(run, { root: 'data/recordings' });
 * // ...
 * await rec.close();
 */
export function recordRun(run: RecordableRun, opts: RecorderOptions & { readonly source?: string }): TableRecorder {
  const meta: RecordingMeta = { line: run.lineName, dt: run.status().dt, layout: run.layout, source: opts.source ?? 'live', ...opts.meta };
  const { source: _source, ...rest } = opts;
  return new TableRecorder(run.table, { ...rest, meta }).start();
}
