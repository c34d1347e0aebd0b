// One open segment file being appended to: writes go to the page cache synchronously (tens of
// microseconds for a block, so they survive kill -9 as soon as write() returns), and
// fdatasync runs on libuv's thread pool, at most one at a time per file, so a slow disk never
// stalls the event loop (the HMI, the network PLC exchange) or the physics worker.

import { close, closeSync, fdatasync, openSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { FILE_PREFIX_BYTES, FORMAT_VERSION, MAGIC, type SegmentHeader } from './format.ts';

export class SegmentFile {
  readonly path: string;
  readonly #fd: number;
  #bytes = 0;
  #syncing = false;
  #syncAgain = false;
  #closing = false;
  #closed: Promise<void> | undefined;
  #resolveClosed: (() => void) | undefined;
  /** fdatasync calls completed (for stats and tests). */
  syncs = 0;
  /** Last asynchronous error (fdatasync or close); writes throw instead. */
  lastError: Error | undefined;

  /** Create the file (it must not exist) and write its header. @throws the fs error */
  constructor(path: string, header: SegmentHeader) {
    this.path = path;
    this.#fd = openSync(path, 'wx', 0o600);
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const prefix = Buffer.alloc(FILE_PREFIX_BYTES);
    prefix.set(MAGIC, 0);
    prefix.writeUInt16LE(FORMAT_VERSION, 6);
    prefix.writeUInt32LE(json.length, 8);
    prefix.writeUInt32LE(crc32(json), 12);
    try {
      this.write(Buffer.concat([prefix, json]));
    } catch (err) {
      closeSync(this.#fd);
      throw err;
    }
    this.sync();
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Append bytes (all of them, or throw). */
  write(bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.length) off += writeSync(this.#fd, bytes, off, bytes.length - off);
    this.#bytes += bytes.length;
  }

  /** Ask for an fdatasync; coalesced while one is running. */
  sync(): void {
    if (this.#syncing) {
      this.#syncAgain = true;
      return;
    }
    this.#syncing = true;
    fdatasync(this.#fd, (err) => {
      this.#syncing = false;
      if (err) this.lastError = err;
      else this.syncs++;
      if (this.#syncAgain) {
        this.#syncAgain = false;
        this.sync();
      } else if (this.#closing) this.#finishClose();
    });
  }

  /** Sync what was written, then close; resolves when the file is closed. Idempotent. */
  close(): Promise<void> {
    if (this.#closed) return this.#closed;
    this.#closing = true;
    this.#closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    // A sync is still needed for the last write if none is running (or one will follow it).
    if (!this.#syncing) {
      this.#syncAgain = false;
      this.sync();
    }
    return this.#closed;
  }

  #finishClose(): void {
    close(this.#fd, (err) => {
      if (err) this.lastError = err;
      this.#resolveClosed?.();
    });
  }
}
