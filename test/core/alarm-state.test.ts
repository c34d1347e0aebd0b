// Every alarm state transition, as one table: from each of the seven states (the hidden ones
// with the condition active and with it gone) through every action, the state that follows,
// or "refused" (an operator action that does not apply: ALARM_STATE), or "unchanged" (a
// detector or owner call that changes nothing: no journal event). The table is checked twice:
// on the pure function (alarm-state.ts) and through a real AlarmManager with its journal, where
// each start state is reached by the calls an operator and a detector would make.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlarmManager } from '../../core/alarms/alarm-manager.ts';
import type { AlarmCondition } from '../../core/alarms/alarm-sink.ts';
import { applyAction, stateOf, type AlarmFlags, type AlarmState } from '../../core/alarms/alarm-state.ts';
import { isTwinloopError } from '../../core/errors.ts';

type Action = 'activate' | 'return' | 'acknowledge' | 'shelve' | 'unshelve' | 'shelve-expired' | 'out-of-service' | 'return-to-service' | 'suppress' | 'unsuppress';
type Result = AlarmState | 'refused' | 'unchanged';

const N = 'normal';
const AU = 'active-unacknowledged';
const AA = 'active-acknowledged';
const RU = 'returned-unacknowledged';
const SH = 'shelved';
const SBD = 'suppressed-by-design';
const OOS = 'out-of-service';

interface Start {
  readonly flags: AlarmFlags;
  /** How a real manager gets there (alarm key 'dev:a'; suppression prefix 'dev:'). */
  readonly setup: readonly Action[];
}

const f = (active: boolean, acked: boolean, hidden: Partial<AlarmFlags> = {}): AlarmFlags => ({ active, acked, shelved: false, suppressed: false, outOfService: false, ...hidden });

const STARTS: Readonly<Record<string, Start>> = {
  normal: { flags: f(false, true), setup: ['activate', 'acknowledge', 'return'] },
  'active-unacknowledged': { flags: f(true, false), setup: ['activate'] },
  'active-acknowledged': { flags: f(true, true), setup: ['activate', 'acknowledge'] },
  'returned-unacknowledged': { flags: f(false, false), setup: ['activate', 'return'] },
  'shelved (active)': { flags: f(true, false, { shelved: true }), setup: ['activate', 'shelve'] },
  'shelved (gone)': { flags: f(false, true, { shelved: true }), setup: ['activate', 'acknowledge', 'return', 'shelve'] },
  'suppressed-by-design (active)': { flags: f(true, false, { suppressed: true }), setup: ['suppress', 'activate'] },
  'suppressed-by-design (gone)': { flags: f(false, true, { suppressed: true }), setup: ['activate', 'acknowledge', 'return', 'suppress'] },
  'out-of-service (active)': { flags: f(true, false, { outOfService: true }), setup: ['activate', 'out-of-service'] },
  'out-of-service (gone)': { flags: f(false, true, { outOfService: true }), setup: ['activate', 'acknowledge', 'return', 'out-of-service'] },
};

// prettier-ignore
const ACTIONS: readonly Action[] = ['activate', 'return', 'acknowledge', 'shelve', 'unshelve', 'shelve-expired', 'out-of-service', 'return-to-service', 'suppress', 'unsuppress'];

// One row per start state, one column per action (in the order of ACTIONS).
// prettier-ignore
const TABLE: Readonly<Record<string, readonly Result[]>> = {
  //                               activate     return       acknowledge  shelve       unshelve     expired      o-o-s        r-t-s        suppress     unsuppress
  'normal':                        [AU,          'unchanged', 'refused',   SH,          'refused',   'refused',   OOS,         'refused',   SBD,         'unchanged'],
  'active-unacknowledged':         ['unchanged', RU,          AA,          SH,          'refused',   'refused',   OOS,         'refused',   SBD,         'unchanged'],
  'active-acknowledged':           ['unchanged', N,           'refused',   SH,          'refused',   'refused',   OOS,         'refused',   SBD,         'unchanged'],
  'returned-unacknowledged':       [AU,          'unchanged', N,           SH,          'refused',   'refused',   OOS,         'refused',   SBD,         'unchanged'],
  'shelved (active)':              ['unchanged', SH,          'refused',   'refused',   AU,          AU,          OOS,         'refused',   SH,          'unchanged'],
  'shelved (gone)':                [SH,          'unchanged', 'refused',   'refused',   N,           N,           OOS,         'refused',   SH,          'unchanged'],
  'suppressed-by-design (active)': ['unchanged', SBD,         'refused',   'refused',   'refused',   'refused',   OOS,         'refused',   'unchanged', AU],
  'suppressed-by-design (gone)':   [SBD,         'unchanged', 'refused',   'refused',   'refused',   'refused',   OOS,         'refused',   'unchanged', N],
  'out-of-service (active)':       ['unchanged', OOS,         'refused',   'refused',   'refused',   'refused',   'refused',   AU,          OOS,         'unchanged'],
  'out-of-service (gone)':         [OOS,         'unchanged', 'refused',   'refused',   'refused',   'refused',   'refused',   N,           OOS,         'unchanged'],
};

test('the table covers every state and every action', () => {
  const starts = new Set(Object.values(STARTS).map((s) => stateOf(s.flags)));
  assert.equal([...starts].sort(), [AA, AU, N, OOS, RU, SH, SBD].sort());
  for (const row of Object.values(TABLE)) assert.is(row.length, ACTIONS.length);
  assert.equal(Object.keys(TABLE).sort(), Object.keys(STARTS).sort());
});

test('pure transitions (alarm-state.ts)', () => {
  let cells = 0;
  for (const [name, start] of Object.entries(STARTS)) {
    ACTIONS.forEach((action, i) => {
      const want = TABLE[name]![i]!;
      const flags = { ...start.flags };
      const outcome = applyAction(flags, action);
      const got: Result = outcome === 'changed' ? stateOf(flags) : outcome;
      assert.is(got, want, `${name} --${action}-->`);
      // Acknowledge and shelve never touch the condition.
      if (action === 'acknowledge' || action === 'shelve') assert.is(flags.active, start.flags.active, `${name}: ${action} keeps the condition`);
      cells++;
    });
  }
  assert.is(cells, 100);
});

const COND: AlarmCondition = { key: 'dev:a', source: 'deviation', priority: 3, message: 'pe1: edge missing', cause: 'rule pe1-edge', signals: ['pe1.blocked', 'pe1.blocked.measured'] };
const BY = { user: 'op1', note: 'seen, checking' };

/** Carry out one action on a real manager; returns what happened. */
function act(m: AlarmManager, action: Action, clock: { t: number }): Result {
  const id = m.list({ all: true }).find((a) => a.key === COND.key)?.id ?? -1;
  const before = m.history().length;
  try {
    switch (action) {
      case 'activate':
        m.activate(COND, clock.t);
        break;
      case 'return':
        m.deactivate(COND.key, clock.t);
        break;
      case 'acknowledge':
        m.acknowledge(id, BY);
        break;
      case 'shelve':
        m.shelve(id, BY, 60_000);
        break;
      case 'unshelve':
        m.unshelve(id, BY);
        break;
      case 'shelve-expired': {
        // Expiry is the clock passing the shelve's end; a poll evaluates it.
        const until = m.get(id)?.shelvedUntil;
        if (until === null || until === undefined) return 'refused';
        clock.t = until;
        m.poll(clock.t);
        break;
      }
      case 'out-of-service':
        m.removeFromService(id, BY);
        break;
      case 'return-to-service':
        m.returnToService(id, BY);
        break;
      case 'suppress':
        m.suppress('dev:', 'test suppression');
        break;
      case 'unsuppress':
        m.unsuppress('dev:');
        break;
    }
  } catch (err) {
    if (isTwinloopError(err, 'ALARM_STATE')) return 'refused';
    throw err;
  }
  if (m.history().length === before) return 'unchanged';
  return m.list({ all: true }).find((a) => a.key === COND.key)!.state;
}

test('the same table through a real AlarmManager (journal in memory)', () => {
  let cells = 0;
  for (const [name, start] of Object.entries(STARTS)) {
    ACTIONS.forEach((action, i) => {
      const clock = { t: 1000 };
      const m = new AlarmManager({ clock: () => clock.t });
      try {
        for (const s of start.setup) {
          clock.t += 10;
          act(m, s, clock);
        }
        assert.is(m.list({ all: true })[0]!.state, stateOf(start.flags), `setup of ${name}`);
        clock.t += 10;
        assert.is(act(m, action, clock), TABLE[name]![i]!, `${name} --${action}-->`);
        const view = m.list({ all: true })[0]!;
        const conditionWanted = action === 'activate' ? true : action === 'return' ? false : start.flags.active;
        assert.is(view.active, conditionWanted, `${name} --${action}--> condition`);
      } finally {
        m.close();
      }
      cells++;
    });
  }
  assert.is(cells, 100);
});

test('ISA-18.2 rules in words: ack keeps the condition; a returned-unacked alarm goes to normal on ack; an acked one on return', () => {
  const clock = { t: 0 };
  const m = new AlarmManager({ clock: () => clock.t });
  m.activate(COND, 1);
  const id = m.list()[0]!.id;
  clock.t = 2;
  assert.is(m.acknowledge(id, BY).state, AA);
  assert.is(m.get(id)!.active, true, 'acknowledging does not clear the condition');
  m.deactivate(COND.key, 3);
  assert.is(m.get(id)!.state, N, 'acked + return = normal');
  m.activate(COND, 4);
  m.deactivate(COND.key, 5);
  assert.is(m.get(id)!.state, RU);
  clock.t = 6;
  assert.is(m.acknowledge(id, BY).state, N, 'returned-unacked + ack = normal');
  assert.equal(
    m.history().map((e) => `${e.kind}:${e.to}`).reverse(),
    ['activate:active-unacknowledged', 'acknowledge:active-acknowledged', 'return:normal', 'activate:active-unacknowledged', 'return:returned-unacknowledged', 'acknowledge:normal'],
  );
  m.close();
});

test.run();
