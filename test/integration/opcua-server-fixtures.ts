// Shared rig of the OPC UA server tests: a temp data folder with three users (viewer, operator,
// engineer), an audit log and an in-memory alarm manager there, the twin's OPC UA server on
// 127.0.0.1 (a free port) over a given run, and node-opcua clients with their own temp PKI.
// Everything is removed in close().

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageSecurityMode, OPCUAClient, SecurityPolicy, UserTokenType, type ClientSession, type OPCUACertificateManager, type UserIdentityInfo } from 'node-opcua';
import { AlarmManager } from '../../core/alarms/alarm-manager.ts';
import { AuditLog } from '../../core/audit/audit-log.ts';
import type { AuditRecord } from '../../core/audit/audit-record.ts';
import { UserStore } from '../../core/auth/user-store.ts';
import type { RunControl } from '../../core/engine/run-control.ts';
import { opcuaServerSettings, type OpcuaServerBlock } from '../../core/integration/opcua-server/settings.ts';
import { TwinOpcuaServer } from '../../core/integration/opcua-server/twin-server.ts';
import { certificateManager } from '../../plc-adapters/opcua/pki.ts';

export const PASSWORD = 'correct horse battery';
export const USERS = { viewer: 'vera', operator: 'otto', engineer: 'emma' } as const;

export interface Rig {
  readonly dir: string;
  readonly server: TwinOpcuaServer;
  readonly alarms: AlarmManager;
  readonly audit: AuditLog;
  readonly users: UserStore;
  /** Audit records as written (read back from the file). */
  records(): AuditRecord[];
  /** A session as `who` (a user name, or null: anonymous), SignAndEncrypt unless `none`. */
  session(who: string | null, opts?: { none?: boolean; policy?: SecurityPolicy; password?: string }): Promise<ClientSession>;
  /** A connected client with the rig's client PKI (never the home folder's). */
  client(opts?: { none?: boolean; policy?: SecurityPolicy }): Promise<OPCUAClient>;
  close(): Promise<void>;
}

/**
 * Start the server on `run`; `block` adds plant-file settings (acceptUnknownClients is on unless
 * the block says otherwise); `alarms` is the run's manager when the test made one.
 */
export async function openRig(run: RunControl, block: OpcuaServerBlock = {}, given?: AlarmManager): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'twinloop-opcua-server-test-'));
  const users = new UserStore(dir);
  for (const [role, name] of Object.entries(USERS)) await users.add(name, role as 'viewer', PASSWORD);
  const audit = new AuditLog(join(dir, 'audit.jsonl'));
  const alarms = given ?? new AlarmManager({ clock: Date.now });
  const settings = opcuaServerSettings({ port: '0' }, { acceptUnknownClients: true, ...block }, dir)!;
  const server = new TwinOpcuaServer({ run, settings, users, audit, alarms });
  try {
    await server.start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const clients: OPCUAClient[] = [];
  const managers: OPCUACertificateManager[] = [];
  let clientCm: OPCUACertificateManager | undefined;
  const rig: Rig = {
    dir,
    server,
    alarms,
    audit,
    users,
    records(): AuditRecord[] {
      return readFileSync(join(dir, 'audit.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as AuditRecord);
    },
    async client(opts = {}): Promise<OPCUAClient> {
      if (clientCm === undefined) {
        clientCm = await certificateManager(join(dir, 'client-pki'), true);
        managers.push(clientCm);
      }
      const client = OPCUAClient.create({
        applicationName: 'twinloop-test-client',
        endpointMustExist: false,
        connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
        securityMode: opts.none === true ? MessageSecurityMode.None : MessageSecurityMode.SignAndEncrypt,
        securityPolicy: opts.none === true ? SecurityPolicy.None : (opts.policy ?? SecurityPolicy.Basic256Sha256),
        clientCertificateManager: clientCm,
        transportTimeout: 5000,
        requestedSessionTimeout: 10_000,
      });
      clients.push(client);
      await client.createDefaultCertificate();
      await client.connect(server.endpoint);
      return client;
    },
    async session(who, opts = {}): Promise<ClientSession> {
      const client = await rig.client(opts);
      const identity: UserIdentityInfo = who === null ? { type: UserTokenType.Anonymous } : { type: UserTokenType.UserName, userName: who, password: opts.password ?? PASSWORD };
      return client.createSession(identity);
    },
    async close(): Promise<void> {
      for (const c of clients) await c.disconnect().catch(() => undefined);
      await server.close();
      for (const cm of managers) await cm.dispose().catch(() => undefined);
      alarms.close();
      audit.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

/** Poll `fn` until it returns a value other than undefined, every 50 ms, at most `ms`. */
export async function waitFor<T>(fn: () => T | undefined | Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const until = Date.now() + ms;
  for (let i = 0; i < Math.ceil(ms / 50) + 1; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}
