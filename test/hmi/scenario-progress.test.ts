// The scenario page's progress column (issue 19: "the scenario page's progress counts steps"):
// steps counted from 1 and never past the last, a run not yet in its first step says so, a
// passed run counts its passed steps, a failed one names the step that failed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { progressText } from '../../hmi/web/src/scenario-page.ts';
import type { ScenarioRunView } from '../../hmi/web/src/scenario-api.ts';

const base: ScenarioRunView = { id: 1, file: 'a.yaml', user: 'engineer1', state: 'running', queuedAt: 0, progress: { time: 12.34, step: 1, steps: 3 } };
const step = (index: number, status: 'passed' | 'failed' | 'skipped') => ({ index, label: `s${index}`, status, start: 0, end: 1 });

test('running: step k of n, counted from 1, never past the last', () => {
  assert.is(progressText(base), 'step 2 of 3, t = 12.3 s');
  // After the last step ends the runner's index moves on to n: still "3 of 3".
  assert.is(progressText({ ...base, progress: { time: 20, step: 3, steps: 3 } }), 'step 3 of 3, t = 20.0 s');
  assert.is(progressText({ ...base, progress: { time: 0, step: 0, steps: 0 } }), 'starting, t = 0.0 s');
  assert.is(progressText({ ...base, state: 'queued' }), 'queued');
});

test('finished: passed steps counted, the failed step named', () => {
  assert.is(progressText({ ...base, state: 'passed', wallMs: 1500, steps: [step(0, 'passed'), step(1, 'passed'), step(2, 'passed')] }), '12.3 s simulated in 1.50 s · 3 of 3 steps passed');
  assert.is(progressText({ ...base, state: 'failed', wallMs: 900, steps: [step(0, 'passed'), step(1, 'failed'), step(2, 'skipped')] }), '12.3 s simulated in 0.90 s · step 2 failed');
});

test.run();
