// The page's copy of the signal table: the catalog from the server, current values and quality
// by id, the run status, and the tick/time of the last frame. Frames write here at network
// rate; views read here at animation-frame rate (a version number tells them something moved).

import type { RunStatus } from '../../../core/engine/run-control.ts';
import type { CatalogEntry, CatalogFrame, ValuesFrame } from '../../protocol.ts';
import { ValuesScratch } from './frame-decoder.ts';

export class SignalStore {
  line = '';
  catalog: CatalogEntry[] = [];
  values = new Float64Array(0);
  quality = new Uint8Array(0);
  status: RunStatus | undefined;
  tick = 0;
  time = 0;
  /** Bumped on every applied frame; views compare it to skip idle redraws. */
  version = 0;
  /** Frames whose arrays did not decode (shown in the banner; should stay 0). */
  badFrames = 0;
  #byName = new Map<string, number>();
  #scratch = new ValuesScratch(0);
  #haveKey = false;

  /** Start over from a catalog frame (every (re)connect sends one). */
  reset(frame: CatalogFrame): void {
    this.line = frame.line;
    this.catalog = frame.signals;
    this.values = new Float64Array(frame.signals.length);
    this.quality = new Uint8Array(frame.signals.length).fill(2); // bad until the keyframe
    this.status = frame.status;
    this.tick = frame.status.tick;
    this.time = frame.status.time;
    this.#byName = new Map(frame.signals.map((e) => [e.name, e.id]));
    this.#scratch = new ValuesScratch(frame.signals.length);
    this.#haveKey = false;
    this.version++;
  }

  /** Apply a values frame; deltas before the first keyframe are ignored (no base to apply to). */
  apply(frame: ValuesFrame): void {
    if (!frame.key && !this.#haveKey) return;
    let n: number;
    try {
      n = this.#scratch.read(frame);
    } catch {
      this.badFrames++;
      return;
    }
    const { ids, values, quality } = this.#scratch;
    for (let i = 0; i < n; i++) {
      const id = ids[i]!;
      this.values[id] = values[i]!;
      this.quality[id] = quality[i]!;
    }
    if (frame.key) this.#haveKey = true;
    this.tick = frame.tick;
    this.time = frame.time;
    this.version++;
  }

  setStatus(status: RunStatus): void {
    this.status = status;
    this.version++;
  }

  /** True once a keyframe has arrived since the last catalog: values are real, not zeros. */
  get ready(): boolean {
    return this.#haveKey;
  }

  /** Id of a signal, or -1 when the line has no such signal. */
  id(name: string): number {
    return this.#byName.get(name) ?? -1;
  }

  entry(name: string): CatalogEntry | undefined {
    const id = this.id(name);
    return id < 0 ? undefined : this.catalog[id];
  }

  /** Value by id; NaN for -1 so missing signals render as a dash, not as 0. */
  value(id: number): number {
    return id < 0 ? NaN : this.values[id]!;
  }
}
