// Signing off a model version: read the validation report's verdicts, hash the four files, and
// append the record to the sign-off store. The caller audits it (the CLI like `user`, the HMI
// through carryOut) and checks the role; this function only does the deed.

import { appendSignOff, type SignOffRecord } from './signoff-store.ts';
import { modelVersion } from './model-version.ts';
import { readReportVerdicts } from './report-verdicts.ts';
import { lineOverlayPath } from '../calibration/overlay.ts';

export interface SignOffRequest {
  readonly dataDir: string;
  readonly line: string;
  readonly plant: string;
  readonly overlay?: string;
  readonly report: string;
  readonly by: string;
  readonly role: string | null;
  readonly from: string;
  /** Wall clock, ms (tests pass their own). */
  readonly now?: number;
}

/**
 * Sign off the model made of these files. A report whose verdict is `fail` is signed off too
 * (an engineer may accept a known departure); its verdicts go into the record and the audit.
 * @throws TwinloopError MODEL_FILE, MODEL_REPORT, MODEL_SIGNOFF
 */
export function signOff(r: SignOffRequest): SignOffRecord {
  const verdicts = readReportVerdicts(r.report);
  const overlay = r.overlay ?? lineOverlayPath(r.line);
  const v = modelVersion({ line: r.line, plant: r.plant, report: r.report, ...(overlay !== undefined ? { overlay } : {}) });
  const rec: SignOffRecord = { version: v.version, parts: v.parts, by: r.by, role: r.role, from: r.from, at: new Date(r.now ?? Date.now()).toISOString(), verdicts };
  appendSignOff(r.dataDir, rec);
  return rec;
}

/** What the audit record carries as `new`: the version and the report's verdicts. */
export function auditSubject(rec: SignOffRecord): { version: string; verdict: string; signals: Readonly<Record<string, string>>; report: string | null } {
  return { version: rec.version, verdict: rec.verdicts.verdict, signals: rec.verdicts.signals, report: rec.parts.report?.path ?? null };
}
