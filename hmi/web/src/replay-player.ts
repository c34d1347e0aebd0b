// Replay transport: the time slider, play/pause at 1x or 10x, the time shown, and the CSV link
// for the trend's visible range. It owns the replay cursor (recording time) and fetches the
// frame in force there, one request in flight, latest time wins, into the signal store. After
// a jump it refills the trend's window from the series API (through a second store, so the
// trend code is the live one, unchanged).

import type { ValuesFrame } from '../../protocol.ts';
import { h, setText } from './element.ts';
import { formatSimTime } from './format.ts';
import { csvUrl, frameAt, series, type RecordingDetail } from './replay-api.ts';
import { SignalStore } from './signal-store.ts';
import type { Trend } from './trend.ts';

/** Seconds of history the trend shows (trend.ts WINDOW_S). */
const TREND_WINDOW_S = 300;
const BACKFILL_POINTS = 900;
const MAX_TREND_SIGNALS = 200;
const SPEEDS = [1, 10] as const;

export class ReplayPlayer {
  readonly root: HTMLElement;
  readonly #rec: RecordingDetail;
  readonly #store: SignalStore;
  readonly #trend: Trend;
  readonly #onState: (playing: boolean, speed: number) => void;
  readonly #slider: HTMLInputElement;
  readonly #play = h('button', { type: 'button', 'data-testid': 'replay-play' }, 'Play');
  readonly #time = h('span', { class: 'replay-time', 'data-testid': 'replay-time' }, '—');
  readonly #csv = h('a', { class: 'replay-csv', 'data-testid': 'replay-csv', download: '' }, 'Export CSV (visible range)');
  readonly #speedButtons: HTMLButtonElement[] = [];
  #cursor: number;
  #playing = false;
  #speed = 1;
  #lastNow = -1;
  #inFlight = false;
  /** Consecutive failed frame requests (retried a few times). */
  #failures = 0;
  #requested = NaN;
  #dragging = false;

  constructor(rec: RecordingDetail, store: SignalStore, trend: Trend, onState: (playing: boolean, speed: number) => void) {
    this.#rec = rec;
    this.#store = store;
    this.#trend = trend;
    this.#onState = onState;
    this.#cursor = rec.from;
    const step = rec.rateHz ? 1 / rec.rateHz : 0.02;
    this.#slider = h('input', { type: 'range', class: 'replay-slider', 'data-testid': 'replay-slider', min: String(rec.from), max: String(rec.to), step: String(step), value: String(rec.from) });
    this.#slider.addEventListener('input', () => {
      this.#dragging = true;
      this.seek(Number(this.#slider.value), false);
    });
    this.#slider.addEventListener('change', () => {
      this.#dragging = false;
      this.seek(Number(this.#slider.value), true);
    });
    this.#play.addEventListener('click', () => this.#setPlaying(!this.#playing));
    for (const s of SPEEDS) {
      const b = h('button', { type: 'button', 'data-testid': `replay-speed-${s}` }, `${s}x`);
      b.addEventListener('click', () => {
        this.#speed = s;
        this.#onState(this.#playing, s);
        this.render();
      });
      this.#speedButtons.push(b);
    }
    this.root = h(
      'section',
      { class: 'replay-player controls' },
      h('span', { class: 'ctl-group' }, this.#play, ...this.#speedButtons),
      this.#slider,
      this.#time,
      this.#csv,
    );
    this.render();
  }

  /** Jump to recording time t; `refill` also reloads the trend's window up to t. */
  seek(t: number, refill: boolean): void {
    this.#cursor = Math.min(this.#rec.to, Math.max(this.#rec.from, t));
    this.#fetch();
    if (refill) void this.#refillTrend(this.#cursor);
  }

  /** Advance while playing (call every animation frame). */
  tick(now: number): void {
    const last = this.#lastNow;
    this.#lastNow = now;
    if (!this.#playing || last < 0) return;
    this.#cursor += ((now - last) / 1000) * this.#speed;
    if (this.#cursor >= this.#rec.to) {
      this.#cursor = this.#rec.to;
      this.#setPlaying(false);
    }
    this.#fetch();
  }

  render(): void {
    if (!this.#dragging) this.#slider.value = String(this.#cursor);
    setText(this.#play, this.#playing ? 'Pause' : 'Play');
    this.#play.classList.toggle('active', this.#playing);
    this.#speedButtons.forEach((b, i) => b.classList.toggle('active', SPEEDS[i] === this.#speed));
    setText(this.#time, `${formatSimTime(this.#cursor)} / ${formatSimTime(this.#rec.to)}`);
    const from = Math.max(this.#rec.from, this.#cursor - TREND_WINDOW_S);
    this.#csv.setAttribute('href', csvUrl(this.#rec.id, from, this.#cursor));
  }

  #setPlaying(on: boolean): void {
    if (on && this.#cursor >= this.#rec.to) this.#cursor = this.#rec.from; // play again from the start
    this.#playing = on;
    this.#onState(on, this.#speed);
    this.render();
  }

  /** Fetch the frame at the cursor unless one is in flight (its answer triggers the next). */
  #fetch(): void {
    if (this.#inFlight || this.#requested === this.#cursor) return;
    const t = this.#cursor;
    this.#requested = t;
    this.#inFlight = true;
    frameAt(this.#rec.id, t).then(
      (frame) => {
        this.#inFlight = false;
        this.#failures = 0;
        this.#store.apply(frame);
        this.#onState(this.#playing, this.#speed);
        if (this.#requested !== this.#cursor) this.#fetch();
      },
      (err: unknown) => {
        this.#inFlight = false;
        console.warn(`replay frame at ${t}: ${(err as Error).message}`);
        // Forget the failed request so the same position is asked again (a busy server, a
        // dropped connection); a few tries, then it waits for the next seek.
        this.#requested = Number.NaN;
        if (++this.#failures <= 3) setTimeout(() => this.#fetch(), 300 * this.#failures);
      },
    );
  }

  /** Feed the trend the window before t from the series API, then let live sampling go on. */
  async #refillTrend(t: number): Promise<void> {
    const cands = this.#store.catalog.filter((e) => !e.name.startsWith('items.')).slice(0, MAX_TREND_SIGNALS);
    const from = Math.max(this.#rec.from, t - TREND_WINDOW_S);
    let s;
    try {
      s = await series(this.#rec.id, cands.map((c) => c.name), from, t, BACKFILL_POINTS);
    } catch (err) {
      console.warn(`replay trend: ${(err as Error).message}`);
      return;
    }
    const feed = new SignalStore();
    feed.reset({ t: 'catalog', v: 1, line: this.#store.line, signals: this.#store.catalog, layout: [], status: this.#store.status! });
    const ids = new Uint32Array(cands.map((c) => c.id));
    const vals = new Float64Array(cands.length);
    const frame: ValuesFrame = { t: 'values', key: true, tick: 0, time: 0, ids: new Uint8Array(ids.buffer), values: new Uint8Array(vals.buffer), quality: new Uint8Array(cands.length) };
    for (let i = 0; i < s.t.length; i++) {
      for (let k = 0; k < cands.length; k++) vals[k] = s.series[k]?.values[i] ?? NaN;
      frame.time = s.t[i]!;
      feed.apply(frame);
      this.#trend.sample(feed);
    }
  }
}
