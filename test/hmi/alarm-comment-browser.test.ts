// Browser test of the alarm list's Comment action: real Chromium (/usr/bin/chromium via
// playwright-core) against a real server on 127.0.0.1 with a real AlarmManager. An operator
// comments on an active alarm from the list (a note is required, as for every action): the
// alarm keeps its state, the row shows the comment and its user, the manager's journal and the
// audit log have it (`alarm.comment`), and the History tab lists it as a `comment` event. A
// viewer is offered no Comment button.
// Without Chromium this test FAILS with a clear message: a skipped browser test hides regressions.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launchChromium, logInAt, waitText } from '../chromium.ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readAudit } from '../../core/audit/audit-export.ts';
import { AlarmManager } from '../../core/alarms/alarm-manager.ts';
import type { RunControl } from '../../core/engine/run-control.ts';
import { buildWeb } from '../../hmi/web/build.ts';
import { openRun, setupOnce } from './run-under-test.ts';
import { startSecured, type Secured } from './secured-server.ts';


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
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}; the alarm comment browser test needs it (Debian: apt-get install chromium). Not skipping.`);
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

test('an operator comments on an alarm from the list: no state change, journaled, audited, in the history', async () => {
  alarms.activate({ key: 'communication:plc1', source: 'communication', priority: 1, message: 'plc1: link lost' }, Date.now());
  const id = alarms.list()[0]!.id;
  await logIn(page, 'operator1');
  await page.getByTestId(`alarm-row-${id}`).waitFor();
  // No note: refused on the page, nothing sent.
  await page.getByTestId(`alarm-comment-${id}`).click();
  await waitText(page, 'alarm-status', (t) => /write a note first/.test(t));
  assert.is(alarms.history({ alarmId: id }).filter((e) => e.kind === 'comment').length, 0);
  await page.getByTestId('alarm-note').fill('switch in cabinet 3 replaced, waiting for link');
  await page.getByTestId(`alarm-comment-${id}`).click();
  await waitText(page, 'alarm-status', (t) => /Comment: communication:plc1 done/.test(t));
  await waitText(page, `alarm-row-${id}`, (t) => t.includes('operator1: switch in cabinet 3 replaced, waiting for link'));
  assert.is(await page.getByTestId(`alarm-state-${id}`).textContent(), 'active, unacknowledged', 'a comment changes no state');
  const v = alarms.get(id)!;
  assert.is(v.state, 'active-unacknowledged');
  assert.is(v.lastUser, 'operator1');
  const e = alarms.history({ alarmId: id }).find((x) => x.kind === 'comment');
  assert.is(e?.note, 'switch in cabinet 3 replaced, waiting for link');
  const recs = readAudit(join(s.dataDir, 'audit.jsonl')).records.filter((r) => r.action === 'alarm.comment');
  assert.equal(recs.map((r) => r.result), ['attempt', 'ok']);
  assert.equal(recs[0]!.new, { action: 'comment', note: 'switch in cabinet 3 replaced, waiting for link' });
  await page.getByTestId('alarm-tab-history').click();
  await waitText(page, 'alarm-history-rows', (t) => t.includes('comment') && t.includes('switch in cabinet 3 replaced'));
  assert.is(await page.locator('[data-testid="alarm-history-rows"] tr[data-kind="comment"]').count(), 1);
  assert.equal(pageErrors, [], 'no page errors or CSP violations');
});

test('a viewer is offered no Comment', async () => {
  const id = alarms.list()[0]!.id;
  const ctx = await browser.newContext();
  try {
    const viewer = await ctx.newPage();
    await logIn(viewer, 'viewer1');
    await viewer.getByTestId(`alarm-row-${id}`).waitFor();
    assert.is(await viewer.getByTestId(`alarm-comment-${id}`).count(), 0);
  } finally {
    await ctx.close();
  }
});

test.run();
