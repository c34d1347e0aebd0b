// Coating stations: a nozzle at a point of a belt conveyor sprays a film across the items' width
// as they pass. Each item's film thickness follows from the flow and the line speed at the moment
// its centre passes the nozzle: t = Q / (w · v) (µm from cm³/s, m and m/s), recorded on the item
// for the quality rule. A faster line gives a thinner film. Stepped by point-station.ts.

import type { ComponentType } from './component.ts';
import { checkPositionOnConveyor, readNumber } from './component.ts';
import type { PointStationSpec } from './point-station.ts';
import { COAT } from './items.ts';

/** Catalog entry for coating stations. */
export const coatingType: ComponentType = {
  type: 'coating',
  description: 'Coating station at a point of a conveyor: film thickness = flow / (width x line speed)',
  params: {
    conveyor: { kind: 'ref', targets: ['conveyor'], description: 'Id of the conveyor' },
    position: { kind: 'number', unit: 'm', minimum: 0, description: 'Nozzle position from the conveyor start' },
    flow: { kind: 'number', unit: 'cm³/s', default: 10, minimum: 0, description: 'Coating flow (wet film volume)' },
    width: { kind: 'number', unit: 'm', default: 0.2, exclusiveMinimum: 0, description: 'Coated width across the item' },
    control: { kind: 'string', enum: ['auto', 'plc'], optional: true, description: 'auto: always spraying; plc: while .on' },
    pumpPower: { kind: 'number', unit: 'kW', default: 0.5, minimum: 0, description: 'Electrical power while spraying' },
    wearRate: { kind: 'number', unit: '1/h', default: 1e-4, minimum: 0, description: 'Nozzle wear per hour spraying' },
  },
  signals: [
    { field: 'on', type: 'bool', kind: 'actuator', unit: '', description: 'control plc: spray' },
    { field: 'spraying', type: 'bool', kind: 'sensor', unit: '', description: 'Spraying' },
    { field: 'items', type: 'int', kind: 'state', unit: '', description: 'Items coated since reset' },
    { field: 'thickness', type: 'real', kind: 'state', unit: 'µm', description: 'Film on the last item coated' },
    { field: 'power', type: 'real', kind: 'state', unit: 'kW', description: 'Electrical power' },
    { field: 'energy', type: 'real', kind: 'state', unit: 'kWh', description: 'Energy since reset' },
    { field: 'wear', type: 'real', kind: 'state', unit: '', description: 'Nozzle wear 0..1' },
  ],
  check: checkPositionOnConveyor,
};

/** Coating: film thickness t = (Q / w) / v on the item (COAT); the pump draws whenever spraying. */
export const coatingStation: PointStationSpec = {
  type: coatingType,
  attribute: COAT,
  // cm³/s over m·m/s is 1e-6 m = 1 µm: the ratio is the thickness in µm.
  factor: (cfg, path) => readNumber(cfg, coatingType, 'flow', path) / readNumber(cfg, coatingType, 'width', path),
  power: (cfg, path) => readNumber(cfg, coatingType, 'pumpPower', path),
  whileCovered: false,
};
