// Shadow mode through the wire: the rig's stand-in line (line model + sorting program in its
// own process behind OPC UA on 127.0.0.1) and a ShadowRun of examples/sorting-shadow.yaml
// against it. A belt slip injected at run time raises the pe2 deviation with its cause; the
// stand-in's server counted zero writes; killing the stand-in (link loss) raises exactly one
// communication alarm and no deviation alarm. A jam raises the motor-load deviation.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadPlantFile, type PlantFile } from '../../core/config/plant-file.ts';
import { loadLineFile } from '../../core/config/line-file.ts';
import { ShadowRun } from '../../core/shadow/shadow-run.ts';
import { startRun } from '../../core/engine/engine.ts';
import { pino } from 'pino';
import { RecordingSink } from './recording-sink.ts';

const base = loadPlantFile(new URL('../../examples/sorting-shadow.yaml', import.meta.url).pathname);
const pc = base.controllers[0]!;
// No start-time faults and any free port: this test injects its own.
const plant: PlantFile = { ...base, controllers: [{ ...pc, softLine: { ...pc.softLine!, faults: [], port: 0 } }] };
const line = loadLineFile(plant.line!);

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

test('slip detected over OPC UA, zero writes; link loss: one communication alarm, no deviation', async () => {
  const sink = new RecordingSink();
  // The way npm start runs it: startRun with the plant file and the alarm sink.
  const started = await startRun({ plant, line, alarmSink: sink, logger: pino({ level: 'warn' }), statsLogMs: 0 });
  assert.instance(started, ShadowRun);
  const run = started as ShadowRun;
  try {
    assert.is(run.status().mode, 'shadow');
    let refused = '';
    await run.force('m1.run', 1).catch((e: Error) => (refused = e.message));
    assert.match(refused, 'refused in shadow mode');
    assert.ok(await until(() => run.status().shadow.comparing, 15_000), 'comparisons start after the warm-up');
    await new Promise((r) => setTimeout(r, 8000));
    assert.is(sink.raisedOf('deviation:').length, 0, `healthy: ${sink.raised.map((x) => x.condition.cause).join(' | ')}`);
    const f = await run.injectFault({ target: 'component', component: 'sorter', kind: 'slip', severity: 0.5 });
    const t0 = run.status().time;
    assert.ok(await until(() => sink.active.has('deviation:pe2-edge'), 15_000), `pe2 deviation after slip; raised: ${sink.raised.map((x) => x.key).join(', ')}`);
    const hit = sink.raised.find((x) => x.key === 'deviation:pe2-edge')!;
    assert.match(hit.condition.cause ?? '', /missing.*belt slip/);
    console.log(`slip at line t=${f.time.toFixed(2)} s; pe2 deviation ${(run.status().time - t0).toFixed(2)} s (twin clock) after injection`);
    const counters = await run.softLine!.counters();
    assert.ok(counters.reads > 1000, `reads ${counters.reads}`);
    assert.is(counters.writes, 0, 'shadow mode wrote nothing');
    assert.is(run.networkHealth().writes, 0);
    // Link loss: the stand-in dies like a pulled cable.
    const before = sink.raisedOf('deviation:').length;
    const commBefore = sink.raisedOf('communication:').length; // a loaded host may have stalled a read earlier
    run.softLine!.kill();
    assert.ok(await until(() => sink.raisedOf('communication:').length > commBefore, 5000), 'communication alarm');
    await new Promise((r) => setTimeout(r, 3000));
    assert.is(sink.raisedOf('communication:').length - commBefore, 1, `exactly one communication alarm: ${JSON.stringify([sink.raisedOf('communication:').map((x) => x.at), sink.cleared])}`);
    assert.ok(sink.active.has('communication:plc1'));
    assert.is(sink.raisedOf('deviation:').length, before, 'no new deviation alarm after the link loss');
    assert.is(run.status().shadow.comparing, false);
  } finally {
    await run.close();
  }
});

test('jam over OPC UA: the motor-load deviation names the jam', async () => {
  const sink = new RecordingSink();
  const run = await ShadowRun.start({ plant, line, sink, logger: pino({ level: 'warn' }) });
  try {
    assert.ok(await until(() => run.status().shadow.comparing, 15_000), 'comparisons start after the warm-up');
    await new Promise((r) => setTimeout(r, 3000));
    await run.injectFault({ target: 'component', component: 'sorter', kind: 'jam' });
    const t0 = Date.now();
    assert.ok(await until(() => sink.active.has('deviation:m2-load'), 10_000), `m2-load deviation after the jam; raised: ${sink.raised.map((x) => x.key).join(', ')}`);
    console.log(`jam: m2-load deviation ${((Date.now() - t0) / 1000).toFixed(2)} s (wall) after the injection request`);
    assert.match(sink.raised.find((x) => x.key === 'deviation:m2-load')!.condition.cause ?? '', /m2-load: deviation .* jam/);
    assert.is((await run.softLine!.counters()).writes, 0);
  } finally {
    await run.close();
  }
});

test.run();
