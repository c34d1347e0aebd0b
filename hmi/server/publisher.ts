// The frame publisher: it frames on change. A frame leaves as soon as a changed value is in the
// signal table, coalesced, at most `frameHz` frames a second to each client (the rate cap,
// default 60, a token bucket with a burst of 2). Values made on the main thread (a network PLC's
// reads handed to the physics worker, see RunControl.inputs) wake it at once: it waits only
// until the worker has applied them, never for a timer. Changes the model makes on its own are
// looked for at half the cap (30 Hz by default, the old fixed rate: a moving line costs each
// client what it did), which leaves the other half of the budget to PLC values. Each frame takes ONE snapshot of the table, diffs it, is encoded ONCE and the same
// bytes go to every client. A client whose socket queue is over its limit skips frames and
// gets a keyframe when it has caught up, so a slow browser costs memory bounded by that limit
// and never slows the others. Status frames go out when the run state or pace changes and once
// a second. Knows nothing about WebSockets: clients are sinks. The clock is injectable (tests).

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

/** Time and timers of the publisher: the wall clock in production, a virtual one in tests. */
export interface PublisherClock {
  /** Ms, the same clock as {@link wallNow}. */
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

const WALL_CLOCK: PublisherClock = {
  now: wallNow,
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface PublisherOptions {
  /** The rate cap: at most this many values frames a second to each client, 1..240 (default 60 in the server). */
  frameHz: number;
  /** Seconds between keyframes (every value) to all clients. */
  keyframeSeconds: number;
  /** A client with more bytes queued than this skips frames. */
  maxBufferedBytes: number;
  logger: FastifyBaseLogger;
  /** Default: the wall clock and Node's timers. */
  clock?: PublisherClock;
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
  /** Wake-ups by values the main thread handed to the model (network PLC reads). */
  inputs: number;
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
// Frames in a burst the cap allows back to back (the bucket's size).
const BURST = 2;
// Frames that carry only the model clock (no value changed) go no faster than the old fixed
// rate: the clock on the page needs no more, and a quiet line costs each client what it did.
const CLOCK_ONLY_MS = 1000 / 30;
// While values handed to the worker are on their way into the table, look this often (the
// worker applies them at its next wake, every dt = 1 ms).
const INPUT_POLL_MS = 1;

export class Publisher {
  readonly #run: RunControl;
  readonly #opts: PublisherOptions;
  readonly #enc: FrameEncoder;
  // reuse: snapshot metadata written by table.snapshot().
  readonly #info: SnapshotInfo = { tick: 0, time: 0 };
  readonly #clients = new Set<Client>();
  readonly #bySink = new Map<FrameSink, Client>();
  readonly #clock: PublisherClock;
  /** Ms per frame at the cap (the bucket's refill), and between looks for the model's own changes. */
  readonly #capMs: number;
  readonly #lookMs: number;
  /** Frames the cap allows now (token bucket, up to BURST), as of #tokensAt. */
  #tokens = BURST;
  #tokensAt = 0;
  #started = false;
  #timer: unknown;
  #timerAt = Number.POSITIVE_INFINITY;
  #unsubscribe: (() => void) | undefined;
  /** When the last values frame (delta or keyframe, not the connect keyframe) went out. */
  #framedAt = Number.NEGATIVE_INFINITY;
  /** Values handed to the worker are on their way to the table: frame as soon as they land. */
  #waiting = false;
  #waitSince = 0;
  /** The run's mark of the values handed over (RunInputs.mark): framed once the table shows it. */
  #inputMark = 0;
  #lastTick = -1;
  #lastTime = 0;
  #nextKeyAt = 0;
  /** Keyframe of the current sent state, shared by clients connecting in the same cycle. */
  #keyCache: Uint8Array | undefined;
  #statusPollAt = 0;
  #statusSentAt = 0;
  #statusKey = '';
  #stats: PublisherStats = { cycles: 0, deltas: 0, keyframes: 0, skipped: 0, snapshotMisses: 0, inputs: 0, clients: 0 };

  constructor(run: RunControl, opts: PublisherOptions) {
    this.#run = run;
    this.#opts = opts;
    this.#enc = new FrameEncoder(run.table.size);
    this.#clock = opts.clock ?? WALL_CLOCK;
    this.#capMs = 1000 / opts.frameHz;
    this.#lookMs = 2000 / opts.frameHz;
    this.#nextKeyAt = this.#clock.now() + opts.keyframeSeconds * 1000;
    this.#refresh();
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  stats(): PublisherStats {
    return { ...this.#stats, clients: this.#clients.size };
  }

  /** Start publishing on change (and listening to the run's inputs). Idempotent. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#unsubscribe = this.#run.inputs?.onInput(this.#onInput);
    this.#tokensAt = this.#clock.now();
    this.#arm(this.#clock.now() + this.#lookMs);
  }

  /** Stop publishing; clients stay registered (the WebSocket route closes them). */
  stop(): void {
    this.#started = false;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  /**
   * Values were handed to the model for the table (a PLC read, a force): frame them as soon as
   * they are in it, within the cap. Bursts coalesce into one frame. Called by the run's inputs.
   */
  changed(): void {
    if (!this.#started) return;
    this.#stats.inputs++;
    if (!this.#waiting) {
      this.#waiting = true;
      this.#waitSince = this.#clock.now();
    }
    // The newest mark: a burst of hand-overs goes out in one frame once the last is in the table.
    this.#inputMark = this.#run.inputs?.mark() ?? 0;
    this.#arm(this.#clock.now());
  }

  readonly #onInput = (): void => this.changed();

  /** Wake at `at` (or earlier if already due earlier). */
  #arm(at: number): void {
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#timerAt = at;
    this.#timer = this.#clock.setTimer(this.#wake, Math.max(0, at - this.#clock.now()));
  }

  readonly #wake = (): void => {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    if (!this.#started) return;
    const now = this.#clock.now();
    if (this.#waiting && !this.#landed(now)) {
      this.#arm(now + INPUT_POLL_MS);
      return;
    }
    // The cap: changes that come sooner wait for it, and go together in one frame.
    this.#refill(now);
    if (this.#tokens < 1) {
      this.#arm(now + (1 - this.#tokens) * this.#capMs);
      return;
    }
    this.#waiting = false;
    this.publishOnce();
    // Look again later for changes the model made on its own.
    this.#arm(now + this.#lookMs);
  };

  #refill(now: number): void {
    this.#tokens = Math.min(BURST, this.#tokens + (now - this.#tokensAt) / this.#capMs);
    this.#tokensAt = now;
  }

  /**
   * Are the values handed over in the table? The run's inputs say when a publish shows them (the
   * worker applies them at its next wake and publishes). A paused run applies nothing: after one
   * cap interval the frame goes with what is there.
   */
  #landed(now: number): boolean {
    const inputs = this.#run.inputs;
    return inputs === undefined || now - this.#waitSince >= this.#capMs || inputs.shows(this.#inputMark);
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

  /** One publish cycle: snapshot, diff, encode once, fan out. Called on change (and by tests and benchmarks). */
  publishOnce(): void {
    try {
      this.#cycle();
    } catch (err) {
      // The timer must survive a bad cycle; the next one starts from a fresh snapshot.
      this.#opts.logger.error({ err }, 'hmi publish cycle failed');
    }
  }

  #cycle(): void {
    const now = this.#clock.now();
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
    // Only the clock moved: not worth a frame more often than the old fixed rate. The last
    // tick framed stays the clients' tick until then.
    const moved = count > 0 || (tick !== this.#lastTick && now - this.#framedAt >= CLOCK_ONLY_MS);
    if (moved) {
      this.#lastTick = tick;
      this.#lastTime = time;
      this.#keyCache = undefined;
    }
    const keyDue = now >= this.#nextKeyAt;
    if (keyDue) this.#nextKeyAt = now + this.#opts.keyframeSeconds * 1000;
    let delta: Uint8Array | undefined;
    let framed = false;
    const limit = this.#opts.maxBufferedBytes;
    for (const client of this.#clients) {
      if (client.sink.bufferedAmount > limit) {
        client.needsKey = true;
        this.#stats.skipped++;
        continue;
      }
      if (keyDue || client.needsKey) {
        if (this.#keyCache === undefined) {
          this.#keyCache = this.#enc.encodeKey(this.#lastTick, this.#lastTime);
          this.#stats.keyframes++;
        }
        client.needsKey = false;
        this.#send(client, this.#keyCache);
        framed = true;
      } else if (moved) {
        if (delta === undefined) {
          delta = this.#enc.encodeDelta(count, tick, time);
          this.#stats.deltas++;
        }
        this.#send(client, delta);
        framed = true;
      }
    }
    if (framed) {
      this.#framedAt = now;
      this.#refill(now);
      this.#tokens -= 1;
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
