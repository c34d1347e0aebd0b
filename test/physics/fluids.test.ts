// Fluids against hand computations: tank fill time = volume / net inflow, level switches,
// valve flow Q = Kv x opening x sqrt(dp), pump affinity laws (power at half speed = 1/8 of
// rated), a pump drawing its suction tank dry, and overflow.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentConfig, LineFile } from '../../physics/model.ts';
import { close, rig, runUntil } from './harness.ts';

const RHO_G_BAR = (1000 * 9.81) / 1e5;

function line(components: ComponentConfig[]): LineFile {
  return { name: 'fluids', dt: 0.001, components };
}

test('tank fill time = volume / net inflow; the high switch trips at its level', () => {
  // In: valve from a 4 bar supply, Kv 9: 9 x sqrt(4) = 18 m³/h. Out: pump at 50 %: 12 x 0.5 =
  // 6 m³/h. Net 12 m³/h. Area 2 m², high switch at 0.9 x 2 m = 1.8 m: 3.6 m³ / 12 m³/h = 0.3 h = 1080 s.
  const r = rig(line([
    { id: 't', type: 'tank', area: 2, height: 2 },
    { id: 'v', type: 'valve', kv: 9, supplyPressure: 4, to: 't', travelTime: 0 },
    { id: 'p', type: 'pump', from: 't', tau: 1e-6 },
  ]));
  r.set('v.open', 1);
  r.set('p.setpoint', 50);
  // The pump starts on an empty tank: its suction is dry until the first step's inflow is in,
  // so start it after 1 s (18 m³/h x 1 s = 0.005 m³) and count its flow from then.
  r.run(1000);
  r.set('p.run', 1);
  const t = runUntil(r, () => r.get('t.high') === 1, 2_000_000) / 1000;
  // Level after the first second: 0.005 / 2 m; the rest at the net rate.
  const expected = 1 + (1.8 - 0.0025) * 2 / (12 / 3600);
  assert.ok(Math.abs(t - expected) < 0.002, `high at ${t} s, expected ${expected}`);
  close(r.get('v.flow'), 18, 1e-12, 'valve flow');
  close(r.get('t.inflow'), 18, 1e-12, 'inflow');
  close(r.get('t.outflow'), 6, 1e-9, 'outflow');
  assert.is(r.get('t.low'), 0);
});

test('valve: Q = Kv x opening x sqrt(rho g h); proportional opening travels at 1/travelTime', () => {
  // Tank 2 m deep, so large it stays put: dp = 2 x 0.0981 = 0.1962 bar. Kv 10 at 40 %:
  // 10 x 0.4 x sqrt(0.1962) = 1.7718 m³/h. Travel 2 s full: 40 % reached after 0.8 s.
  const r = rig(line([
    { id: 't', type: 'tank', area: 1e9, height: 3, initialLevel: 2 },
    { id: 'v', type: 'valve', mode: 'proportional', kv: 10, from: 't', travelTime: 2 },
  ]));
  r.set('v.command', 40);
  r.run(400);
  close(r.get('v.opening'), 20, 1e-9, 'opening after 0.4 s');
  r.run(600);
  assert.is(r.get('v.opening'), 40);
  close(r.get('v.flow'), 10 * 0.4 * Math.sqrt(2 * RHO_G_BAR), 1e-6, 'flow');
  assert.is(r.get('v.opened'), 0);
  assert.is(r.get('v.closed'), 0);
});

test('pump affinity laws: half speed gives half flow, a quarter of the head, 1/8 of the power', () => {
  const r = rig(line([{ id: 'p', type: 'pump', ratedFlow: 12, ratedHead: 25, ratedPower: 1.5, tau: 0.01 }]));
  r.set('p.run', 1);
  r.set('p.setpoint', 100);
  r.run(2000);
  close(r.get('p.power'), 1.5, 1e-12, 'rated power');
  r.set('p.setpoint', 50);
  r.run(2000); // 200 tau
  close(r.get('p.flow'), 6, 1e-12, 'flow at half speed');
  close(r.get('p.pressure'), 25 / 4 * RHO_G_BAR, 1e-12, 'pressure at half speed');
  close(r.get('p.power'), 1.5 / 8, 1e-12, 'power at half speed');
  // Cavitation (severity 0.5): flow and head halve, the motor power does not.
  r.model.injectFault({ target: 'component', component: 'p', kind: 'cavitation' });
  r.run(1);
  close(r.get('p.flow'), 3, 1e-12, 'flow while cavitating');
  close(r.get('p.power'), 1.5 / 8, 1e-12, 'power while cavitating');
});

test('a pump empties its suction tank in volume / flow and then delivers nothing', () => {
  // 1 m² x 1 m = 1 m³ at 12 m³/h: 300 s. Into a second tank: it gains exactly what the first lost.
  const r = rig(line([
    { id: 'a', type: 'tank', area: 1, height: 2, initialLevel: 1 },
    { id: 'b', type: 'tank', area: 1, height: 2 },
    { id: 'p', type: 'pump', from: 'a', to: 'b', tau: 1e-6 },
  ]));
  r.set('p.run', 1);
  r.set('p.setpoint', 100);
  const t = runUntil(r, () => r.get('a.level') === 0, 400_000) / 1000;
  assert.ok(Math.abs(t - 300) < 0.01, `empty at ${t} s`);
  close(r.get('b.level'), 1, 1e-9, 'the other tank got it all');
  r.run(10);
  assert.is(r.get('p.flow'), 0);
  assert.is(r.get('a.low'), 1);
});

test('overflow: the level stops at the rim, the excess is counted', () => {
  // 18 m³/h into 1 m² x 0.5 m from 0.4 m: full after 0.1 / 0.005 = 20 s; 10 s more spills 0.05 m³.
  const r = rig(line([
    { id: 't', type: 'tank', area: 1, height: 0.5, initialLevel: 0.4 },
    { id: 'v', type: 'valve', kv: 9, supplyPressure: 4, to: 't', travelTime: 0 },
  ]));
  r.set('v.open', 1);
  r.run(30_000);
  assert.is(r.get('t.level'), 0.5);
  close(r.get('t.overflow'), 0.05, 1e-6, 'spilled');
});

test.run();
