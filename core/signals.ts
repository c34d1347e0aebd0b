// The signal table: every value twinloop knows, in typed arrays over one SharedArrayBuffer.
// One writer (the physics worker) publishes into a second buffer and flips; any number of readers
// (exchange loop, HMI publisher, API) take consistent snapshots without messages or copies of names.
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

// Header layout (Int32 words). Values live in two buffers: readers copy the current one, the
// writer fills the other and then makes it current, so a reader never waits for a publish and a
// large publish can be spread over several calls (beginPublish/continuePublish, issue 24).
// GEN: the generation readers see; buffer GEN & 1 holds it. FILLING: the generation being
// written (GEN + 1 while a publish is under way, GEN otherwise); generation g + 2 writes buffer
// g & 1 again, so a reader that copied generation g checks afterwards that FILLING < g + 2.
// Both words count up and wrap at 2^31 (a 1 kHz publish takes 24 days): compared as differences.
const GEN = 0;
const FILLING = 1;
const HEADER_BYTES = 64;
// Meta layout (Float64 words) right after the header: tick and time of each buffer.
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
  /** Tick at which each value last changed (written with the publish that changes it). */
  readonly stamps: Float64Array;
  readonly quality: Uint8Array;
  readonly #header: Int32Array;
  readonly #meta: Float64Array;
  readonly #buffers: readonly [Float64Array, Float64Array];
  readonly #ids: Map<string, number>;
  // Writer side of a publish spread over several calls (writer thread only).
  #staging: Float64Array | null = null;
  #pending = false;
  #pendingTick = 0;
  #pendingTime = 0;
  #pendingNext = 0;
  #pendingChunk = 0;

  private constructor(defs: readonly SignalDef[], buffer: SharedArrayBuffer) {
    this.defs = defs;
    this.size = defs.length;
    this.buffer = buffer;
    const n = defs.length;
    this.#header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.#meta = new Float64Array(buffer, HEADER_BYTES, META_WORDS);
    let off = HEADER_BYTES + META_WORDS * 8;
    const values0 = new Float64Array(buffer, off, n);
    off += n * 8;
    const values1 = new Float64Array(buffer, off, n);
    off += n * 8;
    this.#buffers = [values0, values1];
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
    return HEADER_BYTES + META_WORDS * 8 + n * 8 * 3 + n;
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

  /**
   * The values readers see now, indexed by signal id: a look at one value. A set of values that
   * must agree with each other is read with {@link snapshot}.
   */
  get values(): Float64Array {
    return this.#buffers[Atomics.load(this.#header, GEN) & 1]!;
  }

  get tick(): number {
    return this.#meta[(Atomics.load(this.#header, GEN) & 1) * 2]!;
  }

  get time(): number {
    return this.#meta[(Atomics.load(this.#header, GEN) & 1) * 2 + 1]!;
  }

  /**
   * Publish a working copy of the values at once (the writer keeps its own array so readers are
   * not starved while it steps). Stamps every value that changed. Finishes a spread publish
   * under way first. Writer thread only.
   */
  publish(work: Float64Array, tick: number, time: number): void {
    this.finishPublish();
    Atomics.store(this.#header, FILLING, (Atomics.load(this.#header, GEN) + 1) | 0);
    this.#fill(work, 0, this.size, tick);
    this.#flip(tick, time);
  }

  /**
   * Publish `work` as of now, spread over `parts` calls of {@link continuePublish}: the values
   * are copied aside at once (one memcpy) and reach the readers, whole, when the last part is
   * done. A large table's publish then costs each step a part instead of one step all of it
   * (100k components, 793k signals: ~2 ms at once). Writer thread only.
   */
  beginPublish(work: Float64Array, tick: number, time: number, parts: number): void {
    this.finishPublish();
    const staging = (this.#staging ??= new Float64Array(this.size));
    staging.set(work);
    this.#pending = true;
    this.#pendingTick = tick;
    this.#pendingTime = time;
    this.#pendingNext = 0;
    this.#pendingChunk = Math.max(1, Math.ceil(this.size / Math.max(1, parts)));
    Atomics.store(this.#header, FILLING, (Atomics.load(this.#header, GEN) + 1) | 0);
  }

  /** True while a spread publish is under way (begun, not yet visible). */
  get publishing(): boolean {
    return this.#pending;
  }

  /** Do `parts` parts of the spread publish under way; true when that made it visible. */
  continuePublish(parts = 1): boolean {
    if (!this.#pending) return false;
    const end = Math.min(this.size, this.#pendingNext + parts * this.#pendingChunk);
    this.#fill(this.#staging!, this.#pendingNext, end, this.#pendingTick);
    this.#pendingNext = end;
    if (end < this.size) return false;
    this.#pending = false;
    this.#flip(this.#pendingTick, this.#pendingTime);
    return true;
  }

  /** Complete a spread publish under way, if any (before a command's own publish, at stop). */
  finishPublish(): void {
    if (this.#pending) this.continuePublish(Infinity);
  }

  /** Write values [from, to) of `src` into the buffer being filled, stamping the changed ones. */
  #fill(src: Float64Array, from: number, to: number, tick: number): void {
    const g = Atomics.load(this.#header, GEN);
    const current = this.#buffers[g & 1]!;
    const next = this.#buffers[(g + 1) & 1]!;
    const s = this.stamps;
    for (let i = from; i < to; i++) {
      const x = src[i]!;
      // Object.is semantics are not needed: NaN never appears in published values.
      if (current[i] !== x) s[i] = tick;
      next[i] = x;
    }
  }

  /** Make the filled buffer the one readers see. */
  #flip(tick: number, time: number): void {
    const g = (Atomics.load(this.#header, GEN) + 1) | 0;
    const b = (g & 1) * 2;
    this.#meta[b] = tick;
    this.#meta[b + 1] = time;
    // The store of GEN publishes the buffer and its meta (Atomics.store is sequentially consistent).
    Atomics.store(this.#header, GEN, g);
  }

  /** Set quality for one signal (writer side; quality is advisory and not part of a publish). */
  setQuality(id: number, q: QualityCode): void {
    this.quality[id] = q;
  }

  /**
   * Copy a consistent snapshot of all values into `out` (length >= size). Returns false if the
   * writer overtook the copy `maxTries` times in a row (it would have to publish twice during one
   * copy, so a retry almost always succeeds). Reader side; any thread.
   */
  snapshot(out: Float64Array, info: SnapshotInfo, maxTries = 64): boolean {
    const h = this.#header;
    for (let attempt = 0; attempt < maxTries; attempt++) {
      const g = Atomics.load(h, GEN);
      const b = g & 1;
      out.set(this.#buffers[b]!);
      info.tick = this.#meta[b * 2]!;
      info.time = this.#meta[b * 2 + 1]!;
      // Atomics.load is a full fence in V8, so the copies above cannot be reordered past it.
      // Generation g + 2 is the first to write this buffer again.
      if (((Atomics.load(h, FILLING) - g) | 0) < 2) return true;
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
