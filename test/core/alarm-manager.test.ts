// AlarmManager behaviour over time on a simulated clock: shelve expiry, escalation of an
// unacknowledged alarm, out of service and back, suppression by design (a rule: deviations of
// a controller while its communication alarm stands; and the owner's suppress/unsuppress),
// the repeated-activate path changing nothing, and malformed input refused with codes.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlarmManager } from '../../core/alarms/alarm-manager.ts';
import type { AlarmCondition } from '../../core/alarms/alarm-sink.ts';
import { isTwinloopError, type ErrorCode } from '../../core/errors.ts';

const BY = { user: 'op1', note: 'known, maintenance informed' };
const dev = (key: string, priority: 1 | 2 | 3 | 4 = 3): AlarmCondition => ({ key, source: 'deviation', priority, message: `${key} deviates`, cause: 'analog rule: |model - measured| > 0.5 for 2 s', signals: ['m1.speed', 'm1.speed.measured'] });

function throwsCode(fn: () => unknown, code: ErrorCode, what: string): void {
  try {
    fn();
  } catch (err) {
    assert.ok(isTwinloopError(err, code), `${what}: expected ${code}, got ${(err as Error).message}`);
    return;
  }
  assert.unreachable(`${what}: expected ${code}`);
}

test('shelve: hidden until expiry, then annunciated again if still active; unshelve early', () => {
  let t = 0;
  const m = new AlarmManager({ clock: () => t, maxShelveMs: 3600_000 });
  m.activate(dev('dev:a'), 0);
  const id = m.list()[0]!.id;
  t = 1000;
  const v = m.shelve(id, BY, 60_000);
  assert.is(v.state, 'shelved');
  assert.is(v.shelvedUntil, 61_000);
  assert.is(v.lastUser, 'op1');
  m.poll(60_999);
  assert.is(m.get(id)!.state, 'shelved', 'not before expiry');
  m.poll(61_000);
  assert.is(m.get(id)!.state, 'active-unacknowledged', 'expired: the still-active alarm is annunciated again');
  assert.is(m.get(id)!.shelvedUntil, null);
  assert.is(m.history()[0]!.kind, 'shelve-expired');
  // Shelved while active, condition clears meanwhile: back to normal at expiry.
  t = 70_000;
  m.shelve(id, BY, 10_000);
  m.deactivate('dev:a', 75_000);
  m.poll(80_000);
  assert.is(m.get(id)!.state, 'normal');
  // Unshelve early.
  m.activate(dev('dev:a'), 90_000);
  t = 91_000;
  m.shelve(id, BY, 3600_000);
  t = 92_000;
  assert.is(m.unshelve(id, BY).state, 'active-unacknowledged');
  throwsCode(() => m.shelve(id, BY, 3600_001), 'ALARM_INVALID', 'longer than maxShelveMs');
  throwsCode(() => m.shelve(id, BY, 0), 'ALARM_INVALID', 'zero duration');
  m.close();
});

test('escalation: priority raised when unacknowledged longer than afterMs, reset by a new activation', () => {
  let t = 0;
  const m = new AlarmManager({ clock: () => t });
  const hot: AlarmCondition = { key: 'pm:m1.temp', source: 'maintenance', priority: 4, message: 'm1 temperature reaches 90 °C in ~40 min', action: 'check the fan of m1', escalation: { afterMs: 300_000, priority: 2 } };
  m.activate(hot, 0);
  const id = m.list()[0]!.id;
  m.poll(299_999);
  assert.is(m.get(id)!.priority, 4);
  m.poll(300_000);
  assert.is(m.get(id)!.priority, 2, 'escalated');
  assert.is(m.get(id)!.escalated, true);
  assert.is(m.get(id)!.basePriority, 4);
  assert.is(m.history()[0]!.kind, 'escalate');
  const events = m.history().length;
  m.poll(900_000);
  assert.is(m.history().length, events, 'escalates once');
  // Acked: stays at the escalated priority until it returns; a new activation starts at 4 again.
  t = 910_000;
  m.acknowledge(id, BY);
  m.deactivate(hot.key, 920_000);
  m.activate(hot, 930_000);
  assert.is(m.get(id)!.priority, 4);
  assert.is(m.get(id)!.escalated, false);
  // An acknowledged alarm does not escalate.
  t = 931_000;
  m.acknowledge(id, BY);
  m.poll(2_000_000);
  assert.is(m.get(id)!.priority, 4);
  m.close();
});

test('out of service: hidden whatever the condition does, back with the condition as it is', () => {
  let t = 0;
  const m = new AlarmManager({ clock: () => t });
  m.activate(dev('dev:b'), 0);
  const id = m.list()[0]!.id;
  t = 10;
  m.shelve(id, BY, 60_000);
  t = 20;
  assert.is(m.removeFromService(id, BY).state, 'out-of-service', 'from shelved');
  assert.is(m.get(id)!.shelvedUntil, null, 'the shelve is dropped');
  m.poll(100_000);
  assert.is(m.get(id)!.state, 'out-of-service', 'no shelve expiry while out of service');
  m.deactivate('dev:b', 100_010);
  m.activate(dev('dev:b'), 100_020);
  assert.is(m.get(id)!.state, 'out-of-service');
  throwsCode(() => m.acknowledge(id, BY), 'ALARM_STATE', 'ack while out of service');
  t = 100_030;
  assert.is(m.returnToService(id, BY).state, 'active-unacknowledged');
  throwsCode(() => m.returnToService(id, BY), 'ALARM_STATE', 'return to service twice');
  m.close();
});

test('suppression by design: a rule hides a controller\'s deviations while its communication alarm stands', () => {
  const t = 0;
  const m = new AlarmManager({ clock: () => t, suppressionRules: [{ whileActive: 'communication:plc1', suppress: 'deviation:plc1.' }] });
  m.activate({ ...dev('deviation:plc1.pe1'), source: 'deviation' }, 0);
  m.activate({ ...dev('deviation:plc2.pe1'), source: 'deviation' }, 0);
  m.activate({ key: 'communication:plc1', source: 'communication', priority: 2, message: 'plc1: link lost' }, 10);
  const state = (key: string): string => m.list({ all: true }).find((a) => a.key === key)!.state;
  assert.is(state('deviation:plc1.pe1'), 'suppressed-by-design');
  assert.is(m.list({ all: true }).find((a) => a.key === 'deviation:plc1.pe1')!.suppressedReason, 'while communication:plc1 is active');
  assert.is(state('deviation:plc2.pe1'), 'active-unacknowledged', 'other controllers are not touched');
  assert.is(state('communication:plc1'), 'active-unacknowledged', 'the trigger itself is shown');
  // A deviation that appears during the outage is born suppressed.
  m.activate(dev('deviation:plc1.pe2'), 20);
  assert.is(state('deviation:plc1.pe2'), 'suppressed-by-design');
  m.deactivate('deviation:plc1.pe2', 25);
  // Link back: still-active deviations are annunciated, gone ones go to normal.
  m.deactivate('communication:plc1', 30);
  assert.is(state('deviation:plc1.pe1'), 'active-unacknowledged');
  assert.is(state('deviation:plc1.pe2'), 'normal');
  m.close();
});

test("suppression by the owner: suppress(prefix, reason) and unsuppress(prefix)", () => {
  const m = new AlarmManager({ clock: () => 50 });
  m.activate(dev('deviation:plc1.pe1'), 0);
  m.activate(dev('deviation:plc1.pe2'), 0);
  m.suppress('deviation:plc1.', 'line in changeover');
  assert.equal(m.list().map((a) => a.state), ['suppressed-by-design', 'suppressed-by-design']);
  assert.is(m.list()[0]!.suppressedReason, 'line in changeover');
  assert.is(m.list({ state: 'active-unacknowledged' }).length, 0);
  m.unsuppress('deviation:plc1.');
  assert.equal(m.list().map((a) => a.state), ['active-unacknowledged', 'active-unacknowledged']);
  throwsCode(() => m.suppress('', 'x'), 'ALARM_INVALID', 'empty prefix');
  m.close();
});

test('activate while active changes nothing (no event, no version bump); deactivate of an unknown key is a no-op', () => {
  const m = new AlarmManager({ clock: () => 0 });
  const c = dev('dev:hot');
  m.activate(c, 0);
  const v = m.version;
  for (let i = 0; i < 10_000; i++) m.activate(c, i);
  m.deactivate('dev:never-seen', 5);
  assert.is(m.version, v);
  assert.is(m.history().length, 1);
  m.close();
});

test('malformed conditions and actions are refused with codes', () => {
  const m = new AlarmManager({ clock: () => 0 });
  throwsCode(() => m.activate({ ...dev('dev:x'), priority: 5 as 1 }, 0), 'ALARM_INVALID', 'priority 5');
  throwsCode(() => m.activate({ ...dev(''), key: '' }, 0), 'ALARM_INVALID', 'empty key');
  throwsCode(() => m.activate({ ...dev('dev:y'), source: 'gossip' as 'process' }, 0), 'ALARM_INVALID', 'unknown source');
  m.activate(dev('dev:ok'), 0);
  const id = m.list()[0]!.id;
  throwsCode(() => m.acknowledge(id, { user: 'op1', note: '   ' }), 'ALARM_INVALID', 'blank note');
  throwsCode(() => m.acknowledge(id, { user: 'op1', note: 'x'.repeat(501) }), 'ALARM_INVALID', 'note too long');
  throwsCode(() => m.acknowledge(999, BY), 'ALARM_UNKNOWN', 'unknown id');
  throwsCode(() => new AlarmManager({ clock: () => 0, operators: 0 }), 'ALARM_INVALID', 'operators 0');
  assert.is(m.get(id)!.state, 'active-unacknowledged', 'nothing changed');
  m.close();
});

test('list: filters by state, priority and source; most urgent first', () => {
  let t = 0;
  const m = new AlarmManager({ clock: () => t });
  m.activate(dev('dev:low', 4), 1);
  m.activate(dev('dev:high', 2), 2);
  m.activate({ key: 'comm:plc1', source: 'communication', priority: 1, message: 'link lost' }, 3);
  t = 4;
  m.acknowledge(m.list({ priority: 4 })[0]!.id, BY);
  assert.equal(m.list().map((a) => a.key), ['comm:plc1', 'dev:high', 'dev:low']);
  assert.equal(m.list({ source: 'deviation' }).map((a) => a.key), ['dev:high', 'dev:low']);
  assert.equal(m.list({ state: 'active-acknowledged' }).map((a) => a.key), ['dev:low']);
  m.close();
});

test.run();
