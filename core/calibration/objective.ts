// The calibration objective: how far the model, run on the history's inputs with a set of
// parameter values, is from the measured signals in a time window. Built from the validation
// metrics (core/validation/metrics.ts):
//   analog signal   — normalized RMSE: rmse(measured, model) / (max - min of the measured), over
//                     the samples in the window (a flat measured series divides by 1);
//   discrete signal — edge-time error: model and measured edges (rising and falling apart)
//                     paired one to one within ±edgeWindow (matchEdges); a missing or extra edge
//                     counts as an error of edgeWindow; RMS of all, divided by edgeWindow (0..1).
// The objective is the mean of the squares of the signals' terms: a term grows like a
// parameter's distance from its best value, so their plain mean has a V-shaped crease along each
// parameter, where a simplex stalls; the mean of squares is a bowl there, with the same minimum.
// Edge times move in whole steps (1 ms), so at the finest scale the objective is piecewise
// constant in the parameters: no useful gradient, hence a gradient-free search (search.ts).
//
// Switches the model nearly reached. A flat penalty for a missing edge puts a cliff into the
// objective wherever a parameter decides whether the model reaches a switch at all: the recorded
// PLC drops a stroke's command when the line's end switch is made, so a model stroke a few ms
// longer than the line's never makes its switch, and both edges of every stroke turn from a
// small timing error into two penalties at once. For a travel switch (travel-switch.ts: a
// sensor that is a threshold on a quantity of its component) the replay keeps where the model
// approached the switch and turned back short of it, and the edges it would have had (on after
// the time it still needed at its last speed, off where it turned back). A measured edge left
// without a model edge is paired with such an edge if one is within ±edgeWindow, and its error
// is that time difference — continuous in the parameter across the point where the model
// stops reaching the switch, and growing with the distance left, where the flat penalty was
// a step.

import { recordedOnChange } from '../validation/edge-times.ts';
import type { LineFile } from '../../physics/model.ts';
import type { History } from '../history/history.ts';
import { edges, matchEdges, rmse } from '../validation/metrics.ts';
import { comparedSeries, replay } from './replay.ts';
import { setParam } from './overlay.ts';

export interface SignalScore {
  readonly signal: string;
  readonly kind: 'analog' | 'discrete';
  /** The signal's term of the objective (normalized RMSE, or edge RMS / edgeWindow). */
  readonly term: number;
  /** Analog: RMSE in the signal's unit; discrete: RMS edge-time error of the paired edges, s. */
  readonly error: number;
  /** Discrete: paired, missing (model only) and extra (measured only) edges. */
  readonly matched?: number;
  readonly missing?: number;
  readonly extra?: number;
  /** Travel switches: of the paired edges, those paired with a near miss of the model (replay.ts). */
  readonly nearMisses?: number;
  readonly samples: number;
}

export interface WindowScore {
  readonly objective: number;
  readonly signals: readonly SignalScore[];
}

/** A copy of the line with these parameter values set. */
export function withParameters(line: LineFile, paths: readonly string[], values: ArrayLike<number>): LineFile {
  const copy = structuredClone(line);
  for (let i = 0; i < paths.length; i++) setParam(copy.components as unknown as { id?: unknown }[], paths[i]!, values[i]!);
  return copy;
}

/**
 * Like with like: a measured edge of a regularly sampled series is seen at the first sample after
 * the change, up to one sample period late; the model's edges are moved onto the same grid (the
 * first measured sample time at or after each). A series recorded on change (a historian's
 * deadband, the median interval above REGULAR_SAMPLING) carries the exact change times: model
 * edges are kept at step resolution.
 */
function snapToSamples(model: { readonly rising: number[]; readonly falling: number[] }, t: Float64Array): { rising: number[]; falling: number[] } {
  if (recordedOnChange(t)) return { rising: model.rising, falling: model.falling };
  const snap = (list: readonly number[]): number[] => {
    const out: number[] = [];
    let k = 0;
    for (const e of list) {
      while (k < t.length && t[k]! < e - 1e-9) k++;
      if (k < t.length) out.push(t[k]!);
    }
    return out;
  };
  return { rising: snap(model.rising), falling: snap(model.falling) };
}

/** Score the model (this line) against the history in [from, to]. */
export function scoreWindow(line: LineFile, history: History, from: number, to: number, signals: readonly string[], edgeWindow: number): WindowScore {
  const r = replay(line, history, to, { only: signals, nearMissHorizon: edgeWindow });
  const { analog, discrete } = comparedSeries(line, history, signals);
  const out: SignalScore[] = [];
  for (const s of analog) {
    const model = r.analog.get(s.signal)!;
    const y: number[] = [];
    const yHat: number[] = [];
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0; k < s.t.length; k++) {
      const t = s.t[k]!;
      if (t < from || t > to || s.q[k] !== 0 || Number.isNaN(model[k]!)) continue;
      y.push(s.v[k]!);
      yHat.push(model[k]!);
      if (s.v[k]! < lo) lo = s.v[k]!;
      if (s.v[k]! > hi) hi = s.v[k]!;
    }
    if (y.length === 0) continue;
    const e = rmse(y, yHat);
    const range = hi - lo > 0 ? hi - lo : 1;
    out.push({ signal: s.signal, kind: 'analog', term: e / range, error: e, samples: y.length });
  }
  for (const s of discrete) {
    const measured = edges(s.t, s.v, (k) => s.q[k] === 0);
    const model = snapToSamples(r.edges.get(s.signal)!, s.t);
    const inWin = (t: number): boolean => t >= from && t <= to;
    let sq = 0;
    let matched = 0;
    let missing = 0;
    let extra = 0;
    const nearly = r.nearMisses.get(s.signal);
    // Rising near misses are turn times plus what was still needed: sorted first (the snap walks in order).
    const near = nearly ? snapToSamples({ rising: [...nearly.rising].sort((a, b) => a - b), falling: nearly.falling }, s.t) : undefined;
    let nearMisses = 0;
    for (const dir of ['rising', 'falling'] as const) {
      const m = matchEdges(model[dir].filter(inWin), measured[dir].filter(inWin), edgeWindow);
      for (const e of m.errors) sq += e * e;
      matched += m.errors.length;
      missing += m.missing.length;
      let left = m.extra;
      if (near !== undefined && left.length > 0) {
        // A line's edge with no model edge, where the model nearly reached the switch: the
        // error is the time the model still needed, not the flat penalty (see the top).
        const v = matchEdges(near[dir].filter(inWin), left, edgeWindow);
        for (const e of v.errors) sq += e * e;
        matched += v.errors.length;
        nearMisses += v.errors.length;
        left = v.extra;
      }
      extra += left.length;
    }
    const n = matched + missing + extra;
    if (n === 0) continue;
    const penalised = sq + (missing + extra) * edgeWindow * edgeWindow;
    out.push({ signal: s.signal, kind: 'discrete', term: Math.sqrt(penalised / n) / edgeWindow, error: matched > 0 ? Math.sqrt(sq / matched) : 0, matched, missing, extra, ...(near ? { nearMisses } : {}), samples: n });
  }
  const objective = out.length > 0 ? out.reduce((a, s) => a + s.term * s.term, 0) / out.length : NaN;
  return { objective, signals: out };
}
