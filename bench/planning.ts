// Production what-if (issue 23): one week of the example plan (examples/planning/week.yaml, two
// shifts a day, 36 orders, 23,500 units) scheduled in simulated time, wall time per rule; then
// the 3-rule comparison (edd, spt, family) in the piscina pool against the same three runs in
// this thread, in the same run (the serial loop is the baseline). Also a book 10x as large, to
// show the cost per unit. Then the same week on the virtual line (twinloop plan --on-line: the
// physics model of examples/planning/week-line.yaml in lock-step, as fast as possible), rule edd,
// with the schedule's run of the same rule as its baseline, and the load average beside it (the
// machine is shared); and the physics' cost per step at 1 ms on the week's first day.
// Runs with `npm run bench -- planning`.

import { loadPlanFile } from '../core/planning/plan-file.ts';
import type { PlanSpec } from '../core/planning/plan-spec.ts';
import { runPlan } from '../core/planning/plan-run.ts';
import { runPlanTasks } from '../core/planning/plan-pool.ts';
import { runOnLine } from '../core/planning/on-line-run.ts';
import { loadavg } from 'node:os';

const WEEK = new URL('../examples/planning/week.yaml', import.meta.url).pathname;

function best(rounds: number, fn: () => void): number {
  let b = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    fn();
    b = Math.min(b, performance.now() - t);
  }
  return b;
}

export async function planningBench(log: (s: string) => void): Promise<void> {
  const plan = loadPlanFile(WEEK);
  const units = plan.orders.reduce((n, o) => n + o.quantity, 0);
  runPlan(plan, 'edd', 1); // warm up the JIT
  for (const rule of ['fifo', 'edd', 'spt', 'family'] as const) {
    const ms = best(5, () => runPlan(plan, rule, 1));
    log(`week plan, rule ${rule.padEnd(6)}: ${ms.toFixed(1)} ms wall (${units} units x ${plan.stations.length} stations; ${((ms * 1e6) / (units * plan.stations.length)).toFixed(0)} ns per unit-station), best of 5`);
  }
  // Ten weeks of the same book: orders repeated with releases and dues a week later each time.
  const big: PlanSpec = {
    ...plan,
    orders: Array.from({ length: 10 }, (_, w) => plan.orders.map((o) => ({ ...o, id: `${o.id}-${w}`, index: o.index + w * plan.orders.length, release: o.release + w * 7 * 86400, due: o.due + w * 7 * 86400, material: o.material > 0 ? o.material + w * 7 * 86400 : 0 }))).flat(),
    sequence: null,
  };
  const bigMs = best(3, () => runPlan(big, 'edd', 1));
  log(`ten weeks (${big.orders.length} orders, ${10 * units} units), rule edd: ${bigMs.toFixed(0)} ms wall, best of 3`);

  const rules = ['edd', 'spt', 'family'] as const;
  const tasks = rules.map((rule) => ({ file: WEEK, rule, seed: 1 }));
  const serialMs = best(3, () => {
    // Each run loads the file, as a pool task does.
    for (const t of tasks) runPlan(loadPlanFile(t.file), t.rule, t.seed);
  });
  let poolMs = Infinity;
  let poolWarmMs = Infinity;
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    await runPlanTasks(tasks, 3);
    poolMs = Math.min(poolMs, performance.now() - t);
  }
  // The pool without its start-up: tasks on workers that are already up.
  const { PlanPool } = await import('../core/planning/plan-pool.ts');
  const pool = new PlanPool(3);
  await Promise.all(tasks.map((t) => pool.run(t)));
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    await Promise.all(tasks.map((x) => pool.run(x)));
    poolWarmMs = Math.min(poolWarmMs, performance.now() - t);
  }
  await pool.close();
  log(`3-rule comparison (edd, spt, family), week plan: serial ${serialMs.toFixed(0)} ms | pool of 3, with start-up ${poolMs.toFixed(0)} ms | pool of 3, warm ${poolWarmMs.toFixed(0)} ms (best of 3 each)`);
  await onLineBench(plan, log);
}

const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

/** The week on the virtual line (one run: it takes seconds), against the schedule of the same rule. */
export async function onLineBench(plan: PlanSpec, log: (s: string) => void): Promise<void> {
  const desMs = best(3, () => runPlan(plan, 'edd', 1));
  const before = load();
  const t = performance.now();
  const r = runOnLine(plan, 'edd', 1);
  const ms = performance.now() - t;
  const des = runPlan(plan, 'edd', 1).kpis;
  log(`week plan on the virtual line, rule edd: ${(ms / 1000).toFixed(1)} s wall (target < 60 s) for ${(r.ticks / 1e6).toFixed(1)} M steps of ${r.dt * 1000} ms (${((ms * 1e6) / r.ticks).toFixed(0)} ns per step, ${(r.makespan / 3600).toFixed(2)} h plan time, ${(r.ticks * r.dt / 3600).toFixed(1)} h stepped: working time only) | schedule baseline ${desMs.toFixed(1)} ms; makespan ${(r.makespan / 3600).toFixed(2)} h vs ${(des.makespan / 3600).toFixed(2)} h | load average ${before} before, ${load()} after`);
  // The 3-rule comparison on the virtual line: the pool (two workers on this machine's two cores)
  // against the same three runs one after the other in this thread.
  const tasks = (['edd', 'spt', 'family'] as const).map((rule) => ({ file: WEEK, rule, seed: 1, onLine: true }));
  const ts = performance.now();
  for (const t of tasks) runOnLine(plan, t.rule, t.seed);
  const serialMs = performance.now() - ts;
  const tp = performance.now();
  await runPlanTasks(tasks, 2);
  const poolMs = performance.now() - tp;
  log(`3-rule comparison (edd, spt, family) on the virtual line: serial ${(serialMs / 1000).toFixed(1)} s | pool of 2, with start-up ${(poolMs / 1000).toFixed(1)} s | load average ${load()}`);
  // At 1 ms: the first day's orders only (the whole week would be 2.2e8 steps).
  const day: PlanSpec = { ...plan, sequence: null, orders: plan.orders.filter((o) => o.release < 86400 && o.material === 0).map((o, index) => ({ ...o, index })) };
  const t1 = performance.now();
  const r1 = runOnLine(day, 'edd', 1, { dt: 0.001 });
  const ms1 = performance.now() - t1;
  log(`first day's ${day.orders.length} orders on the virtual line at 1 ms steps: ${(ms1 / 1000).toFixed(1)} s wall for ${(r1.ticks / 1e6).toFixed(1)} M steps (${((ms1 * 1e6) / r1.ticks).toFixed(0)} ns per step; the week at 1 ms would take ~${((2.15e8 * ms1) / r1.ticks / 1000).toFixed(0)} s) | load average ${load()}`);
}
