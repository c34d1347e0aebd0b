// The deviation view: for one alarm, the trend of its signals (model and measured, as the
// detector listed them) overlaid in the existing trend component, with the message, the likely
// cause (which compare rule) and since when. It keeps its own Trend, built from the catalog and
// sampled with every frame, so opening it shows the minutes before the alarm, not an empty plot.
// The Trend offers signals as checkboxes; the view ticks exactly the alarm's signals through
// them (the component has no selection API, and this keeps it unchanged).

import { formatAge, formatAt, PRIORITY_NAMES, STATE_LABELS, type AlarmView } from './alarm-api.ts';
import { h, setText } from './element.ts';
import type { SignalStore } from './signal-store.ts';
import { Trend } from './trend.ts';

export class AlarmDeviationView {
  readonly root: HTMLElement;
  readonly #trend = new Trend();
  readonly #title = h('div', { class: 'alarm-msg', 'data-testid': 'deviation-title' });
  readonly #cause = h('div', { class: 'alarm-cause', 'data-testid': 'deviation-cause' });
  readonly #since = h('div', { class: 'alarm-since', 'data-testid': 'deviation-since' });
  readonly #signals = h('div', { class: 'alarm-key', 'data-testid': 'deviation-signals' });
  #alarm: AlarmView | undefined;

  constructor() {
    const close = h('button', { type: 'button', 'data-testid': 'deviation-close' }, 'Close');
    close.addEventListener('click', () => this.close());
    this.root = h('section', { class: 'alarm-deviation panel', 'data-testid': 'deviation-view', hidden: '' }, h('div', { class: 'alarm-tools' }, h('h2', {}, 'Deviation'), close), this.#title, this.#cause, this.#since, this.#signals, this.#trend.root);
  }

  /** A new catalog (every (re)connect): the trend starts over. */
  build(store: SignalStore): void {
    this.#trend.build(store);
    if (this.#alarm !== undefined) this.#select(this.#alarm.signals);
  }

  sample(store: SignalStore): void {
    this.#trend.sample(store);
  }

  redraw(): void {
    if (!this.root.hidden) this.#trend.redraw();
  }

  open(a: AlarmView, now: number): void {
    this.#alarm = a;
    this.root.hidden = false;
    this.#texts(a, now);
    const missing = this.#select(a.signals);
    setText(this.#signals, `signals: ${a.signals.join(', ')}${missing.length > 0 ? ` — not in the trend's list: ${missing.join(', ')}` : ''}`);
    this.root.scrollIntoView({ block: 'nearest' });
  }

  /**
   * Follow the open alarm through a fresh list (each poll, and right after an action): an
   * acknowledge, shelve or return shows in the title at once. An alarm gone from the list
   * keeps its last texts.
   */
  update(alarms: readonly AlarmView[], now: number): void {
    const open = this.#alarm;
    if (open === undefined || this.root.hidden) return;
    const a = alarms.find((x) => x.id === open.id);
    if (a === undefined) return;
    this.#alarm = a;
    this.#texts(a, now);
  }

  #texts(a: AlarmView, now: number): void {
    setText(this.#title, `${PRIORITY_NAMES[a.priority] ?? a.priority} · ${a.message} (${STATE_LABELS[a.state] ?? a.state})`);
    this.root.dataset['state'] = a.state;
    setText(this.#cause, `likely cause: ${a.cause ?? 'not given by the detector'}`);
    setText(this.#since, a.since !== null ? `since ${formatAt(a.since)} (${formatAge(now - a.since)})` : `returned ${formatAge(now - a.stateSince)} ago`);
  }

  close(): void {
    this.root.hidden = true;
    this.#alarm = undefined;
  }

  /** Tick exactly `names` in the trend's list; returns the names it does not offer. */
  #select(names: readonly string[]): string[] {
    const boxes = this.#trend.root.querySelectorAll<HTMLInputElement>('input[type="checkbox"][data-testid^="trend-"]');
    const offered = new Set<string>();
    // Untick first, then tick: each change rebuilds the chart with the ticked series in order.
    for (const box of boxes) {
      const name = box.dataset['testid']!.slice('trend-'.length);
      offered.add(name);
      if (box.checked && !names.includes(name)) {
        box.checked = false;
        box.dispatchEvent(new Event('change'));
      }
    }
    for (const box of boxes) {
      const name = box.dataset['testid']!.slice('trend-'.length);
      if (!box.checked && names.includes(name)) {
        box.checked = true;
        box.dispatchEvent(new Event('change'));
      }
    }
    return names.filter((n) => !offered.has(n));
  }
}
