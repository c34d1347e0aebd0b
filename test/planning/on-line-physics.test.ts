// The physics side of the virtual line: a machine with a product recipe changes over between
// families for the matrix time, shows it on `.changeover` (the KPI tracker's CHANGEOVER state,
// core/kpi/station-plan.ts), waits on `.waitOperator` until an operator is granted and lets it go
// when done; the order source releases a lot into the station as it takes one; and stepping such
// a line allocates (next to) nothing: the growth of V8's new space over chunks of steps in which
// no collection ran, as test/physics/allocation.test.ts measures it.

import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Model, lineSignals, type LineFile } from '../../physics/model.ts';
import type { MachineRecipe } from '../../physics/machine-recipe.ts';
import { CHANGEOVER, STARVED, WORKING, stationState, type StationSignals } from '../../core/kpi/station-plan.ts';

const LINE: LineFile = {
  name: 'recipe',
  dt: 0.01,
  components: [
    { id: 'src', type: 'ordersource', next: 'm1' },
    { id: 'm1', type: 'machine', cycleTime: 1, busyPower: 2, idlePower: 0.5 },
  ],
};

// Classes 0 (family 0, 0.5 s) and 1 (family 1, 0.3 s); 0 -> 1: 2 s, 1 -> 0: 1 s.
const recipe = (needsOperator: boolean): MachineRecipe => ({
  cycleTime: Float64Array.of(0.5, 0.3),
  busyPower: Float64Array.of(NaN, 4),
  family: Int32Array.of(0, 1),
  families: 2,
  changeover: Float64Array.of(0, 2, 1, 0),
  initial: 0,
  spread: 0,
  needsOperator,
});

function build(needsOperator: boolean, extra?: (sig: (n: string) => number) => Partial<MachineRecipe>): { model: Model; v: Float64Array; sig: (n: string) => number; st: StationSignals } {
  const defs = lineSignals(LINE);
  const ids = new Map(defs.map((d, i) => [d.name, i]));
  const sig = (n: string): number => ids.get(n) ?? -1;
  const v = new Float64Array(defs.length);
  const model = new Model(LINE, sig, v);
  model.setMachineRecipe(model.indexOf('m1'), { ...recipe(needsOperator), ...extra?.(sig) });
  const st: StationSignals = { busy: sig('m1.busy'), blocked: sig('m1.blocked'), starved: sig('m1.starved'), items: sig('m1.items'), down: sig('m1.down'), changeover: sig('m1.changeover'), cycles: sig('m1.cycles'), energy: sig('m1.energy') };
  return { model, v, sig, st };
}

test('a family change: changeover for the matrix time, then the new cycle time and power', () => {
  const { model, v, sig, st } = build(false);
  const { orderSources } = model.planControls;
  orderSources.release(0, 0, 2);
  // 2 units of 0.5 s: placed at step 1, worked steps 2-51 and 52-101.
  for (let i = 0; i < 101; i++) model.step();
  assert.is(v[sig('m1.cycles')], 2);
  assert.is(v[sig('src.created')], 2);
  orderSources.release(0, 1, 1);
  let co = 0, work = 0;
  for (let i = 0; i < 400; i++) {
    model.step();
    const s = stationState(v, st);
    if (s === CHANGEOVER) co++;
    if (v[sig('m1.busy')] === 1) work++;
    if (s === WORKING) assert.is(v[sig('m1.power')], 4);
  }
  assert.is(co, 200, 'changeover 0 -> 1 lasts 2 s');
  assert.is(work, 30, 'the 0.3 s cycle shows busy on each of its 30 steps');
  assert.is(v[sig('m1.cycles')], 3);
  assert.is(v[sig('m1.product')], 2);
  assert.is(stationState(v, st), STARVED);
});

test('a changeover that needs an operator waits for one and lets it go when done', () => {
  const { model, v, sig } = build(true);
  const { machines, orderSources } = model.planControls;
  machines.announce(0, 1);
  orderSources.release(0, 1, 1);
  for (let i = 0; i < 50; i++) model.step();
  assert.ok(machines.wantsOperator(0));
  assert.is(v[sig('m1.waitOperator')], 1);
  assert.is(v[sig('m1.changeover')], 0);
  assert.is(v[sig('m1.cycles')], 0);
  machines.grantOperator(0);
  let co = 0;
  for (let i = 0; i < 300; i++) {
    model.step();
    if (v[sig('m1.changeover')] === 1) co++;
  }
  assert.is(co, 200);
  assert.not.ok(machines.holdsOperator(0));
  assert.is(v[sig('m1.waitOperator')], 0);
  assert.is(v[sig('m1.cycles')], 1);
});

function newSpaceUsed(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_used_size;
}

test('a changeover that consumes energy draws it over its matrix time', () => {
  const { model, v, sig } = build(false, () => ({ changeoverEnergy: 0.1 }));
  const { orderSources } = model.planControls;
  orderSources.release(0, 1, 1);
  let co = 0;
  for (let i = 0; i < 300; i++) {
    model.step();
    if (v[sig('m1.changeover')] === 1) {
      co++;
      // idle 0.5 kW + 0.1 kWh over 2 s
      assert.ok(Math.abs(v[sig('m1.power')]! - (0.5 + 180)) < 1e-9, `${v[sig('m1.power')]}`);
    }
  }
  assert.is(co, 200);
  assert.is(model.planControls.machines.changeoverCount(0), 1);
  // 2 s of changeover at 180.5 kW, 0.3 s at 4 kW busy, the rest of the 3 s idle.
  assert.ok(Math.abs(v[sig('m1.energy')]! - (0.1 + (0.5 * 2 + 4 * 0.3 + 0.5 * 0.7) / 3600)) < 1e-9, `${v[sig('m1.energy')]}`);
});

test('a recipe line with changeovers and releases allocates (next to) nothing per step', async () => {
  // With changeover energy and a settle list (always within tolerance): their paths run too.
  const { model } = build(false, (sig) => ({ changeoverEnergy: 0.05, settle: { signal: Int32Array.of(sig('m1.wear')), tolerance: Float64Array.of(1), target: Float64Array.of(0, 0) } }));
  const { orderSources } = model.planControls;
  let gcs = 0;
  const obs = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  obs.observe({ entryTypes: ['gc'] });
  const rates: number[] = [];
  const STEPS = 200_000;
  // Warm up (the kernels, the inline caches), then measure chunks that saw no collection.
  for (let c = 0; c < 8; c++) {
    await new Promise((r) => setTimeout(r, 20));
    const before = gcs;
    const used = newSpaceUsed();
    for (let i = 0; i < STEPS; i++) {
      // A new lot every 5 s, alternating families: changeovers keep happening.
      if (i % 500 === 0 && orderSources.queued(0) === 0) orderSources.release(0, (i / 500) % 2, 4);
      model.step();
    }
    const grown = newSpaceUsed() - used;
    await new Promise((r) => setTimeout(r, 20));
    if (c >= 2 && gcs === before && grown >= 0) rates.push(grown / STEPS);
  }
  obs.disconnect();
  rates.sort((a, b) => a - b);
  assert.ok(rates.length > 0, 'some chunk ran without a collection');
  const perStep = rates[Math.floor(rates.length / 2)]!;
  assert.ok(perStep < 1, `${perStep.toFixed(3)} B/step`);
});

test.run();
