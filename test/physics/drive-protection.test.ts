// Drive extensions against hand computations: VFD ramps, direction, overload protection
// (a jam trips it after overloadTime; it holds until reset), bearing wear and vibration,
// energy as the integral of power.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentConfig, LineFile } from '../../physics/model.ts';
import { close, rig, runUntil } from './harness.ts';

function line(drive: Record<string, unknown> = {}, extra: ComponentConfig[] = []): LineFile {
  return { name: 'drive', dt: 0.001, components: [{ id: 'm', type: 'drive', ...drive }, ...extra] };
}

/** Drive m on a 10 m belt c fed with items, run at 50 Hz for 3 s (steady). */
function runningBelt(overloadTime: number): ReturnType<typeof rig> {
  const r = rig(
    line({ overloadTime }, [
      { id: 'c', type: 'conveyor', length: 10, beltSpeed: 0.5, drive: 'm' },
      { id: 's', type: 'source', conveyor: 'c', rate: 5, minGap: 0.2, itemLength: 0.2 },
    ]),
  );
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  r.run(3000);
  return r;
}

test('ramp: the command rises at ratedFrequency / rampUp; speed lags it', () => {
  // rampUp 2 s: 50 Hz / 2 s = 25 Hz/s = 0.025 Hz per 1 ms step. After 1000 steps the ramped
  // command is 25 Hz; with tau 1e-6 s (k = 1 - e^-1000 = 1) the speed equals it.
  const r = rig(line({ rampUp: 2, rampDown: 4, tau: 1e-6 }));
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  r.run(1000);
  close(r.get('m.speed'), 25, 1e-9, 'speed after 1 s of a 2 s ramp');
  r.run(1000);
  close(r.get('m.speed'), 50, 1e-9, 'speed at the end of the ramp');
  r.run(100);
  assert.is(r.get('m.speed'), 50);
  // Down: 50 Hz / 4 s = 12.5 Hz/s; after 2 s: 50 - 25 = 25 Hz.
  r.set('m.run', 0);
  r.run(2000);
  close(r.get('m.speed'), 25, 1e-9, 'speed after 2 s of a 4 s ramp-down');
});

test('reverse: negative speed of the same magnitude, same power', () => {
  const a = rig(line());
  const b = rig(line());
  for (const r of [a, b]) {
    r.set('m.run', 1);
    r.set('m.setpoint', 40);
  }
  b.set('m.reverse', 1);
  a.run(3000);
  b.run(3000);
  assert.is(b.get('m.speed'), -a.get('m.speed'));
  assert.is(b.get('m.power'), a.get('m.power'));
  assert.is(b.get('m.running'), 1);
});

test('a jam stops the items and trips the overload after overloadTime; only a reset clears it', () => {
  // Steady after 3 s: current sqrt(0.65² + (1.05 (0.3 + 0.02 n))²) < 1.2 x 1.05 A.
  const r = runningBelt(2);
  assert.is(r.get('m.tripped'), 0);
  const items = r.model.inspectItems().map((i) => i.front);
  const id = r.model.injectFault({ target: 'component', component: 'c', kind: 'jam' }).id;
  // Torque = 0.3 + 0.02 n + jamTorque 2.5 > 1.2 pu: I/In = sqrt(0.383 + T²) > 1.2 from the first
  // step, so the relay trips when 2 s = 2000 steps have accumulated.
  const t0 = r.model.tick;
  const tripAt = runUntil(r, () => r.get('m.tripped') === 1, 5000);
  assert.ok(Math.abs(tripAt - t0 - 2000) <= 1, `tripped after ${tripAt - t0} steps, expected 2000`);
  assert.is(r.get('m.overloads'), 1);
  assert.equal(r.model.inspectItems().map((i) => i.front).slice(0, items.length), items, 'jammed items do not move');
  assert.is(r.get('c.speed'), 0);
  // Tripped: the drive coasts down although run stays on.
  r.model.clearFault(id);
  r.run(6000); // 40 tau: 50 e^-40 Hz is below the snap to 0
  assert.is(r.get('m.speed'), 0);
  assert.is(r.get('m.tripped'), 1);
  r.set('m.reset', 1);
  r.run(1);
  assert.is(r.get('m.tripped'), 0);
  r.set('m.reset', 0);
  r.run(3000);
  close(r.get('m.speed'), 50, 1e-6, 'runs again after reset');
});

test('a reset with run off clears the trip of a drive standing still (its steady step writes no relay state)', () => {
  const r = runningBelt(0.5);
  const id = r.model.injectFault({ target: 'component', component: 'c', kind: 'jam' }).id;
  runUntil(r, () => r.get('m.tripped') === 1, 5000);
  r.model.clearFault(id);
  // Run off, coasted to a standstill: the drive has been at steady state (at rest) for long.
  r.set('m.run', 0);
  r.run(6000);
  assert.is(r.get('m.speed'), 0);
  assert.is(r.get('m.tripped'), 1);
  r.set('m.reset', 1);
  r.run(1);
  assert.is(r.get('m.tripped'), 0, 'the cleared relay is written the step the reset rises');
  r.set('m.reset', 0);
  r.run(100);
  assert.is(r.get('m.tripped'), 0);
  assert.is(r.get('m.speed'), 0);
});

test('a short overload does not trip: the relay forgets at the rate it remembers', () => {
  // Run 1 s, then off: the drive stays energised (over pick-up at 1.5 pu) until its speed
  // falls below 0.5 Hz, 0.15 ln(50 / 0.5) = 0.69 s later: 1.69 s over, < 2 s. Off for 3 s drains
  // it; the next 1.69 s start from 0 again.
  const r = rig(line({ overloadTime: 2, baseLoad: 1.5, accelTorque: 0 }));
  r.set('m.setpoint', 50);
  for (let k = 0; k < 4; k++) {
    r.set('m.run', k % 2 === 0 ? 1 : 0);
    r.run(k % 2 === 0 ? 1000 : 3000);
  }
  assert.is(r.get('m.tripped'), 0);
});

test('bearing wear grows with speed x torque² and raises vibration; the wear fault multiplies it', () => {
  // wearRate 36 /h: per step 36 x 0.001 / 3600 = 1e-5 per (pu speed x pu torque²). At 50 Hz
  // (1 pu) and torque 0.3 pu: 1e-5 x 0.09 = 9e-7 per step, 9e-4 over 1000 steps.
  const r = rig(line({ wearRate: 36, accelTorque: 0 }));
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  r.run(6000);
  const w0 = r.get('m.wear');
  r.run(1000);
  close(r.get('m.wear') - w0, 9e-4, 1e-6, 'wear over 1 s');
  // Vibration = (1 + 10 w) x 1 pu speed.
  close(r.get('m.vibration'), 1 + 10 * r.get('m.wear'), 1e-12, 'vibration');
  const w1 = r.get('m.wear');
  r.model.injectFault({ target: 'component', component: 'm', kind: 'bearing-wear', severity: 0.5 });
  r.run(1000);
  // x (1 + 100 x 0.5) = 51.
  close(r.get('m.wear') - w1, 51 * 9e-4, 1e-6, 'accelerated wear over 1 s');
});

test('energy is the integral of power (within 0.1 %)', () => {
  const r = rig(line());
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  let integral = 0;
  for (let k = 0; k < 20_000; k++) {
    r.run(1);
    integral += (r.get('m.power') * 0.001) / 3600;
    if (k === 10_000) r.set('m.setpoint', 20);
  }
  close(r.get('m.energy'), integral, 1e-3, 'energy');
  close(r.get('line.energy'), integral, 1e-3, 'line energy');
  // Steady 20 Hz: P = 0.3 x 0.4 x 0.37 / 0.7 + 0.03 = 0.093429 kW.
  close(r.get('m.power'), 0.3 * 0.4 * (0.37 / 0.7) + 0.03, 1e-9, 'power at 20 Hz');
});

test.run();
