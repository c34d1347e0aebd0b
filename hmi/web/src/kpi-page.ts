// The production KPI page (#kpi): where the line loses output. The live banner on top; under it
// the line's figures as tiles (OEE with its ISO 22400-2 factors, throughput per hour, good and
// reject, kWh per good item, the bottleneck), then one row per station with the same figures and
// a stacked bar of its working/blocked/starved/down/changeover shares, the bottleneck station
// marked. "Run so far" or "Last minute" (the last complete window of simulated time). Polled
// from GET /api/kpi once a second; the definitions are in docs/kpi.md and summed up on the page.

import '../kpi.css';
import type { KpiReport, StationKpis } from '../../../core/kpi/kpi-tracker.ts';
import type { LiveKpis } from '../../../core/kpi/live-kpi.ts';
import { apiRequest } from './api-request.ts';
import { Banner } from './banner.ts';
import { h, setText } from './element.ts';
import type { PageSession } from './session.ts';
import { liveBanner } from './live-banner.ts';
import { userBox } from './user-box.ts';

const POLL_MS = 1000;
const STATES = ['working', 'blocked', 'starved', 'down', 'changeover'] as const;

export function isKpiRoute(): boolean {
  return location.hash === '#kpi';
}

/** The live page's way in. */
export function kpiLink(): HTMLElement {
  return h('a', { href: '#kpi', class: 'replay-link', 'data-testid': 'link-kpi', title: 'production KPIs: OEE, throughput, energy per unit, bottleneck' }, 'KPIs');
}

/** Reload when the address moves onto or off the KPI page (each page owns the document). */
export function watchKpiRoute(): void {
  const was = isKpiRoute();
  addEventListener('hashchange', () => {
    if (isKpiRoute() !== was) location.reload();
  });
}

function pct(x: number | null): string {
  return x === null || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(1)} %`;
}

function fix(x: number | null, digits: number): string {
  return x === null || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

/** Build the page in document.body and keep it updated. Never resolves (main.ts awaits it). */
export async function startKpiPage(session: PageSession): Promise<never> {
  watchKpiRoute();
  document.body.dataset['page'] = 'kpi';
  document.body.dataset['role'] = session.role ?? '';
  const banner = new Banner();
  const nav = h('nav', { class: 'page-links' }, h('a', { href: '#', class: 'replay-link', 'data-testid': 'link-live' }, 'Live'), h('a', { href: '#replay', class: 'replay-link' }, 'Recordings'), h('a', { href: '#scenarios', class: 'replay-link' }, 'Scenarios'));
  banner.root.append(nav, userBox(session));
  const view = new KpiView();
  document.body.append(banner.root, view.root);
  liveBanner(banner);
  const poll = async (): Promise<void> => {
    try {
      view.render(await apiRequest<LiveKpis>('GET', '/api/kpi'));
    } catch (err) {
      view.error((err as Error).message);
    }
  };
  await poll();
  setInterval(() => void poll(), POLL_MS);
  return new Promise<never>(() => undefined);
}

class KpiView {
  readonly root: HTMLElement;
  #period: 'run' | 'window' = 'run';
  #last: LiveKpis | null = null;
  readonly #runBtn: HTMLButtonElement;
  readonly #winBtn: HTMLButtonElement;
  readonly #span: HTMLElement;
  readonly #tiles: Record<string, HTMLElement> = {};
  readonly #body: HTMLElement;
  readonly #err: HTMLElement;
  #rowKey = '';
  #rowRefs: RowRefs[] = [];

  constructor() {
    this.#runBtn = h('button', { type: 'button', 'data-testid': 'kpi-period-run', 'aria-pressed': 'true' }, 'Run so far');
    this.#winBtn = h('button', { type: 'button', 'data-testid': 'kpi-period-window', 'aria-pressed': 'false' }, 'Last minute');
    this.#runBtn.addEventListener('click', () => this.#choose('run'));
    this.#winBtn.addEventListener('click', () => this.#choose('window'));
    this.#span = h('span', { class: 'pk-note', 'data-testid': 'kpi-span' });
    const tile = (key: string, label: string): HTMLElement => {
      const value = h('span', { class: 'pk-value', 'data-testid': `kpi-line-${key}` }, '–');
      this.#tiles[key] = value;
      return h('div', { class: 'pk-tile' }, h('span', { class: 'pk-label' }, label), value);
    };
    const tiles = h(
      'div',
      { class: 'pk-tiles', 'data-testid': 'kpi-line' },
      tile('oee', 'Line OEE'),
      tile('availability', 'Availability'),
      tile('effectiveness', 'Effectiveness'),
      tile('quality', 'Quality ratio'),
      tile('throughput', 'Throughput (items/h)'),
      tile('good', 'Good'),
      tile('reject', 'Reject'),
      tile('energy', 'Energy (kWh/unit)'),
      tile('bottleneck', 'Bottleneck'),
    );
    const head = h(
      'tr',
      {},
      h('th', {}, 'Station'),
      h('th', { class: 'pk-state' }, 'State'),
      h('th', {}, 'OEE'),
      h('th', {}, 'Avail.'),
      h('th', {}, 'Effect.'),
      h('th', {}, 'Quality'),
      h('th', {}, 'Items/h'),
      h('th', {}, 'Good'),
      h('th', {}, 'Reject'),
      h('th', {}, 'kWh/unit'),
      h('th', { class: 'pk-state' }, 'Time shares'),
    );
    this.#body = h('tbody', { 'data-testid': 'kpi-stations' });
    const legend = h('div', { class: 'pk-legend', 'data-testid': 'kpi-legend' }, ...STATES.map((s) => h('span', {}, h('span', { class: `pk-swatch pk-${s}` }), s)));
    this.#err = h('p', { class: 'pk-error', 'data-testid': 'kpi-error', hidden: '' });
    const defs = h(
      'p',
      { class: 'pk-defs', 'data-testid': 'kpi-defs' },
      'ISO 22400-2: Availability = APT / PBT (working time over the period), Effectiveness = PRI × PQ / APT (ideal cycle time × items over working time), ' +
        'Quality ratio = GQ / PQ, OEE = their product. Down (ADOT) = a breakdown; blocked and starved are delays (ADET). ' +
        'Bottleneck: the station with the longest mean active period (working, down or changeover without a wait; Roser et al.). ' +
        'The line takes its slowest station by design as its PRI and APT. Details: docs/kpi.md.',
    );
    const csv = h('a', { href: '/api/kpi/csv', class: 'replay-link', 'data-testid': 'kpi-csv', download: 'kpi.csv' }, 'CSV');
    this.root = h(
      'section',
      { class: 'pk', 'data-testid': 'kpi-page' },
      h('div', { class: 'pk-head' }, h('h1', {}, 'Production KPIs'), h('span', { class: 'pk-period' }, this.#runBtn, ' ', this.#winBtn), this.#span, csv),
      this.#err,
      tiles,
      h('table', { class: 'pk-table', 'data-testid': 'kpi-table' }, h('thead', {}, head), this.#body),
      legend,
      defs,
    );
  }

  #choose(p: 'run' | 'window'): void {
    this.#period = p;
    this.#runBtn.setAttribute('aria-pressed', String(p === 'run'));
    this.#winBtn.setAttribute('aria-pressed', String(p === 'window'));
    if (this.#last) this.render(this.#last);
  }

  error(message: string): void {
    this.#err.hidden = false;
    setText(this.#err, `KPIs not available: ${message}`);
  }

  render(k: LiveKpis): void {
    this.#last = k;
    this.#err.hidden = true;
    this.#winBtn.disabled = k.window === null;
    if (k.window === null) this.#winBtn.title = `the first ${k.windowSeconds} s of simulated time have not passed yet`;
    else this.#winBtn.removeAttribute('title');
    const r: KpiReport = this.#period === 'window' && k.window !== null ? k.window : k.run;
    setText(this.#span, `${fix(r.to - r.from, 1)} s simulated (${this.#period === 'window' && k.window !== null ? 'last window' : 'since start or reset'})`);
    const l = r.line;
    const t = this.#tiles;
    setText(t['oee']!, pct(l.oee));
    setText(t['availability']!, pct(l.availability));
    setText(t['effectiveness']!, pct(l.effectiveness));
    setText(t['quality']!, pct(l.qualityRatio));
    setText(t['throughput']!, fix(l.throughput, 1));
    setText(t['good']!, String(l.gq));
    setText(t['reject']!, String(l.reject));
    setText(t['energy']!, fix(l.energyPerUnit, 4));
    setText(t['bottleneck']!, r.bottleneck ?? (r.stations.length === 0 ? 'no stations' : '–'));
    this.#rows(r.stations);
  }

  #rows(stations: readonly StationKpis[]): void {
    // Rows are built once per station set and updated in place (kept references), so the page
    // never swaps elements under a reader's pointer or a test's locator.
    const key = stations.map((s) => s.id).join('\n');
    if (key !== this.#rowKey) {
      this.#rowKey = key;
      this.#rowRefs = stations.map((s) => this.#buildRow(s.id));
      this.#body.replaceChildren(...this.#rowRefs.map((r) => r.tr));
    }
    stations.forEach((s, k) => {
      const r = this.#rowRefs[k]!;
      r.tr.classList.toggle('pk-row-bottleneck', s.bottleneck);
      r.badge.hidden = !s.bottleneck;
      const values = [s.state, pct(s.oee), pct(s.availability), pct(s.effectiveness), pct(s.qualityRatio), fix(s.throughput, 1), String(s.gq), String(s.reject), fix(s.energyPerUnit, 4)];
      values.forEach((v, c) => setText(r.cells[c]!, v));
      r.bar.setAttribute('aria-label', STATES.map((st) => `${st} ${pct(s.shares[st])}`).join(', '));
      STATES.forEach((st, c) => {
        const seg = r.segs[c]!;
        seg.style.width = `${(s.shares[st] * 100).toFixed(3)}%`; // CSSOM: allowed by the page's CSP
        seg.title = `${st} ${pct(s.shares[st])}`;
      });
    });
  }

  #buildRow(id: string): RowRefs {
    const badge = h('span', { class: 'pk-badge', 'data-testid': `kpi-bottleneck-${id}`, title: 'the longest mean active period: this station limits the line', hidden: '' }, 'BOTTLENECK');
    const segs = STATES.map((st) => h('span', { class: `pk-${st}`, 'data-state': st }));
    const bar = h('div', { class: 'pk-bar', 'data-testid': `kpi-bar-${id}`, role: 'img' }, ...segs);
    const cells = [h('td', { class: 'pk-state' }), h('td', { 'data-testid': `kpi-oee-${id}` }), ...Array.from({ length: 7 }, () => h('td'))];
    const tr = h('tr', { 'data-testid': `kpi-row-${id}` }, h('td', {}, id, badge), ...cells, h('td', { class: 'pk-bar-cell' }, bar));
    return { tr, badge, cells, bar, segs };
  }
}

interface RowRefs {
  readonly tr: HTMLElement;
  readonly badge: HTMLElement;
  /** state, OEE, availability, effectiveness, quality, items/h, good, reject, kWh/unit */
  readonly cells: readonly HTMLElement[];
  readonly bar: HTMLElement;
  readonly segs: readonly HTMLElement[];
}
