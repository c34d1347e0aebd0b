// A shadow run frames the PLC's values as they are read (issue 24), as a run with a physics
// worker does: ShadowInputs publishes the twin's values into the table when a read changed one
// and then tells its listeners, and only then. Through the wire: a ShadowRun of
// examples/sorting-shadow.yaml against the rig's stand-in line over OPC UA on 127.0.0.1 tells
// its listeners many times a second, each time with the measured value already in the table.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pino } from 'pino';
import { loadPlantFile, type PlantFile } from '../../core/config/plant-file.ts';
import { loadLineFile } from '../../core/config/line-file.ts';
import { ShadowRun } from '../../core/shadow/shadow-run.ts';
import { ShadowInputs } from '../../core/shadow/shadow-inputs.ts';
import { startRun } from '../../core/engine/engine.ts';
import { RecordingSink } from './recording-sink.ts';

test('a read that changed a value publishes, then tells the listeners; a read that changed nothing does neither', () => {
  const values = new Float64Array(2);
  const events: string[] = [];
  const inputs = new ShadowInputs({ write: (id, v) => (values[id] = v), flush: () => events.push('flush') }, () => events.push(`publish ${values[0]}`));
  const off = inputs.onInput(() => events.push('listener'));
  inputs.sink.write(0, 7, 0);
  inputs.sink.flush();
  inputs.sink.flush(); // a read with no change
  assert.equal(events, ['flush', 'publish 7', 'listener', 'flush']);
  assert.is(inputs.shows(inputs.mark()), true, 'in the table before the listeners run');
  off();
  inputs.sink.write(0, 8, 0);
  inputs.sink.flush();
  assert.equal(events.slice(4), ['flush', 'publish 8'], 'unsubscribed');
});

test('over OPC UA: the listeners hear of each changed read with the measured value already in the table', async () => {
  const base = loadPlantFile(new URL('../../examples/sorting-shadow.yaml', import.meta.url).pathname);
  const pc = base.controllers[0]!;
  const plant: PlantFile = { ...base, controllers: [{ ...pc, softLine: { ...pc.softLine!, faults: [], port: 0 } }] };
  const started = await startRun({ plant, line: loadLineFile(plant.line!), alarmSink: new RecordingSink(), logger: pino({ level: 'warn' }), statsLogMs: 0 });
  assert.instance(started, ShadowRun);
  const run = started as ShadowRun;
  try {
    const id = run.table.id('pe1.blocked.measured');
    let heard = 0;
    let agreed = 0;
    const off = run.inputs.onInput(() => {
      heard++;
      if (run.table.values[id] === run.twin.values[id]) agreed++;
    });
    const until = Date.now() + 20_000;
    while (heard < 20 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    off();
    assert.ok(heard >= 20, `${heard} changed reads heard in 20 s (pe1 blocks and clears with every item)`);
    assert.is(agreed, heard, 'the table held the read value whenever a listener ran');
  } finally {
    await run.close();
  }
});

test.run();
