// A model version: the SHA-256 of what decides how the twin behaves and how well it was shown to
// match the line — the line file, the plant file, the parameter overlay (if any) and the
// validation report (JSON). Contents are hashed, not paths: moving a folder keeps the version,
// changing one byte of any of the four voids it. Each part's own hash is kept too, so a voided
// sign-off can say which file changed.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { TwinloopError } from '../errors.ts';

/** The four parts, in the order they enter the version. */
export const MODEL_PARTS = ['line', 'plant', 'overlay', 'report'] as const;
export type ModelPart = (typeof MODEL_PARTS)[number];

export interface ModelFiles {
  readonly line: string;
  readonly plant: string;
  readonly overlay?: string;
  readonly report?: string;
}

export interface ModelVersion {
  /** sha256 hex of the parts' hashes (see versionOf). */
  readonly version: string;
  /** Each part's absolute path and sha256 hex; absent parts are null. */
  readonly parts: Readonly<Record<ModelPart, { readonly path: string; readonly sha256: string } | null>>;
}

/** sha256 hex of a file's bytes. @throws TwinloopError MODEL_FILE when it cannot be read */
export function fileHash(path: string, part: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new TwinloopError('MODEL_FILE', `${part} file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The version of a model: sha256 over one line per part, `<part> <sha256 or "none">\n`, in
 * MODEL_PARTS order. Naming the part in each line keeps an overlay from standing in for a
 * report with the same bytes.
 * @throws TwinloopError MODEL_FILE
 * @example modelVersion({ line: 'examples/sorting.yaml', plant: 'examples/sorting-shadow.yaml', report: 'out/report.json' }).version
 */
export function modelVersion(files: ModelFiles): ModelVersion {
  const parts = {} as Record<ModelPart, { path: string; sha256: string } | null>;
  const h = createHash('sha256');
  for (const p of MODEL_PARTS) {
    const path = files[p];
    parts[p] = path === undefined ? null : { path: resolve(path), sha256: fileHash(path, p) };
    h.update(`${p} ${parts[p]?.sha256 ?? 'none'}\n`);
  }
  return { version: h.digest('hex'), parts };
}

/** The first 12 hex digits, as the banner and the CLI show a version (git's habit). */
export function shortVersion(version: string): string {
  return version.slice(0, 12);
}
