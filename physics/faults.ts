// The signal-fault table: up to CAPACITY faults on signals, in preallocated columns, applied
// around each step without allocation. An actuator fault changes the value the components read
// during the step and puts the controller's command back afterwards; a sensor (or state) fault
// keeps the true value aside and publishes the faulty one, restoring the true value before the
// next step so components that write only on change never compound it. Several faults on one
// signal stack in injection order. Component faults are applied by the model (model.ts) and
// only listed here.

import { TwinloopError } from '../core/errors.ts';
import type { FaultInfo, SignalFaultKind } from './fault-spec.ts';
import { nextNormal, streamSeed } from './rng.ts';

/** Faults the table holds at once (signal and component together). */
export const FAULT_CAPACITY = 64;
/** Longest delay fault, steps (a ring of doubles allocated at injection). */
const MAX_DELAY_STEPS = 1_000_000;
/** Random streams of faults start here (sources use 0.., transmitters 0x10000..). */
const STREAM_BASE = 0x20000;

const STUCK = 0;
const OFFSET = 1;
const DRIFT = 2;
const NOISE = 3;
const WIREBREAK = 4;
const INTERMITTENT = 5;
const DELAY = 6;
const KIND_CODE: Readonly<Record<SignalFaultKind, number>> = { stuck: STUCK, offset: OFFSET, drift: DRIFT, noise: NOISE, wirebreak: WIREBREAK, intermittent: INTERMITTENT, delay: DELAY };

// Float64 columns, CAPACITY each.
const C_VALUE = 0;
const C_SAVED = 1; // sensor: the true value; actuator: the command
const C_DT = 2;
const F_COLS = 3;
// Int32 columns.
const C_KIND = 0; // -1: a component fault (nothing to apply per step)
const C_SIG = 1; // index in the model's work array
const C_ACT = 2; // 1 actuator
const C_T0 = 3; // tick at injection
const C_POS = 4; // delay ring position
const C_HALF = 5; // intermittent: half period, steps
const C_USED = 6; // 1 slot holds a fault
const I_COLS = 7;

/** The model's fault table. */
export class FaultTable {
  readonly #f = new Float64Array(F_COLS * FAULT_CAPACITY);
  readonly #i = new Int32Array(I_COLS * FAULT_CAPACITY);
  readonly #rng = new Uint32Array(FAULT_CAPACITY);
  /** Active signal-fault slots in injection order; meta[0] their count, meta[1] the next fault id. */
  readonly #list = new Int32Array(FAULT_CAPACITY);
  readonly #meta = new Int32Array(2);
  readonly #delay: (Float64Array | undefined)[] = new Array<Float64Array | undefined>(FAULT_CAPACITY).fill(undefined);
  readonly #info: (FaultInfo | undefined)[] = new Array<FaultInfo | undefined>(FAULT_CAPACITY).fill(undefined);
  readonly #dt: number;
  readonly #seed: number;
  /** Scratch for a Gaussian draw (see nextNormal). */
  readonly #u = new Float64Array(1);

  constructor(dt: number, seed: number) {
    this.#dt = dt;
    this.#seed = seed;
    this.clear();
  }

  /** Forget every fault; fault ids start again at 1. */
  clear(): void {
    this.#f.fill(0);
    this.#i.fill(0);
    this.#list.fill(0);
    this.#meta[0] = 0;
    this.#meta[1] = 1;
    this.#delay.fill(undefined);
    this.#info.fill(undefined);
  }

  /** Active faults, oldest first. Allocates: not for the step loop. */
  list(): FaultInfo[] {
    return this.#info.filter((x): x is FaultInfo => x !== undefined).sort((a, b) => a.id - b.id);
  }

  /** Slot of fault `id`, or -1. */
  slotOf(id: number): number {
    return this.#info.findIndex((x) => x?.id === id);
  }

  info(slot: number): FaultInfo | undefined {
    return this.#info[slot];
  }

  /**
   * Take a slot for a new fault and record it. For a signal fault `sig` is its index in the work
   * array and `current` that array (its present value seeds the kept value and a delay ring).
   * @throws TwinloopError FAULT_TABLE_FULL, FAULT_INVALID (bad value for the kind)
   */
  add(make: (id: number) => FaultInfo, signal?: { kind: SignalFaultKind; sig: number; actuator: boolean; value: number; values: Float64Array; tick: number }): FaultInfo {
    const slot = this.#info.indexOf(undefined);
    if (slot < 0) throw new TwinloopError('FAULT_TABLE_FULL', `the model holds ${FAULT_CAPACITY} faults already; clear one first`);
    const info = make(this.#meta[1]!);
    const K = FAULT_CAPACITY;
    this.#i[C_KIND * K + slot] = -1;
    if (signal !== undefined) {
      const { kind, sig, actuator, value, values, tick } = signal;
      const code = KIND_CODE[kind];
      let half = 0;
      if (code === INTERMITTENT) {
        half = Math.round(value / 2 / this.#dt);
        if (!(half >= 1)) throw new TwinloopError('FAULT_INVALID', `intermittent needs a period (value, s) of at least 2 dt (${2 * this.#dt} s), got ${value}`);
      }
      if (code === DELAY) {
        const steps = Math.round(value / this.#dt);
        if (!(steps >= 1 && steps <= MAX_DELAY_STEPS)) throw new TwinloopError('FAULT_INVALID', `delay needs a value between dt and ${MAX_DELAY_STEPS} dt (s), got ${value}`);
        this.#delay[slot] = new Float64Array(steps).fill(values[sig]!);
      }
      this.#i[C_KIND * K + slot] = code;
      this.#i[C_SIG * K + slot] = sig;
      this.#i[C_ACT * K + slot] = actuator ? 1 : 0;
      this.#i[C_T0 * K + slot] = tick;
      this.#i[C_POS * K + slot] = 0;
      this.#i[C_HALF * K + slot] = half;
      this.#f[C_VALUE * K + slot] = value;
      this.#f[C_SAVED * K + slot] = values[sig]!;
      this.#f[C_DT * K + slot] = this.#dt;
      this.#rng[slot] = streamSeed(this.#seed, STREAM_BASE + info.id);
      this.#list[this.#meta[0]!] = slot;
      this.#meta[0]!++;
      // A sensor fault shows at once, not only after the next step.
      if (!actuator) this.#apply(values, slot, tick);
    }
    this.#i[C_USED * K + slot] = 1;
    this.#info[slot] = info;
    this.#meta[1]!++;
    return info;
  }

  /** Remove the fault in `slot`; a signal gets its true value (or command) back. */
  remove(slot: number, values: Float64Array, tick: number): void {
    const K = FAULT_CAPACITY;
    if (this.#i[C_KIND * K + slot]! >= 0) {
      // Undo every signal fault above and including this one, drop it, re-apply the rest.
      const n = this.#meta[0]!;
      const at = this.#list.indexOf(slot);
      for (let j = n - 1; j >= at; j--) this.#undo(values, this.#list[j]!);
      this.#list.copyWithin(at, at + 1, n);
      this.#meta[0] = n - 1;
      for (let j = at; j < n - 1; j++) this.#redo(values, this.#list[j]!, tick);
    }
    this.#i[C_USED * K + slot] = 0;
    this.#i[C_KIND * K + slot] = -1;
    this.#delay[slot] = undefined;
    this.#info[slot] = undefined;
  }

  /** Work-array indexes of signals under a wire break, one per fault. */
  wireBroken(): number[] {
    const out: number[] = [];
    const K = FAULT_CAPACITY;
    for (let j = 0; j < this.#meta[0]!; j++) {
      const s = this.#list[j]!;
      if (this.#i[C_KIND * K + s] === WIREBREAK) out.push(this.#i[C_SIG * K + s]!);
    }
    return out;
  }

  /** Before a step: sensors get their true values back (newest fault first), actuators their faulty ones. */
  pre(values: Float64Array, tick: number): void {
    const n = this.#meta[0]!;
    if (n === 0) return;
    const K = FAULT_CAPACITY;
    const ii = this.#i;
    for (let j = n - 1; j >= 0; j--) {
      const s = this.#list[j]!;
      if (ii[C_ACT * K + s] === 0) values[ii[C_SIG * K + s]!] = this.#f[C_SAVED * K + s]!;
    }
    for (let j = 0; j < n; j++) {
      const s = this.#list[j]!;
      if (ii[C_ACT * K + s] === 1) {
        this.#f[C_SAVED * K + s] = values[ii[C_SIG * K + s]!]!;
        this.#apply(values, s, tick);
      }
    }
  }

  /** After a step: actuators get the controller's command back; sensors keep the truth and show the fault. */
  post(values: Float64Array, tick: number): void {
    const n = this.#meta[0]!;
    if (n === 0) return;
    const K = FAULT_CAPACITY;
    const ii = this.#i;
    for (let j = n - 1; j >= 0; j--) {
      const s = this.#list[j]!;
      if (ii[C_ACT * K + s] === 1) values[ii[C_SIG * K + s]!] = this.#f[C_SAVED * K + s]!;
    }
    for (let j = 0; j < n; j++) {
      const s = this.#list[j]!;
      if (ii[C_ACT * K + s] === 0) {
        this.#f[C_SAVED * K + s] = values[ii[C_SIG * K + s]!]!;
        this.#apply(values, s, tick);
      }
    }
  }

  /** values[sig] = the faulty version of the kept value of slot s at step `tick`. */
  #apply(values: Float64Array, s: number, tick: number): void {
    const K = FAULT_CAPACITY;
    const ii = this.#i;
    const f = this.#f;
    const x = f[C_SAVED * K + s]!;
    const v = f[C_VALUE * K + s]!;
    let y = x;
    switch (ii[C_KIND * K + s]) {
      case STUCK:
        y = v;
        break;
      case OFFSET:
        y = x + v;
        break;
      case DRIFT:
        y = x + v * (tick - ii[C_T0 * K + s]!) * f[C_DT * K + s]!;
        break;
      case NOISE: {
        const u = this.#u;
        nextNormal(this.#rng, s, u);
        y = x + v * u[0]!;
        break;
      }
      case WIREBREAK:
        y = 0;
        break;
      case INTERMITTENT:
        // Square chatter: the true value for half a period, 0 (contact open) for the other half.
        y = ((((tick - ii[C_T0 * K + s]!) / ii[C_HALF * K + s]!) | 0) & 1) === 1 ? 0 : x;
        break;
      case DELAY: {
        const ring = this.#delay[s]!;
        const p = ii[C_POS * K + s]!;
        y = ring[p]!;
        ring[p] = x;
        ii[C_POS * K + s] = p + 1 === ring.length ? 0 : p + 1;
        break;
      }
      default:
        break;
    }
    values[ii[C_SIG * K + s]!] = y;
  }

  /** Put the signal of slot s back to what it was before this fault acted on it. */
  #undo(values: Float64Array, s: number): void {
    const K = FAULT_CAPACITY;
    values[this.#i[C_SIG * K + s]!] = this.#f[C_SAVED * K + s]!;
  }

  /** After an undo, apply slot s again on the (restored) value, without advancing its state. */
  #redo(values: Float64Array, s: number, tick: number): void {
    const K = FAULT_CAPACITY;
    this.#f[C_SAVED * K + s] = values[this.#i[C_SIG * K + s]!]!;
    const kind = this.#i[C_KIND * K + s];
    // Noise and delay would draw or shift again: show the kept value until the next step instead.
    if (kind === NOISE || kind === DELAY) return;
    this.#apply(values, s, tick);
  }

  /** Typed arrays of the table, for snapshots. */
  state(): (Float64Array | Int32Array | Uint32Array)[] {
    return [this.#f, this.#i, this.#rng, this.#list, this.#meta];
  }

  /** Per-slot data a snapshot keeps beside the arrays: the fault and its delay ring. */
  slots(): { info: FaultInfo | undefined; delay: Float64Array | undefined }[] {
    return this.#info.map((info, k) => ({ info, delay: this.#delay[k] }));
  }

  /** Restore the per-slot data of {@link FaultTable.slots}. */
  restoreSlots(slots: readonly { info: FaultInfo | undefined; delay: Float64Array | undefined }[]): void {
    for (let k = 0; k < FAULT_CAPACITY; k++) {
      this.#info[k] = slots[k]?.info;
      this.#delay[k] = slots[k]?.delay;
    }
  }
}
