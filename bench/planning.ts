// Production what-if (issue 23): one week of the example plan (examples/planning/week.yaml, two
// shifts a day, 36 orders, 23,500 units) scheduled in simulated time, wall time per rule; then
// the 3-rule comparison (edd, spt, family) in the piscina pool against the same three runs in
// this thread, in the same run (the serial loop is the baseline). Also a book 10x as large, to
// show the cost per unit. Runs with `npm run bench -- planning`.

import { loadPlanFile } from '../core/planning/plan-file.ts';
import type { PlanSpec } from '../core/planning/plan-spec.ts';
import { runPlan } from '../core/planning/plan-run.ts';
import { runPlanTasks } from '../core/planning/plan-pool.ts';

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
}
