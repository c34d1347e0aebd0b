// The ADS baseline of the end-to-end benchmark (issue 24), in its own process: a bare
// ads-client reading the same symbols the way twinloop's adapter does (poll: variable handles,
// then sum reads of at most 500 per request, one read per cycle with one in flight; notify:
// an on-change device notification per symbol at the cycle as its cycle time), taking
// now - value for every new value. What the protocol and its library cost by themselves.
//
// argv: endpoint tags poll|notify cycle-ms

import { Client, type ReadRawMultiCommand } from 'ads-client';
import { parseAdsEndpoint } from '../plc-adapters/ads/ads-endpoint.ts';
import { pollGrid, RawBaseline } from './e2e-raw-ipc.ts';

const [endpoint, tagsText, mode, cycleText] = process.argv.slice(2) as [string, string, string, string];
const tags = Number(tagsText);
const cycleMs = Number(cycleText);
const SUM_LIMIT = 500;
const base = new RawBaseline(tags);
const e = parseAdsEndpoint(endpoint);
const client = new Client({ targetAmsNetId: e.netId, targetAdsPort: e.adsPort, routerAddress: e.host, routerTcpPort: e.tcpPort, autoReconnect: false, hideConsoleWarnings: true });
await client.connect();
const paths = Array.from({ length: tags }, (_, i) => `E2E.T${i}`);
const chunks = <T>(list: readonly T[]): T[][] => Array.from({ length: Math.ceil(list.length / SUM_LIMIT) }, (_, c) => list.slice(c * SUM_LIMIT, (c + 1) * SUM_LIMIT));
let poller: { stop(): void } | undefined;
if (mode === 'poll') {
  const handles = (await Promise.all(chunks(paths).map((c) => client.createVariableHandleMulti(c)))).flat();
  const cmds: ReadRawMultiCommand[][] = chunks(handles.map((h) => ({ indexGroup: 0xf005, indexOffset: h.handle!.handle, size: 8 })));
  poller = pollGrid(cycleMs, async () => {
    const res = await Promise.all(cmds.map((c) => client.readRawMulti(c)));
    let k = 0;
    for (const part of res) for (const r of part) base.take(k++, r.value ? r.value.readDoubleLE(0) : 0);
  });
} else {
  for (let c = 0; c < tags; c += 100) {
    await Promise.all(
      paths.slice(c, c + 100).map((path, j) =>
        client.subscribe<number>({ target: path, cycleTime: cycleMs, sendOnChange: true, callback: (d) => base.take(c + j, d.value) }),
      ),
    );
  }
}
base.serve(async () => {
  poller?.stop();
  await client.disconnect().catch(() => client.disconnect(true));
});
