// Scenario runs started from the HMI: the scenario files of one folder, a bounded queue of runs
// executed one at a time in a one-thread pool (the server's event loop never runs a scenario
// itself), their live progress through shared memory, and each finished run's HTML report.

import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TwinloopError } from '../errors.ts';
import { htmlReport } from './html-report.ts';
import { ScenarioPool } from './pool.ts';
import type { ScenarioResult, StepVerdict } from './runner.ts';
import { loadScenarioFile } from './scenario-file.ts';
import { describeYamlFiles } from './yaml-folder.ts';
import type { KpiVerdict } from './kpis.ts';

/** A scenario file offered to run. */
export interface ScenarioEntry {
  /** File name inside the folder (the id used to start it). */
  readonly file: string;
  readonly name: string;
  readonly description?: string;
  readonly steps: number;
  /** The load error, when the file is refused. */
  readonly error?: string;
}

export type RunState = 'queued' | 'running' | 'passed' | 'failed' | 'error';

/** A run as the API shows it. */
export interface ScenarioRunView {
  readonly id: number;
  readonly file: string;
  readonly program?: string;
  readonly user: string | null;
  readonly state: RunState;
  /** Wall-clock ms (Date.now) */
  readonly queuedAt: number;
  readonly finishedAt?: number;
  /** While running: simulated s, step index (0-based) and step count. */
  readonly progress: { readonly time: number; readonly step: number; readonly steps: number };
  readonly message?: string;
  readonly steps?: readonly StepVerdict[];
  readonly kpis?: readonly KpiVerdict[];
  readonly wallMs?: number;
}

interface Run {
  view: ScenarioRunView;
  progress: Float64Array;
  result?: ScenarioResult;
}

const DEFAULT_DIR = fileURLToPath(new URL('../../examples/scenarios/', import.meta.url));

/** Most runs kept (finished ones are dropped oldest first) and queued at once. */
export const MAX_RUNS = 50;
export const MAX_QUEUED = 10;

export class ScenarioRuns {
  readonly dir: string;
  readonly #runs = new Map<number, Run>();
  #nextId = 1;
  #pool: ScenarioPool | undefined;
  #chain: Promise<void> = Promise.resolve();
  #closed = false;

  /** @param dir the folder of scenario files offered (default: the project's examples/scenarios) */
  constructor(dir: string = DEFAULT_DIR) {
    this.dir = resolve(dir);
  }

  /** The folder's scenario files, each loaded (schema only) to show its name. */
  list(): ScenarioEntry[] {
    return describeYamlFiles<ScenarioEntry>(
      this.dir,
      (path, file) => {
        const d = loadScenarioFile(path).data;
        return { file, name: d.name, ...(d.description !== undefined ? { description: d.description } : {}), steps: d.steps.length };
      },
      (file, error) => ({ file, name: file, steps: 0, error }),
    );
  }

  /**
   * Queue a run of `file` (a name from list()).
   * @throws TwinloopError HMI_NOT_FOUND for an unknown file, HMI_BAD_REQUEST when the queue is full
   */
  start(file: string, user: string | null, program?: string): ScenarioRunView {
    if (this.#closed) throw new TwinloopError('HMI_BAD_REQUEST', 'the server is closing');
    // Only names listed in the folder: never a path from the client.
    if (basename(file) !== file || !this.list().some((e) => e.file === file)) throw new TwinloopError('HMI_NOT_FOUND', `no scenario file ${JSON.stringify(file.slice(0, 100))} in the scenario folder`);
    const queued = [...this.#runs.values()].filter((r) => r.view.state === 'queued' || r.view.state === 'running').length;
    if (queued >= MAX_QUEUED) throw new TwinloopError('HMI_BAD_REQUEST', `${queued} scenario runs are queued already; wait for them`);
    const id = this.#nextId++;
    const progress = new Float64Array(new SharedArrayBuffer(3 * Float64Array.BYTES_PER_ELEMENT));
    const run: Run = { view: { id, file, ...(program !== undefined ? { program } : {}), user, state: 'queued', queuedAt: Date.now(), progress: { time: 0, step: 0, steps: 0 } }, progress };
    this.#runs.set(id, run);
    this.#prune();
    this.#chain = this.#chain.then(() => this.#execute(run));
    return this.view(id)!;
  }

  #prune(): void {
    for (const [id, r] of this.#runs) {
      if (this.#runs.size <= MAX_RUNS) break;
      if (r.view.state !== 'queued' && r.view.state !== 'running') this.#runs.delete(id);
    }
  }

  async #execute(run: Run): Promise<void> {
    if (this.#closed) return;
    run.view = { ...run.view, state: 'running' };
    this.#pool ??= new ScenarioPool(1);
    try {
      const result = await this.#pool.run({ kind: 'scenario', task: { file: join(this.dir, run.view.file), ...(run.view.program !== undefined ? { program: run.view.program } : {}), options: { progress: run.progress } } });
      run.result = result;
      run.view = { ...run.view, state: result.status, finishedAt: Date.now(), ...(result.message !== undefined ? { message: result.message } : {}), steps: result.steps, kpis: result.kpis, wallMs: result.wallMs };
    } catch (err) {
      run.view = { ...run.view, state: 'error', finishedAt: Date.now(), message: (err as Error).message };
    }
  }

  views(): ScenarioRunView[] {
    return [...this.#runs.keys()].reverse().map((id) => this.view(id)!);
  }

  view(id: number): ScenarioRunView | undefined {
    const r = this.#runs.get(id);
    if (!r) return undefined;
    const p = r.progress;
    return { ...r.view, progress: { time: p[0]!, step: p[1]!, steps: p[2]! } };
  }

  /** The HTML report of a finished run. @throws TwinloopError HMI_NOT_FOUND */
  report(id: number): string {
    const r = this.#runs.get(id);
    if (!r?.result) throw new TwinloopError('HMI_NOT_FOUND', `scenario run ${id} has no report${r ? ` (it is ${r.view.state})` : ''}`);
    return htmlReport([r.result], `twinloop scenario run ${id}: ${r.result.name}`, r.result.wallMs);
  }

  async close(): Promise<void> {
    this.#closed = true;
    // Ends a running scenario at once (its run reports an error); queued ones never start.
    await this.#pool?.close();
    await this.#chain.catch(() => undefined);
  }
}
