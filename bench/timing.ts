// Timing helpers shared by the benchmarks: percentiles of samples, bounded timing of an async
// call (bounded in count and time, as every bench loop must be), and the result of a benchmark
// worker (bare-worker.ts, paced-worker.ts).

import { spawnWorker } from '../core/engine/spawn-worker.ts';

/** The p-quantile (0..1) of samples in ms; NaN when there are none. */
export function pct(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

/** Time up to `perBlock` calls of `fn` within `budgetMs`, pushing each duration (ms) to `out`. */
export async function timeCalls(fn: () => Promise<unknown>, perBlock: number, budgetMs: number, out: number[]): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; i < perBlock && performance.now() - t0 < budgetMs; i++) {
    const s = performance.now();
    await fn();
    out.push(performance.now() - s);
  }
}

/** Run a benchmark worker module (a URL) with `workerData`; resolves with the one message it posts, once it has stopped. */
export async function workerResult<T>(module: URL, workerData: object): Promise<T> {
  const w = spawnWorker(module, { workerData });
  const r = await new Promise<T>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  await w.terminate();
  return r;
}
