// The side panel of live values: every signal of the line, grouped per component (the line's
// totals first, then each component in the line file's order), each with its unit (a
// transmitter's reading in the unit of the signal it measures), and a search box that narrows
// the rows to those whose component, type or signal name matches. Rows are made once per
// catalog; values are written at animation-frame rate only when their text changes, and only
// for rows the search shows. Bad quality greys a row out; a forced signal's row is marked F.

import type { LayoutEntry } from '../../../core/engine/run-control.ts';
import { h, setText } from './element.ts';
import { formatValue } from './format.ts';
import { transmitterUnit } from './mimic-shapes.ts';
import type { SignalStore } from './signal-store.ts';

interface Row {
  readonly id: number;
  readonly name: string;
  readonly unit: string;
  readonly type: string;
  readonly value: HTMLElement;
  readonly row: HTMLElement;
  /** Lower-case text the search matches: signal name, component id and type. */
  readonly haystack: string;
  shown: boolean;
}

interface Group {
  readonly section: HTMLElement;
  readonly rows: Row[];
}

/** Signal prefixes that are not components: the item slots the mimic draws from. */
const NOT_COMPONENTS = new Set(['items']);

export class LivePanel {
  readonly root: HTMLElement;
  readonly #body = h('div', { class: 'live-body' });
  readonly #search = h('input', { type: 'search', class: 'live-search', placeholder: 'search: component, type or signal', 'aria-label': 'search live values', 'data-testid': 'live-search' });
  readonly #empty = h('p', { class: 'live-empty', hidden: '' }, 'No signal matches.');
  #rows: Row[] = [];
  #groups: Group[] = [];

  constructor() {
    this.root = h('aside', { class: 'live panel', 'data-testid': 'live' }, h('h2', {}, 'Live values'), this.#search, this.#body, this.#empty);
    this.#search.addEventListener('input', () => this.#filter());
  }

  build(layout: readonly LayoutEntry[], store: SignalStore): void {
    this.#body.replaceChildren();
    this.#rows = [];
    this.#groups = [];
    // Signals by component (the part of the name before the first dot), in catalog order.
    const byComponent = new Map<string, number[]>();
    for (const c of store.catalog) {
      const dot = c.name.indexOf('.');
      const comp = dot < 0 ? c.name : c.name.slice(0, dot);
      if (NOT_COMPONENTS.has(comp)) continue;
      byComponent.set(comp, [...(byComponent.get(comp) ?? []), c.id]);
    }
    const entryOf = new Map(layout.map((e) => [e.id, e]));
    const order = ['line', ...layout.map((e) => e.id), ...[...byComponent.keys()].filter((k) => k !== 'line' && !entryOf.has(k))];
    for (const comp of order) {
      const ids = byComponent.get(comp);
      if (ids === undefined) continue;
      const e = entryOf.get(comp);
      this.#group(comp, e?.type ?? (comp === 'line' ? 'line totals' : ''), ids, store, e);
    }
    this.#filter();
  }

  #group(comp: string, type: string, ids: readonly number[], store: SignalStore, e: LayoutEntry | undefined): void {
    const table = h('table', { class: 'live-table' });
    const rows: Row[] = [];
    for (const id of ids) {
      const c = store.catalog[id]!;
      const field = c.name.slice(comp.length + 1) || c.name;
      const unit = e !== undefined && e.type === 'transmitter' && field === 'value' ? transmitterUnit(e, store) : c.unit;
      const value = h('td', { class: 'num', 'data-testid': `live-${c.name}` }, '—');
      const row = h('tr', { title: c.name }, h('th', {}, field), value, h('td', { class: 'unit', 'data-testid': `live-unit-${c.name}` }, unit));
      table.append(row);
      const r: Row = { id, name: c.name, unit, type: c.type, value, row, haystack: `${c.name} ${type}`.toLowerCase(), shown: true };
      rows.push(r);
      this.#rows.push(r);
    }
    const heading = h('h3', {}, comp, ' ', h('span', { class: 'live-type' }, type));
    const section = h('section', { class: 'live-group', 'data-testid': `live-group-${comp}` }, heading, table);
    this.#body.append(section);
    this.#groups.push({ section, rows });
  }

  /** Show the rows the search matches (every word must match), and the groups that have any. */
  #filter(): void {
    const words = this.#search.value.toLowerCase().split(/\s+/).filter((w) => w !== '');
    let any = false;
    for (const g of this.#groups) {
      let shown = 0;
      for (const r of g.rows) {
        r.shown = words.every((w) => r.haystack.includes(w));
        r.row.hidden = !r.shown;
        if (r.shown) shown++;
      }
      g.section.hidden = shown === 0;
      if (shown > 0) any = true;
    }
    this.#empty.hidden = any || this.#groups.length === 0;
  }

  render(store: SignalStore): void {
    const forces = store.status?.forces ?? [];
    for (const r of this.#rows) {
      if (!r.shown) continue;
      setText(r.value, formatValue(store.value(r.id), r.unit, r.type));
      r.row.classList.toggle('bad', store.quality[r.id] !== 0);
      // A forced value is the engineer's, not the model's: say so on the row (F, as WinCC does).
      const forced = forces.some((f) => f.signal === r.name);
      if (r.row.classList.contains('forced') !== forced) {
        r.row.classList.toggle('forced', forced);
        r.row.title = forced ? `${r.name}: FORCED (see the Forced list)` : r.name;
      }
    }
  }
}
