// S7 benchmarks, on loopback, against a soft PLC in its own process (echo program, 1,000
// tags, node-snap7's S7Server):
//  1. I/O cycle with 1,000 tags: one read and one write of 1,000 addresses through the adapter
//     and through raw nodes7 calls (same polling list, one parallel job; writes in the same
//     20-item requests) in the same run, alternating; the ratio is the adapter's overhead
//     (target <= 1.15x);
//  2. the NetworkExchange at a 20 ms cycle (the S7 target) with 1,000 read + 1,000
//     write tags: cycles kept, read time p50/p99;
//  3. block writes (the write tags' DB range as one byte array) against raw nodes7 writing the
//     same range, and the exchange again with block writes.
// Bounded to ~20 s. Run alone: node --import tsx bench/s7.ts

import { startSoftPlcProcess } from '../core/engine/soft-plc-process.ts';
import { pct, timeCalls } from './timing.ts';
import { exchangeCycle } from './exchange-cycle.ts';
import NodeS7 from 'nodes7';
import { S7Adapter, parseS7Endpoint } from '../plc-adapters/s7/s7-adapter.ts';
import { manyTags } from '../plc-adapters/soft-plc/echo-program.ts';
import type { TagSpec } from '../plc-adapters/adapter.ts';

const N = 1000;
const f = (x: number): string => x.toFixed(3);

async function overhead(log: (s: string) => void, endpoint: string, addresses: Record<string, string>): Promise<void> {
  const tags = manyTags(N);
  const readSpecs: TagSpec[] = tags.map((t) => ({ address: addresses[`out.${t.name}`]!, type: t.type, direction: 'read' }));
  const writeSpecs: TagSpec[] = tags.map((t) => ({ address: addresses[`in.${t.name}`]!, type: t.type, direction: 'write' }));
  const adapter = new S7Adapter({ endpoint });
  await adapter.connect();
  const rb = await adapter.prepare(readSpecs);
  const wb = await adapter.prepare(writeSpecs);
  const out = new Float64Array(N);
  const q = new Uint8Array(N);
  const values = Float64Array.from(tags, (t, k) => (t.type === 'bool' ? k & 1 : k));

  // Raw nodes7: its own connection, the same polling list and write chunks, values converted
  // inline (what any nodes7 user does); calls never overlap (nodes7 requires that anyway).
  const e = parseS7Endpoint(endpoint);
  const raw = new NodeS7({ silent: true });
  raw.requestMaxParallel = 1; // as the adapter negotiates: the same requests on the wire
  await new Promise<void>((resolve, reject) => raw.initiateConnection({ host: e.host, port: e.port, rack: e.rack, slot: e.slot, timeout: 2000 }, (err) => (err ? reject(new Error(String(err))) : resolve())));
  const items = readSpecs.map((s) => s.address);
  raw.addItems(items);
  const rawRead = (): Promise<void> =>
    new Promise((resolve) =>
      raw.readAllItems((_bad, v) => {
        for (let k = 0; k < N; k++) {
          const x = v[items[k]!];
          out[k] = typeof x === 'boolean' ? (x ? 1 : 0) : typeof x === 'number' ? x : Number.NaN;
        }
        resolve();
      }),
    );
  const wItems: string[][] = [];
  for (let i = 0; i < N; i += 20) wItems.push(writeSpecs.slice(i, i + 20).map((s) => s.address));
  const rawWrite = async (): Promise<void> => {
    for (let c = 0; c < wItems.length; c++) {
      const vals = wItems[c]!.map((_, j) => (tags[c * 20 + j]!.type === 'bool' ? values[c * 20 + j] !== 0 : values[c * 20 + j]!));
      await new Promise<void>((resolve) => raw.writeItems(wItems[c]!, vals, () => resolve()));
    }
  };

  const rr: number[] = [];
  const ar: number[] = [];
  const rw: number[] = [];
  const aw: number[] = [];
  await timeCalls(rawRead, 10, 200, []);
  await timeCalls(() => adapter.read(rb, out, q), 10, 200, []);
  for (let block = 0; block < 4; block++) {
    await timeCalls(rawRead, 40, 400, rr);
    await timeCalls(() => adapter.read(rb, out, q), 40, 400, ar);
  }
  // Writes take ~100 ms (50 requests): interleave raw and adapter call by call, so the load of
  // a shared machine hits both alike.
  const t0 = performance.now();
  for (let i = 0; i < 20 && performance.now() - t0 < 5000; i++) {
    await timeCalls(rawWrite, 1, 1000, rw);
    await timeCalls(() => adapter.write(wb, values), 1, 1000, aw);
  }
  const r50 = pct(rr, 0.5);
  const a50 = pct(ar, 0.5);
  const w50 = pct(rw, 0.5);
  const aw50 = pct(aw, 0.5);
  log(`PDU ${adapter.pduSize} bytes`);
  log(`read ${N} tags   raw nodes7 p50 ${f(r50)} ms p99 ${f(pct(rr, 0.99))} ms | adapter p50 ${f(a50)} ms p99 ${f(pct(ar, 0.99))} ms | overhead ${f(a50 / r50)}x (n=${ar.length})`);
  log(`write ${N} tags  raw nodes7 p50 ${f(w50)} ms p99 ${f(pct(rw, 0.99))} ms | adapter p50 ${f(aw50)} ms p99 ${f(pct(aw, 0.99))} ms | overhead ${f(aw50 / w50)}x (n=${aw.length}, ${wItems.length} requests of <= 20 items)`);
  log(`I/O cycle (1 read + 1 write of ${N} tags, adapter) p50 ~${f(a50 + aw50)} ms; target 20 ms`);
  await new Promise<void>((resolve) => raw.dropConnection(() => resolve()));
  await adapter.close();
}

/**
 * Block writes (`s7: { blockWrites: true }`): the 1,000 write tags as one byte range of DB1,
 * split by the PDU. Baseline: raw nodes7 writing the same range from a ready byte array.
 */
async function blockWrites(log: (s: string) => void, endpoint: string, addresses: Record<string, string>): Promise<void> {
  const tags = manyTags(N);
  const writeSpecs: TagSpec[] = tags.map((t) => ({ address: addresses[`in.${t.name}`]!, type: t.type, direction: 'write' }));
  const adapter = new S7Adapter({ endpoint, blockWrites: true });
  await adapter.connect();
  const wb = await adapter.prepare(writeSpecs);
  const values = Float64Array.from(tags, (t, k) => (t.type === 'bool' ? k & 1 : k));
  const { planWriteRegions } = await import('../plc-adapters/s7/s7-block-write.ts');
  const { parseS7Address } = await import('../plc-adapters/s7/s7-address.ts');
  const regions = planWriteRegions(writeSpecs.map((s) => parseS7Address(s.address) as Exclude<ReturnType<typeof parseS7Address>, string>));
  const e = parseS7Endpoint(endpoint);
  const raw = new NodeS7({ silent: true });
  raw.requestMaxParallel = 1;
  await new Promise<void>((resolve, reject) => raw.initiateConnection({ host: e.host, port: e.port, rack: e.rack, slot: e.slot, timeout: 2000 }, (err) => (err ? reject(new Error(String(err))) : resolve())));
  const rawItems = regions.map((r) => r.item);
  const rawValues = regions.map((r) => r.values.slice());
  const rawWrite = (): Promise<void> => new Promise<void>((resolve) => raw.writeItems(rawItems, rawValues, () => resolve()));
  const rw: number[] = [];
  const aw: number[] = [];
  await timeCalls(rawWrite, 5, 500, []);
  await timeCalls(() => adapter.write(wb, values), 5, 500, []);
  for (let block = 0; block < 4; block++) {
    await timeCalls(rawWrite, 20, 1000, rw);
    await timeCalls(() => adapter.write(wb, values), 20, 1000, aw);
  }
  const w50 = pct(rw, 0.5);
  const aw50 = pct(aw, 0.5);
  log(`block write ${N} tags (${regions.map((r) => r.item).join(', ')})  raw nodes7 p50 ${f(w50)} ms p99 ${f(pct(rw, 0.99))} ms | adapter p50 ${f(aw50)} ms p99 ${f(pct(aw, 0.99))} ms | overhead ${f(aw50 / w50)}x (n=${aw.length})`);
  await new Promise<void>((resolve) => raw.dropConnection(() => resolve()));
  await adapter.close();
}

export async function s7Bench(log: (s: string) => void): Promise<void> {
  const plc = await startSoftPlcProcess({ program: 'echo', protocol: 's7', tags: N });
  const { endpoint, addresses } = plc;
  try {
    log(`soft PLC (separate process) ${endpoint}, echo program, ${N} tags in DB1/DB2`);
    await overhead(log, endpoint, addresses);
    await exchangeCycle(log, { adapter: new S7Adapter({ endpoint }), address: (n) => addresses[n]!, tags: N, cycleMs: 20, seconds: 3 });
    await blockWrites(log, endpoint, addresses);
    await exchangeCycle(log, { adapter: new S7Adapter({ endpoint, blockWrites: true }), address: (n) => addresses[n]!, tags: N, cycleMs: 20, seconds: 3, label: 'block writes' });
  } finally {
    await plc.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await s7Bench((s) => console.log(s));
