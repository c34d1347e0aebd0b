// The Sparkplug B 3.0 edge node of a run, on mqtt.js. It samples the signal table on the main
// thread at a bounded rate (10 Hz by default; the physics worker never waits for it), reports
// changes past each signal's deadband, and keeps one MQTT session at a time:
//
//   connect (Will = NDEATH at QoS 1 with this session's bdSeq)
//     -> subscribe NCMD, DCMD and the primary host's STATE topic
//     -> host online (or no host configured): NBIRTH (seq 0) + one DBIRTH per device -> live
//   live: NDATA/DDATA by exception (QoS 0, seq 0..255), and the store-and-forward backlog sent
//         alongside, oldest first, marked historical; NCMD `Node Control/Rebirth` -> births again
//   broker lost, or host offline: samples go to the disk store; reconnect with backoff, a new
//         bdSeq per connect (persisted, so a restart does not reuse the last session's)
//
// Samples allocate nothing of their own (snapshot buffer, change list and metric objects are
// allocated once); each MQTT message is one encode by sparkplug-payload.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type IClientOptions, type IClientPublishOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { SignalTable, SnapshotInfo } from '../../signals.ts';
import { ChangeDetector } from './change-detector.ts';
import { MetricCatalog } from './metric-catalog.ts';
import { DataEncoder, deathPayload, decodePayload, deviceBirth, nodeBirth, REBIRTH, statusData, type StatusMetric } from './payloads.ts';
import { RECONNECT_MIN_MS, type SparkplugSettings } from './settings.ts';
import { SampleStore } from './store-forward.ts';
import { deviceTopic, nodeTopic, stateTopic } from './topics.ts';

/** offline: no session or no primary host (samples are stored); live: births sent, publishing. */
export type EdgeState = 'offline' | 'live' | 'closed';

export interface EdgeNodeStats {
  state: EdgeState;
  bdSeq: number;
  connects: number;
  births: number;
  rebirthCommands: number;
  samples: number;
  snapshotMisses: number;
  /** Metric changes reported (live or stored). */
  changes: number;
  /** MQTT data messages published live (NDATA + DDATA). */
  published: number;
  /** Stored samples sent as historical data. */
  forwarded: number;
  stored: number;
  pending: number;
  dropped: number;
}

export interface EdgeNodeOptions {
  readonly table: SignalTable;
  readonly lineName: string;
  readonly settings: SparkplugSettings;
  readonly logger: Logger;
  /** No sampling timer: the owner calls sampleNow() (benchmarks, runs driven step by step). */
  readonly manualSampling?: boolean;
  /** The run's status metrics (state, alarms, KPIs, HMI address), asked about once a second. */
  readonly status?: () => readonly StatusMetric[];
}

/** Stored samples sent per drain step before the sampler gets the event loop back. */
const DRAIN_BATCH = 32;
/** A socket with more than this queued is treated as away: samples go to the store instead. */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;
const CONNECT_TIMEOUT_MS = 5000;
const DRAIN_WRITE_TIMEOUT_MS = 5000;

/** true if `p` settles within `ms`. */
async function settles(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class SparkplugEdgeNode {
  readonly catalog: MetricCatalog;
  readonly #table: SignalTable;
  readonly #s: SparkplugSettings;
  readonly #log: Logger;
  readonly #lineName: string;
  readonly #detector: ChangeDetector;
  readonly #encoder: DataEncoder;
  readonly #store: SampleStore;
  // reuse: snapshot metadata, publish options, the send and seq callbacks.
  readonly #info: SnapshotInfo = { tick: 0, time: 0 };
  readonly #qos0: IClientPublishOptions = { qos: 0, retain: false };
  readonly #send = (topic: string, payload: Uint8Array): void => this.#publish(topic, payload);
  readonly #nextSeq = (): number => this.#takeSeq();
  readonly #topics: { nbirth: string; ndata: string; ndeath: string; ncmd: string; dcmd: string; state?: string; dbirth: string[] };
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #status: (() => readonly StatusMetric[]) | undefined;
  /** Status values as last sent (born or in an NDATA), by name. */
  readonly #statusSent = new Map<string, string | number | boolean>();
  /** Samples between two looks at the status: about one second. */
  readonly #statusEvery: number;
  #sinceStatus = 0;
  #client: MqttClient | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #attempts = 0;
  #state: EdgeState = 'offline';
  #seq = 0;
  #bdSeq: number;
  #hostOnline: boolean;
  #hostTimestamp = -Infinity;
  #draining = false;
  #lastError = '';
  readonly #stats = { connects: 0, births: 0, rebirthCommands: 0, samples: 0, snapshotMisses: 0, changes: 0, published: 0, forwarded: 0 };

  /**
   * Start the edge node: it connects in the background and never throws for a broker that is
   * away (samples are stored until it returns).
   * @throws TwinloopError SPB_STORE when the store-and-forward folder cannot be opened
   * @example
   * const node = new SparkplugEdgeNode({ table: run.table, lineName: run.lineName, settings, logger });
   * // ...
   * await node.close();
   */
  constructor(opts: EdgeNodeOptions) {
    const s = opts.settings;
    this.#table = opts.table;
    this.#s = s;
    this.#log = opts.logger;
    this.#lineName = opts.lineName;
    this.catalog = new MetricCatalog(opts.table.defs, s);
    this.#detector = new ChangeDetector(this.catalog);
    this.#encoder = new DataEncoder(this.catalog, s.group, s.node);
    mkdirSync(s.storeDir, { recursive: true });
    this.#store = new SampleStore({ dir: s.storeDir, maxBytes: s.storeMaxBytes, signals: this.catalog.size, catalog: this.catalog.fingerprint, logger: opts.logger });
    this.#bdSeq = this.#loadBdSeq();
    this.#hostOnline = s.hostId === undefined;
    this.#topics = {
      nbirth: nodeTopic(s.group, 'NBIRTH', s.node),
      ndata: nodeTopic(s.group, 'NDATA', s.node),
      ndeath: nodeTopic(s.group, 'NDEATH', s.node),
      ncmd: nodeTopic(s.group, 'NCMD', s.node),
      dcmd: deviceTopic(s.group, 'DCMD', s.node, '+'),
      ...(s.hostId !== undefined ? { state: stateTopic(s.hostId) } : {}),
      dbirth: this.catalog.devices.map((d) => deviceTopic(s.group, 'DBIRTH', s.node, d.id)),
    };
    this.#status = opts.status;
    this.#statusEvery = Math.max(1, Math.round(s.rateHz));
    this.#timer = opts.manualSampling ? undefined : setInterval(() => this.#sample(), 1000 / s.rateHz);
    this.#connect();
  }

  get state(): EdgeState {
    return this.#state;
  }

  stats(): EdgeNodeStats {
    const st = this.#store.stats();
    return { state: this.#state, bdSeq: this.#bdSeq, ...this.#stats, stored: st.stored, pending: st.pending, dropped: st.dropped };
  }

  /** Take one sample now (the timer calls this; tests and benchmarks may too). */
  sampleNow(): void {
    this.#sample();
  }

  /** Stop sampling; publish NDEATH and disconnect cleanly; close the store. Idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    clearInterval(this.#timer);
    if (this.#reconnectTimer !== undefined) clearTimeout(this.#reconnectTimer);
    const client = this.#client;
    this.#client = undefined;
    if (client !== undefined) {
      client.removeAllListeners('close');
      // An intentional disconnect sends no Will, so NDEATH is published by hand (3.0, 7.2).
      if (client.connected) client.publish(this.#topics.ndeath, Buffer.from(deathPayload(this.#bdSeq)), { qos: 1, retain: false });
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => client.end(true, {}, () => resolve()), 2000);
        client.end(false, {}, () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    this.#store.close();
  }

  #sample(): void {
    if (this.#state === 'closed') return;
    this.#stats.samples++;
    if (this.#status !== undefined && ++this.#sinceStatus >= this.#statusEvery) {
      this.#sinceStatus = 0;
      this.#sendStatus(this.#status);
    }
    const det = this.#detector;
    if (!this.#table.snapshot(det.current, this.#info)) {
      this.#stats.snapshotMisses++;
      return;
    }
    const n = det.detect();
    if (n === 0) return;
    this.#stats.changes += n;
    const now = Date.now();
    if (this.#state === 'live' && this.#writable()) {
      this.#stats.published += this.#encoder.encode(det.changed, n, det.current, now, false, this.#nextSeq, this.#send);
      // A backlog left by a slow socket (stored while live) is picked up again here.
      if (this.#store.pending > 0 && !this.#draining) void this.#drain();
    } else {
      this.#store.append(now, det.changed, n, det.current);
    }
  }

  /** An NDATA of the status metrics that changed since they were last sent (live only). */
  #sendStatus(status: () => readonly StatusMetric[]): void {
    if (this.#state !== 'live' || !this.#writable()) return;
    const changed = status().filter((m) => this.#statusSent.get(m.name) !== m.value);
    if (changed.length === 0) return;
    for (const m of changed) this.#statusSent.set(m.name, m.value);
    this.#publish(this.#topics.ndata, statusData(changed, this.#takeSeq(), Date.now()));
  }

  #writable(): boolean {
    const c = this.#client;
    if (c === undefined || !c.connected) return false;
    return c.stream.writableLength <= MAX_QUEUED_BYTES;
  }

  #takeSeq(): number {
    const s = this.#seq;
    this.#seq = (s + 1) & 255;
    return s;
  }

  #publish(topic: string, payload: Uint8Array, cb?: (err?: Error) => void): void {
    const c = this.#client;
    if (c === undefined) return cb?.(new Error('no session'));
    // protobufjs hands out Buffers under Node; anything else is wrapped without a copy.
    c.publish(topic, Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), this.#qos0, cb);
  }

  #connect(): void {
    this.#reconnectTimer = undefined;
    if (this.#state === 'closed') return;
    // A new bdSeq for every CONNECT, saved before the Will carries it.
    this.#bdSeq = (this.#bdSeq + 1) & 255;
    this.#saveBdSeq();
    const s = this.#s;
    const opts: IClientOptions = {
      clientId: `twinloop-${s.group}-${s.node}`,
      protocolVersion: 4,
      clean: true,
      keepalive: s.keepaliveSeconds,
      connectTimeout: CONNECT_TIMEOUT_MS,
      // Reconnects are ours: each needs a new Will (bdSeq), and a backoff.
      reconnectPeriod: 0,
      // A QoS 0 publish while disconnected fails at once instead of queueing in memory.
      queueQoSZero: false,
      will: { topic: this.#topics.ndeath, payload: Buffer.from(deathPayload(this.#bdSeq)), qos: 1, retain: false },
      ...(s.username !== undefined ? { username: s.username } : {}),
      ...(s.password !== undefined ? { password: s.password } : {}),
    };
    const client = connect(s.url, opts);
    this.#client = client;
    client.on('connect', () => this.#onConnect(client));
    client.on('message', (topic, payload) => this.#onMessage(client, topic, payload));
    client.on('error', (err) => {
      // Refused connections repeat every backoff: logged once per outage, then at debug.
      if (err.message !== this.#lastError) this.#log.warn({ err: err.message, url: s.url }, 'sparkplug: broker error');
      else this.#log.debug({ err: err.message, url: s.url }, 'sparkplug: broker error');
      this.#lastError = err.message;
    });
    client.on('close', () => this.#onClose(client));
  }

  #onConnect(client: MqttClient): void {
    if (client !== this.#client) return;
    this.#stats.connects++;
    this.#attempts = 0;
    this.#lastError = '';
    this.#log.info({ url: this.#s.url, group: this.#s.group, node: this.#s.node, bdSeq: this.#bdSeq }, 'sparkplug: connected');
    const topics = [this.#topics.ncmd, this.#topics.dcmd, ...(this.#topics.state !== undefined ? [this.#topics.state] : [])];
    // STATE is subscribed before any birth (3.0): its retained message says whether to publish.
    client.subscribe(topics, { qos: 1 }, (err) => {
      if (err) {
        this.#log.warn({ err: err.message }, 'sparkplug: subscribe failed; reconnecting');
        client.end(true);
        return;
      }
      // A retained STATE may have arrived (and birthed) before this acknowledgement.
      if (this.#hostOnline && this.#state !== 'live') this.#birth();
    });
  }

  #onClose(client: MqttClient): void {
    if (client !== this.#client || this.#state === 'closed') return;
    this.#client = undefined;
    client.removeAllListeners();
    client.on('error', () => {});
    client.end(true);
    if (this.#state === 'live') this.#log.warn({ url: this.#s.url }, 'sparkplug: broker connection lost; storing data until it returns');
    this.#state = 'offline';
    if (this.#s.hostId !== undefined) this.#hostOnline = false;
    const base = Math.min(this.#s.reconnectMaxMs, RECONNECT_MIN_MS * 2 ** Math.min(this.#attempts, 16));
    this.#attempts++;
    // Jitter, so a plant of edge nodes does not reconnect in lock-step after a broker restart.
    this.#reconnectTimer = setTimeout(() => this.#connect(), base * (0.75 + Math.random() * 0.5));
  }

  #onMessage(client: MqttClient, topic: string, payload: Buffer): void {
    if (client !== this.#client) return;
    if (topic === this.#topics.state) return this.#onState(payload);
    if (topic === this.#topics.ncmd) return this.#onNodeCommand(payload);
    this.#log.debug({ topic }, 'sparkplug: device command ignored (metrics are read-only)');
  }

  #onState(payload: Buffer): void {
    let state: { online?: unknown; timestamp?: unknown };
    try {
      state = JSON.parse(payload.toString('utf8')) as { online?: unknown; timestamp?: unknown };
    } catch {
      this.#log.warn({ topic: this.#topics.state }, 'sparkplug: STATE payload is not JSON; ignored');
      return;
    }
    const ts = typeof state.timestamp === 'number' ? state.timestamp : 0;
    // A STATE older than the last one seen is stale (3.0, host application session) and ignored.
    if (ts < this.#hostTimestamp) return;
    this.#hostTimestamp = ts;
    const online = state.online === true;
    this.#hostOnline = online;
    if (online && this.#state !== 'live') {
      this.#log.info({ host: this.#s.hostId }, 'sparkplug: primary host online');
      this.#birth();
    } else if (!online && this.#state === 'live') {
      this.#log.warn({ host: this.#s.hostId }, 'sparkplug: primary host offline; storing data until it returns');
      this.#state = 'offline';
    }
  }

  #onNodeCommand(payload: Buffer): void {
    let rebirth = false;
    try {
      for (const m of decodePayload(payload).metrics ?? []) if (m.name === REBIRTH && m.value === true) rebirth = true;
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'sparkplug: NCMD payload could not be decoded; ignored');
      return;
    }
    if (!rebirth) return;
    this.#stats.rebirthCommands++;
    this.#log.info('sparkplug: rebirth requested');
    if (this.#hostOnline) this.#birth();
  }

  /** NBIRTH and every DBIRTH with the current values, then live; the backlog follows. */
  #birth(): void {
    const client = this.#client;
    if (client === undefined || !client.connected || this.#state === 'closed') return;
    const det = this.#detector;
    // The table publishes about every millisecond; a few tries always find a quiet moment.
    let ok = false;
    for (let i = 0; i < 8 && !ok; i++) ok = this.#table.snapshot(det.current, this.#info);
    if (!ok) {
      this.#stats.snapshotMisses++;
      setTimeout(() => this.#birth(), 10).unref();
      return;
    }
    det.adopt();
    const now = Date.now();
    this.#seq = 0;
    const status = this.#status?.() ?? [];
    this.#statusSent.clear();
    for (const m of status) this.#statusSent.set(m.name, m.value);
    this.#publish(this.#topics.nbirth, nodeBirth(this.catalog, det.current, this.#bdSeq, this.#lineName, now, status));
    this.#takeSeq();
    for (let d = 0; d < this.catalog.devices.length; d++) {
      this.#publish(this.#topics.dbirth[d]!, deviceBirth(this.catalog, d, det.current, this.#takeSeq(), now));
    }
    this.#stats.births++;
    this.#state = 'live';
    this.#log.info({ devices: this.catalog.devices.length, metrics: this.catalog.size, backlog: this.#store.pending }, 'sparkplug: birth published');
    void this.#drain();
  }

  /** Send the stored samples, oldest first, marked historical, while the session stays live. */
  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      let sent = 0;
      while (this.#state === 'live' && this.#writable()) {
        const rec = this.#store.peek();
        if (rec === undefined) break;
        // The last message of a record is acknowledged by its write callback: only then is the
        // record counted as sent (a session lost meanwhile keeps it for the next one).
        let lastErr: Error | undefined;
        let pending = 0;
        let done: (() => void) | undefined;
        const waitAll = new Promise<void>((resolve) => (done = resolve));
        this.#encoder.encode(rec.ids, rec.count, rec.values, rec.wallMs, true, this.#nextSeq, (topic, payload) => {
          pending++;
          this.#publish(topic, payload, (err) => {
            if (err) lastErr = err;
            if (--pending === 0) done!();
          });
        });
        // A write that never completes (the socket died under it) must not stall the drain.
        if (pending > 0 && !(await settles(waitAll, DRAIN_WRITE_TIMEOUT_MS))) lastErr = new Error('write timed out');
        if (lastErr !== undefined) break;
        this.#store.advance();
        this.#stats.forwarded++;
        if (++sent % DRAIN_BATCH === 0) {
          this.#store.commit();
          await new Promise<void>((r) => setImmediate(r));
        }
      }
      if (sent > 0) {
        this.#store.commit();
        this.#log.info({ sent, pending: this.#store.pending }, 'sparkplug: stored data forwarded');
      }
    } finally {
      this.#draining = false;
    }
  }

  #loadBdSeq(): number {
    try {
      const v = Number(readFileSync(join(this.#s.storeDir, 'bdseq'), 'utf8'));
      return Number.isInteger(v) && v >= 0 && v <= 255 ? v : 255;
    } catch {
      // First start: the first connect takes 0.
      return 255;
    }
  }

  #saveBdSeq(): void {
    try {
      writeFileSync(join(this.#s.storeDir, 'bdseq'), String(this.#bdSeq));
    } catch (err) {
      this.#log.warn({ err }, 'sparkplug: bdSeq not saved; a restart may reuse it');
    }
  }
}
