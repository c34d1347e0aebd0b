// The built-in controller behind the adapter interface: a TypeScript control program run
// with PLC scan semantics. It is steppable, so the engine runs its scans in lock-step with the
// physics (deterministic at any pace); the async methods exist so it is interchangeable with
// the network adapters.

import { TwinloopError } from '../../core/errors.ts';
import type { ConnectionState, SteppableAdapter, TagBatch, TagQuality, TagSpec } from '../adapter.ts';
import { type ControlProgram, findEntry } from './program.ts';
import { loadProgram, programs } from './program-source.ts';
import { StProgram } from '../st/st-program.ts';

export { programs };

/** The program a built-in controller runs when nothing names one (the demo line's). */
export const DEFAULT_PROGRAM = 'sorting';

export interface SimAdapterOptions {
  /** A program spec (built-in name, ST file(s) or folder; see program-source.ts) or a program. */
  readonly program: string | ControlProgram;
  /** Scan period in ms (default 10). */
  readonly cycleMs?: number;
}

function grow(a: Float64Array, n: number): Float64Array {
  if (a.length >= n) return a;
  const b = new Float64Array(n);
  b.set(a);
  return b;
}


class SimBatch implements TagBatch {
  readonly adapter: SimAdapter;
  readonly tags: readonly TagSpec[];
  /** Index of each tag in the program's input (write tags) or output (read tags) image. */
  readonly index: Int32Array;
  constructor(adapter: SimAdapter, tags: readonly TagSpec[], index: Int32Array) {
    this.adapter = adapter;
    this.tags = tags;
    this.index = index;
  }
}

export class SimAdapter implements SteppableAdapter {
  readonly protocol = 'sim';
  readonly cycleMs: number;
  readonly program: ControlProgram;
  #state: ConnectionState = 'disconnected';
  // Terminals are what the outside world sets and sees; images are what the program sees
  // during a scan. Keeping both gives real scan semantics (inputs frozen during a scan).
  readonly #inTerminals: Float64Array;
  readonly #inImage: Float64Array;
  #outImage: Float64Array;
  #outTerminals: Float64Array;
  #scans = 0;

  constructor(options: SimAdapterOptions) {
    if (typeof options.program === 'string') {
      this.program = loadProgram(options.program);
    } else {
      this.program = options.program;
    }
    this.cycleMs = options.cycleMs ?? 10;
    if (!(this.cycleMs > 0)) throw new TwinloopError('PLC_NOT_CONNECTED', `cycleMs must be > 0, got ${this.cycleMs}`);
    this.#inTerminals = new Float64Array(this.program.io.inputs.length);
    this.#inImage = new Float64Array(this.program.io.inputs.length);
    this.#outImage = new Float64Array(this.program.io.outputs.length);
    this.#outTerminals = new Float64Array(this.program.io.outputs.length);
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get scans(): number {
    return this.#scans;
  }

  async connect(): Promise<void> {
    this.#state = 'connected';
  }

  async prepare(tags: readonly TagSpec[]): Promise<TagBatch> {
    return this.prepareSync(tags);
  }

  /** Compile tags against the program's process image; checks address and type. */
  prepareSync(tags: readonly TagSpec[]): SimBatch {
    const index = new Int32Array(tags.length);
    tags.forEach((tag, k) => {
      const image = tag.direction === 'read' ? this.program.io.outputs : this.program.io.inputs;
      let at = findEntry(image, tag.address);
      // An ST program can watch any variable as an extra output (scenario conditions on
      // program variables, a plant file's read tag on an internal variable).
      if (at < 0 && tag.direction === 'read' && this.program instanceof StProgram && this.program.signalType(tag.address) !== null) {
        at = this.program.watch(tag.address);
        this.#outImage = grow(this.#outImage, image.length);
        this.#outTerminals = grow(this.#outTerminals, image.length);
      }
      if (at < 0) {
        const side = tag.direction === 'read' ? 'output' : 'input';
        throw new TwinloopError('PLC_TAG_UNKNOWN', `tag ${tag.address}: not an ${side} of program ${this.program.name}; its ${side}s: ${image.map((e) => e.address).join(', ')}`);
      }
      if (image[at]!.type !== tag.type) {
        throw new TwinloopError('PLC_TAG_TYPE', `tag ${tag.address}: program ${this.program.name} declares ${image[at]!.type}, tag map says ${tag.type}`);
      }
      index[k] = at;
    });
    return new SimBatch(this, tags, index);
  }

  async read(batch: TagBatch, out: Float64Array, quality: TagQuality): Promise<void> {
    this.readSync(batch, out, quality);
  }

  async write(batch: TagBatch, values: Float64Array): Promise<void> {
    this.writeSync(batch, values);
  }

  readSync(batch: TagBatch, out: Float64Array, quality: TagQuality): void {
    const idx = this.#own(batch).index;
    const t = this.#outTerminals;
    const good = this.#state === 'connected' ? 0 : 2;
    for (let k = 0; k < idx.length; k++) {
      out[k] = t[idx[k]!]!;
      quality[k] = good;
    }
  }

  writeSync(batch: TagBatch, values: Float64Array): void {
    const idx = this.#own(batch).index;
    const t = this.#inTerminals;
    for (let k = 0; k < idx.length; k++) t[idx[k]!] = values[k]!;
  }

  scan(): void {
    if (this.#state !== 'connected') return;
    this.#inImage.set(this.#inTerminals);
    this.program.scan(this.#inImage, this.#outImage, this.cycleMs);
    this.#outTerminals.set(this.#outImage);
    this.#scans++;
  }

  restart(): void {
    this.program.reset();
    this.#inTerminals.fill(0);
    this.#inImage.fill(0);
    this.#outImage.fill(0);
    this.#outTerminals.fill(0);
    this.#scans = 0;
  }

  /**
   * The controller's whole state for a snapshot: scan count, the four process images and the
   * program's retained state. Null when the program cannot save its state.
   */
  saveState(): Float64Array | null {
    const program = this.program.saveState?.();
    if (program === undefined) return null;
    const parts = [this.#inTerminals, this.#inImage, this.#outImage, this.#outTerminals, program];
    const out = new Float64Array(1 + parts.reduce((a, p) => a + p.length, 0));
    out[0] = this.#scans;
    let at = 1;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /**
   * Take back a state from saveState() of an adapter running the same program.
   * @throws TwinloopError SNAPSHOT_INVALID when it does not fit this program
   */
  restoreState(state: Float64Array): void {
    const images = [this.#inTerminals, this.#inImage, this.#outImage, this.#outTerminals];
    const fixed = 1 + images.reduce((a, p) => a + p.length, 0);
    if (this.program.restoreState === undefined || state.length < fixed) {
      throw new TwinloopError('SNAPSHOT_INVALID', `controller state does not fit program ${this.program.name}`);
    }
    // The program checks its own part first, so a mismatch changes nothing.
    this.program.restoreState(state.subarray(fixed));
    this.#scans = state[0]!;
    let at = 1;
    for (const p of images) {
      p.set(state.subarray(at, at + p.length));
      at += p.length;
    }
  }

  async close(): Promise<void> {
    this.#state = 'disconnected';
  }

  #own(batch: TagBatch): SimBatch {
    if (batch.adapter !== this || !(batch instanceof SimBatch)) {
      throw new TwinloopError('PLC_BATCH', 'batch was prepared by another adapter');
    }
    return batch;
  }
}
