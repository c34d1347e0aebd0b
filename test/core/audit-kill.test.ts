// kill -9 during a burst of audited actions. This file runs itself as the child: a real HMI
// server on the real engine, whose run notes every action in an effects file the moment it
// begins (before the engine carries it out), while an engineer fires step requests over HTTP
// as fast as they are answered. The parent SIGKILLs the child mid-burst, then checks that the
// audit log reads back (at most one torn line, chain intact), that EVERY action that began has
// its write-ahead `attempt` record, and that the log accepts new records after the crash.

import { fork } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readAudit } from '../../core/audit/audit-export.ts';
import { AuditLog } from '../../core/audit/audit-log.ts';

const CHILD = process.env['TWINLOOP_AUDIT_CHILD'];
const BURST_MAX = 5000; // actions; the child is killed long before
const CHILD_MAX_MS = 20_000;

if (CHILD !== undefined) {
  const { CountingRun } = await import('../hmi/counting-run.ts');
  const { openRun } = await import('../hmi/run-under-test.ts');
  const { startSecured } = await import('../hmi/secured-server.ts');
  const effects = join(CHILD, 'effects.txt');
  class EffectRun extends CountingRun {
    override step(ticks?: number): Promise<void> {
      appendFileSync(effects, `${ticks}\n`); // the action begins now
      return super.step(ticks);
    }
  }
  const { run: real } = await openRun();
  await real.pause();
  const s = await startSecured({ run: new EffectRun(real), dataDir: CHILD });
  process.send!({ t: 'ready' });
  const until = Date.now() + CHILD_MAX_MS;
  for (let k = 1; k <= BURST_MAX && Date.now() < until; k++) {
    await fetch(`${s.server.url}/api/run/step`, { method: 'POST', headers: { ...s.bearer('engineer'), 'content-type': 'application/json' }, body: JSON.stringify({ ticks: k }) });
  }
  process.exit(3); // not killed in time: the parent reports it
}

let dir = '';
test.after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('kill -9 mid-burst: the log reads back and every action that began has its record', async () => {
  dir = mkdtempSync(join(tmpdir(), 'twinloop-kill-'));
  const child = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, TWINLOOP_AUDIT_CHILD: dir }, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', () => reject(new Error('child exited before it was ready')));
  });
  const effects = join(dir, 'effects.txt');
  // Let the burst run until a fair number of actions began (bounded wait), then kill -9.
  const until = Date.now() + 10_000;
  const began0 = (): number => (existsSync(effects) ? readFileSync(effects, 'utf8').split('\n').length - 1 : 0);
  while (Date.now() < until && began0() < 60) await new Promise((r) => setTimeout(r, 5));
  child.kill('SIGKILL');
  assert.is(await exited, 'SIGKILL', 'killed mid-burst, not finished');

  const began = readFileSync(effects, 'utf8').split('\n').filter((l) => l !== '').map(Number);
  assert.ok(began.length >= 60, `${began.length} actions began`);
  const path = join(dir, 'audit.jsonl');
  const read = readAudit(path);
  assert.ok(read.torn <= 1, `torn lines: ${read.torn}`);
  assert.is(read.chainBrokenAt, undefined, 'hash chain intact');
  const attempted = new Set(read.records.filter((r) => r.action === 'run.step' && r.result === 'attempt').map((r) => (r.new as { ticks: number }).ticks));
  const missing = began.filter((k) => !attempted.has(k));
  assert.equal(missing, [], 'every action that began has its write-ahead record');
  const oks = read.records.filter((r) => r.action === 'run.step' && r.result === 'ok');
  assert.ok(oks.every((r) => read.records.some((a) => a.seq === r.ref && a.result === 'attempt')), 'every outcome refers to its attempt');

  const log = new AuditLog(path);
  const next = log.append({ action: 'run.resume', user: 'after-crash', role: 'engineer', from: 'test', result: 'attempt' });
  log.close();
  assert.is(next.seq, read.records.at(-1)!.seq + 1, 'the log continues after the crash');
  assert.is(readAudit(path).chainBrokenAt, undefined);
});

test.run();
