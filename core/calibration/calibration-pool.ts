// The calibration's piscina pool: the scenario pool's pattern (core/scenario/pool.ts), its boot
// module for TypeScript sources included, with the calibration's task handler. One point of
// the search per task; a task is one model run of the training window (hundreds of ms), so the
// ~0.1 ms of dispatch is nothing beside it.

import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { CalibrationTask } from './calibration-task.ts';
import type { WindowScore } from './objective.ts';

const WORKER = new URL('./calibration-worker.ts', import.meta.url);
const BOOT = new URL('../scenario/pool-boot.mjs', import.meta.url);

export class CalibrationPool {
  readonly threads: number;
  readonly #pool: Piscina;

  /** @param threads worker threads (default: the machine's available parallelism) */
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

  run(task: CalibrationTask): Promise<WindowScore> {
    return this.#pool.run(task) as Promise<WindowScore>;
  }

  async close(): Promise<void> {
    await this.#pool.destroy();
  }
}
