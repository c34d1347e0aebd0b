// Forces in plain sight (issue 19, safety first), in real Chromium against the real engine on
// the sorting demo, at 1280x720 and 1920x1080: after an engineer forces m1.setpoint (and
// pe2.blocked) through the REST API, the banner counts the forces, the Forced strip lists each
// with its value, who and since when, the live value row is marked F, and the mimic marks m1
// with its forced value — each element visible, on screen, and not overlapping the others
// (bounding boxes). A reloaded page shows them too, a viewer sees them (without Release
// buttons), /api/signals carries the forced flag, and Release all in the page ends them.
// In shadow mode the controls the run refuses are disabled, each saying why; on first start the
// login page says how to create the first admin. Screenshots go to
// /tmp (FORCES_SHOTS) for a person to look at.

import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser, Locator, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../chromium.ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadLineFile } from '../../core/config/line-file.ts';
import { loadPlantFile, type PlantFile } from '../../core/config/plant-file.ts';
import { startRun, type StartedRun } from '../../core/engine/engine.ts';
import { buildWeb } from '../../hmi/web/build.ts';
import type { SignalsResponse } from '../../hmi/server/signals.ts';
import { SORTING_LINE, setupOnce } from './run-under-test.ts';
import { startSecured, tempDataDir, type Secured } from './secured-server.ts';
import { createServer } from '../../hmi/server/server.ts';

const SHOTS = process.env['FORCES_SHOTS'] ?? '/tmp';
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

let run: StartedRun;
let s: Secured;
let browser: Browser;
const pageErrors: string[] = [];

async function openAs(role: 'engineer' | 'viewer', size: { width: number; height: number }): Promise<Page> {
  const p = await browser.newPage({ viewport: size });
  p.on('pageerror', (err) => pageErrors.push(err.message));
  await p.goto(s.server.url);
  await p.getByTestId('login-name').fill(`${role}1`);
  await p.getByTestId('login-password').fill(s.password);
  await p.getByTestId('login-submit').click();
  await p.getByTestId('mimic').waitFor();
  return p;
}

async function api(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(s.server.url + path, { method, headers: { ...s.bearer('engineer'), 'content-type': 'application/json' }, body: JSON.stringify(body ?? { confirm: true }) });
}

/** On screen (inside the viewport) with a real size; returns its box. */
async function onScreen(l: Locator, size: { width: number; height: number }, what: string): Promise<{ x: number; y: number; width: number; height: number }> {
  await l.waitFor({ state: 'visible', timeout: 6000 });
  const b = await l.boundingBox();
  assert.ok(b !== null && b.width > 4 && b.height > 4, `${what} has a size`);
  assert.ok(b!.x >= 0 && b!.y >= 0 && b!.x + b!.width <= size.width + 1, `${what} is inside the viewport horizontally: ${JSON.stringify(b)}`);
  return b!;
}

const overlap = (a: { x: number; y: number; width: number; height: number }, b: typeof a): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

setupOnce(test, async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}; the forces page test needs it (Debian: apt-get install chromium). Not skipping.`);
  await buildWeb();
  run = (await startRun({ linePath: SORTING_LINE, logger: pino({ level: 'silent' }), statsLogMs: 0, realtimePriority: 0, nice: 0 })) as StartedRun;
  s = await startSecured({ run });
  browser = await launchChromium();
});

test.after(async () => {
  await browser?.close();
  await s?.close();
  await run?.close();
});

test('first start, no users: the login page says how to create the first admin', async () => {
  const dir = tempDataDir();
  const fresh = await createServer({ run, dataDir: dir, port: 0 });
  try {
    const p = await browser.newPage({ viewport: SIZES[0] });
    await p.goto(fresh.url); // without the #setup= link
    const hint = p.getByTestId('login-setup-hint');
    await hint.waitFor({ timeout: 6000 });
    assert.match((await hint.textContent()) ?? '', /No users yet\. Open the link `twinloop start` printed .*twinloop user add NAME --role admin/);
    await p.close();
  } finally {
    await fresh.close();
    rmSync(dir, { recursive: true, force: true });
  }
  // With users, no hint.
  const p = await browser.newPage({ viewport: SIZES[0] });
  await p.goto(s.server.url);
  await p.getByTestId('login-form').waitFor();
  assert.is(await p.getByTestId('login-setup-hint').count(), 0);
  await p.close();
});

test('no force: the banner says 0 and the Forced strip is not shown', async () => {
  const p = await openAs('engineer', SIZES[0]);
  // The banner fills in with the first status frame.
  await p.waitForFunction(() => /0 forces · 0 faults/.test(document.querySelector('[data-testid=banner-forces]')?.textContent ?? ''), undefined, { timeout: 6000 });
  assert.is(await p.getByTestId('forced-panel').isVisible(), false);
  await p.close();
});

for (const size of SIZES) {
  test(`${size.width}x${size.height}: a forced signal is marked in the banner, the Forced strip, the live values and the mimic`, async () => {
    assert.is((await api('POST', '/api/signals/m1.setpoint/force', { value: 20, confirm: true })).status, 200);
    assert.is((await api('POST', '/api/signals/pe2.blocked/force', { value: 0, confirm: true })).status, 200);
    const p = await openAs('engineer', size); // a freshly loaded page: the forces come with the first frames
    const banner = p.getByTestId('banner-forces');
    await p.waitForFunction(() => /2 forces/.test(document.querySelector('[data-testid=banner-forces]')?.textContent ?? ''), undefined, { timeout: 6000 });
    assert.is(await banner.getAttribute('data-active'), 'true');
    const row = p.getByTestId('forced-m1.setpoint');
    const cells = await row.locator('td').allTextContents();
    assert.is(cells[0], 'm1.setpoint');
    assert.match(cells[1]!, /^20(\.0+)?/);
    assert.is(cells[2], 'engineer1');
    assert.match(cells[3]!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/, 'since, ISO 24-hour');
    assert.ok(await p.getByTestId('forced-pe2.blocked').isVisible());
    // The live row of m1's setpoint is not in the live panel; m1's drive rows are; the mimic marks m1.
    const mark = p.getByTestId('forced-mark-m1');
    const markText = (await mark.textContent()) ?? '';
    assert.match(markText, /F m1\.setpoint = 20/);
    const boxes = {
      banner: await onScreen(banner, size, 'banner count'),
      strip: await onScreen(p.getByTestId('forced-panel'), size, 'Forced strip'),
      mark: await onScreen(mark, size, 'mimic mark of m1'),
      pe2: await onScreen(p.getByTestId('forced-mark-pe2'), size, 'mimic mark of pe2'),
      releaseAll: await onScreen(p.getByTestId('btn-release-all'), size, 'Release all'),
    };
    assert.not.ok(overlap(boxes.banner, boxes.strip), 'banner count and Forced strip do not overlap');
    assert.not.ok(overlap(boxes.strip, boxes.mark), 'the Forced strip does not cover the mimic mark');
    const badges = p.locator('.forced-text');
    const n = await badges.count();
    const badgeBoxes = [];
    for (let k = 0; k < n; k++) badgeBoxes.push((await badges.nth(k).boundingBox())!);
    for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) assert.not.ok(overlap(badgeBoxes[a]!, badgeBoxes[b]!), `forced badges ${a} and ${b} do not overlap`);
    for (const bb of badgeBoxes) assert.ok(bb.height >= 11, `badge text at least 11 px high (${bb.height.toFixed(1)})`);
    await p.screenshot({ path: join(SHOTS, `twinloop-forces-${size.width}x${size.height}.png`) });
    await p.close();
    assert.is((await api('DELETE', '/api/forces')).status, 200);
  });
}

test('a viewer sees the forces (no Release buttons); /api/signals carries the forced flag', async () => {
  await api('POST', '/api/signals/m1.setpoint/force', { value: 25, confirm: true });
  const p = await openAs('viewer', SIZES[0]);
  await p.getByTestId('forced-m1.setpoint').waitFor({ timeout: 6000 });
  assert.is(await p.getByTestId('btn-release-all').count(), 0);
  assert.is(await p.getByTestId('btn-release-m1.setpoint').count(), 0);
  await p.close();
  const r = (await (await fetch(`${s.server.url}/api/signals?prefix=m1.`, { headers: s.bearer('viewer') })).json()) as SignalsResponse;
  const sp = r.signals.find((x) => x.name === 'm1.setpoint')!;
  assert.is(sp.value, 25);
  assert.is(sp.forced?.by, 'engineer1');
  assert.ok(r.signals.filter((x) => x.name !== 'm1.setpoint').every((x) => x.forced === undefined), 'only the forced signal is flagged');
});

test('Release all in the page asks, releases every force, and the marks go away', async () => {
  await api('POST', '/api/signals/pe2.blocked/force', { value: 1, confirm: true });
  const p = await openAs('engineer', SIZES[0]);
  await p.getByTestId('forced-pe2.blocked').waitFor({ timeout: 6000 });
  await p.getByTestId('btn-release-all').click();
  const dialog = p.getByTestId('confirm-dialog');
  await dialog.waitFor();
  assert.match((await dialog.textContent()) ?? '', /m1\.setpoint[\s\S]*pe2\.blocked/);
  await p.getByTestId('confirm-ok').click();
  await p.getByTestId('forced-panel').waitFor({ state: 'hidden', timeout: 6000 });
  await p.waitForFunction(() => /^0 forces/.test(document.querySelector('[data-testid=banner-forces]')?.textContent ?? ''), undefined, { timeout: 6000 });
  assert.is(await p.locator('.forced-mark').count(), 0);
  await p.close();
  assert.equal(run.status().forces, []);
  assert.equal(pageErrors, []);
});

test('shadow mode: run control, pace and force are not offered, each saying why on hover; items are drawn', async () => {
  const base = loadPlantFile(new URL('../../examples/sorting-shadow.yaml', import.meta.url).pathname);
  const pc = base.controllers[0]!;
  const plant: PlantFile = { ...base, controllers: [{ ...pc, softLine: { ...pc.softLine!, faults: [], port: 0 } }] };
  const shadow = await startRun({ plant, line: loadLineFile(plant.line!), logger: pino({ level: 'silent' }), statsLogMs: 0 });
  const ss = await startSecured({ run: shadow });
  try {
    const p = await browser.newPage({ viewport: SIZES[0] });
    await p.goto(ss.server.url);
    await p.getByTestId('login-name').fill('engineer1');
    await p.getByTestId('login-password').fill(ss.password);
    await p.getByTestId('login-submit').click();
    await p.waitForFunction(() => document.querySelector('[data-testid=banner]')?.textContent === 'SHADOW', undefined, { timeout: 10_000 });
    await p.waitForFunction(() => (document.querySelector('[data-testid=btn-reset]') as HTMLButtonElement | null)?.disabled === true, undefined, { timeout: 6000 });
    for (const id of ['btn-pause', 'btn-step', 'btn-resume', 'btn-reset', 'btn-pace-1', 'btn-pace-10', 'btn-pace-fast', 'btn-force', 'btn-release', 'btn-fault-stuck']) {
      const b = p.getByTestId(id);
      assert.ok(await b.isDisabled(), `${id} is disabled in shadow mode`);
      assert.match((await b.getAttribute('title')) ?? '', /shadow mode: the model follows the real line/, `${id} says why`);
    }
    // The model's items are drawn on the belts, as in a virtual run.
    await p.waitForFunction(() => [...document.querySelectorAll('[data-testid=item]')].some((r) => r.getAttribute('visibility') !== 'hidden'), undefined, { timeout: 15_000 });
    await p.screenshot({ path: join(SHOTS, 'twinloop-shadow-controls-1280x720.png') });
    await p.close();
  } finally {
    await ss.close();
    await shadow.close();
  }
});

test.run();
