// Re-synchronisation hooks on the model, as the twin's resync rules use them. The physics
// model does not expose item placement or cylinder strokes yet (physics/model.ts keeps its
// item pool private); this adapter maps a photo-eye to its conveyor and position from the line
// file and calls the Model methods below when they exist, so re-sync starts working the day
// physics adds them, with no change here:
//   alignItem(conveyor: string, front: number, captureM: number): boolean
//     move the item whose front is nearest to `front` (within captureM) so its front is
//     there, or place a new item there if none is near; true when the model changed
//   setStroke(component: string, stroke: number): boolean
//     put a cylinder or pusher at a stroke fraction 0..1; true when it changed

import type { LineFile, Model } from '../../physics/model.ts';
import { TwinloopError } from '../errors.ts';
import type { ResyncRule } from './rules.ts';
import type { ModelAligner } from './shadow-twin.ts';

interface ResyncHooks {
  alignItem(conveyor: string, front: number, captureM: number): boolean;
  setStroke(component: string, stroke: number): boolean;
}

const ITEM_TYPES = new Set(['photoeye', 'classifier', 'proximity']);
const STROKE_TYPES = new Set(['pusher', 'cylinder']);

/** Check resync rules against the line: the components exist and are of a fitting type. */
export function checkResyncRules(rules: readonly ResyncRule[], line: LineFile): void {
  const byId = new Map(line.components.map((c) => [c.id, c] as const));
  rules.forEach((r, i) => {
    const c = byId.get(r.component);
    const ok = r.kind === 'item' ? ITEM_TYPES : STROKE_TYPES;
    if (!c) throw new TwinloopError('CFG_INVALID', `shadow.resync[${i}].component: unknown component ${r.component}`);
    if (!ok.has(c.type)) throw new TwinloopError('CFG_INVALID', `shadow.resync[${i}].component: ${r.component} is a ${c.type}; a ${r.kind} rule needs one of ${[...ok].join(', ')}`);
  });
}

/** The aligner of a model, or undefined while the model lacks the hooks. */
export function modelAligner(model: Model, line: LineFile): ModelAligner | undefined {
  const hooks = model as unknown as Partial<ResyncHooks>;
  const align = hooks.alignItem;
  const stroke = hooks.setStroke;
  if (typeof align !== 'function' || typeof stroke !== 'function') return undefined;
  const sensors = new Map<string, { conveyor: string; position: number }>();
  for (const c of line.components) {
    const conveyor = c['conveyor'];
    const position = c['position'];
    if (ITEM_TYPES.has(c.type) && typeof conveyor === 'string' && typeof position === 'number') sensors.set(c.id, { conveyor, position });
  }
  return {
    alignItem(sensor: string, captureM: number): boolean {
      const s = sensors.get(sensor);
      return s !== undefined && align.call(model, s.conveyor, s.position, captureM);
    },
    setStroke(component: string, value: number): boolean {
      return stroke.call(model, component, value);
    },
  };
}
