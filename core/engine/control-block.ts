// The control block between the main thread and the physics worker: a small SharedArrayBuffer
// of command words and statistics. Commands travel through shared memory, not postMessage,
// because the worker sleeps in Atomics.wait and never returns to its event loop while running.

import type { SpinGuard } from './spin-guard.ts';

// Int32 words.
const W_WAKE = 0; // bumped + notified by main to cut a worker's sleep short
const W_CMD_SEQ = 1;
const W_CMD = 2;
const W_CMD_ARG = 3;
const W_ACK_SEQ = 4; // last command sequence the worker has carried out
const W_STATE = 5;
const W_PACE_KIND = 6;
const INT_WORDS = 16;

// Float64 words.
const F_CMD_ARG = 0;
const F_PACE_FACTOR = 1;
const F_TICKS = 2;
const F_WAKES = 3;
const F_LATE_P50 = 4;
const F_LATE_P99 = 5;
const F_LATE_MAX = 6;
const F_OVERRUNS = 7;
const F_STEPS_PER_S = 8;
const F_RT_FACTOR = 9;
const F_CYCLES = 10;
const F_LATE_SUM = 11; // µs, the sum of every wake's lateness
const F_LATE_BUCKETS = 12; // cumulative wake counts under each LATENESS_BOUNDS_US (11 words)
const F_PUBLISHES = 23; // signal table publishes since start
const F_PUB_P50 = 24; // µs
const F_PUB_P99 = 25;
const F_PUB_MAX = 26;
const FLOAT_WORDS = 32;

/**
 * Upper bounds of the tick lateness buckets published for Prometheus, µs: from a good wake
 * (tens of µs) to one that misses several 10 ms controller cycles.
 */
export const LATENESS_BOUNDS_US: readonly number[] = [50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000, 100_000];

export const Command = { NONE: 0, PAUSE: 1, RESUME: 2, STEP: 3, RESET: 4, PACE: 5, STOP: 6, REQUESTS: 7 } as const;
export type CommandCode = (typeof Command)[keyof typeof Command];

export const WorkerState = { STARTING: 0, RUNNING: 1, PAUSED: 2, STOPPED: 3, FAILED: 4 } as const;
export const PaceKind = { REALTIME: 0, FAST: 1 } as const;

export interface WorkerStats {
  ticks: number;
  wakes: number;
  lateP50: number;
  lateP99: number;
  lateMax: number;
  overruns: number;
  stepsPerSecond: number;
  realtimeFactor: number;
  cycles: number;
  /** Publishes of the signal table since start, and the time each took, µs (10 µs buckets). */
  publishes: number;
  publishP50: number;
  publishP99: number;
  publishMax: number;
}

export class ControlBlock {
  readonly buffer: SharedArrayBuffer;
  readonly #i: Int32Array;
  readonly #f: Float64Array;

  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? new SharedArrayBuffer(INT_WORDS * 4 + FLOAT_WORDS * 8);
    this.#i = new Int32Array(this.buffer, 0, INT_WORDS);
    this.#f = new Float64Array(this.buffer, INT_WORDS * 4, FLOAT_WORDS);
  }

  // --- main thread side -------------------------------------------------------------

  /** Post a command; returns its sequence number for {@link waitAck}. */
  send(cmd: CommandCode, intArg = 0, floatArg = 0): number {
    const i = this.#i;
    i[W_CMD] = cmd;
    i[W_CMD_ARG] = intArg;
    this.#f[F_CMD_ARG] = floatArg;
    // The sequence store publishes the arguments above (Atomics.store is sequentially consistent).
    const seq = Atomics.add(i, W_CMD_SEQ, 1) + 1;
    Atomics.add(i, W_WAKE, 1);
    Atomics.notify(i, W_WAKE);
    return seq;
  }

  /** Wake the worker without a command (values for it arrived: economy pacing sleeps 5 ms). */
  nudge(): void {
    Atomics.add(this.#i, W_WAKE, 1);
    Atomics.notify(this.#i, W_WAKE);
  }

  /** Resolve when the worker has carried out command `seq`; false on timeout. */
  async waitAck(seq: number, timeoutMs: number): Promise<boolean> {
    const i = this.#i;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const ack = Atomics.load(i, W_ACK_SEQ);
      if (ack >= seq) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      const r = Atomics.waitAsync(i, W_ACK_SEQ, ack, left);
      if (r.async) await r.value;
    }
  }

  get state(): number {
    return Atomics.load(this.#i, W_STATE);
  }

  get paceKind(): number {
    return Atomics.load(this.#i, W_PACE_KIND);
  }

  get paceFactor(): number {
    return this.#f[F_PACE_FACTOR]!;
  }

  readStats(out: WorkerStats): WorkerStats {
    const f = this.#f;
    out.ticks = f[F_TICKS]!;
    out.wakes = f[F_WAKES]!;
    out.lateP50 = f[F_LATE_P50]!;
    out.lateP99 = f[F_LATE_P99]!;
    out.lateMax = f[F_LATE_MAX]!;
    out.overruns = f[F_OVERRUNS]!;
    out.stepsPerSecond = f[F_STEPS_PER_S]!;
    out.realtimeFactor = f[F_RT_FACTOR]!;
    out.cycles = f[F_CYCLES]!;
    out.publishes = f[F_PUBLISHES]!;
    out.publishP50 = f[F_PUB_P50]!;
    out.publishP99 = f[F_PUB_P99]!;
    out.publishMax = f[F_PUB_MAX]!;
    return out;
  }

  /**
   * Tick lateness as a histogram: cumulative counts under each LATENESS_BOUNDS_US into `out`;
   * returns the sum of all lateness, µs. The total count is WorkerStats.wakes.
   */
  readLateness(out: Float64Array): number {
    for (let k = 0; k < LATENESS_BOUNDS_US.length; k++) out[k] = this.#f[F_LATE_BUCKETS + k]!;
    return this.#f[F_LATE_SUM]!;
  }

  // --- worker side --------------------------------------------------------------------

  /** The command to carry out, or 0 when none is pending since `lastSeq`. */
  pending(lastSeq: number): number {
    return Atomics.load(this.#i, W_CMD_SEQ) !== lastSeq ? Atomics.load(this.#i, W_CMD_SEQ) : 0;
  }

  get command(): CommandCode {
    return this.#i[W_CMD] as CommandCode;
  }

  get commandInt(): number {
    return this.#i[W_CMD_ARG]!;
  }

  get commandFloat(): number {
    return this.#f[F_CMD_ARG]!;
  }

  ack(seq: number): void {
    Atomics.store(this.#i, W_ACK_SEQ, seq);
    Atomics.notify(this.#i, W_ACK_SEQ);
  }

  setState(state: number): void {
    Atomics.store(this.#i, W_STATE, state);
  }

  setPace(kind: number, factor: number): void {
    this.#f[F_PACE_FACTOR] = factor;
    Atomics.store(this.#i, W_PACE_KIND, kind);
  }

  writeStats(s: WorkerStats): void {
    const f = this.#f;
    f[F_TICKS] = s.ticks;
    f[F_WAKES] = s.wakes;
    f[F_LATE_P50] = s.lateP50;
    f[F_LATE_P99] = s.lateP99;
    f[F_LATE_MAX] = s.lateMax;
    f[F_OVERRUNS] = s.overruns;
    f[F_STEPS_PER_S] = s.stepsPerSecond;
    f[F_RT_FACTOR] = s.realtimeFactor;
    f[F_CYCLES] = s.cycles;
    f[F_PUBLISHES] = s.publishes;
    f[F_PUB_P50] = s.publishP50;
    f[F_PUB_P99] = s.publishP99;
    f[F_PUB_MAX] = s.publishMax;
  }

  /** Publish the lateness histogram (cumulative counts under each bound, and the sum in µs). */
  writeLateness(cumulative: Float64Array, sumUs: number): void {
    for (let k = 0; k < LATENESS_BOUNDS_US.length; k++) this.#f[F_LATE_BUCKETS + k] = cumulative[k]!;
    this.#f[F_LATE_SUM] = sumUs;
  }

  /**
   * Sleep until `deadlineMs` (performance.now time) or a command arrives: wait, then spin the
   * guard's last part (Atomics.wait's timeout is coarse: the OS timer). The guard learns from
   * each wait that timed out how late it woke (core/engine/spin-guard.ts).
   */
  sleepUntil(deadlineMs: number, guard: SpinGuard): void {
    const i = this.#i;
    const wake = Atomics.load(i, W_WAKE);
    for (;;) {
      const now = performance.now();
      const left = deadlineMs - now;
      if (left <= 0) return;
      const spinMs = guard.ms;
      if (left > spinMs) {
        const asked = left - spinMs;
        const r = Atomics.wait(i, W_WAKE, wake, asked);
        if (r === 'not-equal') return;
        if (r === 'timed-out') guard.observe(performance.now() - now - asked);
      } else if (Atomics.load(i, W_WAKE) !== wake) {
        return;
      }
    }
  }

  /** The wake counter; read it before checking for commands, then pass it to {@link idle}. */
  get wake(): number {
    return Atomics.load(this.#i, W_WAKE);
  }

  /** Block until a command arrives after `wake` was read, or `timeoutMs` passes (paused worker). */
  idle(wake: number, timeoutMs: number): void {
    Atomics.wait(this.#i, W_WAKE, wake, timeoutMs);
  }
}
