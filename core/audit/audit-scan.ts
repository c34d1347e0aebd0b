// Reading the audit log in chunks: records come one at a time from 64 KiB reads, so checking,
// paging or exporting a log of any size holds one chunk and what the caller keeps, never the
// whole file. The chain check (seq continues by one, `prev` is the last hash, `hash` is the
// record's own) runs as the records pass.

import { closeSync, openSync, readSync } from 'node:fs';
import { GENESIS, recordHash, type AuditRecord } from './audit-record.ts';

const CHUNK = 64 * 1024;

export type ScanItem = { kind: 'record'; record: AuditRecord } | { kind: 'torn' };

/** The lines of the log as records, or `torn` for a line that is not a whole record. A missing file yields nothing. */
export function* auditItems(path: string): Generator<ScanItem> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    const buf = Buffer.alloc(CHUNK);
    let rest = Buffer.alloc(0);
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      let data = rest.length > 0 ? Buffer.concat([rest, buf.subarray(0, n)]) : buf.subarray(0, n);
      let start = 0;
      for (let nl = data.indexOf(0x0a, start); nl >= 0; nl = data.indexOf(0x0a, start)) {
        const item = parseLine(data.toString('utf8', start, nl));
        if (item !== undefined) yield item;
        start = nl + 1;
      }
      // Copy: `buf` is reused by the next read.
      rest = Buffer.from(data.subarray(start));
      data = rest;
    }
    if (rest.length > 0) {
      const item = parseLine(rest.toString('utf8'));
      if (item !== undefined) yield item;
    }
  } finally {
    closeSync(fd);
  }
}

function parseLine(line: string): ScanItem | undefined {
  if (line === '') return undefined;
  try {
    const rec = JSON.parse(line) as AuditRecord;
    if (typeof rec === 'object' && rec !== null && Number.isInteger(rec.seq)) return { kind: 'record', record: rec };
  } catch {
    // a torn line (kill -9 mid-write), sealed off by the next open
  }
  return { kind: 'torn' };
}

/** Checks the chain record by record; the first break is kept. */
export class ChainCheck {
  #prev = GENESIS;
  #seq = 0;
  count = 0;
  torn = 0;
  brokenAt: number | undefined;
  brokenWhy: string | undefined;

  /** Feed the next item; returns the record, if it is one. */
  add(item: ScanItem): AuditRecord | undefined {
    if (item.kind === 'torn') {
      this.torn++;
      return undefined;
    }
    const rec = item.record;
    this.count++;
    if (this.brokenAt === undefined) {
      const { hash, ...body } = rec;
      let why: string | undefined;
      if (rec.seq !== this.#seq + 1) why = `seq ${rec.seq} follows seq ${this.#seq} (records missing or reordered)`;
      else if (rec.prev !== this.#prev) why = 'its prev is not the hash of the record before it';
      else if (recordHash(body) !== hash) why = 'its hash does not match its content (edited)';
      if (why !== undefined) {
        this.brokenAt = rec.seq;
        this.brokenWhy = why;
      }
    }
    this.#seq = rec.seq;
    this.#prev = rec.hash;
    return rec;
  }

  /** seq and hash of the last record seen (0 and GENESIS for none). */
  get last(): { seq: number; hash: string } {
    return { seq: this.#seq, hash: this.#prev };
  }
}
