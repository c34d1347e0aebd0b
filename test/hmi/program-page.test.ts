// Browser test of the program page (#program): real Chromium at 1280x720 against real runs of
// small ST programs (test/hmi/fixtures). An engineer opens the page from the live page's link,
// expands MAIN and sees the scan counter move, writes a value, forces a BOOL (dialog, red F,
// FORCED 1, the program computes with it) and releases it; a viewer sees the values but no write
// controls; a program that divides by zero in its 200th scan shows STOP with file:line:col in the
// banner of both pages and the fault on the program page. Screenshots go to /tmp for a look.
// Without Chromium this test FAILS with a clear message: a skipped browser test hides regressions.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../chromium.ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startRun, type StartedRun } from '../../core/engine/engine.ts';
import { buildWeb } from '../../hmi/web/build.ts';
import { setupOnce } from './run-under-test.ts';
import { startSecured, type Secured } from './secured-server.ts';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const SHOTS = process.env['PROGRAM_SHOTS'] ?? '/tmp';
const quiet = { logger: pino({ level: 'silent' }), statsLogMs: 0, realtimePriority: 0, nice: 0 } as const;

let run: StartedRun;
let s: Secured;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function newPage(): Promise<Page> {
  const p = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  p.on('pageerror', (err) => pageErrors.push(err.message));
  // The strict CSP reports on the console; the page must not need anything it forbids.
  p.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) pageErrors.push(msg.text());
  });
  return p;
}

async function logIn(p: Page, name: string, password: string): Promise<void> {
  await p.getByTestId('login-name').fill(name);
  await p.getByTestId('login-password').fill(password);
  await p.getByTestId('login-submit').click();
}

async function waitText(p: Page, id: string, ok: (t: string) => boolean, ms = 6000): Promise<string> {
  const until = Date.now() + ms;
  let last = '';
  while (Date.now() < until) {
    last = (await p.getByTestId(id).first().textContent().catch(() => '')) ?? '';
    if (ok(last)) return last;
    await p.waitForTimeout(50);
  }
  throw new Error(`[data-testid=${id}] stayed "${last}" for ${ms} ms`);
}

/** Confirm the dialog that the click opened, after checking what it asks. */
async function confirmDialog(p: Page, title: RegExp, shot?: string): Promise<void> {
  const dialog = p.getByTestId('confirm-dialog');
  await dialog.waitFor();
  assert.match((await dialog.locator('h2').textContent()) ?? '', title);
  if (shot !== undefined) await p.screenshot({ path: join(SHOTS, shot) });
  await p.getByTestId('confirm-ok').click();
  await dialog.waitFor({ state: 'detached' });
}

setupOnce(test, async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}; the program page test needs it (Debian: apt-get install chromium). Not skipping.`);
  await buildWeb(); // the page as it is in the tree, not a stale dist
  run = await startRun({ linePath: join(FIXTURES, 'online.yaml'), ...quiet });
  s = await startSecured({ run });
  browser = await launchChromium();
  page = await newPage();
});

test.after(async () => {
  await browser?.close();
  await s?.close();
  await run?.close();
});

test('an engineer reaches the program page from the live page; RUN in the page and the banner', async () => {
  await page.goto(s.server.url);
  await logIn(page, 'engineer1', s.password);
  await page.getByTestId('link-program').click();
  await page.getByTestId('program-view').waitFor();
  assert.is(await page.evaluate(() => location.hash), '#program');
  await waitText(page, 'program-status', (t) => t === 'RUN');
  assert.is(await page.getByTestId('program-name').textContent(), 'online');
  await waitText(page, 'banner-program', (t) => t === 'RUN');
  await waitText(page, 'conn-state', (t) => t === 'connected');
  assert.is(await page.getByTestId('force-count').textContent(), 'no forces');
  assert.ok(await page.getByTestId('release-all').isDisabled(), 'nothing to release');
});

test('expanding MAIN lists its variables; the scan counter changes; FBs, arrays and structs expand', async () => {
  await page.getByTestId('var-MAIN').waitFor();
  assert.is(await page.getByTestId('var-MAIN.counter').count(), 0, 'collapsed at first');
  await page.getByTestId('expand-MAIN').click();
  const c1 = await waitText(page, 'value-MAIN.counter', (t) => /^\d+$/.test(t));
  await waitText(page, 'value-MAIN.counter', (t) => /^\d+$/.test(t) && t !== c1, 3000);
  assert.is(await page.getByTestId('value-MAIN.wait').textContent(), 'T#500ms');
  assert.is(await page.getByTestId('value-MAIN.mode').textContent(), 'Running');
  await page.getByTestId('expand-MAIN.t1').click();
  await waitText(page, 'value-MAIN.t1.PT', (t) => t === 'T#500ms');
  await waitText(page, 'value-MAIN.t1.Q', (t) => t === 'TRUE');
  await page.getByTestId('expand-MAIN.recipe').click();
  await waitText(page, 'value-MAIN.recipe.label', (t) => t === "'demo'");
  await page.getByTestId('expand-MAIN.levels').click();
  await waitText(page, 'value-MAIN.levels[2]', (t) => t === '20');
  // Rows come in tree order: t1's members right under t1.
  const order = await page.$$eval('[data-testid="program-tree"] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-testid')));
  assert.equal(order.slice(0, 9), ['var-MAIN', 'var-MAIN.pe1', 'var-MAIN.m1Run', 'var-MAIN.counter', 'var-MAIN.enable', 'var-MAIN.latch', 'var-MAIN.t1', 'var-MAIN.t1.IN', 'var-MAIN.t1.PT']);
  // Collapsing hides the members; the counter keeps moving.
  await page.getByTestId('expand-MAIN.t1').click();
  assert.is(await page.getByTestId('var-MAIN.t1.PT').count(), 0);
  await page.screenshot({ path: join(SHOTS, 'program-run.png') });
});

test('write once: Enter in the prepared value asks, then the value is there', async () => {
  await page.getByTestId('prepare-MAIN.recipe.batch').fill('42');
  await page.getByTestId('prepare-MAIN.recipe.batch').press('Enter');
  await confirmDialog(page, /^Write MAIN\.recipe\.batch\?$/);
  await waitText(page, 'value-MAIN.recipe.batch', (t) => t === '42');
  await waitText(page, 'program-message', (t) => t.includes('MAIN.recipe.batch := 42'));
  // Cancel leaves everything as it was.
  await page.getByTestId('prepare-MAIN.recipe.batch').fill('43');
  await page.getByTestId('write-MAIN.recipe.batch').click();
  await page.getByTestId('confirm-cancel').click();
  await page.waitForTimeout(700);
  assert.is(await page.getByTestId('value-MAIN.recipe.batch').textContent(), '42');
});

test('force a BOOL: the dialog, then a red F and the value held; the program computes with it', async () => {
  assert.ok(await page.getByTestId('forced-MAIN.enable').isHidden(), 'no F before the force');
  assert.ok(await page.getByTestId('release-MAIN.enable').isHidden(), 'nothing to release yet');
  await page.getByTestId('prepare-MAIN.enable').selectOption('FALSE');
  await page.getByTestId('force-MAIN.enable').click();
  await confirmDialog(page, /^Force MAIN\.enable\?$/, 'program-force-dialog.png');
  await page.getByTestId('forced-MAIN.enable').waitFor({ state: 'visible' });
  assert.is(await page.getByTestId('var-MAIN.enable').getAttribute('data-forced'), 'true');
  assert.is(await page.getByTestId('value-MAIN.enable').textContent(), 'FALSE');
  await waitText(page, 'value-MAIN.m1Run', (t) => t === 'FALSE');
  await waitText(page, 'force-count', (t) => t === 'FORCED 1');
  assert.is(await page.getByTestId('force-list').textContent(), 'MAIN.enable := FALSE');
  assert.ok(await page.getByTestId('forced-MAIN.latch').isHidden(), 'only the forced row is marked');
  await page.screenshot({ path: join(SHOTS, 'program-forced.png') });
});

test('release it: the F goes, the value is the program\'s again', async () => {
  await page.getByTestId('release-MAIN.enable').click();
  await confirmDialog(page, /^Release the force on MAIN\.enable\?$/);
  await page.getByTestId('forced-MAIN.enable').waitFor({ state: 'hidden' });
  await waitText(page, 'force-count', (t) => t === 'no forces');
  // Released, enable keeps FALSE until written: write TRUE and the belt runs again.
  await page.getByTestId('prepare-MAIN.enable').selectOption('TRUE');
  await page.getByTestId('write-MAIN.enable').click();
  await confirmDialog(page, /^Write MAIN\.enable\?$/);
  await waitText(page, 'value-MAIN.m1Run', (t) => t === 'TRUE');
});

test('release all, and a refused value shows the program\'s reason', async () => {
  for (const [path, value] of [['MAIN.latch', 'TRUE'], ['MAIN.levels[3]', '5']] as const) {
    const prep = page.getByTestId(`prepare-${path}`);
    if (value === 'TRUE') await prep.selectOption(value);
    else await prep.fill(value);
    await page.getByTestId(`force-${path}`).click();
    await confirmDialog(page, /^Force /);
  }
  await waitText(page, 'force-count', (t) => t === 'FORCED 2');
  await page.getByTestId('release-all').click();
  await confirmDialog(page, /^Release all 2 forces\?$/);
  await waitText(page, 'force-count', (t) => t === 'no forces');
  await page.getByTestId('forced-MAIN.latch').waitFor({ state: 'hidden' });
  await page.getByTestId('prepare-MAIN.wait').fill('T#soon');
  await page.getByTestId('write-MAIN.wait').click();
  await confirmDialog(page, /^Write MAIN\.wait\?$/);
  const msg = await waitText(page, 'program-message', (t) => t.startsWith('PLC_TAG_TYPE'));
  assert.match(msg, /MAIN\.wait is TIME: expected a duration such as T#1s500ms, got "T#soon"/);
  assert.is(await page.getByTestId('program-message').getAttribute('data-error'), 'true');
});

test('a viewer sees values and forces but no write controls', async () => {
  await run.program!.set('MAIN.latch', 'TRUE', true);
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const v = await ctx.newPage();
  v.on('pageerror', (err) => pageErrors.push(err.message));
  try {
    await v.goto(`${s.server.url}/#program`);
    await logIn(v, 'viewer1', s.password);
    await v.getByTestId('expand-MAIN').click();
    await waitText(v, 'value-MAIN.counter', (t) => /^\d+$/.test(t));
    await v.getByTestId('forced-MAIN.latch').waitFor({ state: 'visible' });
    await waitText(v, 'force-count', (t) => t === 'FORCED 1');
    assert.is(await v.locator('[data-testid^="prepare-"], [data-testid^="force-MAIN"], [data-testid^="write-"], [data-testid^="release-"]').count(), 0);
    assert.is(await v.getByTestId('release-all').count(), 0);
    assert.is(await v.locator('[data-testid="program-tree"] thead th').count(), 3, 'expression, type, value');
    await v.screenshot({ path: join(SHOTS, 'program-viewer.png') });
  } finally {
    await ctx.close();
    await run.program!.release();
  }
});

test('a program that divides by zero: STOP with file:line in the banner and the fault on the page', async () => {
  const stopping = await startRun({ linePath: join(FIXTURES, 'divzero.yaml'), ...quiet });
  const o = await startSecured({ run: stopping });
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const p = await ctx.newPage();
  p.on('pageerror', (err) => pageErrors.push(err.message));
  p.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) pageErrors.push(msg.text());
  });
  try {
    await p.goto(o.server.url);
    await logIn(p, 'engineer1', o.password);
    // The live page's banner.
    await waitText(p, 'banner-program', (t) => t === 'STOP divzero.st:10:14');
    assert.is(await p.getByTestId('banner-program').getAttribute('data-status'), 'stop');
    assert.match((await p.getByTestId('banner-program').getAttribute('title')) ?? '', /integer division by zero at .*divzero\.st:10:14 \(MAIN, scan 199\)\. Reset restarts it\./);
    await p.screenshot({ path: join(SHOTS, 'live-stop.png') });
    // The program page: STOP, the fault, the hint; values still readable.
    await p.getByTestId('link-program').click();
    await waitText(p, 'program-status', (t) => t === 'STOP');
    await waitText(p, 'banner-program', (t) => t === 'STOP divzero.st:10:14');
    assert.is(await p.getByTestId('fault-message').textContent(), 'integer division by zero');
    assert.is(await p.getByTestId('fault-where').textContent(), 'divzero.st:10:14 in MAIN, scan 199 (divzero)');
    assert.match((await p.getByTestId('program-fault').textContent()) ?? '', /Reset restarts the program/);
    await p.getByTestId('expand-MAIN').click();
    await waitText(p, 'value-MAIN.left', (t) => t === '0');
    await p.screenshot({ path: join(SHOTS, 'program-stop.png') });
    // Reset restarts it: RUN again (and, 200 scans later, STOP again).
    await p.getByTestId('program-reset').click();
    await confirmDialog(p, /^Reset the run\?$/);
    await waitText(p, 'banner-program', (t) => t === 'RUN' || /^STOP/.test(t));
    const counter = Number(await waitText(p, 'value-MAIN.counter', (t) => Number(t) < 200, 4000));
    assert.ok(counter < 200, 'the program started over from its initial values');
  } finally {
    await ctx.close();
    await o.close();
    await stopping.close();
  }
});

test('no page errors (CSP included)', () => {
  assert.equal(pageErrors, []);
});

test.run();
