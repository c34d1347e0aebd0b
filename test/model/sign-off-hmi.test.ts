// Sign-off from the HMI, on a real shadow run (the stand-in line behind OPC UA on 127.0.0.1, as
// `npm start -- --plant examples/sorting-shadow.yaml` runs it) and a real HMI server: /api/health
// says which model version runs and that it is not signed off; a viewer may not sign off; an
// engineer without confirmation is refused; with it the version is signed off, the audit log
// holds the attempt and its outcome with the report's verdicts, and /api/health then says so.
// The page (Chromium): the banner says "signed off"; an edited report voids it ("model not
// validated"); an engineer's Sign off button (with its confirmation) signs the version off again.

import { existsSync, writeFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../chromium.ts';
import { buildWeb } from '../../hmi/web/build.ts';
import { join } from 'node:path';
import { pino } from 'pino';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadPlantFile, type PlantFile } from '../../core/config/plant-file.ts';
import { loadLineFile } from '../../core/config/line-file.ts';
import { startRun } from '../../core/engine/engine.ts';
import type { RunControl, RunStatus } from '../../core/engine/run-control.ts';
import { ModelGate } from '../../core/model/model-gate.ts';
import { modelVersion } from '../../core/model/model-version.ts';
import { readSignOffs } from '../../core/model/signoff-store.ts';
import { startSecured, tempDataDir, type Secured } from '../hmi/secured-server.ts';
import { LogAlarmSink } from '../../core/shadow/log-sink.ts';

const plantPath = new URL('../../examples/sorting-shadow.yaml', import.meta.url).pathname;
const base = loadPlantFile(plantPath);
const pc = base.controllers[0]!;
const plant: PlantFile = { ...base, controllers: [{ ...pc, softLine: { ...pc.softLine!, faults: [], port: 0 } }] };
const line = loadLineFile(plant.line!);
const data = tempDataDir();
const report = join(data, 'report.json');
writeFileSync(report, JSON.stringify({ verdict: 'pass', signals: [{ signal: 'pe1.blocked', verdict: 'pass' }] }));

let run: RunControl;
let s: Secured;
let browser: Browser | undefined;

test.before(async () => {
  try {
  const log = pino({ level: 'warn' });
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}; this test needs it (Debian: apt-get install chromium). Not skipping.`);
  await buildWeb();
  // Re-checked every 0.5 s (5 s in a run): the test waits for an edited report to void the sign-off.
  const gate = new ModelGate({ dataDir: data, line: plant.line!, plant: plantPath, recheckMs: 500 });
  run = await startRun({ plant, line, alarmSink: new LogAlarmSink(log), logger: log, statsLogMs: 0, model: gate });
  s = await startSecured({ run, logger: log, dataDir: data, model: gate });
  } catch (err) {
    console.error(err);
    throw err;
  }
});

async function api(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${s.server.url}${path}`, { method, headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test('health names the model version; sign-off needs an engineer and confirmation; then health says signed off', async () => {
  let h = await api('GET', '/api/health', s.bearer('viewer'));
  assert.is(h.status, 200);
  let model = (h.body as unknown as RunStatus).model!;
  assert.ok(model, 'the shadow run reports its model');
  assert.is(model.signedOff, false);
  assert.is(model.version, modelVersion({ line: plant.line!, plant: plantPath }).version);
  assert.match(model.advisoryReason ?? '', /model not validated/);
  assert.is((await api('GET', '/api/model/report', s.bearer('viewer'))).status, 404, 'no report signed off yet');

  assert.is((await api('POST', '/api/model/sign-off', s.bearer('operator'), { confirm: true, report: 'report.json' })).status, 403);
  assert.is((await api('POST', '/api/model/sign-off', s.bearer('engineer'), { report: 'report.json' })).status, 428);
  assert.is((await api('POST', '/api/model/sign-off', s.bearer('engineer'), { confirm: true, report: '../outside.json' })).status, 400);
  const r = await api('POST', '/api/model/sign-off', s.bearer('engineer'), { confirm: true, report: 'report.json' });
  assert.is(r.status, 200, JSON.stringify(r.body));
  assert.is((r.body['model'] as { signedOff: boolean }).signedOff, true);

  h = await api('GET', '/api/health', s.bearer('viewer'));
  model = (h.body as unknown as RunStatus).model!;
  assert.is(model.signedOff, true);
  assert.is(model.signedOffBy, 'engineer1');
  assert.is(model.verdict, 'pass');
  assert.is(model.version, modelVersion({ line: plant.line!, plant: plantPath, report }).version);
  assert.is(readSignOffs(data).at(-1)!.by, 'engineer1');
  const rep = await fetch(`${s.server.url}/api/model/report`, { headers: s.bearer('viewer') });
  assert.is(rep.status, 200);
  assert.is(((await rep.json()) as { verdict: string }).verdict, 'pass');

  // The audit log: the refused operator, the unconfirmed try, then attempt and ok with the verdicts.
  const audit = await api('GET', '/api/audit?format=json', s.bearer('admin'));
  const records = (audit.body['records'] as { action: string; result: string; user: string | null; new?: { version: string; verdict: string } }[]).filter((x) => x.action === 'model.sign-off');
  assert.equal(records.map((x) => x.result), ['denied', 'denied', 'attempt', 'ok']);
  assert.is(records[3]!.user, 'engineer1');
  assert.is(records[3]!.new!.version, model.version);
  assert.is(records[3]!.new!.verdict, 'pass');
});

test('the page: signed off, voided by an edited report, signed off again with the Sign off button', async () => {
  browser = await launchChromium();
  const p = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const errors: string[] = [];
  p.on('pageerror', (err) => errors.push(err.message));
  await p.goto(s.server.url);
  await p.getByTestId('login-name').fill('engineer1');
  await p.getByTestId('login-password').fill(s.password);
  await p.getByTestId('login-submit').click();
  const badge = p.getByTestId('banner-model');
  await p.waitForFunction(() => /signed off/.test(document.querySelector('[data-testid="banner-model"]')?.textContent ?? ''), undefined, { timeout: 15_000 });
  assert.is(await p.getByTestId('model-sign-off').isHidden(), true, 'nothing to sign off');
  // Edit the report: the version changes, the sign-off no longer holds.
  writeFileSync(report, JSON.stringify({ verdict: 'pass', signals: [{ signal: 'pe1.blocked', verdict: 'pass' }], note: 'rerun' }));
  await p.waitForFunction(() => document.querySelector('[data-testid="banner-model"]')?.textContent === 'model not validated', undefined, { timeout: 15_000 });
  assert.is(await badge.getAttribute('data-signed'), 'false');
  assert.is(await p.getByTestId('banner-model-report').isVisible(), true, 'a link to the last report');
  await p.getByTestId('model-sign-off').click();
  await p.getByTestId('confirm-ok').click();
  await p.waitForFunction(() => /signed off/.test(document.querySelector('[data-testid="banner-model"]')?.textContent ?? ''), undefined, { timeout: 15_000 });
  const h = (await api('GET', '/api/health', s.bearer('viewer'))).body as unknown as RunStatus;
  assert.is(h.model!.signedOff, true);
  assert.is(h.model!.version, modelVersion({ line: plant.line!, plant: plantPath, report }).version);
  assert.equal(errors, []);
});

test.after(async () => {
  await browser?.close();
  await s?.close();
  await run?.close();
});
test.run();
