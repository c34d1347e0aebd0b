// `calibrate`: fit the fit file's line parameters to history. The search (search.ts: Nelder-Mead
// from several starts) minimises the objective (objective.ts) on the training window, its points
// evaluated in the pool (or serially, with the same result); the fitted line is then validated
// on the held-out window with `model validate`'s own validation (core/validation/validate.ts),
// and before and after are reported side by side. Deterministic: the same files give the same
// fitted values, pool or serial.

import type { LineFile } from '../../physics/model.ts';
import type { PlantFile } from '../config/plant-file.ts';
import { TwinloopError } from '../errors.ts';
import { validateModel, type ValidationReport } from '../validation/validate.ts';
import type { Thresholds } from '../validation/thresholds.ts';
import { historyOf, runCalibrationTask, type CalibrationTask, type HistoryRef } from './calibration-task.ts';
import type { CalibrationPool } from './calibration-pool.ts';
import type { FitSpec } from './fit-file.ts';
import { withParameters, type SignalScore, type WindowScore } from './objective.ts';
import { search, type StartResult } from './search.ts';

export const OPTIMIZER = 'Nelder-Mead simplex (Lagarias et al. 1998 coefficients, core/calibration/nelder-mead.ts), multi-start with restarts, unit-box coordinates clamped';

export interface CalibrateOptions {
  readonly line: LineFile;
  readonly linePath?: string;
  readonly plant?: PlantFile;
  readonly plantPath?: string;
  readonly history: HistoryRef;
  readonly fit: FitSpec;
  /** Windows, s of history time; default the fit file's, else the first 70 % / the last 30 %. */
  readonly train?: readonly [number, number];
  readonly holdout?: readonly [number, number];
  /** The pool to evaluate in; absent: serially in this thread. */
  readonly pool?: CalibrationPool;
  readonly thresholds?: Thresholds;
  readonly onRound?: (round: number, best: number, evaluations: number) => void;
}

export interface ParameterResult {
  readonly path: string;
  readonly min: number;
  readonly max: number;
  /** The line's value (or the search's start when the line leaves it to its default). */
  readonly before: number;
  readonly after: number;
  /** after / before - 1. */
  readonly change: number;
}

export interface WindowComparison {
  readonly from: number;
  readonly to: number;
  readonly before: WindowScore;
  readonly after: WindowScore;
}

export interface ValidationSummary {
  readonly verdict: 'pass' | 'fail';
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly failedSignals: readonly string[];
}

export interface CalibrationReport {
  readonly format: 'twinloop-calibration';
  readonly version: 1;
  readonly created: string;
  readonly line: { readonly name: string; readonly file: string | null };
  readonly plant: string | null;
  readonly history: { readonly source: string; readonly span: number };
  readonly fit: string;
  readonly optimizer: { readonly method: string; readonly starts: readonly StartResult[]; readonly maxEvaluations: number; readonly evaluations: number; readonly rounds: number; readonly threads: number };
  readonly parameters: readonly ParameterResult[];
  readonly train: WindowComparison;
  readonly holdout: WindowComparison;
  /** `model validate` on the held-out window, with the line's values and with the fitted ones. */
  readonly validation: { readonly before: ValidationSummary; readonly after: ValidationSummary };
  /** The fitted model's validation verdict on the held-out window. */
  readonly verdict: 'pass' | 'fail';
  readonly searchMs: number;
  readonly wallMs: number;
}

function summary(r: ValidationReport): ValidationSummary {
  return { verdict: r.verdict, ...r.summary, failedSignals: r.signals.filter((s) => s.status === 'failed').map((s) => s.signal) };
}

/** @throws TwinloopError CALIBRATION_FAILED (empty windows, nothing to compare), the history loader's errors */
export async function calibrate(o: CalibrateOptions): Promise<CalibrationReport> {
  const started = performance.now();
  const history = historyOf(o.history, o.line);
  const span = history.span;
  const train = o.train ?? o.fit.train ?? [0, span * 0.7];
  const holdout = o.holdout ?? o.fit.holdout ?? [span * 0.7, span];
  for (const [name, w] of [['training', train], ['held-out', holdout]] as const) {
    if (!(w[1] > w[0]) || w[0] < 0 || w[0] >= span) throw new TwinloopError('CALIBRATION_FAILED', `the ${name} window ${w[0]}..${w[1]} s is empty or outside the history (0..${span.toFixed(3)} s)`);
  }
  const ps = o.fit.parameters;
  const paths = ps.map((p) => p.path);
  const toValues = (u: readonly number[]): number[] => u.map((x, i) => ps[i]!.min + x * (ps[i]!.max - ps[i]!.min));
  const task = (values: readonly number[], w: readonly [number, number]): CalibrationTask => ({ line: o.line, history: o.history, paths, values, from: w[0], to: w[1], signals: o.fit.signals, edgeWindow: o.fit.edgeWindow });
  const evalOne = (t: CalibrationTask): Promise<WindowScore> => (o.pool ? o.pool.run(t) : Promise.resolve(runCalibrationTask(t)));
  const before = ps.map((p) => p.lineValue ?? p.initial);
  const beforeTrain = await evalOne(task(before, train));
  if (!Number.isFinite(beforeTrain.objective)) throw new TwinloopError('CALIBRATION_FAILED', `nothing to compare in the training window ${train[0]}..${train[1]} s: no compared signal of the history has samples or edges there${o.fit.signals.length ? ` (signals: ${o.fit.signals.join(', ')})` : ''}`);
  const t0 = performance.now();
  const found = await search({
    u0: ps.map((p) => (p.initial - p.min) / (p.max - p.min)),
    starts: o.fit.starts,
    maxEvaluations: o.fit.maxEvaluations,
    slots: o.pool?.threads ?? 1,
    evaluate: async (points) => (await Promise.all(points.map((u) => evalOne(task(toValues(u), train))))).map((s) => (Number.isFinite(s.objective) ? s.objective : Number.MAX_VALUE)),
    ...(o.onRound ? { onRound: o.onRound } : {}),
  });
  const searchMs = performance.now() - t0;
  const after = toValues(found.u);
  const [afterTrain, beforeHold, afterHold] = await Promise.all([evalOne(task(after, train)), evalOne(task(before, holdout)), evalOne(task(after, holdout))]);
  const fitted = withParameters(o.line, paths, after);
  // Without the shadow re-sync: it realigns the model on measured edges, which would hide the
  // very departures a calibration fits (a slower belt's late photo-eye edges are re-synced away).
  const common = { ...(o.plant ? { plant: o.plant } : {}), ...(o.plantPath ? { plantPath: o.plantPath } : {}), history, from: holdout[0], to: holdout[1], resync: false, ...(o.thresholds ? { thresholds: o.thresholds } : {}) };
  const [vBefore, vAfter] = [await validateModel({ line: withParameters(o.line, paths, before), ...common }), await validateModel({ line: fitted, ...common })];
  return {
    format: 'twinloop-calibration',
    version: 1,
    created: new Date().toISOString(),
    line: { name: o.line.name, file: o.linePath ?? null },
    plant: o.plantPath ?? null,
    history: { source: history.source, span },
    fit: o.fit.file,
    optimizer: { method: OPTIMIZER, starts: found.starts, maxEvaluations: o.fit.maxEvaluations, evaluations: found.evaluations, rounds: found.rounds, threads: o.pool?.threads ?? 0 },
    parameters: ps.map((p, i) => ({ path: p.path, min: p.min, max: p.max, before: before[i]!, after: after[i]!, change: after[i]! / before[i]! - 1 })),
    train: { from: train[0], to: train[1], before: beforeTrain, after: afterTrain },
    holdout: { from: holdout[0], to: holdout[1], before: beforeHold, after: afterHold },
    validation: { before: summary(vBefore), after: summary(vAfter) },
    verdict: vAfter.verdict,
    searchMs,
    wallMs: performance.now() - started,
  };
}

export type { SignalScore };
