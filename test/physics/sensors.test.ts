// Sensors against hand computations: encoder counts = distance / pitch (also through belt
// slip), proximity range and class filter, limit switch band, analog transmitter range,
// resolution, 4-20 mA and seeded noise.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentConfig, LineFile } from '../../physics/model.ts';
import { rig, runUntil } from './harness.ts';

function belt(extra: ComponentConfig[], conveyor: Record<string, unknown> = {}): LineFile {
  return {
    name: 'sensors',
    dt: 0.001,
    components: [
      { id: 'm', type: 'drive', tau: 1e-6 },
      { id: 'c', type: 'conveyor', length: 5, beltSpeed: 0.5, drive: 'm', ...conveyor },
      ...extra,
    ],
  };
}

test('encoder: count = floor(distance / pitch), distance = belt speed x time', () => {
  // tau 1e-6 s: the drive is at 50 Hz from the first step, belt 0.5 m/s. 2000 steps = 2 s: 1.0 m,
  // 1000 pulses of 1 mm (floor: 999 or 1000 by the last bit of the sum).
  const r = rig(belt([{ id: 'e', type: 'encoder', conveyor: 'c', pitch: 0.001 }]));
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  r.run(2000);
  const d = r.get('e.distance');
  assert.ok(Math.abs(d - 1) < 1e-9, `distance ${d}`);
  assert.is(r.get('e.count'), Math.floor(d / 0.001));
  assert.ok(Math.abs(r.get('e.count') - 1000) <= 1);
  // Reverse: counts back down. 1 s back = 0.5 m = 500 pulses.
  r.set('m.reverse', 1);
  r.run(1000);
  assert.ok(Math.abs(r.get('e.distance') - 0.5) < 1e-9);
});

test('belt slip: belt (and encoder) speed x (1 - slip)', () => {
  // slip 0.1: 0.5 x 0.9 = 0.45 m/s; 2 s: 0.9 m.
  const r = rig(belt([{ id: 'e', type: 'encoder', conveyor: 'c', pitch: 0.01 }], { slip: 0.1 }));
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  r.run(2000);
  assert.ok(Math.abs(r.get('c.speed') - 0.45) < 1e-12);
  assert.ok(Math.abs(r.get('e.distance') - 0.9) < 1e-9);
});

test('proximity: switches within range of its position, only for its class', () => {
  const src = {
    id: 's', type: 'source', conveyor: 'c', rate: 1000, minGap: 10, itemLength: 0.2,
    classes: [{ name: 'steel', height: 0.1, probability: 1 }],
  };
  // The first item is placed at t = one exponential draw (< 0.1 s at rate 1000), front 0.2 m;
  // at 0.5 m/s its front reaches 1.0 - 0.01 = 0.99 m after (0.99 - 0.2) / 0.5 = 1.58 s.
  const r = rig(belt([src, { id: 'px', type: 'proximity', conveyor: 'c', position: 1, range: 0.01, detects: 'steel' }, { id: 'pe', type: 'photoeye', conveyor: 'c', position: 1 }]));
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  const onPx = runUntil(r, () => r.get('px.detected') === 1, 3000);
  const onPe = runUntil(r, () => r.get('pe.blocked') === 1, 3000);
  // The photo-eye needs the front at 1.0 m: 0.01 m later = 20 steps at 0.5 mm per step.
  assert.ok(Math.abs(onPe - onPx - 20) <= 1, `proximity ${onPx}, photo-eye ${onPe}`);
  // A sensor for another class never sees these items: wood comes only on belt c2.
  const other = rig(belt([src, { id: 'c2', type: 'conveyor', length: 5, drive: 'm' }, { ...src, id: 's2', conveyor: 'c2', classes: [{ name: 'wood', height: 0.1, probability: 1 }] }, { id: 'px', type: 'proximity', conveyor: 'c', position: 1, range: 0.01, detects: 'wood' }, { id: 'pe', type: 'photoeye', conveyor: 'c', position: 1 }]));
  other.set('m.run', 1);
  other.set('m.setpoint', 50);
  let seenByPe = 0;
  let seenByPx = 0;
  for (let k = 0; k < 5000; k++) {
    other.run(1);
    seenByPe += other.get('pe.blocked');
    seenByPx += other.get('px.detected');
  }
  assert.ok(seenByPe > 0);
  assert.is(seenByPx, 0);
});

test('limit switch: actuated within its band of the stroke', () => {
  // Cylinder stroke time 1 s at 6 bar, no load, no valve time: position = t / 1 s. A switch at
  // 0.5 +- 0.05 is actuated for 0.1 s = 100 steps of the stroke.
  const r = rig({ name: 'ls', dt: 0.001, components: [
    { id: 'cy', type: 'cylinder', strokeTime: 1, valveTime: 0 },
    { id: 'ls', type: 'limitswitch', actuator: 'cy', at: 0.5, travel: 0.05 },
  ] });
  r.set('cy.extend', 1);
  let on = 0;
  for (let k = 0; k < 1200; k++) {
    r.run(1);
    on += r.get('ls.actuated');
  }
  assert.ok(Math.abs(on - 100) <= 1, `actuated ${on} steps`);
});

test('transmitter: clamp to range, resolution, 4-20 mA', () => {
  const r = rig({ name: 'tx', dt: 0.001, components: [
    { id: 't', type: 'tank', area: 1, height: 4, initialLevel: 1.23456 },
    { id: 'lt', type: 'transmitter', signal: 't.level', min: 0, max: 2, resolution: 0.01 },
    { id: 'lt2', type: 'transmitter', signal: 't.level', min: 0, max: 1 },
  ] });
  r.run(1);
  // 1.23456 -> 1.23 (step 0.01); current = 4 + 16 x 1.23 / 2 = 13.84 mA.
  assert.ok(Math.abs(r.get('lt.value') - 1.23) < 1e-12, String(r.get('lt.value')));
  assert.ok(Math.abs(r.get('lt.current') - 13.84) < 1e-9);
  // Over range: held at max, 20 mA.
  assert.is(r.get('lt2.value'), 1);
  assert.is(r.get('lt2.current'), 20);
});

test('transmitter noise: seeded, zero mean, the configured standard deviation', () => {
  const make = (seed: number) =>
    rig({ name: 'tx', dt: 0.001, seed, components: [
      { id: 't', type: 'tank', area: 1, height: 4, initialLevel: 1 },
      { id: 'lt', type: 'transmitter', signal: 't.level', min: 0, max: 2, noise: 0.01, noiseUpdate: 0 },
    ] });
  const a = make(1);
  const b = make(1);
  const c = make(2);
  let sum = 0;
  let sum2 = 0;
  let same = true;
  let differs = false;
  const n = 20_000;
  for (let k = 0; k < n; k++) {
    a.run(1);
    b.run(1);
    c.run(1);
    const x = a.get('lt.value') - 1;
    sum += x;
    sum2 += x * x;
    if (a.get('lt.value') !== b.get('lt.value')) same = false;
    if (a.get('lt.value') !== c.get('lt.value')) differs = true;
  }
  // Standard error of the mean: 0.01 / sqrt(20000) = 7e-5; of the sd: ~0.5 %.
  assert.ok(Math.abs(sum / n) < 4 * 7.1e-5, `mean ${sum / n}`);
  const sd = Math.sqrt(sum2 / n - (sum / n) ** 2);
  assert.ok(Math.abs(sd - 0.01) < 0.0005, `sd ${sd}`);
  assert.ok(same, 'same seed, same noise');
  assert.ok(differs, 'another seed, other noise');
});

test('transmitter noise is redrawn at its update time (default 10 ms) while the reading follows the signal', () => {
  const r = rig({ name: 'tx', dt: 0.001, seed: 3, components: [
    { id: 't', type: 'tank', area: 1, height: 4, initialLevel: 1 },
    { id: 'lt', type: 'transmitter', signal: 't.level', min: 0, max: 2, noise: 0.01 },
  ] });
  const noise: number[] = [];
  for (let k = 0; k < 100; k++) {
    r.run(1);
    noise.push(r.get('lt.value') - r.get('t.level'));
  }
  // 100 steps of 1 ms = 10 updates: the noise (reading - level) changes exactly every 10 steps
  // and holds in between.
  const changes: number[] = [];
  for (let k = 1; k < noise.length; k++) if (Math.abs(noise[k]! - noise[k - 1]!) > 1e-12) changes.push(k);
  assert.ok(changes.length >= 9, `${changes.length} changes`);
  for (let j = 1; j < changes.length; j++) assert.is(changes[j]! - changes[j - 1]!, 10);
});

test.run();
