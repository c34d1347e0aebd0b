// The soft PLC as a separate process (plc-adapters/soft-plc/main.ts) running the demo's
// sorting program behind OPC UA: the demo plant file's tag map is accepted by the real server
// (addresses and types), and the program's scan is seen through the wire.
import { resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startSoftPlcProcess, type SoftPlcProcess } from '../../core/engine/soft-plc-process.ts';
import { loadPlantFile } from '../../core/config/plant-file.ts';
import { OpcuaAdapter } from '../../plc-adapters/opcua/opcua-adapter.ts';
import { until } from './opcua-peer.ts';

let plc: SoftPlcProcess | undefined;

test.after(async () => {
  await plc?.close();
});

test('the demo plant\'s soft PLC process (sorting.st) serves its tag map; its scan runs behind the wire', async () => {
  const plant = loadPlantFile('examples/sorting-opcua.yaml');
  plc = await startSoftPlcProcess({ program: plant.controllers[0]!.softPlc!.program, protocol: 'opcua' });
  const { endpoint, addresses } = plc;
  assert.match(endpoint, /^opc\.tcp:\/\/127\.0\.0\.1:\d+$/);
  assert.is(addresses['SORTING.m1Run'], 'ns=1;s=SORTING.m1Run');
  const tags = plant.controllers[0]!.tags;
  const served = new Set(Object.values(addresses));
  for (const t of tags) assert.ok(served.has(t.address), `plant address ${t.address} of ${t.signal} is one the soft PLC serves`);
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

test('an ST program runs as the soft PLC: its PROGRAM inputs and outputs are OPC UA nodes by name and type', async () => {
  await plc?.close();
  plc = await startSoftPlcProcess({ program: resolve('examples/programs/sorting.st'), protocol: 'opcua' });
  const { endpoint, addresses } = plc;
  assert.is(addresses['SORTING.m1Run'], 'ns=1;s=SORTING.m1Run');
  assert.is(addresses['SORTING.pe1'], 'ns=1;s=SORTING.pe1');
  const a = new OpcuaAdapter({ endpoint, cycleMs: 10, readMode: 'poll' });
  let inFlight: Promise<unknown> = Promise.resolve();
  try {
    await a.connect();
    const outs = await a.prepare([
      { address: addresses['SORTING.m1Run']!, type: 'bool', direction: 'read' },
      { address: addresses['SORTING.m2Setpoint']!, type: 'real', direction: 'read' },
      { address: addresses['SORTING.ctlFault']!, type: 'bool', direction: 'read' },
    ]);
    const ins = await a.prepare([
      { address: addresses['SORTING.m2Running']!, type: 'bool', direction: 'write' },
      { address: addresses['SORTING.pu1Retracted']!, type: 'bool', direction: 'write' },
    ]);
    await a.write(ins, Float64Array.of(1, 1));
    const v = new Float64Array(3);
    const q = new Uint8Array(3);
    await until(() => {
      inFlight = a.read(outs, v, q).catch(() => undefined);
      return v[0] === 1 && v[1] === 50 && q.every((x) => x === 0);
    }, 3000, 'sorting.st conveying at 50 Hz behind OPC UA');
    assert.is(v[2], 0);
  } finally {
    await inFlight;
    await a.close();
  }
});

test.run();
