// The demo line and its built-in controller, lock-stepped in-thread: determinism for a seed,
// reset, ten simulated minutes in which every item ends in the right bin, and a released force.
import { test } from 'uvu';
import { gcRounds } from '../gc-rounds.ts';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { SignalTable } from '../../core/signals.ts';
import { loadLineFile } from '../../core/config/line-file.ts';
import { defaultTagMap, runSignals } from '../../core/engine/engine.ts';
import { Lockstep } from '../../core/engine/lockstep.ts';
import type { LineFile } from '../../physics/model.ts';

const CONTROLLER = { name: 'plc1', protocol: 'sim', program: 'sorting', cycleMs: 10 } as const;
const demo = loadLineFile('examples/sorting.yaml');

async function build(line: LineFile) {
  const tagMap = defaultTagMap(CONTROLLER);
  const defs = runSignals(line, tagMap);
  const ls = await Lockstep.create(line, defs, CONTROLLER, tagMap);
  const id = (n: string) => defs.findIndex((d) => d.name === n);
  return { ls, defs, id };
}

/** Hash of every value every 100 ticks: the run's trace. */
function trace(ls: Lockstep, ticks: number): string {
  const h = createHash('sha256');
  for (let t = 0; t < ticks; t += 100) {
    ls.run(100);
    h.update(new Uint8Array(ls.values.buffer, ls.values.byteOffset, ls.values.byteLength));
  }
  return h.digest('hex');
}

test('two runs with one seed give identical traces; another seed differs', async () => {
  const a = await build(demo);
  const b = await build(demo);
  const c = await build({ ...demo, seed: (demo.seed ?? 42) + 1 });
  const ta = trace(a.ls, 60_000);
  assert.is(trace(b.ls, 60_000), ta);
  assert.is.not(trace(c.ls, 60_000), ta);
});

test('reset reproduces the first trace', async () => {
  const a = await build(demo);
  const first = trace(a.ls, 30_000);
  a.ls.reset();
  assert.is(a.ls.tick, 0);
  assert.is(trace(a.ls, 30_000), first);
});

test('a released force on a model output: the model writes its own value at the next step, as if never forced', async () => {
  // A drive at steady state writes only its energy (physics/drive.ts); release tells the model its
  // outputs were overwritten, so the forced number cannot stay in the table. No controller: the
  // drive runs on its actuators as set here, and is long steady when the force is released.
  const line: LineFile = {
    name: 'force',
    dt: 0.001,
    components: [
      { id: 'm1', type: 'drive' },
      { id: 'c1', type: 'conveyor', length: 2, drive: 'm1' },
    ],
  };
  const make = async () => {
    const defs = runSignals(line, []);
    const ls = await Lockstep.create(line, defs, null, []);
    const id = (n: string) => defs.findIndex((d) => d.name === n);
    ls.values[id('m1.run')] = 1;
    ls.values[id('m1.setpoint')] = 50;
    return { ls, id };
  };
  const a = await make();
  const b = await make();
  a.ls.run(6000);
  b.ls.run(6000);
  const current = a.id('m1.current');
  const speed = a.id('m1.speed');
  a.ls.force(current, 99);
  a.ls.force(speed, 12);
  a.ls.run(500);
  b.ls.run(500);
  assert.is(a.ls.values[current], 99);
  assert.is(a.ls.values[speed], 12);
  a.ls.release(current);
  a.ls.release(speed);
  a.ls.run(1);
  b.ls.run(1);
  assert.ok(b.ls.values[current]! > 0 && b.ls.values[speed] === 50);
  assert.is(a.ls.values[current], b.ls.values[current]);
  assert.is(a.ls.values[speed], b.ls.values[speed]);
  // Everything else ran on unaffected (the belt reads the drive's own speed, not the forced signal).
  a.ls.run(1000);
  b.ls.run(1000);
  assert.equal(Array.from(a.ls.values), Array.from(b.ls.values));
});

test('ten simulated minutes: every item sorted into the right bin, none lost', async () => {
  const { ls, id } = await build(demo);
  const v = ls.values;
  ls.run(600_000);
  const tall = v[id('binTall.count')]!;
  const short = v[id('binShort.count')]!;
  const created = v[id('line.created')]!;
  const inTransit = v[id('line.items')]!;
  assert.is(v[id('binTall.wrong')], 0, 'no short item in the tall bin');
  assert.is(v[id('binShort.wrong')], 0, 'no tall item in the short bin');
  assert.is(v[id('ctl.fault')], 0, 'controller never faulted');
  assert.ok(tall > 50 && short > 50, `both bins fill (tall ${tall}, short ${short})`);
  assert.is(tall + short + inTransit, created, `created ${created} = binned ${tall + short} + in transit ${inTransit}`);
  // 0.4 items/s offered for 600 s: the line must keep up (the source is blocked only briefly).
  assert.ok(created > 0.8 * 0.4 * 600 * 0.8, `throughput plausible: ${created} created`);
});

test('the worker-side hot path allocates nothing: scan, step, item view, publish', async () => {
  // What the worker does per wake: a controller scan every 10 steps, the physics step, the
  // mimic's item view and the seqlocked publish. Garbage would show as young-generation GCs.
  const { ls, defs } = await build(demo);
  const table = SignalTable.create(defs);
  const cycle = (n: number) => {
    for (let k = 0; k < n; k++) {
      ls.step();
      ls.model.updateItemView();
      table.publish(ls.values, ls.tick, ls.time);
    }
  };
  cycle(100_000); // warm up: JIT, source rings filled
  const rounds = await gcRounds(() => cycle(500_000));
  assert.is(rounds.at(-1), 0, `garbage collections per round of 500k worker ticks: ${rounds.join(', ')}`);
});

test.run();
