// One simulated line and its built-in controller advanced together, tick by tick:
// the controller scans every `stepsPerCycle` physics steps (scan first, then the step), so a
// run is a pure function of the line file, the seed and the controller program. Used by the
// worker at every pace, by tests in-thread, and by parallel runs later.

import type { LineFile } from '../../physics/model.ts';
import { Model } from '../../physics/model.ts';
import type { TagMapping } from '../exchange.ts';
import { LockstepExchange } from '../exchange.ts';
import { TwinloopError } from '../errors.ts';
import type { SignalDef } from '../signals.ts';
import type { SteppableAdapter } from '../../plc-adapters/adapter.ts';
import type { ControllerConfig } from '../../plc-adapters/factory.ts';
import { SimAdapter, DEFAULT_PROGRAM } from '../../plc-adapters/sim/sim-adapter.ts';
import { NO_PROGRAM } from '../../plc-adapters/sim/program-source.ts';

// Controllers that can run in lock-step, by protocol. Kept apart from the adapter factory so the
// physics worker never loads the network protocol stacks.
const steppable: Readonly<Record<string, (c: ControllerConfig) => SteppableAdapter>> = {
  sim: (c) => new SimAdapter({ program: c.program ?? DEFAULT_PROGRAM, cycleMs: c.cycleMs ?? 10 }),
};

/** Most signals forced at once (an engineer's overrides; preallocated, no allocation per step). */
export const FORCE_CAPACITY = 256;

export class Lockstep {
  readonly model: Model;
  /** The built-in controller's exchange; null when the controller is a network PLC (its
   *  exchange runs on the main thread and feeds actuators through the actuator ring). */
  readonly exchange: LockstepExchange | null;
  readonly values: Float64Array;
  readonly quality: Uint8Array;
  readonly stepsPerCycle: number;
  readonly #forcedIds = new Int32Array(FORCE_CAPACITY);
  readonly #forcedValues = new Float64Array(FORCE_CAPACITY);
  #nForced = 0;
  #tick = 0;

  private constructor(model: Model, exchange: LockstepExchange | null, values: Float64Array, quality: Uint8Array) {
    this.model = model;
    this.exchange = exchange;
    this.values = values;
    this.quality = quality;
    this.stepsPerCycle = exchange ? Math.max(1, Math.round(exchange.adapter.cycleMs / 1000 / model.dt)) : 1;
  }

  /**
   * Build the model and connect the controller. `quality` may be the shared table's quality
   * array so actuator quality is visible to readers directly.
   */
  static async create(line: LineFile, defs: readonly SignalDef[], controller: ControllerConfig | null, tagMap: readonly TagMapping[], quality?: Uint8Array): Promise<Lockstep> {
    const ids = new Map(defs.map((d, i) => [d.name, i] as const));
    const resolve = (name: string): number => {
      const id = ids.get(name);
      if (id === undefined) throw new TwinloopError('SIG_UNKNOWN', `unknown signal ${name}`);
      return id;
    };
    const values = new Float64Array(defs.length);
    const model = new Model(line, resolve, values);
    // Program `none`: the line runs without a controller (forces and scenario steps drive it).
    if (controller === null || (controller.protocol === 'sim' && controller.program === NO_PROGRAM)) return new Lockstep(model, null, values, quality ?? new Uint8Array(defs.length));
    const make = steppable[controller.protocol];
    if (!make) throw new TwinloopError('MODEL_BUILD', `controller ${controller.name} (${controller.protocol}) cannot run in lock-step`);
    const adapter = make(controller);
    const exchange = await LockstepExchange.create(adapter, tagMap, resolve);
    return new Lockstep(model, exchange, values, quality ?? new Uint8Array(defs.length));
  }

  get tick(): number {
    return this.#tick;
  }

  get time(): number {
    return this.model.time;
  }

  /** One physics step, preceded by a controller scan on cycle boundaries. Allocation-free. */
  step(): void {
    const ex = this.exchange;
    if (ex !== null && this.#tick % this.stepsPerCycle === 0) ex.cycle(this.values, this.quality);
    // Forces win over both writers: the controller's outputs before the step, the model's
    // sensors after it, so the controller and the HMI both see the forced value.
    if (this.#nForced > 0) this.#applyForces();
    this.model.step();
    if (this.#nForced > 0) this.#applyForces();
    this.#tick++;
  }

  /** Override a signal until released. @returns false when FORCE_CAPACITY is reached. */
  force(id: number, value: number): boolean {
    for (let k = 0; k < this.#nForced; k++) {
      if (this.#forcedIds[k] === id) {
        this.#forcedValues[k] = value;
        this.values[id] = value;
        return true;
      }
    }
    if (this.#nForced === FORCE_CAPACITY) return false;
    this.#forcedIds[this.#nForced] = id;
    this.#forcedValues[this.#nForced] = value;
    this.#nForced++;
    this.values[id] = value;
    return true;
  }

  /** Stop overriding a signal; its writer (controller or model) takes it over at the next step. */
  release(id: number): boolean {
    for (let k = 0; k < this.#nForced; k++) {
      if (this.#forcedIds[k] === id) {
        this.#nForced--;
        this.#forcedIds[k] = this.#forcedIds[this.#nForced]!;
        this.#forcedValues[k] = this.#forcedValues[this.#nForced]!;
        // The forced value is still in the table: the model writes its own at the next step.
        this.model.signalsOverwritten();
        return true;
      }
    }
    return false;
  }

  get forcedCount(): number {
    return this.#nForced;
  }

  #applyForces(): void {
    const v = this.values;
    for (let k = 0; k < this.#nForced; k++) v[this.#forcedIds[k]!] = this.#forcedValues[k]!;
  }

  /** Run `n` steps. */
  run(n: number): void {
    for (let k = 0; k < n; k++) this.step();
  }

  /** Back to the initial state: model re-seeded, controller cold-restarted. */
  reset(): void {
    this.model.reset();
    this.exchange?.restart();
    this.#tick = 0;
    if (this.#nForced > 0) this.#applyForces();
  }

  /**
   * The whole run as bytes: the model's snapshot, the lock-step tick (the controller's scan
   * phase), the forces, the signal quality and the built-in controller's state (process images,
   * program steps, timers, counters). {@link Lockstep.restore} on a Lockstep of the same line and
   * program continues bit-identically, controller included.
   * @example const bytes = run.snapshot(); run.run(1000); run.restore(bytes);
   * @throws TwinloopError SNAPSHOT_UNSUPPORTED when the controller cannot save its state
   */
  snapshot(): Uint8Array {
    let ctrl: Float64Array = new Float64Array(0);
    if (this.exchange !== null) {
      const adapter = this.exchange.adapter;
      const state = adapter instanceof SimAdapter ? adapter.saveState() : null;
      if (state === null) throw new TwinloopError('SNAPSHOT_UNSUPPORTED', `controller ${adapter.protocol} cannot save its state`);
      ctrl = state;
    }
    const model = this.model.snapshot();
    const n = this.#nForced;
    // meta: tick, number of forces, their ids and values, then the controller state.
    const meta = new Float64Array(2 + 2 * n + ctrl.length);
    meta[0] = this.#tick;
    meta[1] = n;
    for (let k = 0; k < n; k++) {
      meta[2 + k] = this.#forcedIds[k]!;
      meta[2 + n + k] = this.#forcedValues[k]!;
    }
    meta.set(ctrl, 2 + 2 * n);
    // Header: magic 'TLLS', version 1, then the three part lengths.
    const head = 20;
    const out = new Uint8Array(head + model.length + this.quality.length + meta.length * 8);
    const view = new DataView(out.buffer);
    view.setUint32(0, 0x534c4c54, true);
    view.setUint32(4, 1, true);
    view.setUint32(8, model.length, true);
    view.setUint32(12, this.quality.length, true);
    view.setUint32(16, meta.length, true);
    out.set(model, head);
    out.set(this.quality, head + model.length);
    const at = head + model.length + this.quality.length;
    for (let k = 0; k < meta.length; k++) view.setFloat64(at + 8 * k, meta[k]!, true);
    return out;
  }

  /**
   * Continue from {@link Lockstep.snapshot} bytes of a run of the same line and program.
   * Nothing changes when the bytes do not fit.
   * @throws TwinloopError SNAPSHOT_INVALID when the bytes are not such a snapshot
   */
  restore(bytes: Uint8Array): void {
    const bad = (why: string): TwinloopError => new TwinloopError('SNAPSHOT_INVALID', `run snapshot: ${why}`);
    if (!(bytes instanceof Uint8Array) || bytes.length < 20) throw bad('too short');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0, true) !== 0x534c4c54 || view.getUint32(4, true) !== 1) throw bad('not a run snapshot (magic or version)');
    const modelLen = view.getUint32(8, true);
    const qualityLen = view.getUint32(12, true);
    const metaLen = view.getUint32(16, true);
    if (20 + modelLen + qualityLen + 8 * metaLen !== bytes.length) throw bad('part lengths do not add up');
    if (qualityLen !== this.quality.length) throw bad(`${qualityLen} quality bytes, this run has ${this.quality.length} signals`);
    const at = 20 + modelLen + qualityLen;
    const meta = new Float64Array(metaLen);
    for (let k = 0; k < metaLen; k++) meta[k] = view.getFloat64(at + 8 * k, true);
    const n = meta[1]!;
    if (!(metaLen >= 2 && Number.isInteger(n) && n >= 0 && n <= FORCE_CAPACITY && 2 + 2 * n <= metaLen)) throw bad('bad force table');
    const ctrl = meta.subarray(2 + 2 * n);
    const adapter = this.exchange?.adapter;
    const sim = adapter instanceof SimAdapter ? adapter : null;
    if (this.exchange === null ? ctrl.length !== 0 : sim === null) throw bad('the controller does not match this run');
    // Controller first (it checks its part), then the model (it checks its arrays); if the model
    // refuses, the controller gets its previous state back.
    const before = sim?.saveState() ?? null;
    if (sim !== null) sim.restoreState(ctrl);
    try {
      this.model.restore(bytes.subarray(20, 20 + modelLen));
    } catch (err) {
      if (sim !== null && before !== null) sim.restoreState(before);
      throw err;
    }
    this.quality.set(bytes.subarray(20 + modelLen, 20 + modelLen + qualityLen));
    this.#tick = meta[0]!;
    this.#nForced = n;
    for (let k = 0; k < n; k++) {
      this.#forcedIds[k] = meta[2 + k]!;
      this.#forcedValues[k] = meta[2 + n + k]!;
    }
  }
}
