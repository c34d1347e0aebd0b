// Orders from a CSV file (a planner's export): a header naming the columns (id, product,
// quantity, due required; release, priority, material optional, any order), one order a line.
// Quoted fields ("a,b", "" for a quote) are read; every bad field is reported as file:line:col.

import { readFileSync } from 'node:fs';
import { ConfigError, type ConfigIssue } from '../config/config-error.ts';

export interface CsvOrder {
  readonly line: number;
  readonly cols: Readonly<Record<string, { readonly text: string; readonly col: number }>>;
}

const REQUIRED = ['id', 'product', 'quantity', 'due'];
const KNOWN = [...REQUIRED, 'release', 'priority', 'material'];

/** Split one CSV line into fields with their 1-based columns. */
function fields(text: string): { text: string; col: number }[] {
  const out: { text: string; col: number }[] = [];
  let i = 0;
  for (;;) {
    const col = i + 1;
    let v = '';
    if (text[i] === '"') {
      i++;
      while (i < text.length) {
        if (text[i] === '"' && text[i + 1] === '"') { v += '"'; i += 2; }
        else if (text[i] === '"') { i++; break; }
        else v += text[i++];
      }
      while (i < text.length && text[i] !== ',') i++;
    } else {
      const j = text.indexOf(',', i);
      v = j < 0 ? text.slice(i) : text.slice(i, j);
      i = j < 0 ? text.length : j;
    }
    out.push({ text: v.trim(), col });
    if (i >= text.length) return out;
    i++; // the comma
  }
}

/** Read the orders of a CSV file. @throws ConfigError CFG_READ / CFG_INVALID */
export function readOrderCsv(file: string, shownAs: string): CsvOrder[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError('CFG_READ', [{ file: shownAs, path: '', message: `cannot read the orders: ${(err as Error).message}` }], { cause: err });
  }
  const lines = text.split(/\r?\n/);
  const issues: ConfigIssue[] = [];
  let header: { text: string; col: number }[] | undefined;
  let headerLine = 0;
  const out: CsvOrder[] = [];
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const f = fields(raw);
    if (header === undefined) {
      header = f;
      headerLine = n + 1;
      for (const h of f) if (!KNOWN.includes(h.text)) issues.push({ file: shownAs, path: '', line: n + 1, message: `column ${h.col}: unknown column ${JSON.stringify(h.text)}; known: ${KNOWN.join(', ')}` });
      for (const r of REQUIRED) if (!f.some((h) => h.text === r)) issues.push({ file: shownAs, path: '', line: n + 1, message: `column ${r} is required in the header` });
      continue;
    }
    if (f.length !== header.length) {
      issues.push({ file: shownAs, path: '', line: n + 1, message: `column ${raw.length + 1}: ${f.length} fields, the header (line ${headerLine}) has ${header.length}` });
      continue;
    }
    const cols: Record<string, { text: string; col: number }> = {};
    header.forEach((h, k) => { cols[h.text] = f[k]!; });
    out.push({ line: n + 1, cols });
  }
  if (header === undefined) issues.push({ file: shownAs, path: '', line: 1, message: 'no header line: expected id,product,quantity,due[,release,priority,material]' });
  else if (out.length === 0 && issues.length === 0) issues.push({ file: shownAs, path: '', line: headerLine, message: 'no orders after the header' });
  if (issues.length > 0) throw new ConfigError('CFG_INVALID', issues);
  return out;
}
