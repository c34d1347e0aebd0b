// Browser test of the alarm pages: real Chromium (/usr/bin/chromium via playwright-core)
// against a real server on 127.0.0.1 serving the real run on examples/sorting.yaml, with a real
// AlarmManager the test reports a condition to (as a detector would). An operator logs in: the
// banner shows the active alarm; acknowledging from the list without a note is refused on the
// page; with a note it is acknowledged (on the server, audited) and the banner clears. The
// deviation view overlays the alarm's signals with its cause; history and KPI pages show it;
// a viewer is offered no actions. Saves test/.artifacts/alarms.png for a human look.
// Without Chromium this test FAILS with a clear message: a skipped browser test hides regressions.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launchChromium, logInAt, waitText } from '../chromium.ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readAudit } from '../../core/audit/audit-export.ts';
import { AlarmManager } from '../../core/alarms/alarm-manager.ts';
import type { AlarmCondition } from '../../core/alarms/alarm-sink.ts';
import type { RunControl } from '../../core/engine/run-control.ts';
import { buildWeb } from '../../hmi/web/build.ts';
import { openRun, setupOnce } from './run-under-test.ts';
import { startSecured, type Secured } from './secured-server.ts';

const ARTIFACTS = new URL('../.artifacts/', import.meta.url).pathname;

const SLOW: AlarmCondition = {
  key: 'deviation:m1.speed',
  source: 'deviation',
  priority: 2,
  message: 'm1 speed: model 50.0 Hz, measured 41.2 Hz',
  cause: 'compare rule m1-speed: |model - measured| > 2 Hz for 3 s (belt slip?)',
  signals: ['m1.speed', 'm1.current'],
};

let run: RunControl;
let s: Secured;
let alarms: AlarmManager;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function logIn(p: Page, name: string): Promise<void> {
  await logInAt(p, s.server.url, name, s.password);
}

setupOnce(test, async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}; the alarm browser test needs it (Debian: apt-get install chromium). Not skipping.`);
  await buildWeb();
  ({ run } = await openRun());
  alarms = new AlarmManager({ clock: Date.now });
  s = await startSecured({ run, alarms });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 960 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) pageErrors.push(msg.text());
  });
});

test.after(async () => {
  await browser?.close();
  await s?.close();
  alarms?.close();
  await run?.close();
});

test('the banner shows an active alarm; the operator acknowledges it from the list with a note; the banner clears', async () => {
  alarms.activate(SLOW, Date.now());
  const id = alarms.list()[0]!.id;
  await logIn(page, 'operator1');
  await waitText(page, 'alarm-banner-text', (t) => t === SLOW.message);
  assert.is(await page.getByTestId('alarm-banner').getAttribute('data-state'), 'active-unacknowledged');
  assert.is(await page.getByTestId('alarm-banner-priority').textContent(), 'high');
  await page.getByTestId(`alarm-row-${id}`).waitFor();
  // No note: refused on the page, nothing sent.
  await page.getByTestId(`alarm-ack-${id}`).click();
  await waitText(page, 'alarm-status', (t) => /write a note first/.test(t));
  assert.is(alarms.get(id)!.state, 'active-unacknowledged');
  await page.getByTestId('alarm-note').fill('belt slip seen at m1, maintenance called');
  await page.getByTestId(`alarm-ack-${id}`).click();
  await waitText(page, 'alarm-banner-text', (t) => t === 'no unacknowledged alarms');
  assert.is(await page.getByTestId('alarm-banner').getAttribute('data-state'), 'clear');
  await waitText(page, `alarm-state-${id}`, (t) => t === 'active, acknowledged');
  const v = alarms.get(id)!;
  assert.is(v.state, 'active-acknowledged');
  assert.is(v.active, true, 'the condition stays');
  assert.is(v.lastUser, 'operator1');
  assert.is(v.lastNote, 'belt slip seen at m1, maintenance called');
  assert.ok(readAudit(join(s.dataDir, 'audit.jsonl')).records.some((r) => r.action === 'alarm.ack' && r.result === 'ok' && r.user === 'operator1'));
});

test('deviation view: the alarm\'s signals in the trend, with the cause and since when', async () => {
  const id = alarms.list()[0]!.id;
  await page.getByTestId(`alarm-trend-${id}`).click();
  const view = page.getByTestId('deviation-view');
  await view.waitFor();
  assert.match((await page.getByTestId('deviation-cause').textContent()) ?? '', /compare rule m1-speed/);
  assert.match((await page.getByTestId('deviation-since').textContent()) ?? '', /^since /);
  assert.is(await view.getByTestId('trend-m1.speed').isChecked(), true);
  assert.is(await view.getByTestId('trend-m1.current').isChecked(), true);
  assert.is(await view.locator('input[type="checkbox"]:checked').count(), 2, 'only the alarm\'s signals');
  await view.locator('.uplot').waitFor();
});

test('history and KPI pages', async () => {
  await page.getByTestId('alarm-tab-history').click();
  await waitText(page, 'alarm-history-rows', (t) => t.includes('acknowledge') && t.includes('belt slip seen at m1'));
  await page.getByTestId('alarm-tab-kpi').click();
  await waitText(page, 'kpi-rate', (t) => /^\d+\.\d\d$/.test(t));
  assert.match((await page.getByTestId('kpi-priority').textContent()) ?? '', /~80 %/);
  await page.getByTestId('alarm-tab-list').click();
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}alarms.png`, fullPage: true });
  assert.equal(pageErrors, [], 'no page errors or CSP violations');
});

test('a viewer sees the alarms but is offered no actions', async () => {
  alarms.activate({ ...SLOW, key: 'deviation:m2.speed', message: 'm2 speed deviates' }, Date.now());
  const ctx = await browser.newContext();
  try {
    const viewer = await ctx.newPage();
    await logIn(viewer, 'viewer1');
    await waitText(viewer, 'alarm-banner-text', (t) => t === 'm2 speed deviates');
    const id = alarms.list().find((a) => a.key === 'deviation:m2.speed')!.id;
    await viewer.getByTestId(`alarm-row-${id}`).waitFor();
    assert.is(await viewer.getByTestId(`alarm-ack-${id}`).count(), 0);
    assert.is(await viewer.getByTestId('alarm-note').count(), 0);
  } finally {
    await ctx.close();
  }
});

test.run();
