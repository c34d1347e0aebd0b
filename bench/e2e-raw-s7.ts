// The S7 baseline of the end-to-end benchmark (issue 24), in its own process: bare nodes7
// reading the same LREALs the way twinloop's adapter does (one polling list, one readAllItems
// per cycle with one in flight, one request on the wire at a time), taking now - value for
// every new value. What the protocol and its library cost by themselves.
//
// argv: endpoint tags cycle-ms

import NodeS7 from 'nodes7';
import { parseS7Endpoint } from '../plc-adapters/s7/s7-adapter.ts';
import { pollGrid, RawBaseline } from './e2e-raw-ipc.ts';

const [endpoint, tagsText, cycleText] = process.argv.slice(2) as [string, string, string];
const tags = Number(tagsText);
const base = new RawBaseline(tags);
const e = parseS7Endpoint(endpoint);
const conn = new NodeS7({ silent: true });
conn.requestMaxParallel = 1; // as the adapter negotiates
await new Promise<void>((resolve, reject) =>
  conn.initiateConnection({ host: e.host, port: e.port, rack: e.rack, slot: e.slot, timeout: 2000 }, (err) => (err ? reject(new Error(String(err))) : resolve())),
);
const items = Array.from({ length: tags }, (_, i) => `DB1,LREAL${8 * i}`);
conn.addItems(items);
const poller = pollGrid(Number(cycleText), () =>
  new Promise<void>((resolve) =>
    conn.readAllItems((_bad, values) => {
      for (let i = 0; i < tags; i++) {
        const v = values[items[i]!];
        if (typeof v === 'number') base.take(i, v);
      }
      resolve();
    }),
  ),
);
base.serve(async () => {
  poller.stop();
  await new Promise<void>((resolve) => conn.dropConnection(() => resolve()));
});
