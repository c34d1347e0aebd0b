// The full role x route x transport matrix, generated from the role matrix table
// (hmi/server/access.ts): every REST route with every identity (anonymous, each role by bearer
// token and by cookie, an expired session, a logged-out session, a forged cookie, a forged
// bearer token, forged identity headers) and the WebSocket upgrade plus every client message
// type, each cell asserting allow or deny. Real server, real engine on examples/sorting.yaml.

import { encode, decode } from '@msgpack/msgpack';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { roleAtLeast, ROLES, type Role } from '../../core/auth/roles.ts';
import type { RunControl } from '../../core/engine/run-control.ts';
import type { ServerFrame } from '../../hmi/protocol.ts';
import { MESSAGE_MATRIX, ROUTE_MATRIX, type RouteRule } from '../../hmi/server/access.ts';
import { openRun, setupOnce } from './run-under-test.ts';
import { login, startSecured, type Secured } from './secured-server.ts';

interface Who {
  readonly name: string;
  /** The role the request acts as, or null for every identity that must be treated as anonymous. */
  readonly role: Role | null;
  headers(): Record<string, string>;
}

let run: RunControl;
let s: Secured;
let clockShift = 0;
const TTL_MS = 3600_000;
const ids: Who[] = [];
let throwaway = 0;

/** Sample request per route; a route without one fails the test (add it when adding a route). */
type Sample = { path: string; body?: unknown; headers?: Record<string, string> };
const SAMPLES: Record<string, (allowed: boolean) => Promise<Sample> | Sample> = {
  'GET /*': () => ({ path: '/app.js' }),
  'GET /api/live': () => ({ path: '/api/live' }),
  'GET /api/session': () => ({ path: '/api/session' }),
  'POST /api/login': () => ({ path: '/api/login', body: { name: 'viewer1', password: s.password } }),
  'POST /api/logout': () => ({ path: '/api/logout' }),
  'POST /api/setup': () => ({ path: '/api/setup', body: { token: 'x'.repeat(32), name: 'someone', password: 'long enough password' } }),
  'GET /ws': () => ({ path: '/ws' }), // over HTTP without upgrade: the auth decision is the same
  'GET /api/health': () => ({ path: '/api/health' }),
  'GET /metrics': () => ({ path: '/metrics' }),
  'GET /api/signals': () => ({ path: '/api/signals?prefix=m1.' }),
  'GET /api/layout': () => ({ path: '/api/layout' }),
  'GET /api/schema/line': () => ({ path: '/api/schema/line' }),
  'GET /api/faults': () => ({ path: '/api/faults' }),
  'GET /api/kpi': () => ({ path: '/api/kpi' }),
  'GET /api/kpi/csv': () => ({ path: '/api/kpi/csv' }),
  'POST /api/run/pause': () => ({ path: '/api/run/pause' }),
  'POST /api/run/resume': () => ({ path: '/api/run/resume' }),
  'POST /api/run/step': () => ({ path: '/api/run/step', body: { ticks: 1 } }),
  'POST /api/run/reset': () => ({ path: '/api/run/reset', body: { confirm: true } }),
  'PUT /api/run/pace': () => ({ path: '/api/run/pace', body: { kind: 'realtime', factor: 1, confirm: true } }),
  'POST /api/signals/:name/force': () => ({ path: '/api/signals/pe2.blocked/force', body: { value: 0, confirm: true } }),
  'DELETE /api/signals/:name/force': () => ({ path: '/api/signals/pe2.blocked/force', headers: { 'x-twinloop-confirm': 'true' } }),
  'DELETE /api/forces': () => ({ path: '/api/forces', headers: { 'x-twinloop-confirm': 'true' } }),
  'POST /api/faults': () => ({ path: '/api/faults', body: { target: 'signal', signal: 'pe2.blocked', kind: 'stuck', value: 0, confirm: true } }),
  'GET /api/program': () => ({ path: '/api/program' }),
  'GET /api/program/vars': () => ({ path: '/api/program/vars?path=MAIN' }),
  'POST /api/program/vars': () => ({ path: '/api/program/vars', body: { path: 'MAIN.x', value: '1', confirm: true } }),
  'DELETE /api/program/forces': () => ({ path: '/api/program/forces', headers: { 'x-twinloop-confirm': 'true' } }),
  'GET /api/recordings': () => ({ path: '/api/recordings' }),
  'GET /api/recordings/:id': () => ({ path: '/api/recordings/none' }),
  'GET /api/recordings/:id/frame': () => ({ path: '/api/recordings/none/frame?t=0' }),
  'GET /api/recordings/:id/series': () => ({ path: '/api/recordings/none/series' }),
  'GET /api/recordings/:id/csv': () => ({ path: '/api/recordings/none/csv' }),
  'GET /api/scenarios': () => ({ path: '/api/scenarios' }),
  'GET /api/scenarios/runs': () => ({ path: '/api/scenarios/runs' }),
  'POST /api/scenarios/runs': () => ({ path: '/api/scenarios/runs', body: { file: '02-tall-item-diverted.yaml' } }),
  'GET /api/scenarios/runs/:id': () => ({ path: '/api/scenarios/runs/1' }),
  'GET /api/scenarios/runs/:id/report': () => ({ path: '/api/scenarios/runs/1/report' }),
  'GET /api/sweeps': () => ({ path: '/api/sweeps' }),
  'GET /api/sweeps/runs': () => ({ path: '/api/sweeps/runs' }),
  // A file that is not there: the role check comes first, and no 9-point sweep starts.
  'POST /api/sweeps/runs': () => ({ path: '/api/sweeps/runs', body: { file: 'none.yaml' } }),
  'GET /api/sweeps/runs/:id/report': () => ({ path: '/api/sweeps/runs/1/report?a=1&b=2' }),
  'GET /api/alarms': () => ({ path: '/api/alarms' }),
  'GET /api/alarms/history': () => ({ path: '/api/alarms/history?limit=5' }),
  'GET /api/alarms/kpi': () => ({ path: '/api/alarms/kpi' }),
  'POST /api/alarms/:id/ack': () => ({ path: '/api/alarms/1/ack', body: { note: 'matrix test' } }),
  'POST /api/alarms/:id/shelve': () => ({ path: '/api/alarms/1/shelve', body: { note: 'matrix test', minutes: 5 } }),
  'POST /api/alarms/:id/unshelve': () => ({ path: '/api/alarms/1/unshelve', body: { note: 'matrix test' } }),
  'POST /api/alarms/:id/comment': () => ({ path: '/api/alarms/1/comment', body: { note: 'matrix test' } }),
  'POST /api/alarms/:id/out-of-service': () => ({ path: '/api/alarms/1/out-of-service', body: { note: 'matrix test' } }),
  'POST /api/alarms/:id/return-to-service': () => ({ path: '/api/alarms/1/return-to-service', body: { note: 'matrix test' } }),
  'DELETE /api/faults/:id': () => ({ path: `/api/faults/${run.faults?.()[0]?.id ?? 999999}`, headers: { 'x-twinloop-confirm': 'true' } }),
  'GET /api/model': () => ({ path: '/api/model' }),
  'GET /api/model/report': () => ({ path: '/api/model/report' }),
  'POST /api/model/sign-off': () => ({ path: '/api/model/sign-off', body: { confirm: true } }),
  'GET /api/audit': () => ({ path: '/api/audit?limit=1' }),
  'GET /api/users': () => ({ path: '/api/users' }),
  'POST /api/users': () => ({ path: '/api/users', body: { name: `new${++throwaway}`, role: 'viewer', password: 'long enough password' } }),
  'PUT /api/users/:name': async (allowed) => ({ path: `/api/users/${allowed ? await spare() : 'viewer1'}`, body: { role: 'operator' } }),
  'DELETE /api/users/:name': async (allowed) => ({ path: `/api/users/${allowed ? await spare() : 'viewer1'}` }),
};

/** A user that may be changed or removed without disturbing the identities under test. */
async function spare(): Promise<string> {
  const name = `spare${++throwaway}`;
  await s.server.auth.users.add(name, 'viewer', 'long enough password');
  return name;
}

const expected = (rule: RouteRule, who: Who): boolean => rule.need === 'public' || (who.role !== null && roleAtLeast(who.role, rule.need));

setupOnce(test, async () => {
  ({ run } = await openRun());
  s = await startSecured({ run, auth: { sessionTtlMs: TTL_MS, now: () => Date.now() + clockShift } });
  const cookie = (t: string): Record<string, string> => ({ cookie: `twinloop_session=${t}` });
  // A session issued "two hours ago": expired now.
  clockShift = -2 * TTL_MS;
  const expired = await login(s.server.url, 'admin1', s.password);
  clockShift = 0;
  const loggedOut = await login(s.server.url, 'admin1', s.password);
  await fetch(`${s.server.url}/api/logout`, { method: 'POST', headers: { authorization: `Bearer ${loggedOut}` } });
  const forged = randomBytes(32).toString('base64url');
  ids.push({ name: 'anonymous', role: null, headers: () => ({}) });
  for (const role of ROLES) ids.push({ name: `${role} (bearer)`, role, headers: () => s.bearer(role) });
  for (const role of ROLES) ids.push({ name: `${role} (cookie)`, role, headers: () => cookie(s.tokens[role]) });
  ids.push({ name: 'expired session (bearer)', role: null, headers: () => ({ authorization: `Bearer ${expired}` }) });
  ids.push({ name: 'expired session (cookie)', role: null, headers: () => cookie(expired) });
  ids.push({ name: 'logged-out session', role: null, headers: () => cookie(loggedOut) });
  ids.push({ name: 'forged cookie', role: null, headers: () => cookie(forged) });
  ids.push({ name: 'forged bearer', role: null, headers: () => ({ authorization: `Bearer ${forged}` }) });
  ids.push({
    name: 'forged identity headers',
    role: null,
    headers: () => ({
      'x-twinloop-user': 'admin1',
      'x-forwarded-user': 'admin1',
      'x-remote-user': 'admin1',
      'x-role': 'admin',
      'x-forwarded-for': '127.0.0.1',
      authorization: `Basic ${Buffer.from(`admin1:${s.password}`).toString('base64')}`,
    }),
  });
});

test.after(async () => {
  await s?.close();
  await run?.close();
});

test('every route of the server is in the matrix and every matrix route exists', () => {
  for (const r of ROUTE_MATRIX) assert.ok(s.server.app.hasRoute({ method: r.method, url: r.url }), `${r.method} ${r.url} registered`);
  for (const r of ROUTE_MATRIX) assert.ok(SAMPLES[`${r.method} ${r.url}`] !== undefined, `a sample request for ${r.method} ${r.url}`);
});

test('docs/security.md publishes every row of the matrix', () => {
  const doc = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8');
  for (const r of ROUTE_MATRIX) assert.ok(doc.includes(`| ${r.method} | \`${r.url}\` | ${r.need} |`), `${r.method} ${r.url} (${r.need}) in docs/security.md`);
  for (const m of MESSAGE_MATRIX) assert.ok(doc.includes(`| \`${m.t}\` | ${m.need} |`), `message ${m.t} in docs/security.md`);
});

test('WebSocket: upgrade and every message type, per identity', async () => {
  const wsUrl = s.server.url.replace(/^http/, 'ws') + '/ws';
  for (const who of ids) {
    const allowed = who.role !== null;
    const ws = new WebSocket(wsUrl, { headers: who.headers() });
    const frames: ServerFrame[] = [];
    ws.on('message', (d: Buffer) => frames.push(decode(d) as ServerFrame));
    const opened = await new Promise<number>((resolve) => {
      ws.once('open', () => resolve(101));
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('error', () => resolve(-1));
    });
    try {
      if (!allowed) {
        assert.is(opened, 401, `${who.name}: upgrade refused with 401`);
        continue;
      }
      assert.is(opened, 101, `${who.name}: upgrade accepted`);
      for (const m of MESSAGE_MATRIX) {
        const ok = roleAtLeast(who.role!, m.need);
        const sample = m.t === 'ping' ? { t: 'ping', id: 7 } : { t: 'subscribe', ids: 'all' };
        ws.send(encode(sample));
        ws.send(encode({ t: 'ping', id: 4242 })); // a marker: everything before it was answered
        const until = Date.now() + 3000;
        while (Date.now() < until && !frames.some((f) => f.t === 'pong' && f.id === 4242)) await new Promise((r) => setTimeout(r, 10));
        const denied = frames.some((f) => f.t === 'error' && f.code === 'AUTH_FORBIDDEN');
        assert.is(!denied, ok, `${who.name} -> ${m.t}`);
        if (m.t === 'ping') assert.ok(frames.some((f) => f.t === 'pong' && f.id === 7), `${who.name}: pong to ping`);
        frames.length = 0;
      }
    } finally {
      ws.terminate();
    }
  }
});

test('HTTP: every route x every identity', async () => {
  // Logout ends the session it is sent with: run it last.
  const rules = [...ROUTE_MATRIX].sort((a, b) => Number(a.url === '/api/logout') - Number(b.url === '/api/logout'));
  let cells = 0;
  for (const rule of rules) {
    for (const who of ids) {
      const allowed = expected(rule, who);
      const sample = await SAMPLES[`${rule.method} ${rule.url}`]!(allowed);
      const headers: Record<string, string> = { ...who.headers(), ...sample.headers };
      if (sample.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(s.server.url + sample.path, { method: rule.method, headers, ...(sample.body !== undefined ? { body: JSON.stringify(sample.body) } : {}) });
      const text = await res.text();
      let code = '';
      try {
        code = (JSON.parse(text) as { error?: string }).error ?? '';
      } catch {
        // the page's files are not JSON
      }
      const cell = `${rule.method} ${sample.path} as ${who.name}: ${res.status} ${code}`;
      const denied = code === 'AUTH_REQUIRED' || code === 'AUTH_FORBIDDEN';
      assert.is(!denied, allowed, cell);
      if (denied) assert.is(res.status, code === 'AUTH_REQUIRED' ? 401 : 403, cell);
      else {
        const missing =
          (rule.url.startsWith('/api/program/') && run.program === undefined) || // the demo line runs no ST program
          (rule.url.includes('/force') && typeof run.force !== 'function') ||
          (rule.url.includes('fault') && typeof run.injectFault !== 'function');
        assert.ok(res.status < 500 || (res.status === 501 && missing), cell);
      }
      cells++;
    }
  }
  assert.is(cells, ROUTE_MATRIX.length * ids.length);
  // Clean up what the allowed cells did to the line.
  await run.release?.('pe2.blocked').catch(() => undefined);
  for (const f of run.faults?.() ?? []) await run.clearFault?.(f.id);
});

test.run();
