// Bottleneck detection by the active-period method (Roser, Nakano and Tanaka, "A practical
// bottleneck detection method", Proc. 2001 Winter Simulation Conference, 949-953; shifting
// bottlenecks: Roser, Nakano, Tanaka, WSC 2002). A station is active while it works, is down or in
// changeover — states whose length the station itself decides — and inactive while it waits,
// blocked or starved. The station whose active periods are longest holds the others up: the
// average bottleneck of a period is the station with the largest mean active period; the momentary
// bottleneck at an instant is the station in the longest ongoing active period.

/**
 * Index of the average bottleneck: the largest mean active period, activeTime[k] / periods[k]
 * (the first station wins a tie); -1 when no station was active.
 */
export function activePeriodBottleneck(activeTime: Float64Array, periods: Float64Array): number {
  let best = -1;
  let bestMean = 0;
  for (let k = 0; k < activeTime.length; k++) {
    const p = periods[k]!;
    if (p <= 0) continue;
    const mean = activeTime[k]! / p;
    if (mean > bestMean) {
      bestMean = mean;
      best = k;
    }
  }
  return best;
}

/**
 * Index of the momentary bottleneck: the station in the longest ongoing active period (`current`
 * is 0 for an inactive station); -1 when none is active or none has lasted yet.
 */
export function momentaryBottleneck(current: Float64Array): number {
  let best = -1;
  let bestLen = 0;
  for (let k = 0; k < current.length; k++) {
    const c = current[k]!;
    if (c > bestLen) {
      bestLen = c;
      best = k;
    }
  }
  return best;
}
