// The frame publisher: at <= 30 Hz it takes ONE snapshot of the signal table, diffs it, encodes
// the frame ONCE and hands the same bytes to every client. A client whose socket queue is over
// its limit skips frames and gets a keyframe when it has caught up, so a slow browser costs
// memory bounded by that limit and never slows the others. Status frames go out when the run
// state or pace changes and once a second. Knows nothing about WebSockets: clients are sinks.

import { encode } from '@msgpack/msgpack';
import type { FastifyBaseLogger } from 'fastify';
import type { RunControl, RunStatus } from '../../core/engine/run-control.ts';
import type { SnapshotInfo } from '../../core/signals.ts';
import type { StatusFrame } from '../protocol.ts';
import { FrameEncoder, wallNow } from './frame-encoder.ts';

/** Where frames go: a WebSocket in production, an array in unit tests. */
export interface FrameSink {
  /** Bytes queued on the socket and not yet written. */
  readonly bufferedAmount: number;
  send(bytes: Uint8Array): void;
}

export interface PublisherOptions {
  /** Frames per second, 1..30. */
  frameHz: number;
  /** Seconds between keyframes (every value) to all clients. */
  keyframeSeconds: number;
  /** A client with more bytes queued than this skips frames. */
  maxBufferedBytes: number;
  logger: FastifyBaseLogger;
}

/** Counters for health and benchmarks. */
export interface PublisherStats {
  cycles: number;
  deltas: number;
  keyframes: number;
  /** Frames not sent to a client because its queue was over the limit. */
  skipped: number;
  /** Cycles lost because the writer kept the seqlock busy. */
  snapshotMisses: number;
  clients: number;
}

interface Client {
  readonly sink: FrameSink;
  /** Set after a skip: the next frame this client gets must be a keyframe. */
  needsKey: boolean;
}

// How often the run status is polled for state/pace changes; status() may allocate, so
// it is not called every frame.
const STATUS_POLL_MS = 200;
const STATUS_PERIOD_MS = 1000;

export class Publisher {
  readonly #run: RunControl;
  readonly #opts: PublisherOptions;
  readonly #enc: FrameEncoder;
  // reuse: snapshot metadata written by table.snapshot().
  readonly #info: SnapshotInfo = { tick: 0, time: 0 };
  readonly #clients = new Set<Client>();
  readonly #bySink = new Map<FrameSink, Client>();
  #timer: NodeJS.Timeout | undefined;
  #lastTick = -1;
  #lastTime = 0;
  #nextKeyAt = 0;
  /** Keyframe of the current sent state, shared by clients connecting in the same cycle. */
  #keyCache: Uint8Array | undefined;
  #statusPollAt = 0;
  #statusSentAt = 0;
  #statusKey = '';
  #stats: PublisherStats = { cycles: 0, deltas: 0, keyframes: 0, skipped: 0, snapshotMisses: 0, clients: 0 };

  constructor(run: RunControl, opts: PublisherOptions) {
    this.#run = run;
    this.#opts = opts;
    this.#enc = new FrameEncoder(run.table.size);
    this.#nextKeyAt = wallNow() + opts.keyframeSeconds * 1000;
    this.#refresh();
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  stats(): PublisherStats {
    return { ...this.#stats, clients: this.#clients.size };
  }

  /** Start the frame timer. Idempotent. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.publishOnce(), 1000 / this.#opts.frameHz);
  }

  /** Stop the frame timer; clients stay registered (the WebSocket route closes them). */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Register a client and send it a keyframe at once (the caller sent the catalog first). */
  add(sink: FrameSink): void {
    // With no one watching the sent state may be stale: re-read it, nobody else depends on it.
    if (this.#clients.size === 0) this.#refresh();
    const client: Client = { sink, needsKey: false };
    this.#clients.add(client);
    this.#bySink.set(sink, client);
    if (this.#keyCache === undefined) {
      this.#keyCache = this.#enc.encodeKey(this.#lastTick, this.#lastTime);
      this.#stats.keyframes++;
    }
    this.#send(client, this.#keyCache);
  }

  remove(sink: FrameSink): void {
    const client = this.#bySink.get(sink);
    if (client === undefined) return;
    this.#bySink.delete(sink);
    this.#clients.delete(client);
  }

  /** Make the next cycle poll the run status (call after a run control action). */
  statusChanged(): void {
    this.#statusPollAt = 0;
  }

  /** One publish cycle: snapshot, diff, encode once, fan out. Called by the timer. */
  publishOnce(): void {
    try {
      this.#cycle();
    } catch (err) {
      // The timer must survive a bad cycle; the next one starts from a fresh snapshot.
      this.#opts.logger.error({ err }, 'hmi publish cycle failed');
    }
  }

  #cycle(): void {
    const now = wallNow();
    if (now >= this.#statusPollAt) this.#pollStatus(now);
    if (this.#clients.size === 0) return;
    const table = this.#run.table;
    if (!table.snapshot(this.#enc.current, this.#info)) {
      this.#stats.snapshotMisses++;
      return;
    }
    this.#stats.cycles++;
    const count = this.#enc.diff(table.quality);
    const tick = this.#info.tick;
    const time = this.#info.time;
    const moved = count > 0 || tick !== this.#lastTick;
    this.#lastTick = tick;
    this.#lastTime = time;
    if (moved) this.#keyCache = undefined;
    const keyDue = now >= this.#nextKeyAt;
    if (keyDue) this.#nextKeyAt = now + this.#opts.keyframeSeconds * 1000;
    let delta: Uint8Array | undefined;
    const limit = this.#opts.maxBufferedBytes;
    for (const client of this.#clients) {
      if (client.sink.bufferedAmount > limit) {
        client.needsKey = true;
        this.#stats.skipped++;
        continue;
      }
      if (keyDue || client.needsKey) {
        if (this.#keyCache === undefined) {
          this.#keyCache = this.#enc.encodeKey(tick, time);
          this.#stats.keyframes++;
        }
        client.needsKey = false;
        this.#send(client, this.#keyCache);
      } else if (moved) {
        if (delta === undefined) {
          delta = this.#enc.encodeDelta(count, tick, time);
          this.#stats.deltas++;
        }
        this.#send(client, delta);
      }
    }
  }

  #pollStatus(now: number): void {
    this.#statusPollAt = now + STATUS_POLL_MS;
    if (this.#clients.size === 0) return;
    const status = this.#run.status();
    const key = statusKey(status);
    if (key === this.#statusKey && now - this.#statusSentAt < STATUS_PERIOD_MS) return;
    this.#statusKey = key;
    this.#statusSentAt = now;
    const frame: StatusFrame = { t: 'status', status };
    const bytes = encode(frame);
    for (const client of this.#clients) {
      // A client over its limit misses this one; the next comes within a second.
      if (client.sink.bufferedAmount <= this.#opts.maxBufferedBytes) this.#send(client, bytes);
    }
  }

  /** Re-read the table as the sent state (used when no client depends on the previous one). */
  #refresh(): void {
    if (this.#run.table.snapshot(this.#enc.current, this.#info)) {
      this.#enc.adopt(this.#run.table.quality);
      this.#lastTick = this.#info.tick;
      this.#lastTime = this.#info.time;
      this.#keyCache = undefined;
    }
  }

  #send(client: Client, bytes: Uint8Array): void {
    try {
      client.sink.send(bytes);
    } catch (err) {
      // A socket that closed between cycles: its close handler removes it.
      this.#opts.logger.debug({ err }, 'hmi frame send failed');
    }
  }
}

/** The parts of a status whose change is worth an immediate frame. */
function statusKey(s: RunStatus): string {
  const pace = s.pace.kind === 'realtime' ? `realtime:${s.pace.factor}` : s.pace.kind;
  let ctl = '';
  // An ST program going to STOP (or back to RUN) is news at once, not within the second.
  for (const c of s.controllers) ctl += `${c.name}=${c.state}${c.program ? `/${c.program.status}` : ''};`;
  // A force or a fault set or cleared elsewhere (a scenario, another page) is news at once too.
  let forces = '';
  for (const f of s.forces ?? []) forces += `${f.signal}=${f.value};`;
  return `${s.state}|${s.mode}|${pace}|${ctl}|${forces}|${s.faults ?? 0}`;
}
