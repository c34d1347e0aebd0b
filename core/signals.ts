// The signal table: every value twinloop knows, in typed arrays over one SharedArrayBuffer.
// One writer (the physics worker) publishes under a seqlock; any number of readers (exchange
// loop, HMI publisher, API) take consistent snapshots without messages or copies of names.
// Names are resolved to integer ids once, at load; hot paths only ever index arrays.

import { TwinloopError } from './errors.ts';

export type SignalType = 'bool' | 'int' | 'real';
/** Direction relative to the model: actuator = controller -> model, sensor = model -> controller. */
export type SignalKind = 'actuator' | 'sensor' | 'state';

export interface SignalDef {
  readonly name: string;
  readonly type: SignalType;
  readonly kind: SignalKind;
  readonly unit: string;
  readonly description?: string;
}

/** Quality per value, OPC-UA-like in spirit; 0 is good so zeroed memory starts good. */
export const Quality = { GOOD: 0, UNCERTAIN: 1, BAD: 2 } as const;
export type QualityCode = (typeof Quality)[keyof typeof Quality];

// Header layout (Int32 words). SEQ is the seqlock: odd while the writer is publishing.
const SEQ = 0;
const HEADER_BYTES = 64;
// Meta layout (Float64 words) right after the header.
const META_TICK = 0;
const META_TIME = 1;
const META_WORDS = 8;

/** Snapshot metadata filled in by {@link SignalTable.snapshot}. */
export interface SnapshotInfo {
  tick: number;
  time: number;
}

export class SignalTable {
  readonly defs: readonly SignalDef[];
  readonly size: number;
  readonly buffer: SharedArrayBuffer;
  /** Published values, indexed by signal id. Written only inside beginPublish/endPublish. */
  readonly values: Float64Array;
  /** Tick at which each value last changed. */
  readonly stamps: Float64Array;
  readonly quality: Uint8Array;
  readonly #header: Int32Array;
  readonly #meta: Float64Array;
  readonly #ids: Map<string, number>;

  private constructor(defs: readonly SignalDef[], buffer: SharedArrayBuffer) {
    this.defs = defs;
    this.size = defs.length;
    this.buffer = buffer;
    const n = defs.length;
    this.#header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.#meta = new Float64Array(buffer, HEADER_BYTES, META_WORDS);
    let off = HEADER_BYTES + META_WORDS * 8;
    this.values = new Float64Array(buffer, off, n);
    off += n * 8;
    this.stamps = new Float64Array(buffer, off, n);
    off += n * 8;
    this.quality = new Uint8Array(buffer, off, n);
    this.#ids = new Map();
    for (let i = 0; i < n; i++) {
      const name = defs[i]!.name;
      if (this.#ids.has(name)) throw new TwinloopError('SIG_DUPLICATE', `signal ${name} is defined twice`);
      this.#ids.set(name, i);
    }
  }

  static byteLength(n: number): number {
    return HEADER_BYTES + META_WORDS * 8 + n * 8 * 2 + n;
  }

  /** A new table with its own SharedArrayBuffer. */
  static create(defs: readonly SignalDef[]): SignalTable {
    return new SignalTable(defs, new SharedArrayBuffer(SignalTable.byteLength(defs.length)));
  }

  /** The same table seen from another thread. */
  static attach(defs: readonly SignalDef[], buffer: SharedArrayBuffer): SignalTable {
    if (buffer.byteLength !== SignalTable.byteLength(defs.length)) {
      throw new TwinloopError('MODEL_BUILD', `signal buffer is ${buffer.byteLength} bytes, catalog needs ${SignalTable.byteLength(defs.length)}`);
    }
    return new SignalTable(defs, buffer);
  }

  /** Id of a signal; throws SIG_UNKNOWN. Call at load time, never per tick. */
  id(name: string): number {
    const id = this.#ids.get(name);
    if (id === undefined) throw new TwinloopError('SIG_UNKNOWN', `unknown signal ${name}`);
    return id;
  }

  has(name: string): boolean {
    return this.#ids.has(name);
  }

  get tick(): number {
    return this.#meta[META_TICK]!;
  }

  get time(): number {
    return this.#meta[META_TIME]!;
  }

  /**
   * Publish a working copy of the values (the writer keeps its own array so readers are not
   * starved while it steps). Marks the stamp of every value that changed. Writer thread only.
   */
  publish(work: Float64Array, tick: number, time: number): void {
    const h = this.#header;
    // Odd sequence: readers that overlap this copy will retry.
    Atomics.add(h, SEQ, 1);
    const v = this.values;
    const s = this.stamps;
    const n = this.size;
    for (let i = 0; i < n; i++) {
      const x = work[i]!;
      // Object.is semantics are not needed: NaN never appears in published values.
      if (v[i] !== x) {
        v[i] = x;
        s[i] = tick;
      }
    }
    this.#meta[META_TICK] = tick;
    this.#meta[META_TIME] = time;
    Atomics.add(h, SEQ, 1);
  }

  /** Set quality for one signal (writer side; quality is advisory and not seqlocked). */
  setQuality(id: number, q: QualityCode): void {
    this.quality[id] = q;
  }

  /**
   * Copy a consistent snapshot of all values into `out` (length >= size). Returns false if the
   * writer kept publishing during `maxTries` attempts (it publishes at most every ~1 ms, so a
   * retry almost always succeeds). Reader side; any thread.
   */
  snapshot(out: Float64Array, info: SnapshotInfo, maxTries = 64): boolean {
    const h = this.#header;
    for (let attempt = 0; attempt < maxTries; attempt++) {
      const s1 = Atomics.load(h, SEQ);
      if ((s1 & 1) === 1) continue;
      out.set(this.values);
      info.tick = this.#meta[META_TICK]!;
      info.time = this.#meta[META_TIME]!;
      // Atomics.load is a full fence in V8, so the copies above cannot be reordered past it.
      if (Atomics.load(h, SEQ) === s1) return true;
    }
    return false;
  }
}

/** Coerce a number to what a signal of this type may hold (bools 0/1, ints truncated). */
export function coerce(type: SignalType, v: number): number {
  if (type === 'bool') return v ? 1 : 0;
  if (type === 'int') return Math.trunc(v);
  return v;
}
