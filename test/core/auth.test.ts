// core/auth: scrypt hashes verify and fail as they should; users.json and secret.key are
// private (0600 in a 0700 folder) and survive a reopen; sessions expire and forged tokens
// fail; failed logins back off per (user, address) pair; the setup token is one-time;
// a role change or removal ends the user's sessions; `twinloop user add/list/passwd` works from the shell.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readAudit } from '../../core/audit/audit-export.ts';
import { Auth } from '../../core/auth/auth.ts';
import { hashPassword, verifyPassword } from '../../core/auth/password.ts';
import { isTwinloopError } from '../../core/errors.ts';

const dirs: string[] = [];
function dataDir(): string {
  const d = join(mkdtempSync(join(tmpdir(), 'twinloop-auth-')), 'data');
  dirs.push(d);
  return d;
}
const PW = 'correct horse battery';

async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p;
  } catch (err) {
    assert.ok(isTwinloopError(err), String(err));
    assert.is((err as { code: string }).code, code);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

test.after(() => {
  for (const d of dirs) rmSync(join(d, '..'), { recursive: true, force: true });
});

test('scrypt hash: verifies the password, refuses others and malformed hashes; salted', async () => {
  const h = await hashPassword(PW);
  assert.match(h, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]{43}$/);
  assert.ok(await verifyPassword(PW, h));
  assert.not.ok(await verifyPassword(PW + ' ', h));
  assert.not.ok(await verifyPassword(PW, 'plain'));
  assert.not.ok(await verifyPassword(PW, 'scrypt$99999999$8$1$AA$AA'));
  assert.is.not(await hashPassword(PW), h, 'a new salt every time');
});

test('data folder 0700, users.json and secret.key 0600; secret and users survive a reopen', async () => {
  const dir = dataDir();
  const a = new Auth(dir);
  await a.users.add('alice', 'admin', PW);
  assert.is(statSync(dir).mode & 0o777, 0o700);
  assert.is(statSync(join(dir, 'users.json')).mode & 0o777, 0o600);
  assert.is(statSync(join(dir, 'secret.key')).mode & 0o777, 0o600);
  assert.is(readFileSync(join(dir, 'secret.key')).length, 32);
  assert.not.match(readFileSync(join(dir, 'users.json'), 'utf8'), PW, 'no clear password stored');
  const secret = readFileSync(join(dir, 'secret.key'));
  const b = new Auth(dir);
  assert.equal(readFileSync(join(dir, 'secret.key')), secret, 'same secret on reopen');
  assert.is(b.users.get('alice')?.role, 'admin');
  const other = dataDir();
  new Auth(other);
  assert.not.equal(readFileSync(join(other, 'secret.key')), secret, 'a different secret per installation');
});

test('user rules: names, roles, password length, duplicates; __proto__ is just an unknown name', async () => {
  const a = new Auth(dataDir());
  await rejects(a.users.add('bad name', 'viewer', PW), 'USER_INVALID');
  await rejects(a.users.add('__proto__', 'viewer', PW), 'USER_INVALID');
  await rejects(a.users.add('bob', 'root' as 'admin', PW), 'USER_INVALID');
  await rejects(a.users.add('bob', 'viewer', 'short'), 'USER_INVALID');
  await a.users.add('bob', 'viewer', PW);
  await rejects(a.users.add('bob', 'viewer', PW), 'USER_EXISTS');
  assert.is(a.users.get('__proto__'), undefined);
  assert.is(a.users.get('constructor'), undefined);
  await rejects(a.login('__proto__', PW, '1.2.3.4'), 'AUTH_BAD_CREDENTIALS');
});

test('sessions: valid until expiry, forged tokens fail, logout and user removal end them', async () => {
  let now = 1_000_000;
  const a = new Auth(dataDir(), { sessionTtlMs: 60_000, now: () => now });
  await a.users.add('carol', 'engineer', PW);
  const { token, identity } = await a.login('carol', PW, '10.0.0.1');
  assert.is(identity.role, 'engineer');
  assert.ok(a.authenticate(token).ok);
  assert.equal(a.authenticate(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')), { ok: false, reason: 'unknown' });
  assert.equal(a.authenticate('x'.repeat(43)), { ok: false, reason: 'unknown' });
  assert.equal(a.authenticate(''), { ok: false, reason: 'unknown' });
  now += 60_000;
  assert.equal(a.authenticate(token), { ok: false, reason: 'expired' });
  const second = await a.login('carol', PW, '10.0.0.1');
  a.logout(second.token);
  assert.not.ok(a.authenticate(second.token).ok);
  const third = await a.login('carol', PW, '10.0.0.1');
  a.users.setRole('carol', 'viewer');
  // Changed deliberately (issue 17): a role change ends the sessions, as a password change does.
  assert.not.ok(a.authenticate(third.token).ok, 'a role change ends the session');
  const fourth = await a.login('carol', PW, '10.0.0.1');
  const after = a.authenticate(fourth.token);
  assert.ok(after.ok && after.identity.role === 'viewer', 'a new login has the new role');
  a.users.remove('carol');
  assert.not.ok(a.authenticate(fourth.token).ok, 'a removed user has no session');
});

test('login backoff: per (user, address) pair; the right password does not bypass it; others are not locked out', async () => {
  // Changed deliberately (issue 17): no lockout per name or per address, which let anyone lock a user out.
  let now = 0;
  const a = new Auth(dataDir(), { loginLimits: { maxFailures: 3, windowMs: 10_000 }, now: () => now });
  await a.users.add('dave', 'viewer', PW);
  for (let i = 0; i < 3; i++) await rejects(a.login('dave', 'wrong password', '10.0.0.2'), 'AUTH_BAD_CREDENTIALS');
  await rejects(a.login('dave', PW, '10.0.0.2'), 'AUTH_RATE_LIMIT');
  const elsewhere = await a.login('dave', PW, '10.0.0.3'); // the user, from their own address
  assert.ok(elsewhere.token.length === 43, 'a guesser elsewhere does not lock the user out');
  now += 1000; // the first backoff step
  assert.ok((await a.login('dave', PW, '10.0.0.2')).token.length === 43, 'after the wait the right password works');
  for (let i = 0; i < 3; i++) await rejects(a.login(`nobody${i}`, 'x', '10.0.0.4'), 'AUTH_BAD_CREDENTIALS');
  assert.ok((await a.login('dave', PW, '10.0.0.4')).token.length === 43, 'guessing other names does not block this one');
});

test('setup token: only with no users, one-time, wrong token refused', async () => {
  const a = new Auth(dataDir());
  const token = a.newSetupToken()!;
  assert.ok(token.length >= 24);
  assert.ok(a.setupPending);
  await rejects(a.setup('wrong', 'root', PW), 'AUTH_SETUP');
  const admin = await a.setup(token, 'root', PW);
  assert.is(admin.user.role, 'admin');
  await rejects(a.setup(token, 'root2', PW), 'AUTH_SETUP');
  assert.is(a.newSetupToken(), undefined, 'no setup token once users exist');
  assert.not.ok(a.setupPending);
});

test('twinloop user add / list / passwd from the shell (password on stdin), audited', () => {
  const dir = dataDir();
  const cli = (args: string[], input = ''): string =>
    execFileSync(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', 'user', ...args, '--data', dir], { input, encoding: 'utf8', cwd: new URL('../..', import.meta.url).pathname, stdio: ['pipe', 'pipe', 'pipe'] });
  assert.match(cli(['add', 'erin', '--role', 'engineer'], `${PW}\n`), /erin added as engineer/);
  assert.match(cli(['list']), /erin\s+engineer/);
  assert.match(cli(['passwd', 'erin'], 'another long password\n'), /password of erin changed/);
  let failed = false;
  try {
    cli(['add', 'frank', '--role', 'wizard'], `${PW}\n`);
  } catch (err) {
    failed = true;
    assert.match(String((err as { stderr: string }).stderr), /--role viewer\|operator\|engineer\|admin/);
  }
  assert.ok(failed, 'an unknown role is a usage error');
  const a = new Auth(dir);
  assert.is(a.users.get('erin')?.role, 'engineer');
  const audit = readAudit(join(dir, 'audit.jsonl'));
  assert.equal(audit.records.map((r) => `${r.action}:${r.result}`), ['user.add:attempt', 'user.add:ok', 'user.passwd:attempt', 'user.passwd:ok']);
  assert.ok(audit.records.every((r) => r.from === 'cli' && r.user?.startsWith('os:')));
  assert.is(statSync(join(dir, 'audit.jsonl')).mode & 0o777, 0o600);
});

test.run();
