// The HMI's scenario page in a real browser (Chromium): an engineer opens #scenarios, runs a
// scenario, watches its row go to its verdict and opens the report; a viewer sees the files and
// runs but no Run button. The page is built from the tree first.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../chromium.ts';
import { buildWeb } from '../../hmi/web/build.ts';
import { FixtureRun } from '../hmi/fixture-run.ts';
import { startSecured, type Secured } from '../hmi/secured-server.ts';
import { DEMO_LINE, SUITE } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'twinloop-scn-page-'));
let run: FixtureRun;
let s: Secured;
let browser: Browser;
const pageErrors: string[] = [];

test.before(async () => {
  writeFileSync(join(dir, '03-pusher-jam.yaml'), readFileSync(join(SUITE, '03-pusher-jam.yaml'), 'utf8').replace('line: ../sorting.yaml', `line: ${DEMO_LINE}`));
  await buildWeb();
  run = new FixtureRun({ paused: true });
  s = await startSecured({ run, scenarios: { dir } });
  browser = await launchChromium();
});

test.after(async () => {
  await browser?.close();
  await s?.close();
  await run?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(name: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) pageErrors.push(msg.text());
  });
  await page.goto(`${s.server.url}/#scenarios`);
  await page.getByTestId('login-name').fill(name);
  await page.getByTestId('login-password').fill(s.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('scenario-row').first().waitFor({ timeout: 10_000 });
  return page;
}

test('an engineer runs a scenario and opens its report', async () => {
  const page = await open('engineer1');
  await page.getByTestId('scenario-program').selectOption('sorting-broken');
  await page.getByTestId('run-03-pusher-jam.yaml').click();
  const row = page.locator('[data-testid="run-row"][data-state="failed"]');
  await row.waitFor({ timeout: 30_000 });
  assert.match(await row.innerText(), /sorting-broken\s+engineer1\s+failed\s+[\d.]+ s simulated in [\d.]+ s · step 3 failed\s+expected ctl\.fault == 1 within 60 s/);
  const [report] = await Promise.all([page.waitForEvent('popup'), page.getByTestId('report-1').click()]);
  await report.waitForLoadState();
  assert.match(await report.locator('h2').first().innerText(), /FAILED\s+pusher jam detected/);
  assert.is(await report.locator('svg').count(), 1);
  await page.close();
});

test('a viewer sees files and runs, without Run buttons', async () => {
  const page = await open('viewer1');
  await page.locator('[data-testid="run-row"]').first().waitFor();
  assert.is(await page.getByTestId('run-03-pusher-jam.yaml').count(), 0);
  assert.is(await page.getByTestId('link-live').count(), 1);
  await page.close();
  assert.equal(pageErrors, []);
});

test.run();
