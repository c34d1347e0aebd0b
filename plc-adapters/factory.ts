// Chooses an adapter by protocol name: one map, no if/else chain. Network protocols
// (opcua, ads, s7, modbus) register here as they are built.

import { TwinloopError } from '../core/errors.ts';
import type { PlcAdapter } from './adapter.ts';
import { SimAdapter, DEFAULT_PROGRAM } from './sim/sim-adapter.ts';
import { OpcuaAdapter, type OpcuaAdapterOptions } from './opcua/opcua-adapter.ts';
import { AdsAdapter } from './ads/ads-adapter.ts';
import { adsAdapterOptions, type AdsControllerOptions } from './ads/ads-config.ts';
import { S7Adapter } from './s7/s7-adapter.ts';
import { s7AdapterOptions, type S7ControllerOptions } from './s7/s7-config.ts';
import { ModbusAdapter } from './modbus/modbus-adapter.ts';
import { modbusAdapterOptions, type ModbusControllerOptions } from './modbus/modbus-config.ts';

/** Controller settings as the plant file (or the CLI default) gives them. */
export interface ControllerConfig {
  readonly name: string;
  readonly protocol: string;
  readonly cycleMs?: number;
  /** Built-in controller: which program. */
  readonly program?: string;
  /** Network controllers: `opc.tcp://host:port`, ... */
  readonly endpoint?: string;
  /** Shadow mode: the adapter is opened without any write path. */
  readonly readOnly?: boolean;
  /** OPC UA options (plant file `opcua:` block; certificateFolder absolute). */
  readonly opcua?: Omit<OpcuaAdapterOptions, 'endpoint' | 'cycleMs' | 'readOnly'>;
  /** ADS options (plant file `ads:` block). */
  readonly ads?: AdsControllerOptions;
  /** S7 options (plant file `s7:` block). */
  readonly s7?: S7ControllerOptions;
  /** Modbus TCP options (plant file `modbus:` block). */
  readonly modbus?: ModbusControllerOptions;
}

type AdapterFactory = (config: ControllerConfig) => PlcAdapter;

const factories: Readonly<Record<string, AdapterFactory>> = {
  sim: (c) => new SimAdapter({ program: c.program ?? DEFAULT_PROGRAM, cycleMs: c.cycleMs ?? 10 }),
  opcua: (c) => new OpcuaAdapter({ ...c.opcua, endpoint: requireEndpoint(c), cycleMs: c.cycleMs ?? 10, readOnly: c.readOnly ?? false }),
  ads: (c) => new AdsAdapter(adsAdapterOptions(c)),
  s7: (c) => new S7Adapter(s7AdapterOptions(c)),
  modbus: (c) => new ModbusAdapter(modbusAdapterOptions(c)),
};

function requireEndpoint(c: ControllerConfig): string {
  if (!c.endpoint) throw new TwinloopError('CFG_INVALID', `controller ${c.name}: protocol ${c.protocol} needs an endpoint`);
  return c.endpoint;
}

export const knownProtocols: readonly string[] = Object.keys(factories);

export function createAdapter(config: ControllerConfig): PlcAdapter {
  const make = factories[config.protocol];
  if (!make) {
    throw new TwinloopError('CFG_INVALID', `controller ${config.name}: unknown protocol "${config.protocol}"; known: ${knownProtocols.join(', ')}`);
  }
  return make(config);
}
