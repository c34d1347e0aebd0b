// WebSocket integration tests against a real server and the real run on examples/sorting.yaml:
// catalog, keyframe and deltas reproduce the table; malformed client messages get error frames
// (or close 1009 when oversize) and never disturb another client; caps, origin and heartbeat.

import { encode } from '@msgpack/msgpack';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunControl } from '../../core/engine/run-control.ts';
import type { SnapshotInfo } from '../../core/signals.ts';
import type { CatalogFrame, ErrorFrame, PongFrame, ServerFrame, ValuesFrame } from '../../hmi/protocol.ts';
import type { HmiServer } from '../../hmi/server/server.ts';
import { FixtureRun } from './fixture-run.ts';
import { openRun, setupOnce } from './run-under-test.ts';
import { startSecured, type Secured } from './secured-server.ts';
import { TestClient } from './ws-client.ts';

const isCatalog = (f: ServerFrame): f is CatalogFrame => f.t === 'catalog';
const isValues = (f: ServerFrame): f is ValuesFrame => f.t === 'values';
const isError = (f: ServerFrame): f is ErrorFrame => f.t === 'error';
const isPong = (f: ServerFrame): f is PongFrame => f.t === 'pong';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let run: RunControl;
let server: HmiServer;
let secured: Secured;
const clients: TestClient[] = [];

/** A viewer's socket (the session token as a bearer header at the upgrade). */
function client(url = server.url, opts: { headers?: Record<string, string> } = {}): TestClient {
  const c = new TestClient(url, { ...opts, headers: { ...secured.bearer('viewer'), ...opts.headers } });
  clients.push(c);
  return c;
}

/** The store must equal a snapshot of the table exactly (values and quality). */
function assertMatchesTable(c: TestClient, r: RunControl): void {
  const snap = new Float64Array(r.table.size);
  const info: SnapshotInfo = { tick: 0, time: 0 };
  assert.ok(r.table.snapshot(snap, info));
  assert.is(c.store.tick, info.tick, 'tick of the last frame');
  for (let i = 0; i < r.table.size; i++) {
    if (c.store.values[i] !== snap[i]) assert.unreachable(`signal ${r.table.defs[i]!.name}: client ${c.store.values[i]} table ${snap[i]}`);
    if (c.store.quality[i] !== r.table.quality[i]) assert.unreachable(`quality of ${r.table.defs[i]!.name}`);
  }
}

setupOnce(test, async () => {
  ({ run } = await openRun());
  secured = await startSecured({ run, keyframeSeconds: 1 });
  server = secured.server;
});

test.after.each(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

test.after(async () => {
  // Optional chaining: if before() failed, report that failure, not a TypeError here.
  await secured?.close();
  await run?.close();
});

test('catalog, then a keyframe, then deltas that reproduce the table', async () => {
  await run.resume().catch(() => undefined);
  const c = client();
  const cat = await c.find(isCatalog);
  assert.is(cat.v, 1);
  assert.is(cat.signals.length, run.table.size);
  assert.equal(cat.signals.map((s) => s.name), run.table.defs.map((d) => d.name));
  assert.ok(cat.layout.length > 0, 'layout in the catalog');
  assert.is(c.frames[0]!.t, 'catalog', 'catalog comes first');
  const key = await c.find(isValues);
  assert.ok(key.key, 'first values frame is a keyframe');
  assert.is(key.ids.byteLength, run.table.size * 4);
  const delta = await c.next((f): f is ValuesFrame => isValues(f) && !f.key && f.tick > key.tick);
  assert.ok(delta.ids.byteLength < run.table.size * 4, 'a delta carries only changed ids');
  assert.type(delta.pub, 'number');
  // Freeze the table, let the next frames drain, and compare everything.
  await run.pause();
  await sleep(150);
  assertMatchesTable(c, run);
  // Step: the client sees exactly the stepped tick and the table's values.
  const before = run.table.tick;
  await run.step(25);
  assert.is(run.table.tick, before + 25);
  await c.find((f) => isValues(f) && f.tick === before + 25);
  await sleep(50);
  assertMatchesTable(c, run);
  await run.resume();
});

test('a keyframe every keyframeSeconds', async () => {
  const c = client();
  await c.find(isValues);
  const key = await c.next((f): f is ValuesFrame => isValues(f) && f.key, 2500);
  assert.is(key.ids.byteLength, run.table.size * 4);
});

test('ping gets a pong; subscribe all is accepted, id lists are refused as unsupported', async () => {
  const c = client();
  await c.find(isCatalog);
  c.send(encode({ t: 'ping', id: 42 }));
  const pong = await c.next(isPong);
  assert.is(pong.id, 42);
  c.send(encode({ t: 'subscribe', ids: 'all' }));
  c.send(encode({ t: 'subscribe', ids: [0, 1] }));
  const err = await c.next(isError);
  assert.is(err.code, 'WS_UNSUPPORTED');
});

test('malformed messages get error frames; oversize closes 1009; the other client is unharmed', async () => {
  const bad = client();
  const good = client();
  await bad.find(isCatalog);
  await good.find(isCatalog);
  const cases: Array<[string, Uint8Array | string, RegExp]> = [
    ['not msgpack', Uint8Array.of(0xc1, 0x00, 0xff), /msgpack/],
    ['truncated msgpack', encode({ t: 'ping', id: 7 }).subarray(0, 5), /msgpack/],
    ['unknown type', encode({ t: 'force', id: 1 }), /unknown message type/],
    ['wrong shape', encode({ t: 'ping', id: 'x' }), /ping.id/],
    ['not a map', encode([1, 2, 3]), /map/],
    ['extra field', encode({ t: 'ping', id: 1, admin: true }), /unexpected field/],
    ['subscribe out of range', encode({ t: 'subscribe', ids: [1e9] }), /subscribe.ids/],
    ['text frame', 'hello', /text frames/],
  ];
  for (const [name, bytes, reason] of cases) {
    bad.send(bytes);
    const err = await bad.next(isError);
    assert.is(err.code, 'WS_BAD_MESSAGE', name);
    assert.match(err.message, reason, name);
  }
  bad.send(new Uint8Array(5000));
  assert.is(await bad.closed, 1009);
  // The good client still gets values and answers.
  const t0 = good.store.tick;
  await good.next((f) => isValues(f) && f.tick > t0);
  good.send(encode({ t: 'ping', id: 1 }));
  assert.is((await good.next(isPong)).id, 1);
});

test('a client flooding messages is rate-limited', async () => {
  const c = client();
  await c.find(isCatalog);
  for (let i = 0; i < 100; i++) c.send(encode({ t: 'ping', id: i }));
  const err = await c.next((f) => isError(f) && f.code === 'WS_RATE_LIMIT');
  assert.ok(err);
});

test('a foreign Origin is refused', async () => {
  const c = client(server.url, { headers: { origin: 'http://evil.example' } });
  const code = await c.closed;
  assert.is.not(code, 1000);
  assert.is(c.frames.length, 0);
});

test('over the client cap: error frame WS_TOO_MANY_CLIENTS and close 1013', async () => {
  const fixture = new FixtureRun();
  const small = await startSecured({ run: fixture, maxClients: 2 });
  const headers = small.bearer('viewer');
  const local: TestClient[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      local.push(new TestClient(small.server.url, { headers }));
      await local[i]!.find(isCatalog);
    }
    const third = new TestClient(small.server.url, { headers });
    local.push(third);
    const err = await third.find(isError);
    assert.is(err.code, 'WS_TOO_MANY_CLIENTS');
    assert.is(await third.closed, 1013);
  } finally {
    await Promise.all(local.map((c) => c.close()));
    await small.close();
    await fixture.close();
  }
});

test('heartbeat drops a client that does not answer pings', async () => {
  const fixture = new FixtureRun();
  const fast = await startSecured({ run: fixture, heartbeatMs: 100 });
  const headers = fast.bearer('viewer');
  const silent = new TestClient(fast.server.url, { autoPong: false, headers });
  const alive = new TestClient(fast.server.url, { headers });
  try {
    await silent.find(isCatalog);
    await alive.find(isCatalog);
    const code = await Promise.race([silent.closed, sleep(2000).then(() => -1)]);
    assert.is.not(code, -1, 'silent client dropped within 2 s');
    assert.is(alive.ws.readyState, alive.ws.OPEN, 'a client that answers stays');
  } finally {
    await silent.close();
    await alive.close();
    await fast.close();
    await fixture.close();
  }
});

test.run();
