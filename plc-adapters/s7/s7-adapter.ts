// The Siemens S7 coupling (nodes7): absolute S7 addresses (DB1,REAL0, DB1,X4.0, I0.0, Q0.1,
// M10.0 ...), rack/slot, PDU-aware batching (nodes7 groups the polling list into as few
// requests as the negotiated PDU allows), and exactly one request in flight: nodes7 mixes up
// the callbacks of overlapping reads and writes, so every call goes through one queue.
// Dead links are found by the request timeout (default 1 s, under the 2 s target); a link
// that failed is dropped whole (nodes7's own reconnect timers cancelled) and reopened by the
// exchange's connect(), with the polling list re-registered.

import NodeS7 from 'nodes7';
import type { Logger } from 'pino';
import { TwinloopError } from '../../core/errors.ts';
import type { ConnectionState, PlcAdapter, TagBatch, TagQuality, TagSpec } from '../adapter.ts';
import { parseS7Address, s7Range, type S7Address } from './s7-address.ts';
import { encodeRegions, planWriteRegions, type S7WriteRegion } from './s7-block-write.ts';

export interface S7AdapterOptions {
  /** `s7://HOST[:PORT][?rack=R&slot=S]` (port 102, rack 0, slot 1 by default: S7-1200/1500). */
  readonly endpoint: string;
  /** Request timeout, ms: an unanswered request means a dead link (default 1000). */
  readonly timeoutMs?: number;
  /**
   * Items per write request (default 20: the S7-300/400 limit, and snap7's, whose server
   * overruns its item table beyond it). nodes7 bounds requests by PDU size only.
   */
  readonly maxItemsPerRequest?: number;
  /** Shadow mode: refuse every write before it reaches the wire. */
  readonly readOnly?: boolean;
  /**
   * Write each area/DB spanned by the write tags as one byte range (s7-block-write.ts): for
   * areas the simulation owns (%I of a PLC without I/O, a simulation DB). Gaps are written as 0.
   */
  readonly blockWrites?: boolean;
  readonly log?: Logger;
}

export interface S7Endpoint {
  readonly host: string;
  readonly port: number;
  readonly rack: number;
  readonly slot: number;
}

const GOOD = 0;
const BAD = 2;

/** @throws TwinloopError CFG_INVALID saying what is wrong. */
export function parseS7Endpoint(endpoint: string): S7Endpoint {
  const bad = (why: string): TwinloopError => new TwinloopError('CFG_INVALID', `S7 endpoint "${endpoint}": ${why}; expected s7://HOST[:PORT][?rack=0&slot=1]`);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw bad('not a URL');
  }
  if (url.protocol !== 's7:') throw bad(`scheme must be s7:, got ${url.protocol}`);
  if (!url.hostname) throw bad('no host');
  const num = (name: string, dflt: number, max: number): number => {
    const text = url.searchParams.get(name);
    const n = text === null ? dflt : Number(text);
    if (!Number.isInteger(n) || n < 0 || n > max) throw bad(`${name}=${text} out of range 0..${max}`);
    return n;
  };
  return { host: url.hostname, port: url.port ? Number(url.port) : 102, rack: num('rack', 0, 7), slot: num('slot', 1, 31) };
}

class S7Batch implements TagBatch {
  readonly adapter: S7Adapter;
  readonly tags: readonly TagSpec[];
  readonly addresses: readonly S7Address[];
  /** nodes7 item names, in tag order (reused for every call). */
  readonly items: string[];
  /** Write requests: item names and values in nodes7's form, by chunk (reused). */
  readonly writeItems: string[][];
  readonly writeValues: (number | boolean)[][];
  /** Block-write regions (blockWrites), by chunk of <= maxItems regions; empty otherwise. */
  readonly regions: S7WriteRegion[];
  readonly regionItems: string[][];
  readonly regionValues: number[][][];
  constructor(adapter: S7Adapter, tags: readonly TagSpec[], addresses: readonly S7Address[], maxItems: number, blockWrites: boolean) {
    this.adapter = adapter;
    this.tags = tags;
    this.addresses = addresses;
    this.items = addresses.map((a) => a.nodes7);
    this.writeItems = [];
    this.writeValues = [];
    for (let i = 0; i < this.items.length; i += maxItems) {
      this.writeItems.push(this.items.slice(i, i + maxItems));
      this.writeValues.push(this.items.slice(i, i + maxItems).map(() => 0));
    }
    const writes = tags.every((t) => t.direction === 'write');
    this.regions = blockWrites && writes && tags.length > 0 ? planWriteRegions(addresses) : [];
    this.regionItems = [];
    this.regionValues = [];
    for (let i = 0; i < this.regions.length; i += maxItems) {
      const chunk = this.regions.slice(i, i + maxItems);
      this.regionItems.push(chunk.map((r) => r.item));
      this.regionValues.push(chunk.map((r) => r.values));
    }
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * @example
 * const plc = new S7Adapter({ endpoint: 's7://192.168.0.10?rack=0&slot=1' });
 * await plc.connect();
 * const outs = await plc.prepare([{ address: 'DB1,REAL0', type: 'real', direction: 'read' }]);
 * await plc.read(outs, values, quality);
 */
export class S7Adapter implements PlcAdapter {
  readonly protocol = 's7';
  readonly endpoint: S7Endpoint;
  readonly #o: S7AdapterOptions;
  readonly #timeoutMs: number;
  readonly #maxItems: number;
  #conn: NodeS7 | undefined;
  #state: ConnectionState = 'disconnected';
  #connecting: Promise<void> | undefined;
  /** The one-request-in-flight queue: each job starts when the previous settled. */
  #queue: Promise<unknown> = Promise.resolve();
  /** Every item any read batch polls (nodes7 has one polling list per connection). */
  readonly #polled = new Set<string>();
  /** The PDU size negotiated at connect (nodes7's maxPDU may be lowered for grouping). */
  #pdu = 0;
  #lastError = '';

  /** @throws TwinloopError CFG_INVALID for a malformed endpoint. */
  constructor(options: S7AdapterOptions) {
    this.#o = options;
    this.endpoint = parseS7Endpoint(options.endpoint);
    this.#timeoutMs = options.timeoutMs ?? 1000;
    this.#maxItems = options.maxItemsPerRequest ?? 20;
    if (!(this.#maxItems >= 1)) throw new TwinloopError('CFG_INVALID', `S7 ${options.endpoint}: maxItemsPerRequest must be >= 1`);
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get lastError(): string {
    return this.#lastError;
  }

  /** The PDU size negotiated with the PLC (bytes; 0 when not connected). */
  get pduSize(): number {
    return this.#conn ? this.#pdu : 0;
  }

  /**
   * Open the link (again): also the way back after a failure; batches stay valid.
   * @throws TwinloopError PLC_NOT_CONNECTED when the PLC does not answer in time.
   */
  async connect(): Promise<void> {
    if (this.#state === 'connected' && this.#conn) return;
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #open(): Promise<void> {
    this.#state = 'connecting';
    const e = this.endpoint;
    const conn = new NodeS7({ silent: true });
    // One job in flight on the wire too: nodes7 would otherwise negotiate 8 parallel jobs and
    // send the packets of one read at once.
    conn.requestMaxParallel = 1;
    try {
      await new Promise<void>((resolve, reject) => {
        // nodes7 does not call back when the ISO or PDU handshake times out (it retries on its
        // own instead), so the bound is ours.
        const timer = setTimeout(() => reject(new Error(`no S7 handshake within ${2 * this.#timeoutMs} ms`)), 2 * this.#timeoutMs);
        conn.initiateConnection({ host: e.host, port: e.port, rack: e.rack, slot: e.slot, timeout: this.#timeoutMs }, (err) => {
          clearTimeout(timer);
          if (err === undefined || err === null) resolve();
          else reject(err instanceof Error ? err : new Error(typeof err === 'object' ? JSON.stringify(err) : String(err)));
        });
      });
    } catch (err) {
      this.#discard(conn);
      this.#state = 'disconnected';
      this.#lastError = errText(err);
      throw new TwinloopError('PLC_NOT_CONNECTED', `S7 ${this.#o.endpoint}: connect failed: ${this.#lastError}`, { cause: err });
    }
    this.#pdu = conn.maxPDU;
    this.#setPolling(conn, [...this.#polled]);
    this.#conn = conn;
    this.#state = 'connected';
  }

  /**
   * Make `items` the polling list and group it into requests now. nodes7 bounds a request by
   * the PDU only; if a request would carry more than maxItemsPerRequest items (scattered
   * addresses), the PDU used for grouping is lowered until none does: a PLC (snap7 at least)
   * answers more than 20 items with an error or a reply nodes7 cannot parse.
   */
  #setPolling(conn: NodeS7, items: string[]): void {
    conn.removeItemsNow();
    conn.maxPDU = this.#pdu;
    if (items.length === 0) return;
    conn.addItemsNow(items);
    conn.prepareReadPacket();
    const tooMany = (): boolean => conn.readPacketArray.some((p) => p.itemList.length > this.#maxItems);
    if (tooMany()) {
      // nodes7 adds an item while 12 (header) + 12 per item + 12 <= maxPDU: this bound admits
      // exactly maxItems items per request.
      conn.maxPDU = Math.min(this.#pdu, 12 * (this.#maxItems + 2) - 1);
      conn.prepareReadPacket();
    }
  }

  /** Stop a nodes7 instance for good: its retry timers too, so it cannot come back by itself. */
  #discard(conn: NodeS7): void {
    clearTimeout(conn.reconnectTimer);
    clearTimeout(conn.rereadTimer);
    clearTimeout(conn.resetTimeout);
    if (conn.dropConnectionTimer) clearTimeout(conn.dropConnectionTimer);
    conn.connectionCleanup();
    conn.isoConnectionState = -1; // nodes7 reconnects from 0; nothing may restart it
  }

  #linkDown(err: unknown): void {
    const conn = this.#conn;
    this.#conn = undefined;
    if (this.#state === 'connected') this.#state = 'disconnected';
    this.#lastError = errText(err);
    this.#o.log?.warn({ endpoint: this.#o.endpoint, err: this.#lastError }, 'S7 link down');
    if (conn) this.#discard(conn);
  }

  #notConnected(what: string): TwinloopError {
    return new TwinloopError('PLC_NOT_CONNECTED', `S7 ${this.#o.endpoint}: ${what} while not connected${this.#lastError ? ` (last error: ${this.#lastError})` : ''}`);
  }

  /** Run `job` when no other request is in flight; a job that hangs is cut at the timeout. */
  #enqueue<T>(job: (conn: NodeS7) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const conn = this.#conn;
      if (!conn || this.#state !== 'connected' || conn.isoConnectionState !== 4) {
        if (conn) this.#linkDown(new Error('connection lost'));
        throw this.#notConnected('request');
      }
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          job(conn),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${2 * this.#timeoutMs} ms`)), 2 * this.#timeoutMs);
          }),
        ]);
      } catch (err) {
        if (!(err instanceof TwinloopError) || err.code === 'PLC_NOT_CONNECTED') this.#linkDown(err);
        throw err;
      } finally {
        clearTimeout(timer);
      }
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** One readAllItems of the polling list; resolves with nodes7's values (quality strings for bad items). */
  #readAll(conn: NodeS7): Promise<Record<string, number | boolean | string>> {
    return new Promise((resolve, reject) => {
      conn.readAllItems((anythingBad, values) => {
        // nodes7 reports a timeout or a dropped socket as bad items; only the state tells.
        if (anythingBad && conn.isoConnectionState !== 4) reject(new Error('read failed: connection lost or request timed out'));
        else resolve(values);
      });
    });
  }

  /**
   * Parse and type-check addresses, then read them once: an address the PLC does not have
   * (a missing DB, a DB too short) is refused now, naming the tag, not read as zero later.
   * @throws TwinloopError PLC_TAG_UNKNOWN / PLC_TAG_TYPE naming the tag.
   */
  async prepare(tags: readonly TagSpec[]): Promise<TagBatch> {
    const addresses = tags.map((t) => {
      const a = parseS7Address(t.address);
      if (typeof a === 'string') throw new TwinloopError('PLC_TAG_UNKNOWN', `tag ${t.address}: ${a}`);
      if (a.type.signal !== t.type) {
        throw new TwinloopError('PLC_TAG_TYPE', `tag ${t.address}: the address is ${a.type.name} (a ${a.type.signal}), the tag map says ${t.type}`);
      }
      // A plant file may name the PLC type too; it must agree with the address (BOOL = X).
      const plcType = (t as TagSpec & { readonly plcType?: string }).plcType?.toUpperCase();
      if (plcType !== undefined && plcType !== a.type.name && !(plcType === 'BOOL' && a.type.name === 'X')) {
        throw new TwinloopError('PLC_TAG_TYPE', `tag ${t.address}: the address is ${a.type.name}, the tag map says plcType ${plcType}`);
      }
      return a;
    });
    const batch = new S7Batch(this, tags, addresses, this.#maxItems, this.#o.blockWrites === true);
    if (!this.#conn || this.#state !== 'connected') throw this.#notConnected('prepare');
    const items = batch.items;
    const values = await this.#enqueue(async (conn) => {
      // Probe with exactly this batch, then restore the polling list.
      this.#setPolling(conn, items);
      try {
        return await this.#readAll(conn);
      } finally {
        this.#setPolling(conn, [...this.#polled]);
      }
    });
    for (let k = 0; k < items.length; k++) {
      const v = values[items[k]!];
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        throw new TwinloopError('PLC_TAG_UNKNOWN', `tag ${tags[k]!.address}: the PLC refused it (${String(v)}): no such area, DB or offset`);
      }
    }
    if (tags.some((t) => t.direction === 'read')) {
      const fresh = items.filter((i) => !this.#polled.has(i));
      for (const i of fresh) this.#polled.add(i);
      if (fresh.length > 0 && this.#conn) this.#setPolling(this.#conn, [...this.#polled]);
    }
    return batch;
  }

  async read(batch: TagBatch, out: Float64Array, quality: TagQuality): Promise<void> {
    const b = this.#own(batch);
    let values: Record<string, number | boolean | string>;
    try {
      values = await this.#enqueue((conn) => this.#readAll(conn));
    } catch (err) {
      quality.fill(BAD);
      if (err instanceof TwinloopError) throw err;
      throw new TwinloopError('PLC_NOT_CONNECTED', `S7 ${this.#o.endpoint}: read of ${b.tags.length} tags failed: ${errText(err)}`, { cause: err });
    }
    const items = b.items;
    for (let k = 0; k < items.length; k++) {
      const v = values[items[k]!];
      if (typeof v === 'number') {
        out[k] = v;
        quality[k] = GOOD;
      } else if (typeof v === 'boolean') {
        out[k] = v ? 1 : 0;
        quality[k] = GOOD;
      } else {
        quality[k] = BAD;
      }
    }
  }

  /** Write only the flagged tags (the network exchange's partial writes), in <= maxItems requests. */
  async writeChanged(batch: TagBatch, values: Float64Array, changed: Uint8Array): Promise<void> {
    const b = this.#own(batch);
    if (this.#o.readOnly) throw new TwinloopError('PLC_NOT_CONNECTED', `S7 ${this.#o.endpoint}: write refused: the coupling is read-only (shadow mode)`);
    if (!this.#conn || this.#state !== 'connected') throw this.#notConnected('write');
    // Owned ranges go out whole: one range costs about what a handful of scattered items do.
    if (b.regions.length > 0) return this.write(b, values);
    const items: string[][] = [];
    const vals: (number | boolean)[][] = [];
    for (let k = 0; k < b.items.length; k++) {
      if (!changed[k]) continue;
      if (items.length === 0 || items[items.length - 1]!.length === this.#maxItems) {
        items.push([]);
        vals.push([]);
      }
      items[items.length - 1]!.push(b.items[k]!);
      vals[vals.length - 1]!.push(this.#plcValue(b.addresses[k]!, values[k]!));
    }
    await this.#writeChunks(b, items, vals);
  }

  /** The value as nodes7 takes it: a boolean for bits, a saturated integer for int types. */
  #plcValue(a: S7Address, v: number): number | boolean {
    if (a.type.signal === 'bool') return v !== 0;
    if (a.type.signal === 'int') {
      const [lo, hi] = s7Range(a.type);
      return Math.max(lo, Math.min(hi, Math.trunc(v) || 0));
    }
    return v;
  }

  async write(batch: TagBatch, values: Float64Array): Promise<void> {
    const b = this.#own(batch);
    if (this.#o.readOnly) throw new TwinloopError('PLC_NOT_CONNECTED', `S7 ${this.#o.endpoint}: write refused: the coupling is read-only (shadow mode)`);
    // A write that cannot go out now fails now: it is never queued for a later replay.
    if (!this.#conn || this.#state !== 'connected') throw this.#notConnected('write');
    if (b.regions.length > 0) {
      encodeRegions(b.regions, b.addresses, values);
      return this.#writeChunks(b, b.regionItems, b.regionValues);
    }
    let k = 0;
    for (const chunk of b.writeValues) {
      for (let j = 0; j < chunk.length; j++, k++) chunk[j] = this.#plcValue(b.addresses[k]!, values[k]!);
    }
    await this.#writeChunks(b, b.writeItems, b.writeValues);
  }

  async #writeChunks(b: S7Batch, chunks: readonly string[][], chunkValues: readonly (number | boolean | number[])[][]): Promise<void> {
    // One request per chunk, each through the queue; a failed chunk ends the write (the
    // chunks before it are in the PLC; nothing is retried or replayed later).
    for (let c = 0; c < chunks.length; c++) {
      const items = chunks[c]!;
      const vals = chunkValues[c]!;
      try {
        await this.#enqueue(
          (conn) =>
            new Promise<void>((resolve, reject) => {
              // Writes are split by the negotiated PDU, not the lowered one used to group reads.
              const grouping = conn.maxPDU;
              conn.maxPDU = this.#pdu;
              let busy: number;
              try {
                busy = conn.writeItems(items, vals, (anythingBad) => {
                  if (!anythingBad) resolve();
                  else if (conn.isoConnectionState !== 4) reject(new Error('write failed: connection lost or request timed out'));
                  else reject(new TwinloopError('PLC_TAG_UNKNOWN', `S7 ${this.#o.endpoint}: the PLC refused a write of ${items.length} tags (first: ${items[0]})`));
                });
              } finally {
                conn.maxPDU = grouping;
              }
              if (busy !== 0) reject(new Error('nodes7 had a write in progress (the queue should prevent this)'));
            }),
        );
      } catch (err) {
        if (err instanceof TwinloopError) throw err;
        throw new TwinloopError('PLC_NOT_CONNECTED', `S7 ${this.#o.endpoint}: write of ${b.tags.length} tags failed: ${errText(err)}`, { cause: err });
      }
    }
  }

  async close(): Promise<void> {
    const conn = this.#conn;
    this.#conn = undefined;
    this.#state = 'disconnected';
    if (!conn) return;
    await this.#queue;
    // Orderly close when possible, bounded; then make sure nothing of nodes7 stays alive.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.#timeoutMs);
      conn.dropConnection(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.#discard(conn);
  }

  #own(batch: TagBatch): S7Batch {
    if (batch.adapter !== this || !(batch instanceof S7Batch)) throw new TwinloopError('PLC_BATCH', 'batch was prepared by another adapter');
    return batch;
  }
}
