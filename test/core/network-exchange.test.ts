// NetworkExchange against a real OPC UA soft PLC on 127.0.0.1 (echo program: each output
// copies its input): scaling both ways, deadband, periodic refresh, shadow mode without a
// write path, tag errors naming the signal, reconnect baseline, an unreachable controller.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OpcuaAdapter } from '../../plc-adapters/opcua/opcua-adapter.ts';
import { startSoftPlc, type SoftPlc } from '../../plc-adapters/soft-plc/soft-plc.ts';
import { NetworkExchange, type ActuatorSink, type NetworkTag } from '../../core/network-exchange.ts';
import { SignalTable, type SignalDef } from '../../core/signals.ts';
import { isTwinloopError } from '../../core/errors.ts';
import { echoProgram, silentServer, tcpRelay, until } from '../plc-adapters/opcua-peer.ts';

const ENTRIES = [
  { name: 'a', type: 'real' as const },
  { name: 'b', type: 'bool' as const },
  { name: 'd', type: 'int' as const },
];
const DEFS: SignalDef[] = [
  { name: 's.a', type: 'real', kind: 'sensor', unit: 'm' },
  { name: 's.b', type: 'bool', kind: 'sensor', unit: '' },
  { name: 'x.a', type: 'real', kind: 'actuator', unit: 'm' },
  { name: 'x.b', type: 'bool', kind: 'actuator', unit: '' },
  { name: 'x.d', type: 'int', kind: 'actuator', unit: '' },
];
const SCALE = { gain: 2, offset: 1 };
const WRITE_TAGS: NetworkTag[] = [
  { signal: 's.a', address: 'ns=1;s=in.a', type: 'real', direction: 'write', scale: SCALE, deadband: 0.5 },
  { signal: 's.b', address: 'ns=1;s=in.b', type: 'bool', direction: 'write' },
];
const READ_TAGS: NetworkTag[] = [
  { signal: 'x.a', address: 'ns=1;s=out.a', type: 'real', direction: 'read', scale: SCALE },
  { signal: 'x.b', address: 'ns=1;s=out.b', type: 'bool', direction: 'read' },
  { signal: 'x.d', address: 'ns=1;s=out.d', type: 'int', direction: 'read' },
];

let plc: SoftPlc;

test.before(async () => {
  plc = await startSoftPlc({ program: echoProgram(ENTRIES), protocol: 'opcua', cycleMs: 10 });
});
test.after(async () => {
  await plc.close();
});

class Sink implements ActuatorSink {
  readonly value = new Float64Array(DEFS.length);
  readonly quality = new Uint8Array(DEFS.length).fill(2);
  writes = 0;
  write(id: number, value: number, quality: number): void {
    this.value[id] = value;
    this.quality[id] = quality;
    this.writes++;
  }
  flush(): void {}
}

function rig(opts: { endpoint?: string; tags?: NetworkTag[]; refreshMs?: number; readOnly?: boolean } = {}) {
  const table = SignalTable.create(DEFS);
  const work = new Float64Array(DEFS.length);
  let tick = 0;
  const set = (name: string, v: number): void => {
    work[table.id(name)] = v;
    table.publish(work, ++tick, tick / 1000);
  };
  const sink = new Sink();
  const adapter = new OpcuaAdapter({ endpoint: opts.endpoint ?? plc.endpoint, cycleMs: 10, readMode: 'poll', readOnly: opts.readOnly ?? false });
  const ex = new NetworkExchange({
    name: 'plc1',
    adapter,
    tags: opts.tags ?? [...WRITE_TAGS, ...READ_TAGS],
    resolve: (s) => table.id(s),
    table,
    sink,
    cycleMs: 10,
    refreshMs: opts.refreshMs ?? 0,
    readOnly: opts.readOnly ?? false,
    backoff: { firstMs: 100 },
  });
  const x = (n: string) => sink.value[table.id(n)]!;
  const q = (n: string) => sink.quality[table.id(n)]!;
  return { table, set, sink, ex, x, q };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('sensors are scaled to raw on the way out, actuators to model units on the way in', async () => {
  const r = rig();
  try {
    r.set('s.a', 7);
    await r.ex.start();
    await until(() => r.x('x.a') === 7 && r.q('x.a') === 0, 3000, 'x.a = 7 through the wire');
    assert.is(plc.image.inputs[0], 3, 'raw = (7 - 1) / 2 in the PLC');
    r.set('s.b', 1);
    await until(() => r.x('x.b') === 1, 3000, 'bool through the wire');
    const h = r.ex.health();
    assert.is(h.state, 'connected');
    assert.ok(h.cycles > 0 && h.readMs.p99 >= h.readMs.p50);
    assert.ok(h.maxAgeMs < 1000, `values are fresh (${h.maxAgeMs} ms)`);
  } finally {
    await r.ex.close();
  }
});

test('deadband: small sensor changes are not written, larger ones are; refresh rewrites all', async () => {
  const r = rig();
  try {
    r.set('s.a', 7);
    await r.ex.start();
    await until(() => r.x('x.a') === 7, 3000, 'first value');
    let writes = plc.server.counters.writes;
    r.set('s.a', 7.3); // below the 0.5 deadband
    await sleep(150);
    assert.is(plc.server.counters.writes, writes, 'no write for a change inside the deadband');
    r.set('s.a', 7.6); // 0.6 from the last value written
    await until(() => r.x('x.a') === 7.6, 3000, 'the larger change');
    assert.is(plc.server.counters.writes - writes, 1, 'only the changed tag was written');
  } finally {
    await r.ex.close();
  }
  const f = rig({ refreshMs: 100 });
  try {
    await f.ex.start();
    const writes = plc.server.counters.writes;
    await sleep(550);
    const n = plc.server.counters.writes - writes;
    assert.ok(n >= 2 * WRITE_TAGS.length && n % WRITE_TAGS.length === 0, `periodic refresh of all sensors (${n} writes)`);
  } finally {
    await f.ex.close();
  }
});

test('shadow mode: read-only coupling, values flow, the server answers zero writes', async () => {
  assert.throws(
    () => rig({ readOnly: true }),
    (err: unknown) => isTwinloopError(err, 'PLC_READ_ONLY') && (err as Error).message.includes('s.a'),
  );
  const r = rig({ readOnly: true, tags: READ_TAGS, refreshMs: 50 });
  const writes = plc.server.counters.writes;
  try {
    plc.image.inputs[2] = 42;
    await r.ex.start();
    await until(() => r.x('x.d') === 42 && r.q('x.d') === 0, 3000, 'values in shadow mode');
    await sleep(200);
    assert.is(plc.server.counters.writes, writes, 'zero writes');
    assert.is(r.ex.health().writes, 0);
  } finally {
    await r.ex.close();
  }
});

test('a tag error at start names the signal and the address', async () => {
  const r = rig({ tags: [{ signal: 'x.d', address: 'ns=1;s=out.d', type: 'real', direction: 'read' }] });
  try {
    await r.ex.start();
    assert.unreachable('start must refuse a mistyped tag');
  } catch (err) {
    assert.ok(isTwinloopError(err, 'PLC_TAG_TYPE'), String(err));
    assert.match((err as Error).message, 'signal x.d');
    assert.match((err as Error).message, 'ns=1;s=out.d');
    assert.is(r.ex.state, 'failed');
  } finally {
    await r.ex.close();
  }
});

test('the first value after a reconnect is a baseline, not a change', async () => {
  const relay = await tcpRelay(Number(new URL(plc.endpoint.replace('opc.tcp', 'http')).port));
  const r = rig({ endpoint: `opc.tcp://127.0.0.1:${relay.port}`, tags: READ_TAGS });
  try {
    plc.image.inputs[2] = 1;
    await r.ex.start();
    await until(() => r.x('x.d') === 1, 3000, 'first value');
    plc.image.inputs[2] = 2;
    await until(() => r.x('x.d') === 2, 3000, 'a real change');
    const changes = r.ex.health().changes;
    assert.ok(changes >= 1);
    relay.cut();
    await until(() => r.q('x.d') === 2, 2000, 'bad quality at once');
    plc.image.inputs[2] = 5; // the PLC moved on while the link was down
    await until(() => r.x('x.d') === 5 && r.q('x.d') === 0, 5000, 'value after reconnect');
    assert.is(r.ex.health().changes, changes, 'the jump seen at reconnect is not counted as a change');
    assert.is(r.ex.health().reconnects, 1);
  } finally {
    await r.ex.close();
    await relay.close();
  }
});

test('an unreachable controller is retried with backoff, not an error at start', async () => {
  const s = await silentServer();
  const port = s.port;
  await s.close();
  const r = rig({ endpoint: `opc.tcp://127.0.0.1:${port}`, tags: READ_TAGS });
  try {
    await r.ex.start();
    assert.is(r.ex.state, 'disconnected');
    assert.match(r.ex.health().lastError, 'cannot connect');
    assert.is(r.q('x.d'), 2);
  } finally {
    await r.ex.close();
  }
});

test.run();
