// Runs one compiled scenario in this thread on a Lockstep (model + built-in controller stepped
// together), as fast as the CPU allows: deterministic for a seed, so the same file gives the
// same verdicts serially and in the pool. Each step's verdict, the KPIs, a trend window of the
// involved signals around the first failure and a compact trace for `twinloop compare`.
//
// Communication faults against the lock-stepped built-in controller (see docs/scenarios.md):
// - link-loss: the controller is cut off from the line. It does not scan (in lock-step its only
//   clock is its scan count, so its timers pause too), its input image stays frozen at the last
//   values it received, its outputs hold their last values and the actuators they drive carry
//   bad quality. `clear: link-loss` reconnects; the program resumes where it stopped.
// - plc-restart: the controller goes down for `downtime` (outputs 0, bad quality, as a PLC in
//   STOP drives its outputs to their safe state), then comes back from a cold restart.

import { performance } from 'node:perf_hooks';
import { Lockstep } from '../engine/lockstep.ts';
import { TwinloopError } from '../errors.ts';
import { SimAdapter, DEFAULT_PROGRAM } from '../../plc-adapters/sim/sim-adapter.ts';
import { StProgram } from '../../plc-adapters/st/st-program.ts';
import { programLabel } from '../../plc-adapters/sim/program-source.ts';
import type { SteppableAdapter } from '../../plc-adapters/adapter.ts';
import type { BoundCondition, CompiledExpression } from './expression.ts';
import { KpiTracker, kpiSignals, type Kpis, type KpiVerdict } from './kpis.ts';
import { LineKpiTracker, type KpiReport } from '../kpi/kpi-tracker.ts';
import { kpiPlan } from '../kpi/station-plan.ts';
import { layoutOf } from '../engine/layout.ts';
import type { CompiledStep, PreparedScenario } from './scenario-compile.ts';
import { runSteps, scenarioResult } from './step-loop.ts';
import { TraceRecorder } from './trace-file.ts';
import { TrendRing, type TrendWindow } from './trend-ring.ts';

export type Verdict = 'passed' | 'failed' | 'skipped';

export interface StepVerdict {
  readonly index: number;
  readonly label: string;
  readonly line?: number;
  readonly status: Verdict;
  /** Simulated s since the scenario's start. */
  readonly start: number;
  readonly end: number;
  readonly message?: string;
}

export interface ScenarioResult {
  readonly name: string;
  readonly file: string;
  readonly program: string;
  readonly seed: number;
  /** error: the scenario could not be loaded or built (a broken file, not a failed test). */
  readonly status: 'passed' | 'failed' | 'error';
  /** The first failure or the error. */
  readonly message?: string;
  readonly steps: readonly StepVerdict[];
  readonly kpis: readonly KpiVerdict[];
  readonly kpiValues: Kpis | null;
  /** OEE per station and for the line, station state shares and the bottleneck (docs/kpi.md). */
  readonly production?: KpiReport;
  readonly simTime: number;
  readonly wallMs: number;
  readonly failure?: { readonly step: number; readonly time: number; readonly trend: TrendWindow };
  readonly involved: readonly string[];
  /** gzip'd trace (trace-file.ts) of the involved and KPI signals. */
  readonly trace?: Uint8Array;
  readonly snapshots: readonly { readonly file: string; readonly bytes: Uint8Array }[];
}

export interface RunOptions {
  /** Numeric tuning fields of the built-in program to set before the run (e.g. hearthHz). */
  readonly programParams?: Readonly<Record<string, number>>;
  /** Seconds of trend kept before a failure (default 20) and run after it (default 1). */
  readonly trendSeconds?: number;
  readonly tailSeconds?: number;
  /** Further signals to keep in the trace (sweeps: the KPI signals are always in it). */
  readonly extraSignals?: readonly string[];
  /**
   * Where to publish progress for a watcher (the HMI), e.g. a Float64Array over a
   * SharedArrayBuffer handed to a pool task: [0] simulated s, [1] index of the running step,
   * [2] step count. Written at each sample; display only, so plain (non-atomic) writes.
   */
  readonly progress?: Float64Array;
  /** Wall-clock budget of the run, ms (default 10 minutes): a runaway file fails, not hangs. */
  readonly maxWallMs?: number;
}

/** Set numeric fields of a built-in program (sweeps); unknown names fail loudly. */
export function setProgramParams(adapter: SteppableAdapter | undefined, params: Readonly<Record<string, number>>): void {
  if (Object.keys(params).length === 0) return;
  if (!(adapter instanceof SimAdapter)) throw new TwinloopError('CFG_INVALID', 'program parameters need a built-in controller');
  if (adapter.program instanceof StProgram) {
    // ST: a variable by path (`FURNACE.hearthHz`), or by name in the first program that has it.
    const st = adapter.program;
    for (const [k, v] of Object.entries(params)) {
      const path = k.includes('.') ? k : st.programNames.map((p) => `${p}.${k}`).find((p) => st.has(p));
      if (path === undefined || st.signalType(path) === null) throw new TwinloopError('CFG_INVALID', `program ${st.name} has no numeric parameter ${k} (a scalar variable of one of its PROGRAMs)`);
      st.write(path, v);
    }
    return;
  }
  const program = adapter.program as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(params)) {
    if (typeof program[k] !== 'number') throw new TwinloopError('CFG_INVALID', `program ${adapter.program.name} has no numeric parameter ${k}`);
    program[k] = v;
  }
}

class ScenarioRun {
  readonly ls: Lockstep;
  readonly v: Float64Array;
  readonly dt: number;
  readonly sampleTicks: number;
  readonly ring: TrendRing;
  readonly trace: TraceRecorder;
  readonly kpi: KpiTracker;
  readonly production: LineKpiTracker;
  readonly progress: Float64Array | undefined;
  /** clock[0]: simulated s since the scenario's start, what `time` reads in conditions. */
  readonly clock = new Float64Array(1);
  /** Each step's condition bound to this run's arrays (by step index; undefined without one). */
  readonly conditions: (BoundCondition | undefined)[];
  tick = 0;
  readonly #deadline: number;
  #since = 0;
  #reconnectAt = -1;

  constructor(ls: Lockstep, p: PreparedScenario, options: RunOptions) {
    this.ls = ls;
    this.v = ls.values;
    this.dt = ls.model.dt;
    this.sampleTicks = Math.max(1, Math.round(p.sampleMs / 1000 / this.dt));
    this.progress = options.progress;
    this.conditions = p.steps.map((st) => ('condition' in st ? st.condition.bind(ls.values, this.clock, ls.quality) : undefined));
    this.#deadline = performance.now() + (options.maxWallMs ?? 600_000);
    if (this.progress !== undefined) this.progress[2] = p.steps.length;
    const idsOf = (names: readonly string[]): Int32Array => Int32Array.from(names, (n) => p.ids.get(n)!);
    const k = kpiSignals(p.line, (n) => p.ids.has(n));
    const capacity = Math.max(2, Math.round((options.trendSeconds ?? 20) / (this.sampleTicks * this.dt)));
    this.ring = new TrendRing(p.involved, idsOf(p.involved), capacity);
    const traced = [...new Set([...p.involved, ...(options.extraSignals ?? []), ...k.binned, ...k.rejects, ...k.wear, ...(k.energy ? [k.energy] : []), ...(k.fault ? [k.fault] : [])])];
    this.trace = new TraceRecorder(traced, idsOf(traced), this.sampleTicks * this.dt * 1000);
    this.kpi = new KpiTracker({
      binned: idsOf(k.binned),
      rejects: idsOf(k.rejects),
      wear: idsOf(k.wear),
      energy: k.energy ? p.ids.get(k.energy)! : -1,
      fault: k.fault ? p.ids.get(k.fault)! : -1,
      alarms: idsOf(k.alarms),
    });
    this.production = new LineKpiTracker(kpiPlan(layoutOf(p.line), (n) => p.ids.get(n) ?? -1));
  }

  get time(): number {
    return this.tick * this.dt;
  }

  get adapter(): SteppableAdapter | undefined {
    return this.ls.exchange?.adapter;
  }

  start(): void {
    this.kpi.start(this.v, 0);
    this.production.start(this.v, 0);
    this.#sample();
  }

  /** One tick: controller scan on cycle boundaries, physics step, sampling. Allocation-free. */
  advance(): void {
    this.ls.step();
    this.tick++;
    this.clock[0] = this.tick * this.dt;
    // Every 65,536 ticks (~0.1 s of wall time): bounded in time as well as in ticks.
    if ((this.tick & 0xffff) === 0 && performance.now() > this.#deadline) {
      throw new TwinloopError('RUN_BAD_REQUEST', `the scenario ran out of its wall-clock budget at t=${this.time.toFixed(3)} s`);
    }
    if (this.tick === this.#reconnectAt) this.#reconnect();
    if (++this.#since === this.sampleTicks) {
      this.#since = 0;
      this.#sample();
    }
  }

  run(n: number): void {
    for (let k = 0; k < n; k++) this.advance();
  }

  /** Take the last sample when the run ended between two sample ticks. */
  finish(): void {
    if (this.#since !== 0) {
      this.#since = 0;
      this.#sample();
    }
  }

  #sample(): void {
    const t = this.time;
    if (this.progress !== undefined) this.progress[0] = t;
    this.ring.push(this.v, t);
    this.trace.sample(this.v);
    this.kpi.sample(this.v, t);
    this.production.sample(this.v, t);
  }

  linkDown(): void {
    const a = this.adapter;
    if (!a) throw new TwinloopError('CFG_INVALID', 'a communication fault needs a controller');
    // SimAdapter.close/connect complete synchronously (no I/O); their promises carry nothing.
    void a.close();
  }

  linkUp(): void {
    void this.adapter?.connect();
    this.#reconnectAt = -1;
  }

  restart(downTicks: number): void {
    const ex = this.ls.exchange;
    if (!ex) throw new TwinloopError('CFG_INVALID', 'a communication fault needs a controller');
    ex.restart(); // cold: program state and process images cleared, outputs 0
    this.linkDown();
    this.#reconnectAt = this.tick + Math.max(1, downTicks);
  }

  #reconnect(): void {
    this.linkUp();
  }
}

function valuesOf(c: CompiledExpression, p: PreparedScenario, v: Float64Array): string {
  return c.signals.map((s) => `${s} = ${v[p.ids.get(s)!]}`).join(', ');
}

/** Run a compiled scenario to its end or its first failure. */
export async function runScenario(p: PreparedScenario, options: RunOptions = {}): Promise<ScenarioResult> {
  const wall0 = performance.now();
  if (p.network) throw new TwinloopError('CFG_INVALID', `${p.doc.file}: its plant couples a network PLC: run it with runRealtime (realtime-runner.ts)`);
  const ls = await Lockstep.create(p.line, p.defs, p.controller, p.tagMap);
  setProgramParams(ls.exchange?.adapter, options.programParams ?? {});
  if (p.initial) ls.model.restore(p.initial);
  const run = new ScenarioRun(ls, p, options);
  const v = run.v;
  const snapshots: { file: string; bytes: Uint8Array }[] = [];
  const faults = new Map<string, number>();
  run.start();
  const { verdicts: steps, failed } = await runSteps(p.steps, {
    time: () => run.time,
    progress: options.progress,
    execute: (step) => execute(step, run, p, v, faults, snapshots),
  });

  let failure: ScenarioResult['failure'];
  if (failed) {
    // A short tail after the failure shows what followed it in the trend.
    run.run(Math.round((options.tailSeconds ?? 1) / run.dt));
    failure = { step: failed.step, time: failed.time, trend: run.ring.window(failed.time) };
  }
  run.finish();
  const kpiValues = run.kpi.result(v);
  await ls.exchange?.adapter.close();
  return scenarioResult(p, {
    program: programLabel(p.controller.program ?? DEFAULT_PROGRAM),
    verdicts: steps,
    failed,
    failure,
    kpiValues,
    production: run.production.report(),
    simTime: run.time,
    wallMs: performance.now() - wall0,
    trace: run.trace.encode(),
    snapshots,
  });
}

/** Execute one step; returns a failure message, or undefined when it passed. */
function execute(step: CompiledStep, run: ScenarioRun, p: PreparedScenario, v: Float64Array, faults: Map<string, number>, snapshots: { file: string; bytes: Uint8Array }[]): string | undefined {
  const ls = run.ls;
  switch (step.kind) {
    case 'set':
      // One write; the signal's writer (controller or model) may overwrite it from the next tick.
      v[step.id] = step.value;
      return undefined;
    case 'force':
      if (!ls.force(step.id, step.value)) return `${step.label}: too many signals forced at once`;
      return undefined;
    case 'release':
      ls.release(step.id);
      return undefined;
    case 'wait':
      run.run(step.ticks);
      return undefined;
    case 'waitUntil':
    case 'expectWithin': {
      const c = run.conditions[step.index]!;
      for (let k = 0; ; k++) {
        if (c() !== 0) return undefined;
        if (k >= step.ticks) break;
        run.advance();
      }
      const what = step.kind === 'waitUntil' ? 'timed out waiting for' : 'expected';
      return `${what} ${step.condition.source} ${step.ticks > 0 ? `within ${(step.ticks * run.dt).toFixed(3).replace(/\.?0+$/, '')} s` : 'now'}; at t=${run.time.toFixed(3)} s: ${valuesOf(step.condition, p, v)}`;
    }
    case 'expectFor': {
      const c = run.conditions[step.index]!;
      for (let k = 0; ; k++) {
        if (c() === 0) {
          return `expected ${step.condition.source} to hold for ${(step.ticks * run.dt).toFixed(3).replace(/\.?0+$/, '')} s; false at t=${run.time.toFixed(3)} s (after ${(k * run.dt).toFixed(3)} s): ${valuesOf(step.condition, p, v)}`;
        }
        if (k >= step.ticks) return undefined;
        run.advance();
      }
    }
    case 'inject': {
      const info = ls.model.injectFault(step.fault);
      if (step.as !== undefined) faults.set(step.as, info.id);
      return undefined;
    }
    case 'clear':
      if (step.name === 'link-loss') run.linkUp();
      else ls.model.clearFault(faults.get(step.name)!);
      return undefined;
    case 'linkLoss':
      run.linkDown();
      return undefined;
    case 'plcRestart':
      run.restart(step.downTicks);
      return undefined;
    case 'snapshot':
      snapshots.push({ file: step.file, bytes: ls.model.snapshot() });
      return undefined;
  }
}
