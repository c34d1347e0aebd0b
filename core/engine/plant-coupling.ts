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

export interface ControllerPlan {
  /** The controller run in lock-step in the worker, or null for a network PLC. */
  readonly lockstep: ControllerConfig | null;
  readonly tagMap: TagMapping[];
  /** The network controller, when there is one. */
  readonly network: PlantController | null;
}

/** Decide how the first controller of a plant file runs. Further controllers are not coupled yet. */
export function planController(plant: PlantFile): ControllerPlan {
  const pc = plant.controllers[0];
  if (!pc) throw new TwinloopError('CFG_INVALID', 'the plant file has no controller');
  if (plant.controllers.length > 1) {
    throw new TwinloopError('CFG_INVALID', `the plant file has ${plant.controllers.length} controllers; this version couples one per run`);
  }
  // Shadow controllers run through core/shadow/shadow-run.ts (startRun branches before this).
  if (pc.mode === 'shadow') throw new TwinloopError('CFG_INVALID', `controller ${pc.name} is in shadow mode: start it with startRun, which runs the shadow twin`);
  const tagMap: TagMapping[] = pc.tags.map((t) => ({ signal: t.signal, address: t.address, type: t.type, direction: t.direction }));
  if (pc.protocol === 'sim') {
    return { lockstep: { name: pc.name, protocol: 'sim', program: pc.program ?? 'sorting', cycleMs: pc.cycleMs }, tagMap, network: null };
  }
  return { lockstep: null, tagMap, network: pc };
}

/** A running network coupling: optional soft PLC process + exchange + ring into the worker. */
export class NetworkCoupling {
  readonly ring: ActuatorRing;
  readonly controller: PlantController;
  #exchange: NetworkExchange | undefined;
  #softPlc: SoftPlcProcess | undefined;

  constructor(controller: PlantController) {
    this.controller = controller;
    this.ring = new ActuatorRing();
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
    this.#exchange = new NetworkExchange({
      name: pc.name,
      adapter: createAdapter(config),
      tags: pc.tags,
      resolve: (name) => table.id(name),
      table,
      sink: { write: (id, value, quality) => void ring.push(id, value, quality), flush: () => undefined },
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
