// `twinloop compare`: a baseline run against a candidate run (two programs or two parameter
// sets), from their result directories: the KPI differences and, per signal traced in both,
// the simulated time of the first divergence.

import type { Kpis } from './kpis.ts';
import { readResultDir, type ResultJson } from './result-dir.ts';
import { firstDivergence } from './trace-file.ts';

export interface KpiDiff {
  readonly name: keyof Kpis;
  readonly baseline: number | null;
  readonly candidate: number | null;
  readonly delta: number | null;
}

export interface SignalDivergence {
  readonly signal: string;
  /** Simulated s of the first differing sample, or null when the traces agree. */
  readonly time: number | null;
  readonly baseline?: number;
  readonly candidate?: number;
}

export interface Comparison {
  readonly baseline: ResultJson;
  readonly candidate: ResultJson;
  readonly kpis: readonly KpiDiff[];
  readonly signals: readonly SignalDivergence[];
  /** Signals traced in one run only. */
  readonly onlyIn: { readonly baseline: readonly string[]; readonly candidate: readonly string[] };
  readonly sampleMs: number;
  /** Samples compared (the shorter run's). */
  readonly samples: number;
  readonly verdictChanges: readonly string[];
}

const KPI_KEYS: readonly (keyof Kpis)[] = ['throughput', 'cycleTime', 'energy', 'rejectRate', 'wear', 'controllerFaults', 'alarms', 'items', 'rejects', 'duration'];

/** The value a change list holds at `sample` (the trace's step interpolation). */
function valueAt(c: { at: Uint32Array; values: Float64Array }, sample: number): number {
  let v = NaN;
  for (let k = 0; k < c.at.length && c.at[k]! <= sample; k++) v = c.values[k]!;
  return v;
}

export function compareRuns(baselineDir: string, candidateDir: string, tolerance = 0): Comparison {
  const a = readResultDir(baselineDir);
  const b = readResultDir(candidateDir);
  const num = (x: number | null | undefined): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
  const kpis = KPI_KEYS.map((name) => {
    const x = num(a.result.kpis?.[name]);
    const y = num(b.result.kpis?.[name]);
    return { name, baseline: x, candidate: y, delta: x !== null && y !== null ? y - x : null };
  });
  const samples = Math.min(a.trace.header.samples, b.trace.header.samples);
  const sampleMs = a.trace.header.sampleMs;
  const signals: SignalDivergence[] = [];
  for (const [name, ca] of a.trace.changes) {
    const cb = b.trace.changes.get(name);
    if (!cb) continue;
    const at = sampleMs === b.trace.header.sampleMs ? firstDivergence(ca, cb, samples, tolerance) : 0;
    if (at < 0) signals.push({ signal: name, time: null });
    else signals.push({ signal: name, time: (at * sampleMs) / 1000, baseline: valueAt(ca, at), candidate: valueAt(cb, at) });
  }
  signals.sort((x, y) => (x.time ?? Infinity) - (y.time ?? Infinity) || x.signal.localeCompare(y.signal));
  const verdictChanges: string[] = [];
  if (a.result.status !== b.result.status) verdictChanges.push(`run: ${a.result.status} -> ${b.result.status}`);
  a.result.steps.forEach((s, k) => {
    const t = b.result.steps[k];
    if (t && t.status !== s.status) verdictChanges.push(`step ${k + 1} (${s.label}): ${s.status} -> ${t.status}`);
  });
  return {
    baseline: a.result,
    candidate: b.result,
    kpis,
    signals,
    onlyIn: {
      baseline: [...a.trace.changes.keys()].filter((n) => !b.trace.changes.has(n)),
      candidate: [...b.trace.changes.keys()].filter((n) => !a.trace.changes.has(n)),
    },
    sampleMs,
    samples,
    verdictChanges,
  };
}

/** The console text of a comparison. */
export function formatComparison(c: Comparison): string {
  const f = (x: number | null): string => (x === null ? 'n/a' : Number.isInteger(x) ? String(x) : x.toPrecision(5));
  const lines = [
    `baseline:  ${c.baseline.name} (program ${c.baseline.program}, seed ${c.baseline.seed}, ${c.baseline.status}${c.baseline.params ? `, ${JSON.stringify(c.baseline.params)}` : ''})`,
    `candidate: ${c.candidate.name} (program ${c.candidate.program}, seed ${c.candidate.seed}, ${c.candidate.status}${c.candidate.params ? `, ${JSON.stringify(c.candidate.params)}` : ''})`,
    '',
    'KPI                baseline    candidate   delta',
  ];
  for (const k of c.kpis) lines.push(`${k.name.padEnd(18)} ${f(k.baseline).padStart(10)}  ${f(k.candidate).padStart(10)}  ${k.delta === null ? '' : (k.delta > 0 ? '+' : '') + f(k.delta)}`);
  lines.push('', `first divergence per signal (${c.samples} samples every ${c.sampleMs} ms compared):`);
  for (const s of c.signals) {
    lines.push(s.time === null ? `  ${s.signal.padEnd(22)} identical` : `  ${s.signal.padEnd(22)} t=${s.time.toFixed(3)} s  baseline ${f(s.baseline ?? null)}, candidate ${f(s.candidate ?? null)}`);
  }
  if (c.onlyIn.baseline.length) lines.push(`  only in baseline: ${c.onlyIn.baseline.join(', ')}`);
  if (c.onlyIn.candidate.length) lines.push(`  only in candidate: ${c.onlyIn.candidate.join(', ')}`);
  if (c.verdictChanges.length) lines.push('', 'verdict changes:', ...c.verdictChanges.map((v) => `  ${v}`));
  return lines.join('\n');
}
