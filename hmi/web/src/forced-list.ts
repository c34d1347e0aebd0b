// The "Forced" strip under the banner: every signal an engineer holds at a value, with the value,
// who forced it and since when, as WinCC and TwinCAT list forced tags. It is on every page load
// for every role while any force is active (a viewer must see that the line is not running on
// the model's own values), and gone when none is. Engineers get a Release button per force and
// Release all; each asks for confirmation and is audited by the server.

import type { ForceInfo } from '../../../core/engine/run-control.ts';
import { apiRequest } from './api-request.ts';
import { confirmAction } from './confirm-dialog.ts';
import { h, setText } from './element.ts';
import { formatValue, isoTime } from './format.ts';
import type { SignalStore } from './signal-store.ts';

export class ForcedList {
  readonly root: HTMLElement;
  readonly #rows = h('tbody');
  readonly #title = h('h2', {}, 'Forced');
  readonly #message = h('span', { class: 'forced-message', role: 'status', 'data-testid': 'forced-message' });
  readonly #releaseAll: HTMLButtonElement | undefined;
  readonly #engineer: boolean;
  /** The forces drawn (the status object's list): redrawn only when it changes. */
  #shown: readonly ForceInfo[] | undefined;

  constructor(engineer: boolean) {
    this.#engineer = engineer;
    this.#releaseAll = engineer ? h('button', { type: 'button', 'data-testid': 'btn-release-all' }, 'Release all') : undefined;
    this.#releaseAll?.addEventListener('click', () => void this.#release(null));
    this.root = h(
      'section',
      { class: 'forced-strip', 'data-testid': 'forced-panel', hidden: '' },
      h('div', { class: 'forced-head' }, this.#title, ...(this.#releaseAll ? [this.#releaseAll] : []), this.#message),
      h('table', { class: 'forced-table' }, h('thead', {}, h('tr', {}, h('th', {}, 'signal'), h('th', {}, 'forced value'), h('th', {}, 'by'), h('th', {}, 'since'), ...(engineer ? [h('th', {})] : []))), this.#rows),
    );
  }

  render(store: SignalStore): void {
    const forces = store.status?.forces ?? [];
    if (sameForces(forces, this.#shown)) return;
    this.#shown = forces;
    this.root.hidden = forces.length === 0;
    setText(this.#title, `Forced (${forces.length})`);
    this.#rows.replaceChildren(
      ...forces.map((f) => {
        const e = store.entry(f.signal);
        const cells = [
          h('td', { class: 'forced-signal' }, f.signal),
          h('td', { class: 'num' }, formatValue(f.value, e?.unit ?? '', e?.type ?? 'real')),
          h('td', {}, f.by ?? '—'),
          h('td', {}, isoTime(f.since)),
        ];
        if (this.#engineer) {
          const b = h('button', { type: 'button', 'data-testid': `btn-release-${f.signal}` }, 'Release');
          b.addEventListener('click', () => void this.#release(f.signal));
          cells.push(h('td', {}, b));
        }
        return h('tr', { 'data-testid': `forced-${f.signal}` }, ...cells);
      }),
    );
  }

  async #release(signal: string | null): Promise<void> {
    const what = signal ?? `all ${this.#shown?.length ?? 0} forced signals`;
    const facts: [string, string][] = (this.#shown ?? []).filter((f) => signal === null || f.signal === signal).map((f) => [f.signal, `forced to ${f.value} by ${f.by ?? '—'}`]);
    const ok = await confirmAction({ title: signal === null ? 'Release every force' : `Release ${signal}`, facts, note: "The model's own values take over at once.", ok: 'Release' });
    if (!ok) return;
    try {
      if (signal === null) await apiRequest('DELETE', '/api/forces', { confirm: true });
      else await apiRequest('DELETE', `/api/signals/${encodeURIComponent(signal)}/force`, { confirm: true });
      setText(this.#message, `released ${what}`);
    } catch (err) {
      setText(this.#message, (err as Error).message);
    }
  }
}

function sameForces(a: readonly ForceInfo[], b: readonly ForceInfo[] | undefined): boolean {
  if (b === undefined || a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k]!.signal !== b[k]!.signal || a[k]!.value !== b[k]!.value || a[k]!.since !== b[k]!.since) return false;
  return true;
}
