// The Beckhoff ADS coupling (ads-client 2.x): symbol-based, type-checked access to a TwinCAT
// PLC runtime. Tags are symbol paths (`MAIN.pe1_blocked`, `GVL_IO.conveyor.speed`); prepare()
// resolves them to handles in sum commands and checks each symbol's PLC type against the tag
// map. Reads are one sum read per 500 tags (TwinCAT's sum command limit) or, as an option,
// device notifications; writes are sum writes. A TwinCAT restart or configuration activation
// drops the link (ads-client watches the system state); an online change bumps the symbol
// version: either way handles are re-resolved and notifications re-made before the next use.

import { Client, type ActiveSubscription, type ReadRawMultiCommand, type SubscriptionData, type WriteRawMultiCommand } from 'ads-client';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { TwinloopError } from '../../core/errors.ts';
import type { SignalType } from '../../core/signals.ts';
import type { ConnectionState, PlcAdapter, TagBatch, TagQuality, TagSpec } from '../adapter.ts';
import { parseAdsEndpoint, type AdsEndpoint } from './ads-endpoint.ts';
import { clampInteger, PLC_TYPES, type PlcType } from './plc-types.ts';

export interface AdsAdapterOptions {
  /** `ads://HOST[:TCPPORT]/NETID[:ADSPORT]` (see ads-endpoint.ts). */
  readonly endpoint: string;
  /** Notification cycle in `notify` mode, ms (default 10). */
  readonly cycleMs?: number;
  /** `poll` (default): one sum read per cycle. `notify`: on-change device notifications. */
  readonly readMode?: 'poll' | 'notify';
  /** Request timeout, ms: an unanswered request means a dead link (default 1000). */
  readonly timeoutMs?: number;
  /**
   * Direct connection without a local router: our own AMS address, which the PLC's router must
   * have a static route for (docs/plc-ads.md). Without these, the router at HOST assigns one.
   */
  readonly localAmsNetId?: string;
  readonly localAdsPort?: number;
  /** Shadow mode: refuse every write before it reaches the wire. */
  readonly readOnly?: boolean;
  readonly log?: Logger;
}

/** A tag spec may name the PLC type too (`plcType: LREAL`): then it must match exactly. */
type AdsTagSpec = TagSpec & { readonly plcType?: string };

const GOOD = 0;
const BAD = 2;
/** TwinCAT accepts at most this many sub-commands in one sum command. */
const SUM_LIMIT = 500;
const ADSIGRP_SYM_VALBYHND = 0xf005;
/** notify mode: how often a read sends a heartbeat (ReadState) to prove the link. */
const HEARTBEAT_MS = 250;
const ADSERR_SYMBOL_NOT_FOUND = 0x710;
const ADSERR_SYMBOL_VERSION_INVALID = 0x711;

class AdsBatch implements TagBatch {
  readonly adapter: AdsAdapter;
  readonly tags: readonly AdsTagSpec[];
  readonly paths: readonly string[];
  types: PlcType[] = [];
  readonly handles: Uint32Array;
  /** Sum-read commands by chunk, rebuilt when handles change; reused every cycle. */
  readCmds: ReadRawMultiCommand[][] = [];
  /** One preallocated value buffer per tag for writes. */
  writeBufs: Buffer[] = [];
  writeCmds: WriteRawMultiCommand[][] = [];
  /** Handle generation this batch was resolved in (-1: never), and its connection. */
  gen = -1;
  handleConn = -1;
  /** notify mode: latest values, whether one arrived since (re)subscribing, and the subscriptions. */
  readonly cache: Float64Array;
  readonly received: Uint8Array;
  subscribedConn = -1;
  subs: ActiveSubscription[] = [];

  constructor(adapter: AdsAdapter, tags: readonly AdsTagSpec[]) {
    this.adapter = adapter;
    this.tags = tags;
    this.paths = tags.map((t) => t.address.trim());
    this.handles = new Uint32Array(tags.length);
    this.cache = new Float64Array(tags.length);
    this.received = new Uint8Array(tags.length);
  }
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * Send the sum commands of one read or write in one TCP segment: ads-client writes each request
 * to its socket at once, and on loopback a write syscall (with the peer's wake-up) costs about
 * as much as encoding 500 sub-commands. ads-client does not expose its socket: when the field
 * is missing or not a socket (another ads-client version), the requests go out uncorked.
 */
function corked<R>(client: Client, n: number, send: () => R): R {
  const socket = n > 1 ? (client as unknown as { socket?: Partial<Socket> }).socket : undefined;
  if (typeof socket?.cork !== 'function' || typeof socket.uncork !== 'function') return send();
  socket.cork();
  try {
    return send();
  } finally {
    socket.uncork();
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * @example
 * const plc = new AdsAdapter({ endpoint: 'ads://192.168.1.20/192.168.1.20.1.1:851' });
 * await plc.connect();
 * const outs = await plc.prepare([{ address: 'MAIN.m1_run', type: 'bool', direction: 'read' }]);
 * await plc.read(outs, values, quality);
 */
export class AdsAdapter implements PlcAdapter {
  readonly protocol = 'ads';
  readonly endpoint: AdsEndpoint;
  readonly #o: AdsAdapterOptions;
  #client: Client | undefined;
  #state: ConnectionState = 'disconnected';
  #connecting: Promise<void> | undefined;
  /** Bumped per connection: notifications belong to one. */
  #connId = 0;
  /** Bumped per connection and per symbol version change: handles belong to one generation. */
  #gen = 0;
  #lastError = '';
  #valuesListener: (() => void) | undefined;
  #valuesQueued = false;

  /** @throws TwinloopError CFG_INVALID for a malformed endpoint. */
  constructor(options: AdsAdapterOptions) {
    this.#o = options;
    this.endpoint = parseAdsEndpoint(options.endpoint);
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /**
   * notify mode: call `listener` when notifications arrived (once per burst), so the exchange
   * delivers them without waiting for its cycle (issue 24).
   */
  onValues(listener: () => void): void {
    if (this.#o.readMode === 'notify') this.#valuesListener = listener;
  }

  /** notify mode: values arrive by device notification. */
  get pushing(): boolean {
    return this.#o.readMode === 'notify';
  }

  readonly #valuesArrived = (): void => {
    this.#valuesQueued = false;
    this.#valuesListener?.();
  };

  /** Why the link last went down ('' if it never did). */
  get lastError(): string {
    return this.#lastError;
  }

  /** The symbol version the PLC reported last (undefined before connecting). */
  get symbolVersion(): number | undefined {
    return this.#client?.metaData.plcSymbolVersion;
  }

  /**
   * Open the link (again): also the way back after a failure. Batches prepared earlier stay
   * valid and are re-resolved on their next use.
   * @throws TwinloopError PLC_NOT_CONNECTED when the target does not answer within the timeout.
   */
  async connect(): Promise<void> {
    if (this.#state === 'connected' && this.#client) return;
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #open(): Promise<void> {
    this.#state = 'connecting';
    const e = this.endpoint;
    const timeout = this.#o.timeoutMs ?? 1000;
    const client = new Client({
      targetAmsNetId: e.netId,
      targetAdsPort: e.adsPort,
      routerAddress: e.host,
      routerTcpPort: e.tcpPort,
      ...(this.#o.localAmsNetId ? { localAmsNetId: this.#o.localAmsNetId, localAdsPort: this.#o.localAdsPort ?? 32750 } : {}),
      timeoutDelay: timeout,
      // Reconnecting is the exchange's job (with its backoff); ads-client's own retry would
      // hide a dead link behind a "connected" flag for seconds.
      autoReconnect: false,
      connectionCheckInterval: Math.min(1000, timeout),
      connectionDownDelay: 2 * timeout,
      hideConsoleWarnings: true,
    });
    try {
      await client.connect();
    } catch (err) {
      await client.disconnect(true).catch(() => undefined);
      this.#state = 'disconnected';
      this.#lastError = errText(err);
      throw new TwinloopError('PLC_NOT_CONNECTED', `ADS ${this.#o.endpoint}: connect failed: ${this.#lastError}`, { cause: err });
    }
    const conn = ++this.#connId;
    this.#gen++;
    this.#beatInFlight = false;
    this.#beatSentAt = 0;
    client.on('connectionLost', () => {
      if (this.#connId === conn) this.#linkDown(new Error('connection lost (socket closed, or TwinCAT left run mode / restarted)'));
    });
    client.on('plcSymbolVersionChange', (version, previous) => {
      // An online change or a new configuration: symbols may have moved; handles are stale.
      if (this.#connId === conn && previous !== undefined && version !== previous) {
        this.#gen++;
        this.#o.log?.info({ endpoint: this.#o.endpoint, version, previous }, 'ADS symbol version changed: re-resolving symbols');
      }
    });
    this.#client = client;
    this.#state = 'connected';
  }

  /** The link is gone: drop the client (no retries inside it) and report it on the next I/O. */
  #linkDown(err: unknown): void {
    const client = this.#client;
    this.#client = undefined;
    this.#connId++;
    if (this.#state === 'connected' || this.#state === 'connecting') this.#state = 'disconnected';
    this.#lastError = errText(err);
    this.#o.log?.warn({ endpoint: this.#o.endpoint, err: this.#lastError }, 'ADS link down');
    if (client) {
      client.removeAllListeners();
      void client.disconnect(true).catch(() => undefined);
    }
  }

  #notConnected(what: string): TwinloopError {
    return new TwinloopError('PLC_NOT_CONNECTED', `ADS ${this.#o.endpoint}: ${what} while not connected${this.#lastError ? ` (last error: ${this.#lastError})` : ''}`);
  }

  /**
   * Resolve symbols to handles and check their types.
   * @throws TwinloopError PLC_TAG_UNKNOWN / PLC_TAG_TYPE naming the tag.
   */
  async prepare(tags: readonly TagSpec[]): Promise<TagBatch> {
    const batch = new AdsBatch(this, tags);
    await this.#resolve(batch);
    return batch;
  }

  async #resolve(b: AdsBatch): Promise<void> {
    const client = this.#client;
    if (!client || this.#state !== 'connected') throw this.#notConnected('prepare');
    const gen = this.#gen;
    const conn = this.#connId;
    // Handles of an earlier resolve on this connection: give them back (best effort; after a
    // download TwinCAT has dropped them already).
    if (b.handleConn === conn) {
      const old = [...b.handles].filter((h) => h !== 0);
      b.handleConn = -1;
      for (const part of chunks(old, SUM_LIMIT)) await client.deleteVariableHandleMulti(part).catch(() => undefined);
    }
    const results = [];
    try {
      for (const part of chunks(b.paths, SUM_LIMIT)) results.push(...(part.length ? await client.createVariableHandleMulti(part) : []));
    } catch (err) {
      this.#linkDown(err);
      throw new TwinloopError('PLC_NOT_CONNECTED', `ADS ${this.#o.endpoint}: resolving ${b.paths.length} symbols failed: ${errText(err)}`, { cause: err });
    }
    const types: PlcType[] = [];
    for (let k = 0; k < b.tags.length; k++) {
      const tag = b.tags[k]!;
      const r = results[k]!;
      if (!r.success || !r.handle) {
        const why = r.errorCode === ADSERR_SYMBOL_NOT_FOUND ? 'no such symbol in the PLC' : `ADS error ${r.errorCode} (${r.errorStr})`;
        throw new TwinloopError('PLC_TAG_UNKNOWN', `tag ${tag.address}: ${why} (${this.#o.endpoint})`);
      }
      const plcName = r.handle.dataType.trim().toUpperCase();
      const type = PLC_TYPES[plcName];
      if (!type) {
        throw new TwinloopError('PLC_TAG_TYPE', `tag ${tag.address}: the PLC declares ${r.handle.dataType}, which is not an elementary type a ${tag.type} signal can map to`);
      }
      if (type.signal !== tag.type || (tag.plcType !== undefined && tag.plcType.toUpperCase() !== plcName)) {
        const want = tag.plcType ? `${tag.plcType} (${tag.type})` : tag.type;
        throw new TwinloopError('PLC_TAG_TYPE', `tag ${tag.address}: the PLC declares ${plcName} (a ${type.signal}), the tag map says ${want}`);
      }
      b.handles[k] = r.handle.handle;
      types.push(type);
    }
    b.types = types;
    const reads: ReadRawMultiCommand[] = [];
    const bufs: Buffer[] = [];
    const writes: WriteRawMultiCommand[] = [];
    for (let k = 0; k < b.tags.length; k++) {
      const size = types[k]!.size;
      reads.push({ indexGroup: ADSIGRP_SYM_VALBYHND, indexOffset: b.handles[k]!, size });
      const buf = Buffer.alloc(size);
      bufs.push(buf);
      writes.push({ indexGroup: ADSIGRP_SYM_VALBYHND, indexOffset: b.handles[k]!, size, value: buf });
    }
    b.readCmds = chunks(reads, SUM_LIMIT);
    b.writeBufs = bufs;
    b.writeCmds = chunks(writes, SUM_LIMIT);
    b.gen = gen;
    b.handleConn = conn;
  }

  /** Bring a batch up to date with the connection: handles, and notifications in notify mode. */
  async #ready(b: AdsBatch, forRead: boolean): Promise<Client> {
    if (b.gen !== this.#gen) await this.#resolve(b);
    const client = this.#client;
    if (!client) throw this.#notConnected('I/O');
    if (forRead && this.#o.readMode === 'notify' && b.subscribedConn !== this.#connId) await this.#subscribe(b, client);
    return client;
  }

  async #subscribe(b: AdsBatch, client: Client): Promise<void> {
    const conn = this.#connId;
    b.received.fill(0);
    b.subs = [];
    const cycle = this.#o.cycleMs ?? 10;
    try {
      // By path: on an online change ads-client re-subscribes each one at its new address.
      for (const part of chunks(b.paths.map((p, k) => [p, k] as const), 100)) {
        const made = await Promise.all(
          part.map(([path, k]) =>
            client.subscribe<unknown>({
              target: path,
              cycleTime: cycle,
              sendOnChange: true,
              callback: (data: SubscriptionData<unknown>) => {
                const v = data.value;
                b.cache[k] = typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
                b.received[k] = 1;
                if (!this.#valuesQueued && this.#valuesListener !== undefined) {
                  this.#valuesQueued = true;
                  queueMicrotask(this.#valuesArrived);
                }
              },
            }),
          ),
        );
        b.subs.push(...made);
      }
    } catch (err) {
      this.#linkDown(err);
      throw new TwinloopError('PLC_NOT_CONNECTED', `ADS ${this.#o.endpoint}: subscribing ${b.paths.length} symbols failed: ${errText(err)}`, { cause: err });
    }
    if (this.#connId === conn) b.subscribedConn = conn;
  }

  async read(batch: TagBatch, out: Float64Array, quality: TagQuality): Promise<void> {
    const b = this.#own(batch);
    if (this.#state !== 'connected' || !this.#client) {
      quality.fill(BAD);
      throw this.#notConnected('read');
    }
    let client: Client;
    try {
      client = await this.#ready(b, true);
    } catch (err) {
      quality.fill(BAD);
      throw err;
    }
    if (this.#o.readMode === 'notify') {
      // Notifications only say that values changed, not that the link lives: a hung target
      // just goes quiet. A small heartbeat request answers that within the timeout.
      if (!this.#heartbeat(client)) {
        quality.fill(BAD);
        throw this.#notConnected('read');
      }
      out.set(b.cache);
      for (let k = 0; k < b.received.length; k++) quality[k] = b.received[k] ? GOOD : BAD;
      return;
    }
    const cmds = b.readCmds;
    let results;
    try {
      results = cmds.length === 1 ? [await client.readRawMulti(cmds[0]!)] : await Promise.all(corked(client, cmds.length, () => cmds.map((c) => client.readRawMulti(c))));
    } catch (err) {
      quality.fill(BAD);
      this.#linkDown(err);
      throw new TwinloopError('PLC_NOT_CONNECTED', `ADS ${this.#o.endpoint}: read of ${b.tags.length} tags failed: ${errText(err)}`, { cause: err });
    }
    const types = b.types;
    let k = 0;
    for (let c = 0; c < results.length; c++) {
      const part = results[c]!;
      for (let j = 0; j < part.length; j++, k++) {
        const r = part[j]!;
        if (r.success && r.value) {
          out[k] = types[k]!.read(r.value, 0);
          quality[k] = GOOD;
        } else {
          quality[k] = BAD;
          // The symbol-version notification may still be on its way: re-resolve anyway.
          if (r.errorCode === ADSERR_SYMBOL_VERSION_INVALID || r.errorCode === ADSERR_SYMBOL_NOT_FOUND) b.gen = -1;
        }
      }
    }
  }

  #beatSentAt = 0;
  #beatInFlight = false;

  /** Keep one ReadState in flight at most every HEARTBEAT_MS; false once one is overdue. */
  #heartbeat(client: Client): boolean {
    const now = performance.now();
    const timeout = this.#o.timeoutMs ?? 1000;
    if (this.#beatInFlight) {
      if (now - this.#beatSentAt <= timeout) return true;
      this.#linkDown(new Error(`no answer to a heartbeat within ${timeout} ms`));
      return false;
    }
    if (now - this.#beatSentAt >= HEARTBEAT_MS) {
      const conn = this.#connId;
      this.#beatInFlight = true;
      this.#beatSentAt = now;
      client.readState().then(
        () => {
          if (this.#connId === conn) this.#beatInFlight = false;
        },
        (err: unknown) => {
          if (this.#connId === conn) this.#linkDown(err);
        },
      );
    }
    return true;
  }

  async write(batch: TagBatch, values: Float64Array): Promise<void> {
    await this.#write(this.#own(batch), values, undefined);
  }

  /** Write only the flagged tags, in one sum write (the network exchange's partial writes). */
  async writeChanged(batch: TagBatch, values: Float64Array, changed: Uint8Array): Promise<void> {
    await this.#write(this.#own(batch), values, changed);
  }

  async #write(b: AdsBatch, values: Float64Array, changed: Uint8Array | undefined): Promise<void> {
    if (this.#o.readOnly) throw new TwinloopError('PLC_NOT_CONNECTED', `ADS ${this.#o.endpoint}: write refused: the coupling is read-only (shadow mode)`);
    // A write that cannot go out now fails now: it is never queued for a later replay.
    if (this.#state !== 'connected' || !this.#client) throw this.#notConnected('write');
    const client = await this.#ready(b, false);
    const types = b.types;
    for (let k = 0; k < types.length; k++) {
      if (!changed || changed[k]) types[k]!.write(b.writeBufs[k]!, 0, clampInteger(types[k]!, values[k]!));
    }
    const cmds = changed ? chunks(b.writeCmds.flat().filter((_, k) => changed[k]), SUM_LIMIT) : b.writeCmds;
    let results;
    try {
      results = await Promise.all(corked(client, cmds.length, () => cmds.map((c) => (c.length ? client.writeRawMulti(c) : Promise.resolve([])))));
    } catch (err) {
      this.#linkDown(err);
      throw new TwinloopError('PLC_NOT_CONNECTED', `ADS ${this.#o.endpoint}: write of ${b.tags.length} tags failed: ${errText(err)}`, { cause: err });
    }
    for (const part of results) {
      for (const r of part) {
        if (r.success) continue;
        const k = b.handles.indexOf(r.command.indexOffset);
        if (r.errorCode === ADSERR_SYMBOL_VERSION_INVALID) b.gen = -1;
        throw new TwinloopError('PLC_TAG_UNKNOWN', `tag ${b.tags[k]?.address ?? '?'}: write refused by the PLC: ADS error ${r.errorCode} (${r.errorStr})`);
      }
    }
  }

  /**
   * The PLC's symbol table as tag-list lines (what `twinloop import` writes for ADS): every
   * symbol of an elementary type, with the signal type it maps to.
   */
  async listSymbols(): Promise<{ name: string; plcType: string; type: SignalType }[]> {
    const client = this.#client;
    if (!client) throw this.#notConnected('listing symbols');
    const symbols = await client.getSymbols();
    const out: { name: string; plcType: string; type: SignalType }[] = [];
    for (const s of Object.values(symbols)) {
      const t = PLC_TYPES[s.type.toUpperCase()];
      if (t) out.push({ name: s.name, plcType: t.name, type: t.signal });
    }
    return out;
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    this.#connId++;
    this.#state = 'disconnected';
    if (client) {
      client.removeAllListeners();
      // Orderly: delete notifications and release the router port; forced if that fails.
      await client.disconnect(false).catch(() => client.disconnect(true).catch(() => undefined));
    }
  }

  #own(batch: TagBatch): AdsBatch {
    if (batch.adapter !== this || !(batch instanceof AdsBatch)) throw new TwinloopError('PLC_BATCH', 'batch was prepared by another adapter');
    return batch;
  }
}
