// After an acknowledge the page follows (issue 19), in real Chromium against a real server on
// the sorting run with a real AlarmManager the test reports conditions to, at 1280x720 and
// 1920x1080: the deviation view opened on an unacknowledged alarm says "active,
// acknowledged" once the operator acknowledges it (without being reopened), and the "write a
// note first" prompt goes as soon as a note is typed. Screenshots:
// /tmp/twinloop-alarm-ack-<w>x<h>.png.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../chromium.ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlarmManager } from '../../core/alarms/alarm-manager.ts';
import type { AlarmCondition } from '../../core/alarms/alarm-sink.ts';
import type { RunControl } from '../../core/engine/run-control.ts';
import { buildWeb } from '../../hmi/web/build.ts';
import { openRun, setupOnce } from './run-under-test.ts';
import { startSecured, type Secured } from './secured-server.ts';

const SHOTS = process.env['LEGIBILITY_SHOTS'] ?? '/tmp';
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

let run: RunControl;
let s: Secured;
let alarms: AlarmManager;
let browser: Browser;
const pageErrors: string[] = [];

const condition = (n: number): AlarmCondition => ({
  key: `deviation:m${n}.speed`,
  source: 'deviation',
  priority: 2,
  message: `m${n} speed: model 50.0 Hz, measured 41.2 Hz`,
  cause: `compare rule m${n}-speed: |model - measured| > 2 Hz for 3 s`,
  signals: [`m${n}.speed`, `m${n}.current`],
});

const textOf = async (p: Page, id: string): Promise<string> => (await p.getByTestId(id).textContent()) ?? '';

setupOnce(test, async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}; this test needs it (Debian: apt-get install chromium). Not skipping.`);
  await buildWeb();
  ({ run } = await openRun());
  alarms = new AlarmManager({ clock: Date.now });
  s = await startSecured({ run, alarms, skipLogins: true });
  await s.server.auth.users.add('operator1', 'operator', s.password);
  browser = await launchChromium();
});

test.after(async () => {
  await browser?.close();
  await s?.close();
  alarms?.close();
  await run?.close();
});

SIZES.forEach((size, k) => {
  test(`${size.width}x${size.height}: the open deviation view follows the acknowledge; the note prompt goes when a note is typed`, async () => {
    const c = condition(k + 1);
    alarms.activate(c, Date.now());
    const id = alarms.list().find((a) => a.key === c.key)!.id;
    const p = await browser.newPage({ viewport: size });
    p.on('pageerror', (err) => pageErrors.push(err.message));
    await p.goto(s.server.url);
    await p.getByTestId('login-name').fill('operator1');
    await p.getByTestId('login-password').fill(s.password);
    await p.getByTestId('login-submit').click();
    await p.getByTestId(`alarm-trend-${id}`).click();
    const view = p.getByTestId('deviation-view');
    await view.waitFor();
    assert.match(await textOf(p, 'deviation-title'), /\(active, unacknowledged\)$/);
    // Ack without a note: the prompt; typing a note clears it.
    await p.getByTestId(`alarm-ack-${id}`).click();
    await p.waitForFunction(() => /write a note first/.test(document.querySelector('[data-testid=alarm-status]')?.textContent ?? ''), undefined, { timeout: 5000 });
    await p.getByTestId('alarm-note').pressSequentially('slip seen');
    await p.waitForFunction(() => (document.querySelector('[data-testid=alarm-status]')?.textContent ?? '') === '', undefined, { timeout: 5000 });
    await p.getByTestId(`alarm-ack-${id}`).click();
    // The open view follows, without being reopened.
    await p.waitForFunction(() => /\(active, acknowledged\)$/.test(document.querySelector('[data-testid=deviation-title]')?.textContent ?? ''), undefined, { timeout: 6000 });
    assert.is(await view.getAttribute('data-state'), 'active-acknowledged');
    assert.is(alarms.get(id)!.state, 'active-acknowledged');
    assert.match(await textOf(p, 'alarm-status'), /done$/);
    await view.scrollIntoViewIfNeeded();
    await p.screenshot({ path: join(SHOTS, `twinloop-alarm-ack-${size.width}x${size.height}.png`) });
    await p.close();
  });
});

test('no page errors', () => {
  assert.equal(pageErrors, []);
});

test.run();
