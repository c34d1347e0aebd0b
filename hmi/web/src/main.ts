// Entry of the HMI page: asks who is logged in (login form, or the first-start setup form,
// when nobody is), then wires the WebSocket link to the signal store and the views (banner,
// user, controls, mimic, live values, trend). Frames only update the store; the DOM is updated
// once per animation frame when something changed, and the trend canvas a few times a second.

import 'uplot/dist/uPlot.min.css';
import '../app.css';
import type { ServerFrame } from '../../protocol.ts';
import { Banner } from './banner.ts';
import { ModelBadge } from './model-badge.ts';
import { AlarmPanel } from './alarm-panel.ts';
import { Connection, type LinkState } from './connection.ts';
import { Controls } from './controls.ts';
import { ForcePanel } from './force-panel.ts';
import { ForcedList } from './forced-list.ts';
import { h } from './element.ts';
import { LivePanel } from './live-panel.ts';
import { setupTokenFromUrl, showLogin } from './login-view.ts';
import { Mimic } from './mimic.ts';
import { currentSession, may, type PageSession } from './session.ts';
import { SignalStore } from './signal-store.ts';
import { Trend } from './trend.ts';
import { userBox } from './user-box.ts';
import { isReplayRoute, replayLink, startReplayPage, watchReplayRoute } from './replay-page.ts';
import { isScenarioRoute, scenarioLink, startScenarioPage, watchScenarioRoute } from './scenario-page.ts';
import { isProgramRoute, programLink, startProgramPage, watchProgramRoute } from './program-page.ts';
import { isKpiRoute, kpiLink, startKpiPage, watchKpiRoute } from './kpi-page.ts';

const TREND_REDRAW_MS = 250;
// While the link is down, how often to ask whether the session is still valid (it may have
// expired, or the user was removed: then the socket is refused and only a new login helps).
const SESSION_CHECK_MS = 5000;

let session: PageSession = await currentSession().catch(() => ({ user: null, role: null, expires: null, setup: false }));
if (session.user === null) {
  const token = setupTokenFromUrl();
  session = await showLogin(document.body, session.setup ? token : undefined, session.setup);
}
// #replay: the replay page owns the document and never returns; the live page below never starts.
if (isReplayRoute()) await startReplayPage(session);
watchReplayRoute();
// #scenarios: the scenario page owns the document likewise.
if (isScenarioRoute()) await startScenarioPage(session);
watchScenarioRoute();
// #program: the ST program's online view owns the document likewise.
if (isProgramRoute()) await startProgramPage(session);
watchProgramRoute();
// #kpi: the production KPI page owns the document likewise.
if (isKpiRoute()) await startKpiPage(session);
watchKpiRoute();

const store = new SignalStore();
const banner = new Banner();
const controls = new Controls(store, session);
const mimic = new Mimic();
const live = new LivePanel();
const trend = new Trend();
// Alarms: banner always on screen (sticky, under the mode banner), list/history/KPIs below.
const alarmPanel = new AlarmPanel(session);
// Offered to engineers and admins only; the server refuses everyone else anyway.
const force = may(session, 'engineer') ? new ForcePanel() : undefined;
const forcedList = new ForcedList(may(session, 'engineer'));
if (force !== undefined) controls.root.append(force.root);

// The model's sign-off state, shown in shadow runs with a model gate (issue 20).
const modelBadge = new ModelBadge(session);
banner.root.append(modelBadge.root);
banner.root.append(replayLink());
banner.root.append(scenarioLink());
banner.root.append(programLink());
banner.root.append(kpiLink());
banner.root.append(userBox(session));
document.body.dataset['role'] = session.role ?? '';
document.body.append(banner.root, controls.root, h('main', { class: 'grid' }, mimic.root, live.root), trend.root);
banner.root.after(alarmPanel.banner.root);
alarmPanel.banner.root.after(forcedList.root);
document.body.append(alarmPanel.root);

let link: LinkState = { kind: 'connecting' };
let renderedVersion = -1;
let trendAt = 0;

function onFrame(frame: ServerFrame): void {
  switch (frame.t) {
    case 'catalog':
      store.reset(frame);
      mimic.build(frame.layout, store);
      live.build(frame.layout, store);
      trend.build(store);
      trend.loadHistory(frame.line, store).catch(() => undefined); // the run so far, from its recording
      force?.build(store);
      alarmPanel.build(store);
      break;
    case 'values':
      store.apply(frame);
      break;
    case 'status':
      store.setStatus(frame.status);
      break;
    case 'error':
      console.warn(`hmi server error ${frame.code}: ${frame.message}`);
      break;
    case 'pong':
      break;
  }
}

function paint(now: number): void {
  // The banner also counts down a reconnect, so it renders every frame; the rest on change.
  banner.setLink(link);
  banner.render(store);
  modelBadge.render(store.status);
  forcedList.render(store);
  if (store.version !== renderedVersion) {
    renderedVersion = store.version;
    controls.render(store);
    force?.render(store);
    mimic.render(store);
    live.render(store);
    trend.sample(store);
    alarmPanel.sample(store);
  }
  if (now - trendAt >= TREND_REDRAW_MS) {
    trendAt = now;
    trend.redraw();
    alarmPanel.redraw();
  }
  requestAnimationFrame(paint);
}

const wsUrl = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
const connection = new Connection(wsUrl, {
  frame: onFrame,
  state: (s) => {
    link = s;
    document.body.dataset['link'] = s.kind;
    if (s.kind === 'reconnecting') checkSession();
  },
});
let sessionCheckedAt = -Infinity;
function checkSession(): void {
  if (performance.now() - sessionCheckedAt < SESSION_CHECK_MS) return;
  sessionCheckedAt = performance.now();
  currentSession().then(
    (s) => {
      if (s.user === null) location.reload(); // logged out elsewhere or expired: back to the form
    },
    () => undefined, // server unreachable: keep reconnecting
  );
}
connection.start();
alarmPanel.start();
addEventListener('pagehide', () => connection.stop());
addEventListener('pagehide', () => alarmPanel.stop());
requestAnimationFrame(paint);
