// Sweeps run from the HMI: the sweep files of the scenario folder's `sweeps/` subfolder, a queue
// of runs executed one at a time in a one-thread pool (each point on its own model in a worker;
// the live line is untouched), their progress in points, and each finished run's what-if report
// (core/scenario/sweep-report.ts), with any two of its points side by side on request.

import { basename, join } from 'node:path';
import { TwinloopError } from '../errors.ts';
import { ScenarioPool } from './pool.ts';
import { expandGrid, loadSweepFile, type SweepRow } from './sweep.ts';
import { plotPoints, sweepHtml } from './sweep-report.ts';
import { describeYamlFiles } from './yaml-folder.ts';

export interface SweepEntry {
  readonly file: string;
  readonly name: string;
  readonly points: number;
  readonly params: readonly string[];
  readonly error?: string;
}

export interface SweepRunView {
  readonly id: number;
  readonly file: string;
  readonly name: string;
  readonly user: string | null;
  readonly state: 'queued' | 'running' | 'done' | 'error';
  readonly queuedAt: number;
  readonly finishedAt?: number;
  readonly done: number;
  readonly points: number;
  readonly failed: number;
  readonly message?: string;
  /** Finished runs: each point's number and parameters, for choosing two to compare. */
  readonly pointList?: readonly { readonly n: number; readonly params: Readonly<Record<string, string | number | boolean>> }[];
}

interface Run {
  view: SweepRunView;
  rows?: SweepRow[];
}

export const MAX_SWEEP_RUNS = 20;
export const MAX_SWEEP_QUEUED = 3;
/** Larger grids belong on the command line or a job queue, not in a server's one thread. */
export const MAX_HMI_POINTS = 100;

export class SweepRuns {
  readonly dir: string;
  readonly #runs = new Map<number, Run>();
  #nextId = 1;
  #pool: ScenarioPool | undefined;
  #chain: Promise<void> = Promise.resolve();
  #closed = false;

  /** @param scenarioDir the HMI's scenario folder; sweep files are in its `sweeps/` */
  constructor(scenarioDir: string) {
    this.dir = join(scenarioDir, 'sweeps');
  }

  list(): SweepEntry[] {
    return describeYamlFiles<SweepEntry>(
      this.dir,
      (path, file) => {
        const spec = loadSweepFile(path);
        return { file, name: spec.name, points: expandGrid(spec).length, params: Object.keys(spec.grid) };
      },
      (file, error) => ({ file, name: file, points: 0, params: [], error }),
    );
  }

  /**
   * Queue a run of `file` (a name from list()).
   * @throws TwinloopError HMI_NOT_FOUND for an unknown file, HMI_BAD_REQUEST for a full queue or a grid too big
   */
  start(file: string, user: string | null): SweepRunView {
    if (this.#closed) throw new TwinloopError('HMI_BAD_REQUEST', 'the server is closing');
    // Only names listed in the folder: never a path from the client.
    const entry = basename(file) === file ? this.list().find((e) => e.file === file) : undefined;
    if (entry === undefined) throw new TwinloopError('HMI_NOT_FOUND', `no sweep file ${JSON.stringify(file.slice(0, 100))} in the sweeps folder`);
    if (entry.error !== undefined) throw new TwinloopError('HMI_BAD_REQUEST', `${file} is not a valid sweep file: ${entry.error}`);
    if (entry.points > MAX_HMI_POINTS) throw new TwinloopError('HMI_BAD_REQUEST', `${file} has ${entry.points} points; the HMI runs at most ${MAX_HMI_POINTS} (use twinloop sweep, or --queue for many machines)`);
    const queued = [...this.#runs.values()].filter((r) => r.view.state === 'queued' || r.view.state === 'running').length;
    if (queued >= MAX_SWEEP_QUEUED) throw new TwinloopError('HMI_BAD_REQUEST', `${queued} sweeps are queued already; wait for them`);
    const id = this.#nextId++;
    const run: Run = { view: { id, file, name: entry.name, user, state: 'queued', queuedAt: Date.now(), done: 0, points: entry.points, failed: 0 } };
    this.#runs.set(id, run);
    for (const [old, r] of this.#runs) {
      if (this.#runs.size <= MAX_SWEEP_RUNS) break;
      if (r.view.state === 'done' || r.view.state === 'error') this.#runs.delete(old);
    }
    this.#chain = this.#chain.then(() => this.#execute(run));
    return run.view;
  }

  async #execute(run: Run): Promise<void> {
    if (this.#closed) return;
    run.view = { ...run.view, state: 'running' };
    this.#pool ??= new ScenarioPool(1);
    try {
      const points = expandGrid(loadSweepFile(join(this.dir, run.view.file)));
      const rows: SweepRow[] = [];
      for (const point of points) {
        if (this.#closed) throw new Error('the server closed during the sweep');
        const result = await this.#pool.run({ kind: 'sweep-point', task: point.task });
        rows.push({ point, result });
        run.view = { ...run.view, done: rows.length, failed: run.view.failed + (result.status === 'error' ? 1 : 0) };
      }
      run.rows = rows;
      run.view = { ...run.view, state: 'done', finishedAt: Date.now(), pointList: plotPoints(rows).map((p) => ({ n: p.n, params: p.params })) };
    } catch (err) {
      run.view = { ...run.view, state: 'error', finishedAt: Date.now(), message: (err as Error).message };
    }
  }

  views(): SweepRunView[] {
    return [...this.#runs.values()].reverse().map((r) => r.view);
  }

  /**
   * The what-if report of a finished run; `pair` puts those two points (1-based) side by side.
   * @throws TwinloopError HMI_NOT_FOUND
   */
  report(id: number, pair?: readonly [number, number]): string {
    const r = this.#runs.get(id);
    if (!r?.rows) throw new TwinloopError('HMI_NOT_FOUND', `sweep run ${id} has no report${r ? ` (it is ${r.view.state})` : ''}`);
    if (pair && pair.some((n) => !r.rows!.some((row) => row.point.index + 1 === n))) throw new TwinloopError('HMI_NOT_FOUND', `sweep run ${id} has points 1 to ${r.rows.length}`);
    return sweepHtml(r.view.name, r.rows, pair ? { pair } : {});
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#pool?.close();
    await this.#chain.catch(() => undefined);
  }
}
