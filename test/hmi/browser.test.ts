// Browser test of the HMI page: real Chromium (Debian's /usr/bin/chromium via playwright-core)
// against a real server on 127.0.0.1 serving the real run on examples/sorting.yaml. Logs in
// through the form (wrong password first), then checks the user and role shown, the
// SIMULATION banner, the link, items moving on the mimic, pause freezing the tick and resume
// advancing it, that a viewer is not offered the run controls, logout, and saves a
// screenshot to test/.artifacts/hmi.png for a human look.
// Without Chromium this test FAILS with a clear message: a skipped browser test hides regressions.

import { existsSync, mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../chromium.ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunControl } from '../../core/engine/run-control.ts';
import type { HmiServer } from '../../hmi/server/server.ts';
import { buildWeb } from '../../hmi/web/build.ts';
import { openRun, setupOnce } from './run-under-test.ts';
import { join } from 'node:path';
import { readAudit } from '../../core/audit/audit-export.ts';
import { FixtureRun } from './fixture-run.ts';
import { startSecured, type Secured } from './secured-server.ts';

const ARTIFACTS = new URL('../.artifacts/', import.meta.url).pathname;

let run: RunControl;
let server: HmiServer;
let secured: Secured;
let browser: Browser;
const pageErrors: string[] = [];
let page: Page;
let serverClosed = false;

const text = async (id: string): Promise<string> => (await page.getByTestId(id).textContent()) ?? '';

/** Wait until the element's text satisfies `ok`. */
async function waitText(id: string, ok: (t: string) => boolean, ms = 5000): Promise<string> {
  const until = Date.now() + ms;
  let last = '';
  while (Date.now() < until) {
    last = await text(id);
    if (ok(last)) return last;
    await page.waitForTimeout(50);
  }
  throw new Error(`[data-testid=${id}] stayed "${last}" for ${ms} ms`);
}

/** Positions of the visible item rects, as "x,y" strings. */
function itemPositions(): Promise<string[]> {
  return page.$$eval('[data-testid="item"]', (els) => els.filter((e) => e.getAttribute('visibility') === 'visible').map((e) => `${e.getAttribute('x')},${e.getAttribute('y')}`));
}

setupOnce(test, async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}; the HMI browser test needs it (Debian: apt-get install chromium). Not skipping.`);
  }
  await buildWeb(); // test the page as it is in the tree, not a stale dist
  ({ run } = await openRun());
  secured = await startSecured({ run });
  server = secured.server;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 960 } });
  page.on('pageerror', (err) => {
    pageErrors.push(err.message);
    console.error(`page error: ${err.message}`);
  });
  // A CSP violation is reported on the console; the strict policy must not break the page.
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) pageErrors.push(msg.text());
  });
  await page.goto(server.url);
});

/** Fill the login form of `p` and submit. */
async function logIn(p: Page, name: string, password: string): Promise<void> {
  await p.getByTestId('login-name').fill(name);
  await p.getByTestId('login-password').fill(password);
  await p.getByTestId('login-submit').click();
}

test.after(async () => {
  await browser?.close();
  if (!serverClosed) await server?.close();
  if (secured !== undefined) await secured.close().catch(() => undefined); // removes the data folder
  await run?.close();
});

test('login form: a wrong password is refused, the right one shows user and role', async () => {
  await page.getByTestId('login-form').waitFor();
  await logIn(page, 'engineer1', 'not-the-password');
  await waitText('login-error', (t) => /wrong password/.test(t));
  await logIn(page, 'engineer1', secured.password);
  await waitText('user-name', (t) => t === 'engineer1');
  assert.is(await text('user-role'), 'engineer');
});

test('banner says SIMULATION and the link connects', async () => {
  assert.is(await text('banner'), 'SIMULATION');
  await waitText('conn-state', (t) => t === 'connected');
  await waitText('run-state', (t) => t === 'running');
  // The pace achieved, simulated s per wall s (whether this machine keeps it is not asserted).
  await waitText('pace-achieved', (t) => /^\d+\.\d\dx( BEHIND)?$/.test(t));
});

test('items move on the mimic', async () => {
  const until = Date.now() + 10_000;
  let first: string[] = [];
  while (Date.now() < until && first.length === 0) {
    first = await itemPositions();
    if (first.length === 0) await page.waitForTimeout(100);
  }
  assert.ok(first.length > 0, 'an item appears within 10 s');
  await page.waitForTimeout(600);
  const later = await itemPositions();
  assert.ok(later.length > 0);
  assert.not.equal(later, first, 'item positions change over time');
});

test('pause freezes the tick, resume advances it', async () => {
  await page.getByTestId('btn-pause').click();
  await waitText('run-state', (t) => t === 'paused');
  await waitText('pace-achieved', (t) => t === '—');
  await page.waitForTimeout(150); // the last frame before the pause may still be in flight
  const frozen = await text('tick');
  await page.waitForTimeout(600);
  assert.is(await text('tick'), frozen, 'tick does not change while paused');
  await page.getByTestId('btn-step').click();
  await waitText('tick', (t) => Number(t) > Number(frozen));
  await page.getByTestId('btn-resume').click();
  await waitText('run-state', (t) => t === 'running');
  const resumedAt = Number(await text('tick'));
  await waitText('tick', (t) => Number(t) > resumedAt + 100);
});

test('engineer tools: force and release a signal, inject and clear a fault, each confirmed and audited', async () => {
  page.on('dialog', (d) => void d.accept());
  await page.getByTestId('force-signal').selectOption('pe2.blocked');
  await page.getByTestId('force-value').fill('0');
  await page.getByTestId('btn-force').click();
  await waitText('force-status', (t) => t.length > 0);
  const forced = await text('force-status');
  if (typeof run.force === 'function') {
    assert.is(forced, 'pe2.blocked forced to 0');
    await page.getByTestId('btn-release').click();
    await waitText('force-status', (t) => t === 'pe2.blocked released');
  } else assert.match(forced, /does not implement force/);
  if (typeof run.injectFault === 'function') {
    await page.getByTestId('btn-fault-stuck').click();
    await page.getByTestId('fault').first().waitFor();
    assert.is(run.faults!().length, 1);
    const id = run.faults!()[0]!.id;
    await page.getByTestId(`btn-fault-clear-${id}`).click();
    await waitText('force-status', (t) => t === `fault #${id} cleared`);
    assert.is(run.faults!().length, 0);
  }
  const audit = readAudit(join(secured.dataDir, 'audit.jsonl')).records;
  if (typeof run.force === 'function') assert.ok(audit.some((r) => r.action === 'signal.force' && r.result === 'ok' && r.user === 'engineer1' && r.target === 'pe2.blocked'));
  if (typeof run.injectFault === 'function') assert.ok(audit.some((r) => r.action === 'fault.clear' && r.result === 'ok'));
});

test('a viewer is shown the line but offered no run controls; logout returns to the form', async () => {
  const ctx = await browser.newContext();
  try {
    const viewer = await ctx.newPage();
    await viewer.goto(server.url);
    await logIn(viewer, 'viewer1', secured.password);
    await viewer.getByTestId('controls-view-only').waitFor();
    assert.is(await viewer.getByTestId('btn-pause').count(), 0, 'no pause button for a viewer');
    assert.is(await viewer.getByTestId('btn-pace-fast').count(), 0);
    assert.is(await viewer.getByTestId('force-panel').count(), 0, 'no engineer tools for a viewer');
    assert.is(await viewer.getByTestId('user-role').textContent(), 'viewer');
    await viewer.getByTestId('btn-logout').click();
    await viewer.getByTestId('login-form').waitFor();
    const res = await viewer.evaluate(async () => (await fetch('/api/health')).status);
    assert.is(res, 401, 'the session is gone after logout');
  } finally {
    await ctx.close();
  }
});

test('first start: the setup link creates the admin from the page', async () => {
  const fixture = new FixtureRun();
  const fresh = await startSecured({ run: fixture, skipLogins: true });
  const ctx = await browser.newContext();
  try {
    assert.type(fresh.server.setupToken, 'string');
    const p = await ctx.newPage();
    await p.goto(`${fresh.server.url}/#setup=${fresh.server.setupToken}`);
    assert.match((await p.getByTestId('login-submit').textContent()) ?? '', /Create admin/);
    await logIn(p, 'chief', 'a long enough password');
    await p.getByTestId('user-role').waitFor();
    assert.is(await p.getByTestId('user-role').textContent(), 'admin');
    assert.is(new URL(p.url()).hash, '', 'the used token is dropped from the address bar');
    assert.is(fresh.server.auth.users.get('chief')?.role, 'admin');
  } finally {
    await ctx.close();
    await fresh.close();
    await fixture.close();
  }
});

test('screenshot for a human look', async () => {
  await page.waitForTimeout(3000); // let the trend gather a few seconds
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}hmi.png`, fullPage: true });
  assert.is(await text('ctl-error'), '', 'no control errors shown');
  assert.equal(pageErrors, [], 'no page errors or CSP violations');
});

test('the server going away shows reconnecting, with the values dimmed', async () => {
  await server.close();
  serverClosed = true;
  await waitText('conn-state', (t) => t.startsWith('reconnecting'), 6000);
  assert.is(await page.evaluate(() => document.body.dataset['link']), 'reconnecting');
});

test.run();
