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
import { SimAdapter } from '../../plc-adapters/sim/sim-adapter.ts';

// Controllers that can run in lock-step, by protocol. Kept apart from the adapter factory so the
// physics worker never loads the network protocol stacks.
const steppable: Readonly<Record<string, (c: ControllerConfig) => SteppableAdapter>> = {
  sim: (c) => new SimAdapter({ program: c.program ?? 'sorting', cycleMs: c.cycleMs ?? 10 }),
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
    if (controller === null) return new Lockstep(model, null, values, quality ?? new Uint8Array(defs.length));
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
}
