// The demo line with its controller behind each real protocol: the sorting program runs in a
// soft PLC process (node-opcua server, our ADS target, node-snap7's S7 server), twinloop
// couples to it through the wire with the protocol's adapter, and actuators reach the physics
// worker through the actuator ring. Real time: ~40 s; the three protocols run side by side (three
// twinloop runs, three PLC processes), each checked on its own, as three installations would.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pino } from 'pino';
import { startRun, type StartedRun } from '../../core/engine/engine.ts';
import { loadPlantFile, type PlantFile } from '../../core/config/plant-file.ts';

const quiet = pino({ level: 'silent' });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const PROTOCOLS = ['opcua', 'ads', 's7'] as const;

/** The example plant with its soft PLC on any free port (tests must not depend on a fixed one). */
function plant(file: string): PlantFile {
  const p = loadPlantFile(file);
  return { ...p, controllers: p.controllers.map((c) => ({ ...c, softPlc: { ...c.softPlc!, port: 0 } })) };
}

/** Sorts at least four items through the wire, none wrong; a failure names its protocol. */
async function sortsThrough(protocol: string, run: StartedRun): Promise<void> {
  // A look at one value each time: the table's current buffer changes with every publish.
  const v = (n: string): number => run.table.values[run.table.id(n)]!;
  assert.is(run.status().controllers[0]?.protocol, protocol);
  // Three PLC processes start side by side (node-opcua makes its certificate on a fresh clone):
  // wait for the link and the first scan's output, bounded, instead of a fixed 2 s.
  for (const until = Date.now() + 15_000; Date.now() < until && !(run.status().controllers[0]?.state === 'connected' && v('m1.run') === 1); ) await sleep(200);
  assert.is(run.status().controllers[0]?.state, 'connected', `${protocol}: connected`);
  assert.is(v('m1.run'), 1, `${protocol}: the soft PLC runs the infeed through the wire`);
  // The first item reaches the pusher after ~14 s; run long enough for several.
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline && v('binTall.count') + v('binShort.count') < 4) await sleep(500);
  const tall = v('binTall.count');
  const short = v('binShort.count');
  assert.ok(tall + short >= 4, `${protocol}: items sorted through the wire: tall ${tall}, short ${short}`);
  assert.is(v('binTall.wrong'), 0, `${protocol}: none wrong in the tall bin`);
  assert.is(v('binShort.wrong'), 0, `${protocol}: none wrong in the short bin`);
  assert.is(v('ctl.fault'), 0, `${protocol}: no controller fault`);
  // A real PLC cannot be sped up.
  await run.setPace({ kind: 'fast' }).then(
    () => assert.unreachable(),
    (e: Error) => assert.match(e.message, /real time only/),
  );
}

test(`the demo sorts correctly with its controller behind ${PROTOCOLS.join(', ')} (side by side)`, async () => {
  const runs: StartedRun[] = [];
  try {
    for (const protocol of PROTOCOLS) {
      const file = `examples/sorting-${protocol}.yaml`;
      runs.push(await startRun({ plant: plant(file), plantPath: file, logger: quiet, statsLogMs: 0 }));
    }
    const results = await Promise.allSettled(PROTOCOLS.map((p, k) => sortsThrough(p, runs[k]!)));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    if (failed.length) throw failed[0];
  } finally {
    await Promise.all(runs.map((r) => r.close()));
  }
});

test.run();
