// AlarmManager.comment on a simulated clock: an operator's remark changes no flag in any state,
// is journaled as a `comment` event (from = to), becomes the alarm's last user, note and note
// time, bumps the version, survives a reopen of the journal, leaves the KPIs alone, and is
// refused with codes for an unknown alarm or a missing note.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlarmManager } from '../../core/alarms/alarm-manager.ts';
import type { AlarmCondition } from '../../core/alarms/alarm-sink.ts';
import { isTwinloopError, type ErrorCode } from '../../core/errors.ts';

const dev: AlarmCondition = { key: 'deviation:m1-speed', source: 'deviation', priority: 2, message: 'm1.speed deviates', signals: ['m1.speed', 'm1.speed.measured'], band: { abs: 2, rel: 0.05 } };

function throwsCode(fn: () => unknown, code: ErrorCode, what: string): void {
  try {
    fn();
  } catch (err) {
    assert.ok(isTwinloopError(err, code), `${what}: expected ${code}, got ${(err as Error).message}`);
    return;
  }
  assert.unreachable(`${what}: expected ${code}`);
}

test('a comment changes no state, is journaled, is the last note and bumps the version; in every state', () => {
  let t = 1000;
  const m = new AlarmManager({ clock: () => t });
  m.activate(dev, 1000);
  const id = m.list()[0]!.id;
  const v0 = m.version;
  t = 2000;
  const v = m.comment(id, { user: 'op1', note: 'drive checked, fine' });
  assert.is(v.state, 'active-unacknowledged');
  assert.is(v.stateSince, 1000, 'the state did not change');
  assert.is(v.lastUser, 'op1');
  assert.is(v.lastNote, 'drive checked, fine');
  assert.is(v.lastNoteAt, 2000);
  assert.is(m.version, v0 + 1);
  const e = m.history({ alarmId: id })[0]!;
  assert.equal([e.kind, e.from, e.to, e.user, e.note, e.at], ['comment', 'active-unacknowledged', 'active-unacknowledged', 'op1', 'drive checked, fine', 2000]);
  // Every other state takes comments too.
  m.shelve(id, { user: 'op1', note: 'fitter on the way' }, 60_000);
  assert.is(m.comment(id, { user: 'op2', note: 'still shelved' }).state, 'shelved');
  m.unshelve(id, { user: 'op1', note: 'back' });
  m.deactivate(dev.key, 3000);
  m.acknowledge(id, { user: 'op1', note: 'gone' });
  assert.is(m.get(id)!.state, 'normal');
  assert.is(m.comment(id, { user: 'op2', note: 'belt replaced' }).state, 'normal');
  m.removeFromService(id, { user: 'eng', note: 'sensor swap' });
  assert.is(m.comment(id, { user: 'op2', note: 'swap planned for Monday' }).state, 'out-of-service');
  assert.is(m.history({ alarmId: id }).filter((x) => x.kind === 'comment').length, 4);
  // The band travels with the alarm (the OPC UA server's deviation alarm type).
  assert.equal(m.get(id)!.band, { abs: 2, rel: 0.05 });
  m.close();
});

test('comments leave the KPIs alone (no annunciation)', () => {
  let t = 0;
  const a = new AlarmManager({ clock: () => t });
  const b = new AlarmManager({ clock: () => t });
  for (const m of [a, b]) m.activate(dev, 0);
  t = 10_000;
  for (let i = 0; i < 5; i++) a.comment(a.list()[0]!.id, { user: 'op1', note: `remark ${i}` });
  t = 20_000;
  assert.equal(a.kpi({ from: 0, to: 20_000 }), b.kpi({ from: 0, to: 20_000 }));
  a.close();
  b.close();
});

test('a comment survives a reopen of the journal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'twinloop-alarm-comment-'));
  try {
    const path = join(dir, 'alarms.db');
    const m = new AlarmManager({ clock: () => 5000, journal: path });
    m.activate(dev, 5000);
    const id = m.list()[0]!.id;
    m.comment(id, { user: 'op1', note: 'watching it' });
    m.close();
    const again = new AlarmManager({ clock: () => 6000, journal: path });
    const v = again.get(id)!;
    assert.equal([v.lastUser, v.lastNote, v.lastNoteAt], ['op1', 'watching it', 5000]);
    assert.is(again.history({ alarmId: id })[0]!.kind, 'comment');
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('refused: unknown alarm, missing or long note, no user; nothing journaled', () => {
  const m = new AlarmManager({ clock: () => 0 });
  m.activate(dev, 0);
  const id = m.list()[0]!.id;
  const n = m.history().length;
  throwsCode(() => m.comment(999, { user: 'op1', note: 'x' }), 'ALARM_UNKNOWN', 'unknown id');
  throwsCode(() => m.comment(id, { user: 'op1', note: '  ' }), 'ALARM_INVALID', 'blank note');
  throwsCode(() => m.comment(id, { user: 'op1', note: 'x'.repeat(501) }), 'ALARM_INVALID', 'long note');
  throwsCode(() => m.comment(id, { user: '', note: 'x' }), 'ALARM_INVALID', 'no user');
  assert.is(m.history().length, n);
  m.close();
});

test.run();
