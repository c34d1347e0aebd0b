// Reading a segment's structure without decoding its frames: the JSON header, then the chain of
// length-prefixed blocks, checking each block's length (and, when asked, its CRC32). Scanning
// stops at the first block that is truncated, too long or fails its CRC, and says where and why:
// after a kill -9 that is the torn last block; anything before it is intact.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { TwinloopError } from '../errors.ts';
import { readBlockHeader, type BlockHeader } from './block-decoder.ts';
import { BLOCK_HEADER_BYTES, BLOCK_PREFIX_BYTES, FILE_PREFIX_BYTES, FORMAT_VERSION, MAGIC, MAX_BLOCK_BYTES, MAX_HEADER_BYTES, type SegmentHeader } from './format.ts';

/** One block of the index: where its payload is and what time it covers. */
export interface BlockRef extends BlockHeader {
  /** Index of the segment in the recording's segment list. */
  readonly seg: number;
  /** File offset of the payload (after length and CRC). */
  readonly offset: number;
  readonly length: number;
  readonly crc: number;
}

/** Where and why reading stopped early. */
export interface Truncation {
  readonly path: string;
  readonly offset: number;
  readonly reason: string;
}

/** Read exactly `length` bytes at `position`, or fewer at the end of the file. */
export function readAt(fd: number, buf: Uint8Array, length: number, position: number): number {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/**
 * Open a segment and read its header.
 * @throws TwinloopError REC_CORRUPT for a bad magic, version, length or CRC; REC_NOT_FOUND if it cannot be opened
 */
export function openSegment(path: string): { fd: number; header: SegmentHeader; dataStart: number } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new TwinloopError('REC_NOT_FOUND', `cannot open recording segment ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const prefix = Buffer.alloc(FILE_PREFIX_BYTES);
    if (readAt(fd, prefix, FILE_PREFIX_BYTES, 0) < FILE_PREFIX_BYTES) throw new TwinloopError('REC_CORRUPT', `${path}: header is truncated`);
    if (!prefix.subarray(0, MAGIC.length).equals(MAGIC)) throw new TwinloopError('REC_CORRUPT', `${path}: not a twinloop recording (bad magic)`);
    const version = prefix.readUInt16LE(6);
    if (version !== FORMAT_VERSION) throw new TwinloopError('REC_CORRUPT', `${path}: format version ${version}, this reader knows ${FORMAT_VERSION}`);
    const length = prefix.readUInt32LE(8);
    if (length > MAX_HEADER_BYTES) throw new TwinloopError('REC_CORRUPT', `${path}: header length ${length} is implausible`);
    const json = Buffer.alloc(length);
    if (readAt(fd, json, length, FILE_PREFIX_BYTES) < length) throw new TwinloopError('REC_CORRUPT', `${path}: header is truncated`);
    if (crc32(json) !== prefix.readUInt32LE(12)) throw new TwinloopError('REC_CORRUPT', `${path}: header fails its CRC`);
    const header = JSON.parse(json.toString('utf8')) as SegmentHeader;
    if (header.format !== 'twinloop-recording' || !Array.isArray(header.signals)) throw new TwinloopError('REC_CORRUPT', `${path}: header is not a recording header`);
    return { fd, header, dataStart: FILE_PREFIX_BYTES + length };
  } catch (err) {
    closeSync(fd);
    if (err instanceof TwinloopError) throw err;
    throw new TwinloopError('REC_CORRUPT', `${path}: header is unreadable: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Walk the blocks of a segment from `start`, appending to `out`. With `verify` every payload
 * is read and CRC-checked; without, only the length chain and headers are (and the last block,
 * the one a crash may have torn). Returns the offset after the last good block and the reason
 * it stopped early, if it did.
 */
export function scanBlocks(fd: number, path: string, seg: number, start: number, verify: boolean, out: BlockRef[]): { end: number; truncation: Truncation | undefined } {
  const size = fstatSync(fd).size;
  const head = Buffer.alloc(BLOCK_PREFIX_BYTES + BLOCK_HEADER_BYTES);
  let payload = Buffer.alloc(0);
  const h: BlockHeader = { frames: 0, firstT: 0, lastT: 0, wallStart: 0, wallEnd: 0 };
  let pos = start;
  const stop = (reason: string): { end: number; truncation: Truncation } => ({ end: pos, truncation: { path, offset: pos, reason } });
  while (pos < size) {
    if (readAt(fd, head, head.length, pos) < head.length) return stop('block header is truncated');
    const length = head.readUInt32LE(0);
    const crc = head.readUInt32LE(4);
    if (length < BLOCK_HEADER_BYTES || length > MAX_BLOCK_BYTES) return stop(`block length ${length} is implausible`);
    const offset = pos + BLOCK_PREFIX_BYTES;
    if (offset + length > size) return stop(`block is truncated (${size - offset} of ${length} bytes)`);
    const last = offset + length === size;
    if (verify || last) {
      if (payload.length < length) payload = Buffer.alloc(Math.max(length, payload.length * 2));
      readAt(fd, payload, length, offset);
      if (crc32(payload.subarray(0, length)) !== crc) return stop('block fails its CRC');
    }
    readBlockHeader(head.subarray(BLOCK_PREFIX_BYTES), h);
    if (h.frames === 0 || !(h.lastT >= h.firstT)) return stop('block header is inconsistent');
    out.push({ seg, offset, length, crc, frames: h.frames, firstT: h.firstT, lastT: h.lastT, wallStart: h.wallStart, wallEnd: h.wallEnd });
    pos = offset + length;
  }
  return { end: pos, truncation: undefined };
}
