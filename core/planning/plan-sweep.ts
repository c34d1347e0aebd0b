// What-if sweeps over a production plan (twinloop sweep FILE when FILE names a `plan:`): a grid
// of the plan's operator pool, shift calendar (days, shifts, breaks, stops), speed (a factor on
// every station's rate), rule and seed, expanded to points; each point is the plan file with the
// point's values put in before it is checked (so a bad shift list is reported like a bad plan),
// run as the schedule or on the virtual line. The points then compare like rules do
// (plan-compare.ts): each KPI per point, the best marked.

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { SchemaValidator } from '../config/schema-validator.ts';
import { readYaml, type YamlSource } from '../config/yaml-document.ts';
import { TwinloopError } from '../errors.ts';
import { planFrom } from './plan-file.ts';
import type { PlanSpec, Rule } from './plan-spec.ts';

export const PLAN_SWEEP_SCHEMA_URL = new URL('./plan-sweep.schema.json', import.meta.url);

/** Most points a plan sweep may have. */
export const MAX_PLAN_POINTS = 1000;

export type AxisValue = number | string | readonly object[];

export interface PlanSweepSpec {
  readonly name: string;
  readonly file: string;
  /** Absolute path of the plan file. */
  readonly plan: string;
  readonly onLine: boolean;
  readonly rule: Rule | undefined;
  readonly seed: number | undefined;
  readonly grid: Readonly<Record<string, readonly AxisValue[]>>;
}

/** One point: its values by axis and a short label for the tables. */
export interface PlanPoint {
  readonly index: number;
  readonly label: string;
  readonly values: Readonly<Record<string, AxisValue>>;
}

let validator: SchemaValidator | undefined;

/** Whether a YAML file is a plan sweep (it names a `plan:`), not a line-parameter sweep. Never throws. */
export function isPlanSweepFile(file: string): boolean {
  try {
    const d = parse(readFileSync(file, 'utf8')) as unknown;
    return typeof d === 'object' && d !== null && typeof (d as Record<string, unknown>)['plan'] === 'string';
  } catch {
    return false;
  }
}

/** Read and check a plan sweep file. @throws ConfigError */
export function loadPlanSweepFile(file: string): PlanSweepSpec {
  const src = readYaml(file);
  validator ??= new SchemaValidator(JSON.parse(readFileSync(PLAN_SWEEP_SCHEMA_URL, 'utf8')) as object);
  validator.assert(src);
  const d = src.data as { name: string; plan: string; onLine?: boolean; rule?: Rule; seed?: number; grid: Record<string, AxisValue[]> };
  const dir = dirname(resolve(file));
  const n = Object.values(d.grid).reduce((p, v) => p * v.length, 1);
  if (n > MAX_PLAN_POINTS) throw new TwinloopError('CFG_INVALID', `${file}: grid has ${n} points, at most ${MAX_PLAN_POINTS}`);
  return { name: d.name, file, plan: isAbsolute(d.plan) ? d.plan : resolve(dir, d.plan), onLine: d.onLine ?? false, rule: d.rule, seed: d.seed, grid: d.grid };
}

/** A value as the tables show it: shift lists as their windows (06:00-14:00+14:00-22:00). */
export function showAxisValue(v: AxisValue): string {
  if (!Array.isArray(v)) return String(v);
  return (v as Record<string, unknown>[]).map((w) => `${String(w['start'])}${w['end'] !== undefined ? `-${String(w['end'])}` : w['length'] !== undefined ? `+${String(w['length'])}` : ''}`).join(' ') || 'none';
}

/** Every combination of the grid's values, the first axis slowest. */
export function expandPlanGrid(spec: PlanSweepSpec): PlanPoint[] {
  const axes = Object.keys(spec.grid);
  let combos: Record<string, AxisValue>[] = [{}];
  for (const a of axes) combos = combos.flatMap((c) => spec.grid[a]!.map((v) => ({ ...c, [a]: v })));
  return combos.map((values, index) => ({ index, values, label: axes.map((a) => `${a.replace('calendar.', '')}=${showAxisValue(values[a]!)}`).join(' ') }));
}

/**
 * The plan of one point: the plan file's data with the point's operators and calendar put in,
 * checked as a plan file is, then the speed applied to the cycle times.
 * @throws ConfigError when the point makes the plan invalid
 */
export function planOfPoint(planFile: string, values: Readonly<Record<string, AxisValue>>): PlanSpec {
  const src = readYaml(planFile);
  const data = structuredClone(src.data) as Record<string, unknown>;
  for (const [axis, v] of Object.entries(values)) {
    if (axis === 'operators') {
      if (v === 'unlimited') delete data['operators'];
      else data['operators'] = Number(v);
    } else if (axis.startsWith('calendar.')) {
      // A plan without a calendar works around the clock: the same as one shift of 24 h every day.
      const cal = (data['calendar'] ?? { days: 7, shifts: [{ start: 0, end: 86400 }] }) as Record<string, unknown>;
      cal[axis.slice('calendar.'.length)] = v;
      data['calendar'] = cal;
    }
  }
  const changed: YamlSource = { file: src.file, data, lineOf: (segs) => src.lineOf(segs) };
  const plan = planFrom(changed);
  const speed = values['speed'];
  if (typeof speed !== 'number' || speed === 1) return plan;
  // Faster stations: every cycle time divided by the factor (energy per unit stays the product's).
  return { ...plan, products: plan.products.map((p) => ({ ...p, cycleTime: p.cycleTime.map((c) => c / speed) })) };
}
