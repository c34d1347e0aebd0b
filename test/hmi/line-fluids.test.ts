// Pipes and live values (issue 19, a line an operator can read), in real Chromium against the
// real engine on examples/tank.yaml and examples/furnace.yaml at 1280x720 and 1920x1080:
// - pipes are drawn from the line's references (valve `to`, pump `from`, the furnace's
//   `coolant` loop), their arrow points from source to destination, and a pipe runs while its
//   pump delivers and stops when the pump is forced off (via the REST API, as an engineer would);
// - the live values cover every component with units (tank level in m, LT1 in m like the level it
//   measures, pump flow in m³/h and pressure in bar, valve opening in %, TT1 in °C), grouped per
//   component, and the search narrows them.
// Screenshots: /tmp/twinloop-pipes-<line>-<w>x<h>.png and /tmp/twinloop-live-search-<w>x<h>.png.

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
import { login, startSecured, type Secured } from './secured-server.ts';

const SHOTS = process.env['LEGIBILITY_SHOTS'] ?? '/tmp';
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

let browser: Browser;
const pageErrors: string[] = [];

interface Line {
  run: StartedRun;
  s: Secured;
  token: string;
  close(): Promise<void>;
}

async function startLine(name: string): Promise<Line> {
  const run = (await startRun({ linePath: new URL(`../../examples/${name}.yaml`, import.meta.url).pathname, logger: pino({ level: 'silent' }), statsLogMs: 0, realtimePriority: 0, nice: 0 })) as StartedRun;
  const s = await startSecured({ run, skipLogins: true });
  await s.server.auth.users.add('engineer1', 'engineer', s.password);
  const token = await login(s.server.url, 'engineer1', s.password);
  return { run, s, token, close: async () => (await s.close(), await run.close()) };
}

async function open(l: Line, size: { width: number; height: number }): Promise<Page> {
  const p = await browser.newPage({ viewport: size });
  p.on('pageerror', (err) => pageErrors.push(err.message));
  await p.goto(l.s.server.url);
  await p.getByTestId('login-name').fill('engineer1');
  await p.getByTestId('login-password').fill(l.s.password);
  await p.getByTestId('login-submit').click();
  await p.getByTestId('pipes').waitFor({ state: 'attached' });
  return p;
}

const center = (b: { x: number; y: number; width: number; height: number }): [number, number] => [b.x + b.width / 2, b.y + b.height / 2];

/** Screen centre of a component's symbol on the mimic. */
async function symbolAt(p: Page, id: string): Promise<[number, number]> {
  const b = await p.locator(`.mimic [data-id="${id}"]`).first().locator('rect, circle, path').first().boundingBox();
  assert.ok(b !== null, `${id} is drawn`);
  return center(b!);
}

/** The arrow's direction on screen (unit vector), from its path's transformed points. */
function arrowDirection(p: Page, pipe: string): Promise<[number, number]> {
  return p.evaluate((name) => {
    const g = document.querySelector(`[data-testid="pipe-${name}"] .pipe-arrow-at`) as SVGGElement;
    const m = g.getScreenCTM()!;
    const tail = new DOMPoint(-6, 0).matrixTransform(m);
    const tip = new DOMPoint(6, 0).matrixTransform(m);
    const len = Math.hypot(tip.x - tail.x, tip.y - tail.y);
    return [(tip.x - tail.x) / len, (tip.y - tail.y) / len] as [number, number];
  }, pipe);
}

const flowOf = (p: Page, pipe: string): Promise<string | null> => p.getByTestId(`pipe-${pipe}`).getAttribute('data-flow');

setupOnce(test, async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}; this test needs it (Debian: apt-get install chromium). Not skipping.`);
  await buildWeb();
  browser = await launchChromium();
});

test.after(async () => {
  await browser?.close();
});

test('tank line: pipes from the references, arrows towards the destination, running and stopped; live values with units, searchable', async () => {
  const l = await startLine('tank');
  try {
    for (const size of SIZES) {
      const p = await open(l, size);
      for (const name of ['supply-vMakeup', 'vMakeup-tank', 'tank-pDraw', 'pDraw-drain']) assert.is(await p.getByTestId(`pipe-${name}`).count(), 1, `pipe ${name}`);
      // The draw pump runs from the start (the program keeps it on): its suction pipe runs.
      await p.waitForFunction(() => document.querySelector('[data-testid="pipe-tank-pDraw"]')?.getAttribute('data-flow') === 'running', undefined, { timeout: 10_000 });
      // The arrow of tank -> pDraw points from the tank towards the pump.
      const [tx, ty] = await symbolAt(p, 'tank');
      const [px, py] = await symbolAt(p, 'pDraw');
      const [dx, dy] = await arrowDirection(p, 'tank-pDraw');
      const len = Math.hypot(px - tx, py - ty);
      assert.ok((dx * (px - tx) + dy * (py - ty)) / len > 0.7, `arrow tank -> pDraw points at the pump (${dx.toFixed(2)}, ${dy.toFixed(2)})`);
      const [vx, vy] = await symbolAt(p, 'vMakeup');
      const [ex, ey] = await arrowDirection(p, 'vMakeup-tank');
      assert.ok((ex * (tx - vx) + ey * (ty - vy)) / Math.hypot(tx - vx, ty - vy) > 0.7, 'arrow vMakeup -> tank points at the tank');
      // The tank shows its level: the liquid's height follows tank.level / height.
      const level = Number(await p.getByTestId('live-tank.level').textContent());
      assert.ok(level > 0.5 && level < 2, `tank level ${level}`);
      const fill = await p.evaluate(() => {
        const g = document.querySelector('.mimic .tank')!;
        return Number(g.querySelector('.liquid')!.getAttribute('height')) / Number(g.querySelector('.vessel')!.getAttribute('height'));
      });
      assert.ok(Math.abs(fill - level / 2) < 0.05, `liquid at ${fill.toFixed(2)} of the vessel for level ${level} m of 2 m`);
      // Units on every kind.
      const unit = async (name: string): Promise<string> => (await p.getByTestId(`live-unit-${name}`).textContent()) ?? '';
      assert.is(await unit('tank.level'), 'm');
      assert.is(await unit('lt1.value'), 'm', 'LT1 reads in the unit of the level it measures');
      assert.is(await unit('lt1.current'), 'mA');
      assert.is(await unit('pDraw.flow'), 'm³/h');
      assert.is(await unit('pDraw.pressure'), 'bar');
      assert.is(await unit('vMakeup.opening'), '%');
      assert.is(await unit('line.power'), 'kW');
      assert.match((await p.locator('.mimic [data-id="lt1"] text.val').textContent()) ?? '', /^\d+\.\d+ m$/, 'LT1 on the mimic with its unit');
      for (const g of ['line', 'tank', 'pDraw', 'vMakeup', 'lt1']) assert.ok(await p.getByTestId(`live-group-${g}`).isVisible(), `group ${g}`);
      // Search: "flow" keeps flow rows only; "lt1" keeps LT1's group only.
      await p.getByTestId('live-search').fill('flow');
      await p.waitForFunction(() => !(document.querySelector('[data-testid="live-group-lt1"]') as HTMLElement).checkVisibility());
      assert.ok(await p.getByTestId('live-pDraw.flow').isVisible());
      assert.ok(await p.getByTestId('live-tank.inflow').isVisible());
      assert.not.ok(await p.getByTestId('live-tank.level').isVisible());
      await p.screenshot({ path: join(SHOTS, `twinloop-live-search-${size.width}x${size.height}.png`) });
      await p.getByTestId('live-search').fill('lt1');
      await p.waitForFunction(() => !(document.querySelector('[data-testid="live-group-tank"]') as HTMLElement).checkVisibility());
      assert.ok(await p.getByTestId('live-lt1.value').isVisible());
      await p.getByTestId('live-search').fill('');
      await p.getByTestId('live-tank.level').waitFor({ state: 'visible' });
      await p.screenshot({ path: join(SHOTS, `twinloop-pipes-tank-${size.width}x${size.height}.png`) });
      await p.close();
    }
    // Forced off, the pump stops and its pipes with it.
    const res = await fetch(`${l.s.server.url}/api/signals/pDraw.run/force`, { method: 'POST', headers: { authorization: `Bearer ${l.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ value: 0, confirm: true }) });
    assert.is(res.status, 200);
    const p = await open(l, SIZES[0]);
    await p.waitForFunction(() => document.querySelector('[data-testid="pipe-tank-pDraw"]')?.getAttribute('data-flow') === 'stopped', undefined, { timeout: 15_000 });
    assert.is(await flowOf(p, 'pDraw-drain'), 'stopped');
    await p.close();
  } finally {
    await l.close();
  }
});

test('furnace line: the cooling loop tank -> pCool -> fz1 -> tank is drawn and runs; TT1 and the furnace in °C', async () => {
  const l = await startLine('furnace');
  try {
    for (const size of SIZES) {
      const p = await open(l, size);
      for (const name of ['tank-pCool', 'pCool-fz1', 'fz1-tank', 'supply-vMakeup', 'vMakeup-tank', 'tank-vBlow', 'vBlow-drain']) assert.is(await p.getByTestId(`pipe-${name}`).count(), 1, `pipe ${name}`);
      await p.waitForFunction(() => document.querySelector('[data-testid="pipe-pCool-fz1"]')?.getAttribute('data-flow') === 'running', undefined, { timeout: 10_000 });
      const [fx, fy] = await symbolAt(p, 'fz1');
      const [cx, cy] = await symbolAt(p, 'pCool');
      const [dx, dy] = await arrowDirection(p, 'pCool-fz1');
      // An L-shaped route: the arrow sits on one run; it still heads towards the furnace.
      assert.ok(dx * (fx - cx) + dy * (fy - cy) > 0, 'pCool -> fz1 arrow heads to the furnace');
      assert.is(await p.getByTestId('live-unit-tt1.value').textContent(), '°C');
      assert.is(await p.getByTestId('live-unit-fz1.temperature').textContent(), '°C');
      assert.is(await p.getByTestId('live-unit-air.pressure').textContent(), 'bar');
      await p.screenshot({ path: join(SHOTS, `twinloop-pipes-furnace-${size.width}x${size.height}.png`) });
      await p.close();
    }
  } finally {
    await l.close();
  }
});

test('no page errors', () => {
  assert.equal(pageErrors, []);
});

test.run();
