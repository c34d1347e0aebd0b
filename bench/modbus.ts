// Modbus TCP benchmark, on loopback, against the independent server the tests use (Debian's
// python3-pymodbus, test/fixtures/modbus-server.py, its own process):
//  1. one I/O cycle = 1,000 holding registers read (hr:0..999, 8 requests of 125) and 1,000
//     written (hr:1000..1999, 9 requests of <= 123), read and write in flight together as the
//     exchange runs them; through the adapter and through raw modbus-serial calls (the same
//     requests, values decoded into / encoded from a Float64Array inline) on a second
//     connection, alternating blocks; at 1 and 8 requests in flight. The ratio is the
//     adapter's overhead (target <= 1.15x); the cycle's target is <= 10 ms.
//  2. the NetworkExchange at a 10 ms cycle with the same 1,000 + 1,000 registers, a tenth of the
//     sensors changing every 10 ms: cycles kept, read time p50/p99.
// Bounded to ~25 s. Run alone: node --import tsx bench/modbus.ts  (needs python3-pymodbus)

import ModbusSerial from 'modbus-serial';
import { ModbusAdapter } from '../plc-adapters/modbus/modbus-adapter.ts';
import { NetworkExchange, type NetworkTag } from '../core/network-exchange.ts';
import { SignalTable, type SignalDef } from '../core/signals.ts';
import type { TagSpec } from '../plc-adapters/adapter.ts';
import { startModbusPeer, type ModbusPeer } from '../test/fixtures/modbus-peer.ts';
import { pct, timeCalls } from './timing.ts';

const N = 1000;
const WRITE_BASE = 1000;
const f = (x: number): string => x.toFixed(3);

type Client = InstanceType<typeof ModbusSerial.default>;

/** Raw modbus-serial: the same 8 + 9 requests, at most `inFlight` outstanding, decode/encode inline. */
function rawCycle(client: Client, inFlight: number, out: Float64Array, values: Float64Array): () => Promise<void> {
  const payloads: Buffer[] = [];
  for (let s = 0; s < N; s += 123) payloads.push(Buffer.alloc(2 * Math.min(123, N - s)));
  const jobs: (() => Promise<void>)[] = [];
  for (let s = 0; s < N; s += 125) {
    const start = s;
    jobs.push(async () => {
      const r = await client.readHoldingRegisters(start, Math.min(125, N - start));
      for (let j = 0; j < r.buffer.length / 2; j++) out[start + j] = r.buffer.readInt16BE(2 * j);
    });
  }
  payloads.forEach((p, c) => {
    const start = c * 123;
    jobs.push(async () => {
      for (let j = 0; j < p.length / 2; j++) p.writeInt16BE(Math.max(-32768, Math.min(32767, Math.trunc(values[start + j]!))), 2 * j);
      await client.writeRegisters(WRITE_BASE + start, p);
    });
  });
  return async () => {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < jobs.length) await jobs[next++]!();
    };
    const lanes: Promise<void>[] = [];
    for (let i = 0; i < inFlight; i++) lanes.push(lane());
    await Promise.all(lanes);
  };
}

async function overhead(log: (s: string) => void, peer: ModbusPeer, inFlight: number): Promise<void> {
  const adapter = new ModbusAdapter({ endpoint: peer.endpoint, maxInFlight: inFlight });
  await adapter.connect();
  const readSpecs: TagSpec[] = Array.from({ length: N }, (_, k) => ({ address: `hr:${k}`, type: 'int', direction: 'read' }));
  const writeSpecs: TagSpec[] = Array.from({ length: N }, (_, k) => ({ address: `hr:${WRITE_BASE + k}`, type: 'int', direction: 'write' }));
  const rb = await adapter.prepare(readSpecs);
  const wb = await adapter.prepare(writeSpecs);
  const out = new Float64Array(N);
  const q = new Uint8Array(N);
  const values = Float64Array.from({ length: N }, (_, k) => k - 500);
  const adapterCycle = (): Promise<unknown> => Promise.all([adapter.read(rb, out, q), adapter.write(wb, values)]);

  const raw = new ModbusSerial.default();
  await raw.connectTCP('127.0.0.1', { port: peer.port });
  raw.setID(1);
  raw.setTimeout(1000);
  const rawOnce = rawCycle(raw, inFlight, out, values);

  const rc: number[] = [];
  const ac: number[] = [];
  await timeCalls(rawOnce, 20, 500, []);
  await timeCalls(adapterCycle, 20, 500, []);
  for (let block = 0; block < 6; block++) {
    await timeCalls(rawOnce, 50, 700, rc);
    await timeCalls(adapterCycle, 50, 700, ac);
  }
  const r50 = pct(rc, 0.5);
  const a50 = pct(ac, 0.5);
  log(
    `I/O cycle ${N} hr read + ${N} hr written, ${inFlight} in flight: raw modbus-serial p50 ${f(r50)} ms p99 ${f(pct(rc, 0.99))} ms | ` +
      `adapter p50 ${f(a50)} ms p99 ${f(pct(ac, 0.99))} ms | overhead ${f(a50 / r50)}x (n=${ac.length}/${rc.length}); targets <= 1.15x, <= 10 ms`,
  );
  await new Promise<void>((resolve) => raw.close(() => resolve()));
  await adapter.close();
}

async function exchange(log: (s: string) => void, peer: ModbusPeer, inFlight: number, seconds: number): Promise<void> {
  const defs: SignalDef[] = [
    ...Array.from({ length: N }, (_, k): SignalDef => ({ name: `s.t${k}`, type: 'int', kind: 'sensor', unit: '' })),
    ...Array.from({ length: N }, (_, k): SignalDef => ({ name: `x.t${k}`, type: 'int', kind: 'actuator', unit: '' })),
  ];
  const tags: NetworkTag[] = [
    ...Array.from({ length: N }, (_, k): NetworkTag => ({ signal: `s.t${k}`, address: `hr:${WRITE_BASE + k}`, type: 'int', direction: 'write' })),
    ...Array.from({ length: N }, (_, k): NetworkTag => ({ signal: `x.t${k}`, address: `hr:${k}`, type: 'int', direction: 'read' })),
  ];
  const table = SignalTable.create(defs);
  const work = new Float64Array(defs.length);
  const sink = { write: (): void => undefined, flush: (): void => undefined };
  const ex = new NetworkExchange({ name: 'bench', adapter: new ModbusAdapter({ endpoint: peer.endpoint, maxInFlight: inFlight }), tags, resolve: (s) => table.id(s), table, sink, cycleMs: 10, refreshMs: 0 });
  await ex.start();
  const t0 = performance.now();
  let tick = 0;
  const stir = setInterval(() => {
    tick++;
    for (let k = tick % 10; k < N; k += 10) work[k] = tick % 30000;
    table.publish(work, tick, tick / 100);
  }, 10);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  clearInterval(stir);
  const h = ex.health();
  const secs = (performance.now() - t0) / 1000;
  log(
    `exchange 10 ms cycle, ${inFlight} in flight, ${N} read + ${N} write registers: ${h.cycles} cycles in ${secs.toFixed(1)} s ` +
      `(grid ${Math.round(secs * 100)}), read p50 ${f(h.readMs.p50)} ms p99 ${f(h.readMs.p99)} ms, ${h.writes} writes, ${h.readFailures} read / ${h.writeFailures} write failures`,
  );
  await ex.close();
}

export async function modbusBench(log: (s: string) => void): Promise<void> {
  const peer = await startModbusPeer({ size: 4096 });
  try {
    log(`independent server: python3-pymodbus (own process) on 127.0.0.1:${peer.port}`);
    for (const inFlight of [1, 8]) await overhead(log, peer, inFlight);
    for (const inFlight of [1, 8]) await exchange(log, peer, inFlight, 3);
  } finally {
    await peer.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await modbusBench((s) => console.log(s));
