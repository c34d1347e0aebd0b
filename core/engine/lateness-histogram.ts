// A fixed-bucket histogram of tick lateness, so the worker can record every wake-up without
// allocating and report p50/p99/max at any time. 10 µs buckets up to 100 ms, then overflow.

const BUCKET_US = 10;
const BUCKETS = 10_000;

export class LatenessHistogram {
  readonly #counts = new Float64Array(BUCKETS + 1);
  #n = 0;
  #max = 0;
  #sum = 0;

  /** Record one lateness in microseconds (negative = early, counted as 0). */
  add(lateUs: number): void {
    const us = lateUs > 0 ? lateUs : 0;
    let b = Math.floor(us / BUCKET_US);
    if (b > BUCKETS) b = BUCKETS;
    this.#counts[b]!++;
    this.#n++;
    this.#sum += us;
    if (us > this.#max) this.#max = us;
  }

  /** Sum of every lateness recorded, µs (for a Prometheus histogram's _sum). */
  get sum(): number {
    return this.#sum;
  }

  /**
   * Counts of wakes less late than each bound (cumulative, as Prometheus' `le` buckets), into
   * `out`: exact to the 10 µs bucket width, which is all the histogram keeps.
   */
  cumulative(boundsUs: readonly number[], out: Float64Array): void {
    let seen = 0;
    let b = 0;
    for (let k = 0; k < boundsUs.length; k++) {
      const last = Math.min(Math.floor(boundsUs[k]! / BUCKET_US), BUCKETS);
      // Bucket b holds [b*10, (b+1)*10) µs: the buckets below bound/10 hold what is under it.
      for (; b < last; b++) seen += this.#counts[b]!;
      out[k] = seen;
    }
  }

  get count(): number {
    return this.#n;
  }

  get max(): number {
    return this.#max;
  }

  /** Upper edge of the bucket holding quantile q (0..1), in µs; max for the overflow bucket. */
  quantile(q: number): number {
    if (this.#n === 0) return 0;
    const target = Math.ceil(q * this.#n);
    let seen = 0;
    for (let b = 0; b <= BUCKETS; b++) {
      seen += this.#counts[b]!;
      if (seen >= target) return b === BUCKETS ? this.#max : Math.min((b + 1) * BUCKET_US, this.#max);
    }
    return this.#max;
  }

  clear(): void {
    this.#counts.fill(0);
    this.#n = 0;
    this.#max = 0;
    this.#sum = 0;
  }
}
