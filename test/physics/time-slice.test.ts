// The process time slice (processPeriod): tanks, pumps, valves, compressors, furnaces, quality
// gates and transmitters stepping every m physics steps, a 1/m share of each type per step, and
// the slow states of drives (winding temperature, bearing wear, vibration).
// The closed forms still hold (to within one slice where an event lands on a slice step),
// volume and energy are conserved, every item is still judged, snapshots continue
// bit-identically, and a period that is not a whole number of steps is refused with its path.

import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import type { ComponentConfig, LineFile } from '../../physics/model.ts';
import { checkReferences, Model } from '../../physics/model.ts';
import { parseLineFile } from '../../core/config/line-file.ts';
import { ConfigError } from '../../core/config/config-error.ts';
import { close, driveFurnaceLine, hashValues, rig, runUntil } from './harness.ts';
import type { Rig } from './harness.ts';

const P_ATM = 1.01325;
const furnaceLine = parse(readFileSync(new URL('../../examples/furnace.yaml', import.meta.url), 'utf8')) as LineFile;

function sliced(components: ComponentConfig[], processPeriod: number, dt = 0.001): LineFile {
  return { name: 'slice', dt, processPeriod, components };
}

test('tank fill time = volume / net inflow, to within one 10 ms slice', () => {
  // As in fluids.test.ts: valve in 18 m³/h, pump out 6 m³/h from t = 1 s, area 2 m²: the high
  // switch (1.8 m) at 1 + (1.8 - 0.0025) x 2 / (12 / 3600) s. With a 10 ms slice the level moves
  // in 10 ms steps, so the switch may trip up to one slice later.
  const r = rig(sliced([
    { id: 't', type: 'tank', area: 2, height: 2 },
    { id: 'v', type: 'valve', kv: 9, supplyPressure: 4, to: 't', travelTime: 0 },
    { id: 'p', type: 'pump', from: 't', tau: 1e-6 },
  ], 0.01));
  r.set('v.open', 1);
  r.set('p.setpoint', 50);
  r.run(1000);
  r.set('p.run', 1);
  const t = runUntil(r, () => r.get('t.high') === 1, 2_000_000) / 1000;
  const expected = 1 + ((1.8 - 0.0025) * 2) / (12 / 3600);
  assert.ok(t >= expected - 0.002 && t <= expected + 0.012, `high at ${t} s, expected ${expected} (+ one slice)`);
  close(r.get('t.inflow'), 18, 1e-12, 'inflow shown as a rate');
  close(r.get('t.outflow'), 6, 1e-9, 'outflow shown as a rate');
});

test('volume is conserved between tanks whatever phase each pump and tank steps on', () => {
  // Three pumps on one pair of tanks (phases 0, 1, 2 of a 5-step slice; the tanks on 0 and 1):
  // what leaves one tank arrives in the other, to rounding.
  const r = rig(sliced([
    { id: 'a', type: 'tank', area: 1, height: 10, initialLevel: 5 },
    { id: 'b', type: 'tank', area: 1, height: 10, initialLevel: 1 },
    { id: 'p1', type: 'pump', from: 'a', to: 'b', ratedFlow: 7, tau: 1e-6 },
    { id: 'p2', type: 'pump', from: 'a', to: 'b', ratedFlow: 11, tau: 1e-6 },
    { id: 'p3', type: 'pump', from: 'b', to: 'a', ratedFlow: 5, tau: 1e-6 },
  ], 0.005));
  for (const p of ['p1', 'p2', 'p3']) {
    r.set(`${p}.run`, 1);
    r.set(`${p}.setpoint`, 60 + p.length);
  }
  r.run(123_457);
  // Stop the pumps and let every tank take in what is still on its way (at most one slice).
  for (const p of ['p1', 'p2', 'p3']) r.set(`${p}.run`, 0);
  r.run(10);
  const total = r.get('a.volume') + r.get('b.volume');
  assert.ok(Math.abs(total - 6) < 1e-9, `volume ${total} m³, expected 6`);
  assert.ok(r.get('a.level') < 5, 'a drained');
});

test('furnace: 63.2 % of the step at deadTime + tau with a 100 ms slice; heater energy exact', () => {
  // C 400 kJ/K, UA 0.4 kW/K: tau 1000 s; 150 kW: rise 375 K. dt 10 ms, slice 100 ms (m = 10):
  // the zone steps on ticks 10, 20, ...; dead time 5 s = 50 slices. After 100 500 ticks it has
  // stepped 10 050 times: 50 in the dead time, then exactly tau.
  const r = rig(sliced([{ id: 'f', type: 'furnace', capacity: 400, lossCoefficient: 0.4, maxPower: 300, deadTime: 5 }], 0.1, 0.01));
  r.set('f.power', 50);
  r.run(509);
  assert.is(r.get('f.temperature'), 25, 'no response within the dead time');
  r.run(100_500 - 509);
  close(r.get('f.temperature'), 25 + 375 * (1 - Math.exp(-1)), 1e-9, 'T at deadTime + tau');
  close(r.get('f.energy'), (150 * 1005) / 3600, 1e-9, 'heater energy: 10 050 slices of 0.1 s');
  // The line integrates the held power every tick; it starts at the first slice step (tick 10).
  close(r.get('line.energy'), (150 * (1005 - 0.09)) / 3600, 1e-9, 'line energy');
});

test('compressor: fill time and energy with a 10 ms slice; cylinders charge their air to it every step', () => {
  // V 0.5 m³, delivery 0.02 m³/s: 0 -> 7.5 bar in 7.5 x 0.5 / (P_ATM x 0.02) = 185.05 s.
  const r = rig(sliced([{ id: 'k', type: 'compressor', initialPressure: 0 }], 0.01));
  r.set('k.enable', 1);
  r.run(10); // loaded from its first slice step
  assert.is(r.get('k.loaded'), 1);
  const t = runUntil(r, () => r.get('k.loaded') === 0, 300_000) / 1000;
  const expected = (7.5 * 0.5) / (P_ATM * 0.02);
  assert.ok(t >= expected - 0.002 && t <= expected + 0.012, `unloaded at ${t} s, expected ${expected}`);
  // A full stroke of a 3.927e-4 m³ cylinder from 7 bar, compressor off: (p + P_ATM) x e^(-A s / V).
  const c = rig(sliced([
    { id: 'k', type: 'compressor', initialPressure: 7 },
    { id: 'cy', type: 'cylinder', air: 'k', valveTime: 0 },
  ], 0.01));
  c.set('cy.extend', 1);
  runUntil(c, () => c.get('cy.extended') === 1, 10_000);
  c.run(10); // the compressor's next slice step takes in the last of the draw
  const drop = (7 + P_ATM) * Math.exp((-Math.PI * 0.025 * 0.025 * 0.2) / 0.5) - P_ATM;
  assert.ok(Math.abs(c.get('k.pressure') - drop) < 2e-5, `${c.get('k.pressure')} vs ${drop}`);
});

test('transmitters sample and hold at the slice; each step samples a 1/m share of them', () => {
  // 20 transmitters on one rising level, slice 10 steps: each step exactly 2 readings change,
  // each reading equals the level at its own sample, and holds for 10 steps.
  const comps: ComponentConfig[] = [
    { id: 't', type: 'tank', area: 1, height: 10, initialLevel: 1 },
    { id: 'v', type: 'valve', kv: 50, supplyPressure: 4, to: 't', travelTime: 0 },
  ];
  for (let k = 0; k < 20; k++) comps.push({ id: `lt${k}`, type: 'transmitter', signal: 't.level', min: 0, max: 10 });
  const r = rig(sliced(comps, 0.01));
  r.set('v.open', 1);
  r.run(50);
  const read = (): number[] => Array.from({ length: 20 }, (_, k) => r.get(`lt${k}.value`));
  let before = read();
  for (let s = 0; s < 30; s++) {
    r.run(1);
    const now = read();
    const changed = now.flatMap((x, k) => (x !== before[k] ? [k] : []));
    assert.is(changed.length, 2, `step ${r.model.tick}: ${changed.join(',')}`);
    for (const k of changed) {
      // Phase p steps the block of transmitters 2p and 2p + 1 (time-slice.ts phaseFrom).
      assert.is(Math.floor(k / 2), r.model.tick % 10, 'phase of the transmitter');
      // The tank (phase 0) moves on ticks divisible by 10, so the sample is its level now.
      assert.is(now[k], r.get('t.level'));
    }
    before = now;
  }
});

/** Quality verdicts on a belt through a heated zone, after `steps`. */
function verdicts(processPeriod: number | undefined, steps: number): { good: number; reject: number; exited: number } {
  const line: LineFile = {
    name: 'judged',
    dt: 0.001,
    seed: 7,
    ...(processPeriod !== undefined ? { processPeriod } : {}),
    components: [
      { id: 'm', type: 'drive' },
      { id: 'c', type: 'conveyor', length: 3, beltSpeed: 1, drive: 'm' },
      { id: 's', type: 'source', conveyor: 'c', rate: 2, minGap: 0.3, itemLength: 0.2 },
      { id: 'f', type: 'furnace', conveyor: 'c', start: 0.5, end: 2, deadTime: 0, capacity: 40, lossCoefficient: 0.4, itemMass: 1, itemTransfer: 0.2 },
      { id: 'q', type: 'quality', conveyor: 'c', position: 2.5, attribute: 'temperature', min: 60 },
    ],
  };
  const r = rig(line);
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  r.set('f.power', 60);
  r.run(steps);
  const good = r.get('q.good');
  const reject = r.get('q.reject');
  return { good, reject, exited: good + reject };
}

test('quality gates judge every item with a slice (the same items as every step)', () => {
  const every = verdicts(undefined, 120_000);
  const slice = verdicts(0.01, 120_000);
  assert.ok(every.exited > 100, `${every.exited} items judged`);
  assert.ok(every.good > 10 && every.reject > 10, `good ${every.good}, reject ${every.reject}: the zone warms through the window`);
  // The same items pass (the belts step every dt either way); one may sit between its pass and its slice step.
  assert.ok(Math.abs(slice.exited - every.exited) <= 1, `${slice.exited} vs ${every.exited}`);
  // The zone and the items warm in 10 ms steps instead of 1 ms: the verdicts agree but for items near the limit.
  assert.ok(Math.abs(slice.reject - every.reject) <= 2, `rejects ${slice.reject} vs ${every.reject}`);
});

test('drives: temperature, wear and vibration in the slice follow the every-step model; speed, current, energy and overload trips unchanged', () => {
  // Five drives (phases 0-4 of a 100 ms slice) running, reversing and stopping, one of them
  // driving a conveyor that jams into an overload trip, next to the same line stepped without a
  // slice. What acts within a step (speed, current, power, energy, the relay) must match bit for
  // bit; the winding temperature may lag by one slice of its rise: rise x (I/In)^2 x slice / thermalTau.
  const drives: ComponentConfig[] = [0, 1, 2, 3, 4].map((k) => ({ id: `m${k}`, type: 'drive', thermalTau: 5, rampUp: 0.5, rampDown: 0.3, overloadTime: 2, wearRate: 0.5 }));
  drives.push({ id: 'c4', type: 'conveyor', length: 2, drive: 'm4' });
  const a = rig({ name: 'steps', dt: 0.001, components: drives });
  const b = rig(sliced(drives, 0.1));
  const both = (name: string, v: number): void => {
    a.set(name, v);
    b.set(name, v);
  };
  const exact = ['speed', 'running', 'current', 'power', 'energy', 'tripped', 'overloads'];
  let maxDt = 0;
  let trips = 0;
  let jam = [-1, -1];
  for (let k = 0; k < 30_000; k++) {
    for (let d = 0; d < 5; d++) {
      both(`m${d}.run`, (k + d * 2_000) % 9_000 < 7_000 ? 1 : 0);
      both(`m${d}.setpoint`, 20 + 7 * d + (k % 6_000 < 3_000 ? 0 : 15));
      both(`m${d}.reverse`, d === 3 && k % 10_000 > 5_000 ? 1 : 0);
      both(`m${d}.reset`, k % 4_000 < 10 ? 1 : 0);
    }
    if (k === 2_000) jam = [a, b].map((r) => r.model.injectFault({ target: 'component', component: 'c4', kind: 'jam' }).id);
    if (k === 12_000) [a, b].forEach((r, i) => r.model.clearFault(jam[i]!));
    a.model.step();
    b.model.step();
    for (let d = 0; d < 5; d++) {
      for (const s of exact) {
        if (!Object.is(a.get(`m${d}.${s}`), b.get(`m${d}.${s}`))) assert.unreachable(`tick ${k}: m${d}.${s} ${a.get(`m${d}.${s}`)} vs ${b.get(`m${d}.${s}`)} sliced`);
      }
      maxDt = Math.max(maxDt, Math.abs(a.get(`m${d}.temperature`) - b.get(`m${d}.temperature`)));
    }
    trips += a.get('m4.tripped');
  }
  assert.ok(trips > 0, 'the jam tripped m4');
  // (I/In)^2 = (I0/In)^2 + T^2 stays below (0.65/1.05)^2 + (base 0.3 + jam 2.5 + acceleration 0.5)^2:
  // one slice of the rise at that current.
  const bound = 60 * ((0.65 / 1.05) ** 2 + 3.3 ** 2) * (0.1 / 5);
  assert.ok(maxDt > 0 && maxDt < bound, `temperature apart by at most ${maxDt} K (one slice of rise: ${bound} K)`);
  for (let d = 0; d < 5; d++) {
    close(b.get(`m${d}.wear`), a.get(`m${d}.wear`), 0.01, `m${d} wear`);
    close(b.get(`m${d}.temperature`), a.get(`m${d}.temperature`), 0.01, `m${d} temperature`);
    assert.ok(a.get(`m${d}.wear`) > 0, `m${d} wore`);
  }
});

test('a sliced model continues bit-identically from a snapshot', () => {
  const line: LineFile = { ...furnaceLine, processPeriod: 0.01 };
  const a = rig(line);
  driveFurnaceLine(a);
  a.run(60_003);
  const snap = a.model.snapshot();
  const trace = (r: Rig): number[] => {
    const out: number[] = [];
    for (let k = 0; k < 5000; k++) {
      r.set('door.extend', Math.floor(r.model.tick / 1500) % 2);
      r.model.step();
      if (k % 37 === 0) out.push(hashValues(r.values));
    }
    return out;
  };
  const ref = trace(a);
  const b = rig(line);
  b.model.restore(snap);
  assert.equal(trace(b), ref);
});

test('a processPeriod that is not a whole number of steps is refused with its path and line', () => {
  const issues = checkReferences({ name: 'x', dt: 0.001, processPeriod: 0.0125, components: [] });
  assert.equal(issues.map((i) => i.path), ['processPeriod']);
  assert.match(issues[0]!.message, /0\.0125 s, not a whole number of physics steps \(dt 0\.001 s\)/);
  const text = 'name: bad\ndt: 0.002\nprocessPeriod: 0.005\ncomponents: []\n';
  try {
    parseLineFile('bad.yaml', text);
    assert.unreachable('refused');
  } catch (err) {
    assert.instance(err, ConfigError);
    assert.match(String((err as Error).message), /bad\.yaml: processPeriod: is 0\.005 s, not a whole number of physics steps \(dt 0\.002 s\); e\.g\. 0\.00[46] s \(line 3\)/);
  }
  assert.throws(() => new Model({ name: 'x', processPeriod: 0.0015, components: [] }, () => 0, new Float64Array(8)), /processPeriod/);
});

test.run();
