// A refused configuration file: every problem with the file, the path inside it, the line
// where it stands and what was expected, so the user fixes them all in one go.

import { TwinloopError } from '../errors.ts';

export interface ConfigIssue {
  /** The file as the user named it. */
  readonly file: string;
  /** Path inside the document, e.g. `components[3].length` (empty for the whole document). */
  readonly path: string;
  /** 1-based line in the file, when known. */
  readonly line?: number;
  readonly message: string;
}

/** `examples/sorting.yaml: components[3].length: must be > 0, got -1 (line 14)` */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.path ? `${issue.path}: ` : '';
  const line = issue.line ? ` (line ${issue.line})` : '';
  return `${issue.file}: ${where}${issue.message}${line}`;
}

export class ConfigError extends TwinloopError {
  readonly issues: readonly ConfigIssue[];
  constructor(code: 'CFG_INVALID' | 'CFG_READ', issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    super(code, issues.map(formatIssue).join('\n'), options);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
