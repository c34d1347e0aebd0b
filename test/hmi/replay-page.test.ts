// Browser test of the replay page: real Chromium against a real server whose data folder holds a
// recording of the demo line (run at 10x for ~2.5 s so items travel). A viewer opens
// #replay, picks the recording, sees the REPLAY strip and banner, moves the slider and watches
// the values, tick and mimic change, plays it, and finds a CSV link for the visible range.
// Saves test/.artifacts/replay.png for a human look.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../chromium.ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startRun, type StartedRun } from '../../core/engine/engine.ts';
import { recordRun } from '../../core/recording/index.ts';
import { buildWeb } from '../../hmi/web/build.ts';
import { SORTING_LINE, setupOnce } from './run-under-test.ts';
import { startSecured, tempDataDir, type Secured } from './secured-server.ts';

const ARTIFACTS = new URL('../.artifacts/', import.meta.url).pathname;
const ID = '20260101T000000000Z-sorting';

let run: StartedRun;
let secured: Secured;
let browser: Browser;
let page: Page;
let dataDir: string;
const pageErrors: string[] = [];

const text = async (id: string): Promise<string> => (await page.getByTestId(id).first().textContent()) ?? '';

async function waitText(id: string, ok: (t: string) => boolean, ms = 8000): Promise<string> {
  const until = Date.now() + ms;
  let last = '';
  while (Date.now() < until) {
    last = await text(id);
    if (ok(last)) return last;
    await page.waitForTimeout(50);
  }
  throw new Error(`[data-testid=${id}] stayed "${last}" for ${ms} ms`);
}

/** The tick of the recorded frame at the slider's value, as the page asks for it. */
function frameTickAtSlider(): Promise<number> {
  return page.getByTestId('replay-slider').evaluate(async (el, id) => {
    const t = Number((el as HTMLInputElement).value).toFixed(6);
    const res = await fetch(`/api/recordings/${id}/frame?t=${t}`, { credentials: 'same-origin' });
    return ((await res.json()) as { tick: number }).tick;
  }, ID);
}

function itemPositions(): Promise<string[]> {
  return page.$$eval('[data-testid="item"]', (els) => els.filter((e) => e.getAttribute('visibility') === 'visible').map((e) => `${e.getAttribute('x')},${e.getAttribute('y')}`));
}

/** Move the slider to a fraction of its range as a user's drag would (input, then change). */
async function slideTo(fraction: number): Promise<void> {
  await page.getByTestId('replay-slider').evaluate((el, f) => {
    const input = el as HTMLInputElement;
    const min = Number(input.min);
    const max = Number(input.max);
    input.value = String(min + (max - min) * f);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }, fraction);
}

setupOnce(test, async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}; the replay page test needs it. Not skipping.`);
  await buildWeb();
  dataDir = tempDataDir();
  run = await startRun({ linePath: SORTING_LINE, logger: pino({ level: 'warn' }), statsLogMs: 0, pace: { kind: 'realtime', factor: 10 }, realtimePriority: 0, nice: 0 });
  const rec = recordRun(run, { root: join(dataDir, 'recordings'), id: ID });
  await new Promise((r) => setTimeout(r, 2500));
  await rec.close();
  await run.pause();
  secured = await startSecured({ run, dataDir });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) pageErrors.push(msg.text());
  });
  await page.goto(`${secured.server.url}/#replay`);
  await page.getByTestId('login-name').fill('viewer1');
  await page.getByTestId('login-password').fill(secured.password);
  await page.getByTestId('login-submit').click();
});

test.after(async () => {
  await browser?.close();
  await secured?.close();
  await run?.close();
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
});

test('the list shows the recording; opening it shows REPLAY, not SIMULATION', async () => {
  await page.getByTestId('recording-row').first().waitFor();
  await page.getByTestId(`open-${ID}`).click();
  await page.getByTestId('replay-slider').waitFor();
  await waitText('replay-banner', (t) => t.includes('REPLAY'));
  await waitText('banner', (t) => t === 'REPLAY');
  await waitText('line', (t) => t === 'sorting');
});

test('moving the slider changes the values, the tick and the mimic', async () => {
  // Wait for the 0.3 frame itself (its tick asked of the API at the slider's value): a tick
  // that merely differs from the first one read may still be the page's initial frame arriving
  // late, and the comparison on the way back then failed now and then.
  await waitText('tick', (t) => /^\d+$/.test(t));
  await slideTo(0.3);
  const expected = await frameTickAtSlider();
  const tick1 = await waitText('tick', (t) => t === String(expected));
  const energy1 = await text('live-line.energy');
  const items1 = await itemPositions();
  await slideTo(0.95);
  const tick2 = await waitText('tick', (t) => Number(t) > Number(tick1));
  await waitText('live-line.energy', (t) => t !== energy1);
  const until = Date.now() + 3000;
  let items2 = await itemPositions();
  while (Date.now() < until && items2.join() === items1.join()) {
    await page.waitForTimeout(50);
    items2 = await itemPositions();
  }
  assert.ok(items2.length > 0, 'items on the mimic late in the recording');
  assert.not.equal(items2, items1, 'the mimic changed with the slider');
  // Back again: the earlier state comes back exactly.
  await slideTo(0.3);
  await waitText('tick', (t) => t === tick1);
  assert.is(await text('live-line.energy'), energy1);
  assert.ok(Number(tick2) > Number(tick1));
});

test('play advances the replay; the CSV link covers the visible range', async () => {
  await slideTo(0.1);
  const start = Number(await waitText('tick', (t) => Number(t) >= 0));
  await page.getByTestId('replay-speed-10').click();
  await page.getByTestId('replay-play').click();
  await waitText('tick', (t) => Number(t) > start);
  await waitText('run-state', (t) => t === 'running');
  await page.getByTestId('replay-play').click(); // pause
  await waitText('run-state', (t) => t === 'paused');
  const href = (await page.getByTestId('replay-csv').getAttribute('href')) ?? '';
  assert.match(href, new RegExp(`^/api/recordings/${ID}/csv\\?from=`));
  const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href);
  assert.match(csv.split('\n')[0]!, /^t,time,tick,/);
  assert.ok(csv.split('\n').length > 2, 'the visible range has rows');
});

test('no page errors; screenshot for a human look', async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}replay.png`, fullPage: true });
  assert.equal(pageErrors, []);
});

test.run();
