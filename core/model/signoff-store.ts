// The sign-off store: `<data>/model/signoffs.jsonl`, one JSON record per sign-off, appended and
// fsync'd, never rewritten (the audit log holds the same facts in its hash chain; this file is
// what `model status`, the shadow run's gate and the HMI read). A model is signed off when the
// newest record for its line and plant files still has the version of the files as they are now.

import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DIR_MODE, ensureDataDir, FILE_MODE } from '../auth/data-dir.ts';
import { TwinloopError } from '../errors.ts';
import { MODEL_PARTS, modelVersion, type ModelPart, type ModelVersion } from './model-version.ts';
import type { ReportVerdicts } from './report-verdicts.ts';
import { lineOverlayPath } from '../calibration/overlay.ts';

export interface SignOffRecord {
  readonly version: string;
  readonly parts: ModelVersion['parts'];
  /** Who signed off: an HMI user, or `os:<name>` from the CLI. */
  readonly by: string;
  readonly role: string | null;
  /** `cli` or the client address. */
  readonly from: string;
  /** ISO 8601 wall time. */
  readonly at: string;
  readonly verdicts: ReportVerdicts;
}

/** A model's state against the store, for `model status`, the gate and /api/health. */
export interface SignOffState {
  /** The version of the files as they are now (with the last signed-off report, if any). */
  readonly current: ModelVersion;
  readonly signedOff: boolean;
  /** The newest sign-off of this line and plant, current or not. */
  readonly last: SignOffRecord | null;
  /** Parts whose bytes changed since that sign-off (why it no longer holds). */
  readonly changed: readonly ModelPart[];
}

export function signOffFile(dataDir: string): string {
  return join(dataDir, 'model', 'signoffs.jsonl');
}

/** Every record, oldest first; a torn last line (a crash mid-append) is skipped. */
export function readSignOffs(dataDir: string): SignOffRecord[] {
  let text: string;
  try {
    text = readFileSync(signOffFile(dataDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new TwinloopError('MODEL_SIGNOFF', `sign-off store ${signOffFile(dataDir)}: ${(err as Error).message}`, { cause: err });
  }
  const out: SignOffRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as SignOffRecord);
    } catch {
      // torn line: the audit log still says what was attempted
    }
  }
  return out;
}

/** Append one record, fsync'd before it counts. */
export function appendSignOff(dataDir: string, rec: SignOffRecord): void {
  ensureDataDir(dataDir);
  mkdirSync(join(dataDir, 'model'), { recursive: true, mode: DIR_MODE });
  const path = signOffFile(dataDir);
  appendFileSync(path, `${JSON.stringify(rec)}\n`, { mode: FILE_MODE });
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Where this line and plant stand: the newest record naming the same line and plant paths; the
 * current version is computed with that record's overlay and report (or `overlay` when given,
 * and no report when there is no record).
 */
export function signOffState(dataDir: string, line: string, plant: string, overlay?: string): SignOffState {
  const l = resolve(line);
  const p = resolve(plant);
  const last = readSignOffs(dataDir).filter((r) => r.parts.line?.path === l && r.parts.plant?.path === p).at(-1) ?? null;
  // The overlay: as given, else the one the line file includes (`overlay:`), else the signed-off one.
  const ov = overlay ?? lineOverlayPath(line) ?? last?.parts.overlay?.path;
  const report = last?.parts.report?.path;
  let current: ModelVersion;
  try {
    current = modelVersion({ line, plant, ...(ov !== undefined ? { overlay: ov } : {}), ...(report !== undefined ? { report } : {}) });
  } catch (err) {
    // The signed-off report or overlay is gone: that voids the sign-off, it does not stop a run.
    if (last === null) throw err;
    current = modelVersion({ line, plant, ...(overlay !== undefined ? { overlay } : {}) });
  }
  const changed = last === null ? [] : MODEL_PARTS.filter((k) => (last.parts[k]?.sha256 ?? null) !== (current.parts[k]?.sha256 ?? null));
  return { current, signedOff: last !== null && last.version === current.version, last, changed };
}
