// What-if sweeps in the HMI (issue 19, "What-if results that compare"), in headless Chromium: an
// engineer runs a 2 x 2 sweep from the scenario page, watches it count points, opens its report
// (KPIs over both parameters, the Pareto front) and puts two chosen points side by side; a viewer
// sees the sweeps without a Run button; the REST side refuses a viewer's run and a point that
// is not in the sweep. Screenshots /tmp/twinloop-sweep-page-<w>x<h>.png.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../chromium.ts';
import { buildWeb } from '../../hmi/web/build.ts';
import { FixtureRun } from './fixture-run.ts';
import { login, startSecured, type Secured } from './secured-server.ts';
import { DEMO_LINE } from '../scenario/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'twinloop-sweep-page-'));
let run: FixtureRun;
let s: Secured;
let browser: Browser;
const pageErrors: string[] = [];

test.before(async () => {
  mkdirSync(join(dir, 'sweeps'));
  writeFileSync(join(dir, 'sweeps', 'tiny.yaml'), `name: tiny\nline: ${DEMO_LINE}\nduration: 60\nseed: 3\ngrid:\n  components[src].rate: [0.3, 0.6]\n  components[sorter].beltSpeed: [0.5, 0.8]\n`);
  writeFileSync(join(dir, 'sweeps', 'broken.yaml'), 'name: broken\ngrid: 3\n');
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

async function open(name: string, size = { width: 1280, height: 720 }): Promise<Page> {
  const page = await browser.newPage({ viewport: size });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) pageErrors.push(msg.text());
  });
  await page.goto(`${s.server.url}/#scenarios`);
  await page.getByTestId('login-name').fill(name);
  await page.getByTestId('login-password').fill(s.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('sweep-row').first().waitFor({ timeout: 10_000 });
  return page;
}

test('REST: a viewer may list but not run; a broken file is listed as invalid', async () => {
  const viewer = await login(s.server.url, 'viewer1', s.password);
  const list = await fetch(`${s.server.url}/api/sweeps`, { headers: { authorization: `Bearer ${viewer}` } });
  const body = (await list.json()) as { sweeps: { file: string; points: number; error?: string }[] };
  assert.equal(body.sweeps.map((x) => [x.file, x.points, x.error !== undefined]), [['broken.yaml', 0, true], ['tiny.yaml', 4, false]]);
  const refused = await fetch(`${s.server.url}/api/sweeps/runs`, { method: 'POST', headers: { authorization: `Bearer ${viewer}`, 'content-type': 'application/json' }, body: JSON.stringify({ file: 'tiny.yaml' }) });
  assert.is(refused.status, 403);
});

test('an engineer runs the sweep, opens the report and two points side by side', async () => {
  const page = await open('engineer1');
  await page.getByTestId('sweep-run-tiny.yaml').click();
  const done = page.locator('[data-testid="sweep-run-row"][data-state="done"]');
  await done.waitFor({ timeout: 90_000 });
  assert.match(await done.innerText(), /tiny\s+engineer1\s+done\s+4 of 4/);
  const [report] = await Promise.all([page.waitForEvent('popup'), page.getByTestId('sweep-report-1').click()]);
  await report.waitForLoadState();
  assert.match(await report.locator('h1').innerText(), /Sweep tiny/);
  assert.is(await report.locator('tr[data-point]').count(), 4);
  assert.ok((await report.locator('svg').count()) >= 5, 'the front and the KPIs over each parameter');
  await report.close();
  await page.getByTestId('sweep-a-1').selectOption('2');
  await page.getByTestId('sweep-b-1').selectOption('3');
  const [pair] = await Promise.all([page.waitForEvent('popup'), page.getByTestId('sweep-compare-1').click()]);
  await pair.waitForLoadState();
  assert.match(await pair.locator('h2', { hasText: 'Side by side' }).innerText(), /Side by side: #2 and #3/);
  assert.match(await pair.locator('table.pair').innerText(), /Throughput \(items\/h\)/);
  await pair.close();
  for (const size of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
    await page.setViewportSize(size);
    const boxes = await page.evaluate(() => [...document.querySelectorAll('[data-testid=sweep-runs] select, [data-testid=sweep-runs] button, [data-testid=sweep-runs] a')].map((e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; }));
    assert.ok(boxes.length >= 4);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i]!, boxes[j]!];
      assert.not.ok(a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h, `sweep controls ${i} and ${j} apart at ${size.width}x${size.height}`);
    }
    await page.screenshot({ path: join(tmpdir(), `twinloop-sweep-page-${size.width}x${size.height}.png`), fullPage: true });
  }
  await page.close();
});

test('REST: the report refuses a point that is not in the sweep', async () => {
  const viewer = await login(s.server.url, 'viewer1', s.password);
  const bad = await fetch(`${s.server.url}/api/sweeps/runs/1/report?a=1&b=9`, { headers: { authorization: `Bearer ${viewer}` } });
  assert.is(bad.status, 404);
  const ok = await fetch(`${s.server.url}/api/sweeps/runs/1/report?a=1&b=4`, { headers: { authorization: `Bearer ${viewer}` } });
  assert.is(ok.status, 200);
  assert.match(ok.headers.get('content-security-policy') ?? '', /default-src 'none'/);
});

test('a viewer sees the sweeps and the runs, without a Run button', async () => {
  const page = await open('viewer1');
  await page.locator('[data-testid="sweep-run-row"]').first().waitFor();
  assert.is(await page.getByTestId('sweep-run-tiny.yaml').count(), 0);
  await page.close();
  assert.equal(pageErrors, []);
});

test.run();
