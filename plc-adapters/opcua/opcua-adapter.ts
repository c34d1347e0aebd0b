// The OPC UA coupling (node-opcua client). One connect() is one bounded attempt: node-opcua's
// own endless reconnection is switched off (maxRetry 0) and any sign of a lost link (socket
// closed, session closed, keep-alive failure, a silent subscription, a read timeout) turns the
// adapter 'disconnected' at once with every value bad. The caller (NetworkExchange) reconnects
// with backoff; connect() then re-creates the session, re-reads the server's operation limits,
// re-checks the tag types and re-creates the subscriptions of every batch prepared before.
// Tag checking (opcua-compile.ts), monitoring (opcua-monitor.ts), the value codec
// (opcua-values.ts) and the prebuilt requests (opcua-requests.ts) live in their own files.

import { join } from 'node:path';
import { removeTempPkiFolder } from './temp-folders.ts';
import type {
  ClientSession,
  ClientSubscription,
  OPCUAClient,
  OPCUACertificateManager,
  ReadValueId,
  StatusCode,
  UserIdentityInfo,
  WriteValue,
} from 'node-opcua';
import { TwinloopError } from '../../core/errors.ts';
import type { ConnectionState, PlcAdapter, TagBatch, TagQuality, TagSpec } from '../adapter.ts';
import { AttributeId, dataTypeName, fitsType } from './opcua-types.ts';
import { decodeInto, newWriteVariant, setVariant } from './opcua-values.ts';
import { OpcuaBatch, asRange, chunked, withTimeout, type OpcuaTagSpec } from './opcua-batch.ts';
import { browseTags, type BrowseOptions, type BrowseResult } from './opcua-browse.ts';
import { NO_LIMITS, isTooManyOperations, limitError, readOperationLimits, type LimitName, type OperationLimits } from './opcua-limits.ts';
import { DataTypeResolver } from './opcua-data-types.ts';
import { compileTags } from './opcua-compile.ts';
import { splitIndex } from './opcua-address.ts';
import { explainConnectError, readCertificateDer } from './opcua-connect-errors.ts';
import { monitorBatch } from './opcua-monitor.ts';
import { readValues, sliceBy, writeValues } from './opcua-requests.ts';
import { quietOpcuaSelfTest } from './opcua-warnings.ts';

export type { OpcuaTagSpec };

type NodeOpcua = typeof import('node-opcua');
let nodeOpcua: Promise<NodeOpcua> | undefined;
/** node-opcua, loaded on first use (it costs ~2 s; engines without OPC UA never pay it). */
function loadNodeOpcua(): Promise<NodeOpcua> {
  // The import-time PKCS#1 v1.5 self-test warning does not concern us (opcua-warnings.ts).
  nodeOpcua ??= import('node-opcua').then((m) => (quietOpcuaSelfTest(m), m));
  return nodeOpcua;
}

export type OpcuaSecurityMode = 'None' | 'Sign' | 'SignAndEncrypt';
export type OpcuaReadMode = 'subscription' | 'poll' | 'auto';
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
  /**
   * The server's certificate file (PEM or DER), for a server that does not answer GetEndpoints
   * without security (node-opcua's own, some gateways): the client then does not fetch it.
   */
  readonly serverCertificate?: string;
  /**
   * `auto` (default): subscribe with the cycle as sampling and publishing interval, but poll when
   * the server revises either slower than the cycle (said in health and the log); `subscription`:
   * the server pushes changes at whatever rate it grants; `poll`: one Read per cycle.
   */
  readonly readMode?: OpcuaReadMode;
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
  /** How values are read now: `poll` when `auto` fell back because the server is slower than the cycle. */
  readonly readMode: 'subscription' | 'poll';
  /** Why `auto` polls (the revised figure against the cycle); absent while subscribed. */
  readonly reason?: string;
}


// A subscription sends at least a keep-alive this often; silence for SILENT_FACTOR times that
// means the link is dead even if the socket has not noticed (no FIN from a pulled cable).
const KEEPALIVE_TARGET_MS = 500;

/**
 * Stop the publish engine of a session given up on (an orphan not reclaimed, or still held at
 * close). node-opcua keeps it re-arming a 100 ms timer for as long as the session has
 * subscriptions and no valid channel, which a dropped session never gets back: each given-up
 * session cost timers forever and kept the process from exiting (the e2e benchmark hung after a
 * subscription-mode link drop). Internal API, hence the optional call.
 */
function abandonSession(session: ClientSession): void {
  (session as unknown as { _terminatePublishEngine?: () => void })._terminatePublishEngine?.();
}
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
  /** The requested read mode (`auto` unless the options say otherwise). */
  readonly readMode: OpcuaReadMode;
  #state: ConnectionState = 'disconnected';
  #valuesListener: (() => void) | undefined;
  #valuesQueued = false;
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
  // The server's operation limits (0 = none), read at each connect: every service is sliced.
  #limits: OperationLimits = NO_LIMITS;
  #resolver: DataTypeResolver | undefined;

  constructor(options: OpcuaAdapterOptions) {
    this.options = options;
    this.cycleMs = options.cycleMs ?? 10;
    this.readOnly = options.readOnly ?? false;
    this.readMode = options.readMode ?? 'auto';
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

  /**
   * Call `listener` when subscribed values arrived (once per burst of notifications, after
   * they are all in the cache), so the exchange delivers them without waiting for its cycle.
   */
  onValues(listener: () => void): void {
    this.#valuesListener = listener;
  }

  /** True while subscribed (not polling): values arrive by notification. */
  get pushing(): boolean {
    return this.#subscription !== undefined;
  }

  readonly #onNotice = (): void => {
    this.#lastNotice = performance.now();
    if (this.#valuesQueued || this.#valuesListener === undefined) return;
    this.#valuesQueued = true;
    // A publish response's notifications arrive in one synchronous loop: one call after it.
    queueMicrotask(this.#valuesArrived);
  };

  readonly #valuesArrived = (): void => {
    this.#valuesQueued = false;
    this.#valuesListener?.();
  };

  /** The server's revised publishing/sampling intervals (subscription mode, once connected). */
  get revised(): OpcuaRevised | undefined {
    return this.#revised;
  }

  get lastError(): string {
    return this.#lastError;
  }

  /** The server's operation limits read at the last connect (0 = none published). */
  get limits(): OperationLimits {
    return this.#limits;
  }

  /** The file twinloop presents as its certificate: the one a PLC must trust for Sign/SignAndEncrypt. */
  get certificateFile(): string {
    return this.#pki ? join(this.#pki, 'own', 'certs', 'client_certificate.pem') : '';
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
      const e = explainConnectError(err, {
        endpoint: this.options.endpoint,
        securityMode: this.options.securityMode ?? 'None',
        serverCertificate: this.options.serverCertificate,
        username: this.options.username,
        pki: this.#pki,
        tempPki: this.#tempPki,
        certificateFile: this.certificateFile,
      });
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
      ...(this.options.serverCertificate ? { serverCertificate: readCertificateDer(this.options.serverCertificate) } : {}),
      keepSessionAlive: this.readMode !== 'subscription',
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
    this.#limits = await readOperationLimits(session);
    this.#resolver = new DataTypeResolver(session, this.#limits);
    session.on('session_closed', lost('session closed'));
    session.on('keepalive_failure', lost('session keep-alive failed'));
    if (this.readMode !== 'poll') {
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
      this.#revised = { publishingMs: sub.publishingInterval, samplingMs: this.#revised?.samplingMs ?? Number.NaN, keepAliveMs: sub.publishingInterval * sub.maxKeepAliveCount, readMode: 'subscription' };
      sub.on('keepalive', () => {
        if (gen === this.#generation) this.#lastNotice = performance.now();
      });
      sub.on('terminated', lost('subscription terminated'));
      if (this.readMode === 'auto' && sub.publishingInterval > this.cycleMs) await this.#fallBackToPolling(`the server revised the publishing interval to ${sub.publishingInterval} ms, slower than the ${this.cycleMs} ms cycle`);
    }
  }

  /**
   * `auto`: the server publishes or samples slower than the cycle (a PLC's minimum of 100 ms
   * against a 10 ms cycle would add ~100 ms of latency in silence), so this connection polls.
   * The subscription is deleted on the server; the revised figures stay in health.
   */
  async #fallBackToPolling(reason: string): Promise<void> {
    const sub = this.#subscription;
    this.#subscription = undefined;
    for (const b of this.#batches) b.groups = undefined;
    if (this.#revised) this.#revised = { ...this.#revised, readMode: 'poll', reason: `${reason}: polling instead` };
    if (sub) {
      sub.removeAllListeners('terminated');
      await withTimeout(sub.terminate(), 2000, 'terminate subscription').catch(() => undefined);
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
      abandonSession(orphan);
    }
  }

  /** Sessions of dropped links closed on reconnect instead of left to time out. */
  get reclaimedSessions(): number {
    return this.#reclaimed;
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
    for (const b of this.#batches) b.groups = undefined;
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
    const ranges: (string | undefined)[] = [];
    const nodeIds = tags.map((t, k) => {
      try {
        return ua.resolveNodeId(t.address);
      } catch (err) {
        // `ns=3;i=7[2]` is no NodeId but names element 2 of ns=3;i=7. (`ns=3;s=Arr[2]` parses as
        // a string NodeId: compileTags reads it as an element when the server has no such node.)
        const split = splitIndex(t.address);
        if (split) {
          try {
            const base = ua.resolveNodeId(split.node);
            ranges[k] = split.indexRange;
            return base;
          } catch {
            // reported below
          }
        }
        throw new TwinloopError('PLC_TAG_UNKNOWN', `tag ${t.address}: not a valid OPC UA NodeId (e.g. ns=1;s=Line.M1.Run, or ns=1;s=Arr[2] for an array element)`, { cause: err });
      }
    });
    const batch = new OpcuaBatch(this, tags as readonly OpcuaTagSpec[], nodeIds);
    ranges.forEach((r, k) => (batch.indexRanges[k] = r));
    batch.resetReadIds();
    await this.#compile(batch);
    this.#batches.push(batch);
    return batch;
  }

  /** Check every node's DataType against its tag, then (subscription mode) monitor read tags. */
  async #compile(batch: OpcuaBatch): Promise<void> {
    const session = this.#session;
    const resolver = this.#resolver;
    if (!session || !resolver) throw new TwinloopError('PLC_NOT_CONNECTED', `OPC UA ${this.options.endpoint}: no session`);
    const timeout = this.#requestTimeout();
    if (batch.tags.length === 0) return;
    const ua = this.#ua!;
    await withTimeout(
      compileTags({ session, endpoint: this.options.endpoint, limits: this.#limits, resolver, resolveNodeId: (text) => ua.resolveNodeId(text) }, batch),
      Math.max(timeout, 5000),
      'checking the tags (DataType, ValueRank)',
    );
    // Request bodies of the previous connection may carry the old types: rebuilt on next use.
    batch.pollIds = undefined;
    batch.pollSlices = undefined;
    batch.writeNodes = undefined;
    batch.quality.fill(2);
    const sub = this.#subscription;
    if (sub && batch.tags[0]?.direction === 'read') {
      const gen = this.#generation;
      batch.groups = await monitorBatch(sub, batch, {
        endpoint: this.options.endpoint,
        limits: this.#limits,
        samplingMs: this.cycleMs,
        isCurrent: () => gen === this.#generation,
        onNotice: this.#onNotice,
      });
      const first = batch.groups[0]?.monitoredItems[0] as unknown as { monitoringParameters?: { samplingInterval?: number } } | undefined;
      const sampling = first?.monitoringParameters?.samplingInterval;
      this.#revised = { publishingMs: sub.publishingInterval, samplingMs: typeof sampling === 'number' ? sampling : Number.NaN, keepAliveMs: sub.publishingInterval * sub.maxKeepAliveCount, readMode: 'subscription' };
      if (this.readMode === 'auto' && typeof sampling === 'number' && sampling > this.cycleMs) await this.#fallBackToPolling(`the server revised the sampling interval to ${sampling} ms, slower than the ${this.cycleMs} ms cycle`);
    }
  }

  /** A request refused as too big although sliced to the published limit: names tags and limit. */
  #limitError(service: string, batch: OpcuaBatch, offset: number, size: number, limit: LimitName, cause: unknown): TwinloopError {
    const addresses = batch.tags.slice(offset, offset + size).map((t) => t.address);
    return limitError(this.options.endpoint, service, addresses, size, this.#limits, limit, cause);
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
    if (b.groups) {
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
    const ids = (b.pollIds ??= b.readIds.map((o) => new ua.ReadValueId(o)));
    // Sliced once per connection (the limit may differ after a reconnect), not per cycle.
    const slices = (b.pollSlices ??= sliceBy(ids, this.#limits.maxNodesPerRead));
    try {
      await withTimeout(this.#readSlices(session, slices, out, quality), this.#requestTimeout(), 'read');
    } catch (err) {
      quality.fill(2, 0, b.tags.length);
      // Too big for the server although sliced: the link is fine, the request is not.
      if (isTooManyOperations(err)) throw this.#limitError('Read', b, 0, b.tags.length, 'maxNodesPerRead', err);
      this.#lost(gen, `read failed: ${(err as Error).message}`);
      throw new TwinloopError('PLC_NOT_CONNECTED', this.#lastError, { cause: err });
    }
  }

  /** One Read per slice, one at a time, each decoded straight into `out` / `quality`. */
  async #readSlices(session: ClientSession, slices: readonly ReadValueId[][], out: Float64Array, quality: TagQuality): Promise<void> {
    const ua = this.#ua!;
    let k = 0;
    for (const slice of slices) {
      const values = await readValues(ua, session, slice);
      for (let i = 0; i < values.length; i++) decodeInto(values[i]!, out, quality, k++);
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
    const all = (b.writeNodes ??= b.nodeIds.map((nodeId, k) => {
      const indexRange = b.indexRanges[k];
      const value = { value: newWriteVariant(b.dataTypes[k]!, indexRange !== undefined) };
      return new ua.WriteValue(indexRange === undefined ? { nodeId, attributeId: AttributeId.Value, value } : { nodeId, attributeId: AttributeId.Value, indexRange: asRange(indexRange), value });
    }));
    const nodes: WriteValue[] = changed ? [] : all;
    const misfit: string[] = [];
    for (let k = 0; k < b.tags.length; k++) {
      if (changed && !changed[k]) continue;
      const t = b.dataTypes[k]!;
      const v = values[k]!;
      if (!fitsType(t, v)) {
        misfit.push(`${b.tags[k]!.address} (${v} does not fit ${dataTypeName(t)}${t === 8 || t === 9 ? ', exact to +-(2^53 - 1)' : ''})`);
        continue;
      }
      setVariant(all[k]!.value.value, t, v);
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
        chunked(nodes, this.#limits.maxNodesPerWrite, (slice) => writeValues(ua, session, slice)),
        this.#requestTimeout(),
        'write',
      );
    } catch (err) {
      if (isTooManyOperations(err)) throw this.#limitError('Write', b, 0, b.tags.length, 'maxNodesPerWrite', err);
      this.#lost(gen, `write failed: ${(err as Error).message}`);
      throw new TwinloopError('PLC_WRITE_FAILED', `OPC UA ${this.options.endpoint}: write of ${nodes.length} tags failed: ${(err as Error).message}`, { cause: err });
    }
    const bad: string[] = [];
    codes.forEach((c, i) => {
      if (!c.isGood()) bad.push(`tag ${b.tags[all.indexOf(nodes[i]!)]?.address ?? String(nodes[i]!.nodeId)}: ${c.name}`);
    });
    if (bad.length > 0) throw new TwinloopError('PLC_WRITE_FAILED', `OPC UA ${this.options.endpoint}: write refused for ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ` and ${bad.length - 5} more` : ''}`);
  }

  /**
   * Browse the server for a tag list (`twinloop import opcua://...`).
   * @throws TwinloopError PLC_NOT_CONNECTED
   */
  async browse(options: BrowseOptions = {}): Promise<BrowseResult> {
    const session = this.#session;
    if (this.#state !== 'connected' || !session) throw new TwinloopError('PLC_NOT_CONNECTED', `OPC UA ${this.options.endpoint}: browse needs a connection`);
    return browseTags(session, { maxNodesPerRead: this.#limits.maxNodesPerRead, maxNodesPerBrowse: this.#limits.maxNodesPerBrowse, resolver: this.#resolver, ...options });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#generation++;
    this.#state = 'disconnected';
    const sub = this.#subscription;
    if (sub) await withTimeout(sub.terminate(), 1000, 'terminate').catch(() => undefined);
    const session = this.#session;
    if (session) await withTimeout(session.close(), 1000, 'close session').catch(() => undefined);
    if (this.#orphan) abandonSession(this.#orphan);
    this.#orphan = undefined;
    await this.#teardown();
    this.#batches = [];
    if (this.#tempPki && this.#pki) removeTempPkiFolder(this.#pki);
  }

  #own(batch: TagBatch): OpcuaBatch {
    if (batch.adapter !== this || !(batch instanceof OpcuaBatch) || this.#closed) {
      throw new TwinloopError('PLC_BATCH', 'batch was prepared by another adapter or the adapter is closed');
    }
    return batch;
  }
}
