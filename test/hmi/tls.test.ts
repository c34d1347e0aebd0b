// TLS from configured certificate files: a self-signed certificate made with openssl for
// 127.0.0.1; the server answers over HTTPS and WSS only, sets HSTS, and the session cookie is
// `__Host-` prefixed and Secure. The run does not matter here (FixtureRun).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { FixtureRun } from './fixture-run.ts';
import { startSecured, type Secured } from './secured-server.ts';

let dir = '';
let run: FixtureRun;
let s: Secured;
let ca: Buffer;

function get(path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const url = new URL(s.server.url + path);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method, headers, ca }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'twinloop-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  ca = readFileSync(join(dir, 'cert.pem'));
  run = new FixtureRun();
  // startSecured logs in with fetch, which does not know our CA: log in over https.request below.
  s = await startSecured({ run, tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') }, skipLogins: true });
});

test.after(async () => {
  await s?.close();
  await run?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('HTTPS: HSTS, a __Host- Secure cookie, and the API behind it', async () => {
  assert.match(s.server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  await s.server.auth.users.add('tls1', 'viewer', 'long enough password');
  const res = await get('/api/login', { 'content-type': 'application/json' }, 'POST', JSON.stringify({ name: 'tls1', password: 'long enough password' }));
  assert.is(res.status, 200);
  assert.match(String(res.headers['strict-transport-security']), /max-age=/);
  const cookie = String(res.headers['set-cookie']);
  assert.match(cookie, /^__Host-twinloop_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure/);
  const pair = cookie.split(';')[0]!;
  const health = await get('/api/health', { cookie: pair });
  assert.is(health.status, 200);
  const ws = new WebSocket(s.server.url.replace(/^https/, 'wss') + '/ws', { ca, headers: { cookie: pair } });
  const first = await new Promise<string>((resolve, reject) => {
    ws.once('message', () => resolve('frame'));
    ws.once('error', reject);
  });
  ws.terminate();
  assert.is(first, 'frame', 'WSS with the cookie');
});

test.run();
