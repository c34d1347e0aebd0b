// A line an operator can read (issue 19), in real Chromium against the real engine on every
// example line that runs without a network PLC (sorting, furnace, assembly, tank), at 1280x720
// and 1920x1080: the mimic's drawing fills its panel (the furnace line used 60 % of the width),
// no text on it overlaps another (bounding boxes as drawn: names, values, counts, tags), and
// every name and value is at least 11 px high on screen (font size times the drawing's scale).
// Screenshots go to /tmp/twinloop-mimic-<line>-<w>x<h>.png for a person to look at.

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

const SHOTS = process.env['LEGIBILITY_SHOTS'] ?? '/tmp';
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;
// sorting-opcua/-ads/-s7/-modbus/-shadow draw the same layout as sorting.yaml with a network PLC.
const LINES = ['sorting', 'furnace', 'assembly', 'tank'] as const;

let browser: Browser;
const pageErrors: string[] = [];

export interface MimicReport {
  /** Pairs of overlapping texts, "a" / "b" with their boxes. */
  overlaps: string[];
  /** Names and values drawn under 11 px, with their size. */
  small: string[];
  /** Share of the drawing area the equipment spans, width and height (0..1). */
  fillW: number;
  fillH: number;
  /** Share of the panel's inner width the drawing area takes. */
  svgOfPanel: number;
  texts: number;
}

/** Measured in the page: the texts' boxes as drawn, their on-screen size, the drawing's extent. */
export function measureMimic(p: Page): Promise<MimicReport> {
  return p.evaluate(() => {
    const svg = document.querySelector('[data-testid=mimic]') as SVGSVGElement;
    const texts = [...svg.querySelectorAll<SVGTextElement>('.equipment text')].filter((t) => (t.textContent ?? '').trim() !== '' && t.closest('.forced-mark') === null);
    const boxes = texts.map((t) => t.getBoundingClientRect());
    const overlaps: string[] = [];
    for (let a = 0; a < texts.length; a++) {
      for (let b = a + 1; b < texts.length; b++) {
        const A = boxes[a]!;
        const B = boxes[b]!;
        // The glyph boxes include the font's leading; 1 px of touch is not an overlap.
        if (A.left < B.right - 1 && B.left < A.right - 1 && A.top < B.bottom - 1 && B.top < A.bottom - 1) {
          overlaps.push(`"${texts[a]!.textContent}" [${A.left.toFixed(0)},${A.top.toFixed(0)} ${A.width.toFixed(0)}x${A.height.toFixed(0)}] / "${texts[b]!.textContent}" [${B.left.toFixed(0)},${B.top.toFixed(0)} ${B.width.toFixed(0)}x${B.height.toFixed(0)}]`);
        }
      }
    }
    const small: string[] = [];
    for (const t of texts) {
      if (!t.matches('.lbl, .val')) continue;
      const m = t.getScreenCTM()!;
      const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
      if (px < 11) small.push(`"${t.textContent}" ${px.toFixed(1)} px`);
    }
    const s = svg.getBoundingClientRect();
    const eq = (svg.querySelector('.equipment') as SVGGElement).getBoundingClientRect();
    const panel = svg.parentElement!;
    const cs = getComputedStyle(panel);
    const inner = panel.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    return { overlaps, small, fillW: eq.width / s.width, fillH: eq.height / s.height, svgOfPanel: s.width / inner, texts: texts.length };
  });
}

/** Poll until the mimic is laid out cleanly (it re-places as values grow), then report. */
export async function settledReport(p: Page, ms = 8000): Promise<MimicReport> {
  const until = Date.now() + ms;
  let r = await measureMimic(p);
  while (Date.now() < until && (r.overlaps.length > 0 || r.small.length > 0 || r.texts === 0)) {
    await p.waitForTimeout(100);
    r = await measureMimic(p);
  }
  return r;
}

async function openLine(s: Secured, size: { width: number; height: number }): Promise<Page> {
  const p = await browser.newPage({ viewport: size });
  p.on('pageerror', (err) => pageErrors.push(err.message));
  await p.goto(s.server.url);
  await p.getByTestId('login-name').fill('engineer1');
  await p.getByTestId('login-password').fill(s.password);
  await p.getByTestId('login-submit').click();
  await p.getByTestId('mimic').waitFor();
  // Values on the mimic: a number in some value label (the run ticks).
  await p.waitForFunction(() => [...document.querySelectorAll('.mimic text.val')].some((t) => /\d/.test(t.textContent ?? '')), undefined, { timeout: 10_000 });
  return p;
}

setupOnce(test, async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}; the legibility test needs it (Debian: apt-get install chromium). Not skipping.`);
  await buildWeb();
  browser = await launchChromium();
});

test.after(async () => {
  await browser?.close();
});

for (const line of LINES) {
  test(`${line}: the mimic fills its panel, no text overlaps another, text at least 11 px (1280x720, 1920x1080)`, async () => {
    const path = new URL(`../../examples/${line}.yaml`, import.meta.url).pathname;
    const run = (await startRun({ linePath: path, logger: pino({ level: 'silent' }), statsLogMs: 0, realtimePriority: 0, nice: 0 })) as StartedRun;
    // One user is enough here (each costs a password hash): skip the per-role logins.
    const s = await startSecured({ run, skipLogins: true });
    await s.server.auth.users.add('engineer1', 'engineer', s.password);
    try {
      for (const size of SIZES) {
        const p = await openLine(s, size);
        const r = await settledReport(p);
        await p.screenshot({ path: join(SHOTS, `twinloop-mimic-${line}-${size.width}x${size.height}.png`) });
        const at = `${line} ${size.width}x${size.height}`;
        assert.ok(r.texts >= 6, `${at}: texts drawn (${r.texts})`);
        assert.equal(r.overlaps, [], `${at}: no text overlaps another`);
        assert.equal(r.small, [], `${at}: names and values at least 11 px`);
        assert.ok(r.svgOfPanel > 0.97, `${at}: the drawing area spans its panel (${r.svgOfPanel.toFixed(2)})`);
        assert.ok(r.fillW > 0.85 || r.fillH > 0.85, `${at}: the line fills the drawing area (width ${r.fillW.toFixed(2)}, height ${r.fillH.toFixed(2)})`);
        await p.close();
      }
    } finally {
      await s.close();
      await run.close();
    }
  });
}

test('no page errors', () => {
  assert.equal(pageErrors, []);
});

test.run();
