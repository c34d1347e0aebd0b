// A suite: the scenario files named (folders are searched for *.yaml / *.yml), run serially in
// this thread or in parallel in the pool, a progress line per scenario (and a live counter on
// a terminal), then the JUnit and HTML reports and one result directory per scenario.

import { readdirSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TwinloopError } from '../errors.ts';
import { htmlReport } from './html-report.ts';
import { junitXml } from './junit-report.ts';
import { ScenarioPool } from './pool.ts';
import { dirName, writeResultDir } from './result-dir.ts';
import { kpiCsv } from '../kpi/kpi-csv.ts';
import type { ScenarioResult } from './runner.ts';
import { runScenarioTask, type ScenarioTask } from './scenario-task.ts';
import { programLabel } from '../../plc-adapters/sim/program-source.ts';

/** Scenario files among `paths` (folders: their *.yaml / *.yml, sorted; not recursive). */
export function scenarioFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new TwinloopError('CFG_READ', `${p}: no such file or folder`);
    }
    if (st.isDirectory()) {
      out.push(...readdirSync(p).filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => join(p, n)));
    } else out.push(p);
  }
  return out;
}

export interface SuiteOptions {
  /** 0 or 1 = serial in this thread; more = a pool of that many threads. */
  readonly threads: number;
  /** Built-in program to test instead of each file's. */
  readonly program?: string;
  /** Where reports and result directories go (none when undefined). */
  readonly outDir?: string;
  /** Progress output (default: none). */
  readonly progress?: NodeJS.WritableStream & { isTTY?: boolean };
  readonly title?: string;
  /** Results run elsewhere (ST unit tests) to report with the scenarios. */
  readonly extra?: () => ScenarioResult[];
  /** Runs the tasks somewhere else than this process (the job queue, core/queue); `threads` is then unused. */
  readonly execute?: (tasks: readonly ScenarioTask[], finished: (k: number, r: ScenarioResult) => void) => Promise<void>;
}

export interface SuiteResult {
  readonly results: readonly ScenarioResult[];
  readonly wallMs: number;
  readonly passed: number;
  readonly failed: number;
  readonly errors: number;
  readonly junitPath?: string;
  readonly htmlPath?: string;
}

const MARK: Readonly<Record<ScenarioResult['status'], string>> = { passed: 'PASS ', failed: 'FAIL ', error: 'ERROR' };

class Progress {
  readonly #out: (NodeJS.WritableStream & { isTTY?: boolean }) | undefined;
  readonly #total: number;
  #done = 0;
  #failed = 0;
  constructor(out: (NodeJS.WritableStream & { isTTY?: boolean }) | undefined, total: number) {
    this.#out = out;
    this.#total = total;
    this.#counter();
  }

  finished(r: ScenarioResult): void {
    this.#done++;
    if (r.status !== 'passed') this.#failed++;
    const out = this.#out;
    if (!out) return;
    const clear = out.isTTY ? '\r\x1b[2K' : '';
    const first = r.message ? `\n        ${r.message.split('\n')[0]}` : '';
    out.write(`${clear}  ${MARK[r.status]} ${r.name}  (${r.simTime.toFixed(1)} s simulated, ${r.wallMs.toFixed(0)} ms)${first}\n`);
    this.#counter();
  }

  #counter(): void {
    if (this.#out?.isTTY && this.#done < this.#total) this.#out.write(`\r\x1b[2K  [${this.#done}/${this.#total}] running… ${this.#failed} failed so far`);
  }
}

export async function runSuite(files: readonly string[], options: SuiteOptions): Promise<SuiteResult> {
  const t0 = performance.now();
  const extra = options.extra?.() ?? [];
  const progress = new Progress(options.progress, files.length + extra.length);
  for (const r of extra) progress.finished(r);
  const tasks = files.map((file) => ({ file, ...(options.program !== undefined ? { program: options.program } : {}) }));
  const scenarioResults: ScenarioResult[] = new Array(files.length);
  const results = scenarioResults;
  if (options.execute && tasks.length > 0) {
    await options.execute(tasks, (k, r) => {
      results[k] = r;
      progress.finished(r);
    });
  } else if (options.threads <= 1) {
    for (let k = 0; k < tasks.length; k++) {
      results[k] = await runScenarioTask(tasks[k]!);
      progress.finished(results[k]!);
      // Let a terminal repaint and signals be handled between scenarios.
      await new Promise<void>((r) => setImmediate(r));
    }
  } else if (tasks.length > 0) {
    const pool = new ScenarioPool(Math.min(options.threads, tasks.length));
    try {
      await Promise.all(
        tasks.map(async (task, k) => {
          results[k] = await pool.run({ kind: 'scenario', task });
          progress.finished(results[k]!);
        }),
      );
    } finally {
      await pool.close();
    }
  }
  const wallMs = performance.now() - t0;
  const all = [...extra, ...scenarioResults];
  const count = (s: string): number => all.filter((r) => r.status === s).length;
  let junitPath: string | undefined;
  let htmlPath: string | undefined;
  if (options.outDir !== undefined) {
    const dir = resolve(options.outDir);
    mkdirSync(dir, { recursive: true });
    const title = options.title ?? `twinloop scenarios${options.program ? ` (program ${programLabel(options.program)})` : ''}`;
    junitPath = join(dir, 'junit.xml');
    htmlPath = join(dir, 'report.html');
    writeFileSync(junitPath, junitXml(all, title, wallMs));
    writeFileSync(htmlPath, htmlReport(all, title, wallMs));
    // The production KPIs of every scenario beside the report (docs/kpi.md).
    const kpiRows = all.flatMap((r) => (r.production ? [{ prefix: { scenario: r.name }, report: r.production }] : []));
    if (kpiRows.length > 0) writeFileSync(join(dir, 'kpi.csv'), kpiCsv(kpiRows));
    const used = new Set<string>();
    for (const r of results) {
      let name = dirName(r.name);
      while (used.has(name)) name += '_';
      used.add(name);
      if (r.status !== 'error') writeResultDir(join(dir, 'runs', name), r, 'scenario');
    }
  }
  return { results: all, wallMs, passed: count('passed'), failed: count('failed'), errors: count('error'), ...(junitPath ? { junitPath } : {}), ...(htmlPath ? { htmlPath } : {}) };
}
