// The live banner of the pages that are not the mimic (KPIs, online view): the same Banner as the
// live page, kept current over its own WebSocket (mode, run state, pace, and the status frames
// that carry the ST program's RUN/STOP), repainted once per animation frame.

import type { ServerFrame } from '../../protocol.ts';
import type { Banner } from './banner.ts';
import { Connection, type LinkState } from './connection.ts';
import { SignalStore } from './signal-store.ts';

/** Keep `banner` live; the connection closes when the page goes away. */
export function liveBanner(banner: Banner): void {
  const store = new SignalStore();
  let link: LinkState = { kind: 'connecting' };
  const onFrame = (frame: ServerFrame): void => {
    if (frame.t === 'catalog') store.reset(frame);
    else if (frame.t === 'values') store.apply(frame);
    else if (frame.t === 'status') store.setStatus(frame.status);
  };
  const connection = new Connection(`${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`, {
    frame: onFrame,
    state: (s) => {
      link = s;
      document.body.dataset['link'] = s.kind;
    },
  });
  const paint = (): void => {
    banner.setLink(link);
    banner.render(store);
    requestAnimationFrame(paint);
  };
  connection.start();
  addEventListener('pagehide', () => connection.stop());
  requestAnimationFrame(paint);
}
