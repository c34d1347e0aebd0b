// The lanes of the item pool: every place an item can be. Belt conveyors come first (so a
// belt's lane is its index among conveyors, as sensors on belts assume), then roller conveyors,
// machines, buffers and pick-and-place stations, each in file order. The pool, the mimic's item
// view and the model's build context all derive the lanes from this one function.

import type { ComponentConfig } from './line.ts';
import { ringCapacity } from './items.ts';

/** Component types whose instances hold items, in lane order. */
export const LANE_TYPES: readonly string[] = ['conveyor', 'rollerconveyor', 'machine', 'buffer', 'pickplace'];

/** One lane: its component, its length (continuous lanes, m) and its fixed capacity (stations; 0 for continuous). */
export interface Lane {
  readonly cfg: ComponentConfig;
  readonly length: number;
  readonly capacity: number;
}

/** Items a station lane holds: a buffer its `capacity`, a machine or pick-and-place one. */
function stationCapacity(cfg: ComponentConfig): number {
  if (cfg.type === 'buffer') {
    const c = cfg['capacity'];
    return typeof c === 'number' && c >= 1 ? Math.floor(c) : 5;
  }
  return 1;
}

/** The lanes of a line, in pool order. Never throws (it also serves the item-slot count of unvalidated files). */
export function lanesOf(components: readonly ComponentConfig[]): Lane[] {
  const out: Lane[] = [];
  for (const type of LANE_TYPES) {
    for (const cfg of components) {
      if (cfg.type !== type) continue;
      const continuous = type === 'conveyor' || type === 'rollerconveyor';
      const len = cfg['length'];
      out.push({ cfg, length: continuous && typeof len === 'number' && len > 0 ? len : 0, capacity: continuous ? 0 : stationCapacity(cfg) });
    }
  }
  return out;
}

/** Item slots of one lane (the pool's ring size). */
export function laneSlots(lane: Lane, minItemLength: number): number {
  return lane.capacity > 0 ? lane.capacity : ringCapacity(lane.length, minItemLength);
}
