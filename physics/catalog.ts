// The catalog of component types a line file may use, and the line-level signals every line
// has. Adding a component type means adding its file and one entry here.

import type { ComponentType, FieldSpec } from './component.ts';
import { binType } from './bin.ts';
import { classifierType } from './classifier.ts';
import { conveyorType } from './conveyor.ts';
import { driveType } from './drive.ts';
import { photoeyeType } from './photoeye.ts';
import { pusherType } from './pusher.ts';
import { sourceType } from './source.ts';
import { compressorType } from './compressor.ts';
import { cylinderType } from './cylinder.ts';
import { encoderType } from './encoder.ts';
import { furnaceType } from './furnace.ts';
import { limitSwitchType } from './limit-switch.ts';
import { proximityType } from './proximity.ts';
import { pumpType } from './pump.ts';
import { qualityType } from './quality.ts';
import { tankType } from './tank.ts';
import { transmitterType } from './transmitter.ts';
import { valveType } from './valve.ts';
import { rollerConveyorType } from './roller-conveyor.ts';
import { machineType } from './machine.ts';
import { bufferType } from './buffer.ts';
import { pickPlaceType } from './pick-place.ts';
import { coatingType } from './coating.ts';
import { weldType } from './weld.ts';
import { orderSourceType } from './order-source.ts';

/** Every component type, in the order the docs and the schema list them. */
export const COMPONENT_TYPES: readonly ComponentType[] = [
  driveType,
  conveyorType,
  sourceType,
  photoeyeType,
  classifierType,
  pusherType,
  binType,
  proximityType,
  limitSwitchType,
  encoderType,
  transmitterType,
  compressorType,
  cylinderType,
  tankType,
  valveType,
  pumpType,
  furnaceType,
  qualityType,
  rollerConveyorType,
  machineType,
  bufferType,
  pickPlaceType,
  coatingType,
  weldType,
  orderSourceType,
];

const BY_NAME: ReadonlyMap<string, ComponentType> = new Map(COMPONENT_TYPES.map((t) => [t.type, t]));

/** The type declaration for a type name, if it exists. */
export function componentType(name: string): ComponentType | undefined {
  return BY_NAME.get(name);
}

/** Names of all component types, for "known: ..." messages. */
export function typeNames(): string[] {
  return COMPONENT_TYPES.map((t) => t.type);
}

/** Prefix of the line-level signals; no component may take it as its id. */
export const LINE_PREFIX = 'line';

/** Line-level signals, published as `line.<field>` ahead of all component signals. */
export const LINE_SIGNALS: readonly FieldSpec[] = [
  { field: 'power', type: 'real', kind: 'state', unit: 'kW', description: 'Electrical power of all powered components (drives, compressors, pumps, furnaces, roller zones, machines, pick-and-place, coating, weld)' },
  { field: 'energy', type: 'real', kind: 'state', unit: 'kWh', description: 'Electrical energy of the line since reset' },
  { field: 'items', type: 'int', kind: 'state', unit: '', description: 'Items in transit on conveyors' },
  { field: 'created', type: 'int', kind: 'state', unit: '', description: 'Items created by all sources since reset' },
];
