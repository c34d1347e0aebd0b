// Drive model against its closed forms: first-order speed, steady current and power, winding
// temperature, energy as the integral of power.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentConfig, LineFile } from '../../physics/model.ts';
import { close, rig } from './harness.ts';

const E1 = 1 - Math.exp(-1); // 0.6321205588...

function driveLine(params: Record<string, unknown> = {}, extra: ComponentConfig[] = []): LineFile {
  return { name: 'drive', dt: 0.001, components: [{ id: 'm', type: 'drive', ...params }, ...extra] };
}

test('speed reaches 63.2 % of the setpoint at t = tau', () => {
  // tau = 0.15 s (default), dt = 1 ms: 150 steps. s_n = u (1 - e^(-n dt/tau)) exactly, so
  // s_150 = 50 * (1 - e^-1) = 31.606 Hz.
  const r = rig(driveLine());
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  r.run(150);
  close(r.get('m.speed'), 50 * E1, 1e-9, 'speed at tau');
  assert.is(r.get('m.running'), 1);
});

test('run = false ramps down with the same time constant; running drops below 1 % of rated', () => {
  const r = rig(driveLine());
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  r.run(3000); // 20 tau: 50 (1 - e^-20) = 50 - 1.0e-7 Hz
  const s0 = r.get('m.speed');
  r.set('m.run', 0);
  r.run(150);
  // s = s0 e^-1 after tau.
  close(r.get('m.speed'), s0 * Math.exp(-1), 1e-9, 'speed after tau of ramp-down');
  // running while s > 0.5 Hz: s0 e^(-t/tau) = 0.5 at t = 0.15 ln(s0/0.5) = 0.690776 s, i.e.
  // the first step at or beyond it is step 691 after the stop.
  let t = 150;
  while (r.get('m.running') === 1) {
    r.run(1);
    t++;
  }
  const expected = Math.ceil((0.15 * Math.log(s0 / 0.5)) / 0.001);
  assert.ok(Math.abs(t - expected) <= 1, `running dropped at step ${t}, expected ${expected}`);
  // Run off and speed ~0: the VFD no longer energises the motor.
  assert.is(r.get('m.current'), 0);
  assert.is(r.get('m.power'), 0);
});

test('current and power at steady state match the formula (no items)', () => {
  const r = rig(driveLine());
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  r.run(6000); // 40 tau: the acceleration term is e^-40 ~ 4e-18 of a pu, nil.
  // T = baseLoad = 0.3 pu. I = sqrt(0.65^2 + (1.05 * 0.3)^2) = sqrt(0.4225 + 0.099225) = 0.722305 A.
  close(r.get('m.current'), Math.sqrt(0.65 ** 2 + (1.05 * 0.3) ** 2), 1e-9, 'current');
  // P = T * (s/fr) * Pr / eff + P0 = 0.3 * 1 * 0.37 / 0.7 + 0.03 = 0.188571 kW.
  close(r.get('m.power'), (0.3 * 0.37) / 0.7 + 0.03, 1e-9, 'power');
  close(r.get('line.power'), r.get('m.power'), 1e-15, 'line power is the sum of drives');
});

test('items on the driven conveyor add loadPerItem each to the torque', () => {
  // A long slow conveyor that keeps collecting items; the drive uses the count its conveyor
  // published on the previous step.
  const r = rig(
    driveLine({ accelTorque: 0, loadPerItem: 0.05 }, [
      { id: 'c', type: 'conveyor', length: 50, beltSpeed: 0.1, drive: 'm' },
      { id: 's', type: 'source', conveyor: 'c', rate: 20, minGap: 0, itemLength: 0.01 },
    ]),
  );
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  r.run(3000);
  const n = r.get('c.items');
  assert.ok(n >= 20, `expected a few dozen items, got ${n}`);
  r.run(1);
  // I = sqrt(0.65^2 + (1.05 (0.3 + 0.05 n))^2); P = (0.3 + 0.05 n) * (s/50) * 0.37/0.7 + 0.03.
  const t = 0.3 + 0.05 * n;
  close(r.get('m.current'), Math.sqrt(0.65 ** 2 + (1.05 * t) ** 2), 1e-12, 'current with items');
  close(r.get('m.power'), ((t * r.get('m.speed')) / 50) * (0.37 / 0.7) + 0.03, 1e-12, 'power with items');
});

test('winding temperature: steady state ambient + rise (I/In)^2, 63.2 % of the rise at thermalTau', () => {
  // accelTorque 0 keeps I constant from the first energised step, so the thermal response is
  // a pure first-order step: theta(t) = amb + rise (I/In)^2 (1 - e^(-t/thermalTau)).
  const r = rig(driveLine({ accelTorque: 0, thermalTau: 10 }));
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  const i = Math.sqrt(0.65 ** 2 + (1.05 * 0.3) ** 2);
  const rise = 60 * (i / 1.05) ** 2; // 60 * 0.47322 = 28.39 K
  r.run(10_000); // thermalTau = 10 s
  close(r.get('m.temperature') - 25, rise * E1, 1e-9, 'rise at thermalTau');
  r.run(190_000); // 20 thermalTau in all: e^-20 = 2e-9 of the rise left
  close(r.get('m.temperature'), 25 + rise, 1e-8, 'steady temperature');
});

test('energy is the integral of constant power', () => {
  const r = rig(driveLine());
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  r.run(6000);
  const p = r.get('m.power');
  const e0 = r.get('m.energy');
  r.run(3600);
  // 3.6 s at P kW = P * 3.6 / 3600 kWh = P * 0.001 kWh.
  close(r.get('m.energy') - e0, p * 0.001, 1e-9, 'energy over 3.6 s');
  close(r.get('line.energy'), r.get('m.energy'), 1e-12, 'line energy');
});

test('setpoint is clamped to [0, maxFrequency]; NaN counts as 0', () => {
  const r = rig(driveLine({ maxFrequency: 60, tau: 1e-9 }));
  r.set('m.run', 1);
  r.set('m.setpoint', 80);
  r.run(1);
  // tau << dt: e^(-dt/tau) underflows to 0, the speed steps straight to the command.
  assert.is(r.get('m.speed'), 60);
  r.set('m.setpoint', Number.NaN);
  r.run(1);
  assert.is(r.get('m.speed'), 0);
  r.set('m.setpoint', -5);
  r.run(1);
  assert.is(r.get('m.speed'), 0);
});

test('reset returns to rest at ambient and clears the commands', () => {
  const r = rig(driveLine());
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  r.run(500);
  r.model.reset();
  assert.is(r.model.tick, 0);
  for (const f of ['run', 'setpoint', 'speed', 'running', 'current', 'power', 'energy']) assert.is(r.get(`m.${f}`), 0, f);
  assert.is(r.get('m.temperature'), 25);
});

test.run();
