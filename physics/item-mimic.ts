// Item positions for the HMI mimic: one group of signals per item slot of the pool
// (`items.<k>.alive`, `.x`, `.y` in mimic px at the item's centre, `.cls` the class index in
// the order sources declare classes). A slot keeps its number while its item lives, so the
// page can animate it. Written only when values are published, not every physics step.

import type { SignalDef } from '../core/signals.ts';
import { TwinloopError } from '../core/errors.ts';
import type { ComponentConfig, LineFile } from './model.ts';
import { readNumber } from './component.ts';
import { sourceType } from './source.ts';
import { LANE_STATION, type ItemPool } from './items.ts';
import { laneSlots, lanesOf } from './lanes.ts';

export const ITEM_PREFIX = 'items';
/** Mimic px per metre when the line file gives no scale (the HMI uses the same default). */
export const DEFAULT_SCALE = 100;

/** Slots the item pool will have (the pool's own bound, from the line file before it is built). */
export function itemSlotCount(line: LineFile): number {
  let min = Infinity;
  for (const c of line.components) if (c.type === 'source') min = Math.min(min, readNumber(c, sourceType, 'itemLength', c.id));
  let total = 0;
  for (const lane of lanesOf(line.components)) total += laneSlots(lane, min);
  return total;
}

export function itemSignals(line: LineFile): SignalDef[] {
  const defs: SignalDef[] = [];
  const n = itemSlotCount(line);
  for (let k = 0; k < n; k++) {
    const p = `${ITEM_PREFIX}.${k}`;
    defs.push(
      { name: `${p}.alive`, type: 'bool', kind: 'state', unit: '', description: 'slot holds an item' },
      { name: `${p}.x`, type: 'real', kind: 'state', unit: 'px', description: 'item centre on the mimic' },
      { name: `${p}.y`, type: 'real', kind: 'state', unit: 'px', description: 'item centre on the mimic' },
      { name: `${p}.cls`, type: 'int', kind: 'state', unit: '', description: 'class index, in the order the sources declare classes' },
    );
  }
  return defs;
}

export class ItemMimic {
  readonly #pool: ItemPool;
  // Per conveyor: start point (px) and direction (unit vector x scale), from the layout.
  readonly #x0: Float64Array;
  readonly #y0: Float64Array;
  readonly #dx: Float64Array;
  readonly #dy: Float64Array;
  readonly #alive: Int32Array;
  readonly #x: Int32Array;
  readonly #y: Int32Array;
  readonly #cls: Int32Array;

  /** `conveyors`: the components holding the pool's lanes, in lane order (lanes.ts); stations draw their items at their layout point. */
  constructor(line: LineFile, conveyors: readonly ComponentConfig[], pool: ItemPool, resolve: (name: string) => number) {
    const n = itemSlotCount(line);
    if (n !== pool.capacity) throw new TwinloopError('MODEL_BUILD', `item view has ${n} slots but the pool ${pool.capacity}`);
    this.#pool = pool;
    const scale = line.layout?.scale ?? DEFAULT_SCALE;
    const m = conveyors.length;
    this.#x0 = new Float64Array(m);
    this.#y0 = new Float64Array(m);
    this.#dx = new Float64Array(m);
    this.#dy = new Float64Array(m);
    conveyors.forEach((c, i) => {
      const rot = ((c.layout?.rotation ?? 0) * Math.PI) / 180;
      this.#x0[i] = c.layout?.x ?? 0;
      this.#y0[i] = c.layout?.y ?? 0;
      const still = pool.laneKind[i] === LANE_STATION ? 0 : 1;
      this.#dx[i] = Math.cos(rot) * scale * still;
      this.#dy[i] = Math.sin(rot) * scale * still;
    });
    const ids = (field: string): Int32Array => Int32Array.from({ length: n }, (_, k) => resolve(`${ITEM_PREFIX}.${k}.${field}`));
    this.#alive = ids('alive');
    this.#x = ids('x');
    this.#y = ids('y');
    this.#cls = ids('cls');
  }

  /** Write every slot's view into `values`. Allocation-free. */
  write(values: Float64Array): void {
    const pool = this.#pool;
    const n = pool.capacity;
    for (let s = 0; s < n; s++) {
      if (pool.alive[s] === 0) {
        values[this.#alive[s]!] = 0;
        continue;
      }
      const c = pool.conveyor[s]!;
      const along = pool.frontOf(c, s) - pool.length[s]! / 2;
      values[this.#alive[s]!] = 1;
      values[this.#x[s]!] = this.#x0[c]! + this.#dx[c]! * along;
      values[this.#y[s]!] = this.#y0[c]! + this.#dy[c]! * along;
      values[this.#cls[s]!] = pool.cls[s]!;
    }
  }
}
