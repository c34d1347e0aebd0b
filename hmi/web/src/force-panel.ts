// Engineer tools on the page: force or release a sensor/actuator signal, inject a "stuck" fault
// on it, and see and clear the active faults. Built only for engineers and admins (others are
// not offered it). Each action asks for confirmation and sends `confirm: true`; the server
// checks role, type, range and mode again and audits before acting. Answers and refusals
// (e.g. 409 in shadow mode, 501 when the run lacks the feature) are shown in the panel.

import type { FaultInfo } from '../../../core/engine/run-control.ts';
import { ApiError, apiRequest } from './api-request.ts';
import { h, setText } from './element.ts';
import type { SignalStore } from './signal-store.ts';
import { modeRefusal } from './controls.ts';

const api = (method: string, path: string, body?: unknown): Promise<unknown> => apiRequest<unknown>(method, path, body);

export class ForcePanel {
  readonly root: HTMLElement;
  readonly #signal = h('select', { 'data-testid': 'force-signal', 'aria-label': 'signal' });
  readonly #value = h('input', { 'data-testid': 'force-value', 'aria-label': 'value', inputmode: 'decimal', size: '8', value: '0' });
  readonly #status = h('span', { class: 'force-status', 'data-testid': 'force-status', role: 'status' });
  readonly #faults = h('ul', { class: 'fault-list', 'data-testid': 'fault-list' });
  #built = false;
  readonly #buttons: HTMLButtonElement[] = [];

  constructor() {
    const button = (id: string, label: string, fn: () => Promise<void>): HTMLButtonElement => {
      const el = h('button', { type: 'button', 'data-testid': id }, label);
      el.addEventListener('click', () => void this.#run(el, fn));
      this.#buttons.push(el);
      return el;
    };
    this.root = h(
      'section',
      { class: 'force-panel ctl-group', 'data-testid': 'force-panel' },
      h('span', { class: 'label' }, 'engineer'),
      this.#signal,
      this.#value,
      button('btn-force', 'Force', () => this.#force()),
      button('btn-release', 'Release', () => this.#release()),
      button('btn-fault-stuck', 'Inject stuck', () => this.#stuck()),
      this.#status,
      this.#faults,
    );
  }

  /** Offer the buttons only where the run takes them (not in shadow or replay), saying why not. */
  render(store: SignalStore): void {
    const st = store.status;
    if (st === undefined) return;
    const refusal = modeRefusal(st);
    for (const b of this.#buttons) {
      if (b.disabled !== (refusal !== null)) b.disabled = refusal !== null;
      const title = refusal ?? '';
      if (b.title !== title) b.title = title;
    }
  }

  /** Fill the signal list from the catalog (sensors and actuators: what a PLC exchanges). */
  build(store: SignalStore): void {
    this.#signal.replaceChildren(...store.catalog.filter((e) => e.kind !== 'state').map((e) => h('option', { value: e.name }, `${e.name} (${e.type})`)));
    if (!this.#built) void this.#refreshFaults();
    this.#built = true;
  }

  async #run(el: HTMLButtonElement, fn: () => Promise<void>): Promise<void> {
    el.disabled = true;
    try {
      await fn();
    } catch (err) {
      // The server's sentence; its code (SIG_TYPE, RUN_MODE_READONLY ...) on hover.
      setText(this.#status, (err as Error).message);
      this.#status.title = err instanceof ApiError ? err.code : '';
    } finally {
      el.disabled = false;
    }
  }

  #readValue(): number {
    const v = Number(this.#value.value);
    if (this.#value.value.trim() === '' || !Number.isFinite(v)) throw new Error('the value must be a number');
    return v;
  }

  async #force(): Promise<void> {
    const name = this.#signal.value;
    const value = this.#readValue();
    if (!window.confirm(`Force ${name} to ${value}?`)) return;
    await api('POST', `/api/signals/${encodeURIComponent(name)}/force`, { value, confirm: true });
    setText(this.#status, `${name} forced to ${value}`);
  }

  async #release(): Promise<void> {
    const name = this.#signal.value;
    if (!window.confirm(`Release ${name}?`)) return;
    await api('DELETE', `/api/signals/${encodeURIComponent(name)}/force`, { confirm: true });
    setText(this.#status, `${name} released`);
  }

  async #stuck(): Promise<void> {
    const name = this.#signal.value;
    const value = this.#readValue();
    if (!window.confirm(`Inject a fault: ${name} stuck at ${value}?`)) return;
    await api('POST', '/api/faults', { target: 'signal', signal: name, kind: 'stuck', value, confirm: true });
    setText(this.#status, `fault injected: ${name} stuck at ${value}`);
    await this.#refreshFaults();
  }

  async #refreshFaults(): Promise<void> {
    let faults: readonly FaultInfo[] = [];
    try {
      faults = ((await api('GET', '/api/faults')) as { faults: FaultInfo[] }).faults;
    } catch (err) {
      setText(this.#status, (err as Error).message);
    }
    this.#faults.replaceChildren(
      ...faults.map((f) => {
        const what = f.spec.target === 'signal' ? `${f.spec.signal} ${f.spec.kind}${f.spec.value !== undefined ? ` ${f.spec.value}` : ''}` : `${f.spec.component} ${f.spec.kind}`;
        const clear = h('button', { type: 'button', 'data-testid': `btn-fault-clear-${f.id}` }, 'Clear');
        clear.addEventListener('click', () =>
          void this.#run(clear, async () => {
            if (!window.confirm(`Clear fault #${f.id} (${what})?`)) return;
            await api('DELETE', `/api/faults/${f.id}`, { confirm: true });
            setText(this.#status, `fault #${f.id} cleared`);
            await this.#refreshFaults();
          }),
        );
        return h('li', { 'data-testid': 'fault' }, `#${f.id} ${what} `, clear);
      }),
    );
  }
}
