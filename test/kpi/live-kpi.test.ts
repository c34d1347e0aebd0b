// The live sampler over a real signal table written by this test: the run-so-far figures, the
// last complete window (also when sampling starts with the run well under way), a reset that
// starts everything afresh, and a paused run (its clock stands) that accumulates nothing.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LiveKpi } from '../../core/kpi/live-kpi.ts';
import { SignalTable, type SignalDef } from '../../core/signals.ts';

const FIELDS = ['busy', 'blocked', 'starved', 'items', 'down', 'cycles', 'energy'];
const defs: SignalDef[] = FIELDS.map((f) => ({ name: `mc.${f}`, type: 'real', kind: 'state', unit: '' }));

function rig(): { kpi: LiveKpi; at: (time: number, busy: number) => void } {
  const table = SignalTable.create(defs);
  const work = new Float64Array(defs.length);
  let tick = 0;
  const kpi = new LiveKpi(table, [{ id: 'mc', type: 'machine', params: { cycleTime: 2 } }], { windowSeconds: 60 });
  return {
    kpi,
    at: (time, busy) => {
      work[0] = busy;
      work[2] = busy ? 0 : 1; // starved otherwise
      table.publish(work, ++tick, time);
      kpi.sample();
    },
  };
}

test('run so far and the last complete window, from a run already 100 s in', () => {
  const { kpi, at } = rig();
  at(100, 1);
  assert.is(kpi.report().window, null);
  at(130, 0); // 100..130 busy
  at(161, 0); // 130..161 starved: the first window (100..161) is complete
  let r = kpi.report();
  assert.is(r.run.stations[0]!.apt, 30);
  assert.is(r.run.stations[0]!.starvedTime, 31);
  assert.ok(r.window !== null);
  assert.equal([r.window!.from, r.window!.to, r.window!.stations[0]!.apt], [100, 161, 30]);
  at(170, 1);
  at(200, 1); // paused: the clock stands, nothing accumulates
  at(200, 1);
  r = kpi.report();
  assert.is(r.run.stations[0]!.apt, 30 + 30);
  assert.is(r.run.to - r.run.from, 100);
});

test('a reset (the clock goes back) starts the run figures and the windows afresh', () => {
  const { kpi, at } = rig();
  at(0, 1);
  at(70, 1);
  assert.ok(kpi.report().window !== null);
  at(1, 0); // reset
  at(3, 0);
  const r = kpi.report();
  assert.is(r.window, null);
  assert.equal([r.run.from, r.run.to, r.run.stations[0]!.apt, r.run.stations[0]!.starvedTime], [1, 3, 0, 2]);
});

test.run();
