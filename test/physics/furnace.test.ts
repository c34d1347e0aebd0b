// Heated zone against its closed forms: first order with dead time (63.2 % of a step at
// deadTime + tau), steady state with losses and cooling, heater energy and the heater-lost
// fault; items heated through the zone (exit temperature = the zone's first-order law over
// their dwell); and the quality rule: rejects appear past the line speed it predicts.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentConfig, LineFile } from '../../physics/model.ts';
import { close, rig } from './harness.ts';

function zone(params: Record<string, unknown>, extra: ComponentConfig[] = [], dt = 0.01): LineFile {
  return { name: 'furnace', dt, components: [{ id: 'f', type: 'furnace', ...params }, ...extra] };
}

test('step response: nothing for deadTime, then 63.2 % of the step at deadTime + tau', () => {
  // C 400 kJ/K, UA 0.4 kW/K: tau = 1000 s; 50 % of 300 kW = 150 kW: steady rise 150 / 0.4 = 375 K.
  // dt 10 ms, dead time 5 s = 500 steps. T(N + M steps) = 25 + 375 (1 - e^(-M dt / tau)).
  const r = rig(zone({ capacity: 400, lossCoefficient: 0.4, maxPower: 300, deadTime: 5 }));
  r.set('f.power', 50);
  r.run(500);
  assert.is(r.get('f.temperature'), 25, 'no response within the dead time');
  r.run(100_000);
  close(r.get('f.temperature'), 25 + 375 * (1 - Math.exp(-1)), 1e-9, 'T at deadTime + tau');
  close((r.get('f.temperature') - 25) / 375, 0.6321205588, 1e-9, 'fraction of the step');
  // Energy: 150 kW for 100 500 steps of 10 ms = 1005 s: 41.875 kWh.
  close(r.get('f.energy'), (150 * 1005) / 3600, 1e-9, 'heater energy');
  close(r.get('line.energy'), (150 * 1005) / 3600, 1e-9, 'line energy');
});

test('steady state with cooling: T = ambient + P / (UA + cooling UA x flow / rated flow)', () => {
  // C 4 kJ/K so tau_eff = 4 / 0.5 = 8 s; 200 s = 25 tau. Pump at rated flow: cooling UA 0.1.
  // T = 25 + 150 / (0.4 + 0.1) = 325 °C; cooling 0.1 x (325 - 25) = 30 kW.
  const r = rig(zone({ capacity: 4, lossCoefficient: 0.4, maxPower: 300, deadTime: 0, coolant: 'p', coolingCoefficient: 0.1 }, [{ id: 'p', type: 'pump', tau: 0.01 }]));
  r.set('p.run', 1);
  r.set('p.setpoint', 100);
  r.set('f.power', 50);
  r.run(20_000);
  close(r.get('f.temperature'), 325, 1e-6, 'steady temperature');
  close(r.get('f.cooling'), 30, 1e-5, 'cooling power');
  // Heater lost (severity 1): no heater power; the zone cools back to the coolant temperature.
  r.model.injectFault({ target: 'component', component: 'f', kind: 'heater-lost' });
  r.run(20_000);
  assert.is(r.get('f.heaterPower'), 0);
  close(r.get('f.temperature'), 25, 1e-6, 'cold again');
});

/** A 10 m belt through a zone held at 900 °C (ambient 900, huge capacity) from 0 to 6 m. */
function heatLine(): LineFile {
  return zone(
    { conveyor: 'c', start: 0, end: 6, ambient: 900, capacity: 1e12, itemMass: 100, itemHeatCapacity: 0.5, itemTransfer: 0.5 },
    [
      { id: 'm', type: 'drive', tau: 1e-6 },
      { id: 'c', type: 'conveyor', length: 10, beltSpeed: 0.05, drive: 'm' },
      { id: 's', type: 'source', conveyor: 'c', rate: 0.01, minGap: 0.5, itemLength: 0.5, temperature: 20 },
      { id: 'q', type: 'quality', conveyor: 'c', position: 7, attribute: 'temperature', min: 800, max: 1000 },
    ],
  );
}

test('an item leaves the zone at 900 - 880 e^(-dwell / tau_item), tau_item = m c / hA = 100 s', () => {
  const r = rig(heatLine());
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  r.run(30_000); // 300 s at 0.05 m/s: the first items are past 6 m
  const out = r.model.inspectItems().filter((i) => i.front - i.length / 2 > 6);
  assert.ok(out.length > 0, 'an item has left the zone');
  for (const it of out) {
    // Centre from 0.25 m (placed) to 6 m at 0.05 m/s: 115 s in the zone.
    assert.ok(Math.abs(it.dwell - 115) <= 0.011, `dwell ${it.dwell}`);
    close(it.temperature, 900 - 880 * Math.exp(-it.dwell / 100), 1e-9, 'exit temperature');
  }
});

test('quality: the reject rate jumps where the rule predicts, at ~26.4 Hz', () => {
  // Good needs 900 - 880 e^(-t/100) >= 800: t >= 100 ln 8.8 = 217.5 s of dwell over 5.75 m,
  // so belt speed <= 5.75 / 217.5 = 0.02644 m/s = 26.4 Hz. 25 Hz: dwell 230 s, 811.8 °C, good;
  // 28 Hz: 205.4 s, 787.2 °C, reject.
  const rate = (hz: number): { good: number; reject: number; rejectRate: number } => {
    const r = rig(heatLine());
    r.set('m.run', 1);
    r.set('m.setpoint', hz);
    r.run(150_000); // 1500 s
    return { good: r.get('q.good'), reject: r.get('q.reject'), rejectRate: r.get('q.rejectRate') };
  };
  const slow = rate(25);
  const fast = rate(28);
  assert.ok(slow.good >= 3 && slow.reject === 0, JSON.stringify(slow));
  assert.ok(fast.reject >= 3 && fast.good === 0, JSON.stringify(fast));
  assert.is(fast.rejectRate, 1);
});

test.run();
