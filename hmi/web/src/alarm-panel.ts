// The page's alarm area: the banner (placed by main.ts at the top) and a panel with three tabs
// (alarms with the deviation view, history, KPIs). It asks GET /api/alarms about once a second
// (alarms are few and change rarely; the WebSocket protocol stays as it is) and again right
// after an action. One request at a time: a slow server is never asked twice over.

import { fetchAlarms, type AlarmsResponse } from './alarm-api.ts';
import { AlarmBanner } from './alarm-banner.ts';
import { AlarmDeviationView } from './alarm-deviation.ts';
import { AlarmHistory } from './alarm-history.ts';
import { AlarmKpiPage } from './alarm-kpi-page.ts';
import { AlarmList } from './alarm-list.ts';
import { h } from './element.ts';
import type { PageSession } from './session.ts';
import type { SignalStore } from './signal-store.ts';

const POLL_MS = 1000;
type Tab = 'list' | 'history' | 'kpi';

export class AlarmPanel {
  readonly banner: AlarmBanner;
  readonly root: HTMLElement;
  readonly #list: AlarmList;
  readonly #deviation = new AlarmDeviationView();
  readonly #history = new AlarmHistory();
  readonly #kpi = new AlarmKpiPage();
  readonly #tabs = new Map<Tab, HTMLButtonElement>();
  readonly #pages: Record<Tab, HTMLElement>;
  #timer: ReturnType<typeof setInterval> | undefined;
  #inFlight = false;
  #again = false;
  #now = 0;

  constructor(session: PageSession) {
    this.#list = new AlarmList(session, (a) => this.#deviation.open(a, this.#now), () => void this.refresh());
    this.banner = new AlarmBanner((id) => {
      this.#select('list');
      this.#list.show(id);
      this.root.scrollIntoView({ block: 'start' });
    });
    this.#pages = { list: h('div', {}, this.#list.root, this.#deviation.root), history: this.#history.root, kpi: this.#kpi.root };
    const bar = h('div', { class: 'alarm-tabs', role: 'tablist' });
    for (const [tab, label] of [
      ['list', 'Alarms'],
      ['history', 'History'],
      ['kpi', 'KPIs'],
    ] as const) {
      const b = h('button', { type: 'button', role: 'tab', 'data-testid': `alarm-tab-${tab}` }, label);
      b.addEventListener('click', () => this.#select(tab));
      this.#tabs.set(tab, b);
      bar.append(b);
    }
    this.root = h('section', { class: 'alarms panel', 'data-testid': 'alarm-panel' }, h('h2', {}, 'Alarms'), bar, this.#pages.list, this.#pages.history, this.#pages.kpi);
    this.#select('list');
  }

  /** Start polling (main.ts calls it once). */
  start(): void {
    void this.refresh();
    this.#timer ??= setInterval(() => void this.refresh(), POLL_MS);
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Called with every new catalog, every changed frame, and a few times a second. */
  build(store: SignalStore): void {
    this.#deviation.build(store);
  }

  sample(store: SignalStore): void {
    this.#deviation.sample(store);
  }

  redraw(): void {
    this.#deviation.redraw();
  }

  async refresh(): Promise<void> {
    if (this.#inFlight) {
      this.#again = true; // an action just happened: read once more after this one
      return;
    }
    this.#inFlight = true;
    try {
      const r: AlarmsResponse = await fetchAlarms();
      this.#now = r.now;
      this.banner.render(r);
      this.#list.render(r);
      this.#deviation.update(r.alarms, r.now);
    } catch (err) {
      this.banner.failed((err as Error).message);
    } finally {
      this.#inFlight = false;
    }
    if (this.#again) {
      this.#again = false;
      await this.refresh();
    }
  }

  #select(tab: Tab): void {
    for (const [t, b] of this.#tabs) {
      b.classList.toggle('active', t === tab);
      b.setAttribute('aria-selected', String(t === tab));
      this.#pages[t].hidden = t !== tab;
    }
    if (tab === 'history') void this.#history.load();
    if (tab === 'kpi') void this.#kpi.load();
  }
}
