// Run controls: pause, single-step, resume, pace 1x/10x/fast, reset. Each button calls the REST
// API; the answer is the new run status (shown at once, without waiting for a status frame),
// and a refusal shows the server's error code and reason next to the buttons. Offered only to
// engineers and admins (the server refuses everyone else anyway); pace and reset ask for an
// explicit confirmation, which the request carries as `confirm: true`. What the run's mode
// refuses is not offered: a shadow or replay run follows the real line or a recording (no pause,
// step, reset or pace), and a network PLC runs in real time only (no 10x, no fast); such buttons
// are disabled with the reason on hover. Refusals read as the server's sentence, its code in
// the hover text.

import type { Pace, RunStatus } from '../../../core/engine/run-control.ts';
import { h, setText } from './element.ts';
import { may, type PageSession } from './session.ts';
import type { SignalStore } from './signal-store.ts';

interface Action {
  readonly id: string;
  readonly label: string;
  readonly method: 'POST' | 'PUT';
  readonly path: string;
  readonly body?: unknown;
  readonly title: string;
  /** Ask the user first, then send `confirm: true`. */
  readonly confirm?: string;
}

const PACES: ReadonlyArray<{ id: string; label: string; pace: Pace }> = [
  { id: 'btn-pace-1', label: '1x', pace: { kind: 'realtime', factor: 1 } },
  { id: 'btn-pace-10', label: '10x', pace: { kind: 'realtime', factor: 10 } },
  { id: 'btn-pace-fast', label: 'fast', pace: { kind: 'fast' } },
];

const ACTIONS: readonly Action[] = [
  { id: 'btn-pause', label: 'Pause', method: 'POST', path: '/api/run/pause', title: 'Pause the model' },
  { id: 'btn-step', label: 'Step', method: 'POST', path: '/api/run/step', title: 'Advance a paused model by one controller cycle' },
  { id: 'btn-resume', label: 'Resume', method: 'POST', path: '/api/run/resume', title: 'Run the model again' },
];

export class Controls {
  readonly root: HTMLElement;
  readonly #error = h('span', { class: 'ctl-error', 'data-testid': 'ctl-error', role: 'status' });
  readonly #paceButtons: Array<{ el: HTMLButtonElement; pace: Pace }> = [];
  readonly #store: SignalStore;
  readonly #byId = new Map<string, HTMLButtonElement>();
  readonly #titles = new Map<string, string>();
  #busy = false;

  constructor(store: SignalStore, session: PageSession) {
    this.#store = store;
    if (!may(session, 'engineer')) {
      // Not offered at all: a viewer or operator sees the line, not buttons that would be refused.
      this.root = h('nav', { class: 'controls', 'data-testid': 'controls-view-only' }, h('span', { class: 'label' }, `view only (${session.role ?? 'anonymous'})`), this.#error);
      return;
    }
    const run = h('div', { class: 'ctl-group' });
    for (const a of ACTIONS) run.append(this.#button(a));
    const pace = h('div', { class: 'ctl-group' }, h('span', { class: 'label' }, 'pace'));
    for (const p of PACES) {
      const el = this.#button({ id: p.id, label: p.label, method: 'PUT', path: '/api/run/pace', body: p.pace, title: `Pace ${p.label}`, confirm: `Change the pace to ${p.label}?` });
      this.#paceButtons.push({ el, pace: p.pace });
      pace.append(el);
    }
    const reset = h('div', { class: 'ctl-group' });
    reset.append(this.#button({ id: 'btn-reset', label: 'Reset', method: 'POST', path: '/api/run/reset', body: {}, title: 'Reset the model to its initial state', confirm: 'Reset the model to its initial state?' }));
    this.root = h('nav', { class: 'controls' }, run, pace, reset, this.#error);
  }

  #button(a: Action): HTMLButtonElement {
    const el = h('button', { type: 'button', 'data-testid': a.id, title: a.title }, a.label);
    el.addEventListener('click', () => void this.#call(a));
    this.#byId.set(a.id, el);
    this.#titles.set(a.id, a.title);
    return el;
  }

  async #call(a: Action): Promise<void> {
    if (this.#busy) return;
    if (a.confirm !== undefined && !window.confirm(a.confirm)) return;
    this.#busy = true;
    setText(this.#error, '');
    try {
      const init: RequestInit = { method: a.method };
      if (a.body !== undefined) {
        init.headers = { 'content-type': 'application/json' };
        init.body = JSON.stringify(a.confirm !== undefined ? { ...(a.body as object), confirm: true } : a.body);
      }
      const res = await fetch(a.path, init);
      const body = (await res.json().catch(() => ({}))) as Partial<RunStatus> & { error?: string; message?: string };
      if (!res.ok) {
        setText(this.#error, `${a.label} refused: ${body.message ?? res.statusText}`);
        this.#error.title = body.error ?? String(res.status);
      }
      else if (body.state !== undefined) this.#store.setStatus(body as RunStatus);
    } catch (err) {
      setText(this.#error, `${a.label}: ${(err as Error).message}`);
    } finally {
      this.#busy = false;
    }
  }

  /** Mark the active pace and which run buttons make sense in the current state. */
  render(store: SignalStore): void {
    const st = store.status;
    if (st === undefined) return;
    for (const { el, pace } of this.#paceButtons) {
      const on = pace.kind === st.pace.kind && (pace.kind === 'fast' || (st.pace.kind === 'realtime' && pace.factor === st.pace.factor));
      el.classList.toggle('active', on);
    }
    if (this.#byId.size === 0) return; // view only
    const follows = modeRefusal(st);
    const network = st.controllers.find((c) => c.protocol !== 'sim' && c.protocol !== 'none');
    const realTimeOnly = network !== undefined ? `${network.name} is a real ${network.protocol} PLC: the line runs in real time only (1x)` : null;
    const paused = st.state === 'paused';
    this.#offer('btn-step', follows ?? (paused ? null : 'Step works on a paused model: pause first'));
    this.#offer('btn-resume', follows ?? (paused ? null : 'the model is not paused'));
    this.#offer('btn-pause', follows ?? (st.state === 'running' ? null : `the model is ${st.state}`));
    this.#offer('btn-reset', follows);
    this.#offer('btn-pace-1', follows);
    this.#offer('btn-pace-10', follows ?? realTimeOnly);
    this.#offer('btn-pace-fast', follows ?? realTimeOnly);
  }

  /** Enable a button, or disable it with the reason as its hover text. */
  #offer(id: string, refusal: string | null): void {
    const el = this.#byId.get(id);
    if (el === undefined) return;
    el.disabled = refusal !== null;
    const title = refusal ?? this.#titles.get(id) ?? '';
    if (el.title !== title) el.title = title;
  }
}

/** Why a run in this mode refuses run control, or null when it takes it (virtual). */
export function modeRefusal(st: RunStatus): string | null {
  if (st.mode === 'shadow') return 'shadow mode: the model follows the real line; it cannot be paused, stepped, reset, re-paced or forced';
  if (st.mode === 'replay') return 'replay: the values come from a recording; use the replay controls';
  return null;
}
