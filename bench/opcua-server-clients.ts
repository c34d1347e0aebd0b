// The subscribers of the OPC UA server benchmark, in their own process as a SCADA would be: N
// node-opcua clients (SignAndEncrypt, Basic256Sha256, a viewer), each with one subscription
// (100 ms publishing) monitoring every given variable by exception (samplingInterval 0). Counts
// the data change notifications and reports them when asked. Bounded: it exits after 10 min.

import { AttributeIds, ClientSubscription, MessageSecurityMode, OPCUAClient, OPCUACertificateManager, SecurityPolicy, TimestampsToReturn, UserTokenType, type ClientSession, type MonitoredItemNotification } from 'node-opcua';

const [endpoint, clientsText, countText, user, password, pki] = process.argv.slice(2) as [string, string, string, string, string, string];
const CLIENTS = Number(clientsText);
const COUNT = Number(countText);
const BATCH = 1000;
let notifications = 0;
const clients: OPCUAClient[] = [];
const sessions: ClientSession[] = [];

async function main(): Promise<void> {
  const cm = new OPCUACertificateManager({ rootFolder: pki, automaticallyAcceptUnknownCertificate: true, keySize: 2048, disableFileWatchers: true });
  await cm.initialize();
  const ids: string[] = [];
  for (let i = 0; i < COUNT; i++) ids.push(`ns=1;s=c${Math.floor(i / 10)}.f${i % 10}`);
  for (let c = 0; c < CLIENTS; c++) {
    const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 }, securityMode: MessageSecurityMode.SignAndEncrypt, securityPolicy: SecurityPolicy.Basic256Sha256, clientCertificateManager: cm, requestedSessionTimeout: 60_000 });
    clients.push(client);
    await client.createDefaultCertificate();
    await client.connect(endpoint);
    const session = await client.createSession({ type: UserTokenType.UserName, userName: user, password });
    sessions.push(session);
    const sub = ClientSubscription.create(session, { requestedPublishingInterval: 100, requestedMaxKeepAliveCount: 50, requestedLifetimeCount: 500, publishingEnabled: true, maxNotificationsPerPublish: 0, priority: 1 });
    await new Promise<void>((resolve) => sub.once('started', () => resolve()));
    // Count raw notifications: one listener per subscription, not one object per item.
    sub.on('raw_notification', (n: { notificationData?: ({ monitoredItems?: MonitoredItemNotification[] } | null)[] | null }) => {
      for (const d of n.notificationData ?? []) notifications += d?.monitoredItems?.length ?? 0;
    });
    for (let i = 0; i < ids.length; i += BATCH) {
      await sub.monitorItems(
        ids.slice(i, i + BATCH).map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value })),
        { samplingInterval: 0, queueSize: 1, discardOldest: true },
        TimestampsToReturn.Source,
      );
    }
  }
  process.send?.({ t: 'ready' });
}

process.on('message', (m: { t: string }) => {
  if (m.t === 'reset') notifications = 0;
  if (m.t === 'count') process.send?.({ t: 'count', notifications });
  if (m.t === 'stop') {
    void (async () => {
      for (const s of sessions) await s.close().catch(() => undefined);
      for (const c of clients) await c.disconnect().catch(() => undefined);
      process.exit(0);
    })();
  }
});
setTimeout(() => process.exit(0), 600_000).unref();
main().catch((err: unknown) => {
  process.send?.({ t: 'error', message: (err as Error).message });
  process.exit(1);
});
