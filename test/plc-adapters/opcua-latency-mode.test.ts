// The OPC UA read mode chosen for latency (issue 24). The default is `auto`: subscribe with the
// cycle as sampling and publishing interval; a PLC-like server whose minimum interval (50 ms)
// is slower than the cycle (10 ms) makes the adapter poll instead, and the run status (what
// GET /api/health returns) and the log say why. Subscribed values are delivered when they
// arrive, not at the exchange's next cycle: with a 60 s exchange cycle a change still reaches
// the actuator sink.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { DataType } from 'node-opcua';
import { startRun } from '../../core/engine/engine.ts';
import { loadPlantFile } from '../../core/config/plant-file.ts';
import { NetworkExchange } from '../../core/network-exchange.ts';
import { SignalTable } from '../../core/signals.ts';
import { OpcuaAdapter } from '../../plc-adapters/opcua/opcua-adapter.ts';
import { startPlcLike, type PlcLike } from './opcua-plc-like.ts';
import { until } from './opcua-peer.ts';

const dir = mkdtempSync(join(tmpdir(), 'twinloop-latency-mode-'));
// One client certificate for both tests (making one costs seconds on a busy machine).
const pki = join(dir, 'pki');
let plc: PlcLike;
test.before(async () => {
  plc = await startPlcLike({ motors: 1, minIntervalMs: 50 });
});
test.after(async () => {
  await plc.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the default read mode is auto; a server slower than the cycle is polled, and health and the log say why', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const file = join(dir, 'default.yaml');
  // No readMode: the default decides.
  writeFileSync(
    file,
    `name: t
line: ${join(process.cwd(), 'examples/sorting.yaml')}
controllers:
  - name: plc1
    protocol: opcua
    endpoint: ${plc.endpoint}
    cycleMs: 10
    opcua: { certificateFolder: ${pki} }
    tags:
      - { signal: m1.run, address: ns=1;s=Motor1.Run, direction: read, type: bool }
`,
  );
  const plant = loadPlantFile(file);
  assert.is(plant.controllers[0]!.opcua?.readMode, 'auto', 'the plant file default');
  const run = await startRun({ plant, plantPath: file, logger: pino({ level: 'warn' }, sink), statsLogMs: 0 });
  try {
    await until(() => run.status().controllers[0]?.state === 'connected', 8000, 'the connection');
    const c = run.status().controllers[0]!;
    assert.is(c.readMode, 'poll', 'auto fell back to polling');
    assert.is(c.revisedPublishingMs, 50);
    assert.match(c.readModeReason ?? '', /revised the (publishing|sampling) interval to 50 ms, slower than the 10 ms cycle: polling instead/);
    assert.ok(lines.some((l) => l.includes('readMode auto polls instead') && l.includes('slower than the 10 ms cycle')), lines.join(''));
    // Polled values still flow: the PLC's Run reaches the model.
    plc.set('ns=1;s=Motor1.Run', DataType.Boolean, true);
    const id = run.table.id('m1.run');
    await until(() => run.table.values[id] === 1, 5000, 'm1.run from the polled PLC');
  } finally {
    await run.close();
  }
});

test('a server as fast as the cycle (50 ms) stays subscribed, and values arrive without waiting for the exchange cycle', async () => {
  const adapter = new OpcuaAdapter({ endpoint: plc.endpoint, cycleMs: 50, certificateFolder: pki });
  assert.is(adapter.readMode, 'auto');
  const table = SignalTable.create([{ name: 'm1.run', type: 'bool', kind: 'actuator', unit: '' }]);
  const seen: number[] = [];
  const exchange = new NetworkExchange({
    name: 'plc1',
    adapter,
    tags: [{ signal: 'm1.run', address: 'ns=1;s=Motor1.Run', type: 'bool', direction: 'read' }],
    resolve: (name) => table.id(name),
    table,
    sink: { write: (_id, value) => void seen.push(value), flush: () => undefined },
    // One cycle a minute: anything delivered sooner came by the subscription's notification.
    cycleMs: 60_000,
  });
  try {
    await exchange.start();
    await until(() => seen.length >= 1, 5000, 'the first (baseline) value');
    assert.is(exchange.health().readMode, 'subscription', JSON.stringify(exchange.health()));
    assert.is(exchange.health().readModeReason, undefined);
    for (let k = 0; k < 3; k++) {
      const value = k % 2 === 0;
      plc.set('ns=1;s=Motor1.Run', DataType.Boolean, value);
      await until(() => seen.at(-1) === (value ? 1 : 0), 5000, `change ${k} delivered`);
    }
    assert.is(exchange.health().cycles, 0, 'no exchange cycle ran');
  } finally {
    await exchange.close();
  }
});

test.run();
