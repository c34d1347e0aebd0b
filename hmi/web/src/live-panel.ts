// The side panel of live values: bin counts, each drive's speed, current, temperature and power,
// belt speeds and item counts, and the line's power and energy, with units. Rows are made once per catalog; values are
// written at animation-frame rate only when their text changes. Bad quality greys a row out; a
// forced signal's row is marked F.

import type { LayoutEntry } from '../../../core/engine/run-control.ts';
import { h, setText } from './element.ts';
import { formatValue } from './format.ts';
import type { SignalStore } from './signal-store.ts';

interface Row {
  readonly id: number;
  readonly name: string;
  readonly unit: string;
  readonly type: string;
  readonly value: HTMLElement;
  readonly row: HTMLElement;
}

const DRIVE_FIELDS: ReadonlyArray<[field: string, label: string]> = [
  ['speed', 'speed'],
  ['current', 'current'],
  ['temperature', 'temperature'],
  ['power', 'power'],
];

export class LivePanel {
  readonly root: HTMLElement;
  readonly #body = h('div', { class: 'live-body' });
  #rows: Row[] = [];

  constructor() {
    this.root = h('aside', { class: 'live panel', 'data-testid': 'live' }, h('h2', {}, 'Live values'), this.#body);
  }

  build(layout: readonly LayoutEntry[], store: SignalStore): void {
    this.#body.replaceChildren();
    this.#rows = [];
    const bins = layout.filter((e) => store.id(`${e.id}.count`) >= 0 && (e.type === 'bin' || e.type === 'sink'));
    if (bins.length > 0) this.#group('Bins', bins.map((e) => [`${e.id}.count`, `${e.id} count`]), store);
    // Drives from the layout, plus components the layout does not know that publish a motor
    // current in A (a drive by its signals). A transmitter's 4-20 mA loop current is not one.
    const drives: string[] = layout.filter((e) => ['drive', 'motor', 'vfd'].includes(e.type)).map((e) => e.id);
    const inLayout = new Set(layout.map((e) => e.id));
    for (const c of store.catalog) {
      const m = /^([^.]+)\.current$/.exec(c.name);
      if (m !== null && c.unit === 'A' && !inLayout.has(m[1]!) && !drives.includes(m[1]!)) drives.push(m[1]!);
    }
    for (const d of drives) this.#group(`Drive ${d}`, DRIVE_FIELDS.map(([f, l]) => [`${d}.${f}`, l]), store);
    const belts = layout.filter((e) => e.type === 'conveyor' || e.type === 'belt');
    if (belts.length > 0) this.#group('Conveyors', belts.flatMap((e) => [[`${e.id}.speed`, `${e.id} speed`], [`${e.id}.items`, `${e.id} items`]] as const), store);
    this.#group('Line', [['line.power', 'power'], ['line.energy', 'energy']], store);
  }

  #group(title: string, signals: ReadonlyArray<readonly [name: string, label: string]>, store: SignalStore): void {
    const table = h('table', { class: 'live-table' });
    for (const [name, label] of signals) {
      const e = store.entry(name);
      if (e === undefined) continue;
      const value = h('td', { class: 'num', 'data-testid': `live-${name}` }, '—');
      const row = h('tr', { title: name }, h('th', {}, label), value, h('td', { class: 'unit' }, e.unit));
      table.append(row);
      this.#rows.push({ id: e.id, name, unit: e.unit, type: e.type, value, row });
    }
    if (table.childElementCount > 0) this.#body.append(h('h3', {}, title), table);
  }

  render(store: SignalStore): void {
    const forces = store.status?.forces ?? [];
    for (const r of this.#rows) {
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
