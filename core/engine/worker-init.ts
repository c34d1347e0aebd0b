// What the main thread hands the physics worker at start (structured-cloned workerData).

import type { LineFile } from '../../physics/model.ts';
import type { SignalDef } from '../signals.ts';
import type { TagMapping } from '../exchange.ts';
import type { ControllerConfig } from '../../plc-adapters/factory.ts';
import type { MessagePort } from 'node:worker_threads';
import type { FaultInfo } from '../../physics/fault-spec.ts';
import type { ProgramState } from './run-control.ts';

export interface WorkerInit {
  readonly line: LineFile;
  readonly defs: readonly SignalDef[];
  readonly tableBuffer: SharedArrayBuffer;
  readonly controlBuffer: SharedArrayBuffer;
  /** The built-in controller run in lock-step, or null for a network PLC (actuators arrive on the ring). */
  readonly controller: ControllerConfig | null;
  /** Actuator values from a network exchange on the main thread (ActuatorRing), if any. */
  readonly ringBuffer: SharedArrayBuffer | null;
  /** Structured requests (force, faults), read with receiveMessageOnPort. */
  readonly requestPort: MessagePort;
  readonly tagMap: readonly TagMapping[];
  readonly running: boolean;
  readonly paceKind: number;
  readonly paceFactor: number;
  /** Most periods caught up after a stall before the rest count as overruns. */
  readonly catchUpCap: number;
  /** Nice value for the worker thread (Linux: per thread; negative = higher priority; 0 = leave). */
  readonly nice: number;
  /** Spin this long before each deadline instead of sleeping (ms): fixed, or the adaptive spin's start and bound. */
  readonly spinMs: number;
  /** Learn the spin from how late the waits wake (core/engine/spin-guard.ts); absent: fixed. */
  readonly adaptiveSpin?: boolean;
  /** Wall ms between wakes of a paced run (core/engine/pacing.ts: 1 precise, 5 economy). */
  readonly wakeMs: number;
  /** Paced runs publish the signal table at ticks that are multiples of this (pacing.ts, publishEvery). */
  readonly publishEvery: number;
}

/** Messages the worker posts (only at start, on failure and at exit: never per tick). */
export type WorkerMessage =
  | { t: 'ready'; faults: FaultInfo[]; priority: string; tid: number | null }
  | { t: 'error'; code: string; message: string; stack?: string }
  /** The ST program went to STOP (a runtime fault) or back to RUN (reset): posted on change only. */
  | { t: 'program'; status: ProgramState };
