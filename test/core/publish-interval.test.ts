// The signal table's readers see whole publishes, however often the physics worker publishes:
// a writer thread changing every value on every publish never shows a reader a mix of two; a
// paced run with a publish interval publishes at multiples of it, is never a whole interval
// behind its model, and its related values agree; pausing and stepping show the model as it is;
// economy pacing runs its steps in 5 ms wakes; a publish spread over several calls is seen whole
// or not at all; a plant file's engine block sets both, the command
// line's options win over it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pino } from 'pino';
import { SignalTable, type SignalDef } from '../../core/signals.ts';
import { spawnWorker } from '../../core/engine/spawn-worker.ts';
import { startRun } from '../../core/engine/engine.ts';
import { parsePlantFile } from '../../core/config/plant-file.ts';
import { ConfigError } from '../../core/config/config-error.ts';

const quiet = pino({ level: 'silent' });
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

for (const parts of [0, 4]) {
test(`readers never see a torn snapshot: 20 000 values, every one changed by every publish of a writer thread${parts > 0 ? `, each publish spread over ${parts} parts` : ''}`, async () => {
  const n = 20_000;
  const defs: SignalDef[] = Array.from({ length: n }, (_, i) => ({ name: `s${i}`, type: 'real', kind: 'state', unit: '' }));
  const table = SignalTable.create(defs);
  const control = new SharedArrayBuffer(8);
  const ctl = new Int32Array(control); // [0] stop, [1] the writer's publishes so far
  const writer = spawnWorker(new URL('./signal-writer.ts', import.meta.url), { workerData: { defs, buffer: table.buffer, control, parts } });
  try {
    // Wait (bounded) for the writer to be publishing before reading.
    for (const until = Date.now() + 20_000; Atomics.load(ctl, 1) < 10 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
    const first = Atomics.load(ctl, 1);
    assert.ok(first >= 10, 'the writer publishes');
    const out = new Float64Array(n);
    const info = { tick: 0, time: 0 };
    let whole = 0;
    let busy = 0;
    let lastTick = 0;
    // Reads until both sides did enough (the writer's pace against the reader's depends on the
    // machine: on a quiet one 2 000 reads took less time than 100 publishes), bounded in time.
    const enough = (): boolean => whole >= 100 && Atomics.load(ctl, 1) - first >= 100;
    for (let k = 0, until = Date.now() + 15_000; !enough() && k < 200_000 && Date.now() < until; k++) {
      if (k % 64 === 63) await tick(); // let the writer's thread and the timers breathe
      if (!table.snapshot(out, info)) {
        busy++;
        continue;
      }
      // Every value of one publish: value i of tick t is t + i, and the time is the tick's.
      for (let i = 0; i < n; i++) if (out[i] !== info.tick + i) assert.unreachable(`snapshot of tick ${info.tick}: value ${i} is ${out[i]} (a value of tick ${out[i]! - i})`);
      assert.is(info.time, info.tick / 1000);
      assert.ok(info.tick >= lastTick, 'ticks never go back');
      lastTick = info.tick;
      whole++;
    }
    const published = Atomics.load(ctl, 1) - first;
    assert.ok(whole >= 100, `${whole} whole snapshots (${busy} gave up while the writer kept publishing)`);
    assert.ok(published >= 100, `the writer published ${published} times while the reader read`);
  } finally {
    Atomics.store(ctl, 0, 1);
    await writer.terminate();
  }
});
}

test('a paced run publishes at multiples of its interval, never a whole interval behind, its related values in agreement', async () => {
  const every = 7; // not a divisor of the controller's 10 ms cycle, nor of the 20 steps a wake runs at 20x
  const run = await startRun({ linePath: 'examples/sorting.yaml', pace: { kind: 'realtime', factor: 20 }, publishMs: every, logger: quiet, statsLogMs: 0 });
  try {
    const id = (name: string): number => run.table.id(name);
    const [created, items, tall, short] = [id('line.created'), id('line.items'), id('binTall.count'), id('binShort.count')];
    const v = new Float64Array(run.table.size);
    const info = { tick: 0, time: 0 };
    const seen = new Set<number>();
    // Until 50 distinct publishes were read and the source has made items (the first after a few
    // simulated seconds), bounded: a start on a busy machine may take seconds.
    for (let k = 0, until = Date.now() + 20_000; (seen.size < 50 || !(v[created]! > 0)) && k < 200_000 && Date.now() < until; k++) {
      // The worker writes its tick into the statistics between wakes; the table, read after it,
      // can only be newer: it must be less than one interval behind that tick.
      const modelTick = run.status().stats.ticks;
      if (!run.table.snapshot(v, info)) continue;
      if (info.tick % every !== 0) assert.unreachable(`published at tick ${info.tick}, not a multiple of ${every}`);
      if (modelTick - info.tick >= every) assert.unreachable(`table at tick ${info.tick}, the model was at ${modelTick}`);
      if (Math.abs(info.time - info.tick * 0.001) > 1e-9) assert.unreachable(`tick ${info.tick} with time ${info.time}`);
      // Every item the source made is on the belts or in a bin, in every published tick.
      if (v[created] !== v[items]! + v[tall]! + v[short]!) assert.unreachable(`tick ${info.tick}: created ${v[created]}, on the line ${v[items]}, binned ${v[tall]! + v[short]!}`);
      seen.add(info.tick);
      await tick();
    }
    assert.ok(seen.size >= 20, `${seen.size} publishes seen`);
    assert.ok(v[created]! > 0, 'items were made');
    // The worker's statistics (publish count) are refreshed every 200 ms: wait for them (bounded).
    let s = run.status();
    for (const until = Date.now() + 5000; (s.publish?.count ?? 0) < seen.size && Date.now() < until; s = run.status()) await new Promise((r) => setTimeout(r, 50));
    assert.is(s.publish?.everyTicks, every);
    assert.ok((s.publish?.count ?? 0) >= seen.size, `${s.publish?.count} publishes counted, ${seen.size} seen`);
    // Pausing publishes the model where it stopped; single steps publish too.
    await run.pause();
    const stopped = run.status().stats.ticks;
    assert.is(run.table.tick, stopped, 'a paused table shows the model as it stopped');
    await run.step(3);
    assert.is(run.table.tick, stopped + 3);
  } finally {
    await run.close();
  }
});

test('defaults: the demo line publishes every step with precise pacing; economy pacing runs 5 steps per wake', async () => {
  for (const pacing of ['precise', 'economy'] as const) {
    const run = await startRun({ linePath: 'examples/sorting.yaml', pacing, logger: quiet, statsLogMs: 0 });
    try {
      let s = run.status();
      for (const until = Date.now() + 20_000; s.stats.wakes < 40 && Date.now() < until; s = run.status()) await new Promise((r) => setTimeout(r, 50));
      assert.is(s.pacing, pacing);
      assert.is(s.publish?.everyTicks, 1, 'every step: nothing changes for small runs');
      assert.ok(s.stats.wakes >= 40, `${s.stats.wakes} wakes`);
      // Each wake runs the steps of its period (more after a stall, never fewer).
      const perWake = pacing === 'economy' ? 5 : 1;
      assert.ok(s.stats.ticks >= perWake * s.stats.wakes, `${pacing}: ${s.stats.ticks} steps in ${s.stats.wakes} wakes`);
      if (pacing === 'economy') assert.is(run.table.tick % 5, 0, 'published after whole wakes');
    } finally {
      await run.close();
    }
  }
});

test("a plant file's engine block sets pacing and publish interval; the command line's options win; bad values are refused", async () => {
  const text = (engine: string): string => `name: eco
line: examples/sorting.yaml
${engine}
controllers:
  - { name: plc1, protocol: sim, program: examples/programs/sorting.st, tags: [] }
`;
  const plant = parsePlantFile('eco.yaml', text('engine: { pacing: economy, publishMs: 5 }'));
  assert.equal(plant.engine, { pacing: 'economy', publishMs: 5 });
  for (const [options, pacing, every] of [[{}, 'economy', 5], [{ pacing: 'precise' as const, publishMs: 2 }, 'precise', 2]] as const) {
    const run = await startRun({ plant, logger: quiet, statsLogMs: 0, ...options });
    try {
      const s = run.status();
      assert.is(s.pacing, pacing);
      assert.is(s.publish?.everyTicks, every);
    } finally {
      await run.close();
    }
  }
  for (const [engine, path, message] of [
    ['engine: { pacing: eco }', 'engine.pacing', 'must be one of'],
    ['engine: { publishMs: 0 }', 'engine.publishMs', 'must be > 0'],
    ['engine: { spin: 1 }', 'engine.spin', 'known: pacing, publishMs'],
  ] as const) {
    try {
      parsePlantFile('eco.yaml', text(engine));
      assert.unreachable(engine);
    } catch (err) {
      assert.instance(err, ConfigError, engine);
      const found = (err as ConfigError).issues.find((i) => i.path === path);
      assert.ok(found && found.message.includes(message), `${engine}: ${(err as Error).message}`);
    }
  }
});

test('a spread publish: readers see the previous values until the last part, then the new ones whole and stamped; a whole publish finishes it first', () => {
  const defs: SignalDef[] = Array.from({ length: 10 }, (_, i) => ({ name: `s${i}`, type: 'real', kind: 'state', unit: '' }));
  const table = SignalTable.create(defs);
  const work = new Float64Array(10).fill(1);
  table.publish(work, 1, 0.001);
  work[3] = 2;
  work[9] = 2;
  table.beginPublish(work, 2, 0.002, 3);
  work.fill(7); // the model steps on: the publish keeps the values of its tick
  const out = new Float64Array(10);
  const info = { tick: 0, time: 0 };
  for (const done of [false, false, true]) {
    assert.ok(table.snapshot(out, info));
    assert.equal([info.tick, out[3], out[9]], [1, 1, 1], 'before the last part: the previous publish');
    assert.is(table.continuePublish(1), done);
  }
  assert.ok(table.snapshot(out, info));
  assert.equal([info.tick, info.time, out[0], out[3], out[9]], [2, 0.002, 1, 2, 2]);
  assert.equal([table.stamps[0], table.stamps[3], table.stamps[9]], [1, 2, 2], 'stamped with the tick of the values');
  assert.is(table.publishing, false);
  assert.is(table.continuePublish(1), false, 'nothing under way');
  // A whole publish (a command) while a spread one is under way: that one lands first.
  table.beginPublish(work, 3, 0.003, 5);
  work[0] = 8;
  table.publish(work, 4, 0.004);
  assert.ok(table.snapshot(out, info));
  assert.equal([info.tick, out[0], out[1]], [4, 8, 7]);
  assert.equal([table.stamps[0], table.stamps[1]], [4, 3]);
});

test.run();
