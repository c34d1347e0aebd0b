// A compiled ST program as the built-in controller runs it: the ControlProgram contract (process
// images in and out around one scan), PLC run/stop states with the fault that stopped it, the
// scan clock, and the online access engineers know from CODESYS and TwinCAT: read, write and
// force any variable by its path (`SORTING.fifo.count`, `GVL.speed`, `MAIN.axes[2].pos`).

import { TwinloopError } from '../../core/errors.ts';
import type { ControlProgram, ImageEntry, ProgramIo } from '../sim/program.ts';
import type { CompiledModule } from './compile.ts';
import type { Site } from './emitter.ts';
import { children, resolvePath, type VarNode, type VarPlace } from './var-path.ts';
import { formatValue, parseValue, readPlace, viewOf, writerOf, writePlace, type Cells, type StValue } from './var-access.ts';
import { Runtime, StFault, type FaultKind } from './runtime.ts';
import { signalTypeOf, view } from './types.ts';
import { CLOCK_ADDRESS } from './declarations.ts';

/** The signal type of a variable's place (a bit is a bool). */
function placeSignalType(p: VarPlace): ImageEntry['type'] | null {
  return p.bit >= 0 ? 'bool' : signalTypeOf(p.type);
}


export type { StValue };

/** One row of the online view: a variable with its value as an IEC literal. */
export interface OnlineVar extends VarNode {
  /** The value (scalars only). */
  readonly value?: string;
  readonly forced: boolean;
}

/** What stopped the controller, as the HMI and /api/health show it. */
export interface StFaultInfo {
  readonly kind: FaultKind;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly pou: string;
  /** The scan (0-based since start or reset) in which it happened. */
  readonly scan: number;
}

interface Module {
  readonly buf: ArrayBuffer;
  readonly STR: string[];
  init(): void;
  input(i: Float64Array): void;
  output(q: Float64Array): void;
  cycle(): void;
  /** The usual scan whole: clock, images, every program, fault handling (see codegen). */
  scan(i: Float64Array, q: Float64Array, cycleMs: number): void;
  readonly programs: Readonly<Record<string, () => void>>;
}

interface Force {
  readonly path: string;
  readonly value: StValue;
  /** Stores the value (checked when the force was set; allocates nothing). */
  readonly write: () => void;
}

export class StProgram implements ControlProgram {
  readonly name: string;
  readonly io: ProgramIo;
  readonly compiled: CompiledModule;
  readonly #rt: Runtime;
  readonly #m: Module;
  #run: () => void;
  #status: 'run' | 'stop' = 'run';
  /** status === 'stop', as a boolean for the scan's first test. */
  #stopped = false;
  #fault: StFaultInfo | null = null;
  readonly #forces = new Map<string, Force>();
  /** The forces' writers as an array: a scan walks it without an iterator object. */
  #forceWriters: (() => void)[] = [];
  #extras = false;
  /** One PROGRAM selected (unit tests): scans take the path that calls #run. */
  #selected = false;
  /** Variables watched as extra outputs (scenario conditions on program variables). */
  readonly #watches: { cells: Cells; index: number; bit: number }[] = [];
  readonly #outputs: ImageEntry[];
  /** The memory's 32-bit view, for the scan clock cell. */
  readonly #clock: Int32Array;
  #fixedOutputs: number;

  /**
   * One scan (the ControlProgram contract). A property, not a method: it is the module's own
   * scan function in the usual case, so the caller reaches the program's code through no call
   * site shared with other instances; #route sets it whenever the state changes (STOP, forces,
   * watches, one selected PROGRAM).
   */
  scan: (i: Float64Array, q: Float64Array, cycleMs: number) => void;

  constructor(compiled: CompiledModule) {
    this.compiled = compiled;
    this.name = compiled.name;
    this.#rt = new Runtime(compiled.sites, compiled.watchdogMs);
    this.#m = compiled.factory()(this.#rt) as Module;
    this.#run = this.#m.cycle;
    this.#clock = new Int32Array(this.#m.buf);
    const entry = (v: { address: string; located: string | null; type: ImageEntry['type'] }): ImageEntry => ({ address: v.address, type: v.type, symbol: v.address, ...(v.located ? { aliases: [v.located] } : {}) });
    this.#outputs = compiled.generated.outputs.map(entry);
    this.#fixedOutputs = this.#outputs.length;
    this.io = { inputs: compiled.generated.inputs.map(entry), outputs: this.#outputs };
    this.#rt.fault = (err, q) => {
      if (!(err instanceof StFault)) throw err;
      this.#stop(err);
      q.fill(0);
    };
    this.#m.init();
    this.scan = this.#m.scan;
  }

  get status(): 'run' | 'stop' {
    return this.#status;
  }

  get fault(): StFaultInfo | null {
    return this.#fault;
  }

  get scans(): number {
    return this.#rt.scan;
  }

  /** Controller time in ms (scans x cycle). */
  get clockMs(): number {
    return this.#rt.times[0]!;
  }

  /** The runtime (unit tests read its assertion failures and finished flag). */
  get runtime(): Runtime {
    return this.#rt;
  }

  /** Run only this PROGRAM each scan (unit tests run one TEST_ program at a time). */
  select(program: string): void {
    const fn = this.#m.programs[program.toUpperCase()];
    if (!fn) throw new TwinloopError('PLC_TAG_UNKNOWN', `program ${this.name} has no PROGRAM ${program}`);
    this.#run = fn;
    this.#selected = true;
    this.#updateExtras();
  }

  /** Names of the declared programs (upper case). */
  get programNames(): string[] {
    return Object.keys(this.#m.programs);
  }

  /** Output policy in STOP: every output goes to 0 (FALSE), as a PLC's outputs do by default. */
  readonly #scanStopped = (_i: Float64Array, q: Float64Array): void => {
    q.fill(0);
  };

  /** A scan with forces (written before and after the programs), watches or one PROGRAM selected. */
  readonly #scanWithExtras = (i: Float64Array, q: Float64Array, cycleMs: number): void => {
    const m = this.#m;
    const times = this.#rt.times;
    times[1] = NaN; // the watchdog's deadline is set by its first check in the scan
    try {
      this.#clock[CLOCK_ADDRESS >> 2] = times[0]! | 0;
      m.input(i);
      this.#applyForces();
      this.#run();
      this.#applyForces();
      m.output(q);
      this.#readWatches(q);
    } catch (err) {
      this.#rt.fault(err, q);
      return;
    }
    times[0] += cycleMs;
    this.#rt.scan++;
  };

  /** Point scan at the path for the current state. */
  #route(): void {
    this.scan = this.#stopped ? this.#scanStopped : this.#extras ? this.#scanWithExtras : this.#m.scan;
  }

  #readWatches(q: Float64Array): void {
    for (let k = 0; k < this.#watches.length; k++) {
      const w = this.#watches[k]!;
      const v = w.cells[w.index]!;
      const n = typeof v === 'bigint' ? Number(v) : v;
      q[this.#fixedOutputs + k] = w.bit < 0 ? n : (n / 2 ** w.bit) & 1;
    }
  }

  /** Forces or watches exist: the scan takes its slower path. */
  #updateExtras(): void {
    this.#forceWriters = [...this.#forces.values()].map((f) => f.write);
    this.#extras = this.#selected || this.#forces.size > 0 || this.#watches.length > 0;
    this.#route();
  }

  #stop(err: StFault): void {
    const site: Site = this.#rt.sites[err.site] ?? { file: this.compiled.files[0] ?? '', line: 0, col: 0, pou: '' };
    this.#status = 'stop';
    this.#stopped = true;
    this.#fault = { kind: err.kind, message: err.message, file: site.file, line: site.line, col: site.col, pou: site.pou, scan: this.#rt.scan };
    this.#route();
  }

  /** Cold restart: initial values, clock 0, RUN; forces stay (as an engineer set them). */
  reset(): void {
    this.#m.init();
    this.#status = 'run';
    this.#stopped = false;
    this.#fault = null;
    this.#rt.times[0] = 0;
    this.#rt.scan = 0;
    this.#rt.finished = false;
    this.#rt.failures.length = 0;
    this.#route();
  }

  /** Read a variable by path; a struct, array or FB instance reads as its path's children list. */
  read(path: string): StValue {
    return readPlace(this.#m.buf, this.#m.STR, this.#place(path));
  }

  /**
   * Watch a scalar variable as one more output (appended to io.outputs), so scenario conditions
   * and plant tag maps can read any variable, not only the program's VAR_OUTPUTs.
   * @returns its index in io.outputs
   * @throws TwinloopError PLC_TAG_UNKNOWN / PLC_TAG_TYPE
   */
  watch(path: string): number {
    const place = this.#place(path);
    const type = placeSignalType(place);
    if (type === null) throw new TwinloopError('PLC_TAG_TYPE', `${path} is ${place.type.name}; only BOOL, integer, REAL and TIME variables can be watched`);
    const v = view(place.type);
    this.#watches.push({ cells: viewOf(this.#m.buf, v.array), index: place.addr >> v.shift, bit: place.bit });
    this.#outputs.push({ address: path, type });
    this.#updateExtras();
    return this.#outputs.length - 1;
  }

  /** The signal type a scalar variable maps to (bool, int, real), or null for other types. */
  signalType(path: string): ImageEntry['type'] | null {
    try {
      return placeSignalType(this.#place(path));
    } catch {
      return null;
    }
  }

  /** Does this path name a variable? */
  has(path: string): boolean {
    try {
      this.#place(path);
      return true;
    } catch {
      return false;
    }
  }

  /** Write a variable once (it may change again in the next scan). */
  write(path: string, value: StValue): void {
    writePlace(this.#m.buf, this.#m.STR, this.#place(path), value);
  }

  /** The value as the online view prints it (`TRUE`, `T#1s500ms`, `Red`, `'text'`). */
  format(path: string): string {
    const p = this.#place(path);
    return formatValue(p, readPlace(this.#m.buf, this.#m.STR, p));
  }

  /** The online view of a path's children (no path: the programs and globals), with values. */
  online(path?: string): OnlineVar[] {
    return children(this.compiled.decl, path).map((n) => ({
      ...n,
      ...(n.kind === 'scalar' ? { value: this.format(n.path) } : {}),
      forced: this.isForced(n.path),
    }));
  }

  /** Write (once) or force a variable from text typed by a person (`TRUE`, `T#2s`, `Red`, `42`). */
  set(path: string, text: string, force: boolean): void {
    const value = parseValue(this.#place(path), text);
    if (force) this.force(path, value);
    else this.write(path, value);
  }

  /** Force a variable: written before and after every scan until released. */
  force(path: string, value: StValue): void {
    const write = writerOf(this.#m.buf, this.#m.STR, this.#place(path), value); // refuses a bad value
    this.#forces.set(path.toUpperCase(), { path, value, write });
    this.#updateExtras();
  }

  release(path?: string): void {
    if (path === undefined) this.#forces.clear();
    else this.#forces.delete(path.toUpperCase());
    this.#updateExtras();
  }

  get forces(): { path: string; value: StValue }[] {
    return [...this.#forces.values()].map((f) => ({ path: f.path, value: f.value }));
  }

  isForced(path: string): boolean {
    return this.#forces.has(path.toUpperCase());
  }

  #applyForces(): void {
    const writers = this.#forceWriters;
    for (let k = 0; k < writers.length; k++) writers[k]!();
  }

  #place(path: string): VarPlace {
    return resolvePath(this.compiled.decl, path);
  }

  /** The whole memory and clock, for snapshots of a run (programs without STRING variables). */
  saveState(): Float64Array {
    if (this.compiled.generated.hasStrings) throw new TwinloopError('SNAPSHOT_UNSUPPORTED', `program ${this.name} has STRING variables, which snapshots do not hold yet`);
    const mem = new Float64Array(this.#m.buf);
    const s = new Float64Array(mem.length + 3);
    s[0] = this.#rt.times[0]!;
    s[1] = this.#rt.scan;
    s[2] = this.#status === 'stop' ? 1 : 0;
    s.set(mem, 3);
    return s;
  }

  restoreState(s: Float64Array): void {
    const mem = new Float64Array(this.#m.buf);
    if (s.length !== mem.length + 3) throw new TwinloopError('SNAPSHOT_INVALID', `program ${this.name}: snapshot state has ${s.length} values, expected ${mem.length + 3}`);
    this.#rt.times[0] = s[0]!;
    this.#rt.scan = s[1]!;
    this.#status = s[2] ? 'stop' : 'run';
    this.#stopped = this.#status === 'stop';
    mem.set(s.subarray(3));
    this.#route();
  }
}
