// Entry of the HMI page: wires the WebSocket link to the signal store and the views (banner,
// controls, mimic, live values, trend). Frames only update the store; the DOM is updated once
// per animation frame when something changed, and the trend canvas a few times a second.

import 'uplot/dist/uPlot.min.css';
import '../app.css';
import type { ServerFrame } from '../../protocol.ts';
import { Banner } from './banner.ts';
import { Connection, type LinkState } from './connection.ts';
import { Controls } from './controls.ts';
import { h } from './element.ts';
import { LivePanel } from './live-panel.ts';
import { Mimic } from './mimic.ts';
import { SignalStore } from './signal-store.ts';
import { Trend } from './trend.ts';

const TREND_REDRAW_MS = 250;

const store = new SignalStore();
const banner = new Banner();
const controls = new Controls(store);
const mimic = new Mimic();
const live = new LivePanel();
const trend = new Trend();

document.body.append(banner.root, controls.root, h('main', { class: 'grid' }, mimic.root, live.root), trend.root);

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
  if (store.version !== renderedVersion) {
    renderedVersion = store.version;
    controls.render(store);
    mimic.render(store);
    live.render(store);
    trend.sample(store);
  }
  if (now - trendAt >= TREND_REDRAW_MS) {
    trendAt = now;
    trend.redraw();
  }
  requestAnimationFrame(paint);
}

const wsUrl = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
const connection = new Connection(wsUrl, {
  frame: onFrame,
  state: (s) => {
    link = s;
    document.body.dataset['link'] = s.kind;
  },
});
connection.start();
addEventListener('pagehide', () => connection.stop());
requestAnimationFrame(paint);
