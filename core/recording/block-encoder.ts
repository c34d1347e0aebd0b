// Encodes frames into one block in a preallocated buffer: a keyframe first (every value, so the
// block decodes alone), then only what changed since the previous frame, compared bit for bit
// (NaN and -0 are changes like any other). finish() writes the length, CRC32 and block header
// in front and hands back a view of the buffer. Nothing here allocates after construction.

import { crc32 } from 'node:zlib';
import {
  BLOCK_HEADER_BYTES,
  BLOCK_PREFIX_BYTES,
  FLAG_EPOCH,
  FLAG_KEY,
  worstFrameBytes,
  writeVarint,
  writeXorValue,
  zigzag,
} from './format.ts';

const HEADER_END = BLOCK_PREFIX_BYTES + BLOCK_HEADER_BYTES;

export class BlockEncoder {
  readonly size: number;
  readonly #buf: Uint8Array;
  readonly #dv: DataView;
  readonly #worst: number;
  // Previous frame's bits and quality (the XOR base and the change test).
  readonly #prevBits: Uint32Array;
  readonly #prevQ: Uint8Array;
  #pos = HEADER_END;
  #frames = 0;
  #firstT = 0;
  #lastT = 0;
  #wallStart = 0;
  #lastTick = 0;
  #lastOffset = NaN;

  /** @param n signal count; @param minBytes buffer size floor (default 1 MiB). */
  constructor(n: number, minBytes = 1 << 20) {
    this.size = n;
    this.#worst = worstFrameBytes(n);
    // At least two worst-case frames so a keyframe plus one delta always fit.
    this.#buf = new Uint8Array(Math.max(minBytes, HEADER_END + 2 * this.#worst));
    this.#dv = new DataView(this.#buf.buffer);
    this.#prevBits = new Uint32Array(2 * n);
    this.#prevQ = new Uint8Array(n);
  }

  get frames(): number {
    return this.#frames;
  }

  /** Bytes of the block so far, prefix and header included. */
  get bytes(): number {
    return this.#pos;
  }

  get wallStart(): number {
    return this.#wallStart;
  }

  /** Is there room for one more frame of any content? */
  get hasRoom(): boolean {
    return this.#pos + this.#worst <= this.#buf.length;
  }

  /**
   * Add a frame. `bits` is the Uint32 view of the Float64Array of values (2 words per signal,
   * lo then hi), `offset` the recording-time offset (t = time + offset). The caller checks
   * hasRoom first. The first frame of a block is a keyframe.
   */
  add(tick: number, time: number, offset: number, bits: Uint32Array, quality: Uint8Array, wallNow: number): void {
    const buf = this.#buf;
    const key = this.#frames === 0;
    const epoch = key || offset !== this.#lastOffset;
    let p = this.#pos;
    buf[p++] = (key ? FLAG_KEY : 0) | (epoch ? FLAG_EPOCH : 0);
    if (epoch) {
      this.#dv.setFloat64(p, offset, true);
      p += 8;
    }
    p = writeVarint(buf, p, key ? tick : zigzag(tick - this.#lastTick));
    this.#dv.setFloat64(p, time, true);
    p += 8;
    const n = this.size;
    const prev = this.#prevBits;
    const prevQ = this.#prevQ;
    if (key) {
      for (let i = 0; i < n; i++) {
        const lo = bits[2 * i]!;
        const hi = bits[2 * i + 1]!;
        buf[p++] = quality[i]!;
        p = writeXorValue(buf, p, hi, lo, 0, 0);
        prev[2 * i] = lo;
        prev[2 * i + 1] = hi;
        prevQ[i] = quality[i]!;
      }
      this.#firstT = time + offset;
      this.#wallStart = wallNow;
    } else {
      const countAt = p;
      p += 4;
      let count = 0;
      let last = -1;
      for (let i = 0; i < n; i++) {
        const lo = bits[2 * i]!;
        const hi = bits[2 * i + 1]!;
        const q = quality[i]!;
        const bl = prev[2 * i]!;
        const bh = prev[2 * i + 1]!;
        const qChanged = q !== prevQ[i];
        if (lo === bl && hi === bh && !qChanged) continue;
        p = writeVarint(buf, p, (i - last - 1) * 2 + (qChanged ? 1 : 0));
        if (qChanged) buf[p++] = q;
        p = writeXorValue(buf, p, hi, lo, bh, bl);
        prev[2 * i] = lo;
        prev[2 * i + 1] = hi;
        prevQ[i] = q;
        last = i;
        count++;
      }
      this.#dv.setUint32(countAt, count, true);
    }
    this.#pos = p;
    this.#frames++;
    this.#lastT = time + offset;
    this.#lastTick = tick;
    this.#lastOffset = offset;
  }

  /**
   * Close the block: fill in its prefix and header; returns the bytes to write (a view of the
   * internal buffer, valid until the next add). Then reset() starts the next block.
   */
  finish(wallNow: number): Uint8Array {
    const dv = this.#dv;
    const payloadLength = this.#pos - BLOCK_PREFIX_BYTES;
    dv.setUint32(0, payloadLength, true);
    dv.setUint32(BLOCK_PREFIX_BYTES, this.#frames, true);
    dv.setUint32(BLOCK_PREFIX_BYTES + 4, 0, true);
    dv.setFloat64(BLOCK_PREFIX_BYTES + 8, this.#firstT, true);
    dv.setFloat64(BLOCK_PREFIX_BYTES + 16, this.#lastT, true);
    dv.setFloat64(BLOCK_PREFIX_BYTES + 24, this.#wallStart, true);
    dv.setFloat64(BLOCK_PREFIX_BYTES + 32, wallNow, true);
    dv.setUint32(4, crc32(this.#buf.subarray(BLOCK_PREFIX_BYTES, this.#pos)), true);
    return this.#buf.subarray(0, this.#pos);
  }

  /** Start an empty block (the next frame will be a keyframe). */
  reset(): void {
    this.#pos = HEADER_END;
    this.#frames = 0;
    this.#lastOffset = NaN;
  }
}
