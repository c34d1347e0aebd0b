// Store and forward: the broker killed for a few seconds while values keep changing, then
// restarted: every value of the gap arrives, in order, marked historical. And the disk store
// itself: bounded (the oldest dropped, counted), a torn tail cut at open, the read position
// kept across a restart.

import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { pino } from 'pino';
import { SparkplugEdgeNode } from '../../core/integration/sparkplug/edge-node.ts';
import { SampleStore } from '../../core/integration/sparkplug/store-forward.ts';
import { startRun } from '../../core/engine/engine.ts';
import { isTwinloopError } from '../../core/errors.ts';
import { Broker, Host, num, quietLog, settingsFor, sleep, testTable, until } from './sparkplug-fixtures.ts';

const test = suite('sparkplug store and forward');
const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'twinloop-spb-'));
  dirs.push(d);
  return d;
};
test.after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Gap of the broker outage; the issue asks 10 s, 3 s keeps the suite short and proves the same. */
const GAP_MS = 3000;
const HEARTBEAT = 5;

test('broker killed for a while: every value of the gap arrives in order, historical', async () => {
  const broker = await Broker.start();
  const t = testTable();
  t.publish();
  const node = new SparkplugEdgeNode({ table: t.table, lineName: 'demo', settings: settingsFor(broker.url, tempDir(), { hostId: 'scada' }), logger: quietLog() });
  let host = await Host.connect(broker.url, 'lines', 'scada');
  const hosts = [host];
  let k = 0;
  // The "line": a value every 20 ms, each sampled once (sampleNow right after the write).
  const step = (): void => {
    t.work[HEARTBEAT] = ++k;
    t.publish();
    node.sampleNow();
  };
  let timer: NodeJS.Timeout | undefined;
  const run = (on: boolean): void => {
    if (timer !== undefined) clearInterval(timer);
    timer = on ? setInterval(step, 20) : undefined;
  };
  try {
    await host.setOnline(true);
    await until(() => node.state === 'live', 3000, 'live');
    run(true);
    await sleep(500);
    // Let the last live values reach the host: QoS 0 data written just before a crash can be lost (docs).
    run(false);
    await until(() => host.of('NDATA').length > 0 && num(host.of('NDATA').at(-1)!.payload.metrics![0]!.value) === k, 2000, 'live values');
    const lastLive = k;
    await broker.stop();
    await until(() => node.state === 'offline', 3000, 'the node to see the broker gone');
    run(true);
    await sleep(GAP_MS);
    await broker.start();
    host = await Host.connect(broker.url, 'lines', 'scada');
    hosts.push(host);
    await host.setOnline(true);
    await until(() => node.state === 'live', 5000, 'live again');
    await sleep(300);
    run(false);
    const last = k;
    const hasLast = (): boolean => host.of('NDATA').some((m) => m.payload.metrics!.some((x) => num(x.value) === last));
    await until(() => node.stats().pending === 0 && hasLast(), 5000, 'the backlog and the last value');
    await sleep(200);
    const hist = host.of('NDATA').flatMap((m) => m.payload.metrics!).filter((x) => x.isHistorical === true).map((x) => num(x.value));
    const live = host.of('NDATA').flatMap((m) => m.payload.metrics!).filter((x) => x.isHistorical !== true).map((x) => num(x.value));
    const birth = num(host.of('NBIRTH')[0]!.payload.metrics!.find((x) => x.name === 'heartbeat')!.value);
    // The gap: every value after the last live one up to the birth, each once, in order.
    const gap = Array.from({ length: birth - lastLive }, (_, i) => lastLive + 1 + i);
    assert.ok(gap.length >= (GAP_MS / 20) * 0.5, `a gap of ${gap.length} values`);
    assert.equal(hist, gap);
    // After the birth: the live values, in order, none missing.
    assert.equal(live, Array.from({ length: last - birth }, (_, i) => birth + 1 + i));
    const st = node.stats();
    assert.is(st.dropped, 0);
    assert.is(st.forwarded, gap.length);
    assert.ok(st.connects >= 2);
  } finally {
    run(false);
    await node.close();
    for (const h of hosts) await h.close().catch(() => {});
    await broker.close();
  }
});

test('a real line run: samples stored during the outage are all forwarded, oldest first', async () => {
  const broker = await Broker.start();
  const run = await startRun({ linePath: 'examples/sorting.yaml', logger: pino({ level: 'silent' }), statsLogMs: 0 });
  const node = new SparkplugEdgeNode({ table: run.table, lineName: run.lineName, settings: settingsFor(broker.url, tempDir()), logger: quietLog() });
  let host = await Host.connect(broker.url, 'lines');
  const hosts = [host];
  try {
    await until(() => node.state === 'live', 3000, 'live');
    await sleep(500);
    await broker.stop();
    await until(() => node.state === 'offline', 3000, 'offline');
    await sleep(1500);
    const stored = node.stats().stored;
    assert.ok(stored >= 5, `${stored} samples stored while the broker was away`);
    await broker.start();
    host = await Host.connect(broker.url, 'lines');
    hosts.push(host);
    await until(() => node.stats().forwarded >= stored && node.stats().pending === 0, 8000, 'the backlog');
    await sleep(300);
    const hist = host.messages.filter((m) => m.type === 'NDATA' || m.type === 'DDATA').flatMap((m) => m.payload.metrics!.filter((x) => x.isHistorical === true).map((x) => num(x.timestamp)));
    assert.ok(hist.length > 0);
    for (let i = 1; i < hist.length; i++) assert.ok(hist[i]! >= hist[i - 1]!, 'historical data in time order');
    assert.is(node.stats().dropped, 0);
  } finally {
    await node.close();
    await run.close();
    for (const h of hosts) await h.close().catch(() => {});
    await broker.close();
  }
});

const silent = pino({ level: 'silent' });
const ids = Int32Array.from([0, 1, 2, 3]);

test('the store is bounded: the oldest samples are dropped and counted', () => {
  const dir = tempDir();
  const values = new Float64Array(4);
  // 4 signals: a record is 8 + 12 + 4 * 12 = 68 bytes; 64 KiB holds ~960.
  const store = new SampleStore({ dir, maxBytes: 64 * 1024, signals: 4, catalog: 'c1', logger: silent });
  for (let i = 0; i < 5000; i++) {
    values[0] = i;
    store.append(i, ids, 4, values);
  }
  const st = store.stats();
  assert.ok(st.bytes <= 64 * 1024, `${st.bytes} bytes on disk`);
  assert.ok(st.dropped > 0);
  assert.is(st.pending + st.dropped, 5000, 'every sample is either kept or counted');
  // What is kept is the newest, in order.
  const first = store.peek()!;
  assert.is(first.values[0], st.dropped);
  let prev = -1;
  let n = 0;
  for (let r = store.peek(); r !== undefined && n < 10_000; r = store.peek(), n++) {
    assert.ok(r.values[0]! === prev + 1 || prev === -1);
    prev = r.values[0]!;
    store.advance();
  }
  assert.is(prev, 4999);
  store.close();
});

test('a torn tail is cut at open; the read position survives a restart', () => {
  const dir = tempDir();
  const values = new Float64Array(4);
  let store = new SampleStore({ dir, maxBytes: 1024 * 1024, signals: 4, catalog: 'c1', logger: silent });
  for (let i = 0; i < 10; i++) {
    values[0] = i;
    store.append(1000 + i, ids, 4, values);
  }
  for (let i = 0; i < 4; i++) {
    store.peek();
    store.advance();
  }
  store.commit();
  store.close();
  // A crash in the middle of a write: half a record at the end.
  const seg = readdirSync(dir).find((f) => f.endsWith('.spq'))!;
  const size = statSync(join(dir, seg)).size;
  appendFileSync(join(dir, seg), Buffer.from([40, 0, 0, 0, 1, 2, 3]));
  store = new SampleStore({ dir, maxBytes: 1024 * 1024, signals: 4, catalog: 'c1', logger: silent });
  assert.is(statSync(join(dir, seg)).size, size);
  assert.is(store.stats().repairedBytes, 7);
  assert.is(store.pending, 6);
  const r = store.peek()!;
  assert.is(r.wallMs, 1004);
  assert.is(r.values[0], 4);
  assert.equal(Array.from(r.ids.subarray(0, r.count)), [0, 1, 2, 3]);
  store.close();
  // Another catalog (a changed line file): the old ids would name the wrong metrics.
  store = new SampleStore({ dir, maxBytes: 1024 * 1024, signals: 4, catalog: 'c2', logger: silent });
  assert.is(store.pending, 0);
  assert.is(store.stats().dropped, 6);
  assert.is(store.peek(), undefined);
  store.close();
});

test('one process per store: a store locked by a running process is refused', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'lock'), String(process.ppid));
  try {
    new SampleStore({ dir, maxBytes: 1024 * 1024, signals: 4, catalog: 'c1', logger: silent });
    assert.unreachable('opened a locked store');
  } catch (err) {
    assert.ok(isTwinloopError(err, 'SPB_STORE'), String(err));
    assert.match((err as Error).message, `in use by process ${process.ppid}`);
  }
  // A lock left by a process that is gone is taken over.
  writeFileSync(join(dir, 'lock'), '999999999');
  const store = new SampleStore({ dir, maxBytes: 1024 * 1024, signals: 4, catalog: 'c1', logger: silent });
  store.close();
});

test.run();
