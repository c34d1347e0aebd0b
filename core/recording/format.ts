// The recording file format, version 1: constants, the segment header, and the byte-level
// primitives (varints, XOR-trimmed float64 values) shared by the block encoder and decoder.
// The full byte layout is documented in docs/recording.md; this file is its one definition.
//
//   segment  := magic "TLREC\0" u16 version | u32 jsonLength | u32 crc32(json) | json | block*
//   block    := u32 payloadLength | u32 crc32(payload) | payload
//   payload  := u32 frames | u32 reserved | f64 firstT | f64 lastT | f64 wallStart | f64 wallEnd | frame*
//   frame    := u8 flags | [f64 offset if EPOCH] | varint tick (KEY: absolute; else zigzag delta)
//               | f64 simTime | entries
//   entries  := KEY: n x (u8 quality, value)   delta: u32 count, count x (varint gap<<1|q, [u8 quality], value)
//   value    := u8 (lead << 4 | len), len bytes of (bits XOR previous bits), most significant first
//
// All integers little-endian. A value's bits are XORed with the same signal's previous bits
// (0 in a keyframe) and only the non-zero middle bytes are stored: exact for every float64
// (NaN payloads and -0 included) and 2-3 bytes for counters and booleans.

import type { SignalKind, SignalType } from '../signals.ts';

export const MAGIC = Uint8Array.from([0x54, 0x4c, 0x52, 0x45, 0x43, 0x00]); // "TLREC\0"
export const FORMAT_VERSION = 1;
/** magic(6) + version(2) + jsonLength(4) + crc(4). */
export const FILE_PREFIX_BYTES = 16;
/** payloadLength(4) + crc(4). */
export const BLOCK_PREFIX_BYTES = 8;
/** frames(4) + reserved(4) + firstT, lastT, wallStart, wallEnd (4 x f64). */
export const BLOCK_HEADER_BYTES = 40;
/** A block longer than this is a torn or corrupt length field, never a real block. */
export const MAX_BLOCK_BYTES = 256 * 1024 * 1024;
/** A segment header (catalog JSON) longer than this is corrupt. */
export const MAX_HEADER_BYTES = 64 * 1024 * 1024;
export const SEGMENT_SUFFIX = '.tlrec';

/** Frame flag: every signal follows, in id order (the first frame of every block). */
export const FLAG_KEY = 1;
/** Frame flag: a new time offset follows (t = simTime + offset); set on every block's first frame and after a reset. */
export const FLAG_EPOCH = 2;

/** One signal of the catalog as the file stores it. */
export interface RecordedSignal {
  readonly name: string;
  readonly type: SignalType;
  readonly kind: SignalKind;
  readonly unit: string;
}

/** Free-form description of what was recorded; the HMI uses line and layout to draw the mimic. */
export interface RecordingMeta {
  /** Line name (line file `name`). */
  readonly line?: string;
  /** Physics step, seconds. */
  readonly dt?: number;
  /** Mimic layout (core/engine/run-control.ts LayoutEntry[]), kept as data. */
  readonly layout?: readonly unknown[];
  /** What produced it: 'live', 'scenario', 'sweep', ... */
  readonly source?: string;
  /** Sampling rate the recorder aimed at, Hz. */
  readonly rateHz?: number;
  readonly [key: string]: unknown;
}

/** The JSON header at the start of every segment: each segment opens on its own. */
export interface SegmentHeader {
  readonly format: 'twinloop-recording';
  readonly version: number;
  readonly id: string;
  /** 1-based segment number within the recording. */
  readonly segment: number;
  /** Wall time the segment was created, ms since the Unix epoch. */
  readonly created: number;
  readonly signals: readonly RecordedSignal[];
  readonly meta: RecordingMeta;
}

/** Largest encoded size of one frame of n signals (flags, offset, tick, time, count, entries). */
export function worstFrameBytes(n: number): number {
  return 1 + 8 + 10 + 8 + 4 + n * (5 + 1 + 1 + 8);
}

/** Write an unsigned integer (< 2^53) as a LEB128 varint; returns the new position. */
export function writeVarint(buf: Uint8Array, pos: number, v: number): number {
  // Small values (ids, gaps, tick deltas) with bit operations; larger ones with arithmetic, as
  // ticks exceed 2^31 after ~25 days at 1 kHz.
  if (v < 0x10000000) {
    while (v >= 128) {
      buf[pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[pos++] = v;
    return pos;
  }
  while (v >= 128) {
    buf[pos++] = (v % 128) | 128;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

/** Zigzag so small negative deltas (a reset) stay short. */
export function zigzag(d: number): number {
  return d >= 0 ? d * 2 : -d * 2 - 1;
}

export function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

/**
 * Encode one float64 given as two words (hi, lo) XOR the previous words (bh, bl) into `buf`
 * at `pos`: a control byte (leading zero bytes << 4 | stored bytes) and the stored bytes.
 * Returns the new position. No allocation.
 */
export function writeXorValue(buf: Uint8Array, pos: number, hi: number, lo: number, bh: number, bl: number): number {
  const xh = (hi ^ bh) >>> 0;
  const xl = (lo ^ bl) >>> 0;
  if (xh === 0 && xl === 0) {
    buf[pos++] = 0x80;
    return pos;
  }
  const lead = xh !== 0 ? Math.clz32(xh) >> 3 : 4 + (Math.clz32(xl) >> 3);
  const trail = xl !== 0 ? ctz32(xl) >> 3 : 4 + (ctz32(xh) >> 3);
  const end = 8 - trail;
  buf[pos++] = (lead << 4) | (end - lead);
  for (let k = lead; k < end; k++) buf[pos++] = k < 4 ? (xh >>> (24 - 8 * k)) & 255 : (xl >>> (56 - 8 * k)) & 255;
  return pos;
}

/** Count of trailing zero bits of a non-zero 32-bit word. */
function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** Little-endian hosts only: the encoder and decoder view Float64Arrays as pairs of Uint32 words (lo, hi). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
