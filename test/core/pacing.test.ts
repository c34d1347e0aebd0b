// The paced worker's policies as pure functions (core/engine/pacing.ts): how many steps a wake
// runs (precise pacing gives exactly the steps the worker ran before pacing was a policy),
// where a wake publishes (multiples of the interval, the table never a whole interval behind),
// the default publish interval from the table's size and the readers' needs, and the warning an
// actuator value lost would raise in /api/health.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ECONOMY_WAKE_MS, PRECISE_SPIN_MS, checkPacing, publishEvery, publishTickIn, stepsPerWake, wakePlan } from '../../core/engine/pacing.ts';
import { actuatorWarnings } from '../../core/engine/run-warnings.ts';
import { isTwinloopError } from '../../core/errors.ts';
import { parseCli, UsageError } from '../../core/cli/args.ts';

test('precise pacing runs the steps the worker always ran per wake; economy runs 5 ms of them without a spin', () => {
  for (const dtMs of [0.1, 0.5, 1, 2, 10]) {
    for (const factor of [0.01, 0.5, 1, 3, 10, 100, 10_000]) {
      // The worker's formula before pacing was a policy (core/engine/worker.ts, makeGrid).
      assert.is(stepsPerWake(wakePlan('precise').wakeMs, dtMs, factor), Math.max(1, Math.round(factor / dtMs)), `dt ${dtMs} ms at ${factor}x`);
    }
  }
  assert.equal(wakePlan('precise'), { wakeMs: 1, spinMs: PRECISE_SPIN_MS, adaptiveSpin: true }, 'precise pacing learns its spin, at most 0.3 ms');
  assert.equal(wakePlan('precise', 0.1), { wakeMs: 1, spinMs: 0.1, adaptiveSpin: false }, 'a spin given is fixed');
  assert.equal(wakePlan('economy', 0.3), { wakeMs: ECONOMY_WAKE_MS, spinMs: 0, adaptiveSpin: false }, 'economy never spins');
  assert.is(stepsPerWake(ECONOMY_WAKE_MS, 1, 1), 5);
  assert.is(stepsPerWake(ECONOMY_WAKE_MS, 10, 1), 1, 'a 10 ms step still gets one step per wake');
});

test('pacing names are checked with the allowed ones in the message', () => {
  assert.is(checkPacing('economy', '--pacing'), 'economy');
  try {
    checkPacing('eco', '--pacing');
    assert.unreachable();
  } catch (err) {
    assert.ok(isTwinloopError(err) && err.code === 'RUN_BAD_REQUEST');
    assert.is((err as Error).message, '--pacing must be precise or economy, got "eco"');
  }
});

test('default publish interval: every step for small tables, by size for large ones, never beyond the readers\' need', () => {
  assert.is(publishEvery({ signals: 209, dtMs: 1 }), 1, 'the demo line publishes every step, as before');
  assert.is(publishEvery({ signals: 10_000, dtMs: 1 }), 1);
  assert.is(publishEvery({ signals: 10_001, dtMs: 1 }), 2);
  assert.is(publishEvery({ signals: 79_300, dtMs: 1 }), 8, 'a 10k-component plant');
  assert.is(publishEvery({ signals: 793_000, dtMs: 1 }), 10, 'a 100k-component plant: capped at 10 ms');
  assert.is(publishEvery({ signals: 793_000, dtMs: 1, cyclesMs: [20, 4] }), 4, 'the fastest network controller cycle');
  assert.is(publishEvery({ signals: 793_000, dtMs: 0.5 }), 20, '10 ms of model time at dt 0.5 ms');
  assert.is(publishEvery({ signals: 793_000, dtMs: 20 }), 1, 'a step longer than the cap publishes every step');
  assert.is(publishEvery({ signals: 209, dtMs: 1, publishMs: 7 }), 7, 'asked for');
  assert.is(publishEvery({ signals: 209, dtMs: 2, publishMs: 7 }), 3, 'whole steps');
  assert.is(publishEvery({ signals: 209, dtMs: 1, publishMs: 0.5 }), 1, 'at least one step');
  for (const bad of [0, -1, 1001, Number.NaN]) {
    try {
      publishEvery({ signals: 1, dtMs: 1, publishMs: bad });
      assert.unreachable();
    } catch (err) {
      assert.ok(isTwinloopError(err) && err.code === 'RUN_BAD_REQUEST', String(bad));
    }
  }
});

test('a wake publishes at the last multiple it crosses: the table is never a whole interval behind', () => {
  // Wakes of random sizes (1 step mostly, catch-ups of up to 20 after a stall), as the worker runs them.
  let seed = 7;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (const every of [1, 3, 7, 10]) {
    let tick = 0;
    let published = 0;
    let publishes = 0;
    for (let wake = 0; wake < 20_000; wake++) {
      const steps = rand() < 0.9 ? 1 : 1 + Math.floor(rand() * 20);
      const at = publishTickIn(tick, tick + steps, every);
      if (at >= 0) {
        if (at % every !== 0 || at <= tick || at > tick + steps) assert.unreachable(`publish at ${at} in (${tick}, ${tick + steps}]`);
        published = at;
        publishes++;
      }
      tick += steps;
      if (tick - published >= every) assert.unreachable(`every ${every}: table at ${published}, model at ${tick}`);
    }
    // At most one publish per wake and at least one per interval crossed.
    assert.ok(publishes <= 20_000 && publishes >= Math.floor(tick / every / 20), `every ${every}: ${publishes} publishes`);
    if (every === 1) assert.is(publishes, 20_000, 'every step: one publish per wake, as before');
  }
  assert.is(publishTickIn(10, 13, 5), -1, 'crosses no multiple');
  assert.is(publishTickIn(10, 25, 5), 25, 'the last of 15, 20, 25');
  assert.is(publishTickIn(9, 10, 5), 10);
});

test('an actuator value refused shows as a warning; coalesced values are not a loss', () => {
  assert.equal(actuatorWarnings(undefined), []);
  assert.equal(actuatorWarnings({ slots: 60_000, coalesced: 970, refused: 0 }), []);
  const w = actuatorWarnings({ slots: 3, coalesced: 0, refused: 2 });
  assert.is(w.length, 1);
  assert.match(w[0]!, /^2 actuator value\(s\) from the network PLCs were refused/);
});

test('twinloop start --pacing and --publish-ms: parsed, checked, absent by default', () => {
  const args = parseCli(['start', '--pacing', 'economy', '--publish-ms', '5']);
  assert.ok(args.command === 'start' && args.pacing === 'economy' && args.publishMs === 5);
  const plain = parseCli(['start']);
  assert.ok(plain.command === 'start' && plain.pacing === undefined && plain.publishMs === undefined);
  for (const [argv, message] of [
    [['start', '--pacing', 'slow'], '--pacing must be precise or economy, got "slow"'],
    [['start', '--publish-ms', '0'], '--publish-ms must be a number of ms from above 0 to 1000, got "0"'],
    [['start', '--publish-ms', 'ten'], '--publish-ms must be a number of ms from above 0 to 1000, got "ten"'],
  ] as const) {
    try {
      parseCli([...argv]);
      assert.unreachable(argv.join(' '));
    } catch (err) {
      assert.instance(err, UsageError);
      assert.is((err as Error).message, message);
    }
  }
});

test.run();
