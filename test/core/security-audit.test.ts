// Issue 17, findings 7 and 11 (CSV): the audit log's end is anchored by a head signed with the
// installation secret, so cutting records off the end, or deleting records and re-hashing the
// chain, is caught by `twinloop audit verify` (exit 1, naming the record) and by the server at
// start; a record written just before a crash (head one behind) is not a break. And the CSV
// export defuses every cell a spreadsheet could take for a formula, also after a ';'.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { csvCell } from '../../core/audit/audit-export.ts';
import { AuditLog } from '../../core/audit/audit-log.ts';
import { GENESIS, recordHash, type AuditEntry, type AuditRecord } from '../../core/audit/audit-record.ts';
import { verifyAudit } from '../../core/audit/audit-verify.ts';
import { ensureDataDir, installationSecret } from '../../core/auth/data-dir.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'twinloop-sec-audit-'));
let n = 0;
const entry = (i: number): AuditEntry => ({ action: 'signal.force', user: 'eng', role: 'engineer', from: '127.0.0.1 http', result: 'attempt', target: `s${i}`, new: i });

/** A data folder with a secret and a log of `count` records written by AuditLog. */
function folder(count: number): { dir: string; log: string; secret: Buffer } {
  const dir = join(root, `d${++n}`);
  ensureDataDir(dir);
  const secret = installationSecret(dir);
  const log = join(dir, 'audit.jsonl');
  const a = new AuditLog(log, { secret });
  for (let i = 1; i <= count; i++) a.append(entry(i));
  a.close();
  return { dir, log, secret };
}

function lines(path: string): AuditRecord[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditRecord);
}

/** Rewrite records as a forger without the secret would: consecutive seqs, a valid chain. */
function rehash(records: AuditRecord[]): string {
  let prev = GENESIS;
  let out = '';
  records.forEach((r, i) => {
    const { hash: _old, ...body } = { ...r, seq: i + 1, prev };
    const hash = recordHash(body);
    out += JSON.stringify({ ...body, hash }) + '\n';
    prev = hash;
  });
  return out;
}

function verifyCli(dir: string): { code: number; out: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', 'audit', 'verify', '--data', dir], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout + r.stderr };
}

test.after(() => rmSync(root, { recursive: true, force: true }));

test('finding 7: an intact log verifies (CLI exit 0)', () => {
  const { dir, log, secret } = folder(10);
  assert.ok(verifyAudit(log, secret).ok);
  const r = verifyCli(dir);
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /audit log ok: 10 records/);
});

test('finding 7: cutting records off the end is caught, naming the first missing record', () => {
  const { dir, log, secret } = folder(10);
  writeFileSync(log, readFileSync(log, 'utf8').split('\n').slice(0, 7).join('\n') + '\n');
  const v = verifyAudit(log, secret);
  assert.not.ok(v.ok);
  assert.is(v.problem?.seq, 8);
  const r = verifyCli(dir);
  assert.is(r.code, 1, r.out);
  assert.match(r.out, /BROKEN at record 8: .*cut off/);
});

test('finding 7: deleting records and re-hashing the chain is caught', () => {
  const { dir, log, secret } = folder(10);
  const recs = lines(log);
  writeFileSync(log, rehash([...recs.slice(0, 4), ...recs.slice(6)])); // records 5 and 6 gone, chain recomputed
  const v = verifyAudit(log, secret);
  assert.not.ok(v.ok, 'the chain alone would pass');
  assert.is(v.problem?.seq, 9, 'the log now ends at 8 but the head names 10');
  assert.is(verifyCli(dir).code, 1);
  // Keeping the count but rewriting content (same seqs, new hashes) is caught as well.
  const { log: log2, secret: secret2 } = folder(5);
  const recs2 = lines(log2);
  writeFileSync(log2, rehash(recs2.map((r) => (r.seq === 3 ? { ...r, target: 'innocent' } : r))));
  const v2 = verifyAudit(log2, secret2);
  assert.not.ok(v2.ok);
  assert.is(v2.problem?.seq, 5, 'the last record is not the one the head signed');
});

test('finding 7: a missing or forged head fails; a head signed with another secret fails', () => {
  const { dir, log, secret } = folder(4);
  const head = join(dir, 'audit.head');
  const signed = readFileSync(head);
  const forged = JSON.parse(signed.toString('utf8')) as { seq: number };
  writeFileSync(head, JSON.stringify({ ...forged, seq: 2 }));
  assert.match(verifyAudit(log, secret).problem?.reason ?? '', /signature does not match/);
  unlinkSync(head);
  assert.match(verifyAudit(log, secret).problem?.reason ?? '', /no signed head/);
  writeFileSync(head, signed);
  assert.not.ok(verifyAudit(log, Buffer.alloc(32, 7)).ok, 'another installation cannot vouch for it');
  assert.ok(verifyAudit(log, secret).ok);
});

test('finding 7: a cut found at open stays on record in the head; the server keeps logging', () => {
  const { log, secret } = folder(6);
  writeFileSync(log, readFileSync(log, 'utf8').split('\n').slice(0, 3).join('\n') + '\n');
  const a = new AuditLog(log, { secret });
  assert.match(a.broken ?? '', /ended at record 3 but its signed head named record 6/);
  a.append(entry(99));
  a.close();
  const again = new AuditLog(log, { secret });
  assert.ok(again.broken !== undefined, 'the break outlives later records and restarts');
  again.close();
  const v = verifyAudit(log, secret);
  assert.not.ok(v.ok);
  assert.match(v.problem?.reason ?? '', /found broken by the server earlier/);
});

test('finding 7: a record written just before a crash (head one behind) is not a break, and is signed at the next open', () => {
  const { log, secret } = folder(3);
  const last = lines(log).at(-1)!;
  const body = { seq: 4, time: new Date().toISOString(), ...entry(4), prev: last.hash };
  appendFileSync(log, JSON.stringify({ ...body, hash: recordHash(body) }) + '\n'); // as if killed before the head write
  const v = verifyAudit(log, secret);
  assert.ok(v.ok, v.problem?.reason);
  assert.match(v.notes.join(' '), /written as the process stopped/);
  const a = new AuditLog(log, { secret });
  assert.is(a.broken, undefined);
  a.close();
  assert.equal(verifyAudit(log, secret).notes, []);
});

test('finding 11: CSV cells that a spreadsheet could run are defused, also after ";"', () => {
  for (const bad of ['=1+1', '+1', '-1+2', '@SUM(A1)', '\tcmd', '\rcmd']) assert.ok(csvCell(bad).replace(/^"/, '').startsWith("'"), JSON.stringify(bad));
  assert.is(csvCell('a;=HYPERLINK("x")'), `"a;'=HYPERLINK(""x"")"`, 'quoted, and the piece after ; is defused');
  assert.is(csvCell('x; @cmd'), `"x; '@cmd"`);
  assert.is(csvCell(-5), '-5', 'a number is a value, not a formula');
  assert.is(csvCell('plain text'), 'plain text');
  assert.is(csvCell({ role: 'viewer' }), '"{""role"":""viewer""}"');
});

test.run();
