// The alarm list: current alarms (everything not in normal) with filters on state, priority
// and source, and per row the actions the user's role allows: acknowledge, shelve (minutes),
// unshelve and comment (journaled, no state change) for operators; out of service / return to
// service for engineers; "trend" opens the deviation view. One note field serves every action
// and is required (the server checks it again, with the role). Rows are rebuilt only when the alarms or the filters change.

import { formatAge, formatAt, isUnacked, postAlarmAction, PRIORITY_NAMES, STATE_LABELS, type AlarmAction, type AlarmsResponse, type AlarmView } from './alarm-api.ts';
import { h, setText } from './element.ts';
import { may, type PageSession } from './session.ts';

const SHELVE_MINUTES = [5, 15, 30, 60, 120, 240, 480];

export class AlarmList {
  readonly root: HTMLElement;
  readonly #state = select('alarm-filter-state', 'state', [['', 'any state'], ...Object.entries(STATE_LABELS).filter(([k]) => k !== 'normal')]);
  readonly #priority = select('alarm-filter-priority', 'priority', [['', 'any priority'], ...Object.entries(PRIORITY_NAMES)]);
  readonly #source = select('alarm-filter-source', 'source', [['', 'any source'], ['deviation', 'deviation'], ['communication', 'communication'], ['maintenance', 'maintenance'], ['process', 'process']]);
  readonly #note = h('input', { class: 'alarm-note', 'data-testid': 'alarm-note', 'aria-label': 'note', placeholder: 'note (required for every action)', maxlength: '500', size: '40' });
  readonly #minutes = select('alarm-shelve-minutes', 'shelve for', SHELVE_MINUTES.map((m) => [String(m), `${m} min`]));
  readonly #status = h('span', { class: 'alarm-status', 'data-testid': 'alarm-status', role: 'status' });
  readonly #body = h('tbody', {});
  readonly #count = h('span', { class: 'alarm-count', 'data-testid': 'alarm-count' });
  readonly #session: PageSession;
  readonly #openTrend: (a: AlarmView) => void;
  readonly #changed: () => void;
  #last: AlarmsResponse | undefined;
  #renderedVersion = -1;
  #ages: { el: HTMLElement; a: AlarmView }[] = [];
  #highlight = -1;

  /** `changed` is called after an action succeeded (the panel re-reads the list at once). */
  constructor(session: PageSession, openTrend: (a: AlarmView) => void, changed: () => void) {
    this.#session = session;
    this.#openTrend = openTrend;
    this.#changed = changed;
    for (const f of [this.#state, this.#priority, this.#source]) f.addEventListener('change', () => this.#rebuild());
    // The "write a note first" prompt goes once a note is being written.
    this.#note.addEventListener('input', () => {
      if (/write a note first$/.test(this.#status.textContent ?? '')) setText(this.#status, '');
    });
    const operator = may(session, 'operator');
    this.root = h(
      'section',
      { class: 'alarm-list', 'data-testid': 'alarm-list' },
      h('div', { class: 'alarm-tools' }, this.#state, this.#priority, this.#source, this.#count, ...(operator ? [this.#note, h('span', { class: 'label' }, 'shelve for'), this.#minutes] : [h('span', { class: 'label' }, 'view only')]), this.#status),
      h(
        'table',
        { class: 'alarm-table' },
        h('thead', {}, h('tr', {}, ...['priority', 'state', 'alarm', 'likely cause', 'since', 'by / note', ''].map((t) => h('th', {}, t)))),
        this.#body,
      ),
    );
  }

  render(r: AlarmsResponse): void {
    this.#last = r;
    if (r.version !== this.#renderedVersion) this.#rebuild();
    for (const { el, a } of this.#ages) setText(el, a.since !== null ? `${formatAge(r.now - a.since)} (${formatAt(a.since)})` : `returned ${formatAge(r.now - a.stateSince)} ago`);
  }

  /** Scroll to and mark one alarm (from the banner). */
  show(id: number): void {
    this.#highlight = id;
    this.#state.value = '';
    this.#priority.value = '';
    this.#source.value = '';
    this.#rebuild();
    this.#body.querySelector(`[data-testid="alarm-row-${id}"]`)?.scrollIntoView({ block: 'nearest' });
  }

  #rebuild(): void {
    const r = this.#last;
    if (r === undefined) return;
    this.#renderedVersion = r.version;
    const shown = r.alarms.filter(
      (a) => (this.#state.value === '' || a.state === this.#state.value) && (this.#priority.value === '' || String(a.priority) === this.#priority.value) && (this.#source.value === '' || a.source === this.#source.value),
    );
    setText(this.#count, `${shown.length} of ${r.alarms.length}`);
    this.#ages = [];
    // Advisories apart, below the alarms, under their own heading row (issue 20).
    const alarms = shown.filter((a) => !a.advisory);
    const advisories = shown.filter((a) => a.advisory);
    const heading = h('tr', { class: 'advisory-heading', 'data-testid': 'advisory-heading' }, h('td', { colspan: '7' }, `advisories (${advisories.length}): deviations of a model version that is not signed off; not annunciated`));
    this.#body.replaceChildren(...alarms.map((a) => this.#row(a)), ...(advisories.length > 0 ? [heading, ...advisories.map((a) => this.#row(a))] : []));
    this.render(r);
  }

  #row(a: AlarmView): HTMLElement {
    const age = h('td', { class: 'alarm-since' });
    this.#ages.push({ el: age, a });
    const actions = h('td', { class: 'alarm-actions' });
    const operator = may(this.#session, 'operator');
    const engineer = may(this.#session, 'engineer');
    if (operator && isUnacked(a)) actions.append(this.#button(a, 'ack', 'Ack', `alarm-ack-${a.id}`));
    if (operator && a.state !== 'shelved' && a.state !== 'out-of-service' && a.state !== 'suppressed-by-design') actions.append(this.#button(a, 'shelve', 'Shelve', `alarm-shelve-${a.id}`));
    if (operator && a.state === 'shelved') actions.append(this.#button(a, 'unshelve', 'Unshelve', `alarm-unshelve-${a.id}`));
    if (operator) actions.append(this.#button(a, 'comment', 'Comment', `alarm-comment-${a.id}`));
    if (engineer && a.state !== 'out-of-service') actions.append(this.#button(a, 'out-of-service', 'Out of service', `alarm-oos-${a.id}`));
    if (engineer && a.state === 'out-of-service') actions.append(this.#button(a, 'return-to-service', 'Return to service', `alarm-rts-${a.id}`));
    if (a.signals.length > 0) {
      const trend = h('button', { type: 'button', 'data-testid': `alarm-trend-${a.id}` }, 'Trend');
      trend.addEventListener('click', () => this.#openTrend(a));
      actions.append(trend);
    }
    const extra = a.state === 'shelved' && a.shelvedUntil !== null ? ` until ${formatAt(a.shelvedUntil)}` : a.suppressedReason !== null && a.state === 'suppressed-by-design' ? ` (${a.suppressedReason})` : '';
    const prio = `${PRIORITY_NAMES[a.priority] ?? a.priority}${a.escalated ? ' ↑' : ''}`;
    return h(
      'tr',
      { 'data-testid': `alarm-row-${a.id}`, 'data-state': a.state, 'data-priority': String(a.priority), 'data-advisory': String(a.advisory), class: a.id === this.#highlight ? 'highlight' : '' },
      h('td', { class: 'alarm-prio-cell' }, a.advisory ? `advisory (${prio})` : prio),
      h('td', { 'data-testid': `alarm-state-${a.id}` }, `${STATE_LABELS[a.state] ?? a.state}${extra}`),
      h('td', {}, h('div', { class: 'alarm-msg' }, a.message), h('div', { class: 'alarm-key' }, `${a.source} · ${a.key}`), ...(a.action !== null ? [h('div', { class: 'alarm-rec' }, `action: ${a.action}`)] : [])),
      h('td', { class: 'alarm-cause' }, a.cause ?? '—'),
      age,
      h('td', { class: 'alarm-by' }, a.lastUser !== null ? `${a.lastUser}: ${a.lastNote ?? ''}` : ''),
      actions,
    );
  }

  #button(a: AlarmView, action: AlarmAction, label: string, testid: string): HTMLButtonElement {
    const el = h('button', { type: 'button', 'data-testid': testid }, label);
    el.addEventListener('click', () => void this.#act(el, a, action, label));
    return el;
  }

  async #act(el: HTMLButtonElement, a: AlarmView, action: AlarmAction, label: string): Promise<void> {
    const note = this.#note.value.trim();
    if (note === '') {
      setText(this.#status, `${label}: write a note first`);
      this.#note.focus();
      return;
    }
    el.disabled = true;
    try {
      await postAlarmAction(a.id, action, note, action === 'shelve' ? Number(this.#minutes.value) : undefined);
      setText(this.#status, `${label}: ${a.key} done`);
      this.#note.value = '';
      this.#changed();
    } catch (err) {
      setText(this.#status, `${label}: ${(err as Error).message}`);
    } finally {
      el.disabled = false;
    }
  }
}

function select(testid: string, label: string, options: readonly (readonly [string, string])[]): HTMLSelectElement {
  return h('select', { 'data-testid': testid, 'aria-label': label }, ...options.map(([v, t]) => h('option', { value: v }, t)));
}
