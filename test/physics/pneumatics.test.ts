// Pneumatics against hand computations: cylinder stroke times from pressure, load and spring;
// the solenoid valve's switching time; the compressor's fill time, load/unload hysteresis and
// energy; the air a stroke draws from the receiver.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentConfig, LineFile } from '../../physics/model.ts';
import { rig, runUntil } from './harness.ts';

const AREA = (Math.PI / 4) * 0.05 ** 2; // bore 50 mm: 1.9635e-3 m²
const P_ATM = 1.01325;

function line(components: ComponentConfig[]): LineFile {
  return { name: 'air', dt: 0.001, components };
}

function strokeSteps(cyl: Record<string, unknown>, extend = true): number {
  const r = rig(line([{ id: 'cy', type: 'cylinder', valveTime: 0, ...cyl }]));
  if (!extend) {
    r.set('cy.extend', 1);
    runUntil(r, () => r.get('cy.extended') === 1, 100_000);
    r.set('cy.extend', 0);
  } else r.set('cy.extend', 1);
  const t0 = r.model.tick;
  return runUntil(r, () => r.get(extend ? 'cy.extended' : 'cy.retracted') === 1, 100_000) - t0;
}

test('stroke time: strokeTime at rated pressure and no load', () => {
  // 0.5 s = 500 steps of 1/500 of the stroke.
  assert.is(strokeSteps({ strokeTime: 0.5 }), 500);
});

test('stroke time grows as pressure falls and load rises: T = T0 pr A / (p A - L)', () => {
  // p 4 bar, load 200 N: pA = 4e5 x 1.9635e-3 = 785.40 N; net 585.40 N; prA = 1178.10 N.
  // T = 0.5 x 1178.10 / 585.40 = 1.00625 s.
  const expected = (0.5 * 6e5 * AREA) / (4e5 * AREA - 200);
  const steps = strokeSteps({ strokeTime: 0.5, supplyPressure: 4, load: 200 });
  assert.ok(Math.abs(steps / 1000 - expected) <= 0.001, `${steps} steps, expected ${expected} s`);
  // A load above pA stalls the piston: it never gets out.
  const r = rig(line([{ id: 'cy', type: 'cylinder', supplyPressure: 4, load: 800 }]));
  r.set('cy.extend', 1);
  r.run(5000);
  assert.is(r.get('cy.position'), 0);
});

test('single-acting: extends against its spring, returns on the spring alone', () => {
  // Spring 100 N. Out: net 1178.10 - 100 = 1078.10 N: T = 0.5 x 1178.10 / 1078.10 = 0.54638 s.
  // Back: spring only: T = 0.5 x 1178.10 / 100 = 5.8905 s.
  const out = strokeSteps({ acting: 'single', strokeTime: 0.5, springForce: 100 });
  assert.ok(Math.abs(out / 1000 - (0.5 * 6e5 * AREA) / (6e5 * AREA - 100)) <= 0.001, `out ${out}`);
  const back = strokeSteps({ acting: 'single', strokeTime: 0.5, springForce: 100 }, false);
  assert.ok(Math.abs(back / 1000 - (0.5 * 6e5 * AREA) / 100) <= 0.001, `back ${back}`);
});

test('the solenoid valve delays the start by valveTime', () => {
  const a = strokeSteps({ strokeTime: 0.5, valveTime: 0.05 });
  assert.ok(Math.abs(a - 550) <= 1, `${a} steps`);
});

test('compressor: fill time = (cutOut x V) / (P_ATM x delivery), energy = loaded power x time', () => {
  // V 0.5 m³, delivery 1.2 m³/min = 0.02 m³/s: dp/dt = 1.01325 x 0.02 / 0.5 = 0.04053 bar/s;
  // 0 -> 7.5 bar: 185.05 s. Energy 7.5 kW x 185.05 s = 0.38552 kWh.
  const r = rig(line([{ id: 'k', type: 'compressor', initialPressure: 0 }]));
  r.set('k.enable', 1);
  const t = runUntil(r, () => r.get('k.loaded') === 0, 300_000) / 1000;
  const expected = (7.5 * 0.5) / (P_ATM * 0.02);
  assert.ok(Math.abs(t - expected) <= 0.002, `unloaded at ${t} s, expected ${expected}`);
  // Loaded every step but the last one, which ran unloaded (2.2 kW).
  const energy = (7.5 * (t - 0.001) + 2.2 * 0.001) / 3600;
  assert.ok(Math.abs(r.get('k.energy') - energy) < 1e-9 * energy, `energy ${r.get('k.energy')} vs ${energy}`);
  // Unloaded it stays until the pressure falls below cut-in (nothing draws: it stays unloaded).
  r.run(10_000);
  assert.is(r.get('k.loaded'), 0);
  assert.ok(Math.abs(r.get('k.power') - 2.2) < 1e-12);
});

test('a stroke draws area x stroke of air at supply pressure from the receiver', () => {
  // Compressor disabled, 7 bar, V 0.5 m³. Each step draws A s dx (p + P_ATM) free air, so
  // (p + P_ATM) falls by the factor (1 - A s dx / V) per step: over a full stroke,
  // (p + P_ATM) e^(-A s / V) to first order in dx. A s = 3.927e-4 m³: drop 6.29e-3 bar.
  const r = rig(line([
    { id: 'k', type: 'compressor', initialPressure: 7 },
    { id: 'cy', type: 'cylinder', air: 'k', valveTime: 0 },
  ]));
  r.set('cy.extend', 1);
  runUntil(r, () => r.get('cy.extended') === 1, 10_000);
  const expected = (7 + P_ATM) * Math.exp((-AREA * 0.2) / 0.5) - P_ATM;
  assert.ok(Math.abs(r.get('k.pressure') - expected) < 1e-6, `${r.get('k.pressure')} vs ${expected}`);
});

test('load/unload: a steady draw gives a duty cycle of demand / delivery', () => {
  // A leaking cylinder (severity 1: one stroke volume at 6 bar per second, 3.927e-4 x 7.01325 =
  // 2.754e-3 m³/s free air) on a 0.02 m³/s compressor: loaded 13.77 % of the time.
  const r = rig(line([
    { id: 'k', type: 'compressor', receiverVolume: 0.05 },
    { id: 'cy', type: 'cylinder', air: 'k' },
  ]));
  r.set('k.enable', 1);
  r.model.injectFault({ target: 'component', component: 'cy', kind: 'leak', severity: 1 });
  let loaded = 0;
  const n = 200_000;
  for (let k = 0; k < n; k++) {
    r.run(1);
    loaded += r.get('k.loaded');
  }
  const duty = (AREA * 0.2 * (6 + P_ATM)) / 0.02;
  assert.ok(Math.abs(loaded / n - duty) < 0.01, `duty ${loaded / n} vs ${duty}`);
  assert.ok(r.get('k.pressure') > 6.4 && r.get('k.pressure') < 7.5);
});

test.run();
