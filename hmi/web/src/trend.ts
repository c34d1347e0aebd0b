// The trend: chosen signals against simulated time, drawn with uPlot, over a window the user
// picks (1 min to the whole run). History is kept for every trendable signal (not only the
// ticked ones) so ticking a box shows its past at once. The buffers hold the whole run: when
// full, every other sample is dropped and the spacing doubles, so recent and old minutes
// alike stay in fixed memory at 1x and at "fast"; a reset (time going backwards) starts over.
// The live page fills the past from the run's recording (loadHistory), so a reloaded page
// shows the run so far, not only what happened since it loaded. The y autoscale has a floor
// per unit (trend-scale.ts).

import uPlot from 'uplot';
import type { CatalogEntry } from '../../protocol.ts';
import { h } from './element.ts';
import { formatSimTime, formatValue } from './format.ts';

/** Allowed spacings of the time axis' ticks, s: from the labels' tenth of a second to a day. */
const TIME_INCRS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400];
import type { SignalStore } from './signal-store.ts';
import { frameAt, listRecordings, openRecording, series } from './replay-api.ts';
import { yRange } from './trend-scale.ts';

/** Windows offered, sim seconds (Infinity: the whole run). */
const WINDOWS: ReadonlyArray<readonly [seconds: number, label: string]> = [
  [60, '1 min'],
  [300, '5 min'],
  [900, '15 min'],
  [3600, '1 h'],
  [Infinity, 'whole run'],
];
const DEFAULT_WINDOW_S = 300;
const CAPACITY = 6000;
/** Sample spacing at the start of a run (sim s); doubles each time the buffers fill. */
const START_SPACING_S = 0.05;
/** Points asked of the recording for the past. */
const HISTORY_POINTS = 3000;
/** A live recording is one written to within this long (ms): the run's own. */
const LIVE_RECORDING_MS = 30_000;
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
  #ys: Float32Array[] = [];
  #n = 0;
  #lastT = -Infinity;
  #spacing = START_SPACING_S;
  #dirty = false;
  #window = DEFAULT_WINDOW_S;
  readonly #windowSelect = h('select', { 'data-testid': 'trend-window', 'aria-label': 'trend time window' });
  /** Recording time -> sim time offset of the history loaded, per build (a new catalog drops it). */
  #buildSeq = 0;

  constructor() {
    for (const [sec, label] of WINDOWS) {
      const o = h('option', { value: String(sec) }, label);
      if (sec === DEFAULT_WINDOW_S) o.selected = true;
      this.#windowSelect.append(o);
    }
    this.#windowSelect.addEventListener('change', () => {
      this.#window = Number(this.#windowSelect.value);
      this.#dirty = true;
      this.redraw();
    });
    const head = h('div', { class: 'trend-head' }, h('h2', {}, 'Trend (sim time)'), h('label', { class: 'trend-window' }, 'window ', this.#windowSelect));
    this.root = h('section', { class: 'trend panel', 'data-testid': 'trend-panel' }, head, h('div', { class: 'trend-row' }, this.#list, this.#plotBox));
    new ResizeObserver(() => this.#chart?.setSize(this.#size())).observe(this.#plotBox);
  }

  build(store: SignalStore): void {
    // Item slots are positions, not process values: not offered.
    this.#candidates = store.catalog.filter((e) => !e.name.startsWith('items.')).slice(0, MAX_CANDIDATES);
    this.#ys = this.#candidates.map(() => new Float32Array(CAPACITY));
    this.#n = 0;
    this.#lastT = -Infinity;
    this.#spacing = START_SPACING_S;
    this.#buildSeq++;
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
    if (t < this.#lastT) {
      // reset: sim time went back
      this.#n = 0;
      this.#spacing = START_SPACING_S;
    } else if (t - this.#lastT < this.#spacing) return;
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
    const from = n > 0 ? t[n - 1]! - this.#window : 0;
    while (start < n && t[start]! < from) start++;
    const data: uPlot.AlignedData = [t.subarray(start, n), ...this.#selected.map((k) => this.#ys[k]!.subarray(start, n))];
    this.#chart.setData(data);
    // The sim-time span drawn, for people reading the page's state (and its tests).
    if (n > start) {
      this.root.dataset['from'] = t[start]!.toFixed(2);
      this.root.dataset['to'] = t[n - 1]!.toFixed(2);
    }
  }

  /** Keep every other sample and double the spacing: the whole run stays, at half the detail. */
  #compact(): void {
    const n = this.#n;
    let w = 0;
    for (let r = 0; r < n; r += 2, w++) {
      this.#t[w] = this.#t[r]!;
      for (const y of this.#ys) y[w] = y[r]!;
    }
    this.#n = w;
    this.#spacing *= 2;
  }

  /**
   * Fill the past from the run's recording: the newest recording of `line` written to in the
   * last seconds (the live run's own, `twinloop start` records by default). Its recording time
   * continues across resets, so it is mapped onto sim time through its last frame, and only
   * the stretch since the last reset is kept. Samples the
   * page took itself stay; older ones come before them. Quietly does nothing without one.
   */
  async loadHistory(line: string, store: SignalStore): Promise<void> {
    const seq = this.#buildSeq;
    // The mapping needs the run's current time: wait for the first values (bounded).
    for (let i = 0; i < 100 && !store.ready; i++) await new Promise((r) => setTimeout(r, 100));
    if (!store.ready) return;
    const now = Date.now();
    const rows = (await listRecordings()).filter((r) => r.line === line && now - r.wallEnd < LIVE_RECORDING_MS && Number.isFinite(r.to));
    const row = rows.sort((a, b) => b.wallEnd - a.wallEnd)[0];
    if (row === undefined) return;
    const detail = await openRecording(row.id);
    const names = this.#candidates.map((c) => c.name).filter((n) => detail.signalList.some((s) => s.name === n));
    const s = await series(row.id, names, row.from, row.to, HISTORY_POINTS);
    if (seq !== this.#buildSeq || s.t.length === 0) return;
    // Recording time -> sim time, from the last recorded frame, which carries both (`rt` and
    // `time`). A reset restarts sim time while recording time goes on: the stretch before the
    // last reset maps below 0 and is dropped.
    const last = (await frameAt(row.id, s.t[s.t.length - 1]!)) as Awaited<ReturnType<typeof frameAt>> & { rt?: number };
    if (seq !== this.#buildSeq || last.rt === undefined) return;
    const offset = last.time - last.rt;
    const firstOwn = this.#n > 0 ? this.#t[0]! : Infinity;
    const col = new Map(s.series.map((x) => [x.name, x.values]));
    const keep: number[] = [];
    for (let i = 0; i < s.t.length; i++) {
      const simT = s.t[i]! + offset;
      if (simT >= 0 && simT < firstOwn) keep.push(i);
    }
    if (keep.length === 0) return;
    // Merge: the history, then the page's own samples, decimated to fit.
    const own = this.#n;
    const total = keep.length + own;
    const stride = Math.max(1, Math.ceil(total / (CAPACITY * 0.75)));
    const t = new Float64Array(total);
    const ys = this.#candidates.map(() => new Float32Array(total));
    keep.forEach((i, j) => {
      t[j] = s.t[i]! + offset;
      this.#candidates.forEach((c, k) => {
        const v = col.get(c.name)?.[i];
        ys[k]![j] = v === null || v === undefined ? NaN : v;
      });
    });
    t.set(this.#t.subarray(0, own), keep.length);
    ys.forEach((y, k) => y.set(this.#ys[k]!.subarray(0, own), keep.length));
    let w = 0;
    for (let r = 0; r < total; r += stride, w++) {
      this.#t[w] = t[r]!;
      ys.forEach((y, k) => (this.#ys[k]![w] = y[r]!));
    }
    this.#n = w;
    this.#lastT = w > 0 ? this.#t[w - 1]! : -Infinity;
    this.#spacing = Math.max(this.#spacing, ((t[total - 1]! - t[0]!) / CAPACITY) * 1.5);
    this.#dirty = true;
    this.root.dataset['history'] = String(keep.length);
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
    // Time ticks no closer than the labels' resolution (a tenth of a second): finer ticks would
    // repeat the same label ("0:07.2 0:07.2 ...") on a short window.
    const axes: uPlot.Axis[] = [{ values: (_u, splits) => splits.map(formatSimTime), incrs: TIME_INCRS, stroke: '#333', grid: { stroke: '#d4d4d4' } }];
    units.forEach((unit, i) => axes.push({ scale: unit, label: unit, side: i % 2 === 0 ? 3 : 1, stroke: '#333', grid: { show: i === 0, stroke: '#d4d4d4' }, size: 56 }));
    const scales: uPlot.Scales = { x: { time: false } };
    for (const unit of units) scales[unit] = { range: (_u, min, max) => yRange(unit === '-' ? '' : unit, min, max) };
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
