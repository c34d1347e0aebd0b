// Report by exception: compares each sample of the table with the last value reported per
// signal and lists the signals that moved past their deadband (bools and ints: any change).
// The reported value becomes the new reference, so a slow drift is reported once it has
// added up to the deadband. All arrays are allocated once; a sample allocates nothing.

import type { MetricCatalog } from './metric-catalog.ts';

export class ChangeDetector {
  /** The sample: fill it (SignalTable.snapshot) before calling detect(). */
  readonly current: Float64Array;
  /** Ids of the signals that changed in the last detect(), ascending; `count` of them are valid. */
  readonly changed: Int32Array;
  count = 0;
  readonly #last: Float64Array;
  readonly #deadbands: Float64Array;

  constructor(catalog: MetricCatalog) {
    const n = catalog.size;
    this.current = new Float64Array(n);
    this.changed = new Int32Array(n);
    this.#last = new Float64Array(n);
    this.#deadbands = catalog.deadbands;
  }

  /** Take the current sample as reported (after a birth, which carries every value). */
  adopt(): void {
    this.#last.set(this.current);
    this.count = 0;
  }

  /** Fill `changed` with the signals past their deadband; returns their count. */
  detect(): number {
    const cur = this.current;
    const last = this.#last;
    const db = this.#deadbands;
    const out = this.changed;
    let k = 0;
    for (let i = 0; i < cur.length; i++) {
      const v = cur[i]!;
      const prev = last[i]!;
      if (v === prev) continue;
      const d = db[i]!;
      // d === 0: any change; otherwise only a move larger than the deadband.
      if (d > 0 && Math.abs(v - prev) <= d) continue;
      last[i] = v;
      out[k++] = i;
    }
    this.count = k;
    return k;
  }
}
