// The demo's control program for the sorting station (examples/sorting.yaml), written as a
// PLC programmer would in Structured Text: edge detection, a FIFO shift register that tracks
// each item's class from the entry eye to the pusher, and a step sequence for the divert with
// supervision timeouts. Tall items are pushed into binTall; short ones ride on to binShort.

import type { ControlProgram, ProgramIo } from './program.ts';
import { expectStateLength } from './program.ts';

// Input image (%I). Order is the image layout; addresses are the demo's default tag names.
const I_PE1 = 0; // entry photo-eye on the sorter
const I_HS1 = 1; // height curtain at the entry eye: high while a tall item passes
const I_PE2 = 2; // photo-eye at the pusher
const I_M2_RUNNING = 3; // sorter drive speed feedback above standstill
const I_PU1_EXTENDED = 4;
const I_PU1_RETRACTED = 5;
// Output image (%Q).
const Q_M1_RUN = 0;
const Q_M1_SP = 1;
const Q_M2_RUN = 2;
const Q_M2_SP = 3;
const Q_PU1_EXTEND = 4;
const Q_FAULT = 5;

const IO: ProgramIo = {
  inputs: [
    { address: 'pe1.blocked', type: 'bool' },
    { address: 'hs1.high', type: 'bool' },
    { address: 'pe2.blocked', type: 'bool' },
    { address: 'm2.running', type: 'bool' },
    { address: 'pu1.extended', type: 'bool' },
    { address: 'pu1.retracted', type: 'bool' },
  ],
  outputs: [
    { address: 'm1.run', type: 'bool' },
    { address: 'm1.setpoint', type: 'real' },
    { address: 'm2.run', type: 'bool' },
    { address: 'm2.setpoint', type: 'real' },
    { address: 'pu1.extend', type: 'bool' },
    { address: 'ctl.fault', type: 'bool' },
  ],
};

// Divert sequence steps (named integer states, as in an SFC).
const S_CONVEY = 0;
const S_STOPPING = 1;
const S_EXTENDING = 2;
const S_RETRACTING = 3;
const S_FAULT = 9;

const LINE_HZ = 50;
// Supervision: a stroke or a stop that takes longer than this is a fault, not a wait.
const STOP_TIMEOUT_MS = 3000;
const STROKE_TIMEOUT_MS = 2000;
const FIFO_SIZE = 32; // more items than fit between the two eyes

/** Scalars ahead of the FIFO in a saved state. */
const STATE_SCALARS = 9;

const CLASS_SHORT = 1;
const CLASS_TALL = 2;

export class SortingProgram implements ControlProgram {
  readonly name = 'sorting';
  readonly io = IO;
  // Retained state (a PLC's static variables), preallocated.
  readonly #fifo = new Uint8Array(FIFO_SIZE);
  #head = 0;
  #count = 0;
  #prevPe1 = 0;
  #prevPe2 = 0;
  #tallSeen = 0;
  #step = S_CONVEY;
  #stepMs = 0;
  /** Items that reached the pusher without having been seen at the entry eye. */
  unknownItems = 0;
  sortedTall = 0;

  reset(): void {
    this.#fifo.fill(0);
    this.#head = 0;
    this.#count = 0;
    this.#prevPe1 = 0;
    this.#prevPe2 = 0;
    this.#tallSeen = 0;
    this.#step = S_CONVEY;
    this.#stepMs = 0;
    this.unknownItems = 0;
    this.sortedTall = 0;
  }

  scan(i: Float64Array, q: Float64Array, cycleMs: number): void {
    const pe1 = i[I_PE1]!;
    const pe2 = i[I_PE2]!;
    // Shift register entry: classify over the whole time the item blocks the entry eye,
    // since the height curtain may see the item's top a few scans after its front edge.
    if (pe1 && !this.#prevPe1) this.#tallSeen = 0;
    if (pe1 && i[I_HS1]) this.#tallSeen = 1;
    if (!pe1 && this.#prevPe1) this.#push(this.#tallSeen ? CLASS_TALL : CLASS_SHORT);
    this.#prevPe1 = pe1;

    this.#stepMs += cycleMs;
    switch (this.#step) {
      case S_CONVEY: {
        if (pe2 && !this.#prevPe2) {
          const cls = this.#pop();
          if (cls === 0) this.unknownItems++;
          if (cls === CLASS_TALL) this.#goto(S_STOPPING);
        }
        break;
      }
      case S_STOPPING:
        if (!i[I_M2_RUNNING]) this.#goto(S_EXTENDING);
        else if (this.#stepMs > STOP_TIMEOUT_MS) this.#goto(S_FAULT);
        break;
      case S_EXTENDING:
        if (i[I_PU1_EXTENDED]) this.#goto(S_RETRACTING);
        else if (this.#stepMs > STROKE_TIMEOUT_MS) this.#goto(S_FAULT);
        break;
      case S_RETRACTING:
        if (i[I_PU1_RETRACTED]) {
          this.sortedTall++;
          this.#goto(S_CONVEY);
        } else if (this.#stepMs > STROKE_TIMEOUT_MS) this.#goto(S_FAULT);
        break;
      default:
        // S_FAULT latches until a cold restart: an operator must look at the machine.
        break;
    }
    this.#prevPe2 = pe2;

    const convey = this.#step === S_CONVEY ? 1 : 0;
    q[Q_M1_RUN] = convey;
    q[Q_M2_RUN] = convey;
    q[Q_M1_SP] = LINE_HZ;
    q[Q_M2_SP] = LINE_HZ;
    q[Q_PU1_EXTEND] = this.#step === S_EXTENDING ? 1 : 0;
    q[Q_FAULT] = this.#step === S_FAULT ? 1 : 0;
  }

  saveState(): Float64Array {
    const s = new Float64Array(STATE_SCALARS + FIFO_SIZE);
    s.set([this.#head, this.#count, this.#prevPe1, this.#prevPe2, this.#tallSeen, this.#step, this.#stepMs, this.unknownItems, this.sortedTall]);
    s.set(this.#fifo, STATE_SCALARS);
    return s;
  }

  restoreState(s: Float64Array): void {
    expectStateLength(this.name, s, STATE_SCALARS + FIFO_SIZE);
    [this.#head, this.#count, this.#prevPe1, this.#prevPe2, this.#tallSeen, this.#step, this.#stepMs, this.unknownItems, this.sortedTall] = s as unknown as number[];
    this.#fifo.set(s.subarray(STATE_SCALARS));
  }

  /** Current step of the divert sequence (for tests and diagnostics). */
  get step(): number {
    return this.#step;
  }

  get queued(): number {
    return this.#count;
  }

  #goto(step: number): void {
    this.#step = step;
    this.#stepMs = 0;
  }

  #push(cls: number): void {
    if (this.#count === FIFO_SIZE) return; // overflow: the oldest stays; it shows as unknown later
    this.#fifo[(this.#head + this.#count) % FIFO_SIZE] = cls;
    this.#count++;
  }

  #pop(): number {
    if (this.#count === 0) return 0;
    const cls = this.#fifo[this.#head]!;
    this.#head = (this.#head + 1) % FIFO_SIZE;
    this.#count--;
    return cls;
  }
}
