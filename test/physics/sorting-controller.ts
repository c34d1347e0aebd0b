// A small hand-written version of the built-in sorting controller (plc-adapters/sim), used by
// the physics tests to prove the demo line sorts: run both drives; pe1 rising edge enqueues an
// item, tall if hs1 is high while pe1 is blocked; pe2 rising edge dequeues; a tall item stops
// the line, is pushed once m2 has stopped, and the line restarts when the pusher is back.

import type { Rig } from './harness.ts';

type Phase = 'run' | 'stopping' | 'extending' | 'retracting';

/** Controller state plus counters the tests inspect. */
export class SortingController {
  readonly queue: boolean[] = [];
  phase: Phase = 'run';
  pushes = 0;
  /** pe2 edges with nothing queued: would mean the model lost track of an item. */
  unexpected = 0;
  #prevPe1 = false;
  #prevPe2 = false;
  readonly #r: Rig;

  constructor(r: Rig) {
    this.#r = r;
  }

  /** One controller scan: read inputs, decide, write outputs. */
  scan(): void {
    const r = this.#r;
    const pe1 = r.get('pe1.blocked') !== 0;
    const pe2 = r.get('pe2.blocked') !== 0;
    if (pe1 && !this.#prevPe1) this.queue.push(false);
    if (pe1 && r.get('hs1.high') !== 0 && this.queue.length > 0) this.queue[this.queue.length - 1] = true;
    if (pe2 && !this.#prevPe2) {
      const tall = this.queue.shift();
      if (tall === undefined) this.unexpected++;
      else if (tall && this.phase === 'run') this.phase = 'stopping';
    }
    this.#prevPe1 = pe1;
    this.#prevPe2 = pe2;
    switch (this.phase) {
      case 'run':
        break;
      case 'stopping':
        if (r.get('m2.running') === 0) {
          r.set('pu1.extend', 1);
          this.phase = 'extending';
        }
        break;
      case 'extending':
        if (r.get('pu1.extended') !== 0) {
          r.set('pu1.extend', 0);
          this.phase = 'retracting';
        }
        break;
      case 'retracting':
        if (r.get('pu1.retracted') !== 0) {
          this.pushes++;
          this.phase = 'run';
        }
        break;
    }
    const run = this.phase === 'run' ? 1 : 0;
    r.set('m1.run', run);
    r.set('m2.run', run);
    r.set('m1.setpoint', 50);
    r.set('m2.setpoint', 50);
  }
}

/** Run the line with the controller scanning every `scanTicks` steps (10 ms at dt 1 ms). */
export function runControlled(r: Rig, c: SortingController, ticks: number, scanTicks = 10, each?: (tick: number) => void): void {
  for (let t = 0; t < ticks; t++) {
    if (t % scanTicks === 0) c.scan();
    r.model.step();
    if (each !== undefined) each(r.model.tick);
  }
}
