// Store and forward on disk: while the broker or the primary host is away, each sample's
// changes are appended to segment files and sent, in order, when they return. One record per
// sample:
//
//   record := u32 length | u32 crc32(body) | body
//   body   := f64 wallMs | u32 count | count x u32 signal id | count x f64 value   (little-endian)
//
// Crash-safe: records are written with one write() each (a killed process loses nothing the
// kernel has) and fdatasync'd at most once a second off the event loop; on open, every segment
// is scanned and a torn or corrupt tail is cut off. What has been sent is recorded in `cursor`
// (written to a temporary file, then renamed), so a crash resends at most the last batch.
// One process per store: a `lock` file names its pid; one left by a killed process is taken over.
// Bounded: past `maxBytes` the oldest segment is deleted; its unsent records are counted as
// dropped and logged. Buffers are allocated once, sized for a record of every signal.

import { closeSync, fdatasync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Logger } from 'pino';
import { TwinloopError } from '../../errors.ts';
import { processAlive } from '../../process-alive.ts';

const SUFFIX = '.spq';
const PREFIX_BYTES = 8;
const SYNC_MS = 1000;

export interface StoreOptions {
  readonly dir: string;
  readonly maxBytes: number;
  /** Signals in the catalog: the largest record holds all of them. */
  readonly signals: number;
  /**
   * Identity of the signal catalog the ids refer to (names and types). Records stored under
   * another catalog (a changed line file) would name the wrong metrics: they are discarded at
   * open, counted as dropped and logged.
   */
  readonly catalog: string;
  readonly logger: Logger;
}

export interface StoreStats {
  /** Records waiting to be sent. */
  pending: number;
  bytes: number;
  /** Records appended since open. */
  stored: number;
  /** Records lost to the bound (oldest first), since open. */
  dropped: number;
  /** Bytes cut off as a torn or corrupt tail at open. */
  repairedBytes: number;
}

interface Segment {
  readonly seq: number;
  readonly path: string;
  bytes: number;
  records: number;
}

/** A record read back: `count` ids and values in the store's scratch arrays (valid until the next read). */
export interface StoredSample {
  wallMs: number;
  count: number;
  readonly ids: Int32Array;
  readonly values: Float64Array;
}

export class SampleStore {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #segmentBytes: number;
  readonly #log: Logger;
  readonly #segments: Segment[] = [];
  // reuse: one record buffer for writing and one for reading.
  readonly #wbuf: Buffer;
  readonly #rbuf: Buffer;
  readonly #sample: StoredSample;
  #fd = -1;
  /** Read position: index of a record in the first segment, and its byte offset. */
  #readRecord = 0;
  #readOffset = 0;
  #readFd = -1;
  #readFdSeq = -1;
  #dirty = false;
  /** Segment number of the cursor found at open. */
  #cursorSegment = 0;
  #syncTimer: NodeJS.Timeout | undefined;
  #syncing = false;
  readonly #stats: StoreStats = { pending: 0, bytes: 0, stored: 0, dropped: 0, repairedBytes: 0 };

  /** Open (and repair) the store in `dir`, creating it. @throws TwinloopError SPB_STORE */
  constructor(opts: StoreOptions) {
    this.#dir = opts.dir;
    this.#maxBytes = opts.maxBytes;
    this.#log = opts.logger;
    const recordMax = PREFIX_BYTES + 12 + opts.signals * 12;
    // Eight segments per bound, so dropping one loses an eighth of the history, not all of it.
    this.#segmentBytes = Math.max(recordMax, Math.floor(opts.maxBytes / 8));
    this.#wbuf = Buffer.alloc(recordMax);
    this.#rbuf = Buffer.alloc(recordMax);
    this.#sample = { wallMs: 0, count: 0, ids: new Int32Array(opts.signals), values: new Float64Array(opts.signals) };
    try {
      mkdirSync(this.#dir, { recursive: true });
      this.#lock();
      this.#recover(recordMax);
      this.#checkCatalog(opts.catalog);
    } catch (err) {
      throw new TwinloopError('SPB_STORE', `the Sparkplug store ${this.#dir} cannot be opened: ${(err as Error).message}`, { cause: err });
    }
    this.#syncTimer = setInterval(() => this.#sync(), SYNC_MS);
    this.#syncTimer.unref();
  }

  stats(): StoreStats {
    return { ...this.#stats };
  }

  get pending(): number {
    return this.#stats.pending;
  }

  /** Append one sample's changes. A write error is logged and the sample counted as dropped. */
  append(wallMs: number, ids: Int32Array, count: number, values: Float64Array): void {
    const b = this.#wbuf;
    const len = 12 + count * 12;
    b.writeDoubleLE(wallMs, 8);
    b.writeUInt32LE(count, 16);
    let p = 20;
    for (let k = 0; k < count; k++, p += 4) b.writeUInt32LE(ids[k]!, p);
    for (let k = 0; k < count; k++, p += 8) b.writeDoubleLE(values[ids[k]!]!, p);
    b.writeUInt32LE(len, 0);
    b.writeUInt32LE(crc32(b.subarray(PREFIX_BYTES, PREFIX_BYTES + len)), 4);
    const total = PREFIX_BYTES + len;
    try {
      let seg = this.#segments.at(-1);
      if (seg === undefined || this.#fd < 0 || seg.bytes + total > this.#segmentBytes) seg = this.#roll();
      writeSync(this.#fd, b, 0, total, seg.bytes);
      seg.bytes += total;
      seg.records++;
      this.#stats.bytes += total;
      this.#stats.pending++;
      this.#stats.stored++;
      this.#dirty = true;
      this.#bound();
    } catch (err) {
      this.#stats.dropped++;
      this.#log.error({ err, dir: this.#dir }, 'sparkplug: store-and-forward write failed; sample dropped');
    }
  }

  /** The oldest unsent record, or undefined when none. Does not consume it: see advance(). */
  peek(): StoredSample | undefined {
    while (this.#segments.length > 0) {
      const seg = this.#segments[0]!;
      if (this.#readRecord < seg.records) return this.#read(seg);
      // A fully sent segment that is no longer being written is deleted.
      if (this.#segments.length === 1) return undefined;
      this.#deleteFirst(false);
    }
    return undefined;
  }

  /** Mark the record returned by peek() as sent. */
  advance(): void {
    const seg = this.#segments[0];
    if (seg === undefined || this.#readRecord >= seg.records) return;
    this.#readOffset += PREFIX_BYTES + this.#rbuf.readUInt32LE(0);
    this.#readRecord++;
    this.#stats.pending--;
  }

  /** Persist the read position (after a batch has been handed to the broker). */
  commit(): void {
    const seg = this.#segments[0];
    const cursor = JSON.stringify({ segment: seg?.seq ?? 0, offset: this.#readOffset, record: this.#readRecord });
    const tmp = join(this.#dir, 'cursor.tmp');
    try {
      writeFileSync(tmp, cursor);
      renameSync(tmp, join(this.#dir, 'cursor'));
    } catch (err) {
      this.#log.warn({ err }, 'sparkplug: store cursor not saved; records may be sent twice after a crash');
    }
  }

  close(): void {
    if (this.#syncTimer !== undefined) clearInterval(this.#syncTimer);
    this.#syncTimer = undefined;
    this.commit();
    if (this.#fd >= 0) closeSync(this.#fd);
    if (this.#readFd >= 0) closeSync(this.#readFd);
    this.#fd = -1;
    this.#readFd = -1;
    rmSync(join(this.#dir, 'lock'), { force: true });
  }

  #read(seg: Segment): StoredSample {
    if (this.#readFdSeq !== seg.seq) {
      if (this.#readFd >= 0) closeSync(this.#readFd);
      this.#readFd = openSync(seg.path, 'r');
      this.#readFdSeq = seg.seq;
    }
    const b = this.#rbuf;
    readSync(this.#readFd, b, 0, PREFIX_BYTES, this.#readOffset);
    const len = b.readUInt32LE(0);
    readSync(this.#readFd, b, PREFIX_BYTES, len, this.#readOffset + PREFIX_BYTES);
    const s = this.#sample;
    s.wallMs = b.readDoubleLE(8);
    const count = b.readUInt32LE(16);
    s.count = count;
    let p = 20;
    for (let k = 0; k < count; k++, p += 4) s.ids[k] = b.readUInt32LE(p);
    // Values are written into the id's slot so the encoder reads them as it reads a sample.
    for (let k = 0; k < count; k++, p += 8) s.values[s.ids[k]!] = b.readDoubleLE(p);
    return s;
  }

  #roll(): Segment {
    if (this.#fd >= 0) {
      this.#sync();
      closeSync(this.#fd);
    }
    // Never below the cursor's segment: numbers are not reused, so an old cursor cannot match.
    const seq = Math.max(this.#segments.at(-1)?.seq ?? 0, this.#cursorSegment) + 1;
    const path = join(this.#dir, `${String(seq).padStart(8, '0')}${SUFFIX}`);
    this.#fd = openSync(path, 'w');
    const seg: Segment = { seq, path, bytes: 0, records: 0 };
    this.#segments.push(seg);
    return seg;
  }

  /** Over the bound: drop the oldest segments (never the one being written). */
  #bound(): void {
    while (this.#stats.bytes > this.#maxBytes && this.#segments.length > 1) this.#deleteFirst(true);
  }

  #deleteFirst(counted: boolean): void {
    const seg = this.#segments.shift()!;
    const lost = seg.records - this.#readRecord;
    if (this.#readFdSeq === seg.seq) {
      closeSync(this.#readFd);
      this.#readFd = -1;
      this.#readFdSeq = -1;
    }
    unlinkSync(seg.path);
    this.#stats.bytes -= seg.bytes;
    this.#stats.pending -= lost;
    this.#readRecord = 0;
    this.#readOffset = 0;
    if (counted && lost > 0) {
      this.#stats.dropped += lost;
      this.#log.warn({ lost, dropped: this.#stats.dropped, maxBytes: this.#maxBytes }, 'sparkplug: store-and-forward is full; the oldest samples were dropped');
    }
  }

  #sync(): void {
    if (!this.#dirty || this.#syncing || this.#fd < 0) return;
    this.#dirty = false;
    this.#syncing = true;
    fdatasync(this.#fd, (err) => {
      this.#syncing = false;
      if (err) this.#log.warn({ err }, 'sparkplug: store-and-forward fdatasync failed');
    });
  }

  /** Scan the segments on disk, cut torn tails, and restore the read position. */
  #recover(recordMax: number): void {
    const files = readdirSync(this.#dir).filter((f) => f.endsWith(SUFFIX)).sort();
    const head = Buffer.alloc(PREFIX_BYTES);
    for (const f of files) {
      const path = join(this.#dir, f);
      const seq = Number(f.slice(0, -SUFFIX.length));
      const size = statSync(path).size;
      const fd = openSync(path, 'r+');
      let off = 0;
      let records = 0;
      try {
        while (off + PREFIX_BYTES <= size) {
          readSync(fd, head, 0, PREFIX_BYTES, off);
          const len = head.readUInt32LE(0);
          if (len < 12 || PREFIX_BYTES + len > recordMax || off + PREFIX_BYTES + len > size) break;
          readSync(fd, this.#rbuf, 0, len, off + PREFIX_BYTES);
          if (crc32(this.#rbuf.subarray(0, len)) !== head.readUInt32LE(4)) break;
          off += PREFIX_BYTES + len;
          records++;
        }
        if (off < size) {
          ftruncateSync(fd, off);
          this.#stats.repairedBytes += size - off;
          this.#log.warn({ path, cut: size - off }, 'sparkplug: cut a torn record off the store-and-forward tail');
        }
      } finally {
        closeSync(fd);
      }
      this.#segments.push({ seq, path, bytes: off, records });
      this.#stats.bytes += off;
      this.#stats.pending += records;
    }
    this.#restoreCursor();
  }

  /** One process per store: a second one would interleave its segments with the first's. */
  #lock(): void {
    const file = join(this.#dir, 'lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(file, String(process.pid), { flag: 'wx' });
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const pid = Number(readFileSync(file, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) throw new Error(`it is in use by process ${pid} (another edge node with the same group and node id)`);
      // Left by a process that was killed: taken over.
      rmSync(file, { force: true });
    }
    throw new Error('its lock file cannot be taken');
  }

  #checkCatalog(catalog: string): void {
    const file = join(this.#dir, 'catalog');
    let stored: string | undefined;
    try {
      stored = readFileSync(file, 'utf8');
    } catch {
      stored = undefined;
    }
    if (stored !== catalog && this.#segments.length > 0) {
      const lost = this.#stats.pending;
      while (this.#segments.length > 0) this.#deleteFirst(false);
      rmSync(join(this.#dir, 'cursor'), { force: true });
      this.#stats.dropped += lost;
      if (lost > 0) this.#log.warn({ lost, dir: this.#dir }, 'sparkplug: stored samples of another signal catalog (a changed line) were discarded');
    }
    if (stored !== catalog) writeFileSync(file, catalog);
  }

  #restoreCursor(): void {
    let cursor: { segment: number; offset: number; record: number } | undefined;
    try {
      cursor = JSON.parse(readFileSync(join(this.#dir, 'cursor'), 'utf8')) as { segment: number; offset: number; record: number };
    } catch {
      return; // no cursor: nothing was sent yet
    }
    this.#cursorSegment = Number.isInteger(cursor.segment) ? cursor.segment : 0;
    // Segments before the cursor's were sent in full.
    while (this.#segments.length > 0 && this.#segments[0]!.seq < cursor.segment) {
      const seg = this.#segments.shift()!;
      this.#stats.bytes -= seg.bytes;
      this.#stats.pending -= seg.records;
      unlinkSync(seg.path);
    }
    const first = this.#segments[0];
    if (first !== undefined && first.seq === cursor.segment && cursor.record <= first.records && cursor.offset <= first.bytes) {
      this.#readRecord = cursor.record;
      this.#readOffset = cursor.offset;
      this.#stats.pending -= cursor.record;
    }
  }
}

