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
import { isSteppable } from '../../plc-adapters/adapter.ts';
import type { ControllerConfig } from '../../plc-adapters/factory.ts';
import { createAdapter } from '../../plc-adapters/factory.ts';

export class Lockstep {
  readonly model: Model;
  readonly exchange: LockstepExchange;
  readonly values: Float64Array;
  readonly quality: Uint8Array;
  readonly stepsPerCycle: number;
  #tick = 0;

  private constructor(model: Model, exchange: LockstepExchange, values: Float64Array, quality: Uint8Array) {
    this.model = model;
    this.exchange = exchange;
    this.values = values;
    this.quality = quality;
    this.stepsPerCycle = Math.max(1, Math.round(exchange.adapter.cycleMs / 1000 / model.dt));
  }

  /**
   * Build the model and connect the controller. `quality` may be the shared table's quality
   * array so actuator quality is visible to readers directly.
   */
  static async create(line: LineFile, defs: readonly SignalDef[], controller: ControllerConfig, tagMap: readonly TagMapping[], quality?: Uint8Array): Promise<Lockstep> {
    const ids = new Map(defs.map((d, i) => [d.name, i] as const));
    const resolve = (name: string): number => {
      const id = ids.get(name);
      if (id === undefined) throw new TwinloopError('SIG_UNKNOWN', `unknown signal ${name}`);
      return id;
    };
    const values = new Float64Array(defs.length);
    const model = new Model(line, resolve, values);
    const adapter = createAdapter(controller);
    if (!isSteppable(adapter)) {
      throw new TwinloopError('MODEL_BUILD', `controller ${controller.name} (${controller.protocol}) cannot run in lock-step`);
    }
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
    if (this.#tick % this.stepsPerCycle === 0) this.exchange.cycle(this.values, this.quality);
    this.model.step();
    this.#tick++;
  }

  /** Run `n` steps. */
  run(n: number): void {
    for (let k = 0; k < n; k++) this.step();
  }

  /** Back to the initial state: model re-seeded, controller cold-restarted. */
  reset(): void {
    this.model.reset();
    this.exchange.restart();
    this.#tick = 0;
  }
}
