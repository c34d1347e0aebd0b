// Issue 17, findings 2, 3 and 4, against a real server on 127.0.0.1 with parallel HTTP requests:
// 2: 40 wrong logins sent at once are counted as they start: only the free attempts reach a
//    password check, the rest get 429 at once; a spray over many names is bounded by the
//    password queue (the rest 429 AUTH_BUSY). Bounded by counts of checks, never by time.
// 3: the one-time setup token used by several parallel requests creates exactly one admin;
//    a bad password in a setup request does not burn the token.
// 4: a guesser cannot lock a user out: the backoff is per (name, address); behind a trusted
//    proxy (`trustProxy`) the address is the client's from X-Forwarded-For, otherwise ignored.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FixtureRun } from './fixture-run.ts';
import { startSecured } from './secured-server.ts';

let run: FixtureRun;
test.before(() => {
  run = new FixtureRun();
});
test.after(async () => {
  await run?.close();
});

type Answer = { status: number; error?: string };

async function tryLogin(url: string, name: string, password: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ name, password, bearer: true }) });
  const body = (await res.json()) as { error?: string };
  return { status: res.status, ...(body.error !== undefined ? { error: body.error } : {}) };
}

const count = (xs: Answer[], status: number): number => xs.filter((x) => x.status === status).length;

test('finding 2: 40 parallel wrong logins: only the free attempts are checked, the rest are refused at once', async () => {
  const s = await startSecured({ run, auth: { loginLimits: { maxFailures: 5, windowMs: 60_000 } } });
  try {
    const checks = s.server.auth.passwordChecks;
    const answers = await Promise.all(Array.from({ length: 40 }, () => tryLogin(s.server.url, 'admin1', 'wrong password!')));
    assert.is(count(answers, 401), 5, 'five attempts were checked (and failed)');
    assert.is(count(answers, 429), 35, 'the other 35 were refused');
    assert.ok(answers.filter((a) => a.status === 429).every((a) => a.error === 'AUTH_RATE_LIMIT'));
    assert.is(s.server.auth.passwordChecks - checks, 5, 'at most five scrypt checks ran');
  } finally {
    await s.close();
  }
});

test('finding 2: a spray over many names at once is bounded by the password queue', async () => {
  const s = await startSecured({ run, auth: { passwordQueue: { concurrency: 1, maxWaiting: 2 } } });
  try {
    // In process, all started in one tick: exactly concurrency + maxWaiting checks are admitted.
    let checks = s.server.auth.passwordChecks;
    const direct = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => s.server.auth.login(`nobody${i}`, 'wrong password!', `192.0.2.${i}`)));
    const codes = direct.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok'));
    assert.is(codes.filter((c) => c === 'AUTH_BAD_CREDENTIALS').length, 3, 'one running and two waiting were checked');
    assert.is(codes.filter((c) => c === 'AUTH_BUSY').length, 37, 'the rest refused at once');
    assert.is(s.server.auth.passwordChecks - checks, 3, 'three scrypt checks ran');
    // Over HTTP: the overflow is 429 AUTH_BUSY, never a long queue.
    checks = s.server.auth.passwordChecks;
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => tryLogin(s.server.url, `nobody${i}`, 'wrong password!')));
    const ran = s.server.auth.passwordChecks - checks;
    assert.is(count(answers, 401), ran, 'every checked attempt failed as 401');
    assert.is(count(answers, 401) + count(answers, 429), 60);
    assert.ok(answers.filter((a) => a.status === 429).every((a) => a.error === 'AUTH_BUSY'), 'the overflow got 429 AUTH_BUSY');
    assert.ok(ran < 60, `${ran} checks for 60 requests`);
    // And a real user still gets in afterwards.
    assert.is((await tryLogin(s.server.url, 'viewer1', s.password)).status, 200);
  } finally {
    await s.close();
  }
});

test('finding 3: the setup token used by 5 parallel requests creates exactly one admin', async () => {
  const s = await startSecured({ run, skipLogins: true });
  try {
    const token = s.server.setupToken!;
    const bad = await fetch(`${s.server.url}/api/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, name: 'root', password: 'short' }) });
    assert.is(bad.status, 400, 'a password against the rules is refused');
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => fetch(`${s.server.url}/api/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, name: `root${i}`, password: 'a long admin password' }) }).then((r) => r.status)),
    );
    assert.is(answers.filter((st) => st === 200).length, 1, 'one setup succeeded (the bad one before did not burn the token)');
    assert.is(answers.filter((st) => st === 403).length, 4, 'the others were refused');
    assert.is(s.server.auth.users.list().filter((u) => u.role === 'admin').length, 1, 'exactly one admin exists');
  } finally {
    await s.close();
  }
});

test('finding 4: a guesser cannot lock a user out; the backoff is per (name, address)', async () => {
  const s = await startSecured({ run, trustProxy: '127.0.0.1', auth: { loginLimits: { maxFailures: 3, windowMs: 60_000 } } });
  try {
    const attacker = { 'x-forwarded-for': '198.51.100.7' };
    const user = { 'x-forwarded-for': '203.0.113.9' };
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(Array.from({ length: 6 }, () => tryLogin(s.server.url, 'engineer1', 'guess guess guess', attacker)));
      assert.ok(count(answers, 429) > 0, 'the guesser is slowed');
    }
    assert.is((await tryLogin(s.server.url, 'engineer1', s.password, attacker)).status, 429, 'even the right password waits, from the guessing address');
    assert.is((await tryLogin(s.server.url, 'engineer1', s.password, user)).status, 200, 'the user, from their own address, gets in');
  } finally {
    await s.close();
  }
  // Without trustProxy, X-Forwarded-For is ignored: a guesser cannot dodge the backoff with it.
  const direct = await startSecured({ run, auth: { loginLimits: { maxFailures: 3, windowMs: 60_000 } } });
  try {
    for (let i = 0; i < 3; i++) await tryLogin(direct.server.url, 'engineer1', 'guess guess guess', { 'x-forwarded-for': `10.0.0.${i}` });
    assert.is((await tryLogin(direct.server.url, 'engineer1', 'guess guess guess', { 'x-forwarded-for': '10.0.0.99' })).status, 429, 'a forged X-Forwarded-For is not a new address');
  } finally {
    await direct.close();
  }
});

test.run();
