// Predictive-maintenance rules on synthetic condition signals: the trend rule forecasts the
// time to its limit from a least-squares slope and fires inside its horizon (not on a flat or
// noisy signal); the count rule fires on overloads within its window; the alarm carries the
// recommended action and the escalation.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MaintenanceEngine } from '../../core/maintenance/maintenance-engine.ts';
import { AlarmReporter } from '../../core/shadow/alarm-reporter.ts';
import type { MaintenanceRule } from '../../core/shadow/rules.ts';
import { RecordingSink } from './recording-sink.ts';

const trend: MaintenanceRule = { name: 'winding', kind: 'trend', signal: 'temp', limit: 120, windowS: 120, horizonS: 600, sampleS: 1, priority: 3, action: 'check the fan', escalation: { afterS: 600, priority: 2 } };
const count: MaintenanceRule = { name: 'ol', kind: 'count', signal: 'trips', max: 2, windowS: 600, priority: 3, action: 'check for jams' };
const resolve = (n: string): number => ({ temp: 0, trips: 1 })[n] ?? (() => { throw new Error(n); })();

test('trend: flat and noisy stay quiet; a rise forecasts the time to the limit', () => {
  const e = new MaintenanceEngine([trend], resolve);
  const v = new Float64Array(2);
  for (let t = 0; t < 300; t += 0.1) {
    v[0] = 60 + Math.sin(t * 7) * 2;
    e.evaluate(v, t);
  }
  assert.is(e.active[0], 0);
  // +0.1 K/s from 60 °C: 600 s to 120 °C; inside the 600 s horizon once the trend is seen.
  let fired = -1;
  for (let t = 300; t < 500; t += 0.1) {
    v[0] = 60 + (t - 300) * 0.1;
    e.evaluate(v, t);
    if (e.active[0] === 1 && fired < 0) fired = t;
  }
  // Within one window of the rise starting (the window first mixes flat and rising samples).
  assert.ok(fired > 300 && fired < 420, `fired at ${fired}`);
  const eta = e.figure[0]!;
  const now = 60 + 199.9 * 0.1;
  assert.ok(Math.abs(eta - (120 - now) / 0.1) < 60, `eta ${eta}`);
  assert.ok(Math.abs(e.slope[0]! - 360) < 40, `slope ${e.slope[0]} K/h`);
  assert.match(e.describe(0).message, /temp: limit 120 in ~\d+ min/);
});

test('count: more than max trips within the window', () => {
  const e = new MaintenanceEngine([count], resolve);
  const v = new Float64Array(2);
  let trips = 0;
  for (let t = 0; t < 1200; t += 1) {
    if (t === 700 || t === 800 || t === 900) trips++;
    v[1] = trips;
    e.evaluate(v, t);
  }
  assert.is(e.active[0], 1);
  assert.is(e.figure[0], 3);
  assert.match(e.describe(0).cause, 'more than 2 within 600 s');
});

test('the alarm carries action and escalation', () => {
  const e = new MaintenanceEngine([trend], resolve);
  const sink = new RecordingSink();
  const rep = new AlarmReporter(sink, [{ key: 'maintenance:winding', source: 'maintenance', priority: 3, action: trend.action, escalation: { afterMs: 600_000, priority: 2 } }], (k) => e.describe(k));
  const v = new Float64Array(2);
  for (let t = 0; t < 200; t += 0.5) {
    v[0] = 100 + t * 0.2;
    e.evaluate(v, t);
    rep.report(e.active, t * 1000);
  }
  const c = sink.active.get('maintenance:winding');
  assert.ok(c);
  assert.is(c.action, 'check the fan');
  assert.equal(c.escalation, { afterMs: 600_000, priority: 2 });
  assert.is(sink.raised.length, 1, 'one alarm, re-activated each evaluation');
  assert.ok(sink.activations > 10);
});

test.run();
