// `twinloop plan FILE [--rule edd,spt,family] [--seeds N] [--on-line]`: runs an order book through
// the line's stations (core/planning, a discrete-event schedule in simulated time, or with
// --on-line on the virtual line: the physics model, core/planning/on-line-run.ts) under one or more
// sequencing rules, several (rule, seed) runs in the piscina pool (or with --queue on the workers of
// a Redis job queue), prints the rules side by side and writes plan.html (Gantt charts, order
// tables) and plan.json.

import { availableParallelism } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from './args.ts';
import { loadPlanFile } from '../planning/plan-file.ts';
import { RULES, type Rule } from '../planning/plan-spec.ts';
import { onLineOptions, runPlan, type PlanResult, type PlanTask } from '../planning/plan-run.ts';
import { compareRules, compareTable } from '../planning/plan-compare.ts';
import { planHtml, planJson } from '../planning/plan-report.ts';
import { dirName } from '../scenario/result-dir.ts';
import { parseQueueUrl } from '../queue/queue-address.ts';
import { describeWhere, runPlanTasksWhere, type PlanRunsWhere } from './plan-runs-where.ts';

function positiveInt(name: string, text: string, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} must be an integer from 1 to ${max}, got ${JSON.stringify(text)}`);
  return n;
}

/** Runs from which the pool is used without --threads. */
export const POOL_MIN_TASKS = 40;

export const PLAN_USAGE = `usage: twinloop plan FILE [--rule R1,R2,...] [--seeds N] [--seed N] [--operators N] [--on-line [--line FILE]] [--threads N | --serial] [--out DIR]
                     [--queue redis://HOST:PORT]

  FILE      a production plan (YAML, see docs/planning.md): orders (inline or CSV), products
            with their cycle times per station, changeover matrices, shifts, operators
  --rule    sequencing rules to compare: ${RULES.join(', ')} (default: the file's rules, else edd)
  --seeds N runs per rule with seeds seed..seed+N-1 (breakdowns, cycle-time spread); ranges in the report
  --seed N  first seed (default: the file's, else 1)
  --operators N  the operator pool's size instead of the file's (what one more operator pays)
  --on-line run the order book on the virtual line (the physics model of the plan's line: file, an
            order source feeding the first station), lock-step as fast as possible, instead of the
            discrete-event schedule; progress on stderr. --line FILE: another line file
  --threads runs in a pool of N threads (default: the pool of the machine's parallelism from 40 runs
            on, else this thread); --serial: always in this thread
  --out DIR output folder (default plan-results/<name>): plan.html, plan.json
  --queue URL run the (rule, seed) runs on the workers of this Redis job queue (\`twinloop worker
            --queue URL\` on each machine) instead of here; progress on stderr, the same outputs`;

export async function planCommand(argv: readonly string[], out: NodeJS.WriteStream = process.stdout): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      rule: { type: 'string' },
      seeds: { type: 'string' },
      seed: { type: 'string' },
      operators: { type: 'string' },
      threads: { type: 'string' },
      serial: { type: 'boolean' },
      out: { type: 'string' },
      'on-line': { type: 'boolean' },
      line: { type: 'string' },
      queue: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    out.write(`${PLAN_USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`plan takes one plan file\n${PLAN_USAGE}`);
  const file = positionals[0]!;
  const loaded = loadPlanFile(file);
  const plan = values.operators !== undefined ? { ...loaded, operators: positiveInt('operators', values.operators, 1000) } : loaded;
  let rules: Rule[] = [...plan.rules];
  if (values.rule !== undefined) {
    rules = [];
    for (const r of values.rule.split(',').map((s) => s.trim()).filter(Boolean)) {
      if (!(RULES as readonly string[]).includes(r)) throw new UsageError(`--rule: unknown rule ${JSON.stringify(r)}; known: ${RULES.join(', ')}`);
      if (!rules.includes(r as Rule)) rules.push(r as Rule);
    }
    if (rules.length === 0) throw new UsageError(`--rule needs at least one rule: ${RULES.join(', ')}`);
  }
  if (rules.includes('fixed') && plan.sequence === null) throw new UsageError(`rule fixed needs a sequence in ${file}`);
  const int = (name: string, text: string | undefined, min: number, max: number, fallback: number): number => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
    return n;
  };
  const seeds = int('seeds', values.seeds, 1, 1000, plan.seeds);
  const seed0 = int('seed', values.seed, 0, 0xffffffff - seeds, plan.seed);
  const threads = values.serial ? 1 : int('threads', values.threads, 1, 64, availableParallelism());
  const tasks: PlanTask[] = [];
  const onLine = values['on-line'] === true;
  if (values.line !== undefined && !onLine) throw new UsageError('--line goes with --on-line');
  if (onLine && values.line === undefined && plan.line === undefined) throw new UsageError(`--on-line needs a line: ${file} names none (add line: week-line.yaml, or give --line FILE)`);
  const lineOpt = { ...(onLine ? { onLine: true, progress: true } : {}), ...(values.line !== undefined ? { line: values.line } : {}) };
  for (const rule of rules) for (let s = 0; s < seeds; s++) tasks.push({ file, rule, seed: seed0 + s, ...(plan.operators !== loaded.operators ? { operators: plan.operators } : {}), ...lineOpt });
  // The pool only when asked (--threads) or when there are many runs: its start-up (~3.5 s under
  // tsx on this 2-core machine) outweighs a week's run (20-110 ms), docs/benchmarks.md.
  // On the virtual line a run takes seconds: the pool pays from two runs on.
  const parallel = tasks.length > 1 && threads > 1 && (values.threads !== undefined || tasks.length >= POOL_MIN_TASKS || onLine);
  const where: PlanRunsWhere = values.queue !== undefined ? { kind: 'queue', connection: parseQueueUrl(values.queue) } : parallel ? { kind: 'pool', threads } : { kind: 'serial' };
  const how = describeWhere(where, tasks.length);
  out.write(`twinloop plan ${plan.name}${onLine ? ' on the virtual line' : ''}: ${plan.orders.length} orders on ${plan.stations.length} stations, rules ${rules.join(', ')}, ${seeds} seed(s), ${how}\n`);
  const t0 = performance.now();
  const names = tasks.map((t) => `${plan.name} ${t.rule} seed ${t.seed}`);
  const results: PlanResult[] = await runPlanTasksWhere(where, tasks, names, (t) => runPlan(plan, t.rule, t.seed, onLineOptions(t)));
  const wallMs = performance.now() - t0;
  const cols = compareRules(rules, results);
  out.write(`${compareTable(cols)}\n`);
  const dir = values.out ?? join('plan-results', dirName(plan.name));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'plan.html'), planHtml(plan, cols, wallMs));
  writeFileSync(join(dir, 'plan.json'), planJson(plan, cols));
  out.write(`\n${tasks.length} run(s) in ${(wallMs / 1000).toFixed(2)} s wall; * best per KPI\nwrote ${join(dir, 'plan.html')}, ${join(dir, 'plan.json')}\n`);
  return 0;
}
