// The byte format of a model snapshot: every state array of the model, in a fixed order, then
// a JSON trailer for what is not a fixed-size array (scalars, active faults, delay rings).
//   'TLSN' | u32 version | u32 array count | per array: u32 byte length, bytes (8-aligned) |
//   u32 trailer length | trailer (UTF-8 JSON)
// Restoring into a model of the same line copies the arrays back byte for byte, so a restored
// model continues bit-identically.

import { TwinloopError } from '../core/errors.ts';

export type StateArray = Float64Array | Int32Array | Uint32Array | Uint8Array;

const MAGIC = 0x4e534c54; // 'TLSN' little-endian
/**
 * 2: signals grouped by type in the catalog (the order of the value array a snapshot holds) and
 * sliced types stepped in blocks (time-slice.ts). A version-1 snapshot of the same line has the
 * same array count and sizes but another meaning, so it is refused by its version (SNAPSHOT_INVALID
 * "version 1, expected 2"), not restored into the wrong signals.
 * 3: sources keep where their lane must have run before they look for room again (two more
 * state columns), so a version-2 snapshot is refused by its version rather than by its sizes.
 * 4: item fronts are kept relative to a per-lane offset (items.ts ItemPool.offset, one more
 * array), and quality gates keep where their lane must have run before they look again (two more
 * state columns): a version-3 snapshot's fronts would be read without the offset.
 */
const VERSION = 4;

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** Encode `arrays` and a JSON-able trailer. */
export function encodeSnapshot(arrays: readonly StateArray[], trailer: unknown): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(trailer));
  let size = 12;
  for (const a of arrays) size += 8 + align8(a.byteLength);
  size += 8 + json.byteLength;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, arrays.length, true);
  let at = 12;
  for (const a of arrays) {
    view.setUint32(at, a.byteLength, true);
    at += 8;
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += align8(a.byteLength);
  }
  view.setUint32(at, json.byteLength, true);
  out.set(json, at + 8);
  return out;
}

/**
 * Copy a snapshot's arrays into `arrays` (which must match in count and sizes) and return its trailer.
 * @throws TwinloopError SNAPSHOT_INVALID when the bytes are not a snapshot of a model like this one
 */
export function decodeSnapshot(bytes: Uint8Array, arrays: readonly StateArray[]): unknown {
  const bad = (why: string): TwinloopError => new TwinloopError('SNAPSHOT_INVALID', `snapshot: ${why}`);
  if (bytes.byteLength < 12) throw bad(`${bytes.byteLength} bytes is too short`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw bad('not a twinloop model snapshot (bad magic)');
  if (view.getUint32(4, true) !== VERSION) throw bad(`version ${view.getUint32(4, true)}, expected ${VERSION}`);
  if (view.getUint32(8, true) !== arrays.length) throw bad(`${view.getUint32(8, true)} state arrays, this model has ${arrays.length}: another line?`);
  // Check every size before copying anything, so a bad snapshot leaves the model untouched.
  let at = 12;
  const offsets: number[] = [];
  for (let k = 0; k < arrays.length; k++) {
    if (at + 8 > bytes.byteLength) throw bad('truncated');
    const len = view.getUint32(at, true);
    if (len !== arrays[k]!.byteLength) throw bad(`state array ${k} has ${len} bytes, this model ${arrays[k]!.byteLength}: another line?`);
    offsets.push(at + 8);
    at += 8 + align8(len);
  }
  if (at + 8 > bytes.byteLength) throw bad('truncated');
  const jsonLen = view.getUint32(at, true);
  if (at + 8 + jsonLen > bytes.byteLength) throw bad('truncated trailer');
  let trailer: unknown;
  try {
    trailer = JSON.parse(new TextDecoder().decode(bytes.subarray(at + 8, at + 8 + jsonLen)));
  } catch (err) {
    throw new TwinloopError('SNAPSHOT_INVALID', 'snapshot: trailer is not JSON', { cause: err });
  }
  arrays.forEach((a, k) => {
    new Uint8Array(a.buffer, a.byteOffset, a.byteLength).set(bytes.subarray(offsets[k]!, offsets[k]! + a.byteLength));
  });
  return trailer;
}

/** Bytes of a Float64Array as base64 (exact, unlike decimal JSON for NaN and -0). */
export function f64ToBase64(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export function base64ToF64(s: string): Float64Array {
  const b = Buffer.from(s, 'base64');
  const out = new Float64Array(b.byteLength / 8);
  new Uint8Array(out.buffer).set(b);
  return out;
}
