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
  /** The same scan with dead variables in locals (plc-adapters/st/unobserved/); `scan` if none. */
  scanU(i: Float64Array, q: Float64Array, cycleMs: number): void;
  /** scanU storing its locals into memory at its end (CompileOptions.checkUnobserved), else null. */
  scanUChecked: ((i: Float64Array, q: Float64Array, cycleMs: number) => void) | null;
  readonly programs: Readonly<Record<string, () => void>>;
}

/**
 * Which scan runs while nothing forces or watches: 'auto' switches between the observed and the
 * unobserved scan as reads come and go; the others fix one (differential tests, the bench);
 * 'unobserved-checked' is the unobserved scan storing its locals at its end, when compiled with
 * CompileOptions.checkUnobserved (test/st/unobserved-twin.ts).
 */
export type ScanMode = 'auto' | 'observed' | 'unobserved' | 'unobserved-checked';

/**
 * Scans the observed scan keeps running after the last read of a variable the unobserved scan
 * keeps in a local (and after start, reset, a snapshot or the end of the last force or watch):
 * 30 s at a 10 ms cycle, longer than any polling interval of the online view.
 */
export const OBSERVE_HOLD_SCANS = 3000;

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
  #mode: ScanMode = 'auto';
  /** In 'auto', the observed scan runs until this scan number (rt.scan), then the unobserved one. */
  #heldUntil = OBSERVE_HOLD_SCANS;
  /** Byte ranges [addr, addr + size) of the variables the unobserved scan keeps in locals, sorted. */
  readonly #dead: readonly { readonly addr: number; readonly size: number }[];

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
    this.#dead = (compiled.generated.unobserved?.locals ?? []).map((c) => ({ addr: c.addr, size: c.type.size }));
    this.#m.init();
    this.scan = this.#m.scan;
    this.#route();
  }

  /**
   * Which scan runs when no force or watch is set ('auto': the unobserved one after
   * OBSERVE_HOLD_SCANS scans without a read of a variable it keeps in a local). Forces, watches,
   * one selected PROGRAM and STOP take their own paths in every mode.
   */
  get scanMode(): ScanMode {
    return this.#mode;
  }

  set scanMode(mode: ScanMode) {
    this.#mode = mode;
    this.#route();
  }

  /** Does the next scan run the unobserved scan? */
  get unobserved(): boolean {
    return (this.scan === this.#m.scanU || this.scan === this.#m.scanUChecked) && this.#m.scanU !== this.#m.scan;
  }

  /**
   * The variables the unobserved scan keeps in JavaScript locals (paths): their memory is not
   * written while it runs, so a read of one switches to the observed scan (see #observe).
   */
  get unobservedLocals(): string[] {
    return (this.compiled.generated.unobserved?.locals ?? []).map((c) => c.path);
  }

  /** Byte ranges that are not program state (the unobserved scan's locals): differential tests. */
  get deadRanges(): readonly { readonly addr: number; readonly size: number }[] {
    return this.#dead;
  }

  /** The memory (differential tests compare the persistent part of two instances). */
  get memory(): ArrayBuffer {
    return this.#m.buf;
  }

  /** Keep (or put back) the observed scan for OBSERVE_HOLD_SCANS scans from now. */
  #hold(): void {
    this.#heldUntil = this.#rt.scan + OBSERVE_HOLD_SCANS;
    if (this.scan === this.#m.scanU) this.#route();
  }

  /**
   * A one-off read between scans: a variable the unobserved scan keeps in a local has, in memory,
   * its value from the last observed scan (stale while the unobserved scan runs). The read
   * returns that, and the observed scan runs from the next scan on for OBSERVE_HOLD_SCANS scans,
   * so a reader that polls sees exact values from its second read on. Program state (everything
   * a later scan can read) is exact in either scan and switches nothing.
   */
  #observe(p: VarPlace): void {
    const end = p.addr + Math.max(1, p.type.size);
    for (const d of this.#dead) {
      if (d.addr < end && p.addr < d.addr + d.size) {
        this.#hold();
        return;
      }
    }
  }

  /** The observed scan while held, then it routes the unobserved scan in. */
  readonly #scanHeld = (i: Float64Array, q: Float64Array, cycleMs: number): void => {
    this.#m.scan(i, q, cycleMs);
    if (this.#rt.scan >= this.#heldUntil) this.#route();
  };

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
    this.scan = this.#stopped ? this.#scanStopped : this.#extras ? this.#scanWithExtras : this.#quiet();
  }

  /** The scan when nothing forces or watches (see scanMode). */
  #quiet(): (i: Float64Array, q: Float64Array, cycleMs: number) => void {
    const m = this.#m;
    if (this.#mode === 'observed' || m.scanU === m.scan) return m.scan;
    if (this.#mode === 'unobserved-checked') return m.scanUChecked ?? m.scanU;
    if (this.#mode === 'unobserved' || this.#rt.scan >= this.#heldUntil) return m.scanU;
    return this.#scanHeld;
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
    const extras = this.#selected || this.#forces.size > 0 || this.#watches.length > 0;
    // The last force or watch gone: someone looked at the program just now, hold the observed scan.
    if (this.#extras && !extras) this.#heldUntil = this.#rt.scan + OBSERVE_HOLD_SCANS;
    this.#extras = extras;
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
    this.#heldUntil = OBSERVE_HOLD_SCANS;
    this.#route();
  }

  /** Read a variable by path; a struct, array or FB instance reads as its path's children list. */
  read(path: string): StValue {
    const p = this.#place(path);
    this.#observe(p);
    return readPlace(this.#m.buf, this.#m.STR, p);
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

  /**
   * Write a variable once (it may change again in the next scan). Either scan may run next: a
   * variable the unobserved scan keeps in a local is written before it is read in every scan, so
   * a write to it changes nothing in either (a read shows it until the next observed scan).
   */
  write(path: string, value: StValue): void {
    writePlace(this.#m.buf, this.#m.STR, this.#place(path), value);
  }

  /** The value as the online view prints it (`TRUE`, `T#1s500ms`, `Red`, `'text'`). */
  format(path: string): string {
    const p = this.#place(path);
    this.#observe(p);
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
    // The locals' cells hold their last observed values (no later scan reads them): the
    // snapshot restores exactly either way; later snapshots are taken by the observed scan.
    this.#hold();
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
