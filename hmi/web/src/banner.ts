// The top banner: what this screen is showing (SIMULATION / SHADOW / REPLAY — the HMI always
// says the values are not the plant's), the link state, and the run's state, pace, tick, sim
// time, the pace achieved (marked when a real-time run falls behind it), tick lateness and
// controller connections. Rendered at animation-frame rate from the store.

import type { LinkState } from './connection.ts';
import { h, setText } from './element.ts';
import { formatMicros, formatPace, formatSimTime } from './format.ts';
import { paceKeeping } from '../../../core/engine/pace-keeping.ts';
import type { SignalStore } from './signal-store.ts';

const MODE_LABEL: Readonly<Record<string, string>> = { virtual: 'SIMULATION', shadow: 'SHADOW', replay: 'REPLAY' };

export class Banner {
  readonly root: HTMLElement;
  readonly #mode = h('span', { class: 'mode', 'data-testid': 'banner' }, 'SIMULATION');
  readonly #modeSub = h('span', { class: 'mode-sub' }, 'mode virtual');
  readonly #line = h('span', { class: 'line-name', 'data-testid': 'line' });
  readonly #conn = h('span', { class: 'conn', 'data-testid': 'conn-state' }, 'connecting');
  readonly #state = h('span', { class: 'run-state', 'data-testid': 'run-state' }, '—');
  readonly #pace = h('span', { 'data-testid': 'pace' }, '—');
  readonly #tick = h('span', { 'data-testid': 'tick' }, '—');
  readonly #time = h('span', { 'data-testid': 'sim-time' }, '—');
  readonly #late = h('span', { 'data-testid': 'late-p99' }, '—');
  readonly #achieved = h('span', { class: 'achieved', 'data-testid': 'pace-achieved', title: 'simulated seconds per wall second' }, '—');
  readonly #plc = h('span', { class: 'plc', 'data-testid': 'controllers' }, '—');
  #link: LinkState = { kind: 'connecting' };

  constructor() {
    const field = (label: string, value: HTMLElement): HTMLElement => h('span', { class: 'field' }, h('span', { class: 'label' }, label), value);
    this.root = h(
      'header',
      { class: 'banner' },
      h('span', { class: 'mode-box' }, this.#mode, this.#modeSub),
      this.#line,
      field('link', this.#conn),
      field('run', this.#state),
      field('pace', this.#pace),
      field('tick', this.#tick),
      field('sim time', this.#time),
      field('x real time', this.#achieved),
      field('tick late p99', this.#late),
      field('controller', this.#plc),
    );
  }

  setLink(link: LinkState): void {
    this.#link = link;
  }

  render(store: SignalStore): void {
    const link = this.#link;
    const connText =
      link.kind === 'connected' ? 'connected' : link.kind === 'connecting' ? 'connecting…' : `reconnecting… ${Math.max(0, Math.ceil((link.retryAt - performance.now()) / 1000))} s (try ${link.attempt})`;
    setText(this.#conn, connText);
    this.#conn.dataset['state'] = link.kind;
    const st = store.status;
    if (st === undefined) return;
    setText(this.#mode, MODE_LABEL[st.mode] ?? st.mode.toUpperCase());
    setText(this.#modeSub, `mode ${st.mode}`);
    setText(this.#line, store.line);
    setText(this.#state, st.state);
    this.#state.dataset['state'] = st.state;
    setText(this.#pace, formatPace(st.pace));
    setText(this.#tick, String(store.tick));
    setText(this.#time, formatSimTime(store.time));
    setText(this.#late, formatMicros(st.stats.lateP99));
    // Only a running real-time run has a pace to keep; otherwise the field shows a dash.
    const keeping = paceKeeping(st);
    setText(this.#achieved, keeping === null ? '—' : `${keeping.achieved.toFixed(2)}x${keeping.behind ? ' BEHIND' : ''}`);
    this.#achieved.dataset['behind'] = String(keeping?.behind ?? false);
    let plc = '';
    let plcOk = true;
    for (const c of st.controllers) {
      plc += `${plc ? ', ' : ''}${c.name} (${c.protocol}) ${c.state}`;
      if (c.state !== 'connected') plcOk = false;
    }
    setText(this.#plc, plc || 'none');
    this.#plc.dataset['ok'] = String(plcOk);
  }
}
