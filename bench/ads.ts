// ADS benchmarks, on loopback, against a soft PLC in its own process (echo program, 1,000
// tags, our AMS/TCP target) so the target does not share our event loop:
//  1. I/O cycle with 1,000 tags: one read and one write of 1,000 symbols through the adapter
//     and through the raw ads-client sum commands (same handles) in the same run, alternating
//     blocks; the ratio is the adapter's overhead (target <= 1.15x); then the cycle as the
//     exchange runs it, the read and the write in flight together;
//  2. the NetworkExchange at a 2 ms cycle (the ADS target) with 1,000 read + 1,000
//     write tags: cycles kept, read time p50/p99;
//  3. latency from a tag change in the soft PLC to the exchange's sink, polled and notified.
// Bounded to ~20 s. Run alone: node --import tsx bench/ads.ts

import { startSoftPlcProcess } from '../core/engine/soft-plc-process.ts';
import { pct, timeCalls } from './timing.ts';
import { exchangeCycle } from './exchange-cycle.ts';
import { Client, type ReadRawMultiCommand, type WriteRawMultiCommand } from 'ads-client';
import { AdsAdapter } from '../plc-adapters/ads/ads-adapter.ts';
import { parseAdsEndpoint } from '../plc-adapters/ads/ads-endpoint.ts';
import { PLC_TYPES } from '../plc-adapters/ads/plc-types.ts';
import { manyTags, echoProgram } from '../plc-adapters/soft-plc/echo-program.ts';
import { startSoftPlc } from '../plc-adapters/soft-plc/soft-plc.ts';
import { NetworkExchange, type ActuatorSink, type NetworkTag } from '../core/network-exchange.ts';
import { SignalTable, type SignalDef } from '../core/signals.ts';
import type { TagSpec } from '../plc-adapters/adapter.ts';

const N = 1000;
const f = (x: number): string => x.toFixed(3);

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

async function overhead(log: (s: string) => void, endpoint: string, addresses: Record<string, string>): Promise<void> {
  const tags = manyTags(N);
  const readSpecs: TagSpec[] = tags.map((t) => ({ address: addresses[`out.${t.name}`]!, type: t.type, direction: 'read' }));
  const writeSpecs: TagSpec[] = tags.map((t) => ({ address: addresses[`in.${t.name}`]!, type: t.type, direction: 'write' }));
  const adapter = new AdsAdapter({ endpoint });
  await adapter.connect();
  const rb = await adapter.prepare(readSpecs);
  const wb = await adapter.prepare(writeSpecs);
  const out = new Float64Array(N);
  const q = new Uint8Array(N);
  const values = Float64Array.from(tags, (t, k) => (t.type === 'bool' ? k & 1 : k));

  // The raw library call: the same sum commands on handles, built up front; values decoded
  // and encoded inline per call (what any user of ads-client must do at least).
  const e = parseAdsEndpoint(endpoint);
  const raw = new Client({ targetAmsNetId: e.netId, targetAdsPort: e.adsPort, routerAddress: e.host, routerTcpPort: e.tcpPort, autoReconnect: false, hideConsoleWarnings: true });
  await raw.connect();
  const sizes = tags.map((t) => PLC_TYPES[t.type === 'bool' ? 'BOOL' : t.type === 'int' ? 'DINT' : 'LREAL']!.size);
  const rh = (await Promise.all(chunks(readSpecs.map((s) => s.address), 500).map((c) => raw.createVariableHandleMulti(c)))).flat();
  const wh = (await Promise.all(chunks(writeSpecs.map((s) => s.address), 500).map((c) => raw.createVariableHandleMulti(c)))).flat();
  const readCmds: ReadRawMultiCommand[][] = chunks(rh.map((h, k) => ({ indexGroup: 0xf005, indexOffset: h.handle!.handle, size: sizes[k]! })), 500);
  const writeCmds: WriteRawMultiCommand[][] = chunks(
    wh.map((h, k) => ({ indexGroup: 0xf005, indexOffset: h.handle!.handle, size: sizes[k]!, value: Buffer.alloc(sizes[k]!) })),
    500,
  );
  const rawRead = async (): Promise<void> => {
    const res = await Promise.all(readCmds.map((c) => raw.readRawMulti(c)));
    let k = 0;
    for (const part of res) {
      for (const r of part) {
        const b = r.value!;
        out[k] = sizes[k] === 1 ? b[0]! : sizes[k] === 4 ? b.readInt32LE(0) : b.readDoubleLE(0);
        k++;
      }
    }
  };
  const rawWrite = (): Promise<unknown> => {
    let k = 0;
    for (const part of writeCmds) {
      for (const c of part) {
        const v = values[k]!;
        if (sizes[k] === 1) c.value[0] = v ? 1 : 0;
        else if (sizes[k] === 4) c.value.writeInt32LE(v);
        else c.value.writeDoubleLE(v);
        k++;
      }
    }
    return Promise.all(writeCmds.map((c) => raw.writeRawMulti(c)));
  };

  const rr: number[] = [];
  const ar: number[] = [];
  const rw: number[] = [];
  const aw: number[] = [];
  await timeCalls(rawRead, 20, 200, []);
  await timeCalls(() => adapter.read(rb, out, q), 20, 200, []);
  for (let block = 0; block < 4; block++) {
    await timeCalls(rawRead, 60, 300, rr);
    await timeCalls(() => adapter.read(rb, out, q), 60, 300, ar);
    await timeCalls(rawWrite, 40, 250, rw);
    await timeCalls(() => adapter.write(wb, values), 40, 250, aw);
  }
  const r50 = pct(rr, 0.5);
  const a50 = pct(ar, 0.5);
  const w50 = pct(rw, 0.5);
  const aw50 = pct(aw, 0.5);
  log(`read ${N} tags   raw ads-client p50 ${f(r50)} ms p99 ${f(pct(rr, 0.99))} ms | adapter p50 ${f(a50)} ms p99 ${f(pct(ar, 0.99))} ms | overhead ${f(a50 / r50)}x (n=${ar.length})`);
  log(`write ${N} tags  raw ads-client p50 ${f(w50)} ms p99 ${f(pct(rw, 0.99))} ms | adapter p50 ${f(aw50)} ms p99 ${f(pct(aw, 0.99))} ms | overhead ${f(aw50 / w50)}x (n=${aw.length})`);
  log(`I/O cycle (1 read + 1 write of ${N} tags, adapter) one after the other p50 ~${f(a50 + aw50)} ms`);
  // As the exchange runs a cycle: its one read and its one write in flight together.
  const rc: number[] = [];
  const ac: number[] = [];
  for (let block = 0; block < 3; block++) {
    await timeCalls(() => Promise.all([rawRead(), rawWrite()]), 40, 250, rc);
    await timeCalls(() => Promise.all([adapter.read(rb, out, q), adapter.write(wb, values)]), 40, 250, ac);
  }
  log(`I/O cycle, read and write in flight together (as the exchange does): raw p50 ${f(pct(rc, 0.5))} ms | adapter p50 ${f(pct(ac, 0.5))} ms p99 ${f(pct(ac, 0.99))} ms (n=${ac.length}); target 2 ms`);
  await raw.disconnect();
  await adapter.close();
}

class LatencySink implements ActuatorSink {
  watch = -1;
  want = Number.NaN;
  hitAt = Number.NaN;
  write(id: number, value: number): void {
    if (id === this.watch && value === this.want && Number.isNaN(this.hitAt)) this.hitAt = performance.now();
  }
  flush(): void {}
}

async function latency(log: (s: string) => void): Promise<void> {
  // In-process soft PLC so the instant of the change is known exactly.
  const entries = manyTags(10);
  const plc = await startSoftPlc({ program: echoProgram(entries), protocol: 'ads', cycleMs: 2 });
  const defs: SignalDef[] = entries.map((t) => ({ name: `x.${t.name}`, type: t.type, kind: 'actuator' as const, unit: '' }));
  const map: NetworkTag[] = entries.map((t) => ({ signal: `x.${t.name}`, address: plc.addresses.get(`out.${t.name}`)!, type: t.type, direction: 'read' as const }));
  for (const readMode of ['poll', 'notify'] as const) {
    const table = SignalTable.create(defs);
    const sink = new LatencySink();
    const ex = new NetworkExchange({ name: 'lat', adapter: new AdsAdapter({ endpoint: plc.endpoint, cycleMs: 2, readMode }), tags: map, resolve: (s) => table.id(s), table, sink, cycleMs: 2 });
    await ex.start();
    sink.watch = 2; // t2 is a real
    const lat: number[] = [];
    for (let i = 1; i <= 20; i++) {
      await new Promise((r) => setTimeout(r, 17 + (i % 7) * 3));
      sink.want = i + 0.25;
      sink.hitAt = Number.NaN;
      const t = performance.now();
      plc.image.inputs[2] = i + 0.25;
      for (let w = 0; w < 100 && Number.isNaN(sink.hitAt); w++) await new Promise((r) => setTimeout(r, 1));
      if (!Number.isNaN(sink.hitAt)) lat.push(sink.hitAt - t);
    }
    log(`soft-PLC tag change -> exchange sink, ${readMode} at 2 ms: p50 ${f(pct(lat, 0.5))} ms p99 ${f(pct(lat, 0.99))} ms (n=${lat.length}, includes one 2 ms PLC scan)`);
    await ex.close();
  }
  await plc.close();
}

export async function adsBench(log: (s: string) => void): Promise<void> {
  const plc = await startSoftPlcProcess({ program: 'echo', protocol: 'ads', tags: N });
  const { endpoint, addresses } = plc;
  try {
    log(`soft PLC (separate process) ${endpoint}, echo program, ${N} tags`);
    await overhead(log, endpoint, addresses);
    await exchangeCycle(log, { adapter: new AdsAdapter({ endpoint }), address: (n) => addresses[n]!, tags: N, cycleMs: 2, seconds: 2 });
  } finally {
    await plc.close();
  }
  await latency(log);
}

if (import.meta.url === `file://${process.argv[1]}`) await adsBench((s) => console.log(s));
