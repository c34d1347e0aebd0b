// One (rule, seed) run of a plan as a unit of work, the same in this thread and in a pool worker:
// schedule, KPIs and the Gantt bars, as plain data (structured-clone friendly).

import { loadPlanFile } from './plan-file.ts';
import type { PlanSpec, Rule } from './plan-spec.ts';
import { planKpis, wipSeries, type PlanKpis } from './plan-kpis.ts';
import { runSchedule, type Segment } from './schedule.ts';

/** Samples of the WIP curve in the report. */
export const WIP_SAMPLES = 240;

export interface PlanResult {
  readonly kpis: PlanKpis;
  readonly segments: readonly Segment[];
  readonly sequence: readonly number[];
  readonly wip: { readonly t: readonly number[]; readonly n: readonly number[] };
  /** Wall time of this run, ms (not part of the deterministic result). */
  readonly wallMs: number;
}

export interface PlanTask {
  /** The plan file (workers load it themselves: a path crosses the thread boundary cheaply). */
  readonly file: string;
  readonly rule: Rule;
  readonly seed: number;
  /** The operator pool's size instead of the file's (--operators). */
  readonly operators?: number | null;
}

export function runPlan(plan: PlanSpec, rule: Rule, seed: number): PlanResult {
  const t0 = performance.now();
  const run = runSchedule(plan, rule, seed);
  const kpis = planKpis(plan, run);
  const w = wipSeries(run, WIP_SAMPLES);
  return { kpis, segments: run.segments, sequence: run.sequence, wip: { t: Array.from(w.t), n: Array.from(w.wip) }, wallMs: performance.now() - t0 };
}

export function runPlanTask(task: PlanTask): PlanResult {
  const plan = loadPlanFile(task.file);
  return runPlan(task.operators !== undefined ? { ...plan, operators: task.operators } : plan, task.rule, task.seed);
}
