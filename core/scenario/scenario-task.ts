// One scenario as a unit of work, the same in this thread and in a pool worker: load, compile
// and run a file, turning a file that cannot be loaded into an `error` result (reported as a
// JUnit error) instead of a thrown exception that would end the suite.

import { ConfigError, formatIssue } from '../config/config-error.ts';
import { loadScenarioFile } from './scenario-file.ts';
import { prepareScenario } from './scenario-compile.ts';
import { runScenario, type RunOptions, type ScenarioResult } from './runner.ts';

export interface ScenarioTask {
  readonly file: string;
  /** Built-in program to test instead of the file's (a candidate version). */
  readonly program?: string;
  readonly options?: RunOptions;
}

export async function runScenarioTask(task: ScenarioTask): Promise<ScenarioResult> {
  try {
    const doc = loadScenarioFile(task.file);
    const prepared = await prepareScenario(doc, task.program !== undefined ? { program: task.program } : {});
    if (prepared.network) {
      // Loaded on demand: the real-time runner pulls in the engine and the protocol stacks.
      const { runRealtime } = await import('./realtime-runner.ts');
      return await runRealtime(prepared, task.options ?? {});
    }
    return await runScenario(prepared, task.options ?? {});
  } catch (err) {
    const message = err instanceof ConfigError ? err.issues.map(formatIssue).join('\n') : (err as Error).message;
    return { name: task.file, file: task.file, program: task.program ?? '', seed: 0, status: 'error', message, steps: [], kpis: [], kpiValues: null, simTime: 0, wallMs: 0, involved: [], snapshots: [] };
  }
}
