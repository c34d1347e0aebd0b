// Several controllers in one run: the demo's sorting program in a soft PLC behind OPC UA drives
// the line while a second PLC, behind S7 (node-snap7's server, an echo program in its own
// process), takes a model sensor and gives it back through a real scan; both exchanges feed
// the physics worker through the one actuator ring. Plans that cannot run are refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { startRun } from '../../core/engine/engine.ts';
import { planController } from '../../core/engine/plant-coupling.ts';
import { loadPlantFile, type PlantFile } from '../../core/config/plant-file.ts';
import { startSoftPlcProcess } from '../../core/engine/soft-plc-process.ts';
import { isTwinloopError } from '../../core/errors.ts';

const quiet = pino({ level: 'silent' });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const LINE = resolve('examples/sorting.yaml');

const OPCUA_PLC1 = `
  - name: plc1
    protocol: opcua
    endpoint: opc.tcp://127.0.0.1:4840
    cycleMs: 10
    softPlc: { program: sorting }
    opcua: { securityMode: None, readMode: poll }
    tags:
      - { signal: m1.run,       address: ns=1;s=m1.run,       direction: read,  type: bool }
      - { signal: m1.setpoint,  address: ns=1;s=m1.setpoint,  direction: read,  type: real, plcType: Double }
      - { signal: m2.run,       address: ns=1;s=m2.run,       direction: read,  type: bool }
      - { signal: m2.setpoint,  address: ns=1;s=m2.setpoint,  direction: read,  type: real, plcType: Double }
      - { signal: pu1.extend,   address: ns=1;s=pu1.extend,   direction: read,  type: bool }
      - { signal: ctl.fault,    address: ns=1;s=ctl.fault,    direction: read,  type: bool }
      - { signal: pe1.blocked,   address: ns=1;s=pe1.blocked,   direction: write, type: bool }
      - { signal: hs1.high,      address: ns=1;s=hs1.high,      direction: write, type: bool }
      - { signal: pe2.blocked,   address: ns=1;s=pe2.blocked,   direction: write, type: bool }
      - { signal: m2.running,    address: ns=1;s=m2.running,    direction: write, type: bool }
      - { signal: pu1.extended,  address: ns=1;s=pu1.extended,  direction: write, type: bool }
      - { signal: pu1.retracted, address: ns=1;s=pu1.retracted, direction: write, type: bool }`;

function plantFile(dir: string, controllers: string): PlantFile {
  const file = join(dir, `plant-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, `name: multi\nline: ${LINE}\ncontrollers:${controllers}\n`);
  const p = loadPlantFile(file);
  // The soft PLC on any free port (tests never depend on a fixed one).
  return { ...p, controllers: p.controllers.map((c) => (c.softPlc ? { ...c, softPlc: { ...c.softPlc, port: 0 } } : c)) };
}

test('two controllers, two protocols: the demo sorts behind OPC UA while an S7 PLC echoes a sensor', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'twinloop-multi-'));
  const echo = await startSoftPlcProcess({ program: 'echo', protocol: 's7', tags: 3 });
  try {
    // Echo tag t2 is a REAL: the model's m2.current goes in, comes back out as plc2.current.
    const plant = plantFile(dir, `${OPCUA_PLC1}
  - name: plc2
    protocol: s7
    endpoint: ${echo.endpoint}
    cycleMs: 20
    tags:
      - { signal: m2.current,   address: "${echo.addresses['in.t2']}",  direction: write, type: real }
      - { signal: plc2.current, address: "${echo.addresses['out.t2']}", direction: read,  type: real }`);
    const plan = planController(plant);
    assert.is(plan.lockstep, null);
    assert.equal(plan.networks.map((c) => c.name), ['plc1', 'plc2']);
    const run = await startRun({ plant, logger: quiet, statsLogMs: 0 });
    try {
      // A look at one value each time: the table's current buffer changes with every publish.
      const v = (i: number): number => run.table.values[i]!;
      const id = (n: string): number => run.table.id(n);
      const deadline = Date.now() + 45_000;
      while (Date.now() < deadline && v(id('binTall.count')) + v(id('binShort.count')) < 2) await sleep(500);
      const status = run.status().controllers;
      assert.equal(status.map((c) => [c.name, c.protocol, c.state]), [['plc1', 'opcua', 'connected'], ['plc2', 's7', 'connected']]);
      assert.ok(status.every((c) => c.cycles > 0));
      assert.ok(v(id('binTall.count')) + v(id('binShort.count')) >= 2, 'items sorted through OPC UA');
      assert.is(v(id('binTall.wrong')), 0);
      assert.is(v(id('binShort.wrong')), 0);
      // While the sorter's motor draws current, the echo (REAL: float32) follows it within the
      // S7 cycle and a scan.
      let close = false;
      for (let i = 0; i < 200 && !close; i++) {
        const cur = v(id('m2.current'));
        close = cur > 0.1 && Math.abs(v(id('plc2.current')) - cur) < 0.05 * cur;
        if (!close) await sleep(50);
      }
      assert.ok(close, `echo ${v(id('plc2.current'))} vs m2.current ${v(id('m2.current'))}`);
      assert.is(run.status().controllers.length, 2);
    } finally {
      await run.close();
    }
  } finally {
    await echo.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('plans that cannot run are refused before anything starts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'twinloop-multi-'));
  try {
    const twoSims = plantFile(dir, `
  - { name: a, protocol: sim, program: sorting, tags: [] }
  - { name: b, protocol: sim, program: sorting, tags: [] }`);
    try {
      planController(twoSims);
      assert.unreachable('two built-in controllers planned');
    } catch (err) {
      assert.ok(isTwinloopError(err));
      assert.match((err as Error).message, /a, b are all built-in \(sim\): a run has at most one built-in controller/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
