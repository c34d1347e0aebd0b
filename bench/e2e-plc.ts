// The PLC of the end-to-end benchmark (issue 24), in its own process: a node-opcua server on
// 127.0.0.1 with `T0..T<n-1>` Doubles (ns=1;s=T<i>) whose value IS their change time, ms since
// the epoch with sub-ms precision (performance.timeOrigin + performance.now(), the clock the HMI
// frames and the clients use on this host). On `{ t: 'change', n }` it changes the first n
// tags once a second (a random phase each second, so changes do not line up with anyone's
// cycle); `{ t: 'quiet' }` stops; `{ t: 'cpu' }` answers its CPU time. Its minimum publishing
// interval is node-opcua's usual 50 ms, the figure the issue measured against.
//
// argv: tags PKI-folder

import { performance } from 'node:perf_hooks';
import { DataType, OPCUAServer, Subscription, type UAVariable } from 'node-opcua';
import { certificateManager } from '../plc-adapters/opcua/pki.ts';

const tags = Number(process.argv[2] ?? 1000);
const pki = process.argv[3] ?? '/tmp/twinloop-e2e-plc';
const now = (): number => performance.timeOrigin + performance.now();

Subscription.minimumPublishingInterval = 50;
const server = new OPCUAServer({
  hostname: '127.0.0.1',
  port: 0,
  serverCertificateManager: await certificateManager(`${pki}/server`, true),
  userCertificateManager: await certificateManager(`${pki}/user`, true),
  disableDiscovery: true,
  serverCapabilities: { maxSessions: 50, minSupportedSampleRate: 1 },
});
await server.initialize();
const space = server.engine.addressSpace!;
const ns = space.getOwnNamespace();
const folder = ns.addFolder(space.rootFolder.objects, { browseName: 'E2E' });
const vars: UAVariable[] = [];
for (let i = 0; i < tags; i++) {
  vars.push(ns.addVariable({ componentOf: folder, nodeId: `s=T${i}`, browseName: `T${i}`, dataType: 'Double', minimumSamplingInterval: 1, value: { dataType: DataType.Double, value: 0 } }));
}
await server.start();
const port = server.endpoints[0]!.port;

let changing = 0;
let timer: NodeJS.Timeout | undefined;
let changes = 0;
// xorshift: the phases are the same in every run.
let rng = 0x2545f491;
const random = (): number => {
  rng ^= rng << 13;
  rng ^= rng >>> 17;
  rng ^= rng << 5;
  return (rng >>> 0) / 0x100000000;
};

function second(): void {
  timer = setTimeout(() => {
    for (let i = 0; i < changing; i++) vars[i]!.setValueFromSource({ dataType: DataType.Double, value: now() });
    changes += changing;
    second();
  }, 1000 - 400 + random() * 800); // 0.6..1.4 s apart: 1 Hz on average, at no fixed phase
}

process.on('message', (m: { t: string; n?: number }) => {
  if (m.t === 'change') {
    changing = Math.min(tags, m.n ?? tags);
    if (timer === undefined) second();
  } else if (m.t === 'quiet') {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  } else if (m.t === 'cpu') {
    const c = process.cpuUsage();
    process.send?.({ t: 'cpu', us: c.user + c.system, changes });
  } else if (m.t === 'stop') {
    if (timer !== undefined) clearTimeout(timer);
    void server.shutdown(0).then(() => process.exit(0));
  }
});
process.send?.({ t: 'ready', endpoint: `opc.tcp://127.0.0.1:${port}` });
