// The ADS PLC of the end-to-end benchmark (issue 24), in its own process: the project's AMS/TCP
// target (plc-adapters/ads/ads-target, written to the spec) serving `E2E.T0..T<n-1> : LREAL`
// whose value IS their change time (ms since the epoch, sub-ms), written straight into the
// target's process image on the shared 1 Hz schedule (e2e-plc-schedule.ts). On-change device
// notifications see a change at their next scan, as a TwinCAT runtime's would.
//
// argv: tags

import { SOFT_PLC_ADS_PORT, SOFT_PLC_NET_ID } from '../plc-adapters/ads/ads-soft-plc.ts';
import { AdsTarget } from '../plc-adapters/ads/ads-target/ads-target.ts';
import { SymbolTable } from '../plc-adapters/ads/ads-target/symbol-table.ts';
import { serveChanges } from './e2e-plc-schedule.ts';

const tags = Number(process.argv[2] ?? 1000);
const table = new SymbolTable(Array.from({ length: tags }, (_, i) => ({ name: `E2E.T${i}`, type: 'LREAL' })));
const offsets = table.symbols.map((s) => s.indexOffset);
const target = new AdsTarget(table, { netId: SOFT_PLC_NET_ID });
const port = await target.listen(0, '127.0.0.1');

serveChanges(tags, (n, t) => {
  const memory = target.memory;
  for (let i = 0; i < n; i++) memory.writeDoubleLE(t, offsets[i]!);
}, () => target.stop());
process.send?.({ t: 'ready', endpoint: `ads://127.0.0.1:${port}/${SOFT_PLC_NET_ID}:${SOFT_PLC_ADS_PORT}` });
