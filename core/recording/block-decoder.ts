// Decodes the frames of one block payload, in order, into the reader's state arrays (values as
// Uint32 word pairs, quality). A block starts with a keyframe, so load() followed by next()
// gives the full state at the block's first frame with no earlier block. peekT() reads the next
// frame's recording time without applying it (scrubbing stops on the last frame <= t).

import { TwinloopError } from '../errors.ts';
import { BLOCK_HEADER_BYTES, FLAG_EPOCH, FLAG_KEY, unzigzag } from './format.ts';

/** The block header as stored at the start of each payload. */
export interface BlockHeader {
  frames: number;
  firstT: number;
  lastT: number;
  wallStart: number;
  wallEnd: number;
}

/** Read a block header from a payload (or its first BLOCK_HEADER_BYTES). */
export function readBlockHeader(payload: Uint8Array, out: BlockHeader): void {
  const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  out.frames = dv.getUint32(0, true);
  out.firstT = dv.getFloat64(8, true);
  out.lastT = dv.getFloat64(16, true);
  out.wallStart = dv.getFloat64(24, true);
  out.wallEnd = dv.getFloat64(32, true);
}

export class BlockDecoder {
  readonly size: number;
  /** Current values as (lo, hi) words per signal; view it as Float64Array through `values`. */
  readonly bits: Uint32Array;
  readonly values: Float64Array;
  readonly quality: Uint8Array;
  /** Recording time, sim time and tick of the current frame. */
  t = NaN;
  time = NaN;
  tick = 0;
  /** Index of the current frame in the block (-1 before the first next()). */
  frame = -1;
  #buf: Uint8Array = new Uint8Array(0);
  #dv: DataView = new DataView(this.#buf.buffer);
  #pos = 0;
  #frames = 0;
  #offset = 0;
  #what = '';

  constructor(n: number) {
    this.size = n;
    this.values = new Float64Array(n);
    this.bits = new Uint32Array(this.values.buffer);
    this.quality = new Uint8Array(n);
  }

  /** Start decoding a payload whose CRC was checked; `what` names it in errors. */
  load(payload: Uint8Array, what: string): void {
    this.#buf = payload;
    this.#dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    this.#frames = this.#dv.getUint32(0, true);
    this.#pos = BLOCK_HEADER_BYTES;
    this.#what = what;
    this.frame = -1;
    this.t = NaN;
  }

  get remaining(): number {
    return this.#frames - 1 - this.frame;
  }

  /** Recording time of the next frame, or +Infinity at the end of the block. No state changes. */
  peekT(): number {
    if (this.remaining <= 0) return Infinity;
    let p = this.#pos;
    const flags = this.#byte(p++);
    let offset = this.#offset;
    if ((flags & FLAG_EPOCH) !== 0) {
      offset = this.#f64(p);
      p += 8;
    }
    p = this.#skipVarint(p);
    return this.#f64(p) + offset;
  }

  /** Apply the next frame to the state; false at the end of the block. */
  next(): boolean {
    if (this.remaining <= 0) return false;
    const buf = this.#buf;
    let p = this.#pos;
    const flags = this.#byte(p++);
    const key = (flags & FLAG_KEY) !== 0;
    if (this.frame === -1 && !key) this.#corrupt('first frame is not a keyframe');
    if ((flags & FLAG_EPOCH) !== 0) {
      this.#offset = this.#f64(p);
      p += 8;
    }
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = this.#byte(p++);
      v += (b & 127) * mul;
      if (b < 128) break;
      mul *= 128;
    }
    this.tick = key ? v : this.tick + unzigzag(v);
    this.time = this.#f64(p);
    p += 8;
    const n = this.size;
    const bits = this.bits;
    const q = this.quality;
    if (key) {
      for (let i = 0; i < n; i++) {
        q[i] = this.#byte(p++);
        p = this.#xor(p, i, 0, 0);
      }
    } else {
      if (p + 4 > buf.length) this.#corrupt('frame runs past the block');
      const count = this.#dv.getUint32(p, true);
      p += 4;
      let id = -1;
      for (let k = 0; k < count; k++) {
        let g = 0;
        let m = 1;
        for (;;) {
          const b = this.#byte(p++);
          g += (b & 127) * m;
          if (b < 128) break;
          m *= 128;
        }
        id += Math.floor(g / 2) + 1;
        if (id >= n) this.#corrupt(`entry names signal ${id} beyond the catalog of ${n}`);
        if (g % 2 === 1) q[id] = this.#byte(p++);
        p = this.#xor(p, id, bits[2 * id + 1]!, bits[2 * id]!);
      }
    }
    this.#pos = p;
    this.frame++;
    this.t = this.time + this.#offset;
    return true;
  }

  #xor(p: number, id: number, bh: number, bl: number): number {
    const ctl = this.#byte(p++);
    const lead = ctl >> 4;
    const end = lead + (ctl & 15);
    if (end > 8) this.#corrupt(`bad value control byte ${ctl}`);
    let xh = 0;
    let xl = 0;
    for (let k = lead; k < end; k++) {
      const b = this.#byte(p++);
      if (k < 4) xh |= b << (24 - 8 * k);
      else xl |= b << (56 - 8 * k);
    }
    this.bits[2 * id] = bl ^ xl;
    this.bits[2 * id + 1] = bh ^ xh;
    return p;
  }

  #byte(p: number): number {
    const b = this.#buf[p];
    if (b === undefined) this.#corrupt('frame runs past the block');
    return b;
  }

  #f64(p: number): number {
    if (p + 8 > this.#buf.length) this.#corrupt('frame runs past the block');
    return this.#dv.getFloat64(p, true);
  }

  #skipVarint(p: number): number {
    while (this.#byte(p++) >= 128);
    return p;
  }

  #corrupt(why: string): never {
    throw new TwinloopError('REC_CORRUPT', `${this.#what}: ${why}`);
  }
}
