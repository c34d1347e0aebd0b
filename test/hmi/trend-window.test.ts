// Trends (issue 19), in real Chromium against the real engine on examples/sorting.yaml, recorded
// as `twinloop start` records it (recordRun into <data>/recordings, source live): a page opened
// after the run has gone on for a while shows the run from its start (history from the
// recording, not from page load), the window selector narrows the plot to 1 min and widens it
// to the whole run, at 1280x720 and 1920x1080. The replay of that recording keeps the banner's
// run, pace, tick and sim time and drops the live-only fields. The y autoscale's floor is tested
// in trend-scale.test.ts. Screenshots: /tmp/twinloop-trend-<window>-<w>x<h>.png,
// /tmp/twinloop-replay-banner-1280x720.png.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../chromium.ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startRun, type StartedRun } from '../../core/engine/engine.ts';
import { recordRun, type TableRecorder } from '../../core/recording/recorder.ts';
import { buildWeb } from '../../hmi/web/build.ts';
import { SORTING_LINE, setupOnce } from './run-under-test.ts';
import { startSecured, type Secured } from './secured-server.ts';

const SHOTS = process.env['LEGIBILITY_SHOTS'] ?? '/tmp';
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;
/** Sim seconds the run goes on before the page opens (at 10x). */
const BEFORE_S = 40;

let run: StartedRun;
let s: Secured;
let rec: TableRecorder;
let browser: Browser;
const pageErrors: string[] = [];

const span = async (p: Page): Promise<{ from: number; to: number }> => {
  const d = await p.getByTestId('trend-panel').first().evaluate((el) => ({ ...(el as HTMLElement).dataset }));
  return { from: Number(d['from']), to: Number(d['to']) };
};

setupOnce(test, async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}; this test needs it (Debian: apt-get install chromium). Not skipping.`);
  await buildWeb();
  run = (await startRun({ linePath: SORTING_LINE, logger: pino({ level: 'silent' }), statsLogMs: 0, realtimePriority: 0, nice: 0 })) as StartedRun;
  s = await startSecured({ run, skipLogins: true });
  await s.server.auth.users.add('viewer1', 'viewer', s.password);
  rec = recordRun(run, { root: join(s.dataDir, 'recordings'), source: 'live', logger: pino({ level: 'silent' }) });
  await run.setPace({ kind: 'realtime', factor: 10 });
  // Let the run (and its recording) get ahead of any page: bounded wait on sim time.
  const until = Date.now() + 30_000;
  while (run.status().time < BEFORE_S && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  assert.ok(run.status().time >= BEFORE_S, `the run reached ${BEFORE_S} s of sim time (${run.status().time})`);
  browser = await launchChromium();
});

test.after(async () => {
  await browser?.close();
  await rec?.close();
  await s?.close();
  await run?.close();
});

for (const size of SIZES) {
  test(`${size.width}x${size.height}: the trend shows the run from its start (recording), 1 min and whole-run windows`, async () => {
    const p = await browser.newPage({ viewport: size });
    p.on('pageerror', (err) => pageErrors.push(err.message));
    await p.goto(s.server.url);
    await p.getByTestId('login-name').fill('viewer1');
    await p.getByTestId('login-password').fill(s.password);
    await p.getByTestId('login-submit').click();
    // The live trend (the alarm deviation view has a trend of its own further down).
    const panel = p.getByTestId('trend-panel').first();
    // History arrives from the recording: the panel says how many samples it took.
    await p.waitForFunction(() => Number((document.querySelector('[data-testid=trend-panel]') as HTMLElement | null)?.dataset['history'] ?? 0) > 0, undefined, { timeout: 15_000 });
    const windowSelect = panel.getByTestId('trend-window');
    await windowSelect.selectOption({ label: 'whole run' });
    await p.waitForFunction(() => Number((document.querySelector('[data-testid=trend-panel]') as HTMLElement).dataset['from']) < 5, undefined, { timeout: 5000 }).catch(() => undefined);
    const whole = await span(p);
    assert.ok(whole.from < 5, `whole run starts near sim time 0 (from ${whole.from}), though the page opened after ${BEFORE_S} s`);
    assert.ok(whole.to >= BEFORE_S, `and reaches now (to ${whole.to})`);
    await panel.scrollIntoViewIfNeeded();
    await p.screenshot({ path: join(SHOTS, `twinloop-trend-whole-${size.width}x${size.height}.png`) });
    await windowSelect.selectOption({ label: '1 min' });
    await p.waitForFunction(() => {
      const d = (document.querySelector('[data-testid=trend-panel]') as HTMLElement).dataset;
      return Number(d['to']) - Number(d['from']) <= 60.5;
    }, undefined, { timeout: 5000 });
    const minute = await span(p);
    assert.ok(minute.to - minute.from <= 60.5 && minute.to - minute.from > 30, `1 min window: ${minute.from}..${minute.to}`);
    const opts = await windowSelect.locator('option').allTextContents();
    assert.equal(opts, ['1 min', '5 min', '15 min', '1 h', 'whole run']);
    await p.screenshot({ path: join(SHOTS, `twinloop-trend-1min-${size.width}x${size.height}.png`) });
    await p.close();
  });
}

test('replay: the banner keeps run, pace, tick and sim time (m:ss.s) and drops the live-only fields', async () => {
  const p = await browser.newPage({ viewport: SIZES[0] });
  p.on('pageerror', (err) => pageErrors.push(err.message));
  await p.goto(`${s.server.url}/#replay/${encodeURIComponent(rec.id)}`);
  await p.getByTestId('login-name').fill('viewer1');
  await p.getByTestId('login-password').fill(s.password);
  await p.getByTestId('login-submit').click();
  await p.getByTestId('replay-banner').waitFor();
  await p.waitForFunction(() => /^\d+:\d\d\.\d$/.test(document.querySelector('[data-testid=sim-time]')?.textContent ?? ''), undefined, { timeout: 10_000 });
  for (const id of ['run-state', 'pace', 'tick', 'sim-time']) assert.ok(await p.getByTestId(id).isVisible(), `${id} shown in a replay`);
  for (const id of ['conn-state', 'pace-achieved', 'late-p99', 'controllers', 'banner-forces']) assert.not.ok(await p.getByTestId(id).isVisible(), `${id} (live only) hidden in a replay`);
  await p.screenshot({ path: join(SHOTS, 'twinloop-replay-banner-1280x720.png') });
  await p.close();
});

test('no page errors', () => {
  assert.equal(pageErrors, []);
});

test.run();
