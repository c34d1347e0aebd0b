// The append-only audit log: <data>/audit.jsonl, one record per line. append() writes the
// whole line with a synchronous write and fsyncs before it returns, so a record that was
// appended is on disk before the action it announces is carried out (write-ahead), and a
// kill -9 at any moment leaves at most one torn last line, which the reader skips and the next
// open seals off with a newline.
//
// Synchronous on purpose: it runs on the HMI's thread, never in the physics worker, so the
// control loop does not wait for the disk; and an async write would let the action start
// before the record is durable. When the file cannot be written (disk full, read-only,
// permissions) append() throws AUDIT_UNAVAILABLE and the caller refuses the action.
//
// Given the installation secret, the log also keeps its signed head (audit-head.ts) up to date:
// after each record is durable, the head names it. At open the head is compared with the end of
// the file; a log that lost records (or was rewritten) is marked broken in the head for good.

import { closeSync, fchmodSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { TwinloopError } from '../errors.ts';
import { HeadFile, headPath, type AuditHead } from './audit-head.ts';
import { GENESIS, recordHash, type AuditEntry, type AuditRecord } from './audit-record.ts';

export interface AuditLogOptions {
  /** The installation secret (core/auth/data-dir.ts): keeps the signed head. Without it, no head. */
  readonly secret?: Buffer;
}

const FILE_MODE = 0o600;
// How much of the tail is read on open to find the last seq and hash.
const TAIL_BYTES = 64 * 1024;
// Bound on one record's line: a huge value in a request must not make a huge audit line.
const MAX_LINE = 16 * 1024;

export class AuditLog {
  readonly path: string;
  #fd: number | undefined;
  #seq = 0;
  #prev = GENESIS;
  /** File size after our last write: if it differs, another process (the CLI) appended. */
  #size = -1;
  #lastError: string | undefined;
  readonly #headFile: HeadFile | undefined;
  #head: AuditHead | undefined;

  /** Never throws: an unwritable log is reported by append() and {@link healthy}. */
  constructor(path: string, opts: AuditLogOptions = {}) {
    this.path = path;
    this.#headFile = opts.secret !== undefined ? new HeadFile(headPath(path), opts.secret) : undefined;
    try {
      this.#open();
    } catch (err) {
      this.#lastError = (err as Error).message;
    }
  }

  /** False after the last open or write failed (until one succeeds again). */
  get healthy(): boolean {
    return this.#lastError === undefined;
  }

  get lastError(): string | undefined {
    return this.#lastError;
  }

  /** Why the log does not match its signed head (found at open), if it does not. */
  get broken(): string | undefined {
    return this.#head?.broken ?? undefined;
  }

  /**
   * Append one record and fsync it.
   * @returns the record as written (with seq, time, hash)
   * @throws TwinloopError AUDIT_UNAVAILABLE when it cannot be made durable
   */
  append(entry: AuditEntry): AuditRecord {
    try {
      if (this.#fd === undefined) this.#open();
      else if (this.#size >= 0 && fstatSync(this.#fd).size !== this.#size) {
        // Someone else appended (`twinloop user add` while the server runs): continue their chain.
        this.#close();
        this.#open();
      }
      const body: Omit<AuditRecord, 'hash'> = { seq: this.#seq + 1, time: new Date().toISOString(), ...clip(entry), prev: this.#prev };
      const rec: AuditRecord = { ...body, hash: recordHash(body) };
      const line = Buffer.from(JSON.stringify(rec) + '\n');
      writeAll(this.#fd!, line);
      fsyncSync(this.#fd!);
      if (this.#size >= 0) this.#size += line.length;
      this.#seq = rec.seq;
      this.#prev = rec.hash;
      // After the record, never before: a crash between the two leaves the head one record
      // behind, which the next open recognises and signs; a head ahead would look like a cut.
      if (this.#headFile !== undefined && this.#head !== undefined) {
        this.#head = { ...this.#head, seq: rec.seq, hash: rec.hash };
        this.#headFile.write(this.#head);
      }
      this.#lastError = undefined;
      return rec;
    } catch (err) {
      this.#lastError = (err as Error).message;
      // Reopen next time: after ENOSPC the file may hold a torn line that open() seals off.
      this.#close();
      throw new TwinloopError('AUDIT_UNAVAILABLE', `audit log ${this.path} cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); privileged actions are refused`, { cause: err });
    }
  }

  close(): void {
    this.#close();
    this.#headFile?.close();
  }

  #close(): void {
    if (this.#fd !== undefined) {
      try {
        closeSync(this.#fd);
      } catch {
        // already gone; nothing to keep
      }
    }
    this.#fd = undefined;
  }

  #open(): void {
    const fd = openSync(this.path, 'a+', FILE_MODE);
    let lastPrev = GENESIS;
    try {
      const st = fstatSync(fd);
      // Re-tighten on every open: a restored backup or a copy often comes back 0644.
      if (st.isFile() && (st.mode & 0o777) !== FILE_MODE) fchmodSync(fd, FILE_MODE);
      if (st.isFile() && st.size > 0) {
        const len = Math.min(TAIL_BYTES, st.size);
        const buf = Buffer.alloc(len);
        readSync(fd, buf, 0, len, st.size - len);
        const text = buf.toString('utf8');
        // A torn last line (kill -9 mid-write): seal it off so the next record starts clean.
        if (!text.endsWith('\n')) {
          writeAll(fd, Buffer.from('\n'));
          fsyncSync(fd);
        }
        const lines = text.split('\n');
        for (let i = lines.length - 1; i >= 0; i--) {
          try {
            const rec = JSON.parse(lines[i]!) as AuditRecord;
            if (Number.isInteger(rec.seq) && typeof rec.hash === 'string') {
              this.#seq = rec.seq;
              this.#prev = rec.hash;
              lastPrev = rec.prev;
              break;
            }
          } catch {
            // torn or partial first line of the tail window: look further back
          }
        }
      }
      this.#size = st.isFile() ? fstatSync(fd).size : -1;
      if (this.#headFile !== undefined) this.#anchor(lastPrev);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    this.#fd = fd;
  }

  /** Compare the end of the file with the signed head, keep any break, and sign the end. */
  #anchor(lastPrev: string): void {
    const read = this.#headFile!.read();
    let broken: string | null = null;
    let note: string | null = null;
    if (read.state === 'missing') {
      if (this.#seq > 0) note = `signing began at record ${this.#seq} of a log that had no head (${new Date().toISOString()})`;
    } else if (read.state === 'bad') {
      broken = read.reason;
    } else {
      const h = read.head;
      ({ broken, note } = h);
      const same = this.#seq === h.seq && this.#prev === h.hash;
      // One record past the head with the head's hash as its prev: written just before a crash.
      const oneAfter = this.#seq === h.seq + 1 && lastPrev === h.hash;
      if (broken === null && !same && !oneAfter) {
        broken = `at ${new Date().toISOString()} the log ended at record ${this.#seq} but its signed head named record ${h.seq} (${h.hash.slice(0, 12)}…): records were cut off or rewritten`;
      }
    }
    this.#head = { seq: this.#seq, hash: this.#prev, broken, note };
    this.#headFile!.write(this.#head);
  }
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  // Bounded: each round writes at least one byte or throws.
  for (let round = 0; off < buf.length && round < 1000; round++) off += writeSync(fd, buf, off);
  if (off < buf.length) throw new Error('short write');
}

/** Keep records bounded: long strings and big values are cut, with a marker. */
function clip(entry: AuditEntry): AuditEntry {
  const json = JSON.stringify(entry);
  if (json.length <= MAX_LINE) return entry;
  const cut = (v: unknown): unknown => {
    const s = JSON.stringify(v);
    return s !== undefined && s.length > 1024 ? `${s.slice(0, 1024)}…(cut)` : v;
  };
  return { ...entry, old: cut(entry.old), new: cut(entry.new), detail: entry.detail?.slice(0, 1024), target: entry.target?.slice(0, 256) };
}
