// The verdict loop both scenario runners share (lock-step and real time): run the steps in
// order, stop at the first failure (a thrown error counts as one, labelled with the step) and
// mark the rest skipped, each verdict with its start and end on the run's clock; then judge the
// KPIs and assemble the scenario's result the same way for both.

import { judgeKpis, type Kpis } from './kpis.ts';
import type { KpiReport } from '../kpi/kpi-tracker.ts';
import type { CompiledStep, PreparedScenario } from './scenario-compile.ts';
import type { ScenarioResult, StepVerdict } from './runner.ts';

export interface StepFailure {
  readonly step: number;
  readonly time: number;
  readonly message: string;
}

export interface StepLoop {
  /** Simulated s since the scenario's start. */
  time(): number;
  /** Progress words shared with the caller (index 1 = current step), if any. */
  readonly progress?: Float64Array | undefined;
  /** Carry a step out: undefined when it passed, else why it failed. */
  execute(step: CompiledStep): string | undefined | Promise<string | undefined>;
}

export async function runSteps(steps: readonly CompiledStep[], loop: StepLoop): Promise<{ verdicts: StepVerdict[]; failed: StepFailure | null }> {
  const verdicts: StepVerdict[] = [];
  let failed: StepFailure | null = null;
  for (const step of steps) {
    const start = loop.time();
    const base = { index: step.index, label: step.label, ...(step.line !== undefined ? { line: step.line } : {}), start };
    if (failed) {
      verdicts.push({ ...base, status: 'skipped', end: start });
      continue;
    }
    if (loop.progress !== undefined) loop.progress[1] = step.index;
    let message: string | undefined;
    try {
      message = await loop.execute(step);
    } catch (err) {
      message = `${step.label}: ${(err as Error).message}`;
    }
    const end = loop.time();
    if (message !== undefined) {
      failed = { step: step.index, time: end, message };
      verdicts.push({ ...base, status: 'failed', end, message });
    } else verdicts.push({ ...base, status: 'passed', end });
  }
  return { verdicts, failed };
}

/** How a run ended, as each runner measured it. */
export interface RunOutcome {
  /** What the report names as the program under test. */
  readonly program: string;
  readonly verdicts: StepVerdict[];
  readonly failed: StepFailure | null;
  readonly failure?: ScenarioResult['failure'];
  readonly kpiValues: Kpis;
  /** OEE, station states and the bottleneck (core/kpi), when the runner measured them. */
  readonly production?: KpiReport;
  readonly simTime: number;
  readonly wallMs: number;
  readonly trace: Uint8Array;
  readonly snapshots: ScenarioResult['snapshots'];
}

/** Judge the KPIs (a failed step fails the ones that need a whole run) and build the result. */
export function scenarioResult(p: PreparedScenario, o: RunOutcome): ScenarioResult {
  const kpis = judgeKpis(o.kpiValues, p.doc.data.kpis, o.failed !== null);
  const kpiFail = kpis.find((k) => k.status === 'failed');
  return {
    name: p.name,
    file: p.doc.file,
    program: o.program,
    seed: p.seed,
    status: o.failed || kpiFail ? 'failed' : 'passed',
    ...(o.failed ? { message: o.failed.message } : kpiFail ? { message: kpiFail.message! } : {}),
    steps: o.verdicts,
    kpis,
    kpiValues: o.kpiValues,
    ...(o.production ? { production: o.production } : {}),
    simTime: o.simTime,
    wallMs: o.wallMs,
    ...(o.failure ? { failure: o.failure } : {}),
    involved: p.involved,
    trace: o.trace,
    snapshots: o.snapshots,
  };
}
