// Product variants in the line file: the top-level `products:` (per product its family, cycle
// time and energy per station, and its setpoints) and a machine's `changeover:` block (the time
// from family to family, what a changeover consumes, and the process values it must settle).
// Here: their types, their JSON Schema fragments (physics/schema.ts puts them into the published
// line schema) and the cross-checks that run after the schema (checkReferences in line.ts).
// The planning run (core/planning/plan-file.ts) reads them; a plain run of the line ignores them.

import type { ReferenceIssue } from './component.ts';
import type { ComponentConfig } from './line.ts';

/** A time in a changeover block: seconds, or text as in a plan file (90s, 20min, 1h30min). */
export type LineDuration = number | string;

/** One product of the line file's `products:`. */
export interface LineProduct {
  name: string;
  /** Changeover family; default the product name. */
  family?: string;
  /** Machine id -> s per unit; a station not named is passed at 0 s. */
  cycleTime: Record<string, number>;
  /** Machine id -> kWh per unit (default: the station's busy power over the cycle). */
  energy?: Record<string, number>;
  /**
   * Per product process settings. A key naming a line signal (`f1.power`) is written to the line
   * when the product's station is told the product (an actuator), or is the value a station's
   * changeover waits for (`changeover.settle`); other keys (`spindle`) are data for the report.
   */
  setpoints?: Record<string, number | string>;
}

/** What one changeover consumes beyond the station's idle power and time. */
export interface ChangeoverConsumes {
  /** kWh per changeover. */
  energy?: number;
  /** Units of material scrapped per changeover (trial pieces). */
  scrap?: number;
}

/** A machine's `changeover:` block (the same shape as a plan station's). */
export interface LineChangeover {
  default?: LineDuration;
  /** from family -> to family -> time */
  matrix?: Record<string, Record<string, LineDuration>>;
  /** Family set up at the start; default none (the first product needs no changeover). */
  initial?: string;
  consumes?: ChangeoverConsumes;
  /** Process value (a line signal) -> tolerance: the changeover ends only once each is within its tolerance of the product's setpoint for it. */
  settle?: Record<string, number>;
}

/** Durations as text, checked by the schema (the planning loader parses them: plan-time.ts). */
export const DURATION_PATTERN = '^(?:\\s*\\d+(?:\\.\\d+)?\\s*(?:d|h|min|s)\\s*)+$';

type Json = Record<string, unknown>;

const duration: Json = {
  oneOf: [
    { type: 'number', minimum: 0 },
    { type: 'string', pattern: DURATION_PATTERN },
  ],
  description: 'Seconds, or text: 90s, 20min, 1h30min',
};

const SIGNAL_NAME = '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+$';

/** Schema definitions `product`, `changeover` and `duration` of the line schema. */
export function productSchemaDefinitions(): Json {
  const perStation = { type: 'object', additionalProperties: { type: 'number', minimum: 0 } };
  return {
    duration,
    product: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'cycleTime'],
      description: 'A product variant (twinloop plan reads it; docs/planning.md)',
      properties: {
        name: { type: 'string', minLength: 1 },
        family: { type: 'string', minLength: 1, description: 'Changeover family; default the product name' },
        cycleTime: { ...perStation, description: 'machine id -> s per unit; a station not named is passed at 0 s' },
        energy: { ...perStation, description: 'machine id -> kWh per unit; default the station busy power over the cycle' },
        setpoints: {
          type: 'object',
          additionalProperties: { type: ['number', 'string'] },
          description: 'Process settings per product: a line signal (f1.power) is written when the station is told the product, or is the value a changeover settles on; other keys are reported only',
        },
      },
    },
    changeover: {
      type: 'object',
      additionalProperties: false,
      description: 'Changeovers between product families (twinloop plan; docs/planning.md)',
      properties: {
        default: { $ref: '#/definitions/duration', description: 'From any family to another; default 0' },
        matrix: { type: 'object', additionalProperties: { type: 'object', additionalProperties: { $ref: '#/definitions/duration' } }, description: 'from family -> to family -> time' },
        initial: { type: 'string', minLength: 1, description: 'Family set up at the start; default none' },
        consumes: {
          type: 'object',
          additionalProperties: false,
          description: 'What one changeover consumes',
          properties: {
            energy: { type: 'number', minimum: 0, description: 'kWh per changeover' },
            scrap: { type: 'number', minimum: 0, description: 'Units of material scrapped per changeover' },
          },
        },
        settle: {
          type: 'object',
          propertyNames: { pattern: SIGNAL_NAME },
          additionalProperties: { type: 'number', exclusiveMinimum: 0 },
          description: "Process value (line signal) -> tolerance: the changeover ends only once it is within the tolerance of the product's setpoint for it",
        },
      },
    },
  };
}

/**
 * Cross-checks of `products:` and the machines' `changeover:` blocks: unique names, machines that
 * exist, families that exist, signals that exist. Never throws, even on a file that failed the
 * schema.
 * @param signalNames the line's signal names (lazily: only built when a check needs them)
 */
export function checkLineProducts(
  products: unknown,
  valid: readonly { cfg: ComponentConfig; index: number }[],
  signalNames: () => ReadonlySet<string> | undefined,
  out: ReferenceIssue[],
): void {
  const machines = valid.filter((v) => v.cfg.type === 'machine').map((v) => v.cfg.id);
  const list: unknown[] = Array.isArray(products) ? products : [];
  const names = new Map<string, number>();
  const families = new Set<string>();
  const isSignal = (key: string): boolean => key.includes('.');
  list.forEach((p, k) => {
    if (typeof p !== 'object' || p === null) return;
    const r = p as Record<string, unknown>;
    const path = `products[${k}]`;
    if (typeof r['name'] === 'string') {
      const first = names.get(r['name']);
      if (first !== undefined) out.push({ path: `${path}.name`, message: `duplicate product ${r['name']}; first named by products[${first}]` });
      else names.set(r['name'], k);
      families.add(typeof r['family'] === 'string' ? r['family'] : r['name']);
    }
    for (const field of ['cycleTime', 'energy']) {
      const m = r[field];
      if (typeof m !== 'object' || m === null) continue;
      for (const id of Object.keys(m)) {
        if (!machines.includes(id)) out.push({ path: `${path}.${field}.${id}`, message: `unknown machine ${id}; machines: ${machines.join(', ') || 'none'}` });
      }
    }
    const sp = r['setpoints'];
    if (typeof sp === 'object' && sp !== null) {
      for (const [key, v] of Object.entries(sp)) {
        if (!isSignal(key)) continue;
        const known = signalNames();
        if (known !== undefined && !known.has(key)) out.push({ path: `${path}.setpoints.${key}`, message: `names no signal of this line (a setpoint with a dot names a signal, <id>.<field>)` });
        else if (typeof v !== 'number') out.push({ path: `${path}.setpoints.${key}`, message: `must be a number: it is a value of signal ${key}` });
      }
    }
  });
  for (const { cfg, index } of valid) {
    const co = cfg['changeover'];
    if (cfg.type !== 'machine' || typeof co !== 'object' || co === null) continue;
    const c = co as Record<string, unknown>;
    const path = `components[${index}].changeover`;
    // Without products in the line the families are the plan's: plan-file.ts checks them there.
    if (list.length > 0) {
      const fam = [...families].join(', ');
      const matrix = c['matrix'];
      if (typeof matrix === 'object' && matrix !== null) {
        for (const [from, row] of Object.entries(matrix)) {
          if (!families.has(from)) out.push({ path: `${path}.matrix.${from}`, message: `unknown family ${from}; families: ${fam}` });
          if (typeof row !== 'object' || row === null) continue;
          for (const to of Object.keys(row)) if (!families.has(to)) out.push({ path: `${path}.matrix.${from}.${to}`, message: `unknown family ${to}; families: ${fam}` });
        }
      }
      if (typeof c['initial'] === 'string' && !families.has(c['initial'])) out.push({ path: `${path}.initial`, message: `unknown family ${c['initial']}; families: ${fam}` });
    }
    const settle = c['settle'];
    if (typeof settle === 'object' && settle !== null) {
      for (const key of Object.keys(settle)) {
        const known = signalNames();
        if (known !== undefined && !known.has(key)) out.push({ path: `${path}.settle.${key}`, message: `names no signal of this line` });
      }
    }
  }
}
