// The audit log's signed head: <data>/audit.head holds the count (seq) and hash of the last
// record, signed with an HMAC under the installation secret, rewritten after every record.
// The hash chain alone shows an edited or removed line, but not a log cut off at its end, nor
// one whose tail was deleted and the chain recomputed; the head catches both, because nobody
// without the secret can sign a shorter or different head.
//
// Fixed size (HEAD_BYTES, JSON padded with spaces), written in place at offset 0 with one write
// and an fdatasync: no temp file and rename per record, and a write this small is not torn.
// A break found at open is kept in the head (`broken`, signed) so it outlives the next record.

import { closeSync, constants, fdatasyncSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { createHmac, timingSafeEqual } from 'node:crypto';

export const HEAD_BYTES = 512;
const FILE_MODE = 0o600;

export interface AuditHead {
  /** seq of the last record anchored (0: empty log). */
  readonly seq: number;
  /** Its hash (GENESIS for an empty log). */
  readonly hash: string;
  /** Why the log was found broken at some open, kept from then on; null when never. */
  readonly broken: string | null;
  /** Set when anchoring began on a log that already had records (no head before). */
  readonly note: string | null;
}

export type HeadRead = { state: 'missing' } | { state: 'bad'; reason: string } | { state: 'ok'; head: AuditHead };

/** Where the head of an audit log lives: audit.jsonl -> audit.head. */
export function headPath(logPath: string): string {
  return logPath.replace(/\.jsonl$/, '') + '.head';
}

function mac(secret: Buffer, h: AuditHead): string {
  // A label keeps this use of the secret apart from its use for session keys.
  return createHmac('sha256', secret).update(`twinloop-audit-head\n${h.seq}\n${h.hash}\n${h.broken ?? ''}\n${h.note ?? ''}`).digest('hex');
}

/** Parse and check a head file's bytes. */
export function parseHead(bytes: Buffer, secret: Buffer): HeadRead {
  if (bytes.length === 0) return { state: 'missing' };
  let raw: { seq?: unknown; hash?: unknown; broken?: unknown; note?: unknown; mac?: unknown };
  try {
    raw = JSON.parse(bytes.toString('utf8')) as typeof raw;
  } catch {
    return { state: 'bad', reason: 'the head file is not readable JSON' };
  }
  if (!Number.isInteger(raw.seq) || typeof raw.hash !== 'string' || typeof raw.mac !== 'string') return { state: 'bad', reason: 'the head file lacks seq, hash or mac' };
  const head: AuditHead = {
    seq: raw.seq as number,
    hash: raw.hash,
    broken: typeof raw.broken === 'string' ? raw.broken : null,
    note: typeof raw.note === 'string' ? raw.note : null,
  };
  const want = Buffer.from(mac(secret, head), 'hex');
  const got = Buffer.from(raw.mac, 'hex');
  if (got.length !== want.length || !timingSafeEqual(got, want)) return { state: 'bad', reason: 'the head signature does not match (edited, or signed with another installation secret)' };
  return { state: 'ok', head };
}

/** The open head file of one writer. */
export class HeadFile {
  readonly path: string;
  readonly #secret: Buffer;
  #fd: number | undefined;

  constructor(path: string, secret: Buffer) {
    this.path = path;
    this.#secret = secret;
  }

  read(): HeadRead {
    const fd = this.#open();
    const size = Math.min(fstatSync(fd).size, HEAD_BYTES);
    const buf = Buffer.alloc(size);
    if (size > 0) readSync(fd, buf, 0, size, 0);
    return parseHead(buf, this.#secret);
  }

  /** Sign and write the head in place; durable when it returns. */
  write(head: AuditHead): void {
    const fd = this.#open();
    const json = JSON.stringify({ seq: head.seq, hash: head.hash, broken: head.broken, note: head.note, mac: mac(this.#secret, head) });
    const buf = Buffer.alloc(HEAD_BYTES, 0x20);
    // `broken` and `note` are short texts we write ourselves; cut them if ever too long.
    if (Buffer.byteLength(json) > HEAD_BYTES - 1) throw new Error('audit head too long');
    buf.write(json, 0, 'utf8');
    buf[HEAD_BYTES - 1] = 0x0a;
    if (writeSync(fd, buf, 0, HEAD_BYTES, 0) !== HEAD_BYTES) throw new Error('short write of the audit head');
    fdatasyncSync(fd);
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #open(): number {
    // Not 'a+': on Linux an append-mode write ignores the position, and the head is rewritten in place.
    this.#fd ??= openSync(this.path, constants.O_RDWR | constants.O_CREAT, FILE_MODE);
    return this.#fd;
  }
}
