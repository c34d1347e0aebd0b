// The exchange with a network controller (OPC UA, ADS, S7): adapters that cannot be stepped.
// It runs on the main thread at the controller's cycle, on a deadline grid, and never makes
// the physics wait: PLC outputs are read (at most one read in flight), scaled and handed to a
// sink that forwards them to the physics worker; model sensors are taken from a SignalTable
// snapshot and written when they changed beyond their deadband, plus a periodic full refresh.
// On failure every actuator goes bad at once, the controller reconnects with backoff
// (1, 2, 4 ... 30 s); the first value after a reconnect is a baseline, not a change; a failed
// write is counted and logged, never replayed (the next refresh writes the current values).

import type { Logger } from 'pino';
import { TwinloopError } from './errors.ts';
import { DeadlineGrid } from './engine/deadline-grid.ts';
import { coerce, Quality, type SignalTable, type SnapshotInfo } from './signals.ts';
import type { TagMapping } from './exchange.ts';
import type { ConnectionState, PlcAdapter, TagBatch } from '../plc-adapters/adapter.ts';

/** Where actuator values go (the lead's implementation forwards them into the physics worker). */
export interface ActuatorSink {
  write(id: number, value: number, quality: number): void;
  /** End of one cycle's writes: deliver them together. */
  flush(): void;
}

/** A tag map line with its scaling (model = raw * gain + offset) and deadband (model units). */
export interface NetworkTag extends TagMapping {
  readonly scale?: { readonly gain: number; readonly offset: number };
  readonly deadband?: number;
  readonly plcType?: string;
}

/** Optional adapter capability: write only the flagged tags of a batch in one request. */
export interface PartialWriter {
  writeChanged(batch: TagBatch, values: Float64Array, changed: Uint8Array): Promise<void>;
}

/** Optional adapter capability: the server's revision of the requested intervals. */
interface RevisedFigures {
  readonly revised?: { readonly samplingMs: number; readonly publishingMs: number; readonly readMode?: string; readonly reason?: string } | undefined;
}

/**
 * Optional adapter capability: values that arrive on their own (a subscription) are announced,
 * so they are delivered at once instead of at the next cycle (issue 24: PLC to screen latency).
 */
export interface ValueNotifier {
  onValues(listener: () => void): void;
  /** True while values come by notification (a poll fallback makes it false). */
  readonly pushing: boolean;
}

export interface NetworkExchangeOptions {
  readonly name: string;
  readonly adapter: PlcAdapter;
  readonly tags: readonly NetworkTag[];
  /** Signal name -> id (throws for unknown names). */
  readonly resolve: (signal: string) => number;
  /** Source of sensor values (a reader of the physics worker's table). */
  readonly table: SignalTable;
  readonly sink: ActuatorSink;
  readonly cycleMs: number;
  /** Full rewrite of all sensors every this many ms (default 1000; 0 = never). */
  readonly refreshMs?: number;
  /** Shadow mode: the adapter must have been opened read-only; no write path is created. */
  readonly readOnly?: boolean;
  readonly log?: Logger;
  /** Reconnect backoff: first delay and cap, ms (default 1000 and 30000). */
  readonly backoff?: { readonly firstMs?: number; readonly maxMs?: number };
}

export interface ExchangeHealth {
  readonly name: string;
  readonly state: ConnectionState;
  readonly cycles: number;
  readonly lastError: string;
  readonly reconnects: number;
  readonly readMs: { readonly p50: number; readonly p99: number };
  readonly readFailures: number;
  readonly writes: number;
  readonly writeFailures: number;
  /** Actuator value changes seen (the first value after a (re)connect is not one). */
  readonly changes: number;
  /** Oldest good actuator value, ms (Infinity before the first read). */
  readonly maxAgeMs: number;
  readonly revisedSamplingMs?: number;
  readonly revisedPublishingMs?: number;
  /** How the adapter reads now, when it can choose (OPC UA `auto`: `poll` after a fallback). */
  readonly readMode?: string;
  /** Why it reads that way (OPC UA `auto` polling: the server's revised interval against the cycle). */
  readonly readModeReason?: string;
}

const LATENCY_RING = 1024;
const CATCH_UP = 1; // an I/O cycle that is late is late: never run two back to back

export class NetworkExchange {
  readonly name: string;
  readonly adapter: PlcAdapter;
  readonly #o: NetworkExchangeOptions;
  readonly #reads: readonly NetworkTag[];
  readonly #writes: readonly NetworkTag[];
  readonly #actuatorIds: Int32Array;
  readonly #sensorIds: Int32Array;
  // Preallocated per-tag state and scratch: a cycle allocates nothing of its own.
  readonly #raw: Float64Array;
  readonly #rawQ: Uint8Array;
  readonly #eng: Float64Array;
  readonly #engQ: Uint8Array;
  readonly #goodAt: Float64Array;
  readonly #snapshot: Float64Array;
  readonly #info: SnapshotInfo = { tick: 0, time: 0 };
  readonly #sensorRaw: Float64Array;
  readonly #sent: Float64Array;
  readonly #changed: Uint8Array;
  readonly #latency = new Float64Array(LATENCY_RING);
  #latencyN = 0;
  #outBatch: TagBatch | undefined;
  #inBatch: TagBatch | undefined;
  #state: ConnectionState = 'disconnected';
  #grid: DeadlineGrid;
  #timer: NodeJS.Timeout | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #reading = false;
  #writing = false;
  #baseline = true;
  #lastRefresh = -Infinity;
  #attempt = 0;
  #closed = false;
  #cycles = 0;
  #reconnects = 0;
  #readFailures = 0;
  #writesDone = 0;
  #writeFailures = 0;
  #changes = 0;
  #lastError = '';
  #connecting: Promise<void> | undefined;

  constructor(options: NetworkExchangeOptions) {
    this.#o = options;
    this.name = options.name;
    this.adapter = options.adapter;
    if (!(options.cycleMs > 0)) throw new TwinloopError('CFG_INVALID', `controller ${options.name}: cycleMs must be > 0, got ${options.cycleMs}`);
    this.#reads = options.tags.filter((t) => t.direction === 'read');
    this.#writes = options.readOnly ? [] : options.tags.filter((t) => t.direction === 'write');
    if (options.readOnly) {
      const w = options.tags.find((t) => t.direction === 'write');
      if (w) throw new TwinloopError('PLC_READ_ONLY', `controller ${options.name}: tag ${w.address} (${w.signal}) is a write tag on a read-only (shadow mode) coupling`);
    }
    const ids = (list: readonly NetworkTag[]): Int32Array =>
      Int32Array.from(list, (m) => {
        try {
          return options.resolve(m.signal);
        } catch (err) {
          throw new TwinloopError('SIG_UNKNOWN', `controller ${options.name}: tag ${m.address} maps to unknown signal ${m.signal}`, { cause: err });
        }
      });
    this.#actuatorIds = ids(this.#reads);
    this.#sensorIds = ids(this.#writes);
    const nr = this.#reads.length;
    const nw = this.#writes.length;
    this.#raw = new Float64Array(nr);
    this.#rawQ = new Uint8Array(nr).fill(Quality.BAD);
    this.#eng = new Float64Array(nr);
    this.#engQ = new Uint8Array(nr).fill(Quality.BAD);
    this.#goodAt = new Float64Array(nr).fill(-Infinity);
    this.#snapshot = new Float64Array(options.table.size);
    this.#sensorRaw = new Float64Array(nw);
    this.#sent = new Float64Array(nw).fill(Number.NaN);
    this.#changed = new Uint8Array(nw);
    this.#grid = new DeadlineGrid(options.cycleMs, CATCH_UP);
    const notifier = options.adapter as Partial<ValueNotifier>;
    if (typeof notifier.onValues === 'function') notifier.onValues(this.#arrived);
  }

  /** Subscribed values arrived: deliver them now, not at the next cycle. */
  readonly #arrived = (): void => {
    if (this.#closed || this.#state !== 'connected' || this.#reading || !this.#outBatch) return;
    void this.#read(this.#outBatch);
  };

  get state(): ConnectionState {
    return this.#state;
  }

  /**
   * Connect, compile the tag map and start cycling. A controller that cannot be reached is
   * not an error here: it is retried with backoff and shows in health(). Tag errors are.
   * @throws TwinloopError PLC_TAG_UNKNOWN / PLC_TAG_TYPE / PLC_READ_ONLY naming the tag.
   */
  async start(): Promise<void> {
    try {
      await this.#connect();
    } catch (err) {
      // Certificates either way are retried: trusting one on either side needs no restart.
      if (!(err instanceof TwinloopError) || (err.code !== 'PLC_NOT_CONNECTED' && err.code !== 'PLC_CERT_UNTRUSTED' && err.code !== 'PLC_CERT_REFUSED')) {
        this.#state = 'failed';
        throw this.#nameTag(err);
      }
      this.#down(err);
    }
    this.#grid.start(performance.now());
    this.#schedule();
  }

  async #connect(): Promise<void> {
    this.#state = 'connecting';
    await this.adapter.connect();
    if (!this.#outBatch) this.#outBatch = await this.adapter.prepare(this.#reads.map((t) => this.#spec(t)));
    if (!this.#inBatch && this.#writes.length > 0) this.#inBatch = await this.adapter.prepare(this.#writes.map((t) => this.#spec(t)));
    this.#state = 'connected';
    this.#attempt = 0;
    this.#baseline = true;
    this.#warnIfSlow();
    // Notifications that came while connecting found no batch yet: take the cache now.
    if ((this.adapter as Partial<ValueNotifier>).pushing === true) this.#arrived();
    this.#lastRefresh = -Infinity; // the PLC may have restarted: write every sensor now
  }

  /**
   * A server that publishes or samples slower than the cycle adds that much latency in silence
   * (a PLC's 100 ms minimum against a 10 ms cycle): say so once per connection.
   */
  #warnIfSlow(): void {
    const r = (this.adapter as RevisedFigures).revised;
    const cycleMs = this.#o.cycleMs;
    if (!r || !(r.publishingMs > cycleMs || r.samplingMs > cycleMs)) return;
    const polled = r.readMode === 'poll';
    this.#o.log?.warn(
      { controller: this.name, cycleMs, revisedPublishingMs: r.publishingMs, revisedSamplingMs: r.samplingMs, readMode: r.readMode, ...(r.reason !== undefined ? { reason: r.reason } : {}) },
      polled ? 'controller: server publishes/samples slower than the cycle; readMode auto polls instead' : 'controller: server publishes/samples slower than the cycle; values arrive late (readMode auto or poll avoids this)',
    );
  }

  #spec(t: NetworkTag): { address: string; type: NetworkTag['type']; direction: NetworkTag['direction']; plcType?: string } {
    return { address: t.address, type: t.type, direction: t.direction, ...(t.plcType !== undefined ? { plcType: t.plcType } : {}) };
  }

  /**
   * Add the signal names to an adapter's tag error (it names addresses): every `tag ADDRESS:`
   * in the message gets its own signal, so with two bad tags each is blamed on its own signal.
   */
  #nameTag(err: unknown): unknown {
    if (!(err instanceof TwinloopError)) return err;
    let message = err.message;
    let named = 0;
    for (const t of this.#o.tags) {
      const at = `tag ${t.address}:`;
      if (!message.includes(at)) continue;
      message = message.split(at).join(`signal ${t.signal} (tag ${t.address}):`);
      named++;
    }
    if (named === 0) return err;
    return new TwinloopError(err.code, `controller ${this.name}: ${message}`, { cause: err });
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(this.#wake, Math.max(0, this.#grid.next - performance.now()));
  }

  readonly #wake = (): void => {
    this.#timer = undefined;
    if (this.#closed) return;
    if (this.#grid.advance(performance.now()) > 0) this.#cycle();
    this.#schedule();
  };

  #cycle(): void {
    this.#cycles++;
    if (this.#state !== 'connected') return;
    if (!this.#reading && this.#outBatch) void this.#read(this.#outBatch);
    if (!this.#writing && this.#inBatch) this.#writeSensors(this.#inBatch);
  }

  async #read(batch: TagBatch): Promise<void> {
    this.#reading = true;
    const t0 = performance.now();
    try {
      await this.adapter.read(batch, this.#raw, this.#rawQ);
      const t1 = performance.now();
      this.#latency[this.#latencyN++ % LATENCY_RING] = t1 - t0;
      if (!this.#closed && this.#state === 'connected') this.#deliver(t1);
    } catch (err) {
      this.#readFailures++;
      if (!this.#closed) this.#down(err);
    } finally {
      this.#reading = false;
    }
  }

  /** Scale, detect changes and hand the actuators to the sink. */
  #deliver(now: number): void {
    const tags = this.#reads;
    const ids = this.#actuatorIds;
    const sink = this.#o.sink;
    const base = this.#baseline;
    for (let k = 0; k < tags.length; k++) {
      const t = tags[k]!;
      const q = this.#rawQ[k]!;
      const s = t.scale;
      const v = coerce(t.type, s ? this.#raw[k]! * s.gain + s.offset : this.#raw[k]!);
      if (q === Quality.GOOD) this.#goodAt[k] = now;
      if (base || v !== this.#eng[k] || q !== this.#engQ[k]) {
        // A reconnect's first value re-establishes the baseline: it is delivered, not counted.
        if (!base && v !== this.#eng[k]) this.#changes++;
        this.#eng[k] = v;
        this.#engQ[k] = q;
        sink.write(ids[k]!, v, q);
      }
    }
    this.#baseline = false;
    sink.flush();
  }

  #writeSensors(batch: TagBatch): void {
    if (!this.#o.table.snapshot(this.#snapshot, this.#info)) return; // writer busy: next cycle
    const now = performance.now();
    const refreshMs = this.#o.refreshMs ?? 1000;
    const refresh = this.#lastRefresh === -Infinity || (refreshMs > 0 && now - this.#lastRefresh >= refreshMs);
    const tags = this.#writes;
    const ids = this.#sensorIds;
    const changed = this.#changed;
    let n = 0;
    for (let k = 0; k < tags.length; k++) {
      const t = tags[k]!;
      const v = this.#snapshot[ids[k]!]!;
      const last = this.#sent[k]!;
      const db = t.deadband ?? 0;
      const differs = Number.isNaN(last) || (db > 0 ? Math.abs(v - last) >= db : v !== last);
      changed[k] = refresh || differs ? 1 : 0;
      if (changed[k]) {
        n++;
        // Sent values are consumed whether or not the write succeeds: a failed write is
        // reported, never replayed; the next refresh carries the then-current value.
        this.#sent[k] = v;
        const s = t.scale;
        this.#sensorRaw[k] = s ? (v - s.offset) / s.gain : v;
      }
    }
    if (refresh) this.#lastRefresh = now;
    if (n === 0) return;
    void this.#write(batch, n === tags.length);
  }

  async #write(batch: TagBatch, all: boolean): Promise<void> {
    this.#writing = true;
    try {
      const partial = this.adapter as Partial<PartialWriter>;
      if (!all && typeof partial.writeChanged === 'function') await partial.writeChanged(batch, this.#sensorRaw, this.#changed);
      else await this.adapter.write(batch, this.#sensorRaw);
      this.#writesDone++;
    } catch (err) {
      this.#writeFailures++;
      this.#o.log?.warn({ controller: this.name, err: (err as Error).message, writeFailures: this.#writeFailures }, 'controller write failed (not replayed)');
      if (!this.#closed && this.adapter.state !== 'connected') this.#down(err);
    } finally {
      this.#writing = false;
    }
  }

  /** The link is down: every actuator bad now, reconnect after the next backoff step. */
  #down(err: unknown): void {
    const wasUp = this.#state === 'connected';
    this.#lastError = err instanceof Error ? err.message : String(err);
    if (this.#state === 'disconnected' && this.#reconnectTimer) return;
    this.#state = 'disconnected';
    const sink = this.#o.sink;
    const ids = this.#actuatorIds;
    for (let k = 0; k < ids.length; k++) {
      this.#engQ[k] = Quality.BAD;
      sink.write(ids[k]!, this.#eng[k]!, Quality.BAD);
    }
    sink.flush();
    if (wasUp) this.#o.log?.warn({ controller: this.name, err: this.#lastError }, 'controller link lost; tags bad');
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#reconnectTimer || this.#connecting) return;
    const first = this.#o.backoff?.firstMs ?? 1000;
    const max = this.#o.backoff?.maxMs ?? 30_000;
    const delay = Math.min(max, first * 2 ** Math.min(this.#attempt, 30));
    this.#attempt++;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#closed) return;
      this.#connecting = this.#connect().then(
        () => {
          this.#connecting = undefined;
          if (this.#closed) return;
          this.#reconnects++;
          this.#o.log?.info({ controller: this.name, reconnects: this.#reconnects }, 'controller reconnected');
        },
        (e: unknown) => {
          this.#connecting = undefined;
          this.#lastError = e instanceof Error ? e.message : String(e);
          // A tag that changed type in a PLC download is a failure to show, still retried.
          this.#state = e instanceof TwinloopError && (e.code === 'PLC_TAG_TYPE' || e.code === 'PLC_TAG_UNKNOWN') ? 'failed' : 'disconnected';
          this.#scheduleReconnect();
        },
      );
    }, delay);
  }

  /** Ms since each actuator's last good value, into `out` (tag order of the read tags). */
  ages(out: Float64Array): void {
    const now = performance.now();
    for (let k = 0; k < this.#goodAt.length; k++) out[k] = now - this.#goodAt[k]!;
  }

  health(): ExchangeHealth {
    const n = Math.min(this.#latencyN, LATENCY_RING);
    const sorted = this.#latency.slice(0, n).sort();
    const pick = (p: number): number => (n === 0 ? Number.NaN : sorted[Math.min(n - 1, Math.floor(p * n))]!);
    let oldest = 0;
    const now = performance.now();
    for (let k = 0; k < this.#goodAt.length; k++) oldest = Math.max(oldest, now - this.#goodAt[k]!);
    const revised = (this.adapter as RevisedFigures).revised;
    return {
      name: this.name,
      state: this.#state,
      cycles: this.#cycles,
      lastError: this.#lastError,
      reconnects: this.#reconnects,
      readMs: { p50: pick(0.5), p99: pick(0.99) },
      readFailures: this.#readFailures,
      writes: this.#writesDone,
      writeFailures: this.#writeFailures,
      changes: this.#changes,
      maxAgeMs: oldest,
      ...(revised ? { revisedSamplingMs: revised.samplingMs, revisedPublishingMs: revised.publishingMs, ...(revised.readMode !== undefined ? { readMode: revised.readMode } : {}), ...(revised.reason !== undefined ? { readModeReason: revised.reason } : {}) } : {}),
    };
  }

  /** Stop cycling and close the adapter. Pending I/O finishes into nothing. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#timer = undefined;
    this.#reconnectTimer = undefined;
    if (this.#connecting) await this.#connecting.catch(() => undefined);
    await this.adapter.close();
    this.#state = 'disconnected';
  }
}
