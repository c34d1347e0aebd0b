// The Modbus TCP coupling (modbus-serial): coils, discrete inputs, holding and input registers
// by address (modbus-address.ts), typed values in either word and byte order (modbus-codec.ts),
// contiguous tags batched into as few requests as the protocol allows (modbus-plan.ts).
// Link semantics as the other protocols: a request unanswered within timeoutMs (1 s) or a socket
// closed by the peer drops the link at once, failing every pending request (so tags go bad at
// once, not after each one's own timeout); the exchange's connect() reopens it. A Modbus
// exception is an answer, not a dead link: it names its code and the tag.

import ModbusSerial from 'modbus-serial';
import type { Logger } from 'pino';
import { TwinloopError, type ErrorCode } from '../../core/errors.ts';
import type { ConnectionState, PlcAdapter, TagBatch, TagQuality, TagSpec } from '../adapter.ts';
import { parseModbusAddress, type Endianness, type ModbusAddress } from './modbus-address.ts';
import { decodeBit, decodeRegisters, encodeRegisters } from './modbus-codec.ts';
import { parseModbusEndpoint, type ModbusEndpoint } from './modbus-config.ts';
import { planRequests, type ModbusRequest } from './modbus-plan.ts';

export interface ModbusAdapterOptions {
  /** `modbus://HOST[:PORT][?unit=N]` (port 502, unit 1 by default). */
  readonly endpoint: string;
  /** Request timeout, ms: an unanswered request means a dead link (default 1000). */
  readonly timeoutMs?: number;
  /** TCP connect timeout, ms (default 2000). */
  readonly connectTimeoutMs?: number;
  /** Default orders for multi-byte values; a tag's address may override them (`hr:0:CDAB`). */
  readonly wordOrder?: Endianness;
  readonly byteOrder?: Endianness;
  /** Requests outstanding at once on the connection (default 1). */
  readonly maxInFlight?: number;
  /** Unmapped registers a read request may span (default 0: contiguous ranges only). */
  readonly maxGap?: number;
  /** Shadow mode: refuse every write before it reaches the wire. */
  readonly readOnly?: boolean;
  readonly log?: Logger;
}

/** The names the Modbus specification gives its exception codes. */
export const MODBUS_EXCEPTIONS: Readonly<Record<number, string>> = {
  1: 'ILLEGAL FUNCTION',
  2: 'ILLEGAL DATA ADDRESS',
  3: 'ILLEGAL DATA VALUE',
  4: 'SERVER DEVICE FAILURE',
  5: 'ACKNOWLEDGE',
  6: 'SERVER DEVICE BUSY',
  8: 'MEMORY PARITY ERROR',
  10: 'GATEWAY PATH UNAVAILABLE',
  11: 'GATEWAY TARGET DEVICE FAILED TO RESPOND',
};

// modbus-serial is CommonJS whose typings declare an ES default export; Node hands the whole
// module.exports to a default import, and modbus-serial sets module.exports.default to itself.
const ModbusRTU = ModbusSerial.default;
type ModbusRTU = InstanceType<typeof ModbusSerial.default>;

const GOOD = 0;
const BAD = 2;
/** Address refusals that are about the tag's type rather than where it points. */
const TYPE_REASON = /tag |plcType|holds a BOOL|bits wide|one word/;

/** A Modbus exception reply to one request (internal; surfaces as a TwinloopError naming the tag). */
class ModbusException extends Error {
  readonly exceptionCode: number;
  constructor(exceptionCode: number) {
    super(`Modbus exception ${exceptionCode} (${MODBUS_EXCEPTIONS[exceptionCode] ?? 'unknown code'})`);
    this.exceptionCode = exceptionCode;
  }
}

function exceptionCodeOf(err: unknown): number | undefined {
  const code = (err as { modbusCode?: unknown } | null)?.modbusCode;
  return typeof code === 'number' ? code : undefined;
}

/** modbus-serial's errors are not all Error instances (its timeout is a plain object). */
function errText(err: unknown): string {
  const m = (err as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? m : String(err);
}

function isTimeout(err: unknown): boolean {
  return (err as { errno?: unknown } | null)?.errno === 'ETIMEDOUT';
}

class ModbusBatch implements TagBatch {
  readonly adapter: ModbusAdapter;
  readonly tags: readonly TagSpec[];
  readonly addresses: readonly ModbusAddress[];
  readonly requests: readonly ModbusRequest[];
  /** Write batches (all tags `write`) carry payload buffers; any other batch is read only. */
  readonly writable: boolean;
  /** Reused per cycle: the pending replies of pipelined requests (maxInFlight > 1). */
  readonly pending: (Promise<Buffer> | undefined)[];
  constructor(adapter: ModbusAdapter, tags: readonly TagSpec[], addresses: readonly ModbusAddress[], requests: readonly ModbusRequest[]) {
    this.adapter = adapter;
    this.tags = tags;
    this.addresses = addresses;
    this.requests = requests;
    this.writable = requests.every((r) => r.registers !== undefined || r.bits !== undefined);
    this.pending = new Array<Promise<Buffer> | undefined>(requests.length).fill(undefined);
  }
}

/**
 * @example
 * const plc = new ModbusAdapter({ endpoint: 'modbus://192.168.0.10:502?unit=1' });
 * await plc.connect();
 * const outs = await plc.prepare([{ address: 'hr:100', type: 'real', direction: 'read' }]);
 * await plc.read(outs, values, quality);
 */
export class ModbusAdapter implements PlcAdapter {
  readonly protocol = 'modbus';
  readonly endpoint: ModbusEndpoint;
  readonly #o: ModbusAdapterOptions;
  readonly #timeoutMs: number;
  readonly #maxInFlight: number;
  #client: ModbusRTU | undefined;
  #state: ConnectionState = 'disconnected';
  #connecting: Promise<void> | undefined;
  /** Rejects when the current connection is lost: every pending request races it. */
  #lost: Promise<never> = Promise.resolve() as never;
  #loseLink: ((err: Error) => void) | undefined;
  #inFlight = 0;
  readonly #waiters: (() => void)[] = [];
  #lastError = '';

  /** @throws TwinloopError CFG_INVALID for a malformed endpoint or option. */
  constructor(options: ModbusAdapterOptions) {
    this.#o = options;
    this.endpoint = parseModbusEndpoint(options.endpoint);
    this.#timeoutMs = options.timeoutMs ?? 1000;
    this.#maxInFlight = options.maxInFlight ?? 1;
    if (!Number.isInteger(this.#maxInFlight) || this.#maxInFlight < 1) throw new TwinloopError('CFG_INVALID', `Modbus ${options.endpoint}: maxInFlight must be an integer >= 1`);
    if (!(this.#timeoutMs > 0)) throw new TwinloopError('CFG_INVALID', `Modbus ${options.endpoint}: timeoutMs must be > 0`);
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get lastError(): string {
    return this.#lastError;
  }

  /**
   * Open the TCP connection (again): also the way back after a failure; batches stay valid.
   * @throws TwinloopError PLC_NOT_CONNECTED when the server cannot be reached in time.
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
    const client = new ModbusRTU();
    // modbus-serial re-emits socket errors; unheard, an 'error' event would throw.
    client.on('error', (err: unknown) => {
      if (this.#client === client) this.#linkDown(new Error(errText(err)));
    });
    const limit = this.#o.connectTimeoutMs ?? 2000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.connectTCP(e.host, { port: e.port }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no TCP connection within ${limit} ms`)), limit);
        }),
      ]);
    } catch (err) {
      client.destroy(() => undefined);
      this.#state = 'disconnected';
      this.#lastError = errText(err);
      throw new TwinloopError('PLC_NOT_CONNECTED', `Modbus ${this.#o.endpoint}: connect failed: ${this.#lastError}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
    client.setID(e.unitId);
    client.setTimeout(this.#timeoutMs);
    client.on('close', () => {
      if (this.#client === client) this.#linkDown(new Error('the server closed the connection'));
    });
    this.#lost = new Promise<never>((_, reject) => {
      this.#loseLink = reject;
    });
    this.#lost.catch(() => undefined); // raced by requests; never unhandled by itself
    this.#client = client;
    this.#state = 'connected';
  }

  /** The link is gone: fail what is pending now and drop the socket; connect() reopens. */
  #linkDown(err: Error): void {
    const client = this.#client;
    if (!client) return;
    this.#client = undefined;
    if (this.#state === 'connected') this.#state = 'disconnected';
    this.#lastError = err.message;
    this.#o.log?.warn({ endpoint: this.#o.endpoint, err: this.#lastError }, 'Modbus link down');
    this.#loseLink?.(err);
    this.#loseLink = undefined;
    client.destroy(() => undefined);
  }

  #notConnected(what: string): TwinloopError {
    return new TwinloopError('PLC_NOT_CONNECTED', `Modbus ${this.#o.endpoint}: ${what} while not connected${this.#lastError ? ` (last error: ${this.#lastError})` : ''}`);
  }

  /** Wait for one of maxInFlight request slots. */
  #slot(): Promise<void> | undefined {
    if (this.#inFlight < this.#maxInFlight) {
      this.#inFlight++;
      return undefined;
    }
    return new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  /** Hand the slot to the next waiter, or free it. */
  #release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#inFlight--;
  }

  /** Send one planned request; resolves with the reply's data bytes (reads) or an empty buffer. */
  async #send(r: ModbusRequest, write: boolean): Promise<Buffer> {
    const wait = this.#slot();
    if (wait) await wait;
    try {
      const client = this.#client;
      if (!client || this.#state !== 'connected') throw this.#notConnected(write ? 'write' : 'read');
      const call = write ? this.#writeCall(client, r) : this.#readCall(client, r);
      return await Promise.race([call, this.#lost]);
    } catch (err) {
      if (err instanceof TwinloopError) throw err;
      const code = exceptionCodeOf(err);
      if (code !== undefined) throw new ModbusException(code);
      // A timeout, a reset or a closed port: the link is dead, whatever the library says.
      const why = isTimeout(err) ? `no answer within ${this.#timeoutMs} ms (servers also ignore a unit id they do not have: unit ${this.endpoint.unitId})` : errText(err);
      this.#linkDown(new Error(why));
      throw new TwinloopError('PLC_NOT_CONNECTED', `Modbus ${this.#o.endpoint}: ${write ? 'write' : 'read'} of ${r.text} failed: ${why}`, { cause: err });
    } finally {
      this.#release();
    }
  }

  #readCall(client: ModbusRTU, r: ModbusRequest): Promise<Buffer> {
    switch (r.table) {
      case 'hr':
        return client.readHoldingRegisters(r.start, r.count).then(bufferOf);
      case 'ir':
        return client.readInputRegisters(r.start, r.count).then(bufferOf);
      case 'coil':
        return client.readCoils(r.start, r.count).then(bufferOf);
      default:
        return client.readDiscreteInputs(r.start, r.count).then(bufferOf);
    }
  }

  #writeCall(client: ModbusRTU, r: ModbusRequest): Promise<Buffer> {
    if (r.registers) return client.writeRegisters(r.start, r.registers).then(() => EMPTY);
    return client.writeCoils(r.start, r.bits!).then(() => EMPTY);
  }

  /**
   * Parse and type-check addresses, plan the requests, then read every range once: an address
   * the server does not have is refused now, naming the tag and the exception code.
   * @throws TwinloopError PLC_TAG_UNKNOWN / PLC_TAG_TYPE / PLC_READ_ONLY naming the tag.
   */
  async prepare(tags: readonly TagSpec[]): Promise<TagBatch> {
    const order = { wordOrder: this.#o.wordOrder ?? 'big', byteOrder: this.#o.byteOrder ?? 'big' } as const;
    const addresses = tags.map((t) => {
      const plcType = (t as TagSpec & { readonly plcType?: string }).plcType;
      const a = parseModbusAddress(t.address, t.type, plcType, order);
      if (typeof a === 'string') throw new TwinloopError(TYPE_REASON.test(a) ? 'PLC_TAG_TYPE' : 'PLC_TAG_UNKNOWN', `tag ${t.address}: ${a}`);
      if (t.direction === 'write') {
        if (this.#o.readOnly) throw new TwinloopError('PLC_READ_ONLY', `tag ${t.address}: a write tag on a read-only (shadow mode) coupling`);
        if (a.table === 'di' || a.table === 'ir') {
          throw new TwinloopError('PLC_TAG_TYPE', `tag ${t.address}: ${a.table === 'di' ? 'discrete inputs' : 'input registers'} are read-only in Modbus; a write tag needs a coil or a holding register`);
        }
      }
      return a;
    });
    const direction = tags.length > 0 && tags.every((t) => t.direction === 'write') ? 'write' : 'read';
    const batch = new ModbusBatch(this, tags, addresses, planRequests(addresses, direction, this.#o.maxGap ?? 0));
    if (!this.#client || this.#state !== 'connected') throw this.#notConnected('prepare');
    // Probe by reading (writes too: reading a writable range checks it without changing it).
    for (const r of batch.requests) {
      try {
        await this.#send(r, false);
      } catch (err) {
        if (!(err instanceof ModbusException)) throw err;
        throw await this.#blame(batch, r, err);
      }
    }
    return batch;
  }

  /** Find which tag of a refused request the server refuses (probing them one by one). */
  async #blame(b: ModbusBatch, r: ModbusRequest, first: ModbusException): Promise<TwinloopError> {
    let culprit = r.tags[0]!;
    let code = first.exceptionCode;
    for (let j = 0; j < r.tags.length && r.tags.length > 1; j++) {
      const k = r.tags[j]!;
      const a = b.addresses[k]!;
      try {
        await this.#send({ ...r, start: a.offset, count: a.words, text: a.text }, false);
      } catch (err) {
        if (!(err instanceof ModbusException)) throw err;
        culprit = k;
        code = err.exceptionCode;
        break;
      }
    }
    return this.#exceptionError(b, culprit, code, 'read', r);
  }

  #exceptionError(b: ModbusBatch, k: number, exceptionCode: number, what: 'read' | 'write', r: ModbusRequest): TwinloopError {
    const errCode: ErrorCode = what === 'write' ? 'PLC_WRITE_FAILED' : exceptionCode === 2 ? 'PLC_TAG_UNKNOWN' : 'PLC_PROTOCOL_EXCEPTION';
    const others = r.tags.length > 1 ? ` (${what} of ${r.text}, ${r.tags.length} tags)` : '';
    return new TwinloopError(
      errCode,
      `tag ${b.tags[k]!.address}: Modbus exception ${exceptionCode} (${MODBUS_EXCEPTIONS[exceptionCode] ?? 'unknown code'}) from unit ${this.endpoint.unitId} at ${this.endpoint.host}:${this.endpoint.port}${others}`,
    );
  }

  async read(batch: TagBatch, out: Float64Array, quality: TagQuality): Promise<void> {
    const b = this.#own(batch);
    const reqs = b.requests;
    let failure: unknown;
    let failedAt = 0;
    if (this.#maxInFlight === 1) {
      for (let i = 0; i < reqs.length && failure === undefined; i++) {
        try {
          this.#decode(b, reqs[i]!, await this.#send(reqs[i]!, false), out, quality);
        } catch (err) {
          failure = err;
          failedAt = i;
        }
      }
    } else {
      // Pipelined: all requests go out (the slots bound how many at once), replies in order.
      const pending = b.pending;
      for (let i = 0; i < reqs.length; i++) pending[i] = this.#send(reqs[i]!, false);
      for (let i = 0; i < reqs.length; i++) {
        try {
          const data = await pending[i]!;
          if (failure === undefined) this.#decode(b, reqs[i]!, data, out, quality);
        } catch (err) {
          if (failure === undefined) {
            failure = err;
            failedAt = i;
          }
        }
        pending[i] = undefined;
      }
    }
    if (failure === undefined) return;
    quality.fill(BAD);
    // An exception names the request's first tag; a dead link passes as it is.
    if (failure instanceof ModbusException) throw this.#exceptionError(b, reqs[failedAt]!.tags[0]!, failure.exceptionCode, 'read', reqs[failedAt]!);
    throw failure;
  }

  #decode(b: ModbusBatch, r: ModbusRequest, data: Buffer, out: Float64Array, quality: TagQuality): void {
    const tags = r.tags;
    const pos = r.pos;
    const bits = r.table === 'coil' || r.table === 'di';
    for (let j = 0; j < tags.length; j++) {
      const k = tags[j]!;
      out[k] = bits ? decodeBit(data, pos[j]!) : decodeRegisters(data, pos[j]!, b.addresses[k]!);
      quality[k] = GOOD;
    }
  }

  /** Write only the requests that carry a flagged tag (the exchange's partial writes). */
  async writeChanged(batch: TagBatch, values: Float64Array, changed: Uint8Array): Promise<void> {
    const b = this.#own(batch);
    this.#checkWritable(b);
    const reqs = b.requests;
    for (let i = 0; i < reqs.length; i++) {
      const tags = reqs[i]!.tags;
      let any = false;
      for (let j = 0; j < tags.length && !any; j++) any = changed[tags[j]!] !== 0;
      if (any) await this.#writeRequest(b, reqs[i]!, values);
    }
  }

  /** Write every tag of the batch. A failed write is reported, never retried or replayed. */
  async write(batch: TagBatch, values: Float64Array): Promise<void> {
    const b = this.#own(batch);
    this.#checkWritable(b);
    const reqs = b.requests;
    if (this.#maxInFlight === 1) {
      for (let i = 0; i < reqs.length; i++) await this.#writeRequest(b, reqs[i]!, values);
      return;
    }
    const pending = b.pending;
    for (let i = 0; i < reqs.length; i++) pending[i] = this.#writeRequest(b, reqs[i]!, values).then(() => EMPTY);
    let failure: unknown;
    for (let i = 0; i < reqs.length; i++) {
      try {
        await pending[i];
      } catch (err) {
        failure ??= err;
      }
      pending[i] = undefined;
    }
    if (failure !== undefined) throw failure;
  }

  #checkWritable(b: ModbusBatch): void {
    if (this.#o.readOnly) throw new TwinloopError('PLC_READ_ONLY', `Modbus ${this.#o.endpoint}: write refused: the coupling is read-only (shadow mode)`);
    if (!b.writable) throw new TwinloopError('PLC_BATCH', `Modbus ${this.#o.endpoint}: write of a batch prepared with read tags`);
    // A write that cannot go out now fails now: it is never queued for a later replay.
    if (!this.#client || this.#state !== 'connected') throw this.#notConnected('write');
  }

  async #writeRequest(b: ModbusBatch, r: ModbusRequest, values: Float64Array): Promise<void> {
    const tags = r.tags;
    const pos = r.pos;
    if (r.registers) {
      for (let j = 0; j < tags.length; j++) encodeRegisters(r.registers, pos[j]!, b.addresses[tags[j]!]!, values[tags[j]!]!);
    } else {
      const bits = r.bits!;
      for (let j = 0; j < tags.length; j++) bits[pos[j]!] = values[tags[j]!] !== 0 && !Number.isNaN(values[tags[j]!]);
    }
    try {
      await this.#send(r, true);
    } catch (err) {
      if (err instanceof ModbusException) throw this.#exceptionError(b, tags[0]!, err.exceptionCode, 'write', r);
      if (err instanceof TwinloopError && err.code === 'PLC_NOT_CONNECTED') {
        throw new TwinloopError('PLC_NOT_CONNECTED', `tag ${b.tags[tags[0]!]!.address}: write of ${r.text} failed: ${err.message}`, { cause: err });
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    this.#state = 'disconnected';
    this.#loseLink?.(new Error('closed'));
    this.#loseLink = undefined;
    if (!client) return;
    // Orderly close when possible, bounded; then make sure the socket is gone.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.#timeoutMs);
      client.close(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    client.destroy(() => undefined);
  }

  #own(batch: TagBatch): ModbusBatch {
    if (batch.adapter !== this || !(batch instanceof ModbusBatch)) throw new TwinloopError('PLC_BATCH', 'batch was prepared by another adapter');
    return batch;
  }
}

const EMPTY = Buffer.alloc(0);

function bufferOf(res: { readonly buffer: Buffer }): Buffer {
  return res.buffer;
}
