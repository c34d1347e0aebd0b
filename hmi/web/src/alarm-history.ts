// Alarm history: the journal's latest events (newest first), who did what with which note,
// read when the tab is opened and on "refresh" (it is a record, not a live view).

import { fetchHistory, formatAt, PRIORITY_NAMES, STATE_LABELS } from './alarm-api.ts';
import { h, setText } from './element.ts';

const LIMIT = 500;

export class AlarmHistory {
  readonly root: HTMLElement;
  readonly #body = h('tbody', { 'data-testid': 'alarm-history-rows' });
  readonly #status = h('span', { class: 'alarm-status', role: 'status' });

  constructor() {
    const refresh = h('button', { type: 'button', 'data-testid': 'alarm-history-refresh' }, 'Refresh');
    refresh.addEventListener('click', () => void this.load());
    this.root = h(
      'section',
      { class: 'alarm-history', 'data-testid': 'alarm-history' },
      h('div', { class: 'alarm-tools' }, refresh, h('span', { class: 'label' }, `latest ${LIMIT} events`), this.#status),
      h('table', { class: 'alarm-table' }, h('thead', {}, h('tr', {}, ...['time', 'event', 'alarm', 'from → to', 'priority', 'by', 'note'].map((t) => h('th', {}, t)))), this.#body),
    );
  }

  async load(): Promise<void> {
    try {
      const { events } = await fetchHistory(LIMIT);
      setText(this.#status, `${events.length} events`);
      this.#body.replaceChildren(
        ...events.map((e) =>
          h(
            'tr',
            { 'data-kind': e.kind },
            h('td', {}, formatAt(e.at)),
            h('td', {}, e.kind),
            h('td', {}, h('div', { class: 'alarm-msg' }, e.message), h('div', { class: 'alarm-key' }, e.key)),
            h('td', {}, `${STATE_LABELS[e.from] ?? e.from} → ${STATE_LABELS[e.to] ?? e.to}`),
            h('td', {}, PRIORITY_NAMES[e.priority] ?? String(e.priority)),
            h('td', {}, e.user ?? ''),
            h('td', {}, e.note ?? ''),
          ),
        ),
      );
    } catch (err) {
      setText(this.#status, (err as Error).message);
    }
  }
}
