// The HMI's scenario API against a real server: viewers list scenarios and runs, engineers start
// a run (operators may not), progress is visible while it runs, the verdict and steps when it
// is done, and its report is served under a script-free CSP. Runs use their own model in a
// one-thread pool; the live run (a fixture here) is untouched.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixtureRun } from '../hmi/fixture-run.ts';
import { startSecured, type Secured } from '../hmi/secured-server.ts';
import { SUITE, DEMO_LINE } from './helpers.ts';
import type { ScenarioRunView } from '../../core/scenario/scenario-runs.ts';

const dir = mkdtempSync(join(tmpdir(), 'twinloop-scn-api-'));
let run: FixtureRun;
let s: Secured;

test.before(async () => {
  // Copies of two example scenarios, pointing at the demo line by an absolute path.
  for (const f of ['02-tall-item-diverted.yaml', '03-pusher-jam.yaml']) {
    writeFileSync(join(dir, f), readFileSync(join(SUITE, f), 'utf8').replace('line: ../sorting.yaml', `line: ${DEMO_LINE}`));
  }
  writeFileSync(join(dir, 'broken.yaml'), 'name: broken\nsteps: []\n');
  run = new FixtureRun({ paused: true });
  s = await startSecured({ run, scenarios: { dir } });
});

test.after(async () => {
  await s?.close();
  await run?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call<T>(method: string, path: string, role: 'viewer' | 'operator' | 'engineer', body?: unknown): Promise<{ status: number; body: T; headers: Headers; text: string }> {
  const res = await fetch(s.server.url + path, {
    method,
    headers: { ...s.bearer(role), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // HTML report
  }
  return { status: res.status, body: parsed as T, headers: res.headers, text };
}

async function until(id: number, done: (v: ScenarioRunView) => boolean): Promise<ScenarioRunView> {
  for (let k = 0; k < 300; k++) {
    const v = await call<ScenarioRunView>('GET', `/api/scenarios/runs/${id}`, 'viewer');
    if (done(v.body)) return v.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run ${id} did not finish within 30 s`);
}

test('viewers list the folder, with a broken file flagged', async () => {
  const r = await call<{ scenarios: { file: string; name: string; error?: string }[]; programs: string[] }>('GET', '/api/scenarios', 'viewer');
  assert.is(r.status, 200);
  assert.equal(r.body.scenarios.map((x) => x.file), ['02-tall-item-diverted.yaml', '03-pusher-jam.yaml', 'broken.yaml']);
  assert.is(r.body.scenarios[0]!.name, 'tall item diverted');
  assert.match(r.body.scenarios[2]!.error!, /steps: must NOT have fewer than 1 items/);
  assert.ok(r.body.programs.includes('sorting-broken'));
});

test('an operator may not start a run; unknown files and programs are refused', async () => {
  assert.is((await call('POST', '/api/scenarios/runs', 'operator', { file: '03-pusher-jam.yaml' })).status, 403);
  assert.is((await call('POST', '/api/scenarios/runs', 'engineer', { file: 'nope.yaml' })).status, 404);
  assert.is((await call('POST', '/api/scenarios/runs', 'engineer', { file: '../etc/passwd.yaml' })).status, 400);
  const bad = await call<{ message: string }>('POST', '/api/scenarios/runs', 'engineer', { file: '03-pusher-jam.yaml', program: 'nope' });
  assert.is(bad.status, 400);
  assert.match(bad.body.message, /unknown built-in program "nope"/);
});

test('an engineer runs a scenario: progress, verdict, report', async () => {
  const started = await call<ScenarioRunView>('POST', '/api/scenarios/runs', 'engineer', { file: '03-pusher-jam.yaml', program: 'sorting-broken' });
  assert.is(started.status, 201);
  assert.is(started.body.user, 'engineer1');
  assert.ok(['queued', 'running'].includes(started.body.state));
  const done = await until(started.body.id, (v) => v.state !== 'queued' && v.state !== 'running');
  assert.is(done.state, 'failed');
  assert.is(done.progress.steps, 5);
  assert.is(done.progress.step, 2, 'the failing step was the last one running');
  assert.ok(done.progress.time >= 60);
  assert.match(done.message!, /expected ctl\.fault == 1 within 60 s/);
  const list = await call<{ runs: ScenarioRunView[] }>('GET', '/api/scenarios/runs', 'viewer');
  assert.is(list.body.runs[0]!.id, started.body.id);
  const report = await call('GET', `/api/scenarios/runs/${started.body.id}/report`, 'viewer');
  assert.is(report.status, 200);
  assert.match(report.headers.get('content-type')!, /^text\/html/);
  assert.match(report.headers.get('content-security-policy')!, /^default-src 'none'; style-src 'unsafe-inline';.*sandbox$/);
  assert.match(report.text, /<h2 id="s0"><span class="failed">FAILED<\/span> pusher jam detected<\/h2>/);
  assert.match(report.text, /<svg /);
  const good = await call<ScenarioRunView>('POST', '/api/scenarios/runs', 'engineer', { file: '02-tall-item-diverted.yaml' });
  assert.is((await until(good.body.id, (v) => v.state === 'passed' || v.state === 'failed' || v.state === 'error')).state, 'passed');
  assert.is((await call('GET', '/api/scenarios/runs/999/report', 'viewer')).status, 404);
});

test.run();
