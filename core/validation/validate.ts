// `validateModel`: the model against history. Loads (or takes) the history, checks its
// readiness (history/readiness.ts: the stretches it flags are left out), replays the recorded
// PLC outputs through the model in lock-step (replay.ts) and holds each compared signal's model
// values against the measured ones (signal-metrics.ts) with the thresholds file's limits.
// Returns the report (JSON-able, validation-report.ts renders it) and, from validateModelDetailed,
// the paired series for the overlays.

import type { LineFile } from '../../physics/model.ts';
import { lineSignals } from '../../physics/model.ts';
import type { PlantFile } from '../config/plant-file.ts';
import { TwinloopError } from '../errors.ts';
import { Quality } from '../signals.ts';
import type { History } from '../history/history.ts';
import { loadHistory } from '../history/load-history.ts';
import { checkHistory, mergeStretches, type ReadinessReport, type Stretch, type TagVerdict } from '../history/readiness.ts';
import { tagMapOf } from '../history/tag-map.ts';
import { replay } from './replay.ts';
import { analogMetrics, counterMetrics, discreteMetrics, type MetricCheck, type SignalClass, type SignalInput, type SignalMetrics } from './signal-metrics.ts';
import { DEFAULT_THRESHOLDS, limitsOf, type Thresholds } from './thresholds.ts';

export interface ValidateOptions {
  readonly line: LineFile;
  /** For the report: where the line and plant files are. */
  readonly linePath?: string;
  readonly plant?: PlantFile;
  readonly plantPath?: string;
  /** A loaded history, or a recording folder / id / CSV file to load (with the plant's tag map). */
  readonly history: History | string;
  /** Validation window, s of history time (default: all of it). */
  readonly from?: number;
  readonly to?: number;
  readonly thresholds?: Thresholds;
  /** Apply the plant's shadow re-sync rules (default true). */
  readonly resync?: boolean;
  /** A readiness report of this history already made (else it is made here). */
  readonly readiness?: ReadinessReport;
  /** Data folder for recording ids. */
  readonly dataDir?: string;
}

export type SignalStatus = 'passed' | 'failed' | 'skipped';

export interface SignalResult {
  readonly signal: string;
  readonly tag: string;
  readonly class: SignalClass;
  readonly unit: string;
  readonly status: SignalStatus;
  /** Why skipped, or which checks failed. */
  readonly reason: string;
  readonly metrics: SignalMetrics | null;
  readonly checks: readonly MetricCheck[];
  /** The stretch shown zoomed in the report (worst error), s. */
  readonly worst: Stretch | null;
  /** Stretches left out of this signal's metrics (its own readiness mask). */
  readonly masked: readonly Stretch[];
  readonly dataVerdict: TagVerdict | null;
}

export interface ValidationReport {
  readonly format: 'twinloop-validation';
  readonly version: 1;
  readonly verdict: 'pass' | 'fail';
  readonly created: string;
  readonly line: { readonly name: string; readonly file: string | null };
  readonly plant: string | null;
  readonly history: { readonly source: string; readonly format: string; readonly timeFormat: string; readonly start: string | null; readonly span: number };
  readonly window: { readonly from: number; readonly to: number };
  readonly thresholds: Thresholds;
  readonly model: { readonly dt: number; readonly steps: number; readonly corrections: number; readonly resync: boolean; readonly replayMs: number };
  readonly inputs: readonly { readonly signal: string; readonly present: boolean; readonly verdict: string }[];
  /** Stretches of the inputs left out of every metric (their masks, each followed by `settle`). */
  readonly inputMask: readonly Stretch[];
  readonly signals: readonly SignalResult[];
  readonly summary: { readonly passed: number; readonly failed: number; readonly skipped: number };
  readonly readiness: { readonly verdict: TagVerdict; readonly unfitNeeded: readonly string[] };
  readonly wallMs: number;
}

/** The paired series of a compared signal, for overlays. */
export type SignalTrace = SignalInput;

export interface ValidationRun {
  readonly report: ValidationReport;
  readonly traces: ReadonlyMap<string, SignalTrace>;
}

/** Validate a model against history. @throws TwinloopError VALIDATION_INPUT, HIST_FORMAT, REC_NOT_FOUND */
export async function validateModel(o: ValidateOptions): Promise<ValidationReport> {
  return (await validateModelDetailed(o)).report;
}

function classOf(type: string): SignalClass {
  return type === 'bool' ? 'discrete' : type === 'int' ? 'counter' : 'analog';
}

/** Is t inside one of the merged, sorted stretches? Moves a cursor forward (times ascend). */
function maskCursor(list: readonly Stretch[]): (t: number) => boolean {
  let i = 0;
  return (t) => {
    while (i < list.length && list[i]!.to < t) i++;
    return i < list.length && list[i]!.from <= t;
  };
}

export async function validateModelDetailed(o: ValidateOptions): Promise<ValidationRun> {
  const started = performance.now();
  const th = o.thresholds ?? DEFAULT_THRESHOLDS;
  const history = typeof o.history === 'string' ? loadHistory(o.history, { ...(o.plant ? { plant: o.plant } : {}), line: o.line, ...(o.dataDir ? { dataDir: o.dataDir } : {}) }) : o.history;
  const map = tagMapOf(o.plant, o.line);
  const readiness = o.readiness ?? checkHistory(history, map);
  const from = o.from ?? 0;
  const to = Math.min(o.to ?? history.span, history.span);
  if (!(to > from)) throw new TwinloopError('VALIDATION_INPUT', `the validation window ${from}..${to} s is empty (the history spans 0..${history.span.toFixed(3)} s)`);
  const defs = lineSignals(o.line);
  const kinds = new Map(defs.map((d) => [d.name, d] as const));
  const checks = new Map(readiness.tags.map((t) => [t.signal, t] as const));
  const inputs = [...history.series.values()].filter((s) => s.role === 'input' && kinds.get(s.signal)?.kind === 'actuator').map((s) => s.signal);
  const comparedAll = [...history.series.values()].filter((s) => s.role === 'compared');
  if (inputs.length === 0 && comparedAll.length === 0) throw new TwinloopError('VALIDATION_INPUT', `${history.source}: no tag maps to a model input (PLC output) or a compared signal${o.plant ? '' : ' (without --plant, tags must be named as the model\'s signals)'}`);
  // Inputs' masks, each followed by `settle` s while the model finds its way back.
  const inputMask = mergeStretches(inputs.flatMap((s) => (checks.get(s)?.mask ?? []).map((m) => ({ from: m.from, to: m.to + th.settle }))));
  const results: SignalResult[] = [];
  const runnable: string[] = [];
  for (const s of comparedAll) {
    const c = checks.get(s.signal);
    const base = { signal: s.signal, tag: s.tag, class: classOf(s.type), unit: s.unit, metrics: null, checks: [], worst: null, masked: c?.mask ?? [], dataVerdict: c?.verdict ?? null };
    if (th.exclude.includes(s.signal)) results.push({ ...base, status: 'skipped', reason: 'excluded by the thresholds file' });
    else if (!kinds.has(s.signal)) results.push({ ...base, status: 'skipped', reason: 'not a signal of the model' });
    else if (c?.verdict === 'unfit') results.push({ ...base, status: 'skipped', reason: `history unfit: ${c.reasons[0] ?? ''}` });
    else runnable.push(s.signal);
  }
  const rules = o.resync === false ? [] : (o.plant?.shadow?.resync ?? []);
  const discrete = runnable.filter((name) => classOf(history.series.get(name)!.type) === 'discrete');
  const r = await replay({ line: o.line, history, inputs, compared: runnable, to, resync: rules, edgesOf: discrete });
  const traces = new Map<string, SignalTrace>();
  for (const name of runnable) {
    const s = history.series.get(name)!;
    const c = checks.get(name);
    const model = r.model.get(name)!;
    const own = maskCursor(c?.mask ?? []);
    const inMask = maskCursor(inputMask);
    const keep = new Uint8Array(s.t.length);
    for (let k = 0; k < s.t.length; k++) {
      const t = s.t[k]!;
      const a = own(t);
      const b = inMask(t);
      keep[k] = t >= from && t <= to && !a && !b && s.q[k] === Quality.GOOD && Number.isFinite(s.v[k]!) && Number.isFinite(model[k]!) ? 1 : 0;
    }
    const edgesOfModel = r.edges.get(name);
    const x: SignalInput = { t: s.t, measured: s.v, model, keep, from, to, ...(edgesOfModel ? { modelEdges: edgesOfModel } : {}) };
    traces.set(name, x);
    const cls = classOf(s.type);
    const lim = limitsOf(th, name);
    const m = cls === 'analog' ? analogMetrics(x, lim, th) : cls === 'discrete' ? discreteMetrics(x, lim, th) : counterMetrics(x, lim, th);
    const failed = m.checks.filter((k) => k.status === 'failed');
    const base = { signal: name, tag: s.tag, class: cls, unit: s.unit, masked: c?.mask ?? [], dataVerdict: c?.verdict ?? null, metrics: m.metrics, checks: m.checks };
    const half = Math.max(10, (to - from) * 0.01);
    const at = cls === 'analog' ? m.metrics.maxErrorAt : cls === 'discrete' ? m.metrics.edgeWorstAt : worstWindow(m.metrics, from);
    const worst = at === undefined || at === null || !Number.isFinite(at) ? null : { from: Math.max(from, at - half), to: Math.min(to, at + half) };
    if (m.metrics.included < 2) results.push({ ...base, status: 'skipped', reason: 'fewer than 2 usable samples in the window', worst: null });
    else results.push({ ...base, status: failed.length ? 'failed' : 'passed', reason: failed.map((k) => `${k.metric} ${fmt(k.value)} ${k.op === '<=' ? '>' : '<'} ${k.limit}`).join('; '), worst });
  }
  results.sort((a, b) => a.signal.localeCompare(b.signal));
  const count = (st: SignalStatus): number => results.filter((x) => x.status === st).length;
  const report: ValidationReport = {
    format: 'twinloop-validation',
    version: 1,
    verdict: count('failed') > 0 ? 'fail' : 'pass',
    created: new Date().toISOString(),
    line: { name: o.line.name, file: o.linePath ?? null },
    plant: o.plantPath ?? null,
    history: { source: history.source, format: history.format, timeFormat: history.timeFormat, start: readiness.start, span: history.span },
    window: { from, to },
    thresholds: th,
    model: { dt: r.dt, steps: r.steps, corrections: r.corrections, resync: rules.length > 0, replayMs: r.wallMs },
    inputs: readiness.inputs.map((i) => ({ signal: i.signal, present: i.present, verdict: i.verdict })),
    inputMask,
    signals: results,
    summary: { passed: count('passed'), failed: count('failed'), skipped: count('skipped') },
    readiness: { verdict: readiness.verdict, unfitNeeded: readiness.unfitNeeded },
    wallMs: performance.now() - started,
  };
  return { report, traces };
}

function fmt(v: number | null): string {
  return v === null ? 'n/a' : Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v * 1000) / 1000) : v.toPrecision(3);
}

/** The middle of the count window where model and measured counts differ most. */
function worstWindow(m: SignalMetrics, from: number): number | null {
  const a = m.countsModel ?? [];
  const b = m.countsMeasured ?? [];
  let best = -1;
  let at = -1;
  for (let k = 0; k < a.length; k++) {
    const d = Math.abs(a[k]! - (b[k] ?? 0));
    if (d > best) {
      best = d;
      at = k;
    }
  }
  return at < 0 ? null : from + (at + 0.5) * (m.countWindow ?? 60);
}
