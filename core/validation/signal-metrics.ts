// One compared signal's metrics and verdict: analog (real) signals by RMSE, CV(RMSE), NMBE and
// Theil's U on means over `interval`, and the largest sample error; discrete (bool) signals by
// edge-time error, missing and extra edges, rising-edge counts per window and the cycle-time
// distribution (two-sample KS), the model's edges at step resolution on a series recorded on
// change (edge-times.ts); counters (int) by their increase per window. Only included
// samples count: good quality, inside [from, to], outside the readiness mask and the inputs' mask.

import type { SignalLimits, Thresholds } from './thresholds.ts';
import { edgesInKept, recordedOnChange } from './edge-times.ts';
import type { ModelEdges } from './replay.ts';
import { countsPerWindow, cvRmse, edges, intervals, ksTwoSample, matchEdges, maxError, mean, nmbe, percentile, rmse, theilU } from './metrics.ts';

export type SignalClass = 'analog' | 'discrete' | 'counter';
export type CheckStatus = 'passed' | 'failed';

export interface MetricCheck {
  readonly metric: string;
  readonly value: number | null;
  readonly limit: number;
  /** How the value is held against the limit. */
  readonly op: '<=' | '>=';
  readonly status: CheckStatus;
}

export interface SignalMetrics {
  readonly samples: number;
  readonly included: number;
  // analog
  readonly intervals?: number;
  readonly meanMeasured?: number;
  readonly meanModel?: number;
  readonly rmse?: number;
  readonly cvRmse?: number | null;
  readonly nmbe?: number | null;
  readonly maxError?: number;
  readonly maxErrorAt?: number;
  readonly theilU?: number | null;
  // discrete
  readonly edgesModel?: number;
  readonly edgesMeasured?: number;
  readonly matched?: number;
  readonly edgeP50?: number | null;
  readonly edgeP95?: number | null;
  readonly edgeMax?: number | null;
  readonly edgeWorstAt?: number | null;
  /** How the model's edges were timed: 'step' (step resolution; the series is recorded on change) or 'sample' (at the measured samples; regularly sampled). */
  readonly edgeTiming?: 'step' | 'sample';
  readonly meanLag?: number | null;
  readonly missing?: number;
  readonly extra?: number;
  readonly missingShare?: number | null;
  readonly extraShare?: number | null;
  // counts and cycles
  readonly countWindow?: number;
  readonly countsModel?: readonly number[];
  readonly countsMeasured?: readonly number[];
  readonly rateModel?: number;
  readonly rateMeasured?: number;
  readonly rateError?: number | null;
  readonly cyclesModel?: number;
  readonly cyclesMeasured?: number;
  readonly cycleMeanModel?: number | null;
  readonly cycleMeanMeasured?: number | null;
  readonly ksD?: number | null;
  readonly ksP?: number | null;
}

export interface SignalInput {
  readonly t: Float64Array;
  readonly measured: Float64Array;
  readonly model: Float64Array;
  /** 1 = the sample counts. */
  readonly keep: Uint8Array;
  readonly from: number;
  readonly to: number;
  /** Discrete signals: the model's edges at step resolution from the replay (without them, edges of `model`). */
  readonly modelEdges?: ModelEdges;
}

function check(metric: string, value: number | null | undefined, limit: number | null, op: '<=' | '>=' = '<='): MetricCheck | undefined {
  if (limit === null) return undefined;
  const v = value === undefined || value === null || !Number.isFinite(value) ? null : value;
  // A metric that cannot be computed (CV(RMSE) of a zero-mean signal) does not fail by itself.
  const ok = v === null || (op === '<=' ? v <= limit : v >= limit);
  return { metric, value: v, limit, op, status: ok ? 'passed' : 'failed' };
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** Analog metrics. */
export function analogMetrics(x: SignalInput, lim: SignalLimits, th: Thresholds): { metrics: SignalMetrics; checks: MetricCheck[] } {
  const n = x.t.length;
  const nb = Math.max(1, Math.ceil((x.to - x.from) / th.interval));
  const sumY = new Float64Array(nb);
  const sumH = new Float64Array(nb);
  const cnt = new Uint32Array(nb);
  let included = 0;
  let worst = -1;
  let worstE = -1;
  for (let k = 0; k < n; k++) {
    if (!x.keep[k]) continue;
    included++;
    const b = Math.min(nb - 1, Math.floor((x.t[k]! - x.from) / th.interval));
    sumY[b] += x.measured[k]!;
    sumH[b] += x.model[k]!;
    cnt[b]!++;
    const e = Math.abs(x.measured[k]! - x.model[k]!);
    if (e > worstE) {
      worstE = e;
      worst = k;
    }
  }
  const y: number[] = [];
  const h: number[] = [];
  for (let b = 0; b < nb; b++) {
    if (cnt[b] === 0) continue;
    y.push(sumY[b]! / cnt[b]!);
    h.push(sumH[b]! / cnt[b]!);
  }
  const metrics: SignalMetrics = {
    samples: n,
    included,
    intervals: y.length,
    meanMeasured: mean(y),
    meanModel: mean(h),
    rmse: rmse(y, h),
    cvRmse: finite(cvRmse(y, h, th.p)),
    nmbe: finite(nmbe(y, h, th.p)),
    maxError: worst >= 0 ? maxError([x.measured[worst]!], [x.model[worst]!]).value : NaN,
    maxErrorAt: worst >= 0 ? x.t[worst]! : NaN,
    theilU: finite(theilU(y, h)),
  };
  const checks = [
    check('cvRmse', metrics.cvRmse, lim.cvRmse),
    check('|nmbe|', metrics.nmbe === null || metrics.nmbe === undefined ? null : Math.abs(metrics.nmbe), lim.nmbe),
    check('rmse', metrics.rmse, lim.rmse),
    check('maxError', metrics.maxError, lim.maxError),
    check('theilU', metrics.theilU, lim.theilU),
  ].filter((c): c is MetricCheck => c !== undefined);
  return { metrics, checks };
}

/** Included-sample prefix counts, to tell whether an interval between two times crosses a left-out sample. */
function excludedBefore(x: SignalInput): Int32Array {
  const p = new Int32Array(x.t.length + 1);
  for (let k = 0; k < x.t.length; k++) p[k + 1] = p[k]! + (x.keep[k] ? 0 : 1);
  return p;
}

function lowerBound(t: Float64Array, v: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (t[m]! < v) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** Discrete metrics: edges, counts per window, cycle times. */
export function discreteMetrics(x: SignalInput, lim: SignalLimits, th: Thresholds): { metrics: SignalMetrics; checks: MetricCheck[] } {
  const keep = (k: number): boolean => x.keep[k] === 1;
  // The model's edges where they are comparable with the measured ones (edge-times.ts).
  const stepTimed = x.modelEdges !== undefined && recordedOnChange(x.t);
  const em = stepTimed ? edgesInKept(x.modelEdges!, x.t, x.keep) : edges(x.t, x.model, keep);
  const ey = edges(x.t, x.measured, keep);
  const rise = matchEdges(em.rising, ey.rising, th.edgeWindow);
  const fall = matchEdges(em.falling, ey.falling, th.edgeWindow);
  const errors = [...rise.errors, ...fall.errors];
  const abs = errors.map(Math.abs);
  const nModel = em.rising.length + em.falling.length;
  const nMeas = ey.rising.length + ey.falling.length;
  const missing = rise.missing.length + fall.missing.length;
  const extra = rise.extra.length + fall.extra.length;
  // Where the worst edge is: the largest error, else the first unmatched edge.
  let worstAt: number | null = null;
  let worstE = -1;
  const paired = (m: readonly number[], r: ReturnType<typeof matchEdges>): void => {
    let j = 0;
    for (const t of m) {
      if (r.missing.includes(t)) continue;
      const e = Math.abs(r.errors[j++]!);
      if (e > worstE) {
        worstE = e;
        worstAt = t;
      }
    }
  };
  paired(em.rising, rise);
  paired(em.falling, fall);
  const firstUnmatched = [...rise.missing, ...fall.missing, ...rise.extra, ...fall.extra].sort((a, b) => a - b)[0];
  if (firstUnmatched !== undefined) worstAt = firstUnmatched;
  // Cycle times: rising to rising, not across a left-out sample.
  const ex = excludedBefore(x);
  const cycles = (times: readonly number[]): number[] => intervals(times).filter((_, k) => ex[lowerBound(x.t, times[k + 1]!)]! === ex[lowerBound(x.t, times[k]!)]!);
  const cm = cycles(em.rising);
  const cy = cycles(ey.rising);
  // With the resolution as the KS tolerance: a one-sample jitter of many equal cycles is not another distribution.
  const ks = cm.length >= th.minCycles && cy.length >= th.minCycles ? ksTwoSample(cm, cy, th.cycleResolution) : { d: NaN, p: NaN };
  const cModel = countsPerWindow(em.rising, x.from, x.to, th.countWindow);
  const cMeas = countsPerWindow(ey.rising, x.from, x.to, th.countWindow);
  const span = Math.max(1e-9, x.to - x.from);
  const rateModel = (em.rising.length / span) * 60;
  const rateMeasured = (ey.rising.length / span) * 60;
  const rateError = ey.rising.length === 0 ? (em.rising.length === 0 ? 0 : null) : Math.abs(em.rising.length - ey.rising.length) / ey.rising.length;
  let included = 0;
  for (let k = 0; k < x.keep.length; k++) included += x.keep[k]!;
  const metrics: SignalMetrics = {
    samples: x.t.length,
    included,
    edgesModel: nModel,
    edgesMeasured: nMeas,
    matched: errors.length,
    edgeP50: finite(percentile(abs, 50)),
    edgeP95: finite(percentile(abs, 95)),
    edgeMax: abs.length ? Math.max(...abs) : null,
    edgeWorstAt: worstAt,
    edgeTiming: stepTimed ? 'step' : 'sample',
    meanLag: errors.length ? mean(errors) : null,
    missing,
    extra,
    missingShare: nModel ? missing / nModel : null,
    extraShare: nMeas ? extra / nMeas : null,
    countWindow: th.countWindow,
    countsModel: cModel,
    countsMeasured: cMeas,
    rateModel,
    rateMeasured,
    rateError,
    cyclesModel: cm.length,
    cyclesMeasured: cy.length,
    cycleMeanModel: cm.length ? mean(cm) : null,
    cycleMeanMeasured: cy.length ? mean(cy) : null,
    ksD: finite(ks.d),
    ksP: finite(ks.p),
  };
  const checks = [
    check('edgeP50', metrics.edgeP50, lim.edgeP50),
    check('edgeP95', metrics.edgeP95, lim.edgeP95),
    check('edgeMax', metrics.edgeMax, lim.edgeMax),
    check('missingShare', metrics.missingShare, lim.missing),
    check('extraShare', metrics.extraShare, lim.extra),
    check('rateError', metrics.rateError, lim.rateError),
    check('ksP', metrics.ksP, lim.alpha, '>='),
  ].filter((c): c is MetricCheck => c !== undefined);
  return { metrics, checks };
}

/** Counter metrics: increase per window and its rate. */
export function counterMetrics(x: SignalInput, lim: SignalLimits, th: Thresholds): { metrics: SignalMetrics; checks: MetricCheck[] } {
  // Each increase is one event at its sample time (a counter that went up by 3 counts 3).
  const evM: number[] = [];
  const evY: number[] = [];
  let included = 0;
  for (let k = 1; k < x.t.length; k++) {
    if (!x.keep[k]) continue;
    included++;
    if (!x.keep[k - 1]) continue;
    for (let d = x.model[k]! - x.model[k - 1]!; d >= 1; d--) evM.push(x.t[k]!);
    for (let d = x.measured[k]! - x.measured[k - 1]!; d >= 1; d--) evY.push(x.t[k]!);
  }
  const span = Math.max(1e-9, x.to - x.from);
  const rateError = evY.length === 0 ? (evM.length === 0 ? 0 : null) : Math.abs(evM.length - evY.length) / evY.length;
  const metrics: SignalMetrics = {
    samples: x.t.length,
    included,
    countWindow: th.countWindow,
    countsModel: countsPerWindow(evM, x.from, x.to, th.countWindow),
    countsMeasured: countsPerWindow(evY, x.from, x.to, th.countWindow),
    rateModel: (evM.length / span) * 60,
    rateMeasured: (evY.length / span) * 60,
    rateError,
  };
  const c = check('rateError', rateError, lim.rateError);
  return { metrics, checks: c ? [c] : [] };
}
