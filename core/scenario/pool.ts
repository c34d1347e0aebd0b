// Parallel runs in a piscina pool, one scenario (or sweep point) per task. Runs are pure
// functions of their files and seeds, so the pool gives the verdicts the serial runner gives.
// The pool is for many independent runs; a task costs ~30-400 µs to dispatch, nothing beside
// a run of thousands of simulated steps.

import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { PoolTask } from './pool-worker.ts';
import type { ScenarioResult } from './runner.ts';

const WORKER = new URL('./pool-worker.ts', import.meta.url);
const BOOT = new URL('./pool-boot.mjs', import.meta.url);

export class ScenarioPool {
  readonly threads: number;
  readonly #pool: Piscina;

  /** @param threads worker threads (default: the machine's available parallelism) */
  constructor(threads = availableParallelism()) {
    this.threads = Math.max(1, Math.floor(threads));
    // TypeScript sources (tsx, tests) boot through pool-boot.mjs; compiled ones run directly.
    const ts = WORKER.pathname.endsWith('.ts');
    this.#pool = new Piscina({
      filename: ts ? BOOT.href : WORKER.href.replace(/\.ts$/, '.js'),
      workerData: { __entry: WORKER.href },
      minThreads: this.threads,
      maxThreads: this.threads,
      // No idle timeout surprises in a suite; close() ends the workers.
      idleTimeout: 60_000,
    });
  }

  run(task: PoolTask): Promise<ScenarioResult> {
    return this.#pool.run(task) as Promise<ScenarioResult>;
  }

  async close(): Promise<void> {
    await this.#pool.destroy();
  }
}
