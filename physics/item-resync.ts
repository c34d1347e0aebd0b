// Re-synchronisation of items on a conveyor, for shadow mode: when the real line's photo-eye
// sees an item's front, the twin moves its nearest item there (or places one when none is
// near), so the model does not drift from the line. Pure functions on an ItemPool, kept out of
// model.ts; Model.alignItem delegates here (see docs/shadow.md). Allocation-free: the caller
// passes a scratch geometry array.

import type { ItemPool } from './items.ts';

export const ALIGN_NONE = 0;
export const ALIGN_MOVED = 1;
export const ALIGN_PLACED = 2;

/**
 * Align conveyor c's item whose front is nearest to `front` (within captureM, m) so its front
 * is at `front`, keeping the belt order (never past its neighbours). When no item is that
 * near, place a new item of class `cls` with its front at `front` if it fits behind the
 * rear-most item; its length and height are taken from `geometry[1]` and `geometry[2]`
 * (`geometry[0]` is overwritten with the front).
 * @returns ALIGN_MOVED, ALIGN_PLACED or ALIGN_NONE (nothing near and no room, or already there)
 */
export function alignItemOnConveyor(pool: ItemPool, c: number, front: number, captureM: number, geometry: Float64Array, cls: number): number {
  const count = pool.count[c]!;
  const len = pool.convLength[c]!;
  let best = -1;
  let bestD = Infinity;
  for (let k = 0; k < count; k++) {
    const d = Math.abs(pool.frontOf(c, pool.at(c, k)) - front);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  if (best >= 0 && bestD <= captureM) {
    const s = pool.at(c, best);
    // Between the rear of the item ahead and the front of the item behind plus this length.
    let hi = len;
    if (best > 0) {
      const a = pool.at(c, best - 1);
      hi = Math.min(hi, pool.frontOf(c, a) - pool.length[a]!);
    }
    let lo = 0;
    if (best < count - 1) lo = pool.frontOf(c, pool.at(c, best + 1)) + pool.length[s]!;
    const target = front < lo ? lo : front > hi ? hi : front;
    if (lo > hi || target === pool.frontOf(c, s)) return ALIGN_NONE;
    pool.setFront(c, s, target);
    return ALIGN_MOVED;
  }
  // A new item goes in at the rear of the ring: only behind the rear-most item.
  if (count > 0) {
    const r = pool.at(c, count - 1);
    if (front > pool.frontOf(c, r) - pool.length[r]!) return ALIGN_NONE;
  }
  geometry[0] = front;
  return pool.add(c, geometry, 0, cls) >= 0 ? ALIGN_PLACED : ALIGN_NONE;
}
