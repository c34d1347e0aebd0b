// The baseline of the end-to-end benchmark (issue 24), in its own process: a bare node-opcua
// client reading the same tags the same way twinloop does (one Read of all tags per cycle with
// one in flight, or a subscription asking for the cycle as sampling and publishing interval),
// taking now - value for every new value, as the screens do. What the protocol itself costs.
// `{ t: 'round' }` sends the round's histogram; `{ t: 'cpu' }` its CPU time.
//
// argv: endpoint tags poll|subscription cycle-ms pki-folder

import { performance } from 'node:perf_hooks';
import { AttributeIds, OPCUAClient, TimestampsToReturn, type DataValue } from 'node-opcua';
import { certificateManager } from '../plc-adapters/opcua/pki.ts';
import { LatencyHistogram } from './e2e-histogram.ts';

const [endpoint, tagsText, mode, cycleText, pki] = process.argv.slice(2) as [string, string, string, string, string];
const tags = Number(tagsText);
const cycleMs = Number(cycleText);
const now = (): number => performance.timeOrigin + performance.now();
const hist = new LatencyHistogram();
const seen = new Float64Array(tags);
let ready = false;

const take = (i: number, dv: DataValue): void => {
  const v = dv.value?.value;
  if (typeof v !== 'number' || v === seen[i]) return;
  seen[i] = v;
  if (ready && v > 0) hist.add(now() - v);
};

const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 }, clientCertificateManager: await certificateManager(pki, false) });
await client.connect(endpoint);
const session = await client.createSession();
const ids = Array.from({ length: tags }, (_, i) => ({ nodeId: `ns=1;s=T${i}`, attributeId: AttributeIds.Value }));
let stop = false;
let timer: NodeJS.Timeout | undefined;
if (mode === 'poll') {
  // The same deadline grid as the exchange: a read per cycle, at most one in flight.
  const t0 = performance.now();
  let k = 0;
  let reading = false;
  const tick = (): void => {
    if (stop) return;
    if (!reading) {
      reading = true;
      session.read(ids).then(
        (dvs) => {
          for (let i = 0; i < dvs.length; i++) take(i, dvs[i]!);
          reading = false;
        },
        () => (reading = false),
      );
    }
    k = Math.max(k + 1, Math.floor((performance.now() - t0) / cycleMs));
    timer = setTimeout(tick, Math.max(0, t0 + (k + 1) * cycleMs - performance.now()));
  };
  tick();
} else {
  const sub = await session.createSubscription2({ requestedPublishingInterval: cycleMs, requestedMaxKeepAliveCount: 50, requestedLifetimeCount: 500, maxNotificationsPerPublish: 0, publishingEnabled: true, priority: 10 });
  const group = await sub.monitorItems(ids, { samplingInterval: cycleMs, discardOldest: true, queueSize: 1 }, TimestampsToReturn.Neither);
  group.on('changed', (_item: unknown, dv: DataValue, index: number) => take(index, dv));
  process.send?.({ t: 'revised', publishingMs: sub.publishingInterval });
}
setTimeout(() => (ready = true), 300);

process.on('message', (m: { t: string }) => {
  if (m.t === 'round') {
    process.send?.({ t: 'round', hist: hist.toSparse() });
    hist.reset();
  } else if (m.t === 'cpu') {
    const c = process.cpuUsage();
    process.send?.({ t: 'cpu', us: c.user + c.system });
  } else if (m.t === 'stop') {
    stop = true;
    if (timer !== undefined) clearTimeout(timer);
    void session
      .close()
      .catch(() => undefined)
      .then(() => client.disconnect())
      .finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  }
});
process.send?.({ t: 'ready' });
