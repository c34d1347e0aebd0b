// The third-party ads-client (2.x) against our AMS/TCP target: every service it uses, checked
// by its own parsers. This is what keeps the target honest to the ADS spec as real clients
// read it (the adapter tests use the same client, but only the services the adapter needs).

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Client } from 'ads-client';
import { AdsSoftPlcServer } from '../../plc-adapters/ads/ads-soft-plc.ts';
import { imageOf } from './wide-image.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const image = imageOf(
  [
    { address: 'pe1.blocked', type: 'bool' },
    { address: 'count', type: 'int' },
  ],
  [
    { address: 'm1.run', type: 'bool' },
    { address: 'm1.setpoint', type: 'real' },
    { address: 'items', type: 'int' },
  ],
);

let server: AdsSoftPlcServer;
let port = 0;

test.before(async () => {
  server = new AdsSoftPlcServer();
  const { endpoint } = await server.start(image, {});
  port = Number(new URL(endpoint).port);
});

test.after(async () => {
  await server.stop();
});

function client(direct = false): Client {
  return new Client({
    targetAmsNetId: '127.0.0.1.1.1',
    targetAdsPort: 851,
    routerAddress: '127.0.0.1',
    routerTcpPort: port,
    autoReconnect: false,
    hideConsoleWarnings: true,
    ...(direct ? { localAmsNetId: '127.0.0.1.1.20', localAdsPort: 32800 } : {}),
  });
}

test('connects through the router service, reads device info, state and upload info', async () => {
  const c = client();
  try {
    const conn = await c.connect();
    assert.ok(conn.connected);
    assert.is(conn.localAmsNetId, '127.0.0.1.1.1');
    assert.ok(conn.localAdsPort! >= 32768, 'the router assigned a port');
    assert.is(c.metaData.plcDeviceInfo?.deviceName, 'Plc30 App');
    assert.is(c.metaData.tcSystemState?.adsStateStr, 'Run');
    assert.is((await c.readPlcRuntimeState()).adsStateStr, 'Run');
    const info = await c.readPlcUploadInfo();
    assert.is(info.symbolCount, 5);
    assert.is(info.dataTypeCount, 3);
  } finally {
    await c.disconnect();
  }
});

test('symbol and data type upload, typed reads and writes', async () => {
  const c = client();
  try {
    await c.connect();
    const symbols = await c.getSymbols();
    assert.equal(Object.keys(symbols).sort(), ['main.count', 'main.items', 'main.m1_run', 'main.m1_setpoint', 'main.pe1_blocked']);
    assert.is(symbols['main.m1_setpoint']!.type, 'LREAL');
    assert.is(symbols['main.items']!.type, 'DINT');
    const types = await c.getDataTypes();
    assert.equal(Object.keys(types).sort(), ['bool', 'dint', 'lreal']);
    image.outputs.set([1, 48.25, -9]);
    assert.is((await c.readValue<boolean>('MAIN.m1_run')).value, true);
    assert.is((await c.readValue<number>('MAIN.m1_setpoint')).value, 48.25);
    assert.is((await c.readValue<number>('MAIN.items')).value, -9);
    await c.writeValue('MAIN.pe1_blocked', true);
    await c.writeValue('MAIN.count', 123456);
    assert.equal([...image.inputs], [1, 123456]);
    const bad = await c.readValue('MAIN.nothing').catch((e: Error) => e);
    assert.instance(bad, Error);
  } finally {
    await c.disconnect();
  }
});

test('handles and sum commands (read, write, read/write)', async () => {
  const c = client();
  try {
    await c.connect();
    const h = await c.createVariableHandle('MAIN.m1_setpoint');
    assert.is(h.dataType, 'LREAL');
    assert.is(h.size, 8);
    image.outputs[1] = 3.5;
    assert.is((await c.readRawByHandle(h)).readDoubleLE(0), 3.5);
    await c.deleteVariableHandle(h);
    const multi = await c.createVariableHandleMulti(['MAIN.items', 'MAIN.none', 'MAIN.count']);
    assert.equal(multi.map((r) => r.success), [true, false, true]);
    const sym = (await c.getSymbol('MAIN.items'))!;
    image.outputs[2] = 77;
    const reads = await c.readRawMulti([
      { indexGroup: sym.indexGroup, indexOffset: sym.indexOffset, size: 4 },
      { indexGroup: 0xf005, indexOffset: multi[0]!.handle!.handle, size: 4 },
      { indexGroup: sym.indexGroup, indexOffset: 1 << 20, size: 4 },
    ]);
    assert.equal(reads.map((r) => r.success), [true, true, false]);
    assert.is(reads[0]!.value!.readInt32LE(0), 77);
    assert.is(reads[1]!.value!.readInt32LE(0), 77);
    const v = Buffer.alloc(4);
    v.writeInt32LE(-5);
    const writes = await c.writeRawMulti([{ indexGroup: 0xf005, indexOffset: multi[2]!.handle!.handle, value: v }]);
    assert.ok(writes[0]!.success);
    assert.is(image.inputs[1], -5);
    const rw = await c.readWriteRawMulti([{ indexGroup: 0xf003, indexOffset: 0, size: 4, value: Buffer.from('MAIN.m1_run\0') }]);
    assert.ok(rw[0]!.success);
    assert.is(rw[0]!.data!.length, 4);
    const del = await c.deleteVariableHandleMulti([multi[0]!.handle!.handle, multi[2]!.handle!.handle]);
    assert.equal(del.map((r) => r.success), [true, true]);
  } finally {
    await c.disconnect();
  }
});

test('notifications: on change, and the symbol version change event', async () => {
  const c = client();
  try {
    await c.connect();
    const seen: number[] = [];
    const sub = await c.subscribeValue<number>('MAIN.items', (d) => void seen.push(d.value), 5);
    image.outputs[2] = 1;
    for (let i = 0; i < 100 && !seen.includes(1); i++) await sleep(5);
    image.outputs[2] = 2;
    for (let i = 0; i < 100 && !seen.includes(2); i++) await sleep(5);
    assert.ok(seen.includes(1) && seen.includes(2), `seen ${seen}`);
    const versions: number[] = [];
    c.on('plcSymbolVersionChange', (v) => void versions.push(v));
    server.reload(image);
    for (let i = 0; i < 100 && versions.length === 0; i++) await sleep(5);
    assert.equal(versions, [2]);
    // ads-client re-made its subscriptions on the version change (so `sub`'s handle is gone)
    // and values still flow through the new ones.
    image.outputs[2] = 3;
    for (let i = 0; i < 100 && !seen.includes(3); i++) await sleep(5);
    assert.ok(seen.includes(3), `after the online change: ${seen}`);
    assert.is.not(sub.notificationHandle, undefined);
    await c.unsubscribeAll();
  } finally {
    await c.disconnect();
  }
});

test('direct connection: a fixed local AMS address, no port registration', async () => {
  const c = client(true);
  try {
    const conn = await c.connect();
    assert.is(conn.localAmsNetId, '127.0.0.1.1.20');
    image.outputs[1] = 9.75;
    assert.is((await c.readValue<number>('MAIN.m1_setpoint')).value, 9.75);
  } finally {
    await c.disconnect();
  }
});

test.run();
