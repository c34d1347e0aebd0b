// The control program of the assembly line (examples/assembly.yaml): the outfeed belt runs at
// the line frequency; the coating spray and the weld arc are interlocked with the belt running
// (never spray or burn onto a standing part); the machine starts a cycle only while the buffer
// behind it has room, so a finished part never waits inside the machine. The roller conveyor's
// zones, the buffer and the pick-and-place run their own built-in logic.

import type { ControlProgram, ProgramIo } from './program.ts';
import { expectStateLength } from './program.ts';

const I_OUT_RUNNING = 0;
const I_BUF_FULL = 1;
const I_MC_BLOCKED = 2;

const Q_OUT_RUN = 0;
const Q_OUT_SP = 1;
const Q_COAT_ON = 2;
const Q_WELD_ON = 3;
const Q_MC_ENABLE = 4;

const IO: ProgramIo = {
  inputs: [
    { address: 'mOut.running', type: 'bool' },
    { address: 'buf1.full', type: 'bool' },
    { address: 'mc1.blocked', type: 'bool' },
  ],
  outputs: [
    { address: 'mOut.run', type: 'bool' },
    { address: 'mOut.setpoint', type: 'real' },
    { address: 'coat1.on', type: 'bool' },
    { address: 'weld1.on', type: 'bool' },
    { address: 'mc1.enable', type: 'bool' },
  ],
};

/** Outfeed frequency, Hz: 50 Hz = 0.3 m/s, where coating and seam sit mid-window. */
const LINE_HZ = 50;

export class AssemblyProgram implements ControlProgram {
  readonly name = 'assembly';
  readonly io = IO;
  /** Outfeed frequency, Hz: a tuning value (sweeps and tests change it to see rejects). */
  lineHz = LINE_HZ;
  /** Cycles the machine was held because the buffer was full (a diagnostic counter). */
  heldByBuffer = 0;
  #prevHeld = 0;

  reset(): void {
    this.heldByBuffer = 0;
    this.#prevHeld = 0;
  }

  scan(i: Float64Array, q: Float64Array): void {
    q[Q_OUT_RUN] = 1;
    q[Q_OUT_SP] = this.lineHz;
    const running = i[I_OUT_RUNNING] === 1 ? 1 : 0;
    q[Q_COAT_ON] = running;
    q[Q_WELD_ON] = running;
    const held = i[I_BUF_FULL] === 1 || i[I_MC_BLOCKED] === 1 ? 1 : 0;
    if (held === 1 && this.#prevHeld === 0) this.heldByBuffer++;
    this.#prevHeld = held;
    q[Q_MC_ENABLE] = held === 1 ? 0 : 1;
  }

  saveState(): Float64Array {
    return Float64Array.of(this.lineHz, this.heldByBuffer, this.#prevHeld);
  }

  restoreState(s: Float64Array): void {
    expectStateLength(this.name, s, 3);
    [this.lineHz, this.heldByBuffer, this.#prevHeld] = s as unknown as number[];
  }
}
