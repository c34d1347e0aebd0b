// Reading the audit log back: parse every line (a torn last line from a kill -9 is counted and
// skipped, never fatal), check the hash chain, and export as JSONL or CSV.

import { readFileSync } from 'node:fs';
import { GENESIS, recordHash, type AuditRecord } from './audit-record.ts';

export interface AuditRead {
  records: AuditRecord[];
  /** Lines that are not a whole record (at most one after a crash, at the end). */
  torn: number;
  /** seq of the first record whose chain does not match, if any. */
  chainBrokenAt: number | undefined;
}

/** Read and check the whole log. A missing file is an empty log. */
export function readAudit(path: string): AuditRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], torn: 0, chainBrokenAt: undefined };
    throw err;
  }
  const records: AuditRecord[] = [];
  let torn = 0;
  let prev = GENESIS;
  let chainBrokenAt: number | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let rec: AuditRecord;
    try {
      rec = JSON.parse(line) as AuditRecord;
    } catch {
      torn++;
      continue;
    }
    if (typeof rec !== 'object' || rec === null || !Number.isInteger(rec.seq)) {
      torn++;
      continue;
    }
    if (chainBrokenAt === undefined) {
      const { hash, ...body } = rec;
      if (rec.prev !== prev || recordHash(body) !== hash) chainBrokenAt = rec.seq;
    }
    prev = rec.hash;
    records.push(rec);
  }
  return { records, torn, chainBrokenAt };
}

export function toJsonl(records: readonly AuditRecord[]): string {
  let out = '';
  for (const r of records) out += JSON.stringify(r) + '\n';
  return out;
}

const CSV_COLUMNS = ['seq', 'time', 'user', 'role', 'from', 'action', 'target', 'old', 'new', 'result', 'code', 'detail', 'ref', 'hash'] as const;

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with '. */
export function toCsv(records: readonly AuditRecord[]): string {
  let out = CSV_COLUMNS.join(',') + '\r\n';
  for (const r of records) {
    out += CSV_COLUMNS.map((c) => csvCell((r as unknown as Record<string, unknown>)[c])).join(',') + '\r\n';
  }
  return out;
}

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  let s = typeof v === 'string' ? v : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`; // CSV injection guard
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
