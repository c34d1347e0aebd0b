// One point of a what-if sweep: the line with the point's overrides, the built-in program with
// its tuning values, run for N simulated minutes as a one-step scenario (a wait), so a point
// gets the same KPIs, trace and result directory as a scenario.

import { ConfigError, formatIssue } from '../config/config-error.ts';
import { prepareScenario } from './scenario-compile.ts';
import { validateScenario } from './scenario-file.ts';
import { runScenario, type ScenarioResult } from './runner.ts';
import type { OverrideValue } from './line-overrides.ts';
import type { SweepSpec } from './sweep.ts';

/** One point of a sweep: the sweep's settings (its name made the point's) with this point's values. */
export interface SweepPointTask extends Omit<SweepSpec, 'grid'> {
  /** Line-file parameters by path (line-overrides.ts). */
  readonly overrides: Readonly<Record<string, OverrideValue>>;
  /** Numeric tuning fields of the built-in program. */
  readonly programParams: Readonly<Record<string, number>>;
}

export async function runSweepPoint(t: SweepPointTask): Promise<ScenarioResult> {
  try {
    const data = { name: t.name, line: t.line, program: t.program, sampleMs: t.sampleMs, ...(t.seed !== undefined ? { seed: t.seed } : {}), steps: [{ wait: t.duration }] };
    const doc = validateScenario({ file: t.name, data, lineOf: () => undefined });
    const prepared = await prepareScenario(doc, { overrides: t.overrides });
    return await runScenario(prepared, { programParams: t.programParams });
  } catch (err) {
    const message = err instanceof ConfigError ? err.issues.map(formatIssue).join('\n') : (err as Error).message;
    return { name: t.name, file: t.line, program: t.program, seed: t.seed ?? 0, status: 'error', message, steps: [], kpis: [], kpiValues: null, simTime: 0, wallMs: 0, involved: [], snapshots: [] };
  }
}
