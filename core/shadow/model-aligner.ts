// Re-synchronisation hooks on the model, as the twin's resync rules use them: maps a photo-eye
// to its conveyor and position from the line file, and calls Model.alignItem (move the item
// nearest to the eye onto it, or place one) and Model.setStroke (a pusher or cylinder at its
// end switch).

import type { LineFile, Model } from '../../physics/model.ts';
import { TwinloopError } from '../errors.ts';
import type { ResyncRule } from './rules.ts';
import type { ModelAligner } from './shadow-twin.ts';

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

/** The aligner of a model. */
export function modelAligner(model: Model, line: LineFile): ModelAligner | undefined {
  const sensors = new Map<string, { conveyor: string; position: number }>();
  for (const c of line.components) {
    const conveyor = c['conveyor'];
    const position = c['position'];
    if (ITEM_TYPES.has(c.type) && typeof conveyor === 'string' && typeof position === 'number') sensors.set(c.id, { conveyor, position });
  }
  return {
    alignItem(sensor: string, captureM: number): boolean {
      const s = sensors.get(sensor);
      return s !== undefined && model.alignItem(s.conveyor, s.position, captureM);
    },
    setStroke(component: string, value: number): boolean {
      return model.setStroke(component, value);
    },
  };
}
