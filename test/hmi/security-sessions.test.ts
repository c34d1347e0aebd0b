// Issue 17, findings 1, 9 and 10, against a real server on 127.0.0.1:
// 1: `twinloop user passwd` (another process, sharing the data folder) ends the user's live
//    sessions in the running server at once, as do a role change (API or CLI) and a removal;
// 9: the session cap is per user: one user's login loop evicts only their own oldest sessions;
// 10: a request with two session cookies is refused, whichever of them is valid.

import { execFileSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FixtureRun } from './fixture-run.ts';
import { login, startSecured, type Secured } from './secured-server.ts';
import { TestClient } from './ws-client.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
let run: FixtureRun;
let s: Secured;

function cli(args: string[], input = ''): string {
  return execFileSync(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', 'user', ...args, '--data', s.dataDir], { input, encoding: 'utf8', cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
}

async function status(path: string, headers: Record<string, string>): Promise<number> {
  return (await fetch(s.server.url + path, { headers })).status;
}

test.before(async () => {
  run = new FixtureRun();
  s = await startSecured({ run, heartbeatMs: 100 });
});

test.after(async () => {
  await s?.close();
  await run?.close();
});

test('finding 1: `twinloop user passwd` from the shell ends the live session (REST and WebSocket) at once', async () => {
  const token = await login(s.server.url, 'engineer1', s.password);
  const h = { authorization: `Bearer ${token}` };
  assert.is(await status('/api/health', h), 200);
  const ws = new TestClient(s.server.url, { headers: h });
  try {
    await ws.find((f) => f.t === 'catalog');
    assert.match(cli(['passwd', 'engineer1'], 'New-pass-456-long\n'), /password of engineer1 changed; their sessions end at once/);
    // The very next request: no grace period, no restart.
    assert.is(await status('/api/health', h), 401, 'the old token is dead in the running server');
    const forced = await fetch(`${s.server.url}/api/signals/m1.run/force`, { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body: JSON.stringify({ value: 1, confirm: true }) });
    assert.is(forced.status, 401, 'and cannot force a signal');
    assert.is(await ws.closed, 1008, 'the open WebSocket is closed at the next heartbeat');
  } finally {
    await ws.close();
  }
  const fresh = await login(s.server.url, 'engineer1', 'New-pass-456-long');
  assert.is(await status('/api/health', { authorization: `Bearer ${fresh}` }), 200, 'the new password works');
});

test('finding 1: a role change (API and CLI) and a removal end the sessions too', async () => {
  const op = await login(s.server.url, 'operator1', s.password);
  const put = await fetch(`${s.server.url}/api/users/operator1`, { method: 'PUT', headers: { ...s.bearer('admin'), 'content-type': 'application/json' }, body: JSON.stringify({ role: 'viewer' }) });
  assert.is(put.status, 200);
  assert.is(await status('/api/health', { authorization: `Bearer ${op}` }), 401, 'demoted over the API: session ended');
  const op2 = await login(s.server.url, 'operator1', s.password);
  assert.match(cli(['role', 'operator1', 'operator']), /role of operator1 changed to operator/);
  assert.is(await status('/api/health', { authorization: `Bearer ${op2}` }), 401, 'role changed from the CLI: session ended');
  const op3 = await login(s.server.url, 'operator1', s.password);
  const session = (await (await fetch(`${s.server.url}/api/session`, { headers: { authorization: `Bearer ${op3}` } })).json()) as { role: string };
  assert.is(session.role, 'operator', 'the new login carries the new role');
  await s.server.auth.users.add('temp1', 'viewer', s.password);
  const t = await login(s.server.url, 'temp1', s.password);
  cli(['remove', 'temp1']);
  assert.is(await status('/api/health', { authorization: `Bearer ${t}` }), 401, 'removed from the CLI: session ended');
});

test('finding 9: one user logging in again and again evicts only their own oldest sessions', async () => {
  // A small table (7 in all, 3 per user) so the loop reaches the total cap: four users hold one
  // session each, then viewer1 logs in 15 times. Before: the admin's (oldest) session went.
  const small = await startSecured({ run, auth: { sessionLimits: { total: 7, perUser: 3 } } });
  try {
    const mine: string[] = [];
    // Sequential: the backoff is for failures only; successes never wait.
    for (let i = 0; i < 15; i++) mine.push(await login(small.server.url, 'viewer1', small.password));
    const on = (t: string): Promise<number> => fetch(`${small.server.url}/api/health`, { headers: { authorization: `Bearer ${t}` } }).then((r) => r.status);
    for (const role of ['admin', 'engineer', 'operator'] as const) assert.is(await on(small.tokens[role]), 200, `the ${role}'s session survived another user's login loop`);
    assert.is(small.server.auth.sessionsOf('viewer1'), 3, 'viewer1 holds at most its cap');
    const alive = await Promise.all(mine.map(on));
    assert.equal(alive, [...Array(12).fill(401), 200, 200, 200], "the user's oldest sessions went first");
  } finally {
    await small.close();
  }
});

test('finding 10: two twinloop_session cookies are refused, in either order', async () => {
  const good = await login(s.server.url, 'viewer1', s.password);
  const other = 'A'.repeat(43);
  for (const cookie of [`twinloop_session=${good}; twinloop_session=${other}`, `twinloop_session=${other}; twinloop_session=${good}`]) {
    const res = await fetch(`${s.server.url}/api/health`, { headers: { cookie } });
    assert.is(res.status, 400, cookie.slice(0, 30));
    assert.is(((await res.json()) as { error: string }).error, 'HMI_BAD_REQUEST');
  }
  assert.is(await status('/api/health', { cookie: `twinloop_session=${good}` }), 200, 'one cookie still works');
  const ws = new TestClient(s.server.url, { headers: { cookie: `twinloop_session=${good}; twinloop_session=${good}` } });
  assert.ok((await ws.closed) !== 1000, 'nor does the WebSocket upgrade accept two');
  assert.not.ok(ws.frames.some((f) => f.t === 'catalog'));
});

test.run();
