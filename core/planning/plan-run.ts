// One (rule, seed) run of a plan as a unit of work, the same in this thread and in a pool worker:
// schedule (or the run on the virtual line, on-line-run.ts), KPIs and the Gantt bars, as plain
// data (structured-clone friendly).

import { loadPlanFile } from './plan-file.ts';
import type { PlanSpec, Rule } from './plan-spec.ts';
import { planKpis, wipSeries, type PlanKpis } from './plan-kpis.ts';
import { runSchedule, type ScheduleRun, type Segment } from './schedule.ts';
import { runOnLine, type OnLineOptions } from './on-line-run.ts';
import { planOfPoint, type AxisValue } from './plan-sweep.ts';

/** Samples of the WIP curve in the report. */
export const WIP_SAMPLES = 240;

export interface PlanResult {
  readonly kpis: PlanKpis;
  readonly segments: readonly Segment[];
  readonly sequence: readonly number[];
  readonly wip: { readonly t: readonly number[]; readonly n: readonly number[] };
  /** Wall time of this run, ms (not part of the deterministic result). */
  readonly wallMs: number;
  /** On the virtual line: physics steps taken and their length, s. Absent for the schedule. */
  readonly onLine?: { readonly ticks: number; readonly dt: number };
}

export interface PlanTask {
  /** The plan file (workers load it themselves: a path crosses the thread boundary cheaply). */
  readonly file: string;
  readonly rule: Rule;
  readonly seed: number;
  /** The operator pool's size instead of the file's (--operators). */
  readonly operators?: number | null;
  /** Run on the virtual line (the plan's line file, or this one) instead of the schedule. */
  readonly onLine?: boolean;
  readonly line?: string;
  /** Progress of on-line runs on stderr. */
  readonly progress?: boolean;
  /** A sweep point's values (plan-sweep.ts): put into the plan file before it is checked. */
  readonly point?: Readonly<Record<string, AxisValue>>;
}

/** @param onLine run on the virtual line with these options (undefined: the schedule) */
export function runPlan(plan: PlanSpec, rule: Rule, seed: number, onLine?: OnLineOptions): PlanResult {
  const t0 = performance.now();
  let run: ScheduleRun;
  let steps: { ticks: number; dt: number } | undefined;
  if (onLine !== undefined) {
    const r = runOnLine(plan, rule, seed, onLine);
    run = r;
    steps = { ticks: r.ticks, dt: r.dt };
  } else run = runSchedule(plan, rule, seed);
  const kpis = planKpis(plan, run);
  const w = wipSeries(run, WIP_SAMPLES);
  return { kpis, segments: run.segments, sequence: run.sequence, wip: { t: Array.from(w.t), n: Array.from(w.wip) }, wallMs: performance.now() - t0, ...(steps !== undefined ? { onLine: steps } : {}) };
}

/** The on-line options of a task (undefined: the schedule). */
export function onLineOptions(task: Pick<PlanTask, 'onLine' | 'line' | 'progress'>): OnLineOptions | undefined {
  if (task.onLine !== true) return undefined;
  return { ...(task.line !== undefined ? { line: task.line } : {}), ...(task.progress === true ? { progress: (l: string) => process.stderr.write(`${l}\n`) } : {}) };
}

export function runPlanTask(task: PlanTask): PlanResult {
  const plan = task.point !== undefined ? planOfPoint(task.file, task.point) : loadPlanFile(task.file);
  return runPlan(task.operators !== undefined ? { ...plan, operators: task.operators } : plan, task.rule, task.seed, onLineOptions(task));
}
