// Chooses an adapter by protocol name: one map, no if/else chain. Network protocols
// (opcua, ads, s7) register here as they are built.

import { TwinloopError } from '../core/errors.ts';
import type { PlcAdapter } from './adapter.ts';
import { SimAdapter } from './sim/sim-adapter.ts';

/** Controller settings as the plant file (or the CLI default) gives them. */
export interface ControllerConfig {
  readonly name: string;
  readonly protocol: string;
  readonly cycleMs?: number;
  /** Built-in controller: which program. */
  readonly program?: string;
}

type AdapterFactory = (config: ControllerConfig) => PlcAdapter;

const factories: Readonly<Record<string, AdapterFactory>> = {
  sim: (c) => new SimAdapter({ program: c.program ?? 'sorting', cycleMs: c.cycleMs ?? 10 }),
};

export const knownProtocols: readonly string[] = Object.keys(factories);

export function createAdapter(config: ControllerConfig): PlcAdapter {
  const make = factories[config.protocol];
  if (!make) {
    throw new TwinloopError('CFG_INVALID', `controller ${config.name}: unknown protocol "${config.protocol}"; known: ${knownProtocols.join(', ')}`);
  }
  return make(config);
}
