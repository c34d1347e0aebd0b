// The page's time formats: simulated time rounds before it splits (1:00.0, never 0:60.0), wall
// times are ISO 8601 with a 24-hour clock.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatSimTime, isoTime } from '../../hmi/web/src/format.ts';

test('simulated time: m:ss.s under an hour, h:mm:ss.s above, rounded before it is split', () => {
  assert.is(formatSimTime(0), '0:00.0');
  assert.is(formatSimTime(59.96), '1:00.0');
  assert.is(formatSimTime(61.25), '1:01.3');
  assert.is(formatSimTime(3599.96), '1:00:00.0');
  assert.is(formatSimTime(3725.4), '1:02:05.4');
  assert.is(formatSimTime(-1.5), '-0:01.5');
  assert.is(formatSimTime(Number.NaN), '—');
});

test('wall time: ISO date and 24-hour local time', () => {
  const ms = new Date(2026, 11, 7, 15, 4, 9).getTime();
  assert.is(isoTime(ms), '2026-12-07 15:04:09');
});

test.run();
