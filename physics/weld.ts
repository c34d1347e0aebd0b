// Weld stations: a torch at a point of a belt conveyor lays a seam along each passing item. The
// heat input per unit length follows from the arc power and the travel (line) speed at the
// moment the item's centre passes the torch: HI = η · P / v (kJ/m from kW and m/s), recorded on
// the item for the quality rule. A faster line gives a colder seam. Stepped by point-station.ts.

import type { ComponentType } from './component.ts';
import { checkPositionOnConveyor, readNumber } from './component.ts';
import type { PointStationSpec } from './point-station.ts';
import { HEAT } from './items.ts';

/** Catalog entry for weld stations. */
export const weldType: ComponentType = {
  type: 'weld',
  description: 'Weld station at a point of a conveyor: heat input = efficiency x arc power / line speed',
  params: {
    conveyor: { kind: 'ref', targets: ['conveyor'], description: 'Id of the conveyor' },
    position: { kind: 'number', unit: 'm', minimum: 0, description: 'Torch position from the conveyor start' },
    power: { kind: 'number', unit: 'kW', default: 4, minimum: 0, description: 'Arc power' },
    efficiency: { kind: 'number', unit: '', default: 0.8, minimum: 0, maximum: 1, description: 'Arc (thermal) efficiency' },
    control: { kind: 'string', enum: ['auto', 'plc'], optional: true, description: 'auto: the arc burns whenever an item is under the torch; plc: only while .on' },
    wearRate: { kind: 'number', unit: '1/h', default: 1e-3, minimum: 0, description: 'Contact tip wear per arc hour' },
  },
  signals: [
    { field: 'on', type: 'bool', kind: 'actuator', unit: '', description: 'control plc: arc enabled' },
    { field: 'arc', type: 'bool', kind: 'sensor', unit: '', description: 'Arc burning (enabled and an item under the torch)' },
    { field: 'items', type: 'int', kind: 'state', unit: '', description: 'Items welded since reset' },
    { field: 'heatInput', type: 'real', kind: 'state', unit: 'kJ/m', description: 'Heat input of the last seam' },
    { field: 'power', type: 'real', kind: 'state', unit: 'kW', description: 'Electrical power (arc power while burning)' },
    { field: 'energy', type: 'real', kind: 'state', unit: 'kWh', description: 'Energy since reset' },
    { field: 'wear', type: 'real', kind: 'state', unit: '', description: 'Contact tip wear 0..1' },
  ],
  check: checkPositionOnConveyor,
};

/** Weld: heat input HI = (η P) / v on the item (HEAT); the arc burns only while an item covers the torch. */
export const weldStation: PointStationSpec = {
  type: weldType,
  attribute: HEAT,
  factor: (cfg, path) => readNumber(cfg, weldType, 'power', path) * readNumber(cfg, weldType, 'efficiency', path),
  power: (cfg, path) => readNumber(cfg, weldType, 'power', path),
  whileCovered: true,
};
