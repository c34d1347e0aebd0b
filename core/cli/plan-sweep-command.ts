// `twinloop sweep FILE` when FILE is a plan sweep (it names a `plan:`, core/planning/plan-sweep.ts):
// what-if over a production plan's operators, shift calendar and speed. Each point runs the plan
// (the schedule, or on the virtual line with `onLine: true`) in the pool, serially or on the
// workers of a Redis job queue (--queue, core/queue/plan-runs.ts); prints the points side by
// side (the best per KPI marked) and writes sweep.csv, sweep.html (the plan report with one
// column and one Gantt section per point) and sweep.json.

import { availableParallelism } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './args.ts';
import { loadPlanFile } from '../planning/plan-file.ts';
import { compareRules, compareTable, PLAN_KPIS } from '../planning/plan-compare.ts';
import { planHtml, planJson } from '../planning/plan-report.ts';
import { runPlanTask, type PlanResult, type PlanTask } from '../planning/plan-run.ts';
import { expandPlanGrid, loadPlanSweepFile, planOfPoint, showAxisValue } from '../planning/plan-sweep.ts';
import { dirName } from '../scenario/result-dir.ts';
import { parseQueueUrl } from '../queue/queue-address.ts';
import { describeWhere, runPlanTasksWhere, type PlanRunsWhere } from './plan-runs-where.ts';

export interface PlanSweepOptions {
  readonly threads?: string | undefined;
  readonly serial?: boolean | undefined;
  readonly out?: string | undefined;
  readonly points?: string | undefined;
  /** redis://host:port[/db]: the points run on that queue's workers (`twinloop worker`). */
  readonly queue?: string | undefined;
}

const csvCell = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export async function planSweepCommand(file: string, opts: PlanSweepOptions, out: NodeJS.WriteStream = process.stdout): Promise<number> {
  const spec = loadPlanSweepFile(file);
  const base = loadPlanFile(spec.plan);
  let points = expandPlanGrid(spec);
  if (opts.points !== undefined) {
    const n = Number(opts.points);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--points must be a positive integer, got ${JSON.stringify(opts.points)}`);
    points = points.slice(0, n);
  }
  // Every point's plan is checked before any runs: a bad shift list fails at once.
  for (const p of points) planOfPoint(spec.plan, p.values);
  const rule = spec.rule ?? base.rules[0] ?? 'edd';
  const labels = points.map((p) => `#${p.index + 1}`);
  const tasks: PlanTask[] = points.map((p) => ({
    file: spec.plan,
    rule: (p.values['rule'] as typeof rule | undefined) ?? rule,
    seed: (p.values['seed'] as number | undefined) ?? spec.seed ?? base.seed,
    point: p.values,
    ...(spec.onLine ? { onLine: true, progress: true } : {}),
  }));
  const threads = opts.serial ? 1 : opts.threads !== undefined ? Number(opts.threads) : availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new UsageError(`--threads must be an integer from 1 to 64, got ${JSON.stringify(opts.threads)}`);
  // Schedule points take milliseconds: the pool's start-up only pays on the virtual line or when asked.
  const parallel = tasks.length > 1 && threads > 1 && (spec.onLine || opts.threads !== undefined);
  const where: PlanRunsWhere = opts.queue !== undefined ? { kind: 'queue', connection: parseQueueUrl(opts.queue) } : parallel ? { kind: 'pool', threads } : { kind: 'serial' };
  const how = describeWhere(where, tasks.length);
  out.write(`twinloop sweep ${spec.name}: ${points.length} point(s) of plan ${base.name}${spec.onLine ? ' on the virtual line' : ' (schedule)'}, ${how}\n`);
  const t0 = performance.now();
  const results: PlanResult[] = await runPlanTasksWhere(where, tasks, labels.map((l) => `${spec.name} ${l}`), runPlanTask);
  const wallMs = performance.now() - t0;
  // Each point is a column, as rules are in `twinloop plan`.
  const cols = compareRules(labels, results.map((r, i) => ({ ...r, kpis: { ...r.kpis, rule: labels[i]! } })));
  out.write(`${points.map((p, i) => `${labels[i]}: ${p.label}`).join('\n')}\n\n${compareTable(cols)}\n`);
  const dir = opts.out ?? join('sweep-results', dirName(spec.name));
  mkdirSync(dir, { recursive: true });
  const axes = Object.keys(spec.grid);
  const csv = [[ 'point', ...axes, ...PLAN_KPIS.map((d) => `${d.key}${d.unit ? ` (${d.unit})` : ''}`)].map(csvCell).join(',')];
  points.forEach((p, i) => csv.push([String(p.index + 1), ...axes.map((a) => showAxisValue(p.values[a]!)), ...PLAN_KPIS.map((d) => d.show(d.get(results[i]!.kpis)))].map(csvCell).join(',')));
  writeFileSync(join(dir, 'sweep.csv'), `${csv.join('\n')}\n`);
  const shown = { ...base, name: `${spec.name} (sweep of ${base.name}: ${points.map((p, i) => `${labels[i]} ${p.label}`).join('; ')})` };
  writeFileSync(join(dir, 'sweep.html'), planHtml(shown, cols, wallMs));
  writeFileSync(join(dir, 'sweep.json'), planJson(shown, cols));
  out.write(`\n${points.length} point(s) in ${(wallMs / 1000).toFixed(2)} s wall; * best per KPI\nwrote ${join(dir, 'sweep.csv')}, ${join(dir, 'sweep.html')}, ${join(dir, 'sweep.json')}\n`);
  return 0;
}
