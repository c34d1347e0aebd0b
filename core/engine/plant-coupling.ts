// How a plant file's controller is coupled to a run: the built-in controller runs in lock-step
// inside the physics worker; a network PLC (OPC UA, ADS, S7) is exchanged on the main thread by
// a NetworkExchange whose actuator values reach the worker through the actuator ring. A plant
// controller with `softPlc:` first starts that soft PLC as its own process.

import type { Logger } from 'pino';
import type { PlantController, PlantFile } from '../config/plant-file.ts';
import type { TagMapping } from '../exchange.ts';
import type { ControllerConfig } from '../../plc-adapters/factory.ts';
import { createAdapter } from '../../plc-adapters/factory.ts';
import { NetworkExchange, type ExchangeHealth } from '../network-exchange.ts';
import type { SignalTable } from '../signals.ts';
import { TwinloopError } from '../errors.ts';
import { ActuatorRing } from './actuator-ring.ts';
import { startSoftPlcProcess, type SoftPlcProcess } from './soft-plc-process.ts';
import { DEFAULT_PROGRAM } from '../../plc-adapters/sim/sim-adapter.ts';

export interface ControllerPlan {
  /** The controller run in lock-step in the worker (at most one built-in), or null. */
  readonly lockstep: ControllerConfig | null;
  /** Every controller's tags: they define the run's signals. */
  readonly tagMap: TagMapping[];
  /** The lock-step controller's tags only (the worker's exchange). */
  readonly lockstepTags: TagMapping[];
  /** The network controllers (OPC UA, ADS, S7), each exchanged on the main thread. */
  readonly networks: PlantController[];
}

const mapping = (pc: PlantController): TagMapping[] => pc.tags.map((t) => ({ signal: t.signal, address: t.address, type: t.type, direction: t.direction }));

/**
 * Decide how a plant file's controllers run: at most one built-in (`sim`) controller in
 * lock-step in the worker, and any number of network PLCs, each with its own exchange, all
 * feeding the worker through one actuator ring (the main thread is its only producer). No
 * actuator is driven by two controllers (checked when the plant file loads).
 */
export function planController(plant: PlantFile): ControllerPlan {
  if (plant.controllers.length === 0) throw new TwinloopError('CFG_INVALID', 'the plant file has no controller');
  // Shadow controllers run through core/shadow/shadow-run.ts (startRun branches before this).
  const shadow = plant.controllers.find((c) => c.mode === 'shadow');
  if (shadow) throw new TwinloopError('CFG_INVALID', `controller ${shadow.name} is in shadow mode: start it with startRun, which runs the shadow twin`);
  const sims = plant.controllers.filter((c) => c.protocol === 'sim');
  if (sims.length > 1) throw new TwinloopError('CFG_INVALID', `controllers ${sims.map((c) => c.name).join(', ')} are all built-in (sim): a run has at most one built-in controller`);
  const sim = sims[0];
  return {
    lockstep: sim ? { name: sim.name, protocol: 'sim', program: sim.program ?? DEFAULT_PROGRAM, cycleMs: sim.cycleMs } : null,
    tagMap: plant.controllers.flatMap(mapping),
    lockstepTags: sim ? mapping(sim) : [],
    networks: plant.controllers.filter((c) => c.protocol !== 'sim'),
  };
}

/** A running network coupling: optional soft PLC process + exchange, feeding the run's ring. */
export class NetworkCoupling {
  readonly ring: ActuatorRing;
  readonly controller: PlantController;
  #exchange: NetworkExchange | undefined;
  #softPlc: SoftPlcProcess | undefined;
  /** Called after a delivery that pushed changed values (the HMI frames them at once). */
  readonly #onInput: (() => void) | undefined;

  /** `ring`: the run's actuator ring, shared by all its network controllers. */
  constructor(controller: PlantController, ring: ActuatorRing, onInput?: () => void) {
    this.controller = controller;
    this.ring = ring;
    this.#onInput = onInput;
  }

  /** Start the soft PLC (if the plant asks for one) and the exchange. */
  async start(table: SignalTable, log: Logger, startSoftPlc: boolean): Promise<void> {
    const pc = this.controller;
    let endpoint = pc.endpoint;
    if (pc.softPlc && startSoftPlc) {
      this.#softPlc = await startSoftPlcProcess({
        program: pc.softPlc.program,
        protocol: pc.protocol,
        ...(pc.softPlc.port !== undefined ? { port: pc.softPlc.port } : {}),
        ...(pc.softPlc.cycleMs !== undefined ? { cycleMs: pc.softPlc.cycleMs } : {}),
      });
      endpoint = this.#softPlc.endpoint;
      log.info({ controller: pc.name, endpoint, program: pc.softPlc.program }, 'soft PLC started');
    }
    // A plant controller is a ControllerConfig already; only the endpoint may come from the soft PLC.
    const config: ControllerConfig = endpoint === undefined ? pc : { ...pc, endpoint };
    const ring = this.ring;
    const onInput = this.#onInput;
    let pushed = false;
    this.#exchange = new NetworkExchange({
      name: pc.name,
      adapter: createAdapter(config),
      tags: pc.tags,
      resolve: (name) => table.id(name),
      table,
      sink: {
        write: (id, value, quality) => {
          pushed = ring.push(id, value, quality) || pushed;
        },
        flush: () => {
          if (!pushed) return;
          pushed = false;
          onInput?.();
        },
      },
      cycleMs: pc.cycleMs,
      refreshMs: pc.refreshMs,
      readOnly: pc.readOnly,
      log,
    });
    await this.#exchange.start();
  }

  health(): ExchangeHealth | undefined {
    return this.#exchange?.health();
  }

  async close(): Promise<void> {
    await this.#exchange?.close();
    await this.#softPlc?.close();
  }
}
