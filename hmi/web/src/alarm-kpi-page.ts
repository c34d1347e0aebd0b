// The alarm KPI page (ISA-18.2 / EEMUA 191): each figure of GET /api/alarms/kpi beside the
// standard's target, the priority split beside the recommended ~80/15/5 %, and the lists
// behind the figures (chattering, stale, most frequent). Read on opening and on "refresh".

import { fetchKpi, formatAge, formatAt, type AlarmKpis } from './alarm-api.ts';
import { h, setText } from './element.ts';

export class AlarmKpiPage {
  readonly root: HTMLElement;
  readonly #content = h('div', { class: 'alarm-kpi-content' });
  readonly #status = h('span', { class: 'alarm-status', role: 'status' });

  constructor() {
    const refresh = h('button', { type: 'button', 'data-testid': 'alarm-kpi-refresh' }, 'Refresh');
    refresh.addEventListener('click', () => void this.load());
    this.root = h('section', { class: 'alarm-kpi', 'data-testid': 'alarm-kpi' }, h('div', { class: 'alarm-tools' }, refresh, this.#status), this.#content);
  }

  async load(): Promise<void> {
    try {
      this.#show(await fetchKpi());
      setText(this.#status, '');
    } catch (err) {
      setText(this.#status, (err as Error).message);
    }
  }

  #show(k: AlarmKpis): void {
    const fixed = (v: number, d = 2): string => (Number.isFinite(v) ? v.toFixed(d) : '—');
    const row = (name: string, value: string, target: string, ok: boolean, testid: string): HTMLElement =>
      h('tr', { 'data-ok': String(ok) }, h('th', {}, name), h('td', { class: 'num', 'data-testid': testid }, value), h('td', { class: 'target' }, target));
    const list = (title: string, items: string[]): HTMLElement => h('div', { class: 'kpi-list' }, h('h3', {}, title), items.length === 0 ? h('p', {}, 'none') : h('ul', {}, ...items.map((i) => h('li', {}, i))));
    this.#content.replaceChildren(
      h('p', { class: 'kpi-period' }, `period ${formatAt(k.from)} – ${formatAt(k.to)} (${formatAge(k.to - k.from)}), ${k.operators} operator${k.operators === 1 ? '' : 's'}, ${k.annunciated} alarms annunciated`),
      h(
        'table',
        { class: 'kpi-table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'figure'), h('th', {}, 'value'), h('th', {}, 'ISA-18.2 target'))),
        h(
          'tbody',
          {},
          row('alarms per operator per 10 min', fixed(k.perOperatorPer10Min), '~1 (max ~2)', k.perOperatorPer10Min <= 2, 'kpi-rate'),
          row('most alarms in any 10 min', String(k.peak10Min), '≤ 10', k.peak10Min <= 10, 'kpi-peak'),
          row('time in flood (> 10 in 10 min)', `${fixed(k.floodPercent)} %`, '< ~1 %', k.floodPercent < 1, 'kpi-flood'),
          row('chattering alarms (≥ 3 in 60 s)', String(k.chattering.length), '0', k.chattering.length === 0, 'kpi-chattering'),
          row(`stale alarms (active > ${formatAge(k.staleMs)})`, String(k.stale.length), '< 5', k.stale.length < 5, 'kpi-stale'),
          row('shelved now', String(k.shelvedNow), 'few, each justified', true, 'kpi-shelved'),
          row('out of service now', String(k.outOfServiceNow), 'each under a work order', true, 'kpi-oos'),
          row('suppressed by design now', String(k.suppressedNow), '—', true, 'kpi-suppressed'),
        ),
      ),
      h('h3', {}, 'priority split (annunciated)'),
      h(
        'table',
        { class: 'kpi-table', 'data-testid': 'kpi-priority' },
        h('thead', {}, h('tr', {}, h('th', {}, 'priority'), h('th', {}, 'count'), h('th', {}, 'share'), h('th', {}, 'recommended'))),
        h('tbody', {}, ...k.prioritySplit.map((p) => h('tr', {}, h('th', {}, p.label), h('td', { class: 'num' }, String(p.count)), h('td', { class: 'num' }, `${fixed(p.percent, 1)} %`), h('td', { class: 'target' }, p.recommended)))),
      ),
      h(
        'div',
        { class: 'kpi-lists' },
        list('chattering', k.chattering.map((c) => `${c.key}: ${c.maxIn60s} in 60 s`)),
        list('stale', k.stale.map((s) => `${s.key}: active for ${formatAge(s.ageMs)}`)),
        list('most frequent', k.topFrequent.map((f) => `${f.key}: ${f.count} (${fixed(f.percent, 1)} %)`)),
      ),
    );
  }
}
