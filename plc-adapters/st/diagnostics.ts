// Compiler messages printed as tsc and rustc print them: `file:line:col: error: message`, then
// the source line and a caret under the column. Used by `twinloop check`, by a run that refuses
// a program, and by the unit-test runner.

import { existsSync, readFileSync } from 'node:fs';
import type { Diagnostic } from './ast.ts';

/** Source text of a file by name (null when unknown); default: read it from disk. */
export type TextOf = (file: string) => string | null;

const fromDisk: TextOf = (file) => {
  try {
    return existsSync(file) ? readFileSync(file, 'utf8') : null;
  } catch {
    return null;
  }
};

export function formatDiagnostic(d: Diagnostic, textOf: TextOf = fromDisk, cache = new Map<string, string[] | null>()): string {
  const head = `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}`;
  if (!cache.has(d.file)) {
    const t = textOf(d.file);
    cache.set(d.file, t === null ? null : t.split(/\r?\n/));
  }
  const lines = cache.get(d.file);
  const src = lines?.[d.line - 1];
  if (src === undefined) return head;
  const num = String(d.line);
  const pad = ' '.repeat(num.length);
  // Tabs stay tabs under the caret so it lines up in a terminal.
  const lead = src.slice(0, Math.max(0, d.col - 1)).replace(/[^\t]/g, ' ');
  return `${head}\n ${num} | ${src}\n ${pad} | ${lead}^`;
}

export function formatDiagnostics(list: readonly Diagnostic[], textOf: TextOf = fromDisk): string {
  const cache = new Map<string, string[] | null>();
  return list.map((d) => formatDiagnostic(d, textOf, cache)).join('\n');
}
