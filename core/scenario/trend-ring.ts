// A bounded ring of the involved signals' recent values, sampled during a scenario run, so a
// report can draw what the signals did around a failure without keeping the whole run.
// Preallocated; push() allocates nothing.

/** What a report draws: sample times and one value series per signal. */
export interface TrendWindow {
  readonly signals: readonly string[];
  /** Simulated s since the scenario's start. */
  readonly times: Float64Array;
  /** values[k] is the series of signals[k], same length as times. */
  readonly values: readonly Float64Array[];
  /** Time of the failure the window is about (s). */
  readonly marker: number;
}

export class TrendRing {
  readonly signals: readonly string[];
  readonly capacity: number;
  readonly #ids: Int32Array;
  readonly #times: Float64Array;
  readonly #data: Float64Array;
  #next = 0;
  #count = 0;

  constructor(signals: readonly string[], ids: Int32Array, capacity: number) {
    this.signals = signals;
    this.capacity = capacity;
    this.#ids = ids;
    this.#times = new Float64Array(capacity);
    this.#data = new Float64Array(capacity * ids.length);
  }

  push(v: Float64Array, time: number): void {
    const at = this.#next;
    const n = this.#ids.length;
    this.#times[at] = time;
    for (let k = 0; k < n; k++) this.#data[at * n + k] = v[this.#ids[k]!]!;
    this.#next = at + 1 === this.capacity ? 0 : at + 1;
    if (this.#count < this.capacity) this.#count++;
  }

  /** The samples held, oldest first. Allocates (once per failure). */
  window(marker: number): TrendWindow {
    const n = this.#ids.length;
    const count = this.#count;
    const start = count < this.capacity ? 0 : this.#next;
    const times = new Float64Array(count);
    const values = this.signals.map(() => new Float64Array(count));
    for (let j = 0; j < count; j++) {
      const at = (start + j) % this.capacity;
      times[j] = this.#times[at]!;
      for (let k = 0; k < n; k++) values[k]![j] = this.#data[at * n + k]!;
    }
    return { signals: this.signals, times, values, marker };
  }
}
