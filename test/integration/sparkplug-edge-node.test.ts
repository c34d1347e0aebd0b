// The Sparkplug B edge node against a real mosquitto, with a plain mqtt.js client as the
// primary host: births with every metric, data by exception with deadbands, seq 0..255,
// rebirth on the NCMD command, and the primary host's STATE gating births.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SparkplugEdgeNode } from '../../core/integration/sparkplug/edge-node.ts';
import { Broker, Host, num, quietLog, settingsFor, sleep, testTable, until, type Received } from './sparkplug-fixtures.ts';

const test = suite('sparkplug edge node');
let broker: Broker;
const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'twinloop-spb-'));
  dirs.push(d);
  return d;
};

test.before(async () => {
  broker = await Broker.start();
});
test.after(async () => {
  await broker.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const metric = (r: Received, name: string) => r.payload.metrics!.find((m) => m.name === name);

test('NBIRTH and DBIRTH carry every metric with name, alias, datatype and units', async () => {
  const host = await Host.connect(broker.url, 'lines');
  const t = testTable();
  t.work[2] = 1.5; // m1.speed
  t.publish();
  const node = new SparkplugEdgeNode({ table: t.table, lineName: 'demo', settings: settingsFor(broker.url, tempDir()), logger: quietLog() });
  try {
    await until(() => host.of('DBIRTH').length === 3, 3000, 'three DBIRTHs');
    const [nbirth] = host.of('NBIRTH');
    assert.ok(nbirth, 'NBIRTH');
    assert.is(nbirth!.topic, 'spBv1.0/lines/NBIRTH/sorting');
    assert.is(num(nbirth!.payload.seq), 0);
    assert.is(num(metric(nbirth!, 'bdSeq')!.value), node.stats().bdSeq);
    assert.is(metric(nbirth!, 'Node Control/Rebirth')!.value, false);
    assert.is(metric(nbirth!, 'Node Info/Line')!.value, 'demo');
    assert.is(num(metric(nbirth!, 'heartbeat')!.alias), 6);
    const births = host.of('DBIRTH');
    assert.equal(births.map((b) => b.device), ['line', 'm1', 'pe1']);
    assert.equal(births.map((b) => num(b.payload.seq)), [1, 2, 3]);
    const m1 = births[1]!;
    assert.equal(m1.payload.metrics!.map((m) => m.name), ['run', 'speed', 'current']);
    const speed = metric(m1, 'speed')!;
    assert.is(speed.type, 'Double');
    assert.is(speed.value, 1.5);
    assert.is(num(speed.alias), 3);
    assert.is(speed.properties!.engUnit!.value, 'm/s');
    assert.is(speed.properties!.kind!.value, 'sensor');
    assert.is(metric(m1, 'run')!.type, 'Boolean');
    assert.is(metric(births[0]!, 'items')!.type, 'Int32');
    // Every signal is in exactly one birth.
    const named = [nbirth!, ...births].flatMap((b) => b.payload.metrics!.map((m) => num(m.alias ?? 0))).filter((a) => a > 0);
    assert.equal(named.sort((a, b) => a - b), [1, 2, 3, 4, 5, 6]);
  } finally {
    await node.close();
    await host.close();
  }
});

test('devices: node puts every metric on the node under its signal name', async () => {
  const host = await Host.connect(broker.url, 'lines');
  const t = testTable();
  t.publish();
  const node = new SparkplugEdgeNode({ table: t.table, lineName: 'demo', settings: settingsFor(broker.url, tempDir(), { devices: 'node' }), logger: quietLog(), manualSampling: true });
  try {
    await until(() => host.of('NBIRTH').length === 1, 3000, 'NBIRTH');
    const names = host.of('NBIRTH')[0]!.payload.metrics!.map((m) => m.name);
    assert.equal(names, ['bdSeq', 'Node Control/Rebirth', 'Node Info/Line', 'line.items', 'm1.run', 'm1.speed', 'm1.current', 'pe1.blocked', 'heartbeat']);
    t.work[1] = 1;
    t.work[4] = 1;
    t.publish();
    node.sampleNow();
    await until(() => host.of('NDATA').length === 1, 2000, 'NDATA');
    assert.equal(host.of('NDATA')[0]!.payload.metrics!.map((m) => [num(m.alias), m.value]), [[2, true], [5, true]]);
    assert.is(host.of('DBIRTH').length + host.of('DDATA').length, 0);
  } finally {
    await node.close();
    await host.close();
  }
});

test('data by exception: only changes past the deadband, by alias, seq continuing', async () => {
  const host = await Host.connect(broker.url, 'lines');
  const t = testTable();
  t.publish();
  const node = new SparkplugEdgeNode({ table: t.table, lineName: 'demo', settings: settingsFor(broker.url, tempDir(), { deadbands: { 'm1.current': 0.5 } }), logger: quietLog() });
  try {
    await until(() => host.of('DBIRTH').length === 3, 3000, 'births');
    t.work[2] = 1.25; // m1.speed: deadband 0, reported
    t.work[3] = 0.3; // m1.current: under its deadband 0.5
    t.publish();
    node.sampleNow();
    await until(() => host.of('DDATA').length === 1, 2000, 'first DDATA');
    let d = host.of('DDATA')[0]!;
    assert.is(d.topic, 'spBv1.0/lines/DDATA/sorting/m1');
    assert.is(d.payload.metrics!.length, 1);
    assert.is(num(d.payload.metrics![0]!.alias), 3);
    assert.is(d.payload.metrics![0]!.name, undefined, 'data carries the alias, not the name');
    assert.is(d.payload.metrics![0]!.value, 1.25);
    assert.is(d.payload.metrics![0]!.isHistorical, false);
    assert.is(num(d.payload.seq), 4);
    t.work[3] = 0.6; // now 0.6 from the reported 0: past the deadband
    t.work[5] = 7; // heartbeat: a node-level metric
    t.publish();
    node.sampleNow();
    await until(() => host.of('DDATA').length === 2 && host.of('NDATA').length === 1, 2000, 'second DDATA and an NDATA');
    d = host.of('DDATA')[1]!;
    assert.equal(d.payload.metrics!.map((m) => [num(m.alias), m.value]), [[4, 0.6]]);
    const n = host.of('NDATA')[0]!;
    assert.equal(n.payload.metrics!.map((m) => [num(m.alias), m.value]), [[6, 7]]);
    assert.is(num(n.payload.seq), 5, 'node data goes first within a sample');
    assert.is(num(d.payload.seq), 6);
    // No change, no message.
    const before = host.messages.length;
    node.sampleNow();
    await sleep(200);
    assert.is(host.messages.length, before);
  } finally {
    await node.close();
    await host.close();
  }
});

test('seq runs 0..255 and wraps across data messages', async () => {
  const host = await Host.connect(broker.url, 'lines');
  const t = testTable();
  t.publish();
  const node = new SparkplugEdgeNode({ table: t.table, lineName: 'demo', settings: settingsFor(broker.url, tempDir()), logger: quietLog() });
  try {
    await until(() => host.of('DBIRTH').length === 3, 3000, 'births');
    for (let k = 1; k <= 300; k++) {
      t.work[5] = k;
      t.publish();
      node.sampleNow();
    }
    await until(() => host.of('NDATA').length === 300, 5000, '300 NDATA');
    const seqs = host.messages.filter((m) => m.type !== 'NDEATH').map((m) => num(m.payload.seq));
    for (let i = 1; i < seqs.length; i++) assert.is(seqs[i], (seqs[i - 1]! + 1) % 256, `seq at ${i}`);
    assert.ok(Math.max(...seqs) === 255);
  } finally {
    await node.close();
    await host.close();
  }
});

test('Node Control/Rebirth on NCMD: NBIRTH (seq 0, same bdSeq) and every DBIRTH again', async () => {
  const host = await Host.connect(broker.url, 'lines');
  const t = testTable();
  t.publish();
  const node = new SparkplugEdgeNode({ table: t.table, lineName: 'demo', settings: settingsFor(broker.url, tempDir()), logger: quietLog() });
  try {
    await until(() => host.of('DBIRTH').length === 3, 3000, 'births');
    t.work[0] = 12;
    t.publish();
    await host.rebirth('lines', 'sorting');
    await until(() => host.of('NBIRTH').length === 2 && host.of('DBIRTH').length === 6, 3000, 'rebirth');
    const [first, second] = host.of('NBIRTH');
    assert.is(num(second!.payload.seq), 0);
    assert.is(num(metric(second!, 'bdSeq')!.value), num(metric(first!, 'bdSeq')!.value));
    assert.is(metric(host.of('DBIRTH')[3]!, 'items')!.value, 12, 'the rebirth carries current values');
    assert.is(node.stats().rebirthCommands, 1);
  } finally {
    await node.close();
    await host.close();
  }
});

test('primary host STATE: no birth while offline; data of that time arrives historical after its birth', async () => {
  const host = await Host.connect(broker.url, 'lines', 'scada');
  await host.setOnline(false);
  const t = testTable();
  t.publish();
  const node = new SparkplugEdgeNode({ table: t.table, lineName: 'demo', settings: settingsFor(broker.url, tempDir(), { hostId: 'scada' }), logger: quietLog() });
  try {
    await until(() => node.stats().connects === 1, 3000, 'connect');
    for (let k = 1; k <= 5; k++) {
      t.work[5] = k;
      t.publish();
      node.sampleNow();
    }
    await sleep(300);
    assert.is(host.messages.length, 0, 'nothing published while the host is offline');
    assert.is(node.stats().pending, 5);
    await host.setOnline(true);
    await until(() => host.of('NDATA').length === 5, 3000, 'historical NDATA');
    assert.is(host.messages[0]!.type, 'NBIRTH');
    const hist = host.of('NDATA').map((m) => m.payload.metrics![0]!);
    assert.equal(hist.map((m) => m.value), [1, 2, 3, 4, 5]);
    assert.ok(hist.every((m) => m.isHistorical === true));
    assert.is(node.stats().pending, 0);
    // Host away again: the node stops publishing.
    await host.setOnline(false);
    await until(() => node.state === 'offline', 2000, 'offline');
    t.work[5] = 6;
    t.publish();
    node.sampleNow();
    await sleep(200);
    assert.is(host.of('NDATA').length, 5);
  } finally {
    await node.close();
    await host.close();
  }
});

test.run();
