// The directory a run (a scenario or a sweep point) leaves behind, the input of
// `twinloop compare`: result.json (KPIs, verdicts, what ran) and trace.bin (trace-file.ts, the
// involved signals), plus any snapshots its steps took.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TwinloopError } from '../errors.ts';
import type { Kpis, KpiVerdict } from './kpis.ts';
import { kpiCsv } from '../kpi/kpi-csv.ts';
import type { KpiReport } from '../kpi/kpi-tracker.ts';
import type { ScenarioResult, StepVerdict } from './runner.ts';
import { decodeTrace, type Trace } from './trace-file.ts';

export const RESULT_FILE = 'result.json';
export const TRACE_FILE = 'trace.bin';
/** The production KPIs (core/kpi) as CSV, beside result.json. */
export const KPI_CSV_FILE = 'kpi.csv';

/** result.json: the result's summary fields as they are, the KPI values as `kpis` and their verdicts as `kpiVerdicts`. */
export interface ResultJson extends Pick<ScenarioResult, 'name' | 'file' | 'program' | 'seed' | 'status' | 'message' | 'simTime' | 'wallMs'> {
  readonly kind: 'scenario' | 'sweep-point';
  readonly kpis: Kpis | null;
  readonly steps: readonly StepVerdict[];
  readonly kpiVerdicts: readonly KpiVerdict[];
  /** OEE per station and for the line, state shares and the bottleneck (docs/kpi.md). */
  readonly production?: KpiReport;
  /** Sweep points: the parameters of the point. */
  readonly params?: Readonly<Record<string, number | string | boolean>>;
}

/** A file-system-safe directory name for a scenario or point name. */
export function dirName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_').slice(0, 100) || '_';
}

/** Write a run's directory; returns its path. NaN KPIs are written as null (JSON has no NaN). */
export function writeResultDir(dir: string, r: ScenarioResult, kind: ResultJson['kind'], params?: ResultJson['params']): string {
  mkdirSync(dir, { recursive: true });
  const json: ResultJson = {
    kind,
    name: r.name,
    file: r.file,
    program: r.program,
    seed: r.seed,
    status: r.status,
    ...(r.message !== undefined ? { message: r.message } : {}),
    simTime: r.simTime,
    wallMs: r.wallMs,
    kpis: r.kpiValues,
    steps: r.steps,
    kpiVerdicts: r.kpis,
    ...(r.production ? { production: r.production } : {}),
    ...(params ? { params } : {}),
  };
  writeFileSync(join(dir, RESULT_FILE), JSON.stringify(json, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2));
  if (r.trace) writeFileSync(join(dir, TRACE_FILE), r.trace);
  if (r.production) writeFileSync(join(dir, KPI_CSV_FILE), kpiCsv([{ report: r.production }]));
  for (const s of r.snapshots) writeFileSync(join(dir, s.file), s.bytes);
  return dir;
}

/** @throws TwinloopError RESULT_INVALID, TRACE_INVALID */
export function readResultDir(dir: string): { result: ResultJson; trace: Trace } {
  let result: ResultJson;
  let bytes: Uint8Array;
  try {
    result = JSON.parse(readFileSync(join(dir, RESULT_FILE), 'utf8')) as ResultJson;
    bytes = readFileSync(join(dir, TRACE_FILE));
  } catch (err) {
    throw new TwinloopError('RESULT_INVALID', `${dir}: not a run's result directory (needs ${RESULT_FILE} and ${TRACE_FILE}): ${(err as Error).message}`, { cause: err });
  }
  if (typeof result !== 'object' || result === null || typeof result.name !== 'string') throw new TwinloopError('RESULT_INVALID', `${dir}/${RESULT_FILE}: no run result in it`);
  return { result, trace: decodeTrace(bytes) };
}
