// The alarm banner: one line, always on screen (sticky at the top), showing the most urgent
// unacknowledged alarm (lowest priority number, then the newest) with its priority, message
// and age, and how many others wait. With none it says so in a quiet grey: colour on this
// strip always means an alarm waits for someone.

import { formatAge, isUnacked, PRIORITY_NAMES, type AlarmsResponse, type AlarmView } from './alarm-api.ts';
import { h, setText } from './element.ts';

export class AlarmBanner {
  readonly root: HTMLElement;
  readonly #priority = h('span', { class: 'alarm-prio', 'data-testid': 'alarm-banner-priority' });
  readonly #text = h('span', { class: 'alarm-text', 'data-testid': 'alarm-banner-text' }, 'alarms: waiting for the server…');
  readonly #age = h('span', { class: 'alarm-age' });
  readonly #more = h('span', { class: 'alarm-more', 'data-testid': 'alarm-banner-count' });

  /** `open` shows an alarm in the list (click on the banner). */
  constructor(open: (id: number) => void) {
    this.root = h('div', { class: 'alarm-banner', 'data-testid': 'alarm-banner', 'data-state': 'unknown', role: 'status', 'aria-live': 'polite' }, this.#priority, this.#text, this.#age, this.#more);
    this.root.addEventListener('click', () => {
      const id = Number(this.root.dataset['id']);
      if (Number.isInteger(id) && id > 0) open(id);
    });
  }

  render(r: AlarmsResponse): void {
    let top: AlarmView | undefined;
    let waiting = 0;
    for (const a of r.alarms) {
      // Advisories (a shadow run whose model is not signed off) are listed, never annunciated.
      if (!isUnacked(a) || a.advisory) continue;
      waiting++;
      if (top === undefined || a.priority < top.priority || (a.priority === top.priority && a.stateSince > top.stateSince)) top = a;
    }
    if (top === undefined) {
      this.root.dataset['state'] = 'clear';
      this.root.dataset['id'] = '';
      delete this.root.dataset['priority'];
      setText(this.#priority, '');
      setText(this.#text, 'no unacknowledged alarms');
      setText(this.#age, '');
      setText(this.#more, r.journalHealthy ? '' : 'alarm journal cannot be written');
      return;
    }
    this.root.dataset['state'] = top.state;
    this.root.dataset['priority'] = String(top.priority);
    this.root.dataset['id'] = String(top.id);
    setText(this.#priority, PRIORITY_NAMES[top.priority] ?? String(top.priority));
    setText(this.#text, top.message);
    setText(this.#age, top.active ? `for ${formatAge(r.now - (top.since ?? top.stateSince))}` : 'returned');
    setText(this.#more, waiting > 1 ? `+${waiting - 1} more unacknowledged` : '');
  }

  /** The server could not be asked: say so, and never show a stale "clear". */
  failed(message: string): void {
    this.root.dataset['state'] = 'unknown';
    setText(this.#priority, '');
    setText(this.#text, `alarms unavailable: ${message}`);
    setText(this.#age, '');
    setText(this.#more, '');
  }
}
