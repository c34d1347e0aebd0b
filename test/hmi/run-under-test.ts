// The run the HMI integration tests serve: the real engine on examples/sorting.yaml. The
// fixture run (fixture-run.ts) is only for unit tests of malformed input and for the period
// before the engine existed; `HMI_TEST_FIXTURE=1` forces it for local debugging of the HMI.

import { pino } from 'pino';
import type { test } from 'uvu';
import type { RunControl } from '../../core/engine/run-control.ts';
import { FixtureRun } from './fixture-run.ts';

export const SORTING_LINE = new URL('../../examples/sorting.yaml', import.meta.url).pathname;

/** Start the run under test. The caller closes it. */
export async function openRun(): Promise<{ run: RunControl; engine: boolean }> {
  if (process.env['HMI_TEST_FIXTURE'] === '1') return { run: new FixtureRun(), engine: false };
  const { startRun } = await import('../../core/engine/engine.ts');
  const run = await startRun({ linePath: SORTING_LINE, logger: pino({ level: 'warn' }), statsLogMs: 0 });
  return { run, engine: true };
}

/**
 * Register suite setup so that its failure fails every test with the cause. uvu 0.5 swallows
 * an error thrown in `test.before` (it prints 0/N and exits 0); one thrown from `before.each`
 * is reported per test and sets the exit code.
 */
export function setupOnce(suite: typeof test, fn: () => Promise<void>): void {
  let error: unknown;
  suite.before(async () => {
    try {
      await fn();
    } catch (err) {
      error = err;
    }
  });
  suite.before.each(() => {
    if (error !== undefined) throw error;
  });
}
