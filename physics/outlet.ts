// Where a roller conveyor or a station passes its items on: another lane of the item pool
// (a belt, a roller conveyor, a machine, a buffer, a pick-and-place), a bin, or nowhere (the
// item leaves the line: a sink, counted by the station). Resolved once at build to two
// indices, so the step loops pass items on with integer arguments only.

import type { BuildContext, RefParam } from './component.ts';
import type { Bins } from './bin.ts';
import type { ItemPool } from './items.ts';

/** The `next` parameter of roller conveyors and stations. */
export const OUTLET_PARAM: RefParam = {
  kind: 'ref',
  targets: ['conveyor', 'rollerconveyor', 'machine', 'buffer', 'pickplace', 'bin'],
  optional: true,
  description: 'Id of the conveyor, roller conveyor, station or bin that receives the items. Default: none (roller conveyor: an end stop; station: items leave the line)',
};

/** Lane and bin index of an outlet id (each -1 when not that kind; both -1 for none). Build time. */
export function resolveOutlet(ctx: BuildContext, next: unknown, out: Int32Array, laneAt: number, binAt: number): void {
  out[laneAt] = -1;
  out[binAt] = -1;
  if (typeof next !== 'string') return;
  if (ctx.typeOf(next) === 'bin') out[binAt] = ctx.indexOf(next);
  else out[laneAt] = ctx.lane(next);
}

/** Whether the front item of lane `from` could be passed on now. */
export function outletAccepts(pool: ItemPool, from: number, lane: number): boolean {
  return lane < 0 || pool.accepts(lane, pool.at(from, 0));
}

/**
 * Pass the front item of lane `from` on: into lane `lane` if it accepts it, else into bin
 * `bin`, else off the line. Returns false (nothing moved) when the lane does not accept it.
 */
export function passOn(pool: ItemPool, bins: Bins, from: number, lane: number, bin: number): boolean {
  if (lane >= 0) {
    if (!pool.accepts(lane, pool.at(from, 0))) return false;
    pool.handOver(from, lane);
  } else if (bin >= 0) {
    bins.receive(bin, pool.removeAt(from, 0));
  } else {
    pool.removeAt(from, 0);
  }
  return true;
}
