// The plant overview (issue 22, "A plant of many lines on one broker"): three twinloop processes,
// each a line with its own HMI and a Sparkplug B edge node, on Debian's mosquitto started here;
// `twinloop plant`'s primary host and page show every line's state, pace, alarms and the link
// to its HMI, in headless Chromium at 1280x720 and 1920x1080 (cards visible, not overlapping,
// text >= 11 px). The lines wait for this primary host's STATE before their births (Sparkplug
// 3.0 host awareness); a line killed with -9 turns offline through its NDEATH (the broker
// publishes its Will), and a gap in a node's sequence numbers makes the host ask for a rebirth.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from 'mqtt';
import type { Browser } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../chromium.ts';
import { pino } from 'pino';
import { encodePayload } from '../../core/integration/sparkplug/payloads.ts';
import { startPlantServer, type PlantServer } from '../../hmi/plant/plant-server.ts';
import type { PlantView } from '../../hmi/plant/plant-api.ts';
import { Broker, until } from './sparkplug-fixtures.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const HOST_ID = 'plant-test';
const dir = mkdtempSync(join(tmpdir(), 'twinloop-plant-'));
let broker: Broker;
let plant: PlantServer;
let browser: Browser | undefined;
const lines: { node: string; proc: ChildProcess; hmi: string }[] = [];

/** A twinloop line process; resolves with its HMI address once it serves. */
async function startLine(node: string, extra: string[]): Promise<void> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', 'start', '--port', '0', '--no-record', '--data', join(dir, node), '--log-level', 'warn',
    '--sparkplug', broker.url, '--group', 'lines', '--node', node, '--host-id', HOST_ID, ...extra], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await until(() => /HMI on (http:\/\/\S+)/.test(out) || proc.exitCode !== null, 60_000, `line ${node} to start`);
  const m = /HMI on (http:\/\/\S+)/.exec(out);
  if (!m) throw new Error(`line ${node} did not start:\n${out}`);
  lines.push({ node, proc, hmi: m[1]! });
}

const view = (): PlantView => plant.view();
const lineOf = (node: string) => view().lines.find((l) => l.node === node);

test.before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM} (Debian: apt-get install chromium). Not skipping.`);
  broker = await Broker.start();
  // One line runs in real time; two start paused (three 1 kHz clocks would crowd 2 cores).
  await startLine('sorting', []);
  await startLine('tank', ['--line', 'examples/tank.yaml', '--paused']);
  await startLine('furnace', ['--line', 'examples/furnace.yaml', '--paused']);
  plant = await startPlantServer({ brokerUrl: broker.url, hostId: HOST_ID, groups: ['lines'], host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
});

test.after(async () => {
  await browser?.close();
  for (const l of lines) l.proc.kill('SIGKILL');
  await plant?.close();
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the lines wait for the primary host, then each is born with its state and HMI link', async () => {
  await until(() => view().lines.filter((l) => l.online).length === 3, 20_000, 'three lines online');
  await until(() => lineOf('sorting')?.metrics['Run/State'] === 'running', 10_000, 'sorting running');
  for (const l of lines) {
    const v = lineOf(l.node)!;
    assert.is(v.group, 'lines');
    assert.is(v.metrics['Node Info/HMI'], l.hmi, `${l.node} links to its own HMI`);
    assert.is(v.metrics['Run/Mode'], 'virtual');
    assert.is(v.metrics['Alarms/Active'], 0);
    assert.ok(v.devices > 0, `${l.node} has its devices`);
  }
  // The line KPIs ride along (docs/kpi.md): throughput and good/reject for every line.
  for (const l of lines) for (const k of ['KPI/Throughput', 'KPI/Good', 'KPI/Reject']) assert.type(lineOf(l.node)!.metrics[k], 'number', `${l.node} ${k}`);
  assert.is(lineOf('tank')!.metrics['Run/State'], 'paused');
  assert.is(lineOf('tank')!.line, 'tank');
  assert.is(lineOf('furnace')!.line, 'furnace');
  // The running line's pace is reported as it changes (status NDATA about once a second).
  await until(() => typeof lineOf('sorting')!.metrics['Run/Realtime factor'] === 'number' && (lineOf('sorting')!.metrics['Run/Realtime factor'] as number) > 0.5, 10_000, 'the pace achieved');
});

test('the page shows every line at 1280x720 and 1920x1080: cards visible, apart, legible', async () => {
  browser = await launchChromium();
  for (const size of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
    const page = await browser.newPage({ viewport: size });
    await page.goto(plant.url);
    await page.waitForFunction(() => document.querySelectorAll('section.line.online').length === 3, undefined, { timeout: 15_000 });
    // Measured in one go inside the page: a card is redrawn when its line's values change.
    const boxes = await page.evaluate(() => [...document.querySelectorAll('section.line')].map((e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; }));
    assert.is(boxes.length, 3);
    boxes.forEach((b, k) => assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.width <= size.width && b.y + b.height <= size.height, `card ${k} on screen at ${size.width}x${size.height}`));
    for (let a = 0; a < 3; a++) for (let b = a + 1; b < 3; b++) {
      const [p, q] = [boxes[a]!, boxes[b]!];
      assert.not.ok(p.x < q.x + q.width && q.x < p.x + p.width && p.y < q.y + q.height && q.y < p.y + p.height, `cards ${a} and ${b} do not overlap`);
    }
    const smallest = await page.evaluate(() => Math.min(...[...document.querySelectorAll('section.line *')].filter((e) => e.childElementCount === 0 && (e.textContent ?? '').trim() !== '').map((e) => parseFloat(getComputedStyle(e).fontSize))));
    assert.ok(smallest >= 11, `text at least 11 px (smallest ${smallest})`);
    const sorting = page.locator('section.line[data-node="lines/sorting"]');
    assert.is(await sorting.locator('[data-testid=state]').textContent(), 'running');
    assert.is(await sorting.locator('[data-testid=alarms]').textContent(), 'No active alarms');
    assert.is(await sorting.locator('a.open').getAttribute('href'), lines.find((l) => l.node === 'sorting')!.hmi);
    assert.is(await page.locator('section.line[data-node="lines/tank"] [data-testid=state]').textContent(), 'paused');
    assert.match((await page.locator('#count').textContent()) ?? '', /^3 of 3 lines online$/);
    await page.screenshot({ path: join(tmpdir(), `twinloop-plant-${size.width}x${size.height}.png`) });
    await page.close();
  }
});

test('a gap in a node\'s sequence numbers makes the host ask that node for a rebirth', async () => {
  const before = plant.host.lines().find((l) => l.node === 'tank')!;
  // An NDATA with a seq out of order, as if messages had been lost: the real node answers the
  // host's NCMD with a new birth.
  const c = connect(broker.url, { reconnectPeriod: 0 });
  await new Promise<void>((r) => c.once('connect', () => r()));
  await c.publishAsync('spBv1.0/lines/NDATA/tank', Buffer.from(encodePayload({ timestamp: Date.now(), seq: 200, metrics: [] })));
  await c.endAsync();
  await until(() => { const l = plant.host.lines().find((x) => x.node === 'tank')!; return l.rebirthsRequested > before.rebirthsRequested && l.births > before.births; }, 10_000, 'a rebirth of tank');
  assert.ok(lineOf('tank')!.online);
});

test('a line killed with -9 turns offline through its NDEATH; the others stay', async () => {
  const furnace = lines.find((l) => l.node === 'furnace')!;
  furnace.proc.kill('SIGKILL');
  await until(() => lineOf('furnace')?.online === false, 15_000, 'furnace offline');
  assert.ok(lineOf('sorting')!.online);
  assert.ok(lineOf('tank')!.online);
  assert.match(view().lines.find((l) => l.node === 'furnace')!.lastSeen, /^\d{4}-\d\d-\d\dT/);
});

test.run();
