// The NetworkExchange at a protocol's target cycle with N read + N write echo tags, a tenth of
// the sensors changing every 10 ms like a running line: cycles kept against the grid, read
// time p50/p99, writes. Shared by the OPC UA, ADS and S7 benches (each passes its adapter).

import { NetworkExchange, type NetworkTag } from '../core/network-exchange.ts';
import { SignalTable, type SignalDef } from '../core/signals.ts';
import type { PlcAdapter } from '../plc-adapters/adapter.ts';
import { manyTags } from '../plc-adapters/soft-plc/echo-program.ts';

const f = (x: number): string => x.toFixed(3);

export async function exchangeCycle(log: (s: string) => void, o: { adapter: PlcAdapter; address: (name: string) => string; tags: number; cycleMs: number; seconds: number; label?: string }): Promise<void> {
  const N = o.tags;
  const tags = manyTags(N);
  const defs: SignalDef[] = [
    ...tags.map((t) => ({ name: `s.${t.name}`, type: t.type, kind: 'sensor' as const, unit: '' })),
    ...tags.map((t) => ({ name: `x.${t.name}`, type: t.type, kind: 'actuator' as const, unit: '' })),
  ];
  const map: NetworkTag[] = [
    ...tags.map((t) => ({ signal: `s.${t.name}`, address: o.address(`in.${t.name}`), type: t.type, direction: 'write' as const })),
    ...tags.map((t) => ({ signal: `x.${t.name}`, address: o.address(`out.${t.name}`), type: t.type, direction: 'read' as const })),
  ];
  const table = SignalTable.create(defs);
  const work = new Float64Array(defs.length);
  const sink = { write: (): void => undefined, flush: (): void => undefined };
  const ex = new NetworkExchange({ name: 'bench', adapter: o.adapter, tags: map, resolve: (s) => table.id(s), table, sink, cycleMs: o.cycleMs, refreshMs: 0 });
  await ex.start();
  const t0 = performance.now();
  let tick = 0;
  const stir = setInterval(() => {
    tick++;
    for (let k = tick % 10; k < N; k += 10) work[k] = tick;
    table.publish(work, tick, tick / 100);
  }, 10);
  await new Promise((r) => setTimeout(r, o.seconds * 1000));
  clearInterval(stir);
  const h = ex.health();
  const secs = (performance.now() - t0) / 1000;
  log(
    `exchange ${o.cycleMs} ms cycle${o.label ? ` (${o.label})` : ''}, ${N} read + ${N} write tags: ${h.cycles} cycles in ${secs.toFixed(1)} s ` +
      `(${(((h.cycles * o.cycleMs) / (secs * 1000)) * 100).toFixed(0)}% of the grid), read p50 ${f(h.readMs.p50)} ms p99 ${f(h.readMs.p99)} ms, ` +
      `${h.writes} writes (${(h.writes / secs).toFixed(0)}/s), ${h.writeFailures} failed, state ${h.state}`,
  );
  await ex.close();
}
