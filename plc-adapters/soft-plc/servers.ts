// Protocol name -> soft PLC server constructor: one map, each protocol adds its entry here
// (opcua: node-opcua server; s7 and ads are added by their adapters' authors).

import { OpcuaSoftPlcServer } from '../opcua/opcua-soft-plc-server.ts';
import { AdsSoftPlcServer } from '../ads/ads-soft-plc.ts';
import { S7SoftPlcServer } from '../s7/s7-soft-plc.ts';
import { ModbusSoftPlcServer } from '../modbus/modbus-soft-plc.ts';
import type { SoftPlcServer } from './soft-plc-server.ts';

export type SoftPlcServerFactory = () => SoftPlcServer;

export const softPlcServers: Readonly<Record<string, SoftPlcServerFactory>> = {
  opcua: () => new OpcuaSoftPlcServer(),
  ads: () => new AdsSoftPlcServer(),
  s7: () => new S7SoftPlcServer(),
  modbus: () => new ModbusSoftPlcServer(),
};
