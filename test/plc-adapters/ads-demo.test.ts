// The demo line with its controller behind ADS: the sorting program runs in a soft PLC process
// (ads soft PLC server), twinloop couples to it through the wire with the ads adapter, and
// actuators reach the physics worker through the actuator ring. Real time: ~40 s.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pino } from 'pino';
import { startRun } from '../../core/engine/engine.ts';
import { loadPlantFile, type PlantFile } from '../../core/config/plant-file.ts';

const quiet = pino({ level: 'silent' });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const FILE = 'examples/sorting-ads.yaml';

/** The example plant with its soft PLC on any free port (tests must not depend on a fixed one). */
function plant(): PlantFile {
  const p = loadPlantFile(FILE);
  return { ...p, controllers: p.controllers.map((c) => ({ ...c, softPlc: { ...c.softPlc!, port: 0 } })) };
}

test('the demo sorts correctly with its controller behind ADS', async () => {
  const run = await startRun({ plant: plant(), plantPath: FILE, logger: quiet, statsLogMs: 0 });
  try {
    const v = run.table.values;
    const id = (n: string): number => run.table.id(n);
    assert.is(run.status().controllers[0]?.protocol, 'ads');
    await sleep(2000);
    assert.is(run.status().controllers[0]?.state, 'connected');
    assert.is(v[id('m1.run')], 1, 'the soft PLC runs the infeed through the wire');
    // The first item reaches the pusher after ~14 s; run long enough for several.
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline && v[id('binTall.count')]! + v[id('binShort.count')]! < 4) await sleep(500);
    const tall = v[id('binTall.count')]!;
    const short = v[id('binShort.count')]!;
    assert.ok(tall + short >= 4, `items sorted through the wire: tall ${tall}, short ${short}`);
    assert.is(v[id('binTall.wrong')], 0);
    assert.is(v[id('binShort.wrong')], 0);
    assert.is(v[id('ctl.fault')], 0);
  } finally {
    await run.close();
  }
});

test.run();
