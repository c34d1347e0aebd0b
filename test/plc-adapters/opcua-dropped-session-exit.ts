// Child of opcua-dropped-session-exit.test.ts: a subscription-mode link to a real soft PLC
// through a relay, the link cut and the relay gone (reconnects refused, so the dropped session
// stays the adapter's orphan), then everything closed. Prints 'closed' and must then exit by
// itself: nothing of the dropped session may keep the event loop alive.
import { OpcuaAdapter } from '../../plc-adapters/opcua/opcua-adapter.ts';
import { startSoftPlc } from '../../plc-adapters/soft-plc/soft-plc.ts';
import { echoProgram, tcpRelay, until } from './opcua-peer.ts';

const ENTRIES = [{ name: 'a', type: 'real' as const }];
const plc = await startSoftPlc({ program: echoProgram(ENTRIES), protocol: 'opcua', cycleMs: 10 });
const relay = await tcpRelay(Number(new URL(plc.endpoint.replace('opc.tcp', 'http')).port));
const adapter = new OpcuaAdapter({ endpoint: `opc.tcp://127.0.0.1:${relay.port}`, cycleMs: 10, readMode: 'subscription' });
await adapter.connect();
const batch = await adapter.prepare([{ address: 'ns=1;s=out.a', type: 'real', direction: 'read' }]);
const out = new Float64Array(1);
const quality = new Uint8Array(1);
for (let i = 0; i < 500 && quality[0] !== 0; i++) {
  await adapter.read(batch, out, quality);
  await new Promise((r) => setTimeout(r, 10));
}
if (quality[0] !== 0) throw new Error('no first value within 5 s');
relay.cut();
await relay.close();
await until(() => adapter.state === 'disconnected', 5000, 'link loss seen');
await adapter.connect().catch(() => undefined); // refused: the orphan stays
await adapter.close();
await plc.close();
console.log('closed');
