// A node-opcua server on 127.0.0.1 configured to behave like a PLC's OPC UA server (an S7-1500,
// a TF6100, a gateway) rather than like node-opcua's permissive defaults: operation limits
// (nodes per Read/Write/Browse, monitored items per call), a Browse that returns at most 100
// references per call (continuation points), minimum sampling and publishing intervals of
// 100 ms, optionally secure-only endpoints that refuse unknown client certificates, and variables
// of the types real PLCs declare (LINT/ULINT, arrays, String, an enumeration, Duration, UtcTime,
// a structure). Test peer only.

import {
  DataType,
  MessageSecurityMode,
  OPCUAServer,
  SecurityPolicy,
  Subscription,
  VariantArrayType,
  type BrowseRequest,
  type OPCUACertificateManager,
  type UAVariable,
} from 'node-opcua';
import { certificateManager, tempPkiFolder } from '../../plc-adapters/opcua/pki.ts';
import { rmSync } from 'node:fs';

export interface PlcLikeOptions {
  readonly maxNodesPerRead?: number;
  readonly maxNodesPerWrite?: number;
  readonly maxMonitoredItemsPerCall?: number;
  readonly maxNodesPerBrowse?: number;
  /** References per Browse/BrowseNext answer (default 100); 0 = as the client asks. */
  readonly referencesPerCall?: number;
  /** Minimum publishing and sampling interval, ms (default 100). */
  readonly minIntervalMs?: number;
  /** Only SignAndEncrypt / Basic256Sha256 endpoints (no channel without security at all). */
  readonly secureOnly?: boolean;
  /** Accept unknown client certificates (default: only when not secureOnly). */
  readonly acceptUnknownClients?: boolean;
  /** Motors below Line (each an object with Run: Boolean rw, Speed: Double ro). */
  readonly motors?: number;
  /** Double variables `ns=1;s=V<i>` in folder Many (for limit tests). */
  readonly many?: number;
}

export interface PlcLike {
  readonly endpoint: string;
  readonly server: OPCUAServer;
  /** The server's PKI root: a client certificate copied to `<pki>/server/trusted/certs` is trusted. */
  readonly pki: string;
  /** Set a variable's value from the "PLC program" side. */
  set(nodeId: string, dataType: DataType, value: unknown, arrayType?: VariantArrayType): void;
  /** The server-side value of a variable. */
  get(nodeId: string): unknown;
  /** Sizes of the requests the server received, per service (to prove slicing). */
  readonly requests: Map<string, number[]>;
  close(): Promise<void>;
}

/** An enumeration like a PLC's `MotorMode` (Off 0, Manual 1, Auto 2). */
function addMotorMode(server: OPCUAServer) {
  const ns = server.engine.addressSpace!.getOwnNamespace();
  return ns.addEnumerationType({ browseName: 'MotorMode', enumeration: ['Off', 'Manual', 'Auto'] });
}

export async function startPlcLike(options: PlcLikeOptions = {}): Promise<PlcLike> {
  const pki = tempPkiFolder('opcua-plclike');
  const secure = options.secureOnly ?? false;
  const accept = options.acceptUnknownClients ?? !secure;
  const managers: OPCUACertificateManager[] = [await certificateManager(`${pki}/server`, accept), await certificateManager(`${pki}/user`, accept)];
  const minMs = options.minIntervalMs ?? 100;
  // Process-wide in node-opcua (static): restored at close.
  const previousMinimum = Subscription.minimumPublishingInterval;
  Subscription.minimumPublishingInterval = minMs;
  const server = new OPCUAServer({
    hostname: '127.0.0.1',
    port: 0,
    serverCertificateManager: managers[0]!,
    userCertificateManager: managers[1]!,
    securityModes: secure ? [MessageSecurityMode.SignAndEncrypt] : [MessageSecurityMode.None, MessageSecurityMode.SignAndEncrypt],
    securityPolicies: secure ? [SecurityPolicy.Basic256Sha256] : [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
    disableDiscovery: true,
    serverCapabilities: {
      minSupportedSampleRate: minMs,
      operationLimits: {
        maxNodesPerRead: options.maxNodesPerRead ?? 0,
        maxNodesPerWrite: options.maxNodesPerWrite ?? 0,
        maxMonitoredItemsPerCall: options.maxMonitoredItemsPerCall ?? 0,
        maxNodesPerBrowse: options.maxNodesPerBrowse ?? 0,
      },
    },
  });
  await server.initialize();
  const space = server.engine.addressSpace!;
  const ns = space.getOwnNamespace();
  const vars = new Map<string, UAVariable>();
  const add = (parent: Parameters<typeof ns.addFolder>[0], id: string, browseName: string, dataType: string | ReturnType<typeof addMotorMode>, value: { dataType: DataType; value: unknown; arrayType?: VariantArrayType }, writable = true, valueRank = -1) => {
    const v = ns.addVariable({
      componentOf: parent,
      nodeId: `s=${id}`,
      browseName,
      dataType,
      valueRank,
      ...(valueRank >= 0 ? { arrayDimensions: [4] } : {}),
      accessLevel: writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
      userAccessLevel: writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
      minimumSamplingInterval: minMs,
      value,
    });
    vars.set(`ns=1;s=${id}`, v);
    return v;
  };
  const objects = space.rootFolder.objects;
  const types = ns.addFolder(objects, { browseName: 'Types' });
  add(types, 'I64', 'I64', 'Int64', { dataType: DataType.Int64, arrayType: VariantArrayType.Scalar, value: [0, 0] });
  add(types, 'U64', 'U64', 'UInt64', { dataType: DataType.UInt64, arrayType: VariantArrayType.Scalar, value: [0, 0] });
  add(types, 'I64ro', 'I64ro', 'Int64', { dataType: DataType.Int64, arrayType: VariantArrayType.Scalar, value: [0xffffffff, 0xfffffffe] }, false); // -2
  add(types, 'Arr', 'Arr', 'Double', { dataType: DataType.Double, arrayType: VariantArrayType.Array, value: new Float64Array([1.5, 2.5, 3.5, 4.5]) }, true, 1);
  add(types, 'IArr', 'IArr', 'Int32', { dataType: DataType.Int32, arrayType: VariantArrayType.Array, value: new Int32Array([10, 20, 30, 40]) }, true, 1);
  add(types, 'Str', 'Str', 'String', { dataType: DataType.String, value: '12.5' });
  const mode = addMotorMode(server);
  add(types, 'Mode', 'Mode', mode, { dataType: DataType.Int32, value: 2 });
  add(types, 'Dur', 'Dur', 'Duration', { dataType: DataType.Double, value: 250 });
  add(types, 'Time', 'Time', 'UtcTime', { dataType: DataType.DateTime, value: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)) });
  add(types, 'Info', 'Info', 'BuildInfo', { dataType: DataType.ExtensionObject, value: null }, false);
  const line = ns.addFolder(objects, { browseName: 'Line' });
  for (let i = 1; i <= (options.motors ?? 0); i++) {
    const m = ns.addObject({ componentOf: line, browseName: `Motor${i}`, nodeId: `s=Motor${i}` });
    add(m, `Motor${i}.Run`, 'Run', 'Boolean', { dataType: DataType.Boolean, value: false });
    add(m, `Motor${i}.Speed`, 'Speed', 'Double', { dataType: DataType.Double, value: i }, false);
  }
  if ((options.many ?? 0) > 0) {
    const many = ns.addFolder(objects, { browseName: 'Many' });
    for (let i = 0; i < options.many!; i++) add(many, `V${i}`, `V${i}`, 'Double', { dataType: DataType.Double, value: i });
  }
  // A PLC answers at most ~100 references per Browse, whatever the client asks for.
  const perCall = options.referencesPerCall ?? 100;
  const internals = server as unknown as Record<string, (message: { request: BrowseRequest }, channel: unknown) => void>;
  const onBrowse = internals['_on_BrowseRequest']!.bind(server);
  if (perCall > 0) {
    internals['_on_BrowseRequest'] = (message, channel) => {
      const asked = message.request.requestedMaxReferencesPerNode;
      message.request.requestedMaxReferencesPerNode = asked > 0 ? Math.min(asked, perCall) : perCall;
      onBrowse(message, channel);
    };
  }
  const requests = new Map<string, number[]>();
  server.on('request', (request: { schema: { name: string }; nodesToRead?: unknown[]; nodesToWrite?: unknown[]; itemsToCreate?: unknown[]; nodesToBrowse?: unknown[]; continuationPoints?: unknown[] }) => {
    const size = (request.nodesToRead ?? request.nodesToWrite ?? request.itemsToCreate ?? request.nodesToBrowse ?? request.continuationPoints)?.length;
    if (size === undefined) return;
    const list = requests.get(request.schema.name) ?? [];
    list.push(size);
    requests.set(request.schema.name, list);
  });
  await server.start();
  const port = server.endpoints[0]!.port;
  return {
    endpoint: `opc.tcp://127.0.0.1:${port}`,
    server,
    pki,
    requests,
    set(nodeId, dataType, value, arrayType) {
      vars.get(nodeId)!.setValueFromSource({ dataType, value, ...(arrayType !== undefined ? { arrayType } : {}) });
    },
    get(nodeId) {
      return vars.get(nodeId)!.readValue().value.value;
    },
    async close() {
      await server.shutdown(0);
      for (const cm of managers) await cm.dispose().catch(() => undefined);
      rmSync(pki, { recursive: true, force: true });
      Subscription.minimumPublishingInterval = previousMinimum;
    },
  };
}
