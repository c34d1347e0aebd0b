// core/audit: records are appended with seq, time and a hash chain and read back; an edited or
// removed line breaks the chain where it happened; a torn last line is skipped and sealed off
// on reopen; a second writer (the CLI) is continued, not forked; a full disk (/dev/full) makes
// append() throw AUDIT_UNAVAILABLE and report unhealthy; CSV export quotes and defuses formulas.

import { appendFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readAudit, toCsv, toJsonl } from '../../core/audit/audit-export.ts';
import { AuditLog } from '../../core/audit/audit-log.ts';
import type { AuditEntry } from '../../core/audit/audit-record.ts';
import { isTwinloopError } from '../../core/errors.ts';

const root = mkdtempSync(join(tmpdir(), 'twinloop-audit-'));
let n = 0;
const file = (): string => join(root, `audit${++n}.jsonl`);
const entry = (i: number, extra: Partial<AuditEntry> = {}): AuditEntry => ({ action: 'signal.force', user: 'eng', role: 'engineer', from: '127.0.0.1 http', result: 'attempt', target: `s${i}`, old: 0, new: i, ...extra });

test.after(() => rmSync(root, { recursive: true, force: true }));

test('append and read back: seq, time, chain; reopen continues the chain', () => {
  const path = file();
  const log = new AuditLog(path);
  for (let i = 0; i < 5; i++) log.append(entry(i));
  log.close();
  const again = new AuditLog(path);
  const rec = again.append(entry(5, { result: 'ok', ref: 5 }));
  again.close();
  assert.is(rec.seq, 6);
  const read = readAudit(path);
  assert.is(read.records.length, 6);
  assert.equal(read.records.map((r) => r.seq), [1, 2, 3, 4, 5, 6]);
  assert.is(read.torn, 0);
  assert.is(read.chainBrokenAt, undefined);
  assert.match(read.records[0]!.time, /^\d{4}-\d\d-\d\dT/);
  assert.is(read.records[5]!.ref, 5);
});

test('an edited or removed line breaks the chain at that record', () => {
  const path = file();
  const log = new AuditLog(path);
  for (let i = 0; i < 4; i++) log.append(entry(i));
  log.close();
  const lines = readFileSync(path, 'utf8').split('\n');
  writeFileSync(path, lines.map((l, i) => (i === 2 ? l.replace('"user":"eng"', '"user":"someone"') : l)).join('\n'));
  assert.is(readAudit(path).chainBrokenAt, 3);
  writeFileSync(path, lines.filter((_, i) => i !== 1).join('\n'));
  assert.is(readAudit(path).chainBrokenAt, 3, 'record 2 missing: record 3 no longer chains');
});

test('a torn last line is skipped, and sealed off on reopen', () => {
  const path = file();
  const log = new AuditLog(path);
  log.append(entry(1));
  log.close();
  appendFileSync(path, '{"seq":2,"time":"2026-');
  assert.is(readAudit(path).torn, 1);
  const again = new AuditLog(path);
  const rec = again.append(entry(2));
  again.close();
  assert.is(rec.seq, 2);
  const read = readAudit(path);
  assert.is(read.records.length, 2);
  assert.is(read.torn, 1);
  assert.is(read.chainBrokenAt, undefined, 'the torn line is not part of the chain');
});

test('two writers on one file (server and CLI) continue one chain', () => {
  const path = file();
  const server = new AuditLog(path);
  server.append(entry(1));
  const cli = new AuditLog(path);
  cli.append(entry(2, { from: 'cli' }));
  cli.close();
  server.append(entry(3));
  server.close();
  const read = readAudit(path);
  assert.equal(read.records.map((r) => r.seq), [1, 2, 3]);
  assert.is(read.chainBrokenAt, undefined);
});

test('disk full (/dev/full): AUDIT_UNAVAILABLE, unhealthy; a missing folder too', () => {
  const path = join(root, 'full.jsonl');
  symlinkSync('/dev/full', path);
  const log = new AuditLog(path);
  let code = '';
  try {
    log.append(entry(1));
  } catch (err) {
    assert.ok(isTwinloopError(err));
    code = (err as { code: string }).code;
    assert.match((err as Error).message, /ENOSPC/);
  }
  assert.is(code, 'AUDIT_UNAVAILABLE');
  assert.not.ok(log.healthy);
  log.close();
  const nowhere = new AuditLog(join(root, 'no', 'such', 'dir', 'audit.jsonl'));
  assert.not.ok(nowhere.healthy, 'an unopenable log does not throw at construction');
  assert.throws(() => nowhere.append(entry(1)), (e: unknown) => isTwinloopError(e, 'AUDIT_UNAVAILABLE'));
});

test('export: JSONL round-trips; CSV quotes and defuses formula cells', () => {
  const path = file();
  const log = new AuditLog(path);
  log.append(entry(1, { detail: '=HYPERLINK("http://x","y"), "quoted"\nnew line' }));
  log.close();
  const { records } = readAudit(path);
  assert.equal(toJsonl(records).trim().split('\n').map((l) => JSON.parse(l)), records);
  const csv = toCsv(records);
  const [header, row] = csv.split('\r\n');
  assert.is(header, 'seq,time,user,role,from,action,target,old,new,result,code,detail,ref,hash');
  assert.match(row!, /,"'=HYPERLINK\(""http:\/\/x"",""y""\), ""quoted""\nnew line",/);
});

test.run();
