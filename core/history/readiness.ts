// Data readiness (`twinloop history check`): per tag, the sample rate and its jitter, gaps,
// flat-lined and stale stretches, the share of bad quality, out-of-range and outlier values and
// clock steps; a verdict per tag (fit, usable with limits, unfit) with its reasons; and which of
// the model's inputs and compared outputs the history covers, for how long. Every rule and its
// default is in READINESS_RULES and docs/validation.md. The stretches a rule finds are also the
// mask validation leaves out of its metrics (maskOf).

import { Quality } from '../signals.ts';
import type { History, TagRole, TagSeries } from './history.ts';
import type { SignalRange, TagMap } from './tag-map.ts';

export interface ReadinessRules {
  /** A gap: no sample for longer than gapFactor x the median interval and at least gapMinS. */
  readonly gapFactor: number;
  readonly gapMinS: number;
  /** Flat-lined: a real tag that changes at most samples holds one exact value for flatS or longer. */
  readonly flatS: number;
  /** Share of samples that change, above which a real tag counts as live (noisy) and a flat stretch as frozen. */
  readonly liveShare: number;
  /** Stale: a tag that changes every few seconds (median change interval x staleFactor below staleS) does not change for staleS. */
  readonly staleS: number;
  readonly staleFactor: number;
  /** Outlier rule: Hampel filter, robust z of the residual from the running median over `outlierWindow` samples, scale 1.4826 x MAD of all residuals. */
  readonly outlierZ: number;
  readonly outlierWindow: number;
  /** Unfit when bad quality exceeds this share of samples, or covered time falls below minCoverage of the span. */
  readonly maxBadShare: number;
  readonly minCoverage: number;
}

export const READINESS_RULES: ReadinessRules = {
  gapFactor: 10,
  gapMinS: 1,
  flatS: 60,
  liveShare: 0.5,
  staleS: 300,
  staleFactor: 20,
  outlierZ: 8,
  outlierWindow: 11,
  maxBadShare: 0.5,
  minCoverage: 0.5,
};

/** A time stretch, s from the history's start (from <= to). */
export interface Stretch {
  readonly from: number;
  readonly to: number;
}

export type TagVerdict = 'fit' | 'usable' | 'unfit';

export interface TagCheck {
  readonly signal: string;
  readonly tag: string;
  readonly role: TagRole;
  readonly type: string;
  readonly unit: string;
  readonly samples: number;
  readonly first: number;
  readonly last: number;
  /** 1 / median sample interval, Hz. */
  readonly rateHz: number;
  readonly medianIntervalS: number;
  /** Standard deviation of the sample interval (gaps left out), ms. */
  readonly jitterMs: number;
  /** 95th percentile of |interval - median|, ms. */
  readonly jitterP95Ms: number;
  readonly gaps: readonly Stretch[];
  readonly flat: readonly Stretch[];
  readonly stale: readonly Stretch[];
  /** Stretches of bad or uncertain quality. */
  readonly badQuality: readonly Stretch[];
  readonly badShare: number;
  readonly uncertainShare: number;
  readonly range: SignalRange | null;
  readonly outOfRange: { readonly count: number; readonly first: number | null; readonly worst: number | null };
  readonly outliers: { readonly count: number; readonly rule: string; readonly times: readonly number[] };
  readonly clockSteps: readonly { readonly at: number; readonly back: number }[];
  /** Time the tag is usable: its span less gaps, bad quality, flat and stale stretches, s. */
  readonly coveredS: number;
  readonly verdict: TagVerdict;
  readonly reasons: readonly string[];
  /** What validation leaves out of this tag: the stretches above and single bad samples. */
  readonly mask: readonly Stretch[];
}

export interface CoverageRow {
  readonly signal: string;
  readonly role: TagRole;
  readonly present: boolean;
  readonly coveredS: number;
  readonly share: number;
  readonly verdict: TagVerdict | 'missing';
}

export interface ReadinessReport {
  readonly source: string;
  readonly format: History['format'];
  readonly timeFormat: History['timeFormat'];
  /** ISO time of the history's start, or null for relative times. */
  readonly start: string | null;
  readonly span: number;
  readonly tags: readonly TagCheck[];
  readonly inputs: readonly CoverageRow[];
  readonly compared: readonly CoverageRow[];
  /** Needed tags (model inputs and compared outputs) that are unfit or missing. */
  readonly unfitNeeded: readonly string[];
  readonly verdict: TagVerdict;
  readonly rules: ReadinessRules;
  readonly unmapped: readonly string[];
  readonly notes: readonly string[];
}

/**
 * The k-th smallest of a[0..n) by quickselect (Hoare partition), in place: reorders a. O(n), no
 * allocation (a full sort of each hour-long column cost a third of the check).
 */
function kthInPlace(s: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = s[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (s[i]! < pivot) i++;
      while (s[j]! > pivot) j--;
      if (i <= j) {
        const x = s[i]!;
        s[i] = s[j]!;
        s[j] = x;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return s[k]!;
  }
  return s[k]!;
}

/** Median of a[0..n), in place (reorders a; the upper half stays >= the lower after the first select). */
function medianInPlace(s: Float64Array, n: number): number {
  if (n === 0) return NaN;
  const m = n >> 1;
  if (n % 2) return kthInPlace(s, n, m);
  // After selecting m, every element below index m is <= s[m]: the (m-1)-th is their maximum.
  const upper = kthInPlace(s, n, m);
  let lower = -Infinity;
  for (let k = 0; k < m; k++) if (s[k]! > lower) lower = s[k]!;
  return (lower + upper) / 2;
}

// Work array slots: the Hampel filter's (values, residuals, non-zero |residuals|) and checkTag's
// (intervals, their deviations then the change intervals, the change times).
const S_HAMPEL_V = 0;
const S_HAMPEL_R = 1;
const S_HAMPEL_NZ = 2;
const S_DTS = 3;
const S_DEV = 4;
const S_CHANGES = 5;

/**
 * Work arrays for checking tags: grown to the longest series once and reused for every tag, so
 * checking an hour of 18 tags at 100 Hz allocates no per-sample arrays (it used to allocate about
 * ten per tag, and the garbage collector took a fifth of the check).
 */
export class ReadinessScratch {
  #a: Float64Array[] = [];
  /** Work array i with room for n values (contents undefined). */
  get(i: number, n: number): Float64Array {
    let a = this.#a[i];
    if (a === undefined || a.length < n) {
      a = new Float64Array(Math.max(n, 1024));
      this.#a[i] = a;
    }
    return a;
  }
}

/** Merge overlapping or touching stretches (sorted by start). */
export function mergeStretches(list: readonly Stretch[]): Stretch[] {
  const s = [...list].sort((a, b) => a.from - b.from);
  const out: Stretch[] = [];
  for (const x of s) {
    const last = out[out.length - 1];
    if (last && x.from <= last.to) out[out.length - 1] = { from: last.from, to: Math.max(last.to, x.to) };
    else out.push({ ...x });
  }
  return out;
}

function total(list: readonly Stretch[]): number {
  let s = 0;
  for (const x of mergeStretches(list)) s += x.to - x.from;
  return s;
}

/**
 * Hampel filter outliers of a real series (good samples only): indices k where the residual
 * from the running median of `outlierWindow` samples exceeds outlierZ x 1.4826 x the window's
 * MAD (the robust sigma), floored by the same scale over the whole series so flat or quantised
 * windows do not flag every small step; and the series reverses at k (a spike goes and comes
 * back, a step or a ramp does not).
 */
function hampel(s: TagSeries, rules: ReadinessRules, scratch: ReadinessScratch): number[] {
  const n = s.v.length;
  const w = rules.outlierWindow;
  const h = w >> 1;
  if (n < w) return [];
  // Non-finite values (a bad sample without a value) count as 0 here; they are never flagged.
  const v = scratch.get(S_HAMPEL_V, n);
  for (let k = 0; k < n; k++) {
    const x = s.v[k]!;
    v[k] = Number.isFinite(x) ? x : 0;
  }
  const r = scratch.get(S_HAMPEL_R, n);
  // The window kept sorted as it slides: one removal and one insertion per sample.
  const win = v.slice(0, w).sort();
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < n; k++) {
    const a = Math.max(0, Math.min(k - h, n - w));
    if (a > 0 && k - h === a) {
      const out = v[a - 1]!;
      const inc = v[a + w - 1]!;
      let i = win.indexOf(out);
      // Remove `out`, insert `inc`, shifting only the elements between their places.
      while (i > 0 && win[i - 1]! > inc) {
        win[i] = win[i - 1]!;
        i--;
      }
      while (i < w - 1 && win[i + 1]! < inc) {
        win[i] = win[i + 1]!;
        i++;
      }
      win[i] = inc;
    }
    r[k] = v[k]! - win[h]!;
    if (v[k]! < lo) lo = v[k]!;
    if (v[k]! > hi) hi = v[k]!;
  }
  // The series' own robust sigma, from residuals that are not exactly 0 (a flat-lined stretch or
  // exact repeats would pull it toward 0 and make ordinary noise look like outliers).
  const nz = scratch.get(S_HAMPEL_NZ, n);
  let nzn = 0;
  for (let k = 0; k < n; k++) {
    const x = Math.abs(r[k]!);
    if (x > 0) nz[nzn++] = x;
  }
  const global = Math.max(nzn ? 1.4826 * medianInPlace(nz, nzn) : 0, 1e-3 * (hi - lo), 1e-12);
  const out: number[] = [];
  const dev = new Float64Array(w);
  for (let k = 1; k < n - 1; k++) {
    // The scale is at least `global`: only a residual beyond Z x global can be an outlier, and
    // only then is the window's own MAD worth computing.
    if (Math.abs(r[k]!) <= rules.outlierZ * global) continue;
    if (s.q[k] !== Quality.GOOD || !Number.isFinite(s.v[k]!)) continue;
    if ((v[k]! - v[k - 1]!) * (v[k + 1]! - v[k]!) >= 0) continue;
    const a = Math.max(0, Math.min(k - h, n - w));
    const med = v[k]! - r[k]!;
    for (let j = 0; j < w; j++) dev[j] = Math.abs(v[a + j]! - med);
    dev.sort();
    if (Math.abs(r[k]!) / Math.max(1.4826 * dev[h]!, global) > rules.outlierZ) out.push(k);
  }
  return out;
}

/** Check one tag. */
export function checkTag(s: TagSeries, range: SignalRange | undefined, rules: ReadinessRules = READINESS_RULES, scratch: ReadinessScratch = new ReadinessScratch()): TagCheck {
  const n = s.t.length;
  const reasons: string[] = [];
  const base = { signal: s.signal, tag: s.tag, role: s.role, type: s.type, unit: s.unit, samples: n, clockSteps: s.clockSteps, range: range ?? null };
  if (n < 2) {
    return { ...base, first: n ? s.t[0]! : NaN, last: n ? s.t[0]! : NaN, rateHz: 0, medianIntervalS: NaN, jitterMs: NaN, jitterP95Ms: NaN, gaps: [], flat: [], stale: [], badQuality: [], badShare: n ? (s.q[0] === Quality.BAD ? 1 : 0) : 1, uncertainShare: 0, outOfRange: { count: 0, first: null, worst: null }, outliers: { count: 0, rule: '', times: [] }, coveredS: 0, verdict: 'unfit', reasons: [n === 0 ? 'no samples' : 'a single sample'], mask: [] };
  }
  const dts = scratch.get(S_DTS, n - 1);
  const dev = scratch.get(S_DEV, n - 1);
  for (let k = 1; k < n; k++) dev[k - 1] = dts[k - 1] = s.t[k]! - s.t[k - 1]!;
  const med = medianInPlace(dev, n - 1);
  const gapLimit = Math.max(rules.gapFactor * med, rules.gapMinS);
  const gaps: Stretch[] = [];
  let sum = 0;
  let sum2 = 0;
  let m = 0;
  for (let k = 0; k < n - 1; k++) {
    const d = dts[k]!;
    if (d > gapLimit) {
      gaps.push({ from: s.t[k]!, to: s.t[k + 1]! });
      continue;
    }
    sum += d;
    sum2 += d * d;
    dev[m++] = Math.abs(d - med);
  }
  const mean = m ? sum / m : 0;
  const jitterMs = m > 1 ? Math.sqrt(Math.max(0, (sum2 - m * mean * mean) / (m - 1))) * 1000 : 0;
  const jitterP95Ms = m ? kthInPlace(dev, m, Math.min(m - 1, Math.ceil(0.95 * m) - 1)) * 1000 : 0;

  // One pass over the samples for quality, changes, runs of one value and range.
  // Quality stretches: from the first bad/uncertain sample to the next good one.
  // Changes: flat-lined (live real tags: known only after the pass, so runs long enough are
  // kept as candidates) and stale (tags that normally change often: the change times).
  // Range: NAMUR NE 43 margins, -1.25 % .. +3.125 % of the span (the 3.8..20.5 mA band).
  const t = s.t;
  const v = s.v;
  const q = s.q;
  const badQuality: Stretch[] = [];
  let bad = 0;
  let unc = 0;
  let start = -1;
  let changes = 0;
  const longRuns: Stretch[] = [];
  // Times a run of one value starts, and (when stale is looked for) the series' end after them.
  const changeTimes = scratch.get(S_CHANGES, n + 1);
  let nc = 0;
  changeTimes[nc++] = t[0]!;
  let runStart = 0;
  let oor = 0;
  let oorFirst: number | null = null;
  let worst: number | null = null;
  const single: Stretch[] = [];
  const lo = range ? range.min - 0.0125 * (range.max - range.min) : -Infinity;
  const hi = range ? range.max + 0.03125 * (range.max - range.min) : Infinity;
  const mid = range ? (range.min + range.max) / 2 : 0;
  for (let k = 0; k < n; k++) {
    const qk = q[k]!;
    const vk = v[k]!;
    if (qk === Quality.BAD) bad++;
    else if (qk === Quality.UNCERTAIN) unc++;
    if (qk !== Quality.GOOD && start < 0) start = k;
    if (qk === Quality.GOOD && start >= 0) {
      badQuality.push({ from: t[start]!, to: t[k]! });
      start = -1;
    }
    if (k > 0) {
      if (vk !== v[k - 1]) changes++;
      if (!(vk === v[runStart] && qk === Quality.GOOD)) {
        if (t[k - 1]! - t[runStart]! >= rules.flatS) longRuns.push({ from: t[runStart]!, to: t[k - 1]! });
        changeTimes[nc++] = t[k]!;
        runStart = k;
      }
    }
    if (range && qk !== Quality.BAD && Number.isFinite(vk) && !(vk >= lo && vk <= hi)) {
      oor++;
      oorFirst ??= t[k]!;
      if (worst === null || Math.abs(vk - mid) > Math.abs(worst - mid)) worst = vk;
      single.push({ from: t[k]!, to: t[k]! });
    }
  }
  if (start >= 0) badQuality.push({ from: t[start]!, to: t[n - 1]! });
  if (t[n - 1]! - t[runStart]! >= rules.flatS) longRuns.push({ from: t[runStart]!, to: t[n - 1]! });
  const live = s.type === 'real' && changes / (n - 1) >= rules.liveShare;
  const flat: Stretch[] = live ? longRuns : [];
  const stale: Stretch[] = [];
  let typical = NaN;
  if (changes >= 10) {
    const iv = scratch.get(S_DEV, nc - 1);
    for (let k = 1; k < nc; k++) iv[k - 1] = changeTimes[k]! - changeTimes[k - 1]!;
    typical = medianInPlace(iv, nc - 1);
    if (typical * rules.staleFactor < rules.staleS) {
      changeTimes[nc++] = s.t[n - 1]!;
      for (let k = 1; k < nc; k++) {
        if (changeTimes[k]! - changeTimes[k - 1]! < rules.staleS) continue;
        const x = { from: changeTimes[k - 1]!, to: changeTimes[k]! };
        // Already said: a flat-lined stretch or a gap is not also stale.
        if (flat.some((f) => f.from <= x.from + 1e-9 && f.to >= x.to - med * 2) || gaps.some((g) => g.from >= x.from && g.to <= x.to && x.to - x.from - (g.to - g.from) < rules.staleS)) continue;
        stale.push(x);
      }
    }
  }

  const outIdx = s.type === 'real' ? hampel(s, rules, scratch) : [];
  for (const k of outIdx) single.push({ from: s.t[k]!, to: s.t[k]! });
  const rule = `Hampel: |x - running median of ${rules.outlierWindow}| > ${rules.outlierZ} x 1.4826 MAD (of the window, at least of the whole series), at a reversal`;

  const spanS = s.t[n - 1]! - s.t[0]!;
  const stretches = [...gaps, ...badQuality, ...flat, ...stale];
  const coveredS = Math.max(0, spanS - total(stretches));
  const badShare = bad / n;
  if (gaps.length) reasons.push(`${gaps.length} gap${gaps.length > 1 ? 's' : ''} (${total(gaps).toFixed(1)} s, no sample for > ${gapLimit.toFixed(2)} s)`);
  if (badQuality.length) reasons.push(`bad or uncertain quality in ${badQuality.length} stretch${badQuality.length > 1 ? 'es' : ''} (${(100 * (bad + unc) / n).toFixed(1)} % of samples)`);
  if (flat.length) reasons.push(`flat-lined ${flat.length} time${flat.length > 1 ? 's' : ''} (${total(flat).toFixed(0)} s at one exact value, a live signal otherwise)`);
  if (stale.length) reasons.push(`stale ${stale.length} time${stale.length > 1 ? 's' : ''} (no change for > ${rules.staleS} s; it usually changes every ${typical.toFixed(2)} s)`);
  if (oor) reasons.push(`${oor} value${oor > 1 ? 's' : ''} out of range (${range!.source}: ${range!.min}..${range!.max}, NAMUR NE 43 margins)`);
  if (outIdx.length) reasons.push(`${outIdx.length} outlier${outIdx.length > 1 ? 's' : ''} (${rule})`);
  if (s.clockSteps.length) reasons.push(`clock went backwards ${s.clockSteps.length} time${s.clockSteps.length > 1 ? 's' : ''} (samples sorted by time)`);
  let verdict: TagVerdict = reasons.length ? 'usable' : 'fit';
  if (badShare > rules.maxBadShare) {
    verdict = 'unfit';
    reasons.unshift(`bad quality on ${(100 * badShare).toFixed(0)} % of samples (more than ${100 * rules.maxBadShare} %)`);
  }
  if (spanS > 0 && coveredS / spanS < rules.minCoverage) {
    verdict = 'unfit';
    reasons.unshift(`usable for ${(100 * coveredS / spanS).toFixed(0)} % of its span (less than ${100 * rules.minCoverage} %)`);
  }
  return {
    ...base,
    first: s.t[0]!,
    last: s.t[n - 1]!,
    rateHz: med > 0 ? 1 / med : Infinity,
    medianIntervalS: med,
    jitterMs,
    jitterP95Ms,
    gaps,
    flat,
    stale,
    badQuality,
    badShare,
    uncertainShare: unc / n,
    outOfRange: { count: oor, first: oorFirst, worst },
    outliers: { count: outIdx.length, rule, times: outIdx.slice(0, 50).map((k) => s.t[k]!) },
    coveredS,
    verdict,
    reasons,
    mask: mergeStretches([...stretches, ...single]),
  };
}

/** Check every tag of a history, and what it covers of the plant's needs. */
export function checkHistory(h: History, map: TagMap, rules: ReadinessRules = READINESS_RULES): ReadinessReport {
  const scratch = new ReadinessScratch();
  const tags = [...h.series.values()].map((s) => checkTag(s, map.range(s.signal), rules, scratch));
  const bySignal = new Map(tags.map((t) => [t.signal, t] as const));
  const needed = map.open ? tags.filter((t) => t.role !== 'other').map((t) => ({ signal: t.signal, role: t.role })) : map.needed.map((n) => ({ signal: n.signal, role: n.role }));
  const row = (signal: string, role: TagRole): CoverageRow => {
    const c = bySignal.get(signal);
    return c ? { signal, role, present: true, coveredS: c.coveredS, share: h.span > 0 ? c.coveredS / h.span : 0, verdict: c.verdict } : { signal, role, present: false, coveredS: 0, share: 0, verdict: 'missing' };
  };
  const inputs = needed.filter((n) => n.role === 'input').map((n) => row(n.signal, n.role));
  const compared = needed.filter((n) => n.role === 'compared').map((n) => row(n.signal, n.role));
  const unfitNeeded = [...inputs, ...compared].filter((r) => r.verdict === 'unfit' || r.verdict === 'missing').map((r) => r.signal);
  const verdict: TagVerdict = unfitNeeded.length ? 'unfit' : tags.some((t) => t.verdict !== 'fit') ? 'usable' : 'fit';
  return {
    source: h.source,
    format: h.format,
    timeFormat: h.timeFormat,
    start: Number.isFinite(h.startWall) ? new Date(h.startWall).toISOString() : null,
    span: h.span,
    tags,
    inputs,
    compared,
    unfitNeeded,
    verdict,
    rules,
    unmapped: h.unmapped,
    notes: h.notes,
  };
}
