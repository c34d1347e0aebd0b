// The PLC of the end-to-end benchmark (issue 24), in its own process: a node-opcua server on
// 127.0.0.1 with `T0..T<n-1>` Doubles (ns=1;s=T<i>) whose value IS their change time, ms since
// the epoch with sub-ms precision (performance.timeOrigin + performance.now(), the clock the HMI
// frames and the clients use on this host). On `{ t: 'change', n }` it changes the first n
// tags once a second (a random phase each second, so changes do not line up with anyone's
// cycle; the schedule and IPC in e2e-plc-schedule.ts, shared with the ADS and S7 PLCs). Its minimum publishing
// interval is node-opcua's usual 50 ms, the figure the issue measured against, unless argv says
// otherwise: a PLC's OPC UA server has it as a setting (the S7-1500's "Minimum publishing
// interval"), and a server set to grant the client's 10 ms cycle lets `auto` subscribe.
//
// argv: tags PKI-folder [minimum-publishing-interval-ms]

import { DataType, MonitoredItem, OPCUAServer, Subscription, type UAVariable } from 'node-opcua';
import { certificateManager } from '../plc-adapters/opcua/pki.ts';
import { serveChanges } from './e2e-plc-schedule.ts';

const tags = Number(process.argv[2] ?? 1000);
const pki = process.argv[3] ?? '/tmp/twinloop-e2e-plc';
const minPublishingMs = Number(process.argv[4] ?? 50);

Subscription.minimumPublishingInterval = minPublishingMs;
// Sampling no faster than publishing, as a PLC's server settings pair them (node-opcua's default is 50 ms).
MonitoredItem.minimumSamplingInterval = Math.min(50, minPublishingMs);
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

serveChanges(tags, (n, t) => {
  for (let i = 0; i < n; i++) vars[i]!.setValueFromSource({ dataType: DataType.Double, value: t });
}, () => server.shutdown(0));
process.send?.({ t: 'ready', endpoint: `opc.tcp://127.0.0.1:${port}` });
