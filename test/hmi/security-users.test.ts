// Issue 17, finding 5: the last-admin guard and the change it guards are one step. Three admins
// demoted by parallel requests (each changing the password too, which used to open a window
// between the check and the write) leave at least one admin. And the CLI can change a role
// (`twinloop user role NAME R`), which repairs an installation whose admins are locked out;
// it refuses to demote the last admin as well.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readAudit } from '../../core/audit/audit-export.ts';
import { FixtureRun } from './fixture-run.ts';
import { startSecured, type Secured } from './secured-server.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
let run: FixtureRun;
let s: Secured;

test.before(async () => {
  run = new FixtureRun();
  s = await startSecured({ run });
  await Promise.all(['admin2', 'admin3'].map((n) => s.server.auth.users.add(n, 'admin', s.password)));
});

test.after(async () => {
  await s?.close();
  await run?.close();
});

test('finding 5: three parallel demotions (with password changes) leave an admin', async () => {
  const answers = await Promise.all(
    ['admin1', 'admin2', 'admin3'].map((name) =>
      fetch(`${s.server.url}/api/users/${name}`, { method: 'PUT', headers: { ...s.bearer('admin'), 'content-type': 'application/json' }, body: JSON.stringify({ role: 'viewer', password: 'another long password' }) }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error?: string } })),
    ),
  );
  const admins = s.server.auth.users.list().filter((u) => u.role === 'admin');
  assert.is(admins.length, 1, 'exactly one admin is left');
  assert.is(answers.filter((a) => a.status === 200).length, 2);
  const refused = answers.filter((a) => a.status !== 200);
  assert.is(refused.length, 1);
  assert.is(refused[0]!.body.error, 'USER_INVALID');
  const failed = readAudit(join(s.dataDir, 'audit.jsonl')).records.filter((r) => r.action === 'user.role' && r.result === 'failed');
  assert.is(failed.length, 1, 'the refused change is on the audit log as failed');
});

test('finding 5: `twinloop user role` repairs a locked-out installation and guards the last admin', () => {
  const cli = (args: string[]): string => execFileSync(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', 'user', ...args, '--data', s.dataDir], { encoding: 'utf8', cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  const last = s.server.auth.users.list().find((u) => u.role === 'admin')!.name;
  let err = '';
  try {
    cli(['role', last, 'viewer']);
  } catch (e) {
    err = String((e as { stderr: string }).stderr);
  }
  assert.match(err, /is the last admin/, 'the CLI refuses to demote the last admin');
  assert.match(cli(['role', 'engineer1', 'admin']), /role of engineer1 changed to admin/);
  assert.is(s.server.auth.users.get('engineer1')?.role, 'admin', 'the running server sees it');
  let usage = '';
  try {
    cli(['role', 'engineer1', 'wizard']);
  } catch (e) {
    usage = String((e as { stderr: string }).stderr);
  }
  assert.match(usage, /viewer\|operator\|engineer\|admin/);
});

test.run();
