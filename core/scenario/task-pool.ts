// A piscina pool of worker threads running one kind of task: the common part of the scenario
// pool (suites and sweeps), the plan pool and the calibration pool. Each names its worker
// module; TypeScript sources (tsx, tests) boot through pool-boot.mjs, compiled ones directly.

import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';

const BOOT = new URL('./pool-boot.mjs', import.meta.url);

export class TaskPool<Task, Result> {
  readonly threads: number;
  readonly #pool: Piscina;

  /**
   * @param worker the worker module (its default export handles one task)
   * @param threads worker threads (default: the machine's available parallelism)
   */
  constructor(worker: URL, threads = availableParallelism()) {
    this.threads = Math.max(1, Math.floor(threads));
    const ts = worker.pathname.endsWith('.ts');
    this.#pool = new Piscina({
      filename: ts ? BOOT.href : worker.href.replace(/\.ts$/, '.js'),
      workerData: { __entry: worker.href },
      minThreads: this.threads,
      maxThreads: this.threads,
      // No idle timeout surprises in a suite; close() ends the workers.
      idleTimeout: 60_000,
    });
  }

  run(task: Task): Promise<Result> {
    return this.#pool.run(task) as Promise<Result>;
  }

  async close(): Promise<void> {
    await this.#pool.destroy();
  }
}
