// Link loss and recovery through the OPC UA adapter and the NetworkExchange, against a real
// soft PLC on 127.0.0.1: the server killed and restarted on its port, ten link flaps through a
// TCP relay, a silent link (no FIN), and a write while disconnected that is reported and never
// replayed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OpcuaAdapter } from '../../plc-adapters/opcua/opcua-adapter.ts';
import { OpcuaSoftPlcServer } from '../../plc-adapters/opcua/opcua-soft-plc-server.ts';
import { startSoftPlc } from '../../plc-adapters/soft-plc/soft-plc.ts';
import { NetworkExchange, type ActuatorSink, type NetworkTag } from '../../core/network-exchange.ts';
import { SignalTable, type SignalDef } from '../../core/signals.ts';
import { isTwinloopError } from '../../core/errors.ts';
import { echoProgram, tcpRelay, until } from './opcua-peer.ts';

const ENTRIES = [
  { name: 'a', type: 'real' as const },
  { name: 'b', type: 'bool' as const },
  { name: 'c', type: 'int' as const },
  { name: 'd', type: 'real' as const }, // read only: the test sets its input in the PLC directly
];
const DEFS: SignalDef[] = [
  ...ENTRIES.map((e) => ({ name: `s.${e.name}`, type: e.type, kind: 'sensor' as const, unit: '' })),
  ...ENTRIES.map((e) => ({ name: `x.${e.name}`, type: e.type, kind: 'actuator' as const, unit: '' })),
];
const TAGS: NetworkTag[] = [
  ...ENTRIES.slice(0, 3).map((e) => ({ signal: `s.${e.name}`, address: `ns=1;s=in.${e.name}`, type: e.type, direction: 'write' as const })),
  ...ENTRIES.map((e) => ({ signal: `x.${e.name}`, address: `ns=1;s=out.${e.name}`, type: e.type, direction: 'read' as const })),
];

class RecordingSink implements ActuatorSink {
  readonly value = new Float64Array(DEFS.length);
  readonly quality = new Uint8Array(DEFS.length).fill(2);
  flushes = 0;
  write(id: number, value: number, quality: number): void {
    this.value[id] = value;
    this.quality[id] = quality;
  }
  flush(): void {
    this.flushes++;
  }
}

function rig(endpoint: string, backoffMs: number, readMode: 'subscription' | 'poll' = 'subscription') {
  const table = SignalTable.create(DEFS);
  const work = new Float64Array(DEFS.length);
  let tick = 0;
  const setSensor = (name: string, v: number): void => {
    work[table.id(name)] = v;
    table.publish(work, ++tick, tick / 1000);
  };
  const sink = new RecordingSink();
  const adapter = new OpcuaAdapter({ endpoint, cycleMs: 10, readMode });
  const ex = new NetworkExchange({ name: 'plc1', adapter, tags: TAGS, resolve: (s) => table.id(s), table, sink, cycleMs: 10, refreshMs: 0, backoff: { firstMs: backoffMs } });
  const x = (n: string) => ({ v: sink.value[table.id(`x.${n}`)]!, q: sink.quality[table.id(`x.${n}`)]! });
  const allBad = () => ENTRIES.every((e) => x(e.name).q === 2);
  return { table, setSensor, sink, adapter, ex, x, allBad };
}

test('server killed: tags bad within 2 s; restarted on its port: values flow again, same client', async () => {
  const plc = await startSoftPlc({ program: echoProgram(ENTRIES), protocol: 'opcua', cycleMs: 10 });
  const port = Number(new URL(plc.endpoint.replace('opc.tcp', 'http')).port);
  const r = rig(plc.endpoint, 1000); // the production backoff: 1, 2, 4 ... s
  try {
    r.setSensor('s.a', 1.5);
    await r.ex.start();
    await until(() => r.x('a').v === 1.5 && r.x('a').q === 0, 3000, 'first value through the wire');

    await plc.server.stop();
    const badAfter = await until(r.allBad, 2000, 'all tags bad after the kill');
    assert.ok(badAfter < 2000, `bad after ${badAfter.toFixed(0)} ms`);
    assert.is(r.ex.health().state, 'disconnected');
    r.setSensor('s.a', 2.5); // changed while down: must arrive after the reconnect

    await plc.server.start(plc.image, { port });
    await until(() => r.x('a').v === 2.5 && r.x('a').q === 0 && r.x('d').q === 0, 15_000, 'values after the restart');
    const h = r.ex.health();
    assert.is(h.state, 'connected');
    assert.ok(h.reconnects >= 1);
    assert.ok(h.readMs.p50 >= 0);
  } finally {
    await r.ex.close();
    await plc.close();
  }
});

test('ten link flaps: every one detected, the subscription restored every time', async () => {
  const plc = await startSoftPlc({ program: echoProgram(ENTRIES), protocol: 'opcua', cycleMs: 10 });
  const relay = await tcpRelay(Number(new URL(plc.endpoint.replace('opc.tcp', 'http')).port));
  const r = rig(`opc.tcp://127.0.0.1:${relay.port}`, 50);
  const dIn = ENTRIES.findIndex((e) => e.name === 'd');
  try {
    await r.ex.start();
    await until(() => r.x('d').q === 0, 3000, 'first value');
    for (let flap = 1; flap <= 10; flap++) {
      relay.cut();
      await until(r.allBad, 2000, `tags bad after flap ${flap}`);
      await until(() => r.ex.health().reconnects === flap && r.ex.state === 'connected', 5000, `reconnect ${flap}`).catch((err: Error) => {
        throw new Error(`${err.message}: ${JSON.stringify(r.ex.health())}`);
      });
      // A change made in the PLC after the flap must arrive by the new subscription.
      plc.image.inputs[dIn] = flap + 0.5;
      await until(() => r.x('d').v === flap + 0.5 && r.x('d').q === 0, 3000, `notification after flap ${flap}`);
    }
    assert.is(r.ex.health().reconnects, 10);
    // Each dropped link's session was reactivated on the new channel and closed, not left to
    // time out on the server: one live session, not eleven.
    assert.is(r.adapter.reclaimedSessions, 10);
    assert.ok(plc.server instanceof OpcuaSoftPlcServer);
    assert.is(plc.server.sessionCount, 1);
  } finally {
    await r.ex.close();
    await relay.close();
    await plc.close();
  }
});

for (const readMode of ['subscription', 'poll'] as const) {
  test(`${readMode}: a silent link (no FIN, no RST) is detected within 2 s and recovered`, async () => {
    const plc = await startSoftPlc({ program: echoProgram(ENTRIES), protocol: 'opcua', cycleMs: 10 });
    const relay = await tcpRelay(Number(new URL(plc.endpoint.replace('opc.tcp', 'http')).port));
    const r = rig(`opc.tcp://127.0.0.1:${relay.port}`, 100, readMode);
    const dIn = ENTRIES.findIndex((e) => e.name === 'd');
    try {
      await r.ex.start();
      await until(() => r.x('d').q === 0, 3000, 'first value');
      relay.freeze();
      const ms = await until(r.allBad, 2000, 'tags bad on a silent link');
      assert.ok(ms < 2000);
      plc.image.inputs[dIn] = 7.5;
      await until(() => r.x('d').v === 7.5 && r.x('d').q === 0, 8000, 'values over a new connection');
    } finally {
      await r.ex.close();
      await relay.close();
      await plc.close();
    }
  });
}

test('a write while disconnected is reported failed and never replayed', async () => {
  const plc = await startSoftPlc({ program: echoProgram(ENTRIES), protocol: 'opcua', cycleMs: 10 });
  const relay = await tcpRelay(Number(new URL(plc.endpoint.replace('opc.tcp', 'http')).port));
  const a = new OpcuaAdapter({ endpoint: `opc.tcp://127.0.0.1:${relay.port}`, cycleMs: 10, readMode: 'poll' });
  try {
    await a.connect();
    const w = await a.prepare([{ address: 'ns=1;s=in.a', type: 'real', direction: 'write' }]);
    await a.write(w, Float64Array.of(1));
    assert.is(plc.image.inputs[0], 1);
    relay.cut();
    await until(() => a.state === 'disconnected', 2000, 'the adapter to see the cut');
    const writes = plc.server.counters.writes;
    try {
      await a.write(w, Float64Array.of(99));
      assert.unreachable('write while disconnected must fail');
    } catch (err) {
      assert.ok(isTwinloopError(err, 'PLC_WRITE_FAILED'), String(err));
    }
    await a.connect();
    await new Promise((res) => setTimeout(res, 300));
    assert.is(plc.server.counters.writes, writes, 'nothing was written after the reconnect');
    assert.is(plc.image.inputs[0], 1, 'the failed value never reached the PLC');
  } finally {
    await a.close();
    await relay.close();
    await plc.close();
  }
});

test('exchange: sensors changed while down are not replayed; one refresh writes the current values', async () => {
  const plc = await startSoftPlc({ program: echoProgram(ENTRIES), protocol: 'opcua', cycleMs: 10 });
  const relay = await tcpRelay(Number(new URL(plc.endpoint.replace('opc.tcp', 'http')).port));
  const r = rig(`opc.tcp://127.0.0.1:${relay.port}`, 300);
  try {
    await r.ex.start();
    await until(() => r.x('a').q === 0, 3000, 'first value');
    relay.cut();
    await until(r.allBad, 2000, 'tags bad');
    const writes = plc.server.counters.writes;
    for (let k = 1; k <= 5; k++) r.setSensor('s.a', 10 + k); // five changes while down
    await until(() => r.ex.state === 'connected' && r.x('a').v === 15 && r.x('a').q === 0, 5000, 'the current value after reconnect');
    await new Promise((res) => setTimeout(res, 200));
    assert.is(plc.server.counters.writes - writes, 3, 'one refresh of the three sensor tags, no replay');
    assert.is(r.ex.health().writeFailures, 0);
  } finally {
    await r.ex.close();
    await relay.close();
    await plc.close();
  }
});

test.run();
