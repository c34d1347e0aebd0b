// The line's own controller program on the virtual line of a plan (twinloop plan --on-line): when
// the line file names a `program:` (Structured Text bound by its `io:` block, or a built-in
// TypeScript program), the run scans it in lock-step with the model, every controller cycle
// (10 ms), as the built-in controller does in `twinloop start`: sensors into the input image,
// one scan, the output image onto the actuators. So a program may switch a process's setpoints
// per product from a station's `.product` signal (examples/planning/heat-st-line.yaml); the
// signals it drives are its own, and the run does not write a product's setpoint onto them.
// Synchronous and allocation-free per scan (the exchange of core/exchange.ts without its
// adapter, whose connect and prepare are asynchronous; the plan runs are synchronous).

import type { LineFile } from '../../physics/model.ts';
import { programTagMap } from '../engine/run-catalog.ts';
import { loadProgram, NO_PROGRAM } from '../../plc-adapters/sim/program-source.ts';
import { findEntry, type ControlProgram } from '../../plc-adapters/sim/program.ts';

/** The controller cycle of a line program on the virtual line, ms (the built-in controller's default). */
export const LINE_PROGRAM_CYCLE_MS = 10;

export class LineProgram {
  readonly program: ControlProgram;
  /** Model steps per controller cycle. */
  readonly stepsPerCycle: number;
  /** Names of the signals the program drives (its outputs bound to line signals). */
  readonly drives: ReadonlySet<string>;
  readonly #in: Float64Array;
  readonly #out: Float64Array;
  /** Input image index -> signal id, output image index -> signal id (pairs, flat). */
  readonly #inMap: Int32Array;
  readonly #outMap: Int32Array;

  private constructor(program: ControlProgram, stepsPerCycle: number, inMap: Int32Array, outMap: Int32Array, drives: ReadonlySet<string>) {
    this.program = program;
    this.stepsPerCycle = stepsPerCycle;
    this.#in = new Float64Array(program.io.inputs.length);
    this.#out = new Float64Array(program.io.outputs.length);
    this.#inMap = inMap;
    this.#outMap = outMap;
    this.drives = drives;
  }

  /**
   * The line file's program, or null when it names none.
   * @throws TwinloopError CFG_INVALID for a bad `io:` binding, ST_COMPILE when the ST does not compile
   */
  static of(line: LineFile, dt: number, id: (name: string) => number): LineProgram | null {
    if (line.program === undefined || line.program === NO_PROGRAM) return null;
    const program = loadProgram(line.program);
    const map = programTagMap(line.program, line);
    const inMap: number[] = [];
    const outMap: number[] = [];
    const drives = new Set<string>();
    for (const m of map) {
      const sig = id(m.signal);
      if (sig < 0) continue; // a controller output the model does not know (ctl.ready)
      if (m.direction === 'write') inMap.push(findEntry(program.io.inputs, m.address), sig);
      else {
        outMap.push(findEntry(program.io.outputs, m.address), sig);
        drives.add(m.signal);
      }
    }
    const steps = Math.max(1, Math.round(LINE_PROGRAM_CYCLE_MS / 1000 / dt));
    return new LineProgram(program, steps, Int32Array.from(inMap), Int32Array.from(outMap), drives);
  }

  /** One controller cycle against the model's values: inputs, scan, outputs. Allocation-free. */
  scan(values: Float64Array): void {
    const im = this.#inMap, om = this.#outMap, i = this.#in, q = this.#out;
    for (let k = 0; k < im.length; k += 2) i[im[k]!] = values[im[k + 1]!]!;
    this.program.scan(i, q, LINE_PROGRAM_CYCLE_MS);
    for (let k = 0; k < om.length; k += 2) values[om[k + 1]!] = q[om[k]!]!;
  }
}
