// Garbage collections counted around a workload, for the "hot path allocates nothing" tests.
// A round that allocates one boxed number per step shows several young-generation collections.
// Up to `rounds` rounds, stopping at the first clean one: on a loaded machine V8's optimising
// compiler (a background thread) can deliver the optimised loop late, and until then doubles
// are boxed. One clean round proves the optimised steady state allocates nothing.

import { PerformanceObserver } from 'node:perf_hooks';

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

/** Collections per round, the last one the first at or under `allowed` (or the last tried). */
export async function gcRounds(work: () => unknown, rounds = 3, allowed = 0): Promise<number[]> {
  const counts: number[] = [];
  for (let round = 0; round < rounds; round++) {
    await settle();
    let gcs = 0;
    const obs = new PerformanceObserver((list) => {
      gcs += list.getEntries().length;
    });
    obs.observe({ entryTypes: ['gc'] });
    await work();
    await settle();
    obs.disconnect();
    counts.push(gcs);
    if (gcs <= allowed) break;
  }
  return counts;
}
