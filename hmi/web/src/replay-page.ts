// The replay page (#replay, #replay/<id>): pick a recording, then the same banner, mimic, value
// panel and trend as the live page, fed from the recording instead of the WebSocket: frames
// fetched at the slider's time go into a SignalStore exactly as live frames do. A REPLAY strip
// and the banner's REPLAY mode say these are recorded values, not the plant. Play at 1x/10x,
// scrub with the slider, export the trend's visible range as CSV.

import type { RunStatus } from '../../../core/engine/run-control.ts';
import type { CatalogFrame } from '../../protocol.ts';
import { Banner } from './banner.ts';
import { h, setText } from './element.ts';
import { formatSimTime, isoTime } from './format.ts';
import { LivePanel } from './live-panel.ts';
import { Mimic } from './mimic.ts';
import { listRecordings, openRecording, type RecordingDetail } from './replay-api.ts';
import { ReplayPlayer } from './replay-player.ts';
import type { PageSession } from './session.ts';
import { SignalStore } from './signal-store.ts';
import { Trend } from './trend.ts';
import { userBox } from './user-box.ts';

const TREND_REDRAW_MS = 250;

/** Is the page's address a replay address? */
export function isReplayRoute(): boolean {
  return location.hash === '#replay' || location.hash.startsWith('#replay/');
}

/** The live page's way in. */
export function replayLink(): HTMLElement {
  return h('a', { href: '#replay', class: 'replay-link', 'data-testid': 'link-replay' }, 'Recordings');
}

/** Reload when the address moves between the live page and the replay page (each owns the document). */
export function watchReplayRoute(): void {
  const was = isReplayRoute();
  addEventListener('hashchange', () => {
    if (isReplayRoute() !== was || was) location.reload();
  });
}

/** A status that says replay, for the banner (mode REPLAY, no controller, no tick lateness). */
export function replayStatus(playing: boolean, speed: number, tick: number, time: number, dt: number): RunStatus {
  return {
    state: playing ? 'running' : 'paused',
    mode: 'replay',
    pace: { kind: 'realtime', factor: speed },
    tick,
    time,
    dt,
    stats: { ticks: tick, wakes: 0, lateP50: 0, lateP99: 0, lateMax: 0, overruns: 0, stepsPerSecond: 0, realtimeFactor: 0 },
    controllers: [],
  };
}

function formatBytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}

/**
 * Build the replay page in document.body and run it. Never resolves: the caller (main.ts)
 * awaits it so the live page's code below never starts.
 */
export async function startReplayPage(session: PageSession): Promise<never> {
  watchReplayRoute();
  document.body.dataset['page'] = 'replay';
  document.body.dataset['role'] = session.role ?? '';
  const strip = h('div', { class: 'replay-strip', 'data-testid': 'replay-banner' }, h('strong', {}, 'REPLAY'), ' recorded values, not the live line ', h('a', { href: '#', 'data-testid': 'link-live' }, 'back to live'));
  const banner = new Banner();
  banner.root.append(userBox(session));
  banner.setLink({ kind: 'connected' });
  const list = h('section', { class: 'replay-list panel', 'data-testid': 'recording-list' }, h('h2', {}, 'Recordings'));
  document.body.append(strip, banner.root, list);

  const id = decodeURIComponent(location.hash.slice('#replay/'.length));
  if (location.hash.startsWith('#replay/') && id !== '') await showRecording(id, banner, list);
  else await showList(list);
  return new Promise<never>(() => undefined);
}

async function showList(list: HTMLElement): Promise<void> {
  let rows;
  try {
    rows = await listRecordings();
  } catch (err) {
    list.append(h('p', { class: 'ctl-error' }, `cannot list recordings: ${(err as Error).message}`));
    return;
  }
  if (rows.length === 0) {
    list.append(h('p', {}, 'No recordings yet. `twinloop start` records the live run into <data>/recordings.'));
    return;
  }
  const table = h('table', { class: 'replay-table' }, h('tr', {}, ...['recording', 'line', 'started', 'duration', 'size', 'signals', ''].map((c) => h('th', {}, c))));
  for (const r of rows) {
    const open = h('a', { href: `#replay/${encodeURIComponent(r.id)}`, 'data-testid': `open-${r.id}` }, 'Open');
    table.append(
      h(
        'tr',
        { 'data-testid': 'recording-row' },
        h('td', {}, r.id),
        h('td', {}, r.line),
        h('td', {}, isoTime(r.wallStart)),
        h('td', { class: 'num' }, Number.isFinite(r.to - r.from) ? formatSimTime(r.to - r.from) : '—'),
        h('td', { class: 'num' }, formatBytes(r.bytes)),
        h('td', { class: 'num' }, String(r.signals)),
        h('td', {}, open, r.truncated ? h('span', { class: 'ctl-error', title: r.truncated.reason }, ' ends early') : ''),
      ),
    );
  }
  list.append(table);
}

async function showRecording(id: string, banner: Banner, list: HTMLElement): Promise<void> {
  let rec: RecordingDetail;
  try {
    rec = await openRecording(id);
  } catch (err) {
    list.append(h('p', { class: 'ctl-error', 'data-testid': 'replay-error' }, `cannot open recording ${id}: ${(err as Error).message}`), h('a', { href: '#replay' }, 'all recordings'));
    return;
  }
  list.remove();
  const store = new SignalStore();
  const mimic = new Mimic();
  const values = new LivePanel();
  const trend = new Trend();
  // The panel is the live one; its heading must not claim live values here.
  const heading = values.root.querySelector('h2');
  if (heading !== null) heading.textContent = 'Recorded values';
  const dt = rec.dt ?? 0.001;
  const catalog: CatalogFrame = { t: 'catalog', v: 1, line: rec.line, signals: rec.signalList, layout: rec.layout, status: replayStatus(false, 1, 0, rec.from, dt) };
  const player = new ReplayPlayer(rec, store, trend, (playing, speed) => store.setStatus(replayStatus(playing, speed, store.tick, store.time, dt)));
  document.body.append(player.root, h('main', { class: 'grid' }, mimic.root, values.root), trend.root);
  store.reset(catalog);
  mimic.build(rec.layout, store);
  values.build(rec.layout, store);
  trend.build(store);
  player.seek(rec.from, true);

  let rendered = -1;
  let trendAt = 0;
  const paint = (now: number): void => {
    player.tick(now);
    banner.render(store);
    if (store.version !== rendered) {
      rendered = store.version;
      mimic.render(store);
      values.render(store);
      trend.sample(store);
      player.render();
    }
    if (now - trendAt >= TREND_REDRAW_MS) {
      trendAt = now;
      trend.redraw();
    }
    requestAnimationFrame(paint);
  };
  requestAnimationFrame(paint);
  setText(stripLabel(), `REPLAY ${rec.id}`);
}

/** The bold label of the REPLAY strip. */
function stripLabel(): HTMLElement {
  return document.querySelector('.replay-strip strong') as HTMLElement;
}
