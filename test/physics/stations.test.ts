// Stations: machine cycle-time distributions against their means (fixed seed, statistical
// bound), the throughput of machine -> buffer -> machine against the bottleneck rate, blocking
// and starving, and the pick-and-place cycle as the sum of its steps.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentConfig, LineFile } from '../../physics/model.ts';
import { rig, runUntil } from './harness.ts';

const DT = 0.001;

/** A belt full of waiting items in front of the stations, so the first station is never starved. */
function fed(stations: ComponentConfig[], first: string): LineFile {
  return {
    name: 'stations',
    dt: DT,
    seed: 3,
    components: [
      { id: 'm0', type: 'drive', tau: 1e-9 },
      { id: 'feed', type: 'conveyor', length: 1, beltSpeed: 1, drive: 'm0', next: first },
      { id: 'src', type: 'source', conveyor: 'feed', rate: 50, minGap: 0, itemLength: 0.1 },
      ...stations,
    ],
  };
}

function startFeed(r: ReturnType<typeof rig>): void {
  r.set('m0.run', 1);
  r.set('m0.setpoint', 50);
}

/** Cycle times of machine `id` over `n` cycles (read each time `.cycles` advances). */
function cycleTimes(r: ReturnType<typeof rig>, id: string, n: number): number[] {
  const out: number[] = [];
  let seen = r.get(`${id}.cycles`);
  for (let k = 0; k < 200 * n * 1000 && out.length < n; k++) {
    r.model.step();
    const c = r.get(`${id}.cycles`);
    if (c !== seen) {
      seen = c;
      out.push(r.get(`${id}.lastCycle`));
    }
  }
  return out;
}

function stats(xs: number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, sd: Math.sqrt(v) };
}

test('fixed cycle time: every cycle is exactly cycleTime', () => {
  const r = rig(fed([{ id: 'mc', type: 'machine', cycleTime: 0.75 }], 'mc'));
  startFeed(r);
  const xs = cycleTimes(r, 'mc', 20);
  assert.is(xs.length, 20);
  for (const x of xs) assert.ok(Math.abs(x - 0.75) < 1e-12, `cycle ${x}`);
});

for (const [dist, spread, sigma] of [
  ['uniform', 0.2, 0.2 / Math.sqrt(3)],
  // A normal truncated at ±3σ keeps its mean; its standard deviation is 0.9865σ.
  ['normal', 0.1, 0.1 * 0.9865],
] as const) {
  test(`${dist} cycle times: mean of 2000 cycles within 4 standard errors of cycleTime (seed 3)`, () => {
    const r = rig(fed([{ id: 'mc', type: 'machine', cycleTime: 0.5, distribution: dist, spread }], 'mc'));
    startFeed(r);
    const xs = cycleTimes(r, 'mc', 2000);
    assert.is(xs.length, 2000);
    const { mean, sd } = stats(xs);
    const bound = (4 * sigma) / Math.sqrt(xs.length) + DT / 2;
    assert.ok(Math.abs(mean - 0.5) <= bound, `mean ${mean} vs 0.5 ± ${bound}`);
    assert.ok(Math.abs(sd - sigma) / sigma < 0.1, `sd ${sd} vs ${sigma}`);
    if (dist === 'uniform') assert.ok(Math.min(...xs) >= 0.3 - DT && Math.max(...xs) <= 0.7 + DT, 'inside mean ± spread');
    else assert.ok(Math.min(...xs) >= 0.2 - DT && Math.max(...xs) <= 0.8 + DT, 'truncated at ± 3 spread');
  });
}

test('machine -> buffer -> machine: throughput = 1 / bottleneck cycle; the faster machine is blocked', () => {
  const r = rig(
    fed(
      [
        { id: 'm1', type: 'machine', cycleTime: 0.4, next: 'buf' },
        { id: 'buf', type: 'buffer', capacity: 3, next: 'm2' },
        { id: 'm2', type: 'machine', cycleTime: 0.6 },
      ],
      'm1',
    ),
  );
  startFeed(r);
  r.run(10_000); // fill the buffer
  const c0 = r.get('m2.cycles');
  r.run(300_000);
  const rate = (r.get('m2.cycles') - c0) / 300;
  // Hand-computed: the bottleneck m2 finishes one item per 0.6 s plus one step to be reloaded.
  const expected = 1 / (0.6 + DT);
  assert.ok(Math.abs(rate - expected) / expected < 0.005, `throughput ${rate}/s vs ${expected}/s`);
  assert.is(r.get('buf.full'), 1, 'buffer full');
  assert.is(r.get('buf.items'), 3);
  // m1 spends 1/3 of the time blocked: sample it.
  let blocked = 0;
  for (let k = 0; k < 60_000; k++) {
    r.model.step();
    blocked += r.get('m1.blocked');
  }
  const share = blocked / 60_000;
  assert.ok(Math.abs(share - (0.6 - 0.4) / 0.6) < 0.01, `m1 blocked ${share}, expected 1/3`);
});

test('slow machine first: the buffer stays empty and starves the second machine', () => {
  const r = rig(
    fed(
      [
        { id: 'm1', type: 'machine', cycleTime: 0.6, next: 'buf' },
        { id: 'buf', type: 'buffer', capacity: 3, next: 'm2' },
        { id: 'm2', type: 'machine', cycleTime: 0.4 },
      ],
      'm1',
    ),
  );
  startFeed(r);
  r.run(10_000);
  const c0 = r.get('m2.cycles');
  let starved = 0;
  let empty = 0;
  for (let k = 0; k < 300_000; k++) {
    r.model.step();
    starved += r.get('m2.starved');
    empty += r.get('buf.empty');
  }
  const rate = (r.get('m2.cycles') - c0) / 300;
  assert.ok(Math.abs(rate - 1 / 0.6) / (1 / 0.6) < 0.005, `throughput ${rate}/s vs ${1 / 0.6}/s`);
  assert.ok(Math.abs(starved / 300_000 - 0.2 / 0.6) < 0.01, `m2 starved ${starved / 300_000}`);
  assert.ok(empty / 300_000 > 0.99, 'buffer (almost) always empty');
});

test('machine energy: idle power while starved, busy power while working; wear only while working', () => {
  const r = rig(fed([{ id: 'mc', type: 'machine', cycleTime: 0.75, busyPower: 3, idlePower: 0.5 }], 'mc'));
  r.run(10_000); // feed stopped: starved all along
  assert.ok(Math.abs(r.get('mc.energy') - (0.5 * 10) / 3600) < 1e-12, `idle ${r.get('mc.energy')}`);
  assert.is(r.get('mc.wear'), 0);
  assert.is(r.get('mc.starved'), 1);
  startFeed(r);
  runUntil(r, () => r.get('mc.busy') === 1, 10_000);
  const e0 = r.get('mc.energy');
  runUntil(r, () => r.get('mc.cycles') >= 1, 10_000);
  // One whole cycle at busy power (its first step is the one the busy flag was first seen).
  assert.ok(Math.abs(r.get('mc.energy') - e0 - (3 * 0.749) / 3600) < 1e-12, `busy ${r.get('mc.energy') - e0}`);
  assert.ok(r.get('mc.wear') > 0);
});

const PP_STEPS = { downTime: 0.3, gripTime: 0.1, upTime: 0.3, traverseTime: 0.8, releaseTime: 0.1, returnTime: 0.7 };
// down, grip, up, traverse, down, release, up, return
const PP_SUM = 0.3 + 0.1 + 0.3 + 0.8 + 0.3 + 0.1 + 0.3 + 0.7;

test('pick-and-place cycle = sum of its step times; sequence order', () => {
  const r = rig(fed([{ id: 'pp', type: 'pickplace', ...PP_STEPS, next: 'k' }, { id: 'k', type: 'bin' }], 'pp'));
  startFeed(r);
  const steps: number[] = [];
  runUntil(
    r,
    () => {
      const s = r.get('pp.step');
      if (steps[steps.length - 1] !== s) steps.push(s);
      return r.get('pp.cycles') >= 1;
    },
    60_000,
  );
  assert.equal(steps.slice(steps.indexOf(1)), [1, 2, 3, 4, 5, 6, 7, 8, 0]);
  assert.ok(Math.abs(r.get('pp.lastCycle') - PP_SUM) < 1e-9, `cycle ${r.get('pp.lastCycle')} vs ${PP_SUM}`);
  assert.is(r.get('k.count'), 1, 'placed into the bin at the end of release');
  // Energy: 0.5 kW while moving, the whole cycle.
  assert.ok(Math.abs(r.get('pp.energy') - (0.5 * PP_SUM) / 3600) < 1e-12, `energy ${r.get('pp.energy')} vs ${(0.5 * PP_SUM) / 3600}`);
});

test('pick-and-place waits over a full outlet, and a z cylinder times the vertical moves', () => {
  const r = rig(
    fed(
      [
        { id: 'pp', type: 'pickplace', ...PP_STEPS, zAxis: 'z', next: 'mc' },
        { id: 'z', type: 'cylinder', strokeTime: 0.5, valveTime: 0.01 },
        { id: 'mc', type: 'machine', cycleTime: 10 },
      ],
      'pp',
    ),
  );
  startFeed(r);
  runUntil(r, () => r.get('pp.cycles') >= 1, 60_000);
  // Each vertical move: 10 ms valve + 500 ms stroke, seen one step later: 4 x 0.511 s.
  const expected = PP_SUM - 2 * 0.3 - 2 * 0.3 + 4 * 0.511;
  assert.ok(Math.abs(r.get('pp.lastCycle') - expected) <= 4 * DT, `cycle ${r.get('pp.lastCycle')} vs ${expected}`);
  // Second item: the machine is busy for 10 s, so the station holds it over the place point.
  runUntil(r, () => r.get('pp.blocked') === 1, 60_000);
  assert.is(r.get('pp.step'), 4, 'held at the end of traverse');
  assert.is(r.get('pp.power'), 0, 'no power while waiting');
  runUntil(r, () => r.get('pp.cycles') >= 2, 60_000);
  assert.is(r.get('mc.cycles'), 1);
});

test.run();
