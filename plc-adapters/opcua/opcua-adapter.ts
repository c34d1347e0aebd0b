// The OPC UA coupling (node-opcua client). One connect() is one bounded attempt: node-opcua's
// own endless reconnection is switched off (maxRetry 0) and any sign of a lost link (socket
// closed, session closed, keep-alive failure, a silent subscription, a read timeout) turns the
// adapter 'disconnected' at once with every value bad. The caller (NetworkExchange) reconnects
// with backoff; connect() then re-creates the session, re-checks the tag types and re-creates
// the subscriptions of every batch prepared before.

import { rmSync } from 'node:fs';
import type {
  ClientSession,
  ClientSubscription,
  DataValue,
  OPCUAClient,
  OPCUACertificateManager,
  ReadRequest,
  ReadValueId,
  StatusCode,
  UserIdentityInfo,
  WriteRequest,
  WriteValue,
} from 'node-opcua';
import { TwinloopError } from '../../core/errors.ts';
import type { ConnectionState, PlcAdapter, TagBatch, TagQuality, TagSpec } from '../adapter.ts';
import { AttributeId, builtInOf, encodeValue, fitsType, numberOf, qualityOf, typeMismatch } from './opcua-types.ts';
import { OpcuaBatch, chunked, withTimeout, type OpcuaTagSpec } from './opcua-batch.ts';
import { browseTags, type BrowseOptions, type BrowseResult } from './opcua-browse.ts';

export type { OpcuaTagSpec };

type NodeOpcua = typeof import('node-opcua');
let nodeOpcua: Promise<NodeOpcua> | undefined;
/** node-opcua, loaded on first use (it costs ~2 s; engines without OPC UA never pay it). */
function loadNodeOpcua(): Promise<NodeOpcua> {
  nodeOpcua ??= import('node-opcua');
  return nodeOpcua;
}
const TIMESTAMPS_NEITHER = 3; // TimestampsToReturn.Neither: values only, no timestamps to decode

/** ClientSessionImpl's transaction call: not on the ClientSession interface, present at runtime. */
type Transact = (request: ReadRequest | WriteRequest, callback: (err: Error | null, response?: unknown) => void) => void;
// Server_ServerCapabilities_OperationLimits_MaxNodesPerRead / ...PerWrite (Part 5).
const MAX_NODES_PER_READ = 'ns=0;i=11705';
const MAX_NODES_PER_WRITE = 'ns=0;i=11707';

export type OpcuaSecurityMode = 'None' | 'Sign' | 'SignAndEncrypt';
export type OpcuaSecurityPolicy = 'None' | 'Basic256Sha256' | 'Aes128_Sha256_RsaOaep' | 'Aes256_Sha256_RsaPss';

export interface OpcuaAdapterOptions {
  /** `opc.tcp://127.0.0.1:4840` */
  readonly endpoint: string;
  /** Controller cycle: the requested sampling and publishing interval, and the poll period. */
  readonly cycleMs?: number;
  readonly securityMode?: OpcuaSecurityMode;
  /** Default Basic256Sha256 when the mode is Sign/SignAndEncrypt, None otherwise. */
  readonly securityPolicy?: OpcuaSecurityPolicy;
  readonly username?: string;
  readonly password?: string;
  /**
   * PKI folder of the client (its own certificate, `trusted/certs` for server certificates,
   * `rejected/` where unknown ones land). Required for Sign/SignAndEncrypt; without it a
   * temporary folder is used and removed at close.
   */
  readonly certificateFolder?: string;
  /** `subscription` (default): the server pushes changes; `poll`: one Read per cycle. */
  readonly readMode?: 'subscription' | 'poll';
  /** Shadow mode: no write path at all (prepare refuses write tags, write() throws). */
  readonly readOnly?: boolean;
  /** Bound of one connect attempt, ms (default 5000). */
  readonly connectTimeoutMs?: number;
  /** Bound of one read or write, ms (default max(1000, 10 cycles)). */
  readonly requestTimeoutMs?: number;
  /**
   * Requested session timeout, ms (default 10000). A link flap orphans the session on the
   * server until then: PLCs with a small session cap need this short.
   */
  readonly sessionTimeoutMs?: number;
}

/** Figures the server revised (it may not sample as fast as asked). */
export interface OpcuaRevised {
  readonly publishingMs: number;
  readonly samplingMs: number;
  /** Longest the server stays silent on a healthy link (publishing x max keep-alive count). */
  readonly keepAliveMs: number;
}


// A subscription sends at least a keep-alive this often; silence for SILENT_FACTOR times that
// means the link is dead even if the socket has not noticed (no FIN from a pulled cable).
const KEEPALIVE_TARGET_MS = 500;
const SILENT_FACTOR = 3;

/**
 * @example
 * const plc = new OpcuaAdapter({ endpoint: 'opc.tcp://127.0.0.1:4840', cycleMs: 10 });
 * await plc.connect();
 * const outs = await plc.prepare([{ address: 'ns=1;s=m1.run', type: 'bool', direction: 'read' }]);
 */
export class OpcuaAdapter implements PlcAdapter {
  readonly protocol = 'opcua';
  readonly options: OpcuaAdapterOptions;
  readonly cycleMs: number;
  readonly readOnly: boolean;
  #state: ConnectionState = 'disconnected';
  #client: OPCUAClient | undefined;
  #session: ClientSession | undefined;
  /** The session of a link that dropped: reclaimed on the next channel and closed at once. */
  #orphan: ClientSession | undefined;
  #reclaimed = 0;
  #subscription: ClientSubscription | undefined;
  #cm: OPCUACertificateManager | undefined;
  #pki: string;
  #tempPki: boolean;
  #closed = false;
  #batches: OpcuaBatch[] = [];
  #lastNotice = 0;
  #silentMs = 0;
  #revised: OpcuaRevised | undefined;
  #lastError = '';
  /** Generation of the connection: a callback from an older client must not touch the new one. */
  #generation = 0;
  #ua: NodeOpcua | undefined;
  // The server's operation limits (0 = none): a PLC may cap the nodes of one Read or Write.
  #maxRead = 0;
  #maxWrite = 0;

  constructor(options: OpcuaAdapterOptions) {
    this.options = options;
    this.cycleMs = options.cycleMs ?? 10;
    this.readOnly = options.readOnly ?? false;
    const mode = options.securityMode ?? 'None';
    if (mode !== 'None' && !options.certificateFolder) {
      throw new TwinloopError('CFG_INVALID', `OPC UA ${options.endpoint}: securityMode ${mode} needs a certificateFolder (the trust store for the server's certificate)`);
    }
    this.#tempPki = !options.certificateFolder;
    this.#pki = options.certificateFolder ?? '';
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The server's revised publishing/sampling intervals (subscription mode, once connected). */
  get revised(): OpcuaRevised | undefined {
    return this.#revised;
  }

  get lastError(): string {
    return this.#lastError;
  }

  /** @throws TwinloopError PLC_NOT_CONNECTED (bounded in time), PLC_CERT_UNTRUSTED, PLC_TAG_* on reconnect. */
  async connect(): Promise<void> {
    if (this.#closed) throw new TwinloopError('PLC_BATCH', `OPC UA ${this.options.endpoint}: adapter is closed`);
    if (this.#state === 'connected') return;
    this.#state = 'connecting';
    const gen = ++this.#generation;
    try {
      // Local one-time costs (loading node-opcua, making the client's certificate) are not
      // part of the connect bound, which is about the peer: they can take seconds on a busy box.
      const client = await this.#makeClient(gen);
      await withTimeout(this.#open(client, gen), this.options.connectTimeoutMs ?? 5000, `connecting to ${this.options.endpoint}`);
      if (gen !== this.#generation) throw new Error('connection superseded');
      // Re-create what the previous connection had: types may have changed with a PLC download.
      for (const b of this.#batches) await this.#compile(b);
      this.#lastNotice = performance.now();
      this.#state = 'connected';
    } catch (err) {
      this.#state = 'disconnected';
      this.#generation++; // an attempt that timed out may still finish: its results are stale
      await this.#teardown();
      if (err instanceof TwinloopError) {
        this.#lastError = err.message;
        throw err;
      }
      const e = this.#explain(err);
      this.#lastError = e.message;
      throw e;
    }
  }

  async #makeClient(gen: number): Promise<OPCUAClient> {
    const ua = await loadNodeOpcua();
    this.#ua = ua;
    const { certificateManager, tempPkiFolder } = await import('./pki.ts');
    if (this.#tempPki && !this.#pki) this.#pki = tempPkiFolder('opcua-client');
    this.#cm = await certificateManager(this.#pki, false);
    const mode = this.options.securityMode ?? 'None';
    const policy = this.options.securityPolicy ?? (mode === 'None' ? 'None' : 'Basic256Sha256');
    const client = ua.OPCUAClient.create({
      applicationName: 'twinloop',
      endpointMustExist: false,
      // One attempt: reconnection is ours (backoff 1, 2, 4 ... 30 s), never node-opcua's loop.
      connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
      securityMode: ua.MessageSecurityMode[mode],
      securityPolicy: ua.SecurityPolicy[policy],
      clientCertificateManager: this.#cm,
      keepSessionAlive: this.options.readMode === 'poll',
      keepAliveInterval: KEEPALIVE_TARGET_MS,
      requestedSessionTimeout: this.options.sessionTimeoutMs ?? 10_000,
      transportTimeout: this.options.connectTimeoutMs ?? 5000,
      // A dropped link's session is not closed on the dead channel (that waits for a timeout);
      // the next channel reactivates and closes it, so the server's session slot is freed.
      keepPendingSessionsOnDisconnect: true,
    });
    this.#client = client;
    await client.createDefaultCertificate();
    const lost = (why: string) => () => this.#lost(gen, why);
    client.on('connection_lost', lost('connection lost'));
    client.on('start_reconnection', lost('connection lost'));
    client.on('close', lost('connection closed'));
    return client;
  }

  async #open(client: OPCUAClient, gen: number): Promise<void> {
    const ua = this.#ua!;
    const lost = (why: string) => () => this.#lost(gen, why);
    await client.connect(this.options.endpoint);
    await this.#reclaimOrphan(client);
    const identity: UserIdentityInfo = this.options.username
      ? { type: ua.UserTokenType.UserName, userName: this.options.username, password: this.options.password ?? '' }
      : { type: ua.UserTokenType.Anonymous };
    const session = await client.createSession(identity);
    if (gen !== this.#generation) return void session.close().catch(() => undefined);
    this.#session = session;
    const limits = await session.read([
      { nodeId: MAX_NODES_PER_READ, attributeId: AttributeId.Value },
      { nodeId: MAX_NODES_PER_WRITE, attributeId: AttributeId.Value },
    ]);
    const limit = (dv: DataValue | undefined): number => (dv?.statusCode.isGood() && typeof dv.value.value === 'number' ? dv.value.value : 0);
    this.#maxRead = limit(limits[0]);
    this.#maxWrite = limit(limits[1]);
    session.on('session_closed', lost('session closed'));
    session.on('keepalive_failure', lost('session keep-alive failed'));
    if (this.options.readMode !== 'poll') {
      const keepAliveCount = Math.max(2, Math.ceil(KEEPALIVE_TARGET_MS / this.cycleMs));
      const sub = await session.createSubscription2({
        requestedPublishingInterval: this.cycleMs,
        requestedMaxKeepAliveCount: keepAliveCount,
        requestedLifetimeCount: keepAliveCount * 10,
        maxNotificationsPerPublish: 0,
        publishingEnabled: true,
        priority: 10,
      });
      if (gen !== this.#generation) return;
      this.#subscription = sub;
      // The server may have slowed publishing (node-opcua: >= 50 ms): re-ask for keep-alives
      // every ~500 ms at the revised rate, or a silent link would take minutes to notice.
      const wanted = Math.max(2, Math.ceil(KEEPALIVE_TARGET_MS / sub.publishingInterval));
      if (sub.maxKeepAliveCount > wanted) {
        await sub.modify({
          requestedPublishingInterval: sub.publishingInterval,
          requestedMaxKeepAliveCount: wanted,
          requestedLifetimeCount: wanted * 10,
          maxNotificationsPerPublish: 0,
          priority: 10,
        });
      }
      this.#silentMs = sub.publishingInterval * sub.maxKeepAliveCount * SILENT_FACTOR;
      this.#revised = { publishingMs: sub.publishingInterval, samplingMs: this.#revised?.samplingMs ?? Number.NaN, keepAliveMs: sub.publishingInterval * sub.maxKeepAliveCount };
      sub.on('keepalive', () => {
        if (gen === this.#generation) this.#lastNotice = performance.now();
      });
      sub.on('terminated', lost('subscription terminated'));
    }
  }

  /**
   * Close the session a dropped link left on the server (it would otherwise hold one of the
   * server's session slots until its timeout: ten flaps, ten sessions). If the server restarted,
   * the session is gone and reactivation fails: nothing to free.
   */
  async #reclaimOrphan(client: OPCUAClient): Promise<void> {
    const orphan = this.#orphan;
    if (!orphan) return;
    this.#orphan = undefined;
    try {
      await withTimeout(client.reactivateSession(orphan), 1500, 'reactivate session');
      await withTimeout(orphan.close(true), 1500, 'close reclaimed session');
      this.#reclaimed++;
    } catch {
      // Gone with a server restart, or the server refused: its timeout will free it.
    }
  }

  /** Sessions of dropped links closed on reconnect instead of left to time out. */
  get reclaimedSessions(): number {
    return this.#reclaimed;
  }

  /** Map node-opcua's connect errors to ours, saying what to do. */
  #explain(err: unknown): TwinloopError {
    const msg = err instanceof Error ? err.message : String(err);
    if (/BadCertificateUntrusted|Certificate verification failed|BadCertificate/i.test(msg)) {
      return new TwinloopError(
        'PLC_CERT_UNTRUSTED',
        `OPC UA ${this.options.endpoint}: the server's certificate is not trusted (${msg}). It was saved in ${this.#pki}/rejected; ` +
          `to trust it, move that file to ${this.#pki}/trusted/certs and reconnect`,
        { cause: err },
      );
    }
    if (/BadIdentityTokenRejected|BadUserAccessDenied|BadIdentityTokenInvalid/.test(msg)) {
      return new TwinloopError('PLC_NOT_CONNECTED', `OPC UA ${this.options.endpoint}: user "${this.options.username ?? 'anonymous'}" refused: ${msg}`, { cause: err });
    }
    return new TwinloopError('PLC_NOT_CONNECTED', `OPC UA ${this.options.endpoint}: cannot connect: ${msg}`, { cause: err });
  }

  /** The link of generation `gen` is gone: values bad now, release the client in the background. */
  #lost(gen: number, reason: string): void {
    if (gen !== this.#generation || this.#state !== 'connected') return;
    this.#state = 'disconnected';
    this.#lastError = `OPC UA ${this.options.endpoint}: ${reason}`;
    for (const b of this.#batches) b.quality.fill(2);
    this.#generation++;
    this.#orphan = this.#session;
    void this.#teardown();
  }

  async #teardown(): Promise<void> {
    const client = this.#client;
    const cm = this.#cm;
    this.#client = undefined;
    this.#session = undefined;
    this.#subscription = undefined;
    this.#cm = undefined;
    for (const b of this.#batches) b.group = undefined;
    if (client) {
      client.removeAllListeners();
      // A dead link makes a polite session close wait for its timeout: just drop the channel.
      await withTimeout(client.disconnect(), 2000, 'disconnect').catch(() => undefined);
    }
    if (cm) await cm.dispose().catch(() => undefined);
  }

  async prepare(tags: readonly TagSpec[]): Promise<TagBatch> {
    if (this.#state !== 'connected' || !this.#session) throw new TwinloopError('PLC_NOT_CONNECTED', `OPC UA ${this.options.endpoint}: prepare needs a connection`);
    if (this.readOnly) {
      const w = tags.find((t) => t.direction === 'write');
      if (w) throw new TwinloopError('PLC_READ_ONLY', `tag ${w.address}: a write tag cannot be prepared on a read-only (shadow mode) coupling to ${this.options.endpoint}`);
    }
    const dir = tags[0]?.direction;
    const mixed = tags.find((t) => t.direction !== dir);
    if (mixed) throw new TwinloopError('PLC_BATCH', `tag ${mixed.address}: a batch holds tags of one direction`);
    const ua = this.#ua!;
    const nodeIds = tags.map((t) => {
      try {
        return ua.resolveNodeId(t.address);
      } catch (err) {
        throw new TwinloopError('PLC_TAG_UNKNOWN', `tag ${t.address}: not a valid OPC UA NodeId (e.g. ns=1;s=Line.M1.Run)`, { cause: err });
      }
    });
    const batch = new OpcuaBatch(this, tags as readonly OpcuaTagSpec[], nodeIds);
    await this.#compile(batch);
    this.#batches.push(batch);
    return batch;
  }

  /** Check every node's DataType against its tag, then (subscription mode) monitor read tags. */
  async #compile(batch: OpcuaBatch): Promise<void> {
    const session = this.#session;
    if (!session) throw new TwinloopError('PLC_NOT_CONNECTED', `OPC UA ${this.options.endpoint}: no session`);
    const timeout = this.#requestTimeout();
    if (batch.tags.length === 0) return;
    const types = await withTimeout(
      chunked(
        batch.nodeIds.map((nodeId) => ({ nodeId, attributeId: AttributeId.DataType })),
        this.#maxRead,
        (slice) => session.read(slice),
      ),
      Math.max(timeout, 5000),
      'reading DataType attributes',
    );
    const unknown: string[] = [];
    const wrong: string[] = [];
    types.forEach((dv, k) => {
      const tag = batch.tags[k]!;
      if (!dv.statusCode.isGood()) {
        unknown.push(`tag ${tag.address}: unknown to ${this.options.endpoint} (${dv.statusCode.name})`);
        return;
      }
      const t = builtInOf(dv.value.value as { namespace: number; value: unknown });
      const why = typeMismatch(tag.type, t, tag.plcType);
      if (why) wrong.push(`tag ${tag.address}: ${why}`);
      else batch.dataTypes[k] = t!;
    });
    if (unknown.length > 0) throw new TwinloopError('PLC_TAG_UNKNOWN', unknown.concat(wrong).join('; '));
    if (wrong.length > 0) throw new TwinloopError('PLC_TAG_TYPE', wrong.join('; '));
    // Request bodies of the previous connection may carry the old types: rebuilt on next use.
    batch.pollIds = undefined;
    batch.writeNodes = undefined;
    batch.quality.fill(2);
    const sub = this.#subscription;
    if (sub && batch.tags[0]?.direction === 'read') {
      const group = await sub.monitorItems(
        batch.readIds.slice(),
        { samplingInterval: this.cycleMs, discardOldest: true, queueSize: 1 },
        TIMESTAMPS_NEITHER,
      );
      const gen = this.#generation;
      group.on('changed', (_item: unknown, dv: DataValue, index: number) => {
        if (gen !== this.#generation) return;
        batch.values[index] = numberOf(dv.value.value);
        batch.quality[index] = qualityOf(dv.statusCode);
        this.#lastNotice = performance.now();
      });
      batch.group = group;
      const first = group.monitoredItems[0] as unknown as { monitoringParameters?: { samplingInterval?: number } } | undefined;
      const sampling = first?.monitoringParameters?.samplingInterval;
      this.#revised = { publishingMs: sub.publishingInterval, samplingMs: typeof sampling === 'number' ? sampling : Number.NaN, keepAliveMs: sub.publishingInterval * sub.maxKeepAliveCount };
    }
  }

  #requestTimeout(): number {
    return this.options.requestTimeoutMs ?? Math.max(1000, 10 * this.cycleMs);
  }

  async read(batch: TagBatch, out: Float64Array, quality: TagQuality): Promise<void> {
    const b = this.#own(batch);
    if (b.tags.length === 0) return;
    const session = this.#session;
    if (this.#state !== 'connected' || !session) {
      quality.fill(2, 0, b.tags.length);
      throw new TwinloopError('PLC_NOT_CONNECTED', this.#lastError || `OPC UA ${this.options.endpoint}: not connected`);
    }
    if (b.group) {
      // Subscription: the latest notifications; a subscription gone silent is a dead link.
      if (performance.now() - this.#lastNotice > this.#silentMs) {
        this.#lost(this.#generation, `no notification or keep-alive for ${Math.round(this.#silentMs)} ms`);
        quality.fill(2, 0, b.tags.length);
        throw new TwinloopError('PLC_NOT_CONNECTED', this.#lastError);
      }
      out.set(b.values);
      quality.set(b.quality);
      return;
    }
    const gen = this.#generation;
    const ua = this.#ua!;
    const ids = (b.pollIds ??= b.nodeIds.map((nodeId) => new ua.ReadValueId({ nodeId, attributeId: AttributeId.Value })));
    let values: DataValue[];
    try {
      values = await withTimeout(
        chunked(ids, this.#maxRead, (slice) => this.#readValues(session, slice)),
        this.#requestTimeout(),
        'read',
      );
    } catch (err) {
      this.#lost(gen, `read failed: ${(err as Error).message}`);
      quality.fill(2, 0, b.tags.length);
      throw new TwinloopError('PLC_NOT_CONNECTED', this.#lastError, { cause: err });
    }
    for (let k = 0; k < values.length; k++) {
      const dv = values[k]!;
      out[k] = numberOf(dv.value.value);
      quality[k] = qualityOf(dv.statusCode);
    }
  }

  async write(batch: TagBatch, values: Float64Array): Promise<void> {
    const b = this.#own(batch);
    await this.#write(b, values, undefined);
  }

  /** Write only the tags whose `changed` flag is set (one Write request); see NetworkExchange. */
  async writeChanged(batch: TagBatch, values: Float64Array, changed: Uint8Array): Promise<void> {
    const b = this.#own(batch);
    await this.#write(b, values, changed);
  }

  async #write(b: OpcuaBatch, values: Float64Array, changed: Uint8Array | undefined): Promise<void> {
    if (this.readOnly) throw new TwinloopError('PLC_READ_ONLY', `OPC UA ${this.options.endpoint}: write refused, the coupling is read-only (shadow mode)`);
    if (b.tags.length === 0) return;
    const session = this.#session;
    if (this.#state !== 'connected' || !session) {
      throw new TwinloopError('PLC_WRITE_FAILED', `OPC UA ${this.options.endpoint}: write of ${b.tags.length} tags not sent: not connected`);
    }
    const ua = this.#ua!;
    const all = (b.writeNodes ??= b.nodeIds.map((nodeId, k) => new ua.WriteValue({ nodeId, attributeId: AttributeId.Value, value: { value: { dataType: b.dataTypes[k]!, value: encodeValue(b.dataTypes[k]!, 0) } } })));
    const nodes: WriteValue[] = changed ? [] : all;
    const misfit: string[] = [];
    for (let k = 0; k < b.tags.length; k++) {
      if (changed && !changed[k]) continue;
      const t = b.dataTypes[k]!;
      const v = values[k]!;
      if (!fitsType(t, v)) misfit.push(`${b.tags[k]!.address} (${v})`);
      all[k]!.value.value.value = encodeValue(t, v);
      if (changed) nodes.push(all[k]!);
    }
    // Refused before anything is sent: a write is whole or not at all, and never replayed.
    if (misfit.length > 0) {
      throw new TwinloopError('PLC_WRITE_FAILED', `OPC UA ${this.options.endpoint}: write not sent, value out of the node's type range: ${misfit.slice(0, 5).join(', ')}${misfit.length > 5 ? ` and ${misfit.length - 5} more` : ''}`);
    }
    if (nodes.length === 0) return;
    const gen = this.#generation;
    let codes: StatusCode[];
    try {
      codes = await withTimeout(
        chunked(nodes, this.#maxWrite, (slice) => this.#writeValues(session, slice)),
        this.#requestTimeout(),
        'write',
      );
    } catch (err) {
      this.#lost(gen, `write failed: ${(err as Error).message}`);
      throw new TwinloopError('PLC_WRITE_FAILED', `OPC UA ${this.options.endpoint}: write of ${nodes.length} tags failed: ${(err as Error).message}`, { cause: err });
    }
    const bad: string[] = [];
    codes.forEach((c, i) => {
      if (!c.isGood()) bad.push(`${String(nodes[i]!.nodeId)} ${c.name}`);
    });
    if (bad.length > 0) throw new TwinloopError('PLC_WRITE_FAILED', `OPC UA ${this.options.endpoint}: write refused for ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ` and ${bad.length - 5} more` : ''}`);
  }

  /**
   * One Read of prebuilt ReadValueIds, values only (TimestampsToReturn Neither): the exchange
   * stamps each value's age itself, so the server need not encode, nor we decode, 2,000
   * timestamps per 1,000-node Read. session.read always asks for both.
   */
  async #readValues(session: ClientSession, ids: ReadValueId[]): Promise<DataValue[]> {
    const ua = this.#ua!;
    const request = new ua.ReadRequest({ maxAge: 0, timestampsToReturn: TIMESTAMPS_NEITHER });
    request.nodesToRead = ids;
    const results = await this.#transact(session, request, ids.length, (r) => (r instanceof ua.ReadResponse ? r.results : undefined));
    return results ?? session.read(ids, 0);
  }

  /** One Write of prebuilt WriteValues (their Variants already hold the values). */
  async #writeValues(session: ClientSession, nodes: WriteValue[]): Promise<StatusCode[]> {
    const ua = this.#ua!;
    const request = new ua.WriteRequest({});
    request.nodesToWrite = nodes;
    const results = await this.#transact(session, request, nodes.length, (r) => (r instanceof ua.WriteResponse ? r.results : undefined));
    return results ?? session.write(nodes);
  }

  /**
   * Send a prebuilt request through the session's transaction call and check that its response
   * has one result per node. Undefined when this node-opcua has no such call: the caller then
   * uses the public session.read / session.write.
   */
  async #transact<T>(session: ClientSession, request: ReadRequest | WriteRequest, n: number, results: (response: unknown) => T[] | null | undefined): Promise<T[] | undefined> {
    const transact = (session as unknown as { performMessageTransaction?: Transact }).performMessageTransaction;
    if (typeof transact !== 'function') return undefined;
    const response = await new Promise<unknown>((resolve, reject) => transact.call(session, request, (err, res) => (err ? reject(err) : resolve(res))));
    const out = results(response);
    if (!out || out.length !== n) throw new Error(`malformed ${request.constructor.name.replace('Request', 'Response')} (${out?.length ?? 'no'} results for ${n} nodes)`);
    return out;
  }

  /**
   * Browse the server for a tag list (`twinloop import opcua://...`).
   * @throws TwinloopError PLC_NOT_CONNECTED
   */
  async browse(options: BrowseOptions = {}): Promise<BrowseResult> {
    const session = this.#session;
    if (this.#state !== 'connected' || !session) throw new TwinloopError('PLC_NOT_CONNECTED', `OPC UA ${this.options.endpoint}: browse needs a connection`);
    return browseTags(session, { maxNodesPerRead: this.#maxRead, ...options });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#generation++;
    this.#state = 'disconnected';
    const sub = this.#subscription;
    if (sub) await withTimeout(sub.terminate(), 1000, 'terminate').catch(() => undefined);
    const session = this.#session;
    if (session) await withTimeout(session.close(), 1000, 'close session').catch(() => undefined);
    this.#orphan = undefined;
    await this.#teardown();
    this.#batches = [];
    if (this.#tempPki && this.#pki) rmSync(this.#pki, { recursive: true, force: true });
  }

  #own(batch: TagBatch): OpcuaBatch {
    if (batch.adapter !== this || !(batch instanceof OpcuaBatch) || this.#closed) {
      throw new TwinloopError('PLC_BATCH', 'batch was prepared by another adapter or the adapter is closed');
    }
    return batch;
  }
}
