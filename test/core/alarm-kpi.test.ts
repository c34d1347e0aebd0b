// The ISA-18.2 KPIs on a hand-built hour of events, every figure computed by hand beside it,
// then the same figures from a real AlarmManager whose journal recorded the same story.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KpiEventRow } from '../../core/alarms/alarm-journal.ts';
import { computeKpis, type CurrentAlarm } from '../../core/alarms/alarm-kpi.ts';
import { AlarmManager } from '../../core/alarms/alarm-manager.ts';
import type { AlarmPriority } from '../../core/alarms/alarm-sink.ts';
import type { AlarmState } from '../../core/alarms/alarm-state.ts';

const HOUR = 3600_000;
const events: KpiEventRow[] = [];
const ev = (at: number, key: string, from: AlarmState, to: AlarmState, priority: AlarmPriority, kind: KpiEventRow['kind'] = 'activate'): void => {
  events.push({ at, key, kind, from, to, priority });
};
/** Annunciate `key` at each time, with a return 5 s after each (so the next one re-alarms). */
const chatter = (key: string, times: number[], p: AlarmPriority): void => {
  times.forEach((t, i) => {
    ev(t, key, i === 0 ? 'normal' : 'returned-unacknowledged', 'active-unacknowledged', p);
    ev(t + 5000, key, 'active-unacknowledged', 'returned-unacknowledged', p, 'return');
  });
};

// dev:a: 3 annunciations within 40 s -> chattering. dev:b: exactly 60 s from first to third ->
// chattering (within 60 s). dev:c: 61 s -> not chattering. All priority 4 (low).
chatter('dev:a', [10_000, 30_000, 50_000], 4);
chatter('dev:b', [100_000, 130_000, 160_000], 4);
chatter('dev:c', [200_000, 230_500, 261_000], 4);
// A flood: 12 alarms 10 s apart from t = 20 min: f01..f09 low, f10..f11 medium, f12 high.
for (let k = 0; k < 12; k++) ev(1_200_000 + k * 10_000, `dev:f${String(k + 1).padStart(2, '0')}`, 'normal', 'active-unacknowledged', k < 9 ? 4 : k < 11 ? 3 : 2);
// Not annunciations: an acknowledgement, an escalation (AU -> AU), a hidden activation.
ev(1_400_000, 'dev:f01', 'active-unacknowledged', 'active-acknowledged', 4, 'acknowledge');
ev(1_500_000, 'dev:f02', 'active-unacknowledged', 'active-unacknowledged', 2, 'escalate');
ev(1_600_000, 'dev:h', 'shelved', 'shelved', 3, 'activate');
// An active alarm coming back from its shelve is annunciated: critical.
ev(2_000_000, 'dev:s', 'shelved', 'active-unacknowledged', 1, 'unshelve');
// Outside the period: ignored.
ev(HOUR + 100_000, 'dev:late', 'normal', 'active-unacknowledged', 1);

const current: CurrentAlarm[] = [
  { key: 'dev:old', state: 'active-acknowledged', since: HOUR - 25 * HOUR },
  { key: 'dev:young', state: 'active-unacknowledged', since: HOUR - 23 * HOUR },
  { key: 'dev:hidden', state: 'shelved', since: HOUR - 48 * HOUR },
  { key: 'dev:oos', state: 'out-of-service', since: null },
  { key: 'dev:sbd', state: 'suppressed-by-design', since: 0 },
];

test('KPIs of a hand-built hour, figures computed by hand', () => {
  const k = computeKpis(events, current, { from: 0, to: HOUR, operators: 2, staleMs: 24 * HOUR });
  // 9 (a, b, c) + 12 (flood) + 1 (unshelved) annunciations in the hour.
  assert.is(k.annunciated, 22);
  // 22 annunciations / 2 operators / 6 ten-minute periods.
  assert.ok(Math.abs(k.perOperatorPer10Min - 22 / 12) < 1e-12, String(k.perOperatorPer10Min));
  // The 12 flood alarms all fall within 110 s.
  assert.is(k.peak10Min, 12);
  // > 10 in the last 10 min from the 11th alarm (t = 1 300 000) until the 2nd leaves the
  // window (t = 1 210 000 + 600 000 = 1 810 000): 510 000 ms of 3 600 000.
  assert.is(k.floodMs, 510_000);
  assert.ok(Math.abs(k.floodPercent - (100 * 510_000) / HOUR) < 1e-9, String(k.floodPercent));
  assert.equal(k.chattering, [
    { key: 'dev:a', maxIn60s: 3 },
    { key: 'dev:b', maxIn60s: 3 },
  ]);
  // Stale: active and shown for more than 24 h; shelved ones are counted as shelved instead.
  assert.equal(k.stale, [{ key: 'dev:old', since: HOUR - 25 * HOUR, ageMs: 25 * HOUR }]);
  // Priorities: low 9 + 9 = 18, medium 2, high 1, critical 1 of 22.
  assert.equal(
    k.prioritySplit.map((p) => [p.label, p.count, Math.round(p.percent * 100) / 100, p.recommended]),
    [
      ['critical', 1, 4.55, '< 1 %'],
      ['high', 1, 4.55, '~5 %'],
      ['medium', 2, 9.09, '~15 %'],
      ['low', 18, 81.82, '~80 %'],
    ],
  );
  assert.equal(
    k.topFrequent.map((f) => f.key),
    ['dev:a', 'dev:b', 'dev:c', 'dev:f01', 'dev:f02', 'dev:f03', 'dev:f04', 'dev:f05', 'dev:f06', 'dev:f07'],
  );
  assert.ok(Math.abs(k.topFrequent[0]!.percent - 300 / 22) < 1e-12);
  assert.is(k.shelvedNow, 1);
  assert.is(k.outOfServiceNow, 1);
  assert.is(k.suppressedNow, 1);
});

test('an empty period gives zeros, not NaN', () => {
  const k = computeKpis([], [], { from: 0, to: 0 });
  assert.is(k.perOperatorPer10Min, 0);
  assert.is(k.floodPercent, 0);
  assert.is(k.prioritySplit[3]!.percent, 0);
});

test('the manager journals the same story and computes the same figures', () => {
  let t = 0;
  const m = new AlarmManager({ clock: () => t, operators: 2 });
  const cond = (key: string, priority: AlarmPriority) => ({ key, source: 'deviation' as const, priority, message: key });
  // Replay every annunciation and return of the hand-built list through the sink interface.
  for (const e of events) {
    if (e.at > HOUR || e.kind === 'escalate' || e.kind === 'acknowledge' || e.key === 'dev:h' || e.key === 'dev:s') continue;
    if (e.kind === 'activate') m.activate(cond(e.key, e.priority), e.at);
    else m.deactivate(e.key, e.at);
  }
  // dev:s: shelved while active, unshelved at 2 000 000.
  t = 1_900_000;
  m.activate(cond('dev:s', 1), t);
  const s = m.list().find((a) => a.key === 'dev:s')!.id;
  m.shelve(s, { user: 'op1', note: 'n' }, 600_000);
  // That first annunciation of dev:s at 1 900 000 is one more than in the hand list.
  t = 2_000_000;
  m.unshelve(s, { user: 'op1', note: 'n' });
  const k = m.kpi({ from: 0, to: HOUR });
  assert.is(k.annunciated, 23);
  assert.is(k.peak10Min, 12);
  assert.is(k.floodMs, 510_000);
  assert.equal(k.chattering.map((c) => c.key), ['dev:a', 'dev:b']);
  assert.equal(k.prioritySplit.map((p) => p.count), [2, 1, 2, 18]);
  m.close();
});

test.run();
