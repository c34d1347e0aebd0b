// Browser check of the assembly line's mimic: real Chromium (/usr/bin/chromium via
// playwright-core) against a real server on 127.0.0.1 serving the real run of
// examples/assembly.yaml with its program `assembly` (10x pace). Every component type of the
// line gets its own symbol (no generic dashed box), the roller conveyor shows a lamp per zone,
// parts appear and move, and a screenshot goes to test/.artifacts/assembly.png for a human look.

import { existsSync, mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../chromium.ts';
import { pino } from 'pino';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunControl } from '../../core/engine/run-control.ts';
import { buildWeb } from '../../hmi/web/build.ts';
import { setupOnce } from '../hmi/run-under-test.ts';
import { startSecured, type Secured } from '../hmi/secured-server.ts';

const ARTIFACTS = new URL('../.artifacts/', import.meta.url).pathname;
const LINE = new URL('../../examples/assembly.yaml', import.meta.url).pathname;

let run: RunControl;
let secured: Secured;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

setupOnce(test, async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}; this browser test needs it. Not skipping.`);
  await buildWeb();
  const { startRun } = await import('../../core/engine/engine.ts');
  run = await startRun({
    linePath: LINE,
    controller: { name: 'plc1', protocol: 'sim', program: 'assembly', cycleMs: 10 },
    pace: { kind: 'realtime', factor: 10 },
    logger: pino({ level: 'warn' }),
    statsLogMs: 0,
  });
  secured = await startSecured({ run });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(secured.server.url);
  await page.getByTestId('login-name').fill('engineer1');
  await page.getByTestId('login-password').fill(secured.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('mimic').waitFor();
});

test.after(async () => {
  await browser?.close();
  if (secured !== undefined) await secured.close().catch(() => undefined);
  await run?.close();
});

test('every component of the assembly line is drawn with its own symbol', async () => {
  await page.waitForSelector('[data-testid="mimic"] [data-id="mc1"]', { timeout: 10_000 });
  const drawn = await page.$$eval('[data-testid="mimic"] [data-id]', (els) => els.map((e) => `${e.getAttribute('data-id')}:${e.getAttribute('class')}`));
  for (const [id, cls] of [
    ['rcIn', 'roller-conveyor'],
    ['mc1', 'machine'],
    ['buf1', 'buffer'],
    ['pp1', 'pickplace'],
    ['out', 'conveyor'],
    ['coat1', 'coating'],
    ['weld1', 'weld'],
    ['qCoat', 'quality'],
    ['done', 'bin'],
    ['mOut', 'drive'],
    ['src', 'source'],
  ]) {
    assert.ok(drawn.some((d) => d.startsWith(`${id}:`) && d.includes(cls!)), `${id} drawn as ${cls}; drawn: ${drawn.join(' ')}`);
  }
  assert.ok(!drawn.some((d) => d.includes('generic')), 'no component falls back to the generic box');
  assert.is(await page.locator('[data-id="rcIn"] .zone-eye').count(), 4, 'one eye lamp per zone');
});

test('parts appear and move; the machine works; screenshot', async () => {
  const visible = (): Promise<string[]> =>
    page.$$eval('[data-testid="item"]', (els) => els.filter((e) => e.getAttribute('visibility') === 'visible').map((e) => `${e.getAttribute('x')},${e.getAttribute('y')}`));
  let first: string[] = [];
  const until = Date.now() + 20_000;
  while (Date.now() < until && first.length === 0) {
    first = await visible();
    if (first.length === 0) await page.waitForTimeout(200);
  }
  assert.ok(first.length > 0, 'a part appears within 20 s (10x pace)');
  await page.waitForTimeout(800);
  assert.not.equal(await visible(), first, 'parts move');
  await page.waitForSelector('[data-id="mc1"].busy', { timeout: 30_000 });
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}assembly.png` });
  assert.equal(pageErrors, []);
});

test.run();
