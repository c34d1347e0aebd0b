// The soft PLC as a separate process (plc-adapters/soft-plc/main.ts) running the demo's
// sorting program behind OPC UA: the demo plant file's tag map is accepted by the real server
// (addresses and types), and the program's scan is seen through the wire.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { loadPlantFile } from '../../core/config/plant-file.ts';
import { OpcuaAdapter } from '../../plc-adapters/opcua/opcua-adapter.ts';
import { until } from './opcua-peer.ts';

let child: ChildProcess | undefined;

async function spawnSoftPlc(): Promise<{ endpoint: string; addresses: Record<string, string> }> {
  const p = spawn(process.execPath, ['--import', 'tsx', 'plc-adapters/soft-plc/main.ts', '--program', 'sorting', '--protocol', 'opcua', '--port', '0', '--stdin-lifetime'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child = p;
  const lines = createInterface({ input: p.stdout! });
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('soft PLC did not print its endpoint within 20 s')), 20_000);
    p.once('exit', (code) => reject(new Error(`soft PLC exited with ${code}`)));
    lines.on('line', (line) => {
      if (!line.startsWith('{"endpoint"')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line) as { endpoint: string; addresses: Record<string, string> });
    });
  });
}

test.after(async () => {
  const p = child;
  if (!p || p.exitCode !== null) return;
  const gone = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
  if (p.exitCode === null) p.kill('SIGKILL');
});

test('the sorting soft PLC process serves the demo tag map; its scan runs behind the wire', async () => {
  const { endpoint, addresses } = await spawnSoftPlc();
  assert.match(endpoint, /^opc\.tcp:\/\/127\.0\.0\.1:\d+$/);
  assert.is(addresses['m1.run'], 'ns=1;s=m1.run');
  const plant = loadPlantFile('examples/sorting-opcua.yaml');
  const tags = plant.controllers[0]!.tags;
  for (const t of tags) assert.is(t.address, addresses[t.signal], `plant address of ${t.signal} is the soft PLC's`);
  const a = new OpcuaAdapter({ endpoint, cycleMs: 10, readMode: 'poll' });
  let inFlight: Promise<unknown> = Promise.resolve();
  try {
    await a.connect();
    const reads = tags.filter((t) => t.direction === 'read');
    const outs = await a.prepare(reads.map((t) => ({ address: t.address, type: t.type, direction: 'read' as const, ...(t.plcType ? { plcType: t.plcType } : {}) })));
    const ins = await a.prepare(tags.filter((t) => t.direction === 'write').map((t) => ({ address: t.address, type: t.type, direction: 'write' as const })));
    await a.write(ins, Float64Array.of(0, 0, 0, 1, 0, 1)); // drive running, pusher retracted
    const v = new Float64Array(reads.length);
    const q = new Uint8Array(reads.length);
    const at = (s: string) => reads.findIndex((t) => t.signal === s);
    await until(() => {
      // Poll without blocking the predicate; the last read is awaited before close, so a read
      // that a closing channel cancels never becomes an unhandled rejection.
      inFlight = a.read(outs, v, q).catch(() => undefined);
      return v[at('m1.run')] === 1 && v[at('m2.setpoint')] === 50 && q.every((x) => x === 0);
    }, 3000, 'the program conveying at 50 Hz');
    assert.is(v[at('ctl.fault')], 0);
  } finally {
    await inFlight;
    await a.close();
  }
});

test.run();
