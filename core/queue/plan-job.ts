// Plan runs as queue jobs (`twinloop sweep PLAN-SWEEP --queue`, `twinloop plan --queue`): one
// (rule, seed, sweep point) run of a production plan per job, the task the plan pool runs
// (core/planning/plan-run.ts). Beside the task a job carries the files the run reads: the plan
// file, its line file (whose program queue-job.ts adds) and its order CSV, found from the plan
// file's own references the way plan-file.ts resolves them. What comes back is the run's result
// or its error: a plan that does not fit its calendar is the run's answer, reported as the local
// run reports it, not a job failure to retry.

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import type { ErrorCode } from '../errors.ts';
import type { PlanResult, PlanTask } from '../planning/plan-run.ts';

export interface PlanJobTask {
  readonly kind: 'plan-run';
  readonly task: PlanTask;
}

/** A plan run's outcome as it crosses the queue: its result, or the error the local run would throw. */
export type PlanJobResult =
  | { readonly kind: 'plan-run'; readonly ok: true; readonly result: PlanResult }
  | { readonly kind: 'plan-run'; readonly ok: false; readonly code: ErrorCode; readonly message: string };

/** What a plan task names directly, absolute: the plan file, its line files, its order CSV. */
export interface PlanRefs {
  readonly plan: string;
  /** The plan's `line:` and the task's own line (--on-line --line FILE). */
  readonly lines: readonly string[];
  readonly orders: string | undefined;
}

/** A plan task's files, as its run will resolve them. Never throws: a broken file fails the worker's run as it fails here. */
export function planTaskRefs(t: PlanTask): PlanRefs {
  const plan = resolve(t.file);
  const lines: string[] = t.line !== undefined ? [resolve(t.line)] : [];
  let orders: string | undefined;
  try {
    const d = parse(readFileSync(plan, 'utf8')) as Record<string, unknown> | null;
    // Relative to the plan file's folder, as plan-file.ts resolves them.
    const at = (p: string): string => (isAbsolute(p) ? p : resolve(dirname(plan), p));
    if (typeof d?.['line'] === 'string') lines.push(at(d['line']));
    if (typeof d?.['orders'] === 'string') orders = at(d['orders']);
  } catch {
    // unreadable or not YAML: the worker's run reports it as the local run does
  }
  return { plan, lines, orders };
}

/** The task with its paths moved by `local` (the worker's copy of the job's tree). */
export function localPlanTask(t: PlanTask, local: (p: string) => string): PlanTask {
  // The run's progress lines belong to the submitter's terminal, not the worker's log.
  const { progress: _progress, ...rest } = t;
  return { ...rest, file: local(t.file), ...(t.line !== undefined ? { line: local(t.line) } : {}) };
}
