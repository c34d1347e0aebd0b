// Malformed input over the wire, from a logged-in viewer and engineer: truncated msgpack,
// headers claiming 2^32 elements, `__proto__` keys, deep nesting, oversize frames over the
// WebSocket; prototype-poisoning JSON, odd content types, oversize and broken bodies over REST.
// Each gets a typed error (WS_BAD_MESSAGE / HMI_BAD_REQUEST / 413 / 415), the process survives
// and serves the next request, and Object.prototype is unchanged.

import { encode } from '@msgpack/msgpack';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunControl } from '../../core/engine/run-control.ts';
import type { ErrorFrame, PongFrame, ServerFrame } from '../../hmi/protocol.ts';
import { openRun, setupOnce } from './run-under-test.ts';
import { startSecured, type Secured } from './secured-server.ts';
import { TestClient } from './ws-client.ts';

const isError = (f: ServerFrame): f is ErrorFrame => f.t === 'error';
const isPong = (f: ServerFrame): f is PongFrame => f.t === 'pong';
const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

let run: RunControl;
let s: Secured;

/** msgpack bytes written by hand: what an encoder would never produce. */
const str = (t: string): number[] => [0xa0 | t.length, ...Buffer.from(t)];
const HOSTILE: Array<[string, Uint8Array]> = [
  ['truncated', encode({ t: 'ping', id: 7 }).subarray(0, 4)],
  ['array claiming 2^32 elements', Uint8Array.of(0xdd, 0xff, 0xff, 0xff, 0xff)],
  ['map claiming 2^32 entries', Uint8Array.of(0xdf, 0xff, 0xff, 0xff, 0xff)],
  ['string claiming 4 GiB', Uint8Array.of(0xdb, 0xff, 0xff, 0xff, 0xff, 0x41)],
  ['bin claiming 4 GiB', Uint8Array.of(0xc6, 0xff, 0xff, 0xff, 0xff)],
  ['ext claiming 4 GiB', Uint8Array.of(0xc9, 0xff, 0xff, 0xff, 0xff, 0x01)],
  ['__proto__ key', Uint8Array.of(0x83, ...str('t'), ...str('ping'), ...str('id'), 0x01, 0xa9, ...Buffer.from('__proto__'), 0x81, ...str('x'), 0x01)],
  ['constructor key', Uint8Array.of(0x83, ...str('t'), ...str('ping'), ...str('id'), 0x01, ...str('constructor'), 0x81, ...str('x'), 0x01)],
  ['map as key', Uint8Array.of(0x81, 0x81, ...str('t'), 0x01, 0x01)],
  ['4000 nested arrays', Uint8Array.from([...new Array<number>(4000).fill(0x91), 0xc0])],
  ['nil', Uint8Array.of(0xc0)],
  ['empty', new Uint8Array(0)],
];

setupOnce(test, async () => {
  ({ run } = await openRun());
  s = await startSecured({ run });
});

test.after(async () => {
  await s?.close();
  await run?.close();
});

test('WebSocket: hostile msgpack gets WS_BAD_MESSAGE, the socket and server carry on', async () => {
  const c = new TestClient(s.server.url, { headers: s.bearer('engineer') });
  try {
    await c.find((f) => f.t === 'catalog');
    for (const [name, bytes] of HOSTILE) {
      c.send(bytes);
      const err = await c.next(isError);
      assert.is(err.code, 'WS_BAD_MESSAGE', name);
      // Spaced out: the point is the decoder, not the rate limit.
      await new Promise((r) => setTimeout(r, 60));
    }
    c.send(encode({ t: 'ping', id: 99 }));
    assert.is((await c.next(isPong)).id, 99, 'the same socket still works');
    assert.is(Object.getOwnPropertyNames(Object.prototype).sort().join(','), protoBefore);
    assert.is(({} as Record<string, unknown>)['x'], undefined, 'no pollution');
  } finally {
    await c.close();
  }
});

test('WebSocket: an oversize frame closes that socket with 1009; others are unharmed', async () => {
  const big = new TestClient(s.server.url, { headers: s.bearer('viewer') });
  const other = new TestClient(s.server.url, { headers: s.bearer('viewer') });
  try {
    await big.find((f) => f.t === 'catalog');
    await other.find((f) => f.t === 'catalog');
    big.send(new Uint8Array(64 * 1024));
    assert.is(await big.closed, 1009);
    other.send(encode({ t: 'ping', id: 5 }));
    assert.is((await other.next(isPong)).id, 5);
  } finally {
    await big.close();
    await other.close();
  }
});

test('REST: prototype poisoning, odd content types, oversize and broken bodies get typed errors', async () => {
  const h = { ...s.bearer('engineer') };
  const cases: Array<[string, string, string | undefined, number]> = [
    ['{"__proto__":{"polluted":1},"ticks":1}', '/api/run/step', 'application/json', 400],
    ['{"constructor":{"prototype":{"polluted":1}},"ticks":1}', '/api/run/step', 'application/json', 400],
    ['{"ticks":1}', '/api/run/step', 'text/plain', 415],
    ['ticks=1', '/api/run/step', 'application/x-www-form-urlencoded', 415],
    ['--x\r\n\r\n--x--', '/api/run/step', 'multipart/form-data; boundary=x', 415],
    ['<ticks>1</ticks>', '/api/run/step', 'application/xml', 415],
    ['{"ticks":1}', '/api/run/step', 'application/json; charset=utf-16', 415],
    ['{"ticks":', '/api/run/step', 'application/json', 400],
    ['\u0000\u0001\u0002', '/api/run/step', 'application/json', 400],
    [`{"value":1,"confirm":true,"pad":"${'x'.repeat(8000)}"}`, '/api/signals/m1.run/force', 'application/json', 413],
    ['[' .repeat(3000) + ']'.repeat(3000), '/api/run/step', 'application/json', 413],
    ['{"name":"a","password":"b","__proto__":{"admin":true}}', '/api/login', 'application/json', 400],
    ['{"code":"process.exit(1)"}', '/api/run/step', 'application/json', 400],
  ];
  for (const [body, path, type, status] of cases) {
    const headers: Record<string, string> = { ...h };
    if (type !== undefined) headers['content-type'] = type;
    const res = await fetch(s.server.url + path, { method: 'POST', headers, body });
    const json = (await res.json()) as { error: string };
    assert.is(res.status, status, `${type} ${body.slice(0, 40)}: ${res.status} ${json.error}`);
    assert.is(json.error, 'HMI_BAD_REQUEST', `${type} ${body.slice(0, 40)}`);
  }
  assert.is(Object.getOwnPropertyNames(Object.prototype).sort().join(','), protoBefore);
  assert.is(({} as Record<string, unknown>)['polluted'], undefined);
  assert.is(({} as Record<string, unknown>)['admin'], undefined);
  const live = await fetch(s.server.url + '/api/live');
  assert.is(live.status, 200, 'the server still serves');
});

test('security headers and closed CORS on every answer', async () => {
  for (const path of ['/', '/api/live', '/api/health']) {
    const res = await fetch(s.server.url + path, { headers: { ...s.bearer('viewer'), origin: 'http://evil.example' } });
    await res.arrayBuffer();
    assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, path);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/, path);
    assert.is(res.headers.get('x-content-type-options'), 'nosniff', path);
    assert.is(res.headers.get('referrer-policy'), 'no-referrer', path);
    assert.is(res.headers.get('access-control-allow-origin'), null, `${path}: no CORS`);
  }
  const pre = await fetch(s.server.url + '/api/run/pause', { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
  await pre.arrayBuffer();
  assert.is(pre.headers.get('access-control-allow-origin'), null, 'no preflight allowance');
});

test.run();
