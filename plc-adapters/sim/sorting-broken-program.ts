// A deliberately broken version of the demo's sorting program, for the scenario suite
// (examples/scenarios/): the supervision timeouts were "temporarily" commented out, so a divert
// that never completes (a jammed pusher, a dead end-position switch, a drive that never reports
// standstill) is waited on forever instead of stopping the line with ctl.fault. Everything
// else behaves like the good program, so only the scenarios that exercise supervision fail.
// Run with `--program sorting-broken`.

import type { ControlProgram } from './program.ts';
import { SortingProgram } from './sorting-program.ts';

/** Index of ctl.fault in the program's output image (io.outputs). */
const Q_FAULT = 5;

export class SortingBrokenProgram implements ControlProgram {
  readonly name = 'sorting-broken';
  readonly #good = new SortingProgram();
  readonly io = this.#good.io;

  reset(): void {
    this.#good.reset();
  }

  scan(i: Float64Array, q: Float64Array, cycleMs: number): void {
    // The good program counts the time spent in a divert step and faults past the timeout.
    // The "fix": scan it with a frozen step clock. Its step timer sees cycleMs = 0 whenever it
    // is waiting in a divert step, so no timeout ever fires.
    this.#good.scan(i, q, this.#good.step === 0 ? cycleMs : 0);
    q[Q_FAULT] = 0;
  }
}
