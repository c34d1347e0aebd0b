// What a built-in control program is: declared I/O (its process image) and one scan function.
// Programs follow PLC scan semantics: the adapter copies the input terminals into the input
// image, calls scan(), then latches the output image to the output terminals. A program never
// reads a wall clock: its time is scan count x cycle, so lock-step runs are deterministic.

import type { SignalType } from '../../core/signals.ts';
import { TwinloopError } from '../../core/errors.ts';

/** One entry of a program's process image. The address is what a plant file maps to a signal. */
export interface ImageEntry {
  readonly address: string;
  readonly type: SignalType;
  /** Other addresses of the same entry (an ST variable's located address, `%IX0.0`). */
  readonly aliases?: readonly string[];
  /** The name a PLC publishes it under (an ST program's `SORTING.pe1`, as TwinCAT names symbols). */
  readonly symbol?: string;
}

export interface ProgramIo {
  /** Controller inputs (twinloop writes them: sensors of the model). */
  readonly inputs: readonly ImageEntry[];
  /** Controller outputs (twinloop reads them: actuators of the model). */
  readonly outputs: readonly ImageEntry[];
}

export interface ControlProgram {
  readonly name: string;
  readonly io: ProgramIo;
  /**
   * One scan. `i` is the input image (read only, index = position in io.inputs), `q` the
   * output image (index = position in io.outputs; it keeps its values between scans, as a
   * PLC's does). `cycleMs` is the scan period. Must not allocate.
   */
  scan(i: Float64Array, q: Float64Array, cycleMs: number): void;
  /** Cold restart: forget all retained state. */
  reset(): void;
  /**
   * The retained state (steps, timers, counters, FIFOs) as numbers, for snapshots of a run.
   * Optional: a run whose program lacks it cannot be snapshotted with its controller.
   */
  saveState?(): Float64Array;
  /**
   * Take back what saveState returned, so the next scans continue as if never interrupted.
   * @throws TwinloopError SNAPSHOT_INVALID when the length does not match this program's state
   */
  restoreState?(state: Float64Array): void;
}

/**
 * Check a program state's length before restoring it (shared by the programs).
 * @throws TwinloopError SNAPSHOT_INVALID
 */
export function expectStateLength(program: string, state: Float64Array, length: number): void {
  if (state.length !== length) {
    throw new TwinloopError('SNAPSHOT_INVALID', `program ${program}: snapshot state has ${state.length} values, expected ${length}`);
  }
}

/** An image entry's index by address: exact, then ignoring case (IEC names are case-insensitive), then a located alias; -1 if none. */
export function findEntry(image: readonly ImageEntry[], address: string): number {
  const exact = image.findIndex((e) => e.address === address);
  if (exact >= 0) return exact;
  const up = address.toUpperCase();
  return image.findIndex((e) => e.address.toUpperCase() === up || (e.aliases ?? []).some((a) => a.toUpperCase() === up));
}

/** A factory per program name; the sim adapter picks one by name from this map. */
export type ProgramFactory = () => ControlProgram;
