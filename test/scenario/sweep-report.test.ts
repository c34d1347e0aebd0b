// The sweep's what-if report (issue 19, "What-if results that compare"): the Pareto front
// against hand computation, each KPI over each swept parameter with one line per value of the
// other, the best per KPI and two points side by side; then a real 2 x 2 sweep of the demo
// line, its sweep.html opened in headless Chromium at 1280x720 and 1920x1080 (plots visible,
// legend entries apart, text >= 11 px; screenshots /tmp/twinloop-sweep-report-<w>x<h>.png).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, launchChromium } from '../chromium.ts';
import { expandGrid, sweepFrom, type SweepRow } from '../../core/scenario/sweep.ts';
import { runSweep, writeSweep } from '../../core/scenario/sweep-run.ts';
import { kpiVsParamSvg, paretoFront, type KpiSpec, type PlotPoint } from '../../core/scenario/sweep-plots.ts';
import { plotPoints, sideBySide } from '../../core/scenario/sweep-report.ts';

const LINE = fileURLToPath(new URL('../../examples/sorting.yaml', import.meta.url));
const pt = (n: number, params: PlotPoint['params'], kpis: Record<string, number>): PlotPoint => ({ n, params, kpis });

test('Pareto front: the points no other beats on throughput and energy per unit at once (by hand)', () => {
  // (throughput up, energy per unit down): A(10,5) B(12,6) C(9,4) D(11,7) E(8,8) F(10,5)
  const ps = [[10, 5], [12, 6], [9, 4], [11, 7], [8, 8], [10, 5]].map(([u, d], i) => pt(i + 1, {}, { throughput: u!, energyPerUnit: d! }));
  // D is beaten by B (more throughput, less energy), E by A; A and F tie and beat each other on nothing.
  assert.equal(paretoFront(ps, 'throughput', 'energyPerUnit'), [0, 1, 2, 5]);
  // A point missing a KPI is left out.
  assert.equal(paretoFront([...ps, pt(7, {}, { throughput: 99, energyPerUnit: NaN })], 'throughput', 'energyPerUnit'), [0, 1, 2, 5]);
});

test('each KPI over each parameter: one line per value of the other parameter, every point drawn', () => {
  const ps: PlotPoint[] = [];
  let n = 0;
  for (const rate of [0.2, 0.4, 0.6]) for (const speed of [0.5, 0.6, 0.8]) ps.push(pt(++n, { rate, speed }, { throughput: rate * 100 + speed }));
  const kpi: KpiSpec = { key: 'throughput', label: 'Throughput', unit: 'items/h', better: 'higher' };
  const overRate = kpiVsParamSvg(ps, kpi, 'rate', ['rate', 'speed']);
  assert.is(overRate.match(/<polyline/g)!.length, 3, 'one line per speed');
  assert.is(overRate.match(/<circle/g)!.length, 9);
  for (const legend of ['speed=0.5', 'speed=0.6', 'speed=0.8']) assert.ok(overRate.includes(`>${legend}<`), legend);
  for (const x of ['0.2', '0.4', '0.6']) assert.ok(overRate.includes(`>${x}</text>`), `x value ${x} labelled`);
  const overSpeed = kpiVsParamSvg(ps, kpi, 'speed', ['rate', 'speed']);
  assert.is(overSpeed.match(/<polyline/g)!.length, 3, 'one line per rate');
  assert.ok(overSpeed.includes('>rate=0.4<'));
  // A flat KPI is drawn flat, not blown up into steps: 1 % of its size is the least span.
  const flat = kpiVsParamSvg(ps.map((p, i) => ({ ...p, kpis: { throughput: 100 + (i % 2) * 1e-6 } })), kpi, 'rate', ['rate', 'speed']);
  const ys = [...flat.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.ok(Math.max(...ys) - Math.min(...ys) < 1, 'a millionth of difference is under a pixel');
});

test('side by side: best throughput against least energy per unit, or the two asked for', () => {
  const ps = [pt(1, { a: 1 }, { throughput: 10, energyPerUnit: 3, oee: 0.5 }), pt(2, { a: 2 }, { throughput: 12, energyPerUnit: 4, oee: 0.6 }), pt(3, { a: 3 }, { throughput: 9, energyPerUnit: 2, oee: 0.4 })];
  assert.equal(sideBySide(ps), [1, 2]);
  assert.equal(sideBySide(ps, [1, 3]), [0, 2]);
  assert.is(sideBySide(ps, [1, 9]), null);
});

let rows: SweepRow[] = [];
const dir = mkdtempSync(join(tmpdir(), 'twinloop-sweep-report-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a real 2 x 2 sweep of the demo line: sweep.html has the table, the front, the pair and every plot', async () => {
  const spec = sweepFrom({ data: { name: 'rate-vs-speed', line: LINE, duration: 90, seed: 7, grid: { 'components[src].rate': [0.3, 0.6], 'components[sorter].beltSpeed': [0.5, 0.8] } }, file: join(dir, 'inline.yaml'), lineOf: () => undefined });
  const points = expandGrid(spec);
  rows = [...(await runSweep(points, 2)).rows];
  const files = writeSweep(dir, spec.name, rows);
  const html = readFileSync(files.html, 'utf8');
  const pts = plotPoints(rows);
  assert.ok(pts.every((p) => Number.isFinite(p.kpis.throughput!) && Number.isFinite(p.kpis.energyPerUnit!)), 'throughput and energy per unit for every point');
  // Throughput rises with the offered rate (items are not lost at these rates).
  const at = (rate: number, speed: number): number => pts.find((p) => p.params['components[src].rate'] === rate && p.params['components[sorter].beltSpeed'] === speed)!.kpis.throughput!;
  assert.ok(at(0.6, 0.5) > at(0.3, 0.5) && at(0.6, 0.8) > at(0.3, 0.8), 'more offered, more sorted');
  assert.is((html.match(/<tr data-point=/g) ?? []).length, 4);
  assert.ok(html.includes('★'), 'the best of each KPI marked');
  assert.ok(html.includes('Pareto front'));
  assert.match(html, /<h2>Side by side: #\d and #\d<\/h2>/);
  const shown = (html.match(/<svg /g) ?? []).length;
  assert.ok(shown >= 1 + 2 * 4, `the front and two plots per KPI (got ${shown} plots)`);
});

test('sweep.html in Chromium at 1280x720 and 1920x1080: plots visible, legends apart, text legible', async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}. Not skipping.`);
  const browser = await launchChromium();
  try {
    for (const size of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
      const page = await browser.newPage({ viewport: size });
      await page.goto(`file://${join(dir, 'sweep.html')}`);
      const report = await page.evaluate(() => {
        const svgs = [...document.querySelectorAll('svg')];
        const texts = [...document.querySelectorAll('svg text')] as SVGTextElement[];
        // Every label of a KPI plot (title, axis values, axis name, legend) apart from the others.
        const labelBoxes = svgs.filter((s) => s.getAttribute('aria-label') !== 'Pareto front').map((s) => [...s.querySelectorAll('text')].map((t) => t.getBoundingClientRect()));
        const clash = labelBoxes.some((boxes) => boxes.some((a, i) => boxes.some((b, j) => j > i && a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height)));
        const inside = svgs.every((s) => { const r = s.getBoundingClientRect(); return [...s.querySelectorAll('text')].every((t) => { const b = t.getBoundingClientRect(); return b.x >= r.x - 1 && b.right <= r.right + 1 && b.y >= r.y - 1 && b.bottom <= r.bottom + 1; }); });
        const tableText = [...document.querySelectorAll('td, th, p')].map((e) => parseFloat(getComputedStyle(e).fontSize));
        return { plots: svgs.length, visible: svgs.every((s) => s.getBoundingClientRect().width > 300), clash, inside, minSvgText: Math.min(...texts.map((t) => parseFloat(getComputedStyle(t).fontSize))), minText: Math.min(...tableText) };
      });
      assert.ok(report.plots >= 9);
      assert.ok(report.visible, 'every plot laid out at full width');
      assert.not.ok(report.clash, 'no label of a plot overlaps another');
      assert.ok(report.inside, 'every label inside its plot');
      assert.ok(report.minSvgText >= 11 && report.minText >= 11, `text at least 11 px (${report.minSvgText}, ${report.minText})`);
      await page.screenshot({ path: join(tmpdir(), `twinloop-sweep-report-${size.width}x${size.height}.png`), fullPage: true });
      await page.close();
    }
  } finally {
    await browser.close();
  }
});

test.run();
