// The compact binary trace a run leaves in its result directory, for `twinloop compare`: the
// involved signals sampled every `sampleMs`, only the values that changed, gzip'd.
//   'TLTR' | u32 version | u32 header length | header (UTF-8 JSON: signals, sampleMs, samples)
//   | records: u32 sample index, u16 signal index, 2 bytes pad, f64 value (16 bytes, aligned)
// The first sample records every signal, so a reader rebuilds any signal at any sample exactly.

import { gunzipSync, gzipSync } from 'node:zlib';
import { TwinloopError } from '../errors.ts';

const MAGIC = 0x52544c54; // 'TLTR' little-endian
const VERSION = 1;
const RECORD = 16;

export interface TraceHeader {
  readonly signals: readonly string[];
  readonly sampleMs: number;
  readonly samples: number;
}

/** Records changes as they happen; grows by doubling (amortised, a few allocations per run). */
export class TraceRecorder {
  readonly signals: readonly string[];
  readonly sampleMs: number;
  readonly #ids: Int32Array;
  readonly #last: Float64Array;
  #buf = new ArrayBuffer(64 * 1024);
  #view = new DataView(this.#buf);
  #size = 0;
  #samples = 0;

  constructor(signals: readonly string[], ids: Int32Array, sampleMs: number) {
    this.signals = signals;
    this.sampleMs = sampleMs;
    this.#ids = ids;
    this.#last = new Float64Array(ids.length);
  }

  sample(v: Float64Array): void {
    const s = this.#samples++;
    const ids = this.#ids;
    for (let k = 0; k < ids.length; k++) {
      const x = v[ids[k]!]!;
      // Object.is: NaN equals NaN, and -0 differs from 0 (the trace is bit-exact).
      if (s > 0 && Object.is(x, this.#last[k]!)) continue;
      this.#last[k] = x;
      if (this.#size + RECORD > this.#buf.byteLength) this.#grow();
      const view = this.#view;
      view.setUint32(this.#size, s, true);
      view.setUint16(this.#size + 4, k, true);
      view.setFloat64(this.#size + 8, x, true);
      this.#size += RECORD;
    }
  }

  get samples(): number {
    return this.#samples;
  }

  #grow(): void {
    const next = new ArrayBuffer(this.#buf.byteLength * 2);
    new Uint8Array(next).set(new Uint8Array(this.#buf, 0, this.#size));
    this.#buf = next;
    this.#view = new DataView(next);
  }

  /** The file's bytes (gzip'd). */
  encode(): Uint8Array {
    const header = new TextEncoder().encode(JSON.stringify({ signals: this.signals, sampleMs: this.sampleMs, samples: this.#samples } satisfies TraceHeader));
    const pad = (8 - ((12 + header.byteLength) % 8)) % 8;
    const out = new Uint8Array(12 + header.byteLength + pad + this.#size);
    const view = new DataView(out.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, VERSION, true);
    view.setUint32(8, header.byteLength + pad, true);
    out.set(header, 12);
    out.fill(0x20, 12 + header.byteLength, 12 + header.byteLength + pad); // JSON tolerates trailing spaces
    out.set(new Uint8Array(this.#buf, 0, this.#size), 12 + header.byteLength + pad);
    return gzipSync(out);
  }
}

/** A decoded trace: per signal, the sample indexes where it changed and the new values. */
export interface Trace {
  readonly header: TraceHeader;
  readonly changes: ReadonlyMap<string, { readonly at: Uint32Array; readonly values: Float64Array }>;
}

/** @throws TwinloopError TRACE_INVALID */
export function decodeTrace(gz: Uint8Array): Trace {
  const bad = (why: string): TwinloopError => new TwinloopError('TRACE_INVALID', `trace: ${why}`);
  let bytes: Buffer;
  try {
    bytes = gunzipSync(gz);
  } catch (err) {
    throw new TwinloopError('TRACE_INVALID', 'trace: not gzip data', { cause: err });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 12 || view.getUint32(0, true) !== MAGIC) throw bad('not a twinloop trace (bad magic)');
  if (view.getUint32(4, true) !== VERSION) throw bad(`version ${view.getUint32(4, true)}, expected ${VERSION}`);
  const hlen = view.getUint32(8, true);
  if (12 + hlen > bytes.byteLength || (bytes.byteLength - 12 - hlen) % RECORD !== 0) throw bad('truncated');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hlen))) as TraceHeader;
  const n = (bytes.byteLength - 12 - hlen) / RECORD;
  const counts = new Uint32Array(header.signals.length);
  for (let r = 0; r < n; r++) counts[view.getUint16(12 + hlen + r * RECORD + 4, true)]!++;
  const at = header.signals.map((_, k) => new Uint32Array(counts[k]!));
  const values = header.signals.map((_, k) => new Float64Array(counts[k]!));
  const fill = new Uint32Array(header.signals.length);
  for (let r = 0; r < n; r++) {
    const o = 12 + hlen + r * RECORD;
    const k = view.getUint16(o + 4, true);
    if (k >= header.signals.length) throw bad(`record ${r} names signal ${k} of ${header.signals.length}`);
    at[k]![fill[k]!] = view.getUint32(o, true);
    values[k]![fill[k]!] = view.getFloat64(o + 8, true);
    fill[k]!++;
  }
  return { header, changes: new Map(header.signals.map((s, k) => [s, { at: at[k]!, values: values[k]! }])) };
}

/**
 * The first sample at which two change lists of one signal differ in value, or -1 when they
 * agree over the common length `samples`.
 */
export function firstDivergence(a: { at: Uint32Array; values: Float64Array }, b: { at: Uint32Array; values: Float64Array }, samples: number, tolerance = 0): number {
  // Walk both change lists in sample order; between changes each value holds.
  let i = 0;
  let j = 0;
  let va = NaN;
  let vb = NaN;
  while (i < a.at.length || j < b.at.length) {
    const ta = i < a.at.length ? a.at[i]! : Infinity;
    const tb = j < b.at.length ? b.at[j]! : Infinity;
    const t = Math.min(ta, tb);
    if (t >= samples) break;
    if (ta === t) va = a.values[i++]!;
    if (tb === t) vb = b.values[j++]!;
    const same = Object.is(va, vb) || Math.abs(va - vb) <= tolerance;
    if (!same) return t;
  }
  return -1;
}
