// The twin's OPC UA server as `twinloop start` uses it: settings from the command line
// (`--opcua-server PORT [--opcua-server-allow-none]`) over the plant file's `opcuaServer:` block,
// resolved before the run starts (a bad setting refuses the start), then started on the run
// with the HMI server's users and audit log and the run's alarm manager.

import { dirname, isAbsolute, resolve } from 'node:path';
import type { Logger } from 'pino';
import { loadPlantFile } from '../../config/plant-file.ts';
import type { AlarmManager } from '../../alarms/alarm-manager.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import type { UserStore } from '../../auth/user-store.ts';
import type { RunControl } from '../../engine/run-control.ts';
import { checkRanges, opcuaServerSettings, type OpcuaServerArgs, type OpcuaServerSettings } from './settings.ts';
import type { TwinOpcuaServer } from './twin-server.ts';

// Types only: node-opcua is loaded when a server is started, not by every `twinloop` command.
export type { TwinOpcuaServer, TwinOpcuaServerOptions } from './twin-server.ts';
export { takeOpcuaServerArgs, opcuaServerSettings, type OpcuaServerArgs, type OpcuaServerBlock, type OpcuaServerSettings } from './settings.ts';

/** Resolved settings and where they came from (for error messages naming the file). */
export interface OpcuaServerPlan {
  readonly settings: OpcuaServerSettings;
  readonly source: string;
}

/**
 * The server a start asks for, or undefined. A plant file's `pki` is relative to it.
 * @throws ConfigError CFG_INVALID naming the field (`plant.yaml: opcuaServer.port: ...`)
 */
export function planOpcuaServer(args: OpcuaServerArgs, plantPath: string | undefined, dataDir: string): OpcuaServerPlan | undefined {
  const block = plantPath !== undefined ? loadPlantFile(plantPath).opcuaServer : undefined;
  const source = block !== undefined && plantPath !== undefined ? plantPath : 'command line';
  const pki = block?.pki;
  const withPki = pki !== undefined && !isAbsolute(pki) && plantPath !== undefined ? { ...block, pki: resolve(dirname(plantPath), pki) } : block;
  const settings = opcuaServerSettings(args, withPki, dataDir, source);
  return settings === undefined ? undefined : { settings, source };
}

/**
 * Start the server on a run (resolves once it listens).
 * @throws ConfigError CFG_INVALID for a range on an unknown or non-real signal
 * @throws TwinloopError OPCUA_SERVER_START when it cannot listen
 */
export async function startOpcuaServer(
  run: RunControl,
  plan: OpcuaServerPlan,
  deps: { readonly users: UserStore; readonly audit: AuditLog; readonly alarms?: AlarmManager },
  logger: Logger,
): Promise<TwinOpcuaServer> {
  checkRanges(plan.settings, run.table.defs, plan.source);
  const { TwinOpcuaServer } = await import('./twin-server.ts');
  const server = new TwinOpcuaServer({ run, settings: plan.settings, users: deps.users, audit: deps.audit, ...(deps.alarms !== undefined ? { alarms: deps.alarms } : {}), logger: logger.child({ part: 'opcua-server' }) });
  await server.start();
  return server;
}
