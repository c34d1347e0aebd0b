// Issue 17, findings 6, 8 and 11 (server side), against real servers on 127.0.0.1:
// 6: users.json, audit.jsonl (and its head) and recordings loosened to 0644/0640 are 0600
//    again after a start (recording folders 0700);
// 8: a client sending refused anonymous requests with long URLs adds one record per route and
//    window (URL cut short) plus one summary, not one record per request; GET /api/audit pages;
// 11: /api/scenarios shows no absolute path; the WebSocket Origin check compares the scheme;
//    a TLS key readable by others draws a warning at start; an oversized WebSocket frame is a
//    warning without a stack trace.

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readAudit } from '../../core/audit/audit-export.ts';
import type { AuditResponse } from '../../hmi/server/audit-routes.ts';
import { FixtureRun } from './fixture-run.ts';
import { startSecured, tempDataDir } from './secured-server.ts';
import { TestClient } from './ws-client.ts';

let run: FixtureRun;
const dirs: string[] = [];

/** A pino logger that keeps its lines for the test to read. */
function capture(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger: Logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
  return { logger, lines };
}

const mode = (p: string): number => statSync(p).mode & 0o777;

test.before(() => {
  run = new FixtureRun();
});
test.after(async () => {
  await run?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('finding 6: loosened users.json, audit.jsonl and recordings are 0600 again after a start', async () => {
  const dir = tempDataDir();
  dirs.push(dir);
  const first = await startSecured({ run, dataDir: dir });
  await first.close();
  const rec = join(dir, 'recordings', 'r1');
  mkdirSync(rec, { recursive: true, mode: 0o750 });
  writeFileSync(join(rec, 'seg-0001.bin'), 'x', { mode: 0o640 });
  for (const f of ['users.json', 'audit.jsonl', 'audit.head']) chmodSync(join(dir, f), 0o644);
  chmodSync(join(rec, 'seg-0001.bin'), 0o640);
  chmodSync(rec, 0o750);
  const again = await startSecured({ run, dataDir: dir, skipLogins: true });
  try {
    for (const f of ['users.json', 'audit.jsonl', 'audit.head', 'secret.key']) assert.is(mode(join(dir, f)), 0o600, f);
    assert.is(mode(join(rec, 'seg-0001.bin')), 0o600, 'recording segment');
    assert.is(mode(rec), 0o700, 'recording folder');
  } finally {
    await again.close();
  }
});

test('finding 8: 300 anonymous refusals with long URLs make one record and one summary, URL cut short', async () => {
  const dir = tempDataDir();
  dirs.push(dir);
  const s = await startSecured({ run, dataDir: dir });
  const path = join(s.dataDir, 'audit.jsonl');
  const before = readAudit(path).records.length;
  const long = 'A'.repeat(3000);
  for (let batch = 0; batch < 6; batch++) {
    await Promise.all(Array.from({ length: 50 }, () => fetch(`${s.server.url}/api/run/pause?junk=${long}`, { method: 'POST' }).then((r) => r.arrayBuffer())));
  }
  const during = readAudit(path).records.slice(before);
  assert.is(during.length, 1, 'one record for the first refusal of this source and route');
  assert.ok((during[0]!.target ?? '').length <= 101, `target cut short: ${(during[0]!.target ?? '').length} chars`);
  await s.close();
  const after = readAudit(path).records.slice(before);
  assert.is(after.length, 2, 'and one summary when the window closes (here: at close)');
  assert.match(after[1]!.detail ?? '', /^299 more refusals/);
  assert.is(after[1]!.target, 'POST /api/run/pause');
});

test('finding 8: GET /api/audit pages through the log', async () => {
  const s = await startSecured({ run });
  dirs.push(s.dataDir);
  try {
    const get = async (q: string): Promise<AuditResponse> => (await (await fetch(`${s.server.url}/api/audit${q}`, { headers: s.bearer('admin') })).json()) as AuditResponse;
    for (let i = 0; i < 6; i++) await get('?limit=1'); // each read is itself audited: a log of 10 records
    const last = await get('?limit=3');
    assert.is(last.records.length, 3);
    const total = last.total;
    assert.is(last.records.at(-1)!.seq, total, 'the newest records, oldest first');
    assert.is(last.next, total - 2);
    const older = await get(`?limit=3&before=${last.next}`);
    assert.equal(older.records.map((r) => r.seq), [total - 5, total - 4, total - 3]);
    const start = await get('?limit=1000&before=3');
    assert.equal(start.records.map((r) => r.seq), [1, 2]);
    assert.is(start.next, null, 'the first page has no next');
    assert.is(start.broken, null);
    assert.is((await fetch(`${s.server.url}/api/audit?limit=5000`, { headers: s.bearer('admin') }).then((r) => r.json()) as AuditResponse).records.length <= 1000, true, 'a page is at most 1000 records');
  } finally {
    await s.close();
  }
});

test('finding 11: /api/scenarios shows the folder name, no absolute path', async () => {
  const s = await startSecured({ run });
  dirs.push(s.dataDir);
  try {
    const body = (await (await fetch(`${s.server.url}/api/scenarios`, { headers: s.bearer('viewer') })).json()) as { dir: string };
    assert.not.match(body.dir, /^\//);
    assert.not.match(body.dir, /[\\/]/, 'a name, not a path');
  } finally {
    await s.close();
  }
});

test('finding 11: the WebSocket Origin check compares the scheme; an oversized frame is a warning without a stack', async () => {
  const { logger, lines } = capture();
  const s = await startSecured({ run, logger });
  dirs.push(s.dataDir);
  try {
    const host = new URL(s.server.url).host;
    const wrongScheme = new TestClient(s.server.url, { headers: { ...s.bearer('viewer'), origin: `https://${host}` } });
    await wrongScheme.closed;
    assert.not.ok(wrongScheme.frames.some((f) => f.t === 'catalog'), 'https:// origin refused on an http server');
    const same = new TestClient(s.server.url, { headers: { ...s.bearer('viewer'), origin: `http://${host}` } });
    await same.find((f) => f.t === 'catalog');
    same.ws.send(Buffer.alloc(8000, 1));
    assert.is(await same.closed, 1009);
    await new Promise((r) => setTimeout(r, 50));
    const warn = lines.find((l) => l['msg'] === 'hmi ws client sent a frame over the size limit; closed (1009)');
    assert.ok(warn !== undefined, 'logged');
    assert.is(warn!['level'], 40, 'as a warning');
    assert.not.ok(JSON.stringify(warn).includes('stack'), 'without a stack trace');
  } finally {
    await s.close();
  }
});

test('finding 11: a TLS key readable by others draws a warning at start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'twinloop-tlskey-'));
  dirs.push(dir);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  for (const [keyMode, warned] of [[0o644, true], [0o600, false]] as const) {
    chmodSync(join(dir, 'key.pem'), keyMode);
    const { logger, lines } = capture();
    const s = await startSecured({ run, logger, tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') }, skipLogins: true });
    dirs.push(s.dataDir);
    await s.close();
    const warn = lines.find((l) => String(l['msg']).includes('is readable by group or others'));
    assert.is(warn !== undefined, warned, `key mode ${keyMode.toString(8)}`);
    if (warned) assert.is(warn!['level'], 40);
  }
});

test.run();
