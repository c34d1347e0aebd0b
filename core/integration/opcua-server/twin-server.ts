// The twin's OPC UA server (node-opcua): the address space under Objects/Twin (signals by
// component, shadow deviations, run state, alarms as conditions and as plain variables), fed
// off the tick path by a sampler, with SignAndEncrypt endpoints (Basic256Sha256 and the two Aes
// policies) and, only when asked, SecurityPolicy None. Sessions authenticate with twinloop's
// users (username tokens); anonymous sessions are refused unless enabled, and are read-only.
// Certificates live under the settings' PKI folder (never the home folder): the server's own in
// `own/`, trusted clients in `trusted/certs`, refused ones land in `rejected/`.

import { mkdirSync } from 'node:fs';
import { MessageSecurityMode, OPCUACertificateManager, OPCUAServer, SecurityPolicy, setWarningLogger } from 'node-opcua';
import { quietOpcuaSelfTest } from '../../../plc-adapters/opcua/opcua-warnings.ts';
import type { Logger } from 'pino';
import type { AlarmManager } from '../../alarms/alarm-manager.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import type { UserStore } from '../../auth/user-store.ts';
import type { RunControl } from '../../engine/run-control.ts';
import { TwinloopError } from '../../errors.ts';
import { certificateManager } from '../../../plc-adapters/opcua/pki.ts';
import { AlarmConditions } from './alarm-conditions.ts';
import { OpcuaAudit } from './audited.ts';
import { RunNodes } from './run-nodes.ts';
import { Sampler, type SamplerStats } from './sampler.ts';
import type { OpcuaServerSettings } from './settings.ts';
import { addSignalNodes } from './signal-nodes.ts';
import { installSignalWrite } from './signal-writes.ts';
import { UserCheck } from './user-check.ts';

quietOpcuaSelfTest({ setWarningLogger }); // the PKCS#1 v1.5 self-test warning does not concern us

export interface TwinOpcuaServerOptions {
  readonly run: RunControl;
  readonly settings: OpcuaServerSettings;
  /** The installation's users (the HMI server's `auth.users`). */
  readonly users: UserStore;
  /** The installation's audit log (the HMI server's, so one process keeps one chain). */
  readonly audit: AuditLog;
  /** Mirrored as conditions when given. */
  readonly alarms?: AlarmManager;
  readonly logger?: Logger;
  /** Do not start the sampling timer: the owner calls sampleNow() (the benchmark's phases). */
  readonly manualSampling?: boolean;
}

const SECURE_POLICIES = [SecurityPolicy.Basic256Sha256, SecurityPolicy.Aes128_Sha256_RsaOaep, SecurityPolicy.Aes256_Sha256_RsaPss];

export class TwinOpcuaServer {
  readonly #o: TwinOpcuaServerOptions;
  #server: OPCUAServer | undefined;
  #managers: OPCUACertificateManager[] = [];
  #sampler: Sampler | undefined;
  #runNodes: RunNodes | undefined;
  #conditions: AlarmConditions | undefined;
  #endpoint = '';

  constructor(options: TwinOpcuaServerOptions) {
    this.#o = options;
  }

  /** `opc.tcp://host:port` once started. */
  get endpoint(): string {
    return this.#endpoint;
  }

  /** The server's certificate (PEM/DER file): a client trusts the server by copying it. */
  get certificateFile(): string {
    return this.#server?.certificateFile ?? '';
  }

  get sessionCount(): number {
    return this.#server?.currentSessionCount ?? 0;
  }

  get samplerStats(): SamplerStats | undefined {
    return this.#sampler?.stats;
  }

  /**
   * Build the address space and listen.
   * @throws TwinloopError OPCUA_SERVER_START when the port is taken or the PKI cannot be created
   * @example
   * const s = new TwinOpcuaServer({ run, settings, users: hmi.auth.users, audit: hmi.audit, alarms });
   * await s.start(); // s.endpoint === 'opc.tcp://127.0.0.1:4841'
   */
  async start(): Promise<void> {
    if (this.#server !== undefined) throw new TwinloopError('OPCUA_SERVER_START', 'the OPC UA server is started already');
    const { settings, run, logger } = this.#o;
    const users = new UserCheck(this.#o.users);
    const audit = new OpcuaAudit(this.#o.audit, users);
    let server: OPCUAServer;
    try {
      mkdirSync(settings.pkiFolder, { recursive: true, mode: 0o700 });
      // File watchers on (unlike the adapter's): a client certificate moved to trusted/ is
      // seen by the running server, without a restart of the run.
      const serverCm = new OPCUACertificateManager({ rootFolder: `${settings.pkiFolder}/server`, automaticallyAcceptUnknownCertificate: settings.acceptUnknownClients, keySize: 2048 });
      await serverCm.initialize();
      const userCm = await certificateManager(`${settings.pkiFolder}/user`, false);
      this.#managers = [serverCm, userCm];
      const modes = settings.allowNone ? [MessageSecurityMode.None, MessageSecurityMode.SignAndEncrypt] : [MessageSecurityMode.SignAndEncrypt];
      const policies = settings.allowNone ? [SecurityPolicy.None, ...SECURE_POLICIES] : SECURE_POLICIES;
      server = new OPCUAServer({
        host: settings.host,
        hostname: settings.host,
        port: settings.port,
        serverCertificateManager: serverCm,
        userCertificateManager: userCm,
        allowAnonymous: settings.allowAnonymous,
        securityModes: modes,
        securityPolicies: policies,
        userManager: {
          isValidUserAsync(this: { channel?: { remoteAddress?: string } }, name: string, password: string, callback: (err: Error | null, ok?: boolean) => void): void {
            const from = `${this.channel?.remoteAddress ?? 'unknown'} opcua`;
            users.check(name, password, from).then((ok) => callback(null, ok), () => callback(null, false));
          },
          getUserRoles: (name: string) => users.rolesOf(name),
        },
        // false: a restricted None endpoint answers GetEndpoints (clients fetch the server's
        // certificate there) but accepts no session; sessions need SignAndEncrypt unless allowNone.
        disableDiscovery: false,
        serverCapabilities: { maxSessions: 50, maxBrowseContinuationPoints: 10 },
        buildInfo: { productName: 'twinloop twin', manufacturerName: 'twinloop', productUri: 'urn:twinloop:twin' },
      });
      await server.initialize();
    } catch (err) {
      await this.#disposeManagers();
      throw new TwinloopError('OPCUA_SERVER_START', `OPC UA server: cannot prepare (${(err as Error).message})`, { cause: err });
    }
    let pairs = 0;
    let virtual = false;
    try {
      const space = server.engine.addressSpace!;
      const ns = space.getOwnNamespace();
      const twin = ns.addFolder(space.rootFolder.objects, { browseName: 'Twin', nodeId: 's=Twin', description: `twinloop digital twin of ${run.lineName}` });
      const status = run.status();
      virtual = status.mode === 'virtual';
      const signals = ns.addFolder(twin, { browseName: 'Signals', nodeId: 's=Signals' });
      const nodes = addSignalNodes(ns, signals, run.table, {
        writable: virtual,
        ranges: settings.ranges,
        hookWrite: (variable, id) => installSignalWrite(variable, run.table.defs[id]!, run, audit),
      });
      this.#runNodes = new RunNodes(ns, twin, run);
      if (this.#o.alarms !== undefined) this.#conditions = new AlarmConditions(space, ns, twin, this.#o.alarms, audit);
      // Line time 0 on the wall clock: each value's source timestamp is this plus its change tick * dt.
      const epochMs = Date.now() - run.table.time * 1000;
      this.#sampler = new Sampler(run.table, nodes, status.dt, epochMs, settings.sampleHz);
      pairs = nodes.pairs.length;
      await server.start();
    } catch (err) {
      this.#sampler = undefined;
      this.#runNodes = undefined;
      this.#conditions = undefined;
      await server.shutdown(0).catch(() => undefined);
      await this.#disposeManagers();
      throw new TwinloopError('OPCUA_SERVER_START', `OPC UA server: cannot build its address space or listen on ${settings.host}:${settings.port} (${(err as Error).message})`, { cause: err });
    }
    this.#server = server;
    if (this.#o.manualSampling !== true) this.#sampler?.start();
    this.#runNodes?.start();
    this.#conditions?.start();
    const port = server.endpoints[0]?.port ?? settings.port;
    this.#endpoint = `opc.tcp://${settings.host}:${port}`;
    logger?.info({ endpoint: this.#endpoint, signals: run.table.size, deviations: pairs, writable: virtual, securityNone: settings.allowNone, anonymous: settings.allowAnonymous }, 'opcua server: listening');
  }

  /** Bring the alarm conditions up to date now (tests; the server also does it at 4 Hz). */
  syncAlarms(): void {
    this.#conditions?.sync();
  }

  /** Take one sample of the table now (tests; the server also does it at its rate). */
  sampleNow(): void {
    this.#sampler?.cycle();
  }

  async close(): Promise<void> {
    this.#sampler?.stop();
    this.#runNodes?.stop();
    this.#conditions?.stop();
    const server = this.#server;
    this.#server = undefined;
    try {
      if (server !== undefined) await server.shutdown(0);
    } finally {
      await this.#disposeManagers();
    }
  }

  async #disposeManagers(): Promise<void> {
    for (const cm of this.#managers) await cm.dispose().catch(() => undefined);
    this.#managers = [];
  }
}
