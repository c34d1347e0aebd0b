// What a sign-off keeps of a validation report: its overall verdict and the verdict per signal.
// Read from the report's JSON twin (core/validation writes it: `model validate`). The reader is
// tolerant of the report's layout — `verdict: 'pass'|'fail'` or `pass: boolean` at the top, and
// per signal in `signals` (an array of objects naming `signal`/`name`, or an object keyed by
// signal) — so that a report format change does not silently sign off nothing: without an
// overall verdict the file is refused as not a validation report.

import { readFileSync } from 'node:fs';
import { TwinloopError } from '../errors.ts';

export type Verdict = 'pass' | 'fail';

export interface ReportVerdicts {
  readonly verdict: Verdict;
  /** Signal -> verdict, in the report's order. */
  readonly signals: Readonly<Record<string, Verdict>>;
}

function verdictOf(o: unknown): Verdict | undefined {
  if (typeof o !== 'object' || o === null) return undefined;
  const r = o as Record<string, unknown>;
  for (const k of ['verdict', 'status', 'result']) {
    const v = r[k];
    if (typeof v === 'string') {
      const s = v.toLowerCase();
      if (s === 'pass' || s === 'passed' || s === 'ok') return 'pass';
      if (s === 'fail' || s === 'failed') return 'fail';
    }
  }
  for (const k of ['pass', 'passed', 'ok']) if (typeof r[k] === 'boolean') return r[k] ? 'pass' : 'fail';
  return undefined;
}

/** @throws TwinloopError MODEL_REPORT when the file is not JSON or has no overall verdict */
export function readReportVerdicts(path: string): ReportVerdicts {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new TwinloopError('MODEL_REPORT', `validation report ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} (give the report's JSON file)`, { cause: err });
  }
  const verdict = verdictOf(doc);
  if (verdict === undefined) throw new TwinloopError('MODEL_REPORT', `validation report ${path}: no overall verdict (expected "verdict": "pass" | "fail" or "pass": true | false at the top)`);
  const signals: Record<string, Verdict> = {};
  const list = (doc as Record<string, unknown>)['signals'];
  if (Array.isArray(list)) {
    for (const s of list) {
      const name = typeof s === 'object' && s !== null ? ((s as Record<string, unknown>)['signal'] ?? (s as Record<string, unknown>)['name']) : undefined;
      const v = verdictOf(s);
      if (typeof name === 'string' && v !== undefined) signals[name] = v;
    }
  } else if (typeof list === 'object' && list !== null) {
    for (const [name, s] of Object.entries(list)) {
      const v = verdictOf(s);
      if (v !== undefined) signals[name] = v;
    }
  }
  return { verdict, signals };
}
