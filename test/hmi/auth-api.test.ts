// Login, setup, users and audit over the REST API of a real server: first start with no users
// gives a one-time setup token that creates the admin; login sets an httpOnly SameSite=Strict
// cookie; failed logins are rate-limited (429) and audited; admins manage users (the last admin
// stays); a password change or logout ends sessions, and a WebSocket opened with an ended
// session is closed at the next heartbeat; the audit log exports as JSON, JSONL and CSV.

import { rmSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AuditResponse } from '../../hmi/server/audit-routes.ts';
import type { SessionInfo } from '../../hmi/server/auth-routes.ts';
import { createServer, type HmiServer } from '../../hmi/server/server.ts';
import { FixtureRun } from './fixture-run.ts';
import { tempDataDir } from './secured-server.ts';
import { TestClient } from './ws-client.ts';

let run: FixtureRun;
let server: HmiServer;
let dir: string;
let adminCookie = '';
const PW = 'a long admin password';

async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const h: Record<string, string> = { ...headers };
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await fetch(server.url + path, { method, headers: h, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // CSV / JSONL exports
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

test.before(async () => {
  dir = tempDataDir();
  run = new FixtureRun();
  server = await createServer({ run, port: 0, dataDir: dir, heartbeatMs: 100, auth: { loginLimits: { maxFailures: 3, windowMs: 60_000 } } });
});

test.after(async () => {
  await server?.close();
  await run?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('first start: no users, a setup token, nothing but the public routes', async () => {
  assert.type(server.setupToken, 'string');
  const session = await call<SessionInfo>('GET', '/api/session');
  assert.equal(session.body, { user: null, role: null, expires: null, setup: true });
  assert.is((await call('GET', '/api/health')).status, 401);
  const wrong = await call<{ error: string }>('POST', '/api/setup', { token: 'not-the-token-at-all', name: 'root', password: PW });
  assert.is(wrong.status, 403);
  assert.is(wrong.body.error, 'AUTH_SETUP');
  const ok = await call<SessionInfo>('POST', '/api/setup', { token: server.setupToken, name: 'root', password: PW });
  assert.is(ok.status, 200);
  assert.is(ok.body.role, 'admin');
  adminCookie = (ok.headers.get('set-cookie') ?? '').split(';')[0]!;
  assert.match(ok.headers.get('set-cookie') ?? '', /HttpOnly; SameSite=Strict/);
  const again = await call('POST', '/api/setup', { token: server.setupToken, name: 'root2', password: PW });
  assert.is(again.status, 403, 'the token is one-time');
  assert.is((await call<SessionInfo>('GET', '/api/session', undefined, { cookie: adminCookie })).body.user, 'root');
});

test('admin manages users; the last admin stays; a password change ends that user\'s sessions', async () => {
  const h = { cookie: adminCookie };
  const add = await call<{ name: string; role: string }>('POST', '/api/users', { name: 'op', role: 'operator', password: 'operator password' }, h);
  assert.is(add.status, 201);
  assert.equal({ name: add.body.name, role: add.body.role }, { name: 'op', role: 'operator' });
  assert.is((await call('POST', '/api/users', { name: 'op', role: 'viewer', password: 'operator password' }, h)).status, 409);
  assert.is((await call('POST', '/api/users', { name: 'x', role: 'god', password: 'operator password' }, h)).status, 400);
  const list = await call<{ users: Array<{ name: string; hash?: string }> }>('GET', '/api/users', undefined, h);
  assert.equal(list.body.users.map((u) => u.name), ['op', 'root']);
  assert.ok(list.body.users.every((u) => u.hash === undefined), 'hashes never leave the server');
  assert.is((await call<{ error: string }>('DELETE', '/api/users/root', undefined, h)).body.error, 'USER_INVALID');
  assert.is((await call<{ error: string }>('PUT', '/api/users/root', { role: 'viewer' }, h)).body.error, 'USER_INVALID');
  const login = await call<SessionInfo>('POST', '/api/login', { name: 'op', password: 'operator password', bearer: true });
  const op = { authorization: `Bearer ${login.body.token}` };
  assert.is((await call('GET', '/api/health', undefined, op)).status, 200);
  assert.is((await call('PUT', '/api/users/op', { password: 'a new operator password' }, h)).status, 200);
  assert.is((await call('GET', '/api/health', undefined, op)).status, 401, 'sessions end with a password change');
  assert.is((await call('DELETE', '/api/users/op', undefined, h)).status, 204);
});

test('failed logins: 401, then 429 per address; all audited', async () => {
  for (let i = 0; i < 3; i++) {
    const r = await call<{ error: string }>('POST', '/api/login', { name: 'root', password: 'wrong password' });
    assert.is(r.status, 401);
    assert.is(r.body.error, 'AUTH_BAD_CREDENTIALS');
  }
  const limited = await call<{ error: string; message: string }>('POST', '/api/login', { name: 'root', password: PW });
  assert.is(limited.status, 429, 'even the right password waits');
  assert.is(limited.body.error, 'AUTH_RATE_LIMIT');
  const audit = await call<AuditResponse>('GET', '/api/audit', undefined, { cookie: adminCookie });
  const logins = audit.body.records.filter((r) => r.action === 'login');
  assert.is(logins.filter((r) => r.result === 'denied' && r.code === 'AUTH_BAD_CREDENTIALS').length, 3);
  assert.is(logins.filter((r) => r.code === 'AUTH_RATE_LIMIT').length, 1);
  assert.ok(audit.body.records.some((r) => r.action === 'setup' && r.result === 'ok' && r.user === 'root'));
  assert.ok(audit.body.records.some((r) => r.action === 'user.add' && r.result === 'ok' && r.target === 'op'));
  assert.ok(audit.body.records.some((r) => r.action === 'user.passwd' && r.result === 'attempt' && JSON.stringify(r.new) === '{"password":"(changed)"}'), 'never the password itself');
  assert.is(audit.body.chainBrokenAt, null);
  assert.ok(audit.body.healthy);
});

test('audit export: JSONL and CSV downloads', async () => {
  const jsonl = await call<string>('GET', '/api/audit?format=jsonl', undefined, { cookie: adminCookie });
  assert.is(jsonl.status, 200);
  assert.match(jsonl.headers.get('content-type') ?? '', /ndjson/);
  assert.match(jsonl.headers.get('content-disposition') ?? '', /attachment; filename="audit.jsonl"/);
  const lines = String(jsonl.body).trim().split('\n');
  assert.ok(lines.length > 5 && lines.every((l) => typeof JSON.parse(l).seq === 'number'));
  const csv = await call<string>('GET', '/api/audit?format=csv', undefined, { cookie: adminCookie });
  assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
  assert.match(String(csv.body), /^seq,time,user,role,from,action,target,old,new,result,code,detail,ref,hash\r\n1,/);
  assert.is((await call('GET', '/api/audit?format=xml', undefined, { cookie: adminCookie })).status, 400);
});

test('logout ends the session: REST answers 401 and the open WebSocket is closed', async () => {
  await server.auth.users.add('watcher', 'viewer', 'watcher password');
  // 127.0.0.1 is rate-limited by the previous test: open the session as from another address.
  const { token } = await server.auth.login('watcher', 'watcher password', '192.0.2.1');
  const login = { body: { token } };
  const c = new TestClient(server.url, { headers: { authorization: `Bearer ${login.body.token}` } });
  try {
    await c.find((f) => f.t === 'catalog');
    const out = await call('POST', '/api/logout', undefined, { authorization: `Bearer ${login.body.token}` });
    assert.is(out.status, 200);
    assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
    assert.is(await c.closed, 1008, 'closed at the next heartbeat');
    assert.is((await call('GET', '/api/health', undefined, { authorization: `Bearer ${login.body.token}` })).status, 401);
  } finally {
    await c.close();
  }
});

test.run();
