// The OPC UA face of a soft PLC: a node-opcua server on 127.0.0.1 that exposes each process
// image entry as a variable `ns=1;s=<address>` (Boolean / Int32 / Double). Inputs are
// writable (twinloop writes the model's sensors), outputs read-only. It counts the values read
// and written by client requests so tests can prove, e.g., that shadow mode wrote nothing.

import { AccessRestrictionsFlag, DataType, MessageSecurityMode, PermissionFlag, WellKnownRoles, OPCUAServer, ReadRequest, SecurityPolicy, WriteRequest, type DataValue, type OPCUACertificateManager, type UAVariable } from 'node-opcua';
import type { SignalType } from '../../core/signals.ts';
import type { ImageEntry } from '../sim/program.ts';
import type { ProcessImage, SoftPlcCounters, SoftPlcServer } from '../soft-plc/soft-plc-server.ts';
import { certificateManager, removeTempPkiFolder, tempPkiFolder } from './pki.ts';
import { quietOpcuaSelfTest } from './opcua-warnings.ts';
import { setWarningLogger } from 'node-opcua';

quietOpcuaSelfTest({ setWarningLogger }); // the PKCS#1 v1.5 self-test warning does not concern us

const DATA_TYPES: Readonly<Record<SignalType, DataType>> = { bool: DataType.Boolean, int: DataType.Int32, real: DataType.Double };
const roles = (permissions: number) => [
  { roleId: WellKnownRoles.Anonymous, permissions },
  { roleId: WellKnownRoles.AuthenticatedUser, permissions },
];
const RO = roles(PermissionFlag.Browse | PermissionFlag.Read | PermissionFlag.ReadRolePermissions);
const RW = roles(PermissionFlag.Browse | PermissionFlag.Read | PermissionFlag.ReadRolePermissions | PermissionFlag.Write);
const DATA_TYPE_NAMES: Readonly<Record<SignalType, string>> = { bool: 'Boolean', int: 'Int32', real: 'Double' };

export interface OpcuaSoftPlcOptions {
  /** PKI root of the server (own certificate, trusted clients); default a fresh temp folder. */
  readonly pkiFolder?: string;
  /**
   * Accept any client certificate (default true: a soft PLC is a local test peer). Set false
   * to require clients to be in `<pkiFolder>/trusted/certs`.
   */
  readonly acceptUnknownClients?: boolean;
  /** Users allowed besides anonymous (username -> password). */
  readonly users?: Readonly<Record<string, string>>;
  /** Refuse anonymous sessions (when users are given). */
  readonly requireUser?: boolean;
  /** Caps of one Read / Write request, as real PLCs have (default: none). */
  readonly maxNodesPerRead?: number;
  readonly maxNodesPerWrite?: number;
}

export class OpcuaSoftPlcServer implements SoftPlcServer {
  readonly protocol = 'opcua';
  readonly counters: SoftPlcCounters = { reads: 0, writes: 0 };
  readonly #options: OpcuaSoftPlcOptions;
  #server: OPCUAServer | undefined;
  #managers: OPCUACertificateManager[] = [];
  #tempFolder: string | undefined;
  #pkiFolder = '';
  #outputs: UAVariable[] = [];
  #published = new Float64Array(0);
  #image: ProcessImage | undefined;

  constructor(options: OpcuaSoftPlcOptions = {}) {
    this.#options = options;
  }

  addressOf(entry: ImageEntry, _side: 'input' | 'output'): string {
    return `ns=1;s=${entry.address}`;
  }

  /** Folder of the server's PKI: its certificate is `own/certs/certificate.pem`. */
  get pkiFolder(): string {
    return this.#pkiFolder;
  }

  /** The server's own certificate file (a client trusts the server by copying it). */
  get certificateFile(): string {
    return this.#server?.certificateFile ?? '';
  }

  /** Sessions the server holds now (tests check that dropped links do not pile them up). */
  get sessionCount(): number {
    return this.#server?.currentSessionCount ?? 0;
  }

  async start(image: ProcessImage, options: { host?: string; port?: number }): Promise<{ endpoint: string }> {
    if (this.#server) throw new Error('OPC UA soft PLC server already started');
    const host = options.host ?? '127.0.0.1';
    // A restart keeps its PKI (same certificate: clients that trust it still do).
    this.#tempFolder ??= this.#options.pkiFolder ? undefined : tempPkiFolder('opcua-server');
    this.#pkiFolder = this.#options.pkiFolder ?? this.#tempFolder!;
    const accept = this.#options.acceptUnknownClients ?? true;
    // Every certificate manager gets a folder of ours, or node-opcua writes into the home folder.
    const serverCm = await certificateManager(`${this.#pkiFolder}/server`, accept);
    const userCm = await certificateManager(`${this.#pkiFolder}/user`, accept);
    this.#managers = [serverCm, userCm];
    const users = this.#options.users ?? {};
    const server = new OPCUAServer({
      hostname: host,
      port: options.port ?? 0,
      serverCertificateManager: serverCm,
      userCertificateManager: userCm,
      allowAnonymous: !this.#options.requireUser,
      securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
      securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256, SecurityPolicy.Aes128_Sha256_RsaOaep, SecurityPolicy.Aes256_Sha256_RsaPss],
      userManager: { isValidUser: (user: string, password: string) => users[user] !== undefined && users[user] === password },
      disableDiscovery: true,
      // Each link flap leaves the client's old session behind until its timeout (the client
      // cannot close it over a dead link); a cap of 10 would refuse reconnects after 10 flaps.
      serverCapabilities: {
        maxSessions: 100,
        operationLimits: { maxNodesPerRead: this.#options.maxNodesPerRead ?? 0, maxNodesPerWrite: this.#options.maxNodesPerWrite ?? 0 },
      },
      buildInfo: { productName: 'twinloop soft PLC', manufacturerName: 'twinloop' },
    });
    await server.initialize();
    this.#populate(server, image);
    await server.start();
    this.#server = server;
    const port = server.endpoints[0]?.port ?? options.port ?? 0;
    return { endpoint: `opc.tcp://${host}:${port}` };
  }

  #populate(server: OPCUAServer, image: ProcessImage): void {
    const space = server.engine.addressSpace;
    if (!space) throw new Error('OPC UA server has no address space');
    const ns = space.getOwnNamespace();
    const folder = ns.addFolder(space.rootFolder.objects, { browseName: image.program.name });
    // Plain (cached) values, not getter bindings: a getter makes node-opcua refresh every node
    // on every Read (~30 us a node); a cached value is served as is. Outputs are pushed after
    // each scan by afterScan(), only when they changed; inputs arrive by value_changed.
    const add = (entry: ImageEntry, initial: number, writable: boolean): UAVariable =>
      ns.addVariable({
        componentOf: folder,
        nodeId: `s=${entry.address}`,
        browseName: entry.address,
        dataType: DATA_TYPE_NAMES[entry.type],
        accessLevel: writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
        userAccessLevel: writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
        minimumSamplingInterval: 1,
        // Explicit permissions: without them node-opcua looks the namespace defaults up by
        // name for every node of every Read (half of the cost of a 1,000-node Read).
        accessRestrictions: AccessRestrictionsFlag.None,
        rolePermissions: writable ? RW : RO,
        value: { dataType: DATA_TYPES[entry.type], value: entry.type === 'bool' ? initial !== 0 : initial },
      });
    image.program.io.inputs.forEach((e, k) => {
      const v = add(e, image.inputs[k]!, true);
      v.on('value_changed', (dv: DataValue) => {
        const x = dv.value.value;
        image.inputs[k] = typeof x === 'boolean' ? (x ? 1 : 0) : Number(x);
      });
    });
    this.#outputs = image.program.io.outputs.map((e, k) => add(e, image.outputs[k]!, false));
    this.#published = Float64Array.from(image.outputs);
    this.#image = image;
    const counters = this.counters;
    server.on('request', (request: unknown) => {
      if (request instanceof WriteRequest) counters.writes += request.nodesToWrite?.length ?? 0;
      else if (request instanceof ReadRequest) counters.reads += request.nodesToRead?.length ?? 0;
    });
  }

  /** Publish the outputs that changed in the last scan (called by the soft PLC runner). */
  afterScan(): void {
    const image = this.#image;
    if (!image || !this.#server) return;
    const out = image.outputs;
    const pub = this.#published;
    const entries = image.program.io.outputs;
    for (let k = 0; k < out.length; k++) {
      const x = out[k]!;
      if (x === pub[k]) continue;
      pub[k] = x;
      const e = entries[k]!;
      this.#outputs[k]!.setValueFromSource({ dataType: DATA_TYPES[e.type], value: e.type === 'bool' ? x !== 0 : x });
    }
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.#image = undefined;
    try {
      if (server) await server.shutdown(0);
    } finally {
      for (const cm of this.#managers) await cm.dispose().catch(() => undefined);
      this.#managers = [];
    }
  }

  /** Stop and remove a temporary PKI folder (a soft PLC that will not be restarted). */
  async dispose(): Promise<void> {
    try {
      await this.stop();
    } finally {
      if (this.#tempFolder) removeTempPkiFolder(this.#tempFolder);
      this.#tempFolder = undefined;
    }
  }
}
