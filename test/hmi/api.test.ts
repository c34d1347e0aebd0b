// REST API tests against a real server and the real run on examples/sorting.yaml: health,
// signals, layout; bad bodies get 400 with a code and reason; pause stops the tick, step
// advances it by exactly the requested ticks, resume lets it run again.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunControl, RunStatus } from '../../core/engine/run-control.ts';
import type { ApiError } from '../../hmi/server/http-errors.ts';
import type { LayoutResponse } from '../../hmi/server/layout.ts';
import type { HmiServer } from '../../hmi/server/server.ts';
import type { SignalsResponse } from '../../hmi/server/signals.ts';
import { openRun, setupOnce } from './run-under-test.ts';
import { startSecured, type Secured } from './secured-server.ts';

let run: RunControl;
let server: HmiServer;
let secured: Secured;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function call<T>(method: string, path: string, body?: string, contentType = 'application/json'): Promise<{ status: number; body: T }> {
  // The engineer may do everything these tests do; the role matrix has its own test file.
  const init: RequestInit = { method, headers: secured.bearer('engineer') };
  if (body !== undefined) {
    init.body = body;
    init.headers = { ...secured.bearer('engineer'), 'content-type': contentType };
  }
  const res = await fetch(server.url + path, init);
  return { status: res.status, body: (await res.json()) as T };
}

setupOnce(test, async () => {
  ({ run } = await openRun());
  secured = await startSecured({ run });
  server = secured.server;
});

test.after(async () => {
  // Optional chaining: if before() failed, report that failure, not a TypeError here.
  await secured?.close();
  await run?.close();
});

test('GET /api/health is the run status', async () => {
  const { status, body } = await call<RunStatus>('GET', '/api/health');
  assert.is(status, 200);
  assert.is(body.mode, 'virtual');
  assert.ok(['running', 'paused', 'starting'].includes(body.state));
  assert.type(body.stats.lateP99, 'number');
  assert.ok(body.controllers.length >= 1);
});

test('GET /api/signals with and without prefix; unknown query fields are refused', async () => {
  const all = await call<SignalsResponse>('GET', '/api/signals');
  assert.is(all.status, 200);
  assert.is(all.body.signals.length, run.table.size);
  const m1 = await call<SignalsResponse>('GET', '/api/signals?prefix=m1.');
  assert.ok(m1.body.signals.length > 0);
  assert.ok(m1.body.signals.every((s) => s.name.startsWith('m1.')));
  const speed = m1.body.signals.find((s) => s.name === 'm1.speed');
  assert.is(speed?.unit, 'Hz');
  assert.type(speed?.value, 'number');
  const bad = await call<ApiError>('GET', '/api/signals?prefix=m1&x=1');
  assert.is(bad.status, 400);
  assert.is(bad.body.error, 'HMI_BAD_REQUEST');
});

test('GET /api/layout', async () => {
  const { body } = await call<LayoutResponse>('GET', '/api/layout');
  assert.is(body.line, run.lineName);
  assert.ok(body.layout.some((e) => e.type === 'conveyor'));
});

test('GET /api/schema/line is the published line schema', async () => {
  const res = await fetch(server.url + '/api/schema/line', { headers: secured.bearer('viewer') });
  assert.is(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /schema\+json/);
  const schema = (await res.json()) as { $id?: string; properties?: Record<string, unknown> };
  assert.ok(schema.properties?.['components'] !== undefined, 'describes components');
});

test('bad pace and step bodies get 400 with a reason', async () => {
  const cases: Array<[string, string, string, RegExp]> = [
    ['PUT', '/api/run/pace', '{"kind":"realtime"}', /factor/],
    ['PUT', '/api/run/pace', '{"kind":"realtime","factor":0.01}', /factor must be >= 0.1/],
    ['PUT', '/api/run/pace', '{"kind":"realtime","factor":5000}', /factor must be <= 1000/],
    ['PUT', '/api/run/pace', '{"kind":"realtime","factor":"10"}', /factor must be number/],
    ['PUT', '/api/run/pace', '{"kind":"realtime","factor":2,"confirm":"yes"}', /confirm must be boolean/],
    ['PUT', '/api/run/pace', '{"kind":"fast","factor":2}', /only allowed with kind 'realtime'/],
    ['PUT', '/api/run/pace', '{"kind":"warp"}', /kind must be equal to one of the allowed values/],
    ['PUT', '/api/run/pace', '{}', /required property 'kind'/],
    ['PUT', '/api/run/pace', '[1]', /must be object/],
    ['POST', '/api/run/step', '{"ticks":0}', /ticks must be >= 1/],
    ['POST', '/api/run/step', '{"ticks":100001}', /ticks must be <= 100000/],
    ['POST', '/api/run/step', '{"ticks":1.5}', /ticks must be integer/],
    ['POST', '/api/run/step', '{"ticks":"5"}', /ticks must be integer/],
    ['POST', '/api/run/step', '{"ticks":5,"more":1}', /additional properties/],
    ['POST', '/api/run/step', '{"ticks":', /not valid JSON/],
  ];
  for (const [method, path, body, reason] of cases) {
    const res = await call<ApiError>(method, path, body);
    assert.is(res.status, 400, `${method} ${path} ${body}`);
    assert.is(res.body.error, 'HMI_BAD_REQUEST');
    assert.match(res.body.message, reason, `${body}: ${res.body.message}`);
  }
  const big = await call<ApiError>('POST', '/api/run/step', `{"ticks":1,"pad":"${'x'.repeat(5000)}"}`);
  assert.is(big.status, 413);
  const text = await call<ApiError>('POST', '/api/run/step', 'ticks=5', 'text/plain');
  assert.is(text.status, 415);
  const missing = await call<ApiError>('GET', '/api/nothing');
  assert.is(missing.status, 404);
  assert.is(missing.body.error, 'HMI_NOT_FOUND');
});

test('pause stops the tick, step advances it by the requested ticks, resume runs again', async () => {
  const paused = await call<RunStatus>('POST', '/api/run/pause');
  assert.is(paused.status, 200);
  assert.is(paused.body.state, 'paused');
  const t0 = run.table.tick;
  await sleep(200);
  assert.is(run.table.tick, t0, 'tick frozen while paused');
  const stepped = await call<RunStatus>('POST', '/api/run/step', '{"ticks":37}');
  assert.is(stepped.status, 200);
  assert.is(stepped.body.tick, t0 + 37);
  const cycle = await call<RunStatus>('POST', '/api/run/step');
  assert.is(cycle.status, 200);
  assert.ok(cycle.body.tick > t0 + 37, 'a bodyless step advances one controller cycle');
  const resumed = await call<RunStatus>('POST', '/api/run/resume');
  assert.is(resumed.body.state, 'running');
  const t1 = run.table.tick;
  await sleep(200);
  assert.ok(run.table.tick > t1, 'tick advances after resume');
});

test('pace changes are applied and reported', async () => {
  const unconfirmed = await call<ApiError>('PUT', '/api/run/pace', '{"kind":"realtime","factor":10}');
  assert.is(unconfirmed.status, 428, 'a pace change needs its confirmation');
  assert.is(unconfirmed.body.error, 'HMI_CONFIRM_REQUIRED');
  const ten = await call<RunStatus>('PUT', '/api/run/pace', '{"kind":"realtime","factor":10,"confirm":true}');
  assert.is(ten.status, 200);
  assert.equal(ten.body.pace, { kind: 'realtime', factor: 10 });
  const one = await call<RunStatus>('PUT', '/api/run/pace', '{"kind":"realtime","factor":1,"confirm":true}');
  assert.equal(one.body.pace, { kind: 'realtime', factor: 1 });
});

test.run();
