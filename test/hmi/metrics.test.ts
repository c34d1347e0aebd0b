// GET /metrics on a real server (real engine on examples/sorting.yaml), scraped over HTTP and
// read with an independent Prometheus text parser: every family a dashboard needs is there with
// its type, the values agree with /api/health and the alarm list, the lateness histogram is a
// well-formed histogram, and the route is closed to anonymous callers unless the scrape token
// is presented or the installation made metrics public.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import parse, { type Family } from 'parse-prometheus-text-format';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlarmManager } from '../../core/alarms/alarm-manager.ts';
import type { RunControl, RunStatus } from '../../core/engine/run-control.ts';
import { createServer } from '../../hmi/server/server.ts';
import { openRun, setupOnce } from './run-under-test.ts';
import { startSecured, tempDataDir, type Secured } from './secured-server.ts';
import { TestClient } from './ws-client.ts';

const TOKEN = 'scrape-token-0123456789abcdef0123456789';
let run: RunControl;
let s: Secured;
let alarms: AlarmManager;
let dataDir = '';

async function scrape(headers: Record<string, string> = s.bearer('viewer'), url = s.server.url): Promise<{ status: number; families: Map<string, Family>; type: string }> {
  const res = await fetch(`${url}/metrics`, { headers });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', families: res.status === 200 ? new Map(parse(text).map((f) => [f.name, f])) : new Map() };
}

const value = (f: Family | undefined, labels: Record<string, string> = {}): number => {
  const m = f?.metrics.find((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v));
  assert.ok(m, `${f?.name} with ${JSON.stringify(labels)}`);
  return Number(m!.value);
};

setupOnce(test, async () => {
  ({ run } = await openRun());
  dataDir = tempDataDir();
  mkdirSync(join(dataDir, 'recordings', '20261207-010203-sorting'), { recursive: true });
  writeFileSync(join(dataDir, 'recordings', '20261207-010203-sorting', 'seg-000001.tlr'), Buffer.alloc(4096));
  alarms = new AlarmManager({ clock: Date.now });
  s = await startSecured({ run, dataDir, alarms, metrics: { token: TOKEN } });
  // Let the worker publish its statistics (every 200 ms) at least once.
  const t0 = Date.now();
  while (run.status().stats.wakes === 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 50));
});

test.after(async () => {
  await s?.close();
  alarms?.close();
  await run?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('a viewer scrapes every family a dashboard needs, each with its Prometheus type', async () => {
  const r = await scrape();
  assert.is(r.status, 200);
  assert.match(r.type, /^text\/plain; version=0\.0\.4/);
  const expected: Record<string, Family['type']> = {
    twinloop_run_state: 'GAUGE',
    twinloop_pace_realtime_factor: 'GAUGE',
    twinloop_pace_requested_factor: 'GAUGE',
    twinloop_ticks_total: 'COUNTER',
    twinloop_tick_overruns_total: 'COUNTER',
    twinloop_tick_lateness_seconds: 'HISTOGRAM',
    twinloop_controller_connected: 'GAUGE',
    twinloop_controller_cycle_seconds: 'GAUGE',
    twinloop_controller_cycles_total: 'COUNTER',
    twinloop_controller_reconnects_total: 'COUNTER',
    twinloop_alarms_active: 'GAUGE',
    twinloop_websocket_clients: 'GAUGE',
    twinloop_recording_bytes: 'GAUGE',
    twinloop_data_free_bytes: 'GAUGE',
    twinloop_audit_healthy: 'GAUGE',
    twinloop_process_cpu_seconds_total: 'COUNTER',
    twinloop_process_resident_memory_bytes: 'GAUGE',
  };
  for (const [name, type] of Object.entries(expected)) {
    assert.ok(r.families.has(name), `${name} is exported`);
    assert.is(r.families.get(name)!.type, type, `${name} is a ${type}`);
  }
});

test('the values agree with /api/health', async () => {
  const health = (await (await fetch(`${s.server.url}/api/health`, { headers: s.bearer('viewer') })).json()) as RunStatus;
  const r = await scrape();
  const f = r.families;
  assert.is(value(f.get('twinloop_run_state'), { state: health.state, mode: health.mode }), 1);
  assert.is(f.get('twinloop_run_state')!.metrics.filter((m) => Number(m.value) === 1).length, 1, 'exactly one state is current');
  // The scrape came after the health call: the run only moves on.
  assert.ok(value(f.get('twinloop_ticks_total')) >= health.stats.ticks);
  assert.is(value(f.get('twinloop_pace_requested_factor')), health.pace.kind === 'realtime' ? health.pace.factor : 0);
  for (const c of health.controllers) {
    const labels = { controller: c.name, protocol: c.protocol };
    assert.is(value(f.get('twinloop_controller_connected'), labels), c.state === 'connected' ? 1 : 0);
    assert.is(value(f.get('twinloop_controller_cycle_seconds'), labels), c.cycleMs / 1000);
    assert.ok(value(f.get('twinloop_controller_cycles_total'), labels) >= c.cycles);
  }
  assert.is(value(f.get('twinloop_audit_healthy')), 1);
  assert.ok(value(f.get('twinloop_recording_bytes')) >= 4096, 'the recording file is counted');
  assert.ok(value(f.get('twinloop_data_free_bytes')) > 0);
});

test('tick lateness is a well-formed histogram: cumulative buckets, +Inf equals the count', async () => {
  const h = (await scrape()).families.get('twinloop_tick_lateness_seconds')!.metrics[0]!;
  const bounds = Object.keys(h.buckets!);
  assert.is(bounds[bounds.length - 1], '+Inf');
  assert.equal(bounds.slice(0, -1).map(Number), [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1]);
  const counts = bounds.map((b) => Number(h.buckets![b]));
  for (let k = 1; k < counts.length; k++) assert.ok(counts[k]! >= counts[k - 1]!, `bucket ${bounds[k]} >= bucket ${bounds[k - 1]}`);
  assert.is(counts[counts.length - 1], Number(h.count));
  assert.ok(Number(h.count) > 0, 'the worker has measured wakes');
  assert.ok(Number(h.sum) >= 0);
});

test('active alarms are counted by priority; shelved ones are not', async () => {
  const at = Date.now();
  alarms.activate({ key: 'deviation:pe1.blocked', source: 'deviation', priority: 2, message: 'pe1: edge missing' }, at);
  alarms.activate({ key: 'communication:plc9', source: 'communication', priority: 1, message: 'plc9: no answer' }, at);
  alarms.activate({ key: 'maintenance:m1', source: 'maintenance', priority: 4, message: 'm1: bearing hours' }, at);
  const m4 = alarms.list().find((a) => a.key === 'maintenance:m1')!;
  alarms.shelve(m4.id, { user: 'op1', note: 'known' }, 60_000);
  const f = (await scrape()).families.get('twinloop_alarms_active');
  assert.equal([1, 2, 3, 4].map((p) => value(f, { priority: String(p) })), [1, 1, 0, 0]);
});

test('WebSocket clients are counted while connected', async () => {
  const c = new TestClient(s.server.url, { headers: s.bearer('viewer') });
  await c.find((f) => f.t === 'catalog'); // sent right before the socket joins the publisher
  try {
    assert.is(value((await scrape()).families.get('twinloop_websocket_clients')), 1);
  } finally {
    await c.close();
  }
});

test('anonymous and wrong tokens are refused; the scrape token is let in', async () => {
  assert.is((await scrape({})).status, 401);
  assert.is((await scrape({ authorization: `Bearer ${TOKEN.slice(0, -1)}x` })).status, 401);
  assert.is((await scrape({ authorization: 'Bearer short' })).status, 401);
  const r = await scrape({ authorization: `Bearer ${TOKEN}` });
  assert.is(r.status, 200);
  assert.ok(r.families.has('twinloop_ticks_total'));
  // The scrape token is for /metrics only, not a session.
  assert.is((await fetch(`${s.server.url}/api/health`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 401);
});

test('metrics.public opens /metrics to anyone; a short scrape token is refused at start', async () => {
  const dir = tempDataDir();
  const open = await createServer({ run, dataDir: dir, port: 0, metrics: { public: true } });
  try {
    assert.is((await scrape({}, open.url)).status, 200);
    assert.is((await fetch(`${open.url}/api/health`)).status, 401, 'only /metrics is opened');
  } finally {
    await open.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const dir2 = tempDataDir();
  try {
    await createServer({ run, dataDir: dir2, port: 0, metrics: { token: 'too-short' } }).then(
      async (x) => {
        await x.close();
        assert.unreachable('a 9-character token was accepted');
      },
      (err: Error) => assert.match(err.message, /scrape token has 9 characters; give at least 32/),
    );
  } finally {
    rmSync(dir2, { recursive: true, force: true });
  }
});

test.run();
