// OPC UA benchmarks, on loopback, against a soft PLC in its own process (echo program, 1,000
// tags) so the server does not share our event loop:
//  1. I/O cycle time with 1,000 tags: one Read of 1,000 nodes and one Write of 1,000 nodes,
//     through the adapter and through the raw node-opcua session call in the same run
//     (alternating blocks; the ratio is the adapter's overhead, target <= 1.15x), and the same
//     prebuilt, timestamp-free requests the adapter sends, raw (its overhead on its own wire form);
//  2. the NetworkExchange at a 10 ms cycle with 1,000 read + 1,000 write tags: cycles kept,
//     read time p50/p99;
//  3. latency from a tag change in the soft PLC to the exchange's sink, polled at 10 ms and by
//     subscription (the server revises the sampling; the revised figure is printed);
//  4. the cost of the operation-limits handling (issue 18) against a server without limits:
//     the adapter's 1,000-tag Read and Write (limits read at connect, every request checked
//     against them) beside the same prebuilt wire requests sent raw, alternating blocks in the
//     same run, and the slicing check itself timed per call.
// Bounded to ~20 s. Run alone: node --import tsx bench/opcua.ts

import { startSoftPlcProcess } from '../core/engine/soft-plc-process.ts';
import { pct, timeCalls } from './timing.ts';
import { exchangeCycle } from './exchange-cycle.ts';
import { rmSync } from 'node:fs';
import { OPCUAClient, AttributeIds, type ClientSession, type ReadValueIdOptions, type WriteValueOptions, DataType, ReadRequest, ReadResponse, ReadValueId, TimestampsToReturn, WriteRequest, WriteValue } from 'node-opcua';
import { OpcuaAdapter } from '../plc-adapters/opcua/opcua-adapter.ts';
import { chunked } from '../plc-adapters/opcua/opcua-batch.ts';
import { certificateManager, tempPkiFolder } from '../plc-adapters/opcua/pki.ts';
import { manyTags, echoProgram } from '../plc-adapters/soft-plc/echo-program.ts';
import { startSoftPlc } from '../plc-adapters/soft-plc/soft-plc.ts';
import { NetworkExchange, type ActuatorSink, type NetworkTag } from '../core/network-exchange.ts';
import { SignalTable, type SignalDef } from '../core/signals.ts';
import type { TagSpec } from '../plc-adapters/adapter.ts';

const N = 1000;
const f = (x: number) => x.toFixed(2);

async function overhead(log: (s: string) => void, endpoint: string): Promise<void> {
  const tags = manyTags(N);
  const readSpecs: TagSpec[] = tags.map((t) => ({ address: `ns=1;s=out.${t.name}`, type: t.type, direction: 'read' }));
  const writeSpecs: TagSpec[] = tags.map((t) => ({ address: `ns=1;s=in.${t.name}`, type: t.type, direction: 'write' }));
  const adapter = new OpcuaAdapter({ endpoint, cycleMs: 10, readMode: 'poll' });
  await adapter.connect();
  const rb = await adapter.prepare(readSpecs);
  const wb = await adapter.prepare(writeSpecs);
  const out = new Float64Array(N);
  const q = new Uint8Array(N);
  const values = Float64Array.from(tags, (t, k) => (t.type === 'bool' ? k & 1 : k));

  // The raw library call: the same session API the adapter uses, nodes built up front.
  const pki = tempPkiFolder('bench-raw');
  const cm = await certificateManager(pki, false);
  const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 }, clientCertificateManager: cm });
  await client.connect(endpoint);
  const session: ClientSession = await client.createSession();
  const readIds: ReadValueIdOptions[] = readSpecs.map((s) => ({ nodeId: s.address, attributeId: AttributeIds.Value }));
  const dt = (t: TagSpec['type']) => (t === 'bool' ? DataType.Boolean : t === 'int' ? DataType.Int32 : DataType.Double);
  const writeVals: WriteValueOptions[] = writeSpecs.map((s, k) => ({
    nodeId: s.address,
    attributeId: AttributeIds.Value,
    value: { value: { dataType: dt(s.type), value: s.type === 'bool' ? values[k] !== 0 : values[k]! } },
  }));

  // The same wire requests the adapter sends (prebuilt bodies, TimestampsToReturn Neither),
  // through the session's transaction call: the baseline for the adapter's own overhead.
  type Transact = (r: ReadRequest | WriteRequest, cb: (err: Error | null, res?: unknown) => void) => void;
  const transact = (session as unknown as { performMessageTransaction: Transact }).performMessageTransaction.bind(session);
  const send = (r: ReadRequest | WriteRequest): Promise<unknown> => new Promise((res, rej) => transact(r, (e, x) => (e ? rej(e) : res(x))));
  const prebuiltIds = readIds.map((o) => new ReadValueId(o));
  const prebuiltWrites = writeVals.map((o) => new WriteValue(o));
  const sameRead = async (): Promise<void> => {
    const r = new ReadRequest({ maxAge: 0, timestampsToReturn: TimestampsToReturn.Neither });
    r.nodesToRead = prebuiltIds;
    const res = await send(r);
    if (!(res instanceof ReadResponse)) throw new Error('no ReadResponse');
  };
  const sameWrite = async (): Promise<void> => {
    const r = new WriteRequest({});
    r.nodesToWrite = prebuiltWrites;
    await send(r);
  };

  const rawRead: number[] = [];
  const adRead: number[] = [];
  const rawWrite: number[] = [];
  const adWrite: number[] = [];
  const sameR: number[] = [];
  const sameW: number[] = [];
  // Warm-up (JIT, buffers), then alternating blocks so load drift hits both sides alike.
  await timeCalls(() => session.read(readIds), 10, 200, []);
  await timeCalls(() => adapter.read(rb, out, q), 10, 200, []);
  for (let block = 0; block < 3; block++) {
    await timeCalls(() => session.read(readIds), 30, 250, rawRead);
    await timeCalls(sameRead, 30, 250, sameR);
    await timeCalls(() => adapter.read(rb, out, q), 30, 250, adRead);
    await timeCalls(() => session.write(writeVals), 15, 200, rawWrite);
    await timeCalls(sameWrite, 15, 200, sameW);
    await timeCalls(() => adapter.write(wb, values), 15, 200, adWrite);
  }
  const r50 = pct(rawRead, 0.5);
  const a50 = pct(adRead, 0.5);
  const w50 = pct(rawWrite, 0.5);
  const aw50 = pct(adWrite, 0.5);
  log(`read ${N} tags   raw node-opcua p50 ${f(r50)} ms p99 ${f(pct(rawRead, 0.99))} ms | adapter p50 ${f(a50)} ms p99 ${f(pct(adRead, 0.99))} ms | overhead ${f(a50 / r50)}x (n=${adRead.length})`);
  log(`write ${N} tags  raw node-opcua p50 ${f(w50)} ms p99 ${f(pct(rawWrite, 0.99))} ms | adapter p50 ${f(aw50)} ms p99 ${f(pct(adWrite, 0.99))} ms | overhead ${f(aw50 / w50)}x (n=${adWrite.length})`);
  const s50 = pct(sameR, 0.5);
  const sw50 = pct(sameW, 0.5);
  log(`same wire requests as the adapter (prebuilt, no timestamps), raw: read p50 ${f(s50)} ms, write p50 ${f(sw50)} ms | adapter overhead on them: read ${f(a50 / s50)}x, write ${f(aw50 / sw50)}x`);
  log(`I/O cycle (1 read + 1 write of ${N} tags, adapter) one after the other p50 ~${f(a50 + aw50)} ms`);
  // As the exchange runs a cycle: its one Read and its one Write in flight together.
  const rc: number[] = [];
  const ac: number[] = [];
  // The client's own CPU per adapter cycle (this process; the server is another): what a cycle
  // would cost against a server that answered at once.
  let clientUs = 0;
  for (let block = 0; block < 2; block++) {
    await timeCalls(() => Promise.all([sameRead(), sameWrite()]), 10, 300, rc);
    const before = ac.length;
    const cpu0 = process.cpuUsage();
    await timeCalls(() => Promise.all([adapter.read(rb, out, q), adapter.write(wb, values)]), 10, 300, ac);
    const cpu = process.cpuUsage(cpu0);
    clientUs += (cpu.user + cpu.system) / Math.max(1, ac.length - before);
  }
  log(`I/O cycle, Read and Write in flight together (as the exchange does): raw p50 ${f(pct(rc, 0.5))} ms | adapter p50 ${f(pct(ac, 0.5))} ms p99 ${f(pct(ac, 0.99))} ms (n=${ac.length}); target 10 ms`);
  log(`  of which the client's own CPU per adapter cycle: ${f(clientUs / 2 / 1000)} ms (the rest is the server's work and the wire)`);
  await session.close();
  await client.disconnect();
  await cm.dispose();
  rmSync(pki, { recursive: true, force: true });
  await adapter.close();
}

/**
 * What the limits handling costs when the server publishes no limits: the adapter beside the
 * same wire requests sent raw (baseline), and the slicing check alone, in ns per request.
 */
async function limitsCost(log: (s: string) => void, endpoint: string): Promise<void> {
  const tags = manyTags(N);
  const adapter = new OpcuaAdapter({ endpoint, cycleMs: 10, readMode: 'poll' });
  await adapter.connect();
  const rb = await adapter.prepare(tags.map((t) => ({ address: `ns=1;s=out.${t.name}`, type: t.type, direction: 'read' as const })));
  const wb = await adapter.prepare(tags.map((t) => ({ address: `ns=1;s=in.${t.name}`, type: t.type, direction: 'write' as const })));
  const out = new Float64Array(N);
  const q = new Uint8Array(N);
  const values = Float64Array.from(tags, (t, k) => (t.type === 'bool' ? k & 1 : k));
  const pki = tempPkiFolder('opcua-bench-limits');
  const cm = await certificateManager(pki, false);
  const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 }, clientCertificateManager: cm });
  await client.connect(endpoint);
  const session: ClientSession = await client.createSession();
  type Transact = (r: ReadRequest | WriteRequest, cb: (err: Error | null, res?: unknown) => void) => void;
  const transact = (session as unknown as { performMessageTransaction: Transact }).performMessageTransaction.bind(session);
  const send = (r: ReadRequest | WriteRequest): Promise<unknown> => new Promise((res, rej) => transact(r, (e, x) => (e ? rej(e) : res(x))));
  const ids = tags.map((t) => new ReadValueId({ nodeId: `ns=1;s=out.${t.name}`, attributeId: AttributeIds.Value }));
  const dt = (t: TagSpec['type']) => (t === 'bool' ? DataType.Boolean : t === 'int' ? DataType.Int32 : DataType.Double);
  const writes = tags.map((t, k) => new WriteValue({ nodeId: `ns=1;s=in.${t.name}`, attributeId: AttributeIds.Value, value: { value: { dataType: dt(t.type), value: t.type === 'bool' ? values[k] !== 0 : values[k]! } } }));
  const rawRead = async (): Promise<void> => {
    const r = new ReadRequest({ maxAge: 0, timestampsToReturn: TimestampsToReturn.Neither });
    r.nodesToRead = ids;
    await send(r);
  };
  const rawWrite = async (): Promise<void> => {
    const r = new WriteRequest({});
    r.nodesToWrite = writes;
    await send(r);
  };
  const [rr, ar, rw, aw]: number[][] = [[], [], [], []];
  await timeCalls(rawRead, 10, 200, []);
  await timeCalls(() => adapter.read(rb, out, q), 10, 200, []);
  for (let block = 0; block < 4; block++) {
    await timeCalls(rawRead, 25, 250, rr);
    await timeCalls(() => adapter.read(rb, out, q), 25, 250, ar);
    await timeCalls(rawWrite, 12, 200, rw);
    await timeCalls(() => adapter.write(wb, values), 12, 200, aw);
  }
  // The check every request goes through, alone (limit 0: the whole list in one call).
  const noop = (x: ReadValueId[]): Promise<ReadValueId[]> => Promise.resolve(x);
  const M = 100_000;
  let t0 = performance.now();
  for (let i = 0; i < M; i++) await noop(ids);
  const direct = ((performance.now() - t0) / M) * 1e6;
  t0 = performance.now();
  for (let i = 0; i < M; i++) await chunked(ids, adapter.limits.maxNodesPerRead, noop);
  const sliced = ((performance.now() - t0) / M) * 1e6;
  const l = adapter.limits;
  log(`limits handling, server without limits (published: read ${l.maxNodesPerRead}, write ${l.maxNodesPerWrite}, monitored items ${l.maxMonitoredItemsPerCall}, browse ${l.maxNodesPerBrowse}; 0 = none):`);
  log(`  read ${N} tags: baseline raw same-wire p50 ${f(pct(rr, 0.5))} ms | adapter p50 ${f(pct(ar, 0.5))} ms (${f(pct(ar, 0.5) / pct(rr, 0.5))}x, n=${ar.length})`);
  log(`  write ${N} tags: baseline raw same-wire p50 ${f(pct(rw, 0.5))} ms | adapter p50 ${f(pct(aw, 0.5))} ms (${f(pct(aw, 0.5) / pct(rw, 0.5))}x, n=${aw.length})`);
  log(`  the slicing check alone (writes; polled reads are sliced once per connection): ${sliced.toFixed(0)} ns per request vs ${direct.toFixed(0)} ns for the bare call (${((sliced - direct) / 1e6 / pct(rr, 0.5) * 100).toFixed(4)} % of a read)`);
  await session.close();
  await client.disconnect();
  await cm.dispose();
  rmSync(pki, { recursive: true, force: true });
  await adapter.close();
}

class LatencySink implements ActuatorSink {
  readonly value: Float64Array;
  watch = -1;
  want = Number.NaN;
  hitAt = Number.NaN;
  constructor(n: number) {
    this.value = new Float64Array(n);
  }
  write(id: number, value: number): void {
    this.value[id] = value;
    if (id === this.watch && value === this.want && Number.isNaN(this.hitAt)) this.hitAt = performance.now();
  }
  flush(): void {}
}

async function latency(log: (s: string) => void): Promise<void> {
  // In-process soft PLC so the change instant is known exactly (the image is poked directly).
  const entries = manyTags(10);
  const plc = await startSoftPlc({ program: echoProgram(entries), protocol: 'opcua', cycleMs: 10 });
  const defs: SignalDef[] = entries.map((t) => ({ name: `x.${t.name}`, type: t.type, kind: 'actuator' as const, unit: '' }));
  const map: NetworkTag[] = entries.map((t) => ({ signal: `x.${t.name}`, address: `ns=1;s=out.${t.name}`, type: t.type, direction: 'read' as const }));
  for (const readMode of ['poll', 'subscription'] as const) {
    const table = SignalTable.create(defs);
    const sink = new LatencySink(defs.length);
    const adapter = new OpcuaAdapter({ endpoint: plc.endpoint, cycleMs: 10, readMode });
    const ex = new NetworkExchange({ name: 'lat', adapter, tags: map, resolve: (s) => table.id(s), table, sink, cycleMs: 10 });
    await ex.start();
    const real = 2; // t2 is a real
    sink.watch = real;
    const lat: number[] = [];
    for (let i = 1; i <= 15; i++) {
      await new Promise((r) => setTimeout(r, 37 + (i % 7) * 3)); // not locked to either cycle
      sink.want = i + 0.25;
      sink.hitAt = Number.NaN;
      const t = performance.now();
      plc.image.inputs[real] = i + 0.25;
      for (let w = 0; w < 100 && Number.isNaN(sink.hitAt); w++) await new Promise((r) => setTimeout(r, 2));
      if (!Number.isNaN(sink.hitAt)) lat.push(sink.hitAt - t);
    }
    const h = ex.health();
    const revised = readMode === 'subscription' ? ` (server revised sampling ${h.revisedSamplingMs} ms, publishing ${h.revisedPublishingMs} ms)` : '';
    log(`soft-PLC tag change -> exchange sink, ${readMode}: p50 ${f(pct(lat, 0.5))} ms p99 ${f(pct(lat, 0.99))} ms (n=${lat.length}, includes one 10 ms PLC scan)${revised}`);
    await ex.close();
  }
  await plc.close();
}

export async function opcuaBench(log: (s: string) => void): Promise<void> {
  const plc = await startSoftPlcProcess({ program: 'echo', protocol: 'opcua', tags: N });
  const { endpoint } = plc;
  try {
    log(`soft PLC (separate process) ${endpoint}, echo program, ${N} tags`);
    await overhead(log, endpoint);
    await limitsCost(log, endpoint);
    await exchangeCycle(log, { adapter: new OpcuaAdapter({ endpoint, cycleMs: 10, readMode: 'poll' }), address: (n) => `ns=1;s=${n}`, tags: N, cycleMs: 10, seconds: 2 });
  } finally {
    await plc.close();
  }
  await latency(log);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await opcuaBench((s) => console.log(s));
}
