// Reading the audit log back: whole (readAudit, for tests and small tools), one page at a time
// (auditPage, for GET /api/audit: a bounded window of records, the file read in chunks), and
// exported as JSONL or CSV text produced chunk by chunk (for downloads of any size). A torn
// last line from a kill -9 is counted and skipped, never fatal.

import { auditItems, ChainCheck } from './audit-scan.ts';
import type { AuditRecord } from './audit-record.ts';

export interface AuditRead {
  records: AuditRecord[];
  /** Lines that are not a whole record (at most one after a crash, at the end). */
  torn: number;
  /** seq of the first record whose chain does not match, if any. */
  chainBrokenAt: number | undefined;
}

/** Read and check the whole log into memory. A missing file is an empty log. */
export function readAudit(path: string): AuditRead {
  const chain = new ChainCheck();
  const records: AuditRecord[] = [];
  for (const item of auditItems(path)) {
    const rec = chain.add(item);
    if (rec !== undefined) records.push(rec);
  }
  return { records, torn: chain.torn, chainBrokenAt: chain.brokenAt };
}

export interface AuditPage {
  /** At most `limit` records, oldest first: the newest ones, or the newest before `before`. */
  records: AuditRecord[];
  /** Records in the whole log. */
  total: number;
  torn: number;
  chainBrokenAt: number | undefined;
  /** `before` for the next (older) page; undefined when this page reaches the start. */
  next: number | undefined;
}

/**
 * One page of the log, newest last: the last `limit` records with seq < `before` (all when
 * `before` is absent). The file is read in chunks and only `limit` records are held.
 */
export function auditPage(path: string, limit: number, before?: number): AuditPage {
  const chain = new ChainCheck();
  // A ring of the last `limit` matching records.
  const ring: AuditRecord[] = [];
  let at = 0;
  let matching = 0;
  for (const item of auditItems(path)) {
    const rec = chain.add(item);
    if (rec === undefined || (before !== undefined && rec.seq >= before)) continue;
    matching++;
    if (ring.length < limit) ring.push(rec);
    else {
      ring[at] = rec;
      at = (at + 1) % limit;
    }
  }
  const records = ring.length < limit ? ring : [...ring.slice(at), ...ring.slice(0, at)];
  const next = matching > records.length && records.length > 0 ? records[0]!.seq : undefined;
  return { records, total: chain.count, torn: chain.torn, chainBrokenAt: chain.brokenAt, next };
}

/** The log as JSONL, one chunk of lines at a time (normalised: torn lines left out). */
export function* jsonlChunks(path: string): Generator<string> {
  yield* batched(path, (r) => JSON.stringify(r) + '\n');
}

const CSV_COLUMNS = ['seq', 'time', 'user', 'role', 'from', 'action', 'target', 'old', 'new', 'result', 'code', 'detail', 'ref', 'hash'] as const;

/** The log as RFC 4180 CSV, one chunk of rows at a time; formula-like cells defused (csvCell). */
export function* csvChunks(path: string): Generator<string> {
  yield CSV_COLUMNS.join(',') + '\r\n';
  yield* batched(path, csvRow);
}

function* batched(path: string, line: (r: AuditRecord) => string): Generator<string> {
  let out = '';
  for (const item of auditItems(path)) {
    if (item.kind !== 'record') continue;
    out += line(item.record);
    if (out.length >= 64 * 1024) {
      yield out;
      out = '';
    }
  }
  if (out !== '') yield out;
}

export function toJsonl(records: readonly AuditRecord[]): string {
  let out = '';
  for (const r of records) out += JSON.stringify(r) + '\n';
  return out;
}

/** RFC 4180 CSV of records in memory; see csvCell. */
export function toCsv(records: readonly AuditRecord[]): string {
  let out = CSV_COLUMNS.join(',') + '\r\n';
  for (const r of records) out += csvRow(r);
  return out;
}

function csvRow(r: AuditRecord): string {
  return CSV_COLUMNS.map((c) => csvCell((r as unknown as Record<string, unknown>)[c])).join(',') + '\r\n';
}

// A spreadsheet runs a cell as a formula when it starts with = + - @ (tab and CR too, which
// some strip first). Where ; is the list separator (many European locales), a CSV opened by
// double-click is split at ; as well, so each ;-separated piece is a cell of its own.
const FORMULA_START = /^[=+\-@\t\r]/;
const FORMULA_AFTER_SEMICOLON = /;(\s*)(?=[=+\-@\t\r])/g;

/**
 * One CSV cell. Text that a spreadsheet could take for a formula gets a leading ' (also after
 * every ;), and any cell holding a separator (, or ;), a quote or a line break is quoted.
 * Numbers stay numbers: -5 is a value, not a formula.
 */
export function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  let s: string;
  if (typeof v === 'number' || typeof v === 'boolean') s = String(v);
  else {
    s = typeof v === 'string' ? v : JSON.stringify(v);
    if (FORMULA_START.test(s)) s = `'${s}`;
    s = s.replace(FORMULA_AFTER_SEMICOLON, ";$1'");
  }
  return /[",;\r\n\t]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
