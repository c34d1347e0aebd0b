// The public face of a running twin, as the HMI server and the CLI see it. The engine
// (core/engine/engine.ts) implements it; the server depends only on this file.

import type { OnlineVar, StFaultInfo } from '../../plc-adapters/st/st-program.ts';
import type { SignalTable } from '../signals.ts';
import type { FaultInfo, FaultSpec } from '../../physics/fault-spec.ts';
import type { ModelRunInfo } from '../model/model-gate.ts';

export type { FaultInfo, FaultSpec };

/** How the model clock relates to the wall clock. */
export type Pace =
  | { readonly kind: 'realtime'; readonly factor: number } // 1 = real time, 10 = ten times faster
  | { readonly kind: 'fast' }; // as fast as possible, lock-step with the built-in controller

export type RunState = 'starting' | 'running' | 'paused' | 'stopped' | 'failed';
export type RunMode = 'virtual' | 'shadow' | 'replay';

/** Tick timing as measured by the worker's own clock; lateness in microseconds. */
export interface TickStats {
  ticks: number; // physics steps done since start/reset
  wakes: number; // deadline wake-ups measured
  lateP50: number;
  lateP99: number;
  lateMax: number;
  overruns: number; // steps dropped because catch-up exceeded its cap
  stepsPerSecond: number; // physics steps per wall second over the last interval
  realtimeFactor: number; // simulated seconds per wall second over the last interval
}

/** A signal held at a value by an engineer (the model's own value is overridden until release). */
export interface ForceInfo {
  readonly signal: string;
  readonly value: number;
  /** Who forced it (the HMI user), null when not known (a scenario, a script). */
  readonly by: string | null;
  /** When, ms since the epoch (wall clock). */
  readonly since: number;
}

/** Tick lateness as a histogram (for Prometheus): cumulative counts under each bound. */
export interface LatenessHistogramView {
  /** Upper bounds, µs, ascending. */
  readonly boundsUs: readonly number[];
  /** Wakes less late than each bound (cumulative). */
  readonly cumulative: readonly number[];
  /** All wakes measured, and the sum of their lateness in µs. */
  readonly count: number;
  readonly sumUs: number;
}

export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'failed';

export interface ControllerStatus {
  readonly name: string;
  readonly protocol: string;
  readonly state: ConnectionState;
  readonly cycleMs: number;
  readonly cycles: number;
  /** Network controllers: links re-established after a loss since start. */
  readonly reconnects?: number;
  /** The built-in controller's ST program: RUN or STOP, and the fault that stopped it. */
  readonly program?: ProgramState;
  /** A network controller's last error (connect, tag, certificate, write), '' when none yet. */
  readonly lastError?: string;
  /** OPC UA: the intervals the server granted (it may not publish or sample as fast as the cycle). */
  readonly revisedPublishingMs?: number;
  readonly revisedSamplingMs?: number;
  /** How values are read now (`poll` when `auto` fell back from a slow subscription). */
  readonly readMode?: string;
  /** Why (`auto` polling: the server's revised interval against the cycle). */
  readonly readModeReason?: string;
}

/** An ST program's run state as /api/health and the HMI show it. */
export interface ProgramState {
  readonly name: string;
  readonly status: 'run' | 'stop';
  /** What stopped it (kind, message, file:line:col, POU, scan), null in RUN. */
  readonly fault: StFaultInfo | null;
}

export interface RunStatus {
  state: RunState;
  mode: RunMode;
  pace: Pace;
  tick: number;
  time: number; // simulated seconds
  dt: number; // physics step, seconds
  /**
   * How the physics thread is scheduled while paced ("SCHED_FIFO 10", or "normal (...)" with
   * the reason, e.g. no CAP_SYS_NICE or RLIMIT_RTPRIO in a container). Absent for runs
   * without a thread of their own (shadow, replay).
   */
  scheduling?: string;
  stats: TickStats;
  controllers: ControllerStatus[];
  /** Every active force, oldest first: the HMI shows them everywhere (banner, panel, mimic). */
  forces?: ForceInfo[];
  /** Active injected faults. */
  faults?: number;
  /**
   * Network controllers' actuator values on their way to the physics worker: one slot per
   * driven signal; a value that replaced an unread one of the same signal is coalesced (the
   * newest command wins); refused ones had no slot (a coupling bug). Absent without network
   * controllers.
   */
  actuators?: { slots: number; coalesced: number; refused: number };
  /** How the physics worker waits for its deadlines (core/engine/pacing.ts). Absent without a worker. */
  pacing?: 'precise' | 'economy';
  /**
   * The signal table's publishes by the physics worker: a paced run publishes at ticks that are
   * multiples of everyTicks; count since start and the time each took, µs. Absent without a worker.
   */
  publish?: { everyTicks: number; count: number; p50Us: number; p99Us: number; maxUs: number };
  /** Conditions an operator must see (e.g. actuator values refused); absent when there are none. */
  warnings?: string[];
  /**
   * Shadow runs: the running model version and whether it is signed off (core/model/model-gate.ts);
   * deviations are advisories until it is. Absent when the run has no gate.
   */
  model?: ModelRunInfo;
}

/** Where a component sits on the mimic (line-file units, free-form 2D). */
export interface LayoutEntry {
  readonly id: string;
  readonly type: string;
  readonly x: number;
  readonly y: number;
  readonly w?: number;
  readonly h?: number;
  readonly rotation?: number;
  /** Other component ids this one refers to (e.g. the conveyor a photo-eye watches). */
  readonly refs: Readonly<Record<string, string>>;
  /** Numeric parameters, for drawing (length, position, width ...). */
  readonly params: Readonly<Record<string, number>>;
}

/**
 * Values the main thread hands to the physics worker for the table (a network PLC's reads): the
 * HMI publisher frames them as soon as they land instead of waiting for its next look.
 */
export interface RunInputs {
  /** Call `listener` (main thread) after each hand-over of changed values; returns the unsubscribe. */
  onInput(listener: () => void): () => void;
  /** A mark of every value handed over so far (main thread, in or after a listener). */
  mark(): number;
  /** True once the table shows every value handed over up to `mark`. */
  shows(mark: number): boolean;
}

export interface RunControl {
  readonly table: SignalTable;
  /** Present when values reach the table from the main thread (network controllers). */
  readonly inputs?: RunInputs;
  readonly lineName: string;
  readonly layout: readonly LayoutEntry[];
  status(): RunStatus;
  /** The paced worker's tick lateness histogram; absent where ticks are not paced (shadow, replay). */
  lateness?(): LatenessHistogramView;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Advance a paused run by `ticks` physics steps (default: one controller cycle). */
  step(ticks?: number): Promise<void>;
  reset(): Promise<void>;
  setPace(pace: Pace): Promise<void>;
  /**
   * Override a signal's value in the model until released (an engineer's force). In shadow and
   * replay modes it is refused. (Being built: see docs/architecture.md.)
   */
  force?(signal: string, value: number, by?: string): Promise<void>;
  release?(signal: string): Promise<void>;
  /** Inject a fault; resolves with its id and time. Listed by faults(). */
  injectFault?(spec: FaultSpec): Promise<FaultInfo>;
  clearFault?(id: number): Promise<void>;
  faults?(): readonly FaultInfo[];
  /** The built-in ST program's online view; absent when the controller is not an ST program. */
  readonly program?: ProgramOnline;
  /** Resolves once the run is stopped and its worker has exited. */
  close(): Promise<void>;
}

/** Online access to a running ST program, as CODESYS and TwinCAT offer it. */
export interface ProgramOnline {
  /** The instance tree below `path` (no path: programs and globals), with current values. */
  children(path?: string): Promise<OnlineVar[]>;
  /** Write once, or force (held every scan until released), a value typed as text. */
  set(path: string, text: string, force: boolean): Promise<void>;
  /** Release one force, or all. */
  release(path?: string): Promise<void>;
  /** Active forces, each with its value as IEC text. */
  forces(): Promise<readonly { path: string; text: string }[]>;
}
