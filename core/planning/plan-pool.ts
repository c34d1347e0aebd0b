// The plan's (rule, seed) runs in a piscina pool, one run per task, like scenario suites and
// sweeps (core/scenario/pool.ts, whose TypeScript boot file it shares). Runs are pure functions of
// the plan file, the rule and the seed, so the pool gives what the serial loop gives.

import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { PlanResult, PlanTask } from './plan-run.ts';

const WORKER = new URL('./plan-worker.ts', import.meta.url);
const BOOT = new URL('../scenario/pool-boot.mjs', import.meta.url);

export class PlanPool {
  readonly threads: number;
  readonly #pool: Piscina;

  constructor(threads = availableParallelism()) {
    this.threads = Math.max(1, Math.floor(threads));
    const ts = WORKER.pathname.endsWith('.ts');
    this.#pool = new Piscina({
      filename: ts ? BOOT.href : WORKER.href.replace(/\.ts$/, '.js'),
      workerData: { __entry: WORKER.href },
      minThreads: this.threads,
      maxThreads: this.threads,
      idleTimeout: 60_000,
    });
  }

  run(task: PlanTask): Promise<PlanResult> {
    return this.#pool.run(task) as Promise<PlanResult>;
  }

  async close(): Promise<void> {
    await this.#pool.destroy();
  }
}

/** Every task in the pool (results in task order). */
export async function runPlanTasks(tasks: readonly PlanTask[], threads?: number): Promise<PlanResult[]> {
  const pool = new PlanPool(Math.min(threads ?? availableParallelism(), tasks.length));
  try {
    return await Promise.all(tasks.map((t) => pool.run(t)));
  } finally {
    await pool.close();
  }
}
