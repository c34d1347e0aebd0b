// examples/programs/sorting.st translated by hand into the fastest plain JavaScript its
// semantics allow: every variable a field, every FB call (R_TRIG, FB_ClassFifo, three TONs)
// written out in place, the temps as locals. It is not used by twinloop; bench/st.ts times it
// beside the compiled program and the TypeScript reference, as the bound that a compiler of
// this program could reach at best, and checks that its outputs equal the compiled program's,
// scan for scan. The TypeScript reference does less work each scan (one step time counter
// instead of three timers, the FIFO touched only on edges); this shows how much of the gap is
// the program's own.

import type { ControlProgram, ProgramIo } from '../plc-adapters/sim/program.ts';

const FIFO_SIZE = 32;
const STOP_TIMEOUT = 3000;
const STROKE_TIMEOUT = 2000;
const LINE_HZ = 50;

export class SortingStByHand implements ControlProgram {
  readonly name = 'sorting.st by hand';
  readonly io: ProgramIo;
  #clock = 0; // ms, the scan clock as the ST timers see it (a 32-bit TIME)
  #step = 0;
  #unknownItems = 0;
  #sortedTall = 0;
  #pe1Last = 0;
  #tallSeen = 0;
  #pe2M = 0; // pe2Rising's memory
  #popClass = 0; // fifo.PopClass
  readonly #buffer = new Int16Array(FIFO_SIZE);
  #head = 0;
  #queued = 0;
  // The three TONs: memory (running), start time, Q, ET.
  #t1M = 0; #t1S = 0; #t1Q = 0; #t1Et = 0;
  #t2M = 0; #t2S = 0; #t2Q = 0; #t2Et = 0;
  #t3M = 0; #t3S = 0; #t3Q = 0; #t3Et = 0;

  constructor(io: ProgramIo) {
    this.io = io; // the compiled program's image order
  }

  reset(): void {
    this.#clock = 0;
    this.#step = this.#unknownItems = this.#sortedTall = this.#pe1Last = this.#tallSeen = this.#pe2M = this.#popClass = 0;
    this.#buffer.fill(0);
    this.#head = this.#queued = 0;
    this.#t1M = this.#t1S = this.#t1Q = this.#t1Et = this.#t2M = this.#t2S = this.#t2Q = this.#t2Et = this.#t3M = this.#t3S = this.#t3Q = this.#t3Et = 0;
  }

  scan(i: Float64Array, q: Float64Array, cycleMs: number): void {
    const clock = this.#clock;
    const pe1 = i[0] !== 0;
    // 1. classification at the entry eye
    if (pe1 && !this.#pe1Last) this.#tallSeen = 0;
    if (pe1 && i[1] !== 0) this.#tallSeen = 1;
    const itemLeftEntry = !pe1 && this.#pe1Last === 1;
    this.#pe1Last = pe1 ? 1 : 0;
    const entryClass = this.#tallSeen ? 2 : 1;
    // 2. tracking: pe2Rising(CLK := pe2), then fifo(...)
    const pe2 = i[2] !== 0 ? 1 : 0;
    const itemAtPusher = pe2 === 1 && this.#pe2M === 0 && this.#step === 0;
    this.#pe2M = pe2;
    this.#popClass = 0;
    if (itemLeftEntry && this.#queued < FIFO_SIZE) {
      this.#buffer[(this.#head + this.#queued) % FIFO_SIZE] = entryClass;
      this.#queued++;
    }
    if (itemAtPusher && this.#queued > 0) {
      this.#popClass = this.#buffer[this.#head]!;
      this.#head = (this.#head + 1) % FIFO_SIZE;
      this.#queued--;
    }
    // 3. the timers, then the step chain
    if (this.#step === 1) {
      if (!this.#t1M) { this.#t1M = 1; this.#t1S = clock; }
      this.#t1Et = (clock - this.#t1S) | 0;
      if (this.#t1Et >= STOP_TIMEOUT) { this.#t1Et = STOP_TIMEOUT; this.#t1Q = 1; }
    } else { this.#t1M = 0; this.#t1Q = 0; this.#t1Et = 0; }
    if (this.#step === 2) {
      if (!this.#t2M) { this.#t2M = 1; this.#t2S = clock; }
      this.#t2Et = (clock - this.#t2S) | 0;
      if (this.#t2Et >= STROKE_TIMEOUT) { this.#t2Et = STROKE_TIMEOUT; this.#t2Q = 1; }
    } else { this.#t2M = 0; this.#t2Q = 0; this.#t2Et = 0; }
    if (this.#step === 3) {
      if (!this.#t3M) { this.#t3M = 1; this.#t3S = clock; }
      this.#t3Et = (clock - this.#t3S) | 0;
      if (this.#t3Et >= STROKE_TIMEOUT) { this.#t3Et = STROKE_TIMEOUT; this.#t3Q = 1; }
    } else { this.#t3M = 0; this.#t3Q = 0; this.#t3Et = 0; }
    switch (this.#step) {
      case 0:
        if (itemAtPusher) {
          if (this.#popClass === 0) this.#unknownItems = (this.#unknownItems + 1) | 0;
          if (this.#popClass === 2) this.#step = 1;
        }
        break;
      case 1:
        if (i[3] === 0) this.#step = 2;
        else if (this.#t1Q) this.#step = 9;
        break;
      case 2:
        if (i[4] !== 0) this.#step = 3;
        else if (this.#t2Q) this.#step = 9;
        break;
      case 3:
        if (i[5] !== 0) {
          this.#sortedTall = (this.#sortedTall + 1) | 0;
          this.#step = 0;
        } else if (this.#t3Q) this.#step = 9;
        break;
      default:
        break;
    }
    // 4. outputs
    const convey = this.#step === 0 ? 1 : 0;
    q[0] = convey;
    q[1] = LINE_HZ;
    q[2] = convey;
    q[3] = LINE_HZ;
    q[4] = this.#step === 2 ? 1 : 0;
    q[5] = this.#step === 9 ? 1 : 0;
    this.#clock = (clock + cycleMs) | 0;
  }
}
