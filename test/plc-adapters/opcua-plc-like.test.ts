// The OPC UA adapter against a node-opcua server configured like a PLC's (opcua-plc-like.ts):
// 64-bit integers exact with their sign, array elements and the other types real servers use,
// operation limits honoured by every service, each bad tag named on its own, and `auto` read
// mode falling back to polling when the server's minimum intervals are slower than the cycle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DataType, VariantArrayType } from 'node-opcua';
import { OpcuaAdapter } from '../../plc-adapters/opcua/opcua-adapter.ts';
import { isTwinloopError, type ErrorCode } from '../../core/errors.ts';
import type { TagSpec } from '../../plc-adapters/adapter.ts';
import { startPlcLike, type PlcLike } from './opcua-plc-like.ts';
import { until } from './opcua-peer.ts';

const LIMITS = { maxNodesPerRead: 100, maxNodesPerWrite: 100, maxMonitoredItemsPerCall: 500, maxNodesPerBrowse: 20 };
const MANY = 1000;
let plc: PlcLike;

test.before(async () => {
  plc = await startPlcLike({ ...LIMITS, many: MANY });
});

test.after(async () => {
  await plc.close();
});

async function expectCode(p: Promise<unknown>, code: ErrorCode): Promise<Error> {
  try {
    await p;
  } catch (err) {
    assert.ok(isTwinloopError(err, code), `expected ${code}, got ${String(err)}`);
    return err as Error;
  }
  throw new Error(`expected ${code}, nothing thrown`);
}

const tag = (address: string, type: TagSpec['type'], direction: TagSpec['direction'], plcType?: string): TagSpec => ({ address, type, direction, ...(plcType ? { plcType } : {}) }) as TagSpec;

test('Int64 and UInt64 (LINT, ULINT) are written and read exactly, sign included', async () => {
  const a = new OpcuaAdapter({ endpoint: plc.endpoint, cycleMs: 10, readMode: 'poll' });
  try {
    await a.connect();
    const w = await a.prepare([tag('ns=1;s=I64', 'int', 'write'), tag('ns=1;s=U64', 'int', 'write')]);
    const r = await a.prepare([tag('ns=1;s=I64', 'int', 'read'), tag('ns=1;s=U64', 'int', 'read'), tag('ns=1;s=I64ro', 'int', 'read')]);
    const out = new Float64Array(3);
    const q = new Uint8Array(3);
    const cases: [number, number][] = [
      [-2, 5],
      [-9007199254740991, 9007199254740991],
      [-4294967296, 4294967296],
      [123456789012345, 0],
    ];
    for (const [i64, u64] of cases) {
      await a.write(w, Float64Array.of(i64, u64));
      // On the server, as the PLC sees it: two's complement words.
      if (i64 === -2) assert.equal(plc.get('ns=1;s=I64'), [0xffffffff, 0xfffffffe]);
      await a.read(r, out, q);
      assert.is(out[0], i64, `Int64 ${i64}`);
      assert.is(out[1], u64, `UInt64 ${u64}`);
      assert.equal([...q], [0, 0, 0]);
    }
    assert.is(out[2], -2, 'a negative Int64 set by the PLC reads negative');
    // Beyond 2^53 a double is no longer exact: refused, naming the tag, nothing sent.
    const err = await expectCode(a.write(w, Float64Array.of(2 ** 60, 0)), 'PLC_WRITE_FAILED');
    assert.match(err.message, 'ns=1;s=I64');
    assert.match(err.message, '2^53');
    // A value the PLC holds beyond 2^53 reads rounded, with uncertain quality.
    plc.set('ns=1;s=I64ro', DataType.Int64, [0x7fffffff, 0xffffffff], VariantArrayType.Scalar);
    await a.read(r, out, q);
    assert.is(out[2], 9223372036854775807);
    assert.is(q[2], 1, 'uncertain: rounded to the nearest double');
    plc.set('ns=1;s=I64ro', DataType.Int64, [0xffffffff, 0xfffffffe], VariantArrayType.Scalar);
  } finally {
    await a.close();
  }
});

test('subscription: a negative Int64 arrives negative', async () => {
  const a = new OpcuaAdapter({ endpoint: plc.endpoint, cycleMs: 10, readMode: 'subscription' });
  try {
    await a.connect();
    const r = await a.prepare([tag('ns=1;s=I64ro', 'int', 'read')]);
    const out = new Float64Array(1);
    const q = new Uint8Array(1);
    await until(() => {
      void a.read(r, out, q).catch(() => undefined);
      return q[0] === 0;
    }, 3000, 'the first notification');
    assert.is(out[0], -2);
  } finally {
    await a.close();
  }
});

test('array elements (Arr[2]), String, enumeration, Duration and UtcTime are tags', async () => {
  const a = new OpcuaAdapter({ endpoint: plc.endpoint, cycleMs: 10, readMode: 'poll' });
  try {
    await a.connect();
    const r = await a.prepare([
      tag('ns=1;s=Arr[2]', 'real', 'read'),
      tag('ns=1;s=IArr[3]', 'int', 'read'),
      tag('ns=1;s=Str', 'real', 'read'),
      tag('ns=1;s=Mode', 'int', 'read', 'MotorMode'),
      tag('ns=1;s=Dur', 'real', 'read', 'Duration'),
      tag('ns=1;s=Time', 'real', 'read'),
    ]);
    const out = new Float64Array(6);
    const q = new Uint8Array(6);
    await a.read(r, out, q);
    assert.equal([...out], [3.5, 40, 12.5, 2, 250, Date.UTC(2026, 0, 2, 3, 4, 5, 6)]);
    assert.equal([...q], [0, 0, 0, 0, 0, 0]);
    const w = await a.prepare([tag('ns=1;s=Arr[1]', 'real', 'write'), tag('ns=1;s=IArr[0]', 'int', 'write'), tag('ns=1;s=Str', 'int', 'write'), tag('ns=1;s=Mode', 'int', 'write'), tag('ns=1;s=Dur', 'real', 'write')]);
    await a.write(w, Float64Array.of(-7.25, 99, 42, 1, 1000));
    assert.equal([...(plc.get('ns=1;s=Arr') as Float64Array)], [1.5, -7.25, 3.5, 4.5], 'only element 1 changed');
    assert.equal([...(plc.get('ns=1;s=IArr') as Int32Array)], [99, 20, 30, 40]);
    assert.is(plc.get('ns=1;s=Str'), '42');
    assert.is(plc.get('ns=1;s=Mode'), 1);
    assert.is(plc.get('ns=1;s=Dur'), 1000);
    // Subscriptions deliver elements too.
    const s = new OpcuaAdapter({ endpoint: plc.endpoint, cycleMs: 10, readMode: 'subscription' });
    try {
      await s.connect();
      const sr = await s.prepare([tag('ns=1;s=Arr[1]', 'real', 'read')]);
      const o = new Float64Array(1);
      const sq = new Uint8Array(1);
      await until(() => {
        void s.read(sr, o, sq).catch(() => undefined);
        return sq[0] === 0;
      }, 3000, 'the element notification');
      assert.is(o[0], -7.25);
    } finally {
      await s.close();
    }
  } finally {
    await a.close();
  }
});

test('a whole array, an element past its end and a structure are refused at prepare, each naming its tag', async () => {
  const a = new OpcuaAdapter({ endpoint: plc.endpoint, cycleMs: 10, readMode: 'poll' });
  try {
    await a.connect();
    const whole = await expectCode(a.prepare([tag('ns=1;s=Arr', 'real', 'read')]), 'PLC_TAG_TYPE');
    assert.match(whole.message, 'tag ns=1;s=Arr: is an array');
    assert.match(whole.message, 'ns=1;s=Arr[0]');
    const past = await expectCode(a.prepare([tag('ns=1;s=Arr[9]', 'real', 'read')]), 'PLC_TAG_UNKNOWN');
    assert.match(past.message, 'tag ns=1;s=Arr[9]: element [9]');
    const scalar = await expectCode(a.prepare([tag('ns=1;s=Dur[1]', 'real', 'read')]), 'PLC_TAG_TYPE');
    assert.match(scalar.message, 'is a scalar');
    const struct = await expectCode(a.prepare([tag('ns=1;s=Info', 'real', 'read')]), 'PLC_TAG_TYPE');
    assert.match(struct.message, 'tag ns=1;s=Info: has a DataType that is not a built-in');
  } finally {
    await a.close();
  }
});

test('two bad tags: each error names its own tag', async () => {
  const a = new OpcuaAdapter({ endpoint: plc.endpoint, cycleMs: 10, readMode: 'poll' });
  try {
    await a.connect();
    const err = await expectCode(a.prepare([tag('ns=1;s=V1', 'real', 'read'), tag('ns=1;s=Nope', 'real', 'read'), tag('ns=1;s=Str', 'bool', 'read')]), 'PLC_TAG_UNKNOWN');
    const parts = err.message.split('; ');
    assert.is(parts.length, 2, err.message);
    assert.match(parts[0]!, /^tag ns=1;s=Nope: unknown .*BadNodeIdUnknown/);
    assert.match(parts[1]!, /^tag ns=1;s=Str: is String on the server, tag map says bool/);
  } finally {
    await a.close();
  }
});

test('operation limits are read at connect and every service is sliced to them', async () => {
  const a = new OpcuaAdapter({ endpoint: plc.endpoint, cycleMs: 10, readMode: 'subscription' });
  const p = new OpcuaAdapter({ endpoint: plc.endpoint, cycleMs: 10, readMode: 'poll' });
  try {
    plc.requests.clear();
    await a.connect();
    await p.connect();
    assert.equal(a.limits, LIMITS);
    const specs = (dir: TagSpec['direction']) => Array.from({ length: MANY }, (_, i) => tag(`ns=1;s=V${i}`, 'real', dir));
    // 1,000 monitored items against MaxMonitoredItemsPerCall 500: two calls, no BadTooManyOperations.
    const sr = await a.prepare(specs('read'));
    const pr = await p.prepare(specs('read'));
    const pw = await p.prepare(specs('write'));
    const values = Float64Array.from({ length: MANY }, (_, i) => i * 2 + 0.5);
    await p.write(pw, values);
    const out = new Float64Array(MANY);
    const q = new Uint8Array(MANY);
    await p.read(pr, out, q);
    assert.equal([...out], [...values]);
    await until(() => {
      void a.read(sr, out, q).catch(() => undefined);
      return out[MANY - 1] === values[MANY - 1] && q.every((x) => x === 0);
    }, 5000, 'all 1,000 notifications');
    const sizes = (name: string) => plc.requests.get(name) ?? [];
    assert.ok(sizes('CreateMonitoredItemsRequest').length >= 2, 'monitored items created in several calls');
    assert.ok(Math.max(...sizes('CreateMonitoredItemsRequest')) <= 500);
    assert.ok(Math.max(...sizes('ReadRequest')) <= 100, `reads within 100 nodes (${Math.max(...sizes('ReadRequest'))})`);
    assert.ok(Math.max(...sizes('WriteRequest')) <= 100);
  } finally {
    await a.close();
    await p.close();
  }
});

test('a request the server still refuses as too big names the tags and the limit', async () => {
  // The server publishes no limits here but enforces one: as some gateways do.
  const hidden = await startPlcLike({ many: 300 });
  const ops = (hidden.server.engine.serverCapabilities.operationLimits as { maxNodesPerRead: number });
  const a = new OpcuaAdapter({ endpoint: hidden.endpoint, cycleMs: 10, readMode: 'poll' });
  try {
    await a.connect();
    const r = await a.prepare(Array.from({ length: 300 }, (_, i) => tag(`ns=1;s=V${i}`, 'real', 'read')));
    ops.maxNodesPerRead = 100;
    const err = await expectCode(a.read(r, new Float64Array(300), new Uint8Array(300)), 'PLC_LIMIT');
    assert.match(err.message, 'ns=1;s=V0 ... ns=1;s=V299 (300)');
    assert.match(err.message, 'maxNodesPerRead');
    assert.match(err.message, 'BadTooManyOperations');
    assert.is(a.state, 'connected', 'the link is fine, the request was not');
  } finally {
    await a.close();
    await hidden.close();
  }
});

test('revised intervals: 100 ms minimum reported; auto falls back to polling, subscription stays', async () => {
  const sub = new OpcuaAdapter({ endpoint: plc.endpoint, cycleMs: 10, readMode: 'subscription' });
  const auto = new OpcuaAdapter({ endpoint: plc.endpoint, cycleMs: 10, readMode: 'auto' });
  try {
    await sub.connect();
    await sub.prepare([tag('ns=1;s=V1', 'real', 'read')]);
    assert.is(sub.revised?.publishingMs, 100);
    assert.is(sub.revised?.samplingMs, 100);
    assert.is(sub.revised?.readMode, 'subscription');
    await auto.connect();
    const r = await auto.prepare([tag('ns=1;s=V1', 'real', 'read')]);
    assert.is(auto.revised?.publishingMs, 100);
    assert.is(auto.revised?.readMode, 'poll');
    plc.set('ns=1;s=V1', DataType.Double, 77.5);
    const out = new Float64Array(1);
    const q = new Uint8Array(1);
    await auto.read(r, out, q); // a poll: the value at once, not a cached notification
    assert.is(out[0], 77.5);
    assert.is(q[0], 0);
  } finally {
    await sub.close();
    await auto.close();
  }
});

test.run();
