// The demo line with its controller behind each real protocol: the sorting program runs in a
// soft PLC process (node-opcua server, our ADS target, node-snap7's S7 server), twinloop
// couples to it through the wire with the protocol's adapter, and actuators reach the physics
// worker through the actuator ring. Real time: ~40 s per protocol.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pino } from 'pino';
import { startRun } from '../../core/engine/engine.ts';
import { loadPlantFile, type PlantFile } from '../../core/config/plant-file.ts';

const quiet = pino({ level: 'silent' });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The example plant with its soft PLC on any free port (tests must not depend on a fixed one). */
function plant(file: string): PlantFile {
  const p = loadPlantFile(file);
  return { ...p, controllers: p.controllers.map((c) => ({ ...c, softPlc: { ...c.softPlc!, port: 0 } })) };
}

for (const protocol of ['opcua', 'ads', 's7']) {
  test(`the demo sorts correctly with its controller behind ${protocol}`, async () => {
    const file = `examples/sorting-${protocol}.yaml`;
    const run = await startRun({ plant: plant(file), plantPath: file, logger: quiet, statsLogMs: 0 });
    try {
      // A look at one value each time: the table's current buffer changes with every publish.
      const v = (i: number): number => run.table.values[i]!;
      const id = (n: string): number => run.table.id(n);
      assert.is(run.status().controllers[0]?.protocol, protocol);
      await sleep(2000);
      assert.is(run.status().controllers[0]?.state, 'connected');
      assert.is(v(id('m1.run')), 1, 'the soft PLC runs the infeed through the wire');
      // The first item reaches the pusher after ~14 s; run long enough for several.
      const deadline = Date.now() + 45_000;
      while (Date.now() < deadline && v(id('binTall.count')) + v(id('binShort.count')) < 4) await sleep(500);
      const tall = v(id('binTall.count'));
      const short = v(id('binShort.count'));
      assert.ok(tall + short >= 4, `items sorted through the wire: tall ${tall}, short ${short}`);
      assert.is(v(id('binTall.wrong')), 0);
      assert.is(v(id('binShort.wrong')), 0);
      assert.is(v(id('ctl.fault')), 0);
      // A real PLC cannot be sped up.
      await run.setPace({ kind: 'fast' }).then(
        () => assert.unreachable(),
        (e: Error) => assert.match(e.message, /real time only/),
      );
    } finally {
      await run.close();
    }
  });
}

test.run();
