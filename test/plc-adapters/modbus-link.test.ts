// Modbus TCP link loss against the independent server (python3-pymodbus, restarted on the same
// port): server killed -> tags bad at once, writes refused while down and never replayed, the
// same adapter reads again after a restart; a hung server (SIGSTOP, no FIN) found within 2 s by
// the request timeout; ten link flaps; and the same through the NetworkExchange (bad quality at
// once, reconnect with backoff, failed writes counted, not replayed).

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModbusAdapter } from '../../plc-adapters/modbus/modbus-adapter.ts';
import { NetworkExchange, type ActuatorSink, type NetworkTag } from '../../core/network-exchange.ts';
import { SignalTable, type SignalDef } from '../../core/signals.ts';
import { isTwinloopError } from '../../core/errors.ts';
import type { TagSpec } from '../../plc-adapters/adapter.ts';
import { startModbusPeer, type ModbusPeer } from '../fixtures/modbus-peer.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 5000): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < ms / 10; i++) {
    if (await ok()) return performance.now() - t0;
    await sleep(10);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

const READS: TagSpec[] = [
  { address: 'hr:0', type: 'int', direction: 'read' },
  { address: 'hr:1', type: 'real', direction: 'read' },
  { address: 'coil:0', type: 'bool', direction: 'read' },
];
const WRITES: TagSpec[] = [{ address: 'hr:100', type: 'int', direction: 'write' }];

/** Every peer a test started, stopped in teardown whatever happened. */
const peers = new Set<ModbusPeer>();
async function peerOn(port = 0, size = 256): Promise<ModbusPeer> {
  const p = await startModbusPeer({ port, size });
  peers.add(p);
  return p;
}
async function kill(p: ModbusPeer): Promise<void> {
  await p.stop();
  peers.delete(p);
}
test.after.each(async () => {
  for (const p of peers) await p.stop();
  peers.clear();
});

test('server killed: tags bad at once; writes refused, not replayed; same adapter reads after restart', async () => {
  let peer = await peerOn();
  const port = peer.port;
  const plc = new ModbusAdapter({ endpoint: peer.endpoint, timeoutMs: 1000, connectTimeoutMs: 1000 });
  try {
    await plc.connect();
    const outs = await plc.prepare(READS);
    const ins = await plc.prepare(WRITES);
    await peer.set('hr', 0, [5]);
    const v = new Float64Array(3);
    const q = new Uint8Array(3);
    await plc.read(outs, v, q);
    assert.equal([v[0], [...q]], [5, [0, 0, 0]]);
    await kill(peer);
    const t0 = performance.now();
    let err: unknown;
    for (let i = 0; i < 100 && !err; i++) err = await plc.read(outs, v, q).then(() => undefined, (e: unknown) => e);
    const ms = performance.now() - t0;
    assert.ok(isTwinloopError(err, 'PLC_NOT_CONNECTED'), String(err));
    assert.equal([...q], [2, 2, 2]);
    assert.ok(ms < 2000, `detected in ${ms.toFixed(0)} ms`);
    assert.is(plc.state, 'disconnected');
    const werr = await plc.write(ins, Float64Array.of(99)).catch((e: unknown) => e);
    assert.ok(isTwinloopError(werr, 'PLC_NOT_CONNECTED'), String(werr));
    assert.ok(isTwinloopError(await plc.connect().catch((e: unknown) => e), 'PLC_NOT_CONNECTED'), 'connect to a dead server fails, bounded');
    peer = await peerOn(port);
    await plc.connect();
    await peer.set('hr', 0, [6]);
    await plc.read(outs, v, q);
    assert.equal([v[0], [...q]], [6, [0, 0, 0]]);
    await sleep(100);
    assert.equal(await peer.get('hr', 100, 1), [0], 'the write that failed while down was not replayed');
    await plc.write(ins, Float64Array.of(7));
    assert.equal(await peer.get('hr', 100, 1), [7]);
  } finally {
    await plc.close();
  }
});

test('a hung server (SIGSTOP, no FIN) is found within 2 s by the request timeout; back after SIGCONT', async () => {
  const peer = await peerOn();
  const plc = new ModbusAdapter({ endpoint: peer.endpoint, timeoutMs: 1000 });
  try {
    await plc.connect();
    const outs = await plc.prepare(READS);
    const v = new Float64Array(3);
    const q = new Uint8Array(3);
    await plc.read(outs, v, q);
    peer.freeze(true);
    const t0 = performance.now();
    const err = await plc.read(outs, v, q).catch((e: unknown) => e);
    const ms = performance.now() - t0;
    assert.ok(isTwinloopError(err, 'PLC_NOT_CONNECTED'), String(err));
    assert.match((err as Error).message, /no answer within 1000 ms/);
    assert.equal([...q], [2, 2, 2]);
    assert.ok(ms < 2000, `detected in ${ms.toFixed(0)} ms`);
    peer.freeze(false);
    await peer.set('hr', 0, [11]);
    await until('reconnect', () => plc.connect().then(() => true, () => false));
    await plc.read(outs, v, q);
    assert.equal([v[0], [...q]], [11, [0, 0, 0]]);
  } finally {
    peer.freeze(false);
    await plc.close();
  }
});

test('ten link flaps: tags bad after each loss, values flow again after each restart', async () => {
  let peer = await peerOn();
  const port = peer.port;
  const plc = new ModbusAdapter({ endpoint: peer.endpoint, timeoutMs: 500, connectTimeoutMs: 500 });
  const v = new Float64Array(3);
  const q = new Uint8Array(3);
  try {
    await plc.connect();
    const outs = await plc.prepare(READS);
    for (let flap = 0; flap < 10; flap++) {
      await peer.set('hr', 0, [flap + 1]);
      await until(`value after flap ${flap}`, async () => {
        await plc.read(outs, v, q).catch(() => undefined);
        return v[0] === flap + 1 && q.every((x) => x === 0);
      });
      await kill(peer);
      await until(`tags bad after loss ${flap}`, async () => {
        await plc.read(outs, v, q).catch(() => undefined);
        return q.every((x) => x === 2);
      }, 2000);
      peer = await peerOn(port);
      await until(`reconnect ${flap}`, () => plc.connect().then(() => true, () => false));
    }
  } finally {
    await plc.close();
  }
});

test('registers gone after a restart (a PLC download): read and write exceptions name code and tag, the link stays up', async () => {
  let peer = await peerOn();
  const port = peer.port;
  const plc = new ModbusAdapter({ endpoint: peer.endpoint, timeoutMs: 1000, connectTimeoutMs: 1000 });
  try {
    await plc.connect();
    const outs = await plc.prepare([{ address: 'hr:10', type: 'int', direction: 'read' }, { address: 'hr:200', type: 'int', direction: 'read' }]);
    const ins = await plc.prepare([{ address: 'hr:150', type: 'int', direction: 'write' }]);
    await kill(peer);
    peer = await peerOn(port, 100); // the new program has 100 registers only
    await until('reconnect', () => plc.connect().then(() => true, () => false));
    const v = new Float64Array(2);
    const q = new Uint8Array(2);
    const rerr = await plc.read(outs, v, q).catch((e: unknown) => e);
    assert.ok(isTwinloopError(rerr, 'PLC_TAG_UNKNOWN'), String(rerr));
    assert.match((rerr as Error).message, /^tag hr:200: Modbus exception 2 \(ILLEGAL DATA ADDRESS\) from unit 1/);
    assert.equal([...q], [2, 2]);
    const werr = await plc.write(ins, Float64Array.of(3)).catch((e: unknown) => e);
    assert.ok(isTwinloopError(werr, 'PLC_WRITE_FAILED'), String(werr));
    assert.match((werr as Error).message, /^tag hr:150: Modbus exception 2 \(ILLEGAL DATA ADDRESS\)/);
    assert.is(plc.state, 'connected', 'an exception is an answer, not a dead link');
  } finally {
    await plc.close();
  }
});

const DEFS: SignalDef[] = [
  { name: 's.level', type: 'real', kind: 'sensor', unit: 'm' },
  { name: 'x.speed', type: 'real', kind: 'actuator', unit: 'Hz' },
  { name: 'x.run', type: 'bool', kind: 'actuator', unit: '' },
];

class Sink implements ActuatorSink {
  readonly value = new Float64Array(DEFS.length);
  readonly quality = new Uint8Array(DEFS.length).fill(2);
  write(id: number, value: number, quality: number): void {
    this.value[id] = value;
    this.quality[id] = quality;
  }
  flush(): void {}
}

test('through the NetworkExchange: scaling, bad quality at once, reconnect with backoff, failed writes not replayed', async () => {
  let peer = await peerOn();
  const port = peer.port;
  const table = SignalTable.create(DEFS);
  const work = new Float64Array(DEFS.length);
  let tick = 0;
  const setSensor = (v: number): void => {
    work[table.id('s.level')] = v;
    table.publish(work, ++tick, tick / 1000);
  };
  const sink = new Sink();
  const tags: NetworkTag[] = [
    // A level in m written as an INT16 in mm; a speed read as INT16 in 0.1 Hz.
    { signal: 's.level', address: 'hr:50', type: 'real', direction: 'write', plcType: 'INT16', scale: { gain: 0.001, offset: 0 } },
    { signal: 'x.speed', address: 'hr:10', type: 'real', direction: 'read', plcType: 'INT16', scale: { gain: 0.1, offset: 0 } },
    { signal: 'x.run', address: 'coil:3', type: 'bool', direction: 'read' },
  ];
  const ex = new NetworkExchange({
    name: 'plc1',
    adapter: new ModbusAdapter({ endpoint: peer.endpoint, timeoutMs: 500, connectTimeoutMs: 500 }),
    tags,
    resolve: (s) => table.id(s),
    table,
    sink,
    cycleMs: 10,
    refreshMs: 0,
    backoff: { firstMs: 100, maxMs: 400 },
  });
  const speed = (): number => sink.value[table.id('x.speed')]!;
  const speedQ = (): number => sink.quality[table.id('x.speed')]!;
  try {
    await peer.set('hr', 10, [505]);
    await peer.set('co', 3, [1]);
    setSensor(1.234);
    await ex.start();
    await until('first values', () => speedQ() === 0 && Math.abs(speed() - 50.5) < 1e-9 && sink.value[table.id('x.run')] === 1);
    await until('sensor written', async () => (await peer.get('hr', 50, 1))[0] === 1234);
    await kill(peer);
    const badIn = await until('bad quality', () => speedQ() === 2 && sink.quality[table.id('x.run')] === 2, 2000);
    assert.ok(badIn < 2000, `bad within ${badIn.toFixed(0)} ms`);
    // Changes while down are not queued: 2.5 never reaches the server; after the reconnect the
    // exchange writes the then-current value once (the PLC may have restarted), here 1.0.
    setSensor(2.5);
    await sleep(50);
    setSensor(1);
    peer = await peerOn(port);
    await peer.set('hr', 10, [600]);
    await until('reconnected', () => ex.state === 'connected' && speedQ() === 0 && speed() === 60, 5000);
    await until('current value written after the reconnect', async () => (await peer.get('hr', 50, 1))[0] === 1000);
    assert.ok(ex.health().reconnects >= 1, JSON.stringify(ex.health()));
    setSensor(3);
    await until('new change written', async () => (await peer.get('hr', 50, 1))[0] === 3000);
  } finally {
    await ex.close();
  }
});

test.run();
