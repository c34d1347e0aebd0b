// The S7 PLC of the end-to-end benchmark (issue 24), in its own process: node-snap7's S7Server
// (independent C++ S7 protocol code) with DB1 holding `T0..T<n-1>` as LREALs at DB1,LREAL0,
// LREAL8 ... (big endian, as S7 stores them) whose value IS their change time (ms since the
// epoch, sub-ms; a REAL's 24 bits could not hold it), copied into the server's DB on the
// shared 1 Hz schedule (e2e-plc-schedule.ts).
//
// argv: tags

import { createRequire } from 'node:module';
import type { S7Server } from 'node-snap7';
import { freePort } from '../plc-adapters/soft-plc/free-port.ts';
import { serveChanges } from './e2e-plc-schedule.ts';

const tags = Number(process.argv[2] ?? 1000);
const DB = 1;
const snap7 = createRequire(import.meta.url)('node-snap7') as { S7Server: new () => S7Server };
const srv = new snap7.S7Server();
const db = Buffer.alloc(8 * tags);
if (!srv.RegisterArea(srv.srvAreaDB, DB, db)) throw new Error('S7 e2e PLC: registering DB1 failed');
const port = await freePort('127.0.0.1');
srv.SetParam(srv.LocalPort, port);
const err = await new Promise<number | null>((resolve) => srv.StartTo('127.0.0.1', (e) => resolve(e)));
if (err) throw new Error(`S7 e2e PLC: server did not start on port ${port}: ${srv.ErrorText(err)}`);

serveChanges(tags, (n, t) => {
  for (let i = 0; i < n; i++) db.writeDoubleBE(t, 8 * i);
  srv.SetArea(srv.srvAreaDB, DB, db);
}, () => new Promise<void>((resolve) => srv.Stop(() => resolve())));
process.send?.({ t: 'ready', endpoint: `s7://127.0.0.1:${port}?rack=0&slot=1` });
