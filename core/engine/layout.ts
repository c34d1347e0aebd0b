// The mimic's view of a line file, shared by every kind of run (engine, shadow twin, replay):
// kept apart from engine.ts so the shadow run can use it without importing the engine.

import type { LineFile } from '../../physics/model.ts';
import { DEFAULT_SCALE } from '../../physics/item-mimic.ts';
import type { LayoutEntry } from './run-control.ts';

/**
 * The mimic's view of the line: positions, references and numeric parameters per component.
 * Every entry carries the line's `scale` (px per metre) so a shape can be drawn on its own.
 */
export function layoutOf(line: LineFile): LayoutEntry[] {
  const scale = line.layout?.scale ?? DEFAULT_SCALE;
  return line.components.map((c) => {
    const refs: Record<string, string> = {};
    const params: Record<string, number> = { scale };
    for (const [k, v] of Object.entries(c)) {
      if (k === 'id' || k === 'type' || k === 'layout') continue;
      if (typeof v === 'string') refs[k] = v;
      else if (typeof v === 'number') params[k] = v;
    }
    const l = c.layout;
    return {
      id: c.id,
      type: c.type,
      x: l?.x ?? 0,
      y: l?.y ?? 0,
      ...(l?.w !== undefined ? { w: l.w } : {}),
      ...(l?.h !== undefined ? { h: l.h } : {}),
      ...(l?.rotation !== undefined ? { rotation: l.rotation } : {}),
      refs,
      params,
    };
  });
}
