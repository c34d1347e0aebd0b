// The trend: the last minutes of chosen signals against simulated time, drawn with uPlot.
// History is kept for every trendable signal (not only the ticked ones) so ticking a box shows
// its past at once. Samples are spaced in sim time so the window always fits the fixed buffers,
// at 1x and at "fast" alike; a reset (time going backwards) starts the history over.

import uPlot from 'uplot';
import type { CatalogEntry } from '../../protocol.ts';
import { h } from './element.ts';
import { formatSimTime, formatValue } from './format.ts';
import type { SignalStore } from './signal-store.ts';

/** Sim seconds shown. */
const WINDOW_S = 300;
const CAPACITY = 4000;
/** Smallest sim-time spacing between samples, so CAPACITY covers the window. */
const MIN_SPACING_S = WINDOW_S / (CAPACITY * 0.9);
const MAX_CANDIDATES = 200;
const DEFAULT_SELECTION = ['m2.speed', 'm1.current', 'm1.temperature', 'line.power'];
// Trend pens: distinct but muted, so they do not read as alarm colours.
const PENS = ['#1f5fa8', '#7a4a9a', '#2f7f6f', '#8a6d1f', '#a8481f', '#4d6b2a', '#5a5a5a', '#1f8aa8'];

export class Trend {
  readonly root: HTMLElement;
  readonly #plotBox = h('div', { class: 'trend-plot', 'data-testid': 'trend' });
  readonly #list = h('div', { class: 'trend-list' });
  #chart: uPlot | undefined;
  #candidates: CatalogEntry[] = [];
  #selected: number[] = [];
  readonly #t = new Float64Array(CAPACITY);
  #ys: Float64Array[] = [];
  #n = 0;
  #lastT = -Infinity;
  #dirty = false;

  constructor() {
    this.root = h('section', { class: 'trend panel' }, h('h2', {}, 'Trend (sim time)'), h('div', { class: 'trend-row' }, this.#list, this.#plotBox));
    new ResizeObserver(() => this.#chart?.setSize(this.#size())).observe(this.#plotBox);
  }

  build(store: SignalStore): void {
    // Item slots are positions, not process values: not offered.
    this.#candidates = store.catalog.filter((e) => !e.name.startsWith('items.')).slice(0, MAX_CANDIDATES);
    this.#ys = this.#candidates.map(() => new Float64Array(CAPACITY));
    this.#n = 0;
    this.#lastT = -Infinity;
    const defaults = DEFAULT_SELECTION.map((n) => store.id(n)).filter((id) => id >= 0);
    this.#selected = this.#candidates.map((c, i) => (defaults.includes(c.id) ? i : -1)).filter((i) => i >= 0);
    this.#list.replaceChildren();
    this.#candidates.forEach((c, i) => {
      const box = h('input', { type: 'checkbox', 'data-testid': `trend-${c.name}` });
      box.checked = this.#selected.includes(i);
      box.addEventListener('change', () => {
        this.#selected = box.checked ? [...this.#selected, i].sort((a, b) => a - b) : this.#selected.filter((j) => j !== i);
        this.#makeChart();
      });
      this.#list.append(h('label', { title: c.name }, box, ` ${c.name}${c.unit ? ` [${c.unit}]` : ''}`));
    });
    this.#makeChart();
  }

  /** Record the store's current values if sim time moved far enough since the last sample. */
  sample(store: SignalStore): void {
    if (!store.ready) return;
    const t = store.time;
    if (t < this.#lastT) this.#n = 0; // reset: sim time went back
    else if (t - this.#lastT < MIN_SPACING_S) return;
    if (this.#n === CAPACITY) this.#compact();
    const i = this.#n++;
    this.#t[i] = t;
    const cands = this.#candidates;
    for (let k = 0; k < cands.length; k++) this.#ys[k]![i] = store.value(cands[k]!.id);
    this.#lastT = t;
    this.#dirty = true;
  }

  /** Push the window to uPlot (call a few times a second, not per frame: it redraws the canvas). */
  redraw(): void {
    if (!this.#dirty || this.#chart === undefined) return;
    this.#dirty = false;
    const n = this.#n;
    const t = this.#t;
    let start = 0;
    const from = n > 0 ? t[n - 1]! - WINDOW_S : 0;
    while (start < n && t[start]! < from) start++;
    const data: uPlot.AlignedData = [t.subarray(start, n), ...this.#selected.map((k) => this.#ys[k]!.subarray(start, n))];
    this.#chart.setData(data);
  }

  /** Drop the oldest half (older than the window by construction of MIN_SPACING_S). */
  #compact(): void {
    const half = CAPACITY >> 1;
    this.#t.copyWithin(0, half);
    for (const y of this.#ys) y.copyWithin(0, half);
    this.#n = CAPACITY - half;
  }

  #size(): { width: number; height: number } {
    return { width: Math.max(200, this.#plotBox.clientWidth), height: 220 };
  }

  #makeChart(): void {
    this.#chart?.destroy();
    const units: string[] = [];
    const series: uPlot.Series[] = [{ label: 'sim time', value: (_u, v) => (v === null ? '—' : formatSimTime(v)) }];
    this.#selected.forEach((k, i) => {
      const c = this.#candidates[k]!;
      const unit = c.unit || '-';
      if (!units.includes(unit)) units.push(unit);
      series.push({
        label: c.name,
        scale: unit,
        stroke: PENS[i % PENS.length]!,
        width: 1.5,
        points: { show: false },
        value: (_u, v) => (v === null ? '—' : `${formatValue(v, c.unit, c.type)} ${c.unit}`),
      });
    });
    const axes: uPlot.Axis[] = [{ values: (_u, splits) => splits.map(formatSimTime), stroke: '#333', grid: { stroke: '#d4d4d4' } }];
    units.forEach((unit, i) => axes.push({ scale: unit, label: unit, side: i % 2 === 0 ? 3 : 1, stroke: '#333', grid: { show: i === 0, stroke: '#d4d4d4' }, size: 56 }));
    const scales: uPlot.Scales = { x: { time: false } };
    for (const unit of units) scales[unit] = { range: minSpan };
    const opts: uPlot.Options = {
      ...this.#size(),
      series,
      axes,
      scales,
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
    };
    this.#chart = new uPlot(opts, [new Float64Array(0), ...this.#selected.map(() => new Float64Array(0))], this.#plotBox);
    this.#dirty = true;
    this.redraw();
  }
}

/**
 * A y range of at least 2 % of the value (or 0.01): a constant signal (a drive at exactly 50 Hz)
 * otherwise gets a range of float noise and axis labels like "50, 50, 49.999".
 */
function minSpan(_u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  if (min === null || max === null) return [0, 1];
  const span = Math.max(max - min, Math.abs((min + max) / 2) * 0.02, 0.01);
  const mid = (min + max) / 2;
  const pad = span * 0.55;
  return [mid - pad, mid + pad];
}
