// Where a discrete signal's edges are, for the edge metrics of validation. The measured edges are
// the recording's change times: on a series recorded on change (a historian's deadband or source
// timestamps, with a keep-alive) a sample at a change IS the edge's time; on a regularly sampled
// series the edge lies somewhere between two samples and is taken at the later one (`edges` of
// metrics.ts). The model's edges come from the replay at step resolution (replay.ts). Like with
// like, as the calibration's objective does (core/calibration/objective.ts):
//   recorded on change — the model's edges are kept at step resolution, so an edge 1 ms late
//     reads 1 ms, not the time to the next keep-alive (up to 1 s), and one early not 0;
//   regularly sampled  — the model's edges are taken where the sampled series would show them:
//     the model's value at the measured sample times (the replay's paired series), edges at the
//     first sample after each change. That is the step-resolution edges moved onto the sample
//     grid, with a pulse that begins and ends between two samples dropped, as the line's would be.

import type { ModelEdges } from './replay.ts';

/** A regularly sampled series' sample grid is at most this coarse (s); a coarser one is taken as recorded on change (here and by the calibration objective, core/calibration/objective.ts). */
export const REGULAR_SAMPLING = 0.1;

/**
 * Is this series recorded on change: is its median interval between samples above
 * REGULAR_SAMPLING? The median as the calibration takes it (the element at index
 * floor(m / 2) of the m sorted intervals), found by counting rather than sorting.
 */
export function recordedOnChange(t: ArrayLike<number>): boolean {
  const m = t.length - 1;
  if (m < 1) return false;
  let fine = 0;
  for (let k = 1; k < t.length; k++) if (t[k]! - t[k - 1]! <= REGULAR_SAMPLING) fine++;
  // sorted[floor(m/2)] > REGULAR_SAMPLING  <=>  fewer than floor(m/2) + 1 intervals are <= it.
  return fine <= m >> 1;
}

/**
 * The model's step-resolution edges that fall where the measured series counts: an edge at te
 * lies in the measured interval (t[k-1], t[k]] (t[k] the first sample at or after te) and
 * counts when both its samples are kept, as a measured edge at t[k] does.
 */
export function edgesInKept(model: ModelEdges, t: ArrayLike<number>, keep: ArrayLike<number>): { rising: number[]; falling: number[] } {
  const pick = (list: readonly number[]): number[] => {
    const out: number[] = [];
    let k = 0;
    for (const te of list) {
      // 1e-9: an edge at a sample's own time is in the interval that sample closes.
      while (k < t.length && t[k]! < te - 1e-9) k++;
      if (k >= 1 && k < t.length && keep[k] === 1 && keep[k - 1] === 1) out.push(te);
    }
    return out;
  };
  return { rising: pick(model.rising), falling: pick(model.falling) };
}
