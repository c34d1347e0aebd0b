// Latency histogram of the end-to-end benchmark (issue 24): 0.05 ms buckets up to 5 s, so the
// client processes can count every sample (100 clients x 1,000 tags a second) without keeping
// them, and send one array per round to the benchmark. Quantiles are bucket upper bounds.

export const BUCKET_MS = 0.05;
const BUCKETS = 100_000; // 5 s; later samples land in the last bucket

export class LatencyHistogram {
  readonly counts: Uint32Array;
  n = 0;

  constructor(counts?: readonly number[]) {
    this.counts = new Uint32Array(BUCKETS + 1);
    if (counts) {
      this.counts.set(counts);
      for (const c of counts) this.n += c;
    }
  }

  add(ms: number): void {
    const b = ms <= 0 ? 0 : Math.min(BUCKETS, Math.ceil(ms / BUCKET_MS));
    this.counts[b]!++;
    this.n++;
  }

  merge(other: LatencyHistogram): void {
    for (let b = 0; b <= BUCKETS; b++) this.counts[b]! += other.counts[b]!;
    this.n += other.n;
  }

  /** The q-quantile, ms (NaN when empty). */
  quantile(q: number): number {
    if (this.n === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (let b = 0; b <= BUCKETS; b++) {
      seen += this.counts[b]!;
      if (seen >= rank) return b * BUCKET_MS;
    }
    return BUCKETS * BUCKET_MS;
  }

  reset(): void {
    this.counts.fill(0);
    this.n = 0;
  }

  /** Sparse form for IPC: [bucket, count, bucket, count ...]. */
  toSparse(): number[] {
    const out: number[] = [];
    for (let b = 0; b <= BUCKETS; b++) if (this.counts[b]! > 0) out.push(b, this.counts[b]!);
    return out;
  }

  static fromSparse(pairs: readonly number[]): LatencyHistogram {
    const h = new LatencyHistogram();
    for (let i = 0; i < pairs.length; i += 2) {
      h.counts[pairs[i]!] = pairs[i + 1]!;
      h.n += pairs[i + 1]!;
    }
    return h;
  }
}
