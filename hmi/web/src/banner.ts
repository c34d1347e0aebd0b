// The top banner: what this screen is showing (SIMULATION / SHADOW / REPLAY — the HMI always
// says the values are not the plant's), the link state, and the run's state, pace, tick, sim
// time, the pace achieved (marked when a real-time run falls behind it), tick lateness,
// controller connections (with an OPC UA server's granted intervals and each controller's last
// error), an ST program's RUN/STOP (STOP in red with where it faulted), and how many signals
// are forced and faults injected (marked while any is: nothing forced or faked goes unseen).
// Rendered at animation-frame rate from the store.

import type { RunStatus } from '../../../core/engine/run-control.ts';
import type { LinkState } from './connection.ts';
import { h, setText } from './element.ts';
import { formatMicros, formatPace, formatSimTime } from './format.ts';
import { baseName } from './program-api.ts';
import { controllerText } from './controller-status.ts';
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
  readonly #program = h('span', { class: 'prog-state', 'data-testid': 'banner-program' });
  readonly #overrides = h('span', { class: 'overrides', 'data-testid': 'banner-forces', title: 'signals forced by an engineer and faults injected into the model' }, '—');
  readonly #programField: HTMLElement;
  /** Fields that describe a live run (link, pace keeping, lateness, controllers, forces): a replay hides them. */
  readonly #liveOnly: HTMLElement[] = [];
  #link: LinkState = { kind: 'connecting' };

  constructor() {
    const field = (label: string, value: HTMLElement): HTMLElement => h('span', { class: 'field' }, h('span', { class: 'label' }, label), value);
    this.root = h(
      'header',
      { class: 'banner' },
      h('span', { class: 'mode-box' }, this.#mode, this.#modeSub),
      this.#line,
      this.#live(field('link', this.#conn)),
      field('run', this.#state),
      field('pace', this.#pace),
      field('tick', this.#tick),
      field('sim time', this.#time),
      this.#live(field('x real time', this.#achieved)),
      this.#live(field('tick late p99', this.#late)),
      this.#live(field('controller', this.#plc)),
      this.#live(field('forced', this.#overrides)),
    );
    // Shown only when the controller runs an ST program.
    this.#programField = field('program', this.#program);
    this.#programField.hidden = true;
    this.root.append(this.#programField);
  }

  #live(f: HTMLElement): HTMLElement {
    f.dataset['liveOnly'] = 'true';
    this.#liveOnly.push(f);
    return f;
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
    const replay = st.mode === 'replay';
    for (const f of this.#liveOnly) if (f.hidden !== replay) f.hidden = replay;
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
    let title = '';
    let plcOk = true;
    for (const c of st.controllers) {
      const t = controllerText(c);
      plc += `${plc ? ', ' : ''}${t.text}`;
      title += `${title ? '\n\n' : ''}${t.title}`;
      if (!t.ok) plcOk = false;
    }
    setText(this.#plc, plc || 'none');
    if (this.#plc.title !== title) this.#plc.title = title;
    this.#plc.dataset['ok'] = String(plcOk);
    this.#renderProgram(st.controllers);
    const forces = st.forces?.length ?? 0;
    const faults = st.faults ?? 0;
    setText(this.#overrides, `${forces} ${forces === 1 ? 'force' : 'forces'} · ${faults} ${faults === 1 ? 'fault' : 'faults'}`);
    this.#overrides.dataset['active'] = String(forces + faults > 0);
  }

  #renderProgram(controllers: RunStatus['controllers']): void {
    const p = controllers.find((c) => c.program !== undefined)?.program;
    this.#programField.hidden = p === undefined;
    if (p === undefined) return;
    const f = p.fault;
    // STOP says where, so whoever watches knows at a glance which line of which file stopped it.
    setText(this.#program, p.status === 'run' ? 'RUN' : f !== null ? `STOP ${baseName(f.file)}:${f.line}:${f.col}` : 'STOP');
    this.#program.dataset['status'] = p.status;
    const title = f !== null ? `${p.name} in STOP: ${f.message} at ${f.file}:${f.line}:${f.col} (${f.pou}, scan ${f.scan}). Reset restarts it.` : `${p.name}: ${p.status.toUpperCase()}`;
    if (this.#program.title !== title) this.#program.title = title;
  }
}
