// The signal catalog the integration benchmarks publish (Sparkplug B, the twin's OPC UA server):
// 1 000 components of ten signals each (reals, ints and bools; sensors, states, actuators), the
// size of a large plant's tag list.

import type { SignalDef } from '../core/signals.ts';

export const COMPONENTS = 1000;
export const FIELDS: readonly Pick<SignalDef, 'type' | 'kind' | 'unit'>[] = [
  { type: 'real', kind: 'sensor', unit: 'm/s' },
  { type: 'real', kind: 'sensor', unit: 'A' },
  { type: 'real', kind: 'state', unit: '°C' },
  { type: 'real', kind: 'state', unit: 'm' },
  { type: 'real', kind: 'actuator', unit: '%' },
  { type: 'real', kind: 'sensor', unit: 'bar' },
  { type: 'int', kind: 'state', unit: '' },
  { type: 'int', kind: 'state', unit: '' },
  { type: 'bool', kind: 'actuator', unit: '' },
  { type: 'bool', kind: 'sensor', unit: '' },
];

/** `c<k>.f<j>` for every component k and field j. */
export function wideCatalog(): SignalDef[] {
  const defs: SignalDef[] = [];
  for (let c = 0; c < COMPONENTS; c++) FIELDS.forEach((f, j) => defs.push({ name: `c${c}.f${j}`, ...f }));
  return defs;
}
