// The OPC UA adapter against a real node-opcua server (the soft PLC) on 127.0.0.1: every
// supported type both ways, in poll and subscription mode, a 1,000-tag batch, refused tags
// named, read-only mode without a write path, bounded connect failures, browsing a tag list.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OpcuaAdapter } from '../../plc-adapters/opcua/opcua-adapter.ts';
import { OpcuaSoftPlcServer } from '../../plc-adapters/opcua/opcua-soft-plc-server.ts';
import { plantYaml } from '../../plc-adapters/opcua/opcua-browse.ts';
import { parsePlantFile } from '../../core/config/plant-file.ts';
import { startSoftPlc, type SoftPlc } from '../../plc-adapters/soft-plc/soft-plc.ts';
import { isTwinloopError } from '../../core/errors.ts';
import type { TagSpec } from '../../plc-adapters/adapter.ts';
import { echoProgram, manyTags, silentServer, until } from './opcua-peer.ts';

const N = 1000;
let plc: SoftPlc;

const inTags = (names: readonly string[], types: readonly TagSpec['type'][]): TagSpec[] =>
  names.map((n, k) => ({ address: `ns=1;s=in.${n}`, type: types[k]!, direction: 'write' }));
const outTags = (names: readonly string[], types: readonly TagSpec['type'][]): TagSpec[] =>
  names.map((n, k) => ({ address: `ns=1;s=out.${n}`, type: types[k]!, direction: 'read' }));

test.before(async () => {
  plc = await startSoftPlc({ program: echoProgram([{ name: 'b', type: 'bool' }, { name: 'i', type: 'int' }, { name: 'r', type: 'real' }, ...manyTags(N)]), protocol: 'opcua', cycleMs: 10 });
});

test.after(async () => {
  await plc.close();
});

async function expectCode(p: Promise<unknown>, code: Parameters<typeof isTwinloopError>[1]): Promise<Error> {
  try {
    await p;
  } catch (err) {
    assert.ok(isTwinloopError(err, code), `expected ${code}, got ${String(err)}`);
    return err as Error;
  }
  throw new Error(`expected ${code}, nothing thrown`);
}

for (const readMode of ['poll', 'subscription'] as const) {
  test(`${readMode}: bool, int and real go out and come back through a scan`, async () => {
    const a = new OpcuaAdapter({ endpoint: plc.endpoint, cycleMs: 10, readMode });
    // Reads are polled without blocking the predicate; the last one is awaited before close, so
    // a read that the closing channel cancels never becomes an unhandled rejection.
    let inFlight: Promise<unknown> = Promise.resolve();
    try {
      await a.connect();
      assert.is(a.state, 'connected');
      const types: TagSpec['type'][] = ['bool', 'int', 'real'];
      const w = await a.prepare(inTags(['b', 'i', 'r'], types));
      const r = await a.prepare(outTags(['b', 'i', 'r'], types));
      const out = new Float64Array(3);
      const q = new Uint8Array(3);
      for (const sample of [[1, -123456, 3.25], [0, 2147483647, -1e-3]]) {
        await a.write(w, Float64Array.from(sample));
        await until(() => plc.image.outputs[1] === sample[1], 2000, 'the scan to echo');
        await until(() => {
          inFlight = a.read(r, out, q).catch(() => undefined);
          return out[0] === sample[0] && out[1] === sample[1] && out[2] === sample[2] && q.every((x) => x === 0);
        }, 3000, `read back ${sample.join(',')} (got ${[...out].join(',')})`);
      }
      if (readMode === 'subscription') {
        assert.ok(a.revised && a.revised.publishingMs >= 10, 'the revised publishing interval is reported');
        assert.ok(a.revised && a.revised.samplingMs >= 10, 'the revised sampling interval is reported');
      }
    } finally {
      await inFlight;
      await a.close();
    }
  });
}

test('a batch of 1,000 tags is written in one request and read back', async () => {
  const a = new OpcuaAdapter({ endpoint: plc.endpoint, cycleMs: 10, readMode: 'poll' });
  try {
    await a.connect();
    const tags = manyTags(N);
    const names = tags.map((t) => t.name);
    const types = tags.map((t) => t.type);
    const w = await a.prepare(inTags(names, types));
    const r = await a.prepare(outTags(names, types));
    const values = Float64Array.from(tags, (t, k) => (t.type === 'bool' ? k % 2 : t.type === 'int' ? k * 7 - 500 : k / 8));
    const before = plc.server.counters.writes;
    await a.write(w, values);
    assert.is(plc.server.counters.writes - before, N, 'one value per tag reached the server');
    const out = new Float64Array(N);
    const q = new Uint8Array(N);
    await until(() => plc.image.outputs[3 + N - 1] === values[N - 1], 2000, 'the scan to echo');
    await a.read(r, out, q);
    assert.equal([...out], [...values]);
    assert.ok(q.every((x) => x === 0));
  } finally {
    await a.close();
  }
});

test('an out-of-range int is refused before sending, naming the tag; the link stays up', async () => {
  const a = new OpcuaAdapter({ endpoint: plc.endpoint, cycleMs: 10, readMode: 'poll' });
  try {
    await a.connect();
    const w = await a.prepare(inTags(['b', 'i', 'r'], ['bool', 'int', 'real']));
    const before = plc.server.counters.writes;
    const err = await expectCode(a.write(w, Float64Array.from([1, 3e9, 0.5])), 'PLC_WRITE_FAILED');
    assert.match(err.message, 'ns=1;s=in.i');
    assert.is(plc.server.counters.writes, before, 'nothing of the refused write was sent');
    assert.is(a.state, 'connected');
    await a.write(w, Float64Array.from([1, 7, 0.5]));
    assert.is(plc.server.counters.writes - before, 3);
  } finally {
    await a.close();
  }
});

test('a server that caps nodes per request gets the 1,000-tag batch in slices', async () => {
  const server = new OpcuaSoftPlcServer({ maxNodesPerRead: 300, maxNodesPerWrite: 250 });
  const capped = await startSoftPlc({ program: echoProgram(manyTags(N)), protocol: 'opcua', server, cycleMs: 10 });
  const a = new OpcuaAdapter({ endpoint: capped.endpoint, cycleMs: 10, readMode: 'poll' });
  try {
    await a.connect();
    const tags = manyTags(N);
    const w = await a.prepare(inTags(tags.map((t) => t.name), tags.map((t) => t.type)));
    const r = await a.prepare(outTags(tags.map((t) => t.name), tags.map((t) => t.type)));
    const values = Float64Array.from(tags, (t, k) => (t.type === 'bool' ? 1 : k + 1));
    await a.write(w, values);
    await until(() => capped.image.outputs[N - 1] === values[N - 1], 2000, 'the echo');
    const out = new Float64Array(N);
    const q = new Uint8Array(N);
    await a.read(r, out, q);
    assert.equal([...out], [...values]);
  } finally {
    await a.close();
    await capped.close();
  }
});

test('a type mismatch and an unknown address are refused, naming the tag', async () => {
  const a = new OpcuaAdapter({ endpoint: plc.endpoint, cycleMs: 10, readMode: 'poll' });
  try {
    await a.connect();
    const mismatch = await expectCode(a.prepare([{ address: 'ns=1;s=out.b', type: 'real', direction: 'read' }]), 'PLC_TAG_TYPE');
    assert.match(mismatch.message, 'tag ns=1;s=out.b');
    assert.match(mismatch.message, 'Boolean');
    const intAsBool = await expectCode(a.prepare([{ address: 'ns=1;s=out.i', type: 'bool', direction: 'read' }]), 'PLC_TAG_TYPE');
    assert.match(intAsBool.message, 'Int32');
    const plcType = await expectCode(a.prepare([{ address: 'ns=1;s=out.i', type: 'int', direction: 'read', plcType: 'Int16' } as TagSpec]), 'PLC_TAG_TYPE');
    assert.match(plcType.message, 'plcType Int16');
    const unknown = await expectCode(a.prepare([{ address: 'ns=1;s=out.nope', type: 'real', direction: 'read' }]), 'PLC_TAG_UNKNOWN');
    assert.match(unknown.message, 'tag ns=1;s=out.nope');
    assert.match(unknown.message, 'BadNodeIdUnknown');
    const syntax = await expectCode(a.prepare([{ address: 'not a node id', type: 'real', direction: 'read' }]), 'PLC_TAG_UNKNOWN');
    assert.match(syntax.message, 'tag not a node id');
  } finally {
    await a.close();
  }
});

test('read-only mode has no write path: prepare refuses write tags, write() throws, zero writes', async () => {
  const a = new OpcuaAdapter({ endpoint: plc.endpoint, cycleMs: 10, readMode: 'poll', readOnly: true });
  const writesBefore = plc.server.counters.writes;
  try {
    await a.connect();
    const refused = await expectCode(a.prepare(inTags(['r'], ['real'])), 'PLC_READ_ONLY');
    assert.match(refused.message, 'tag ns=1;s=in.r');
    const r = await a.prepare(outTags(['r'], ['real']));
    await expectCode(a.write(r, new Float64Array(1)), 'PLC_READ_ONLY');
    await a.read(r, new Float64Array(1), new Uint8Array(1));
    assert.is(plc.server.counters.writes, writesBefore, 'the server answered no write');
  } finally {
    await a.close();
  }
});

test('a wrong endpoint fails fast; a peer that never answers fails within the connect bound', async () => {
  const nobody = await silentServer();
  const port = nobody.port;
  await nobody.close(); // nothing listens there now
  const refused = new OpcuaAdapter({ endpoint: `opc.tcp://127.0.0.1:${port}`, connectTimeoutMs: 2000 });
  let t0 = performance.now();
  await expectCode(refused.connect(), 'PLC_NOT_CONNECTED');
  assert.ok(performance.now() - t0 < 2500, 'refused connection reported within the bound');
  assert.is(refused.state, 'disconnected');
  await refused.close();

  const silent = await silentServer();
  const hung = new OpcuaAdapter({ endpoint: `opc.tcp://127.0.0.1:${silent.port}`, connectTimeoutMs: 1000 });
  t0 = performance.now();
  const err = await expectCode(hung.connect(), 'PLC_NOT_CONNECTED');
  assert.ok(performance.now() - t0 < 3000, `hung peer reported within the bound (${err.message})`);
  await hung.close();
  await silent.close();
});

test('browse: the variables of a server become a plant-file tag list that loads and prepares', async () => {
  const a = new OpcuaAdapter({ endpoint: plc.endpoint, cycleMs: 10, readMode: 'poll' });
  try {
    await a.connect();
    const result = await a.browse();
    assert.is(result.truncated, false);
    assert.is(result.tags.length, 2 * (3 + N));
    const rb = result.tags.find((t) => t.address === 'ns=1;s=out.r');
    assert.equal(rb, { signal: 'out.r', address: 'ns=1;s=out.r', direction: 'read', type: 'real', plcType: 'Double' });
    const wi = result.tags.find((t) => t.address === 'ns=1;s=in.i');
    assert.equal(wi, { signal: 'in.i', address: 'ns=1;s=in.i', direction: 'write', type: 'int', plcType: 'Int32' });
    const plant = parsePlantFile('browsed.yaml', plantYaml('plc1', plc.endpoint, result));
    const tags = plant.controllers[0]!.tags;
    assert.is(tags.length, result.tags.length);
    // What the browse wrote is accepted by the server it came from.
    await a.prepare(tags.filter((t) => t.direction === 'read').map((t) => ({ address: t.address, type: t.type, direction: t.direction, plcType: t.plcType }) as TagSpec));
  } finally {
    await a.close();
  }
});

test('securityMode without a certificate folder is a configuration error', () => {
  try {
    new OpcuaAdapter({ endpoint: plc.endpoint, securityMode: 'SignAndEncrypt' });
    assert.unreachable('should throw');
  } catch (err) {
    assert.ok(isTwinloopError(err, 'CFG_INVALID'));
    assert.match((err as Error).message, 'certificateFolder');
  }
});

test.run();
