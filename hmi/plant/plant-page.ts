// The plant overview page: one card per line (a twinloop edge node on the broker) with its
// state, pace, KPIs and active alarms, and a link to the line's own HMI. Polls /api/plant once
// a second; a line whose node died is shown offline (grey, "offline since"), never dropped.

import type { MetricValue, PlantLine, PlantView } from './plant-api.ts';

const POLL_MS = 1000;

const num = (v: MetricValue | undefined, digits: number): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '—');
const pct = (v: MetricValue | undefined): string => (typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : '—');

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function kv(dl: HTMLElement, label: string, value: string, testId: string): void {
  dl.append(el('dt', '', label));
  const dd = el('dd', '', value);
  dd.dataset.testid = testId;
  dl.append(dd);
}

function card(l: PlantLine): HTMLElement {
  const m = l.metrics;
  const c = el('section', `line ${l.online ? 'online' : 'offline'}`);
  c.dataset.node = `${l.group}/${l.node}`;
  const head = el('header', '');
  head.append(el('h2', '', l.line));
  const badge = el('span', `badge ${l.online ? String(m['Run/State'] ?? 'online') : 'offline'}`, l.online ? String(m['Run/State'] ?? 'online') : 'offline');
  badge.dataset.testid = 'state';
  head.append(badge);
  c.append(head);
  c.append(el('p', 'where', `${l.group} / ${l.node}${l.online ? '' : ` — last seen ${l.lastSeen.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}`}`));
  const dl = el('dl', '');
  kv(dl, 'Mode', String(m['Run/Mode'] ?? '—'), 'mode');
  const running = l.online && m['Run/State'] === 'running';
  kv(dl, 'Pace', running && typeof m['Run/Realtime factor'] === 'number' ? `${num(m['Run/Realtime factor'], 2)}x real time` : '—', 'pace');
  kv(dl, 'Throughput', typeof m['KPI/Throughput'] === 'number' ? `${num(m['KPI/Throughput'], 0)} /h` : '—', 'throughput');
  kv(dl, 'OEE', pct(m['KPI/OEE']), 'oee');
  kv(dl, 'Energy per unit', typeof m['KPI/EnergyPerUnit'] === 'number' ? `${num(m['KPI/EnergyPerUnit'], 3)} kWh` : '—', 'energy');
  kv(dl, 'Good / reject', `${num(m['KPI/Good'], 0)} / ${num(m['KPI/Reject'], 0)}`, 'good-reject');
  c.append(dl);
  const active = typeof m['Alarms/Active'] === 'number' ? m['Alarms/Active'] : 0;
  const unacked = typeof m['Alarms/Unacknowledged'] === 'number' ? m['Alarms/Unacknowledged'] : 0;
  const highest = typeof m['Alarms/Highest priority'] === 'number' ? m['Alarms/Highest priority'] : 0;
  const alarms = el('p', `alarms ${active > 0 ? `p${highest}` : 'none'}`, active > 0 ? `${active} active alarm${active === 1 ? '' : 's'} (${unacked} unacknowledged), highest priority ${highest}` : 'No active alarms');
  alarms.dataset.testid = 'alarms';
  c.append(alarms);
  // Anything on the broker can publish here: only plain web addresses become links.
  const hmi = typeof m['Node Info/HMI'] === 'string' && /^https?:\/\/[^\s]+$/.test(m['Node Info/HMI']) ? m['Node Info/HMI'] : '';
  if (hmi !== '') {
    const a = el('a', 'open', 'Open line HMI');
    a.href = hmi;
    a.target = '_blank';
    a.rel = 'noopener';
    c.append(a);
  }
  return c;
}

/** Each line's card and the data it was drawn from: a card is redrawn only when its line changed. */
const drawn = new Map<string, { json: string; card: HTMLElement }>();

function render(v: PlantView): void {
  const link = document.getElementById('broker')!;
  link.textContent = v.broker.connected ? `broker ${v.broker.url} connected` : `broker ${v.broker.url} NOT CONNECTED`;
  link.className = v.broker.connected ? 'ok' : 'bad';
  const online = v.lines.filter((l) => l.online).length;
  document.getElementById('count')!.textContent = `${online} of ${v.lines.length} lines online`;
  const cards: HTMLElement[] = [];
  for (const l of v.lines) {
    const key = `${l.group}/${l.node}`;
    const json = JSON.stringify(l);
    let d = drawn.get(key);
    if (d === undefined || d.json !== json) {
      const fresh = card(l);
      d?.card.replaceWith(fresh);
      d = { json, card: fresh };
      drawn.set(key, d);
    }
    cards.push(d.card);
  }
  const grid = document.getElementById('lines')!;
  // Appending keeps cards that are already in place (and in order) where they are.
  cards.forEach((c, k) => {
    if (grid.children[k] !== c) grid.insertBefore(c, grid.children[k] ?? null);
  });
  while (grid.children.length > cards.length) grid.lastElementChild!.remove();
  if (v.lines.length === 0) grid.append(el('p', 'empty', `No line has published yet. Start one with: twinloop start --sparkplug ${v.broker.url} --group <group> --node <node>`));
}

async function poll(): Promise<void> {
  try {
    const r = await fetch('/api/plant');
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    render((await r.json()) as PlantView);
    document.body.dataset.link = 'up';
  } catch {
    document.body.dataset.link = 'down';
    document.getElementById('broker')!.textContent = 'overview server not reachable';
  }
  setTimeout(() => void poll(), POLL_MS);
}

void poll();
