// The Modbus TCP soft PLC (modbus-serial's ServerTCP serving a program's image) with the Modbus
// adapter: its fixed layout, values through a real scan both ways, exceptions for addresses
// outside its tables; and the demo (examples/sorting-modbus.yaml: sorting.st in a soft PLC
// process) sorting through the wire. Real time: ~40 s.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pino } from 'pino';
import { ModbusAdapter } from '../../plc-adapters/modbus/modbus-adapter.ts';
import { ModbusSoftPlcServer } from '../../plc-adapters/modbus/modbus-soft-plc.ts';
import { startSoftPlc } from '../../plc-adapters/soft-plc/soft-plc.ts';
import { echoProgram } from '../../plc-adapters/soft-plc/echo-program.ts';
import { loadProgram } from '../../plc-adapters/sim/program-source.ts';
import { startRun } from '../../core/engine/engine.ts';
import { loadPlantFile, type PlantFile } from '../../core/config/plant-file.ts';
import { isTwinloopError } from '../../core/errors.ts';
import type { TagSpec } from '../../plc-adapters/adapter.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('layout of the sorting program: outputs from coil 0 / hr 0, inputs from coil 1000', () => {
  const l = ModbusSoftPlcServer.layout({ program: loadProgram('examples/programs/sorting.st') });
  assert.equal(l.outputs, ['coil:0', 'hr:0', 'coil:1', 'hr:2', 'coil:2', 'coil:3']);
  assert.equal(l.inputs, ['coil:1000', 'coil:1001', 'coil:1002', 'coil:1003', 'coil:1004', 'coil:1005']);
});

test('echo program behind Modbus: bool, int and real written, scanned and read back', async () => {
  const entries = [
    { name: 'b', type: 'bool' as const },
    { name: 'i', type: 'int' as const },
    { name: 'r', type: 'real' as const },
  ];
  const plc = await startSoftPlc({ program: echoProgram(entries), protocol: 'modbus', cycleMs: 5 });
  const adapter = new ModbusAdapter({ endpoint: plc.endpoint });
  try {
    await adapter.connect();
    const spec = (side: 'in' | 'out', e: (typeof entries)[number]): TagSpec & { plcType?: string } => ({
      address: plc.addresses.get(`${side}.${e.name}`)!,
      type: e.type,
      direction: side === 'in' ? 'write' : 'read',
      ...(e.type === 'int' ? { plcType: 'INT32' } : e.type === 'real' ? { plcType: 'FLOAT32' } : {}),
    });
    const wb = await adapter.prepare(entries.map((e) => spec('in', e)));
    const rb = await adapter.prepare(entries.map((e) => spec('out', e)));
    await adapter.write(wb, Float64Array.of(1, -70000, 2.25));
    const v = new Float64Array(3);
    const q = new Uint8Array(3);
    for (let i = 0; i < 100; i++) {
      await adapter.read(rb, v, q);
      // Coils and registers are written by separate requests: a scan may fall between them.
      if (v[0] === 1 && v[1] === -70000 && v[2] === 2.25) break;
      await sleep(10);
    }
    assert.equal([...v], [1, -70000, 2.25]);
    assert.equal([...q], [0, 0, 0]);
    const err = await adapter.prepare([{ address: 'hr:9000', type: 'int', direction: 'read' }]).catch((e: unknown) => e);
    assert.ok(isTwinloopError(err, 'PLC_TAG_UNKNOWN'), String(err));
    assert.match((err as Error).message, /tag hr:9000: Modbus exception 2 \(ILLEGAL DATA ADDRESS\)/);
  } finally {
    await adapter.close();
    await plc.close();
  }
});

test('the demo sorts with its controller behind Modbus TCP (soft PLC process, sorting.st)', async () => {
  const file = 'examples/sorting-modbus.yaml';
  const p = loadPlantFile(file);
  // Any free port: tests must not depend on a fixed one.
  const plant: PlantFile = { ...p, controllers: p.controllers.map((c) => ({ ...c, softPlc: { ...c.softPlc!, port: 0 } })) };
  const run = await startRun({ plant, plantPath: file, logger: pino({ level: 'silent' }), statsLogMs: 0 });
  try {
    // A look at one value each time: the table's current buffer changes with every publish.
    const v = (i: number): number => run.table.values[i]!;
    const id = (n: string): number => run.table.id(n);
    assert.is(run.status().controllers[0]?.protocol, 'modbus');
    await sleep(2000);
    assert.is(run.status().controllers[0]?.state, 'connected');
    assert.is(v(id('m1.run')), 1, 'the soft PLC runs the infeed through the wire');
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline && v(id('binTall.count')) + v(id('binShort.count')) < 4) await sleep(500);
    const tall = v(id('binTall.count'));
    const short = v(id('binShort.count'));
    assert.ok(tall + short >= 4, `items sorted through the wire: tall ${tall}, short ${short}`);
    assert.is(v(id('binTall.wrong')), 0);
    assert.is(v(id('binShort.wrong')), 0);
    assert.is(v(id('ctl.fault')), 0);
  } finally {
    await run.close();
  }
});

test.run();
