// Runs a compiled scenario in real time against a network PLC (OPC UA, ADS, S7) through the
// wire: the engine's run (physics worker paced 1x, network exchange on this thread), the steps
// polled every POLL_MS against the shared signal table. When the plant names a soft PLC, this
// runner starts it itself (on a free port), so communication faults are real:
// - link-loss: the soft PLC process is frozen (SIGSTOP): requests time out, the exchange marks
//   the actuators bad and holds their values, the PLC's own clock stops with it;
//   `clear: link-loss` resumes it (SIGCONT) and the exchange reconnects (its backoff).
// - plc-restart: the process is killed (SIGKILL), and after `downtime` a new one is started on
//   the same port: a cold restart the exchange has to reconnect to.
// Unlike lock-step runs these are not deterministic, and time is measured at each poll.

import { programLabel } from '../../plc-adapters/sim/program-source.ts';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { TwinloopError } from '../errors.ts';
import type { RunControl } from '../engine/run-control.ts';
import type { SoftPlcProcess } from '../engine/soft-plc-process.ts';
import type { PlantFile } from '../config/plant-file.ts';
import type { BoundCondition, CompiledExpression } from './expression.ts';
import { KpiTracker, kpiSignals } from './kpis.ts';
import { LineKpiTracker } from '../kpi/kpi-tracker.ts';
import { kpiPlan } from '../kpi/station-plan.ts';
import { layoutOf } from '../engine/layout.ts';
import type { RunOptions, ScenarioResult } from './runner.ts';
import { runSteps, scenarioResult } from './step-loop.ts';
import type { CompiledStep, PreparedScenario } from './scenario-compile.ts';
import { TraceRecorder } from './trace-file.ts';
import { TrendRing } from './trend-ring.ts';

/** Poll period of the signal table, ms (a setTimeout loop; 10 ms is what it holds here). */
export const POLL_MS = 10;
/** Extra wall time allowed per step beyond its simulated duration (start-up, reconnects). */
const SLACK_MS = 15_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class RealtimeRun {
  readonly run: RunControl;
  readonly v: Float64Array;
  readonly info = { tick: 0, time: 0 };
  readonly ring: TrendRing;
  readonly trace: TraceRecorder;
  readonly kpi: KpiTracker;
  readonly production: LineKpiTracker;
  readonly progress: Float64Array | undefined;
  readonly clock = new Float64Array(1);
  readonly conditions: (BoundCondition | undefined)[];
  #t0 = 0;
  time = 0;

  constructor(run: RunControl, p: PreparedScenario, options: RunOptions) {
    this.run = run;
    this.v = new Float64Array(run.table.size);
    this.progress = options.progress;
    this.conditions = p.steps.map((st) => ('condition' in st ? st.condition.bind(this.v, this.clock, run.table.quality) : undefined));
    const idsOf = (names: readonly string[]): Int32Array => Int32Array.from(names, (n) => run.table.id(n));
    const k = kpiSignals(p.line, (n) => run.table.has(n));
    this.ring = new TrendRing(p.involved, idsOf(p.involved), Math.round((options.trendSeconds ?? 20) * (1000 / POLL_MS)));
    const traced = [...new Set([...p.involved, ...k.binned, ...k.rejects, ...k.wear, ...(k.energy ? [k.energy] : []), ...(k.fault ? [k.fault] : [])])];
    this.trace = new TraceRecorder(traced, idsOf(traced), POLL_MS);
    this.kpi = new KpiTracker({ binned: idsOf(k.binned), rejects: idsOf(k.rejects), wear: idsOf(k.wear), energy: k.energy ? run.table.id(k.energy) : -1, fault: k.fault ? run.table.id(k.fault) : -1, alarms: idsOf(k.alarms) });
    this.production = new LineKpiTracker(kpiPlan(layoutOf(p.line), (n) => (run.table.has(n) ? run.table.id(n) : -1)));
  }

  start(): void {
    this.run.table.snapshot(this.v, this.info);
    this.#t0 = this.info.time;
    this.kpi.start(this.v, 0);
    this.production.start(this.v, 0);
    this.#sample();
  }

  /** Wait one poll period, take a snapshot and sample it. */
  async poll(): Promise<void> {
    await sleep(POLL_MS);
    this.run.table.snapshot(this.v, this.info);
    this.#sample();
  }

  #sample(): void {
    this.time = this.info.time - this.#t0;
    this.clock[0] = this.time;
    if (this.progress !== undefined) this.progress[0] = this.time;
    this.ring.push(this.v, this.time);
    this.trace.sample(this.v);
    this.kpi.sample(this.v, this.time);
    this.production.sample(this.v, this.time);
  }
}

/** The soft PLC of the plant, started and restarted by the runner. */
class SoftPlc {
  #proc: SoftPlcProcess | undefined;
  #port = 0;
  readonly #options: { program: string; protocol: string; cycleMs: number };

  constructor(options: { program: string; protocol: string; cycleMs: number }) {
    this.#options = options;
  }

  get endpoint(): string {
    return this.#proc!.endpoint;
  }

  async start(): Promise<void> {
    const { startSoftPlcProcess } = await import('../engine/soft-plc-process.ts');
    this.#proc = await startSoftPlcProcess({ ...this.#options, port: this.#port });
    const port = /:(\d+)(?:[/?]|$)/.exec(this.#proc.endpoint)?.[1];
    if (port !== undefined) this.#port = Number(port);
  }

  freeze(): void {
    this.#proc?.child.kill('SIGSTOP');
  }

  thaw(): void {
    this.#proc?.child.kill('SIGCONT');
  }

  async kill(): Promise<void> {
    const p = this.#proc;
    this.#proc = undefined;
    if (!p) return;
    if (this.#port === 0) throw new TwinloopError('PLC_NOT_CONNECTED', `cannot restart the soft PLC on the same port: its endpoint ${p.endpoint} names none`);
    const gone = new Promise<void>((r) => (p.child.exitCode !== null || p.child.signalCode !== null ? r() : p.child.once('exit', () => r())));
    p.child.kill('SIGKILL');
    await gone;
  }

  async close(): Promise<void> {
    this.thaw();
    await this.#proc?.close();
    this.#proc = undefined;
  }
}

function valuesOf(c: CompiledExpression, run: RunControl, v: Float64Array): string {
  return c.signals.map((s) => `${s} = ${v[run.table.id(s)]}`).join(', ');
}

/** Run a scenario whose plant couples a network PLC, in real time. */
export async function runRealtime(p: PreparedScenario, options: RunOptions = {}): Promise<ScenarioResult> {
  const wall0 = performance.now();
  const net = p.network;
  if (!net) throw new TwinloopError('CFG_INVALID', 'runRealtime needs a scenario whose plant names a network controller');
  const pc = net.controller;
  let soft: SoftPlc | undefined;
  let plant: PlantFile = net.plant;
  if (pc.softPlc) {
    soft = new SoftPlc({ program: p.controller.program ?? pc.softPlc.program, protocol: pc.protocol, cycleMs: pc.softPlc.cycleMs ?? pc.cycleMs });
    await soft.start();
    // Always a free port: the file's fixed port may be taken by another run on this machine.
    plant = { ...plant, controllers: [{ ...pc, endpoint: soft.endpoint }] };
  }
  let run: RunControl | undefined;
  try {
    const { startRun } = await import('../engine/engine.ts');
    run = await startRun({ line: p.line, plant, startSoftPlc: false, logger: pino({ level: 'silent' }), statsLogMs: 0, realtimePriority: 0, nice: 0 });
    const names = run.table.defs.map((d) => d.name).join('\n');
    if (names !== p.defs.map((d) => d.name).join('\n')) throw new TwinloopError('SIG_UNKNOWN', 'the run\'s signal catalog differs from the one the scenario was compiled against');
    return await execute(p, run, soft, options, wall0);
  } finally {
    await run?.close();
    await soft?.close();
  }
}

async function execute(p: PreparedScenario, run: RunControl, soft: SoftPlc | undefined, options: RunOptions, wall0: number): Promise<ScenarioResult> {
  const r = new RealtimeRun(run, p, options);
  if (r.progress !== undefined) r.progress[2] = p.steps.length;
  const faults = new Map<string, number>();
  let restartAt = -1;
  let restartBusy = false;
  let restartError: Error | undefined;
  r.start();
  const dt = run.status().dt;

  /** Poll until `done` returns true or `seconds` of simulated time have passed; bounded in wall time. */
  const pollFor = async (seconds: number, done: () => boolean): Promise<boolean> => {
    const until = r.time + seconds;
    const wallEnd = performance.now() + seconds * 1000 + SLACK_MS;
    for (;;) {
      if (done()) return true;
      if (r.time >= until) return false;
      if (performance.now() > wallEnd) throw new TwinloopError('RUN_BAD_REQUEST', `${seconds} s of simulated time did not pass within ${(seconds + SLACK_MS / 1000).toFixed(0)} s of wall time`);
      // A restart in progress finishes in the background while polling goes on.
      if (restartAt >= 0 && r.time >= restartAt && !restartBusy) {
        restartBusy = true;
        restartAt = -1;
        soft!.start().then(
          () => (restartBusy = false),
          (err: Error) => {
            restartBusy = false;
            restartError = err;
          },
        );
      }
      await r.poll();
    }
  };

  const runStep = async (step: CompiledStep): Promise<string | undefined> => {
    switch (step.kind) {
      case 'force':
        await run.force!(p.defs[step.id]!.name, step.value);
        return undefined;
      case 'release':
        await run.release!(p.defs[step.id]!.name);
        return undefined;
      case 'wait':
        await pollFor(step.ticks * dt, () => false);
        return undefined;
      case 'waitUntil':
      case 'expectWithin': {
        const c = step.condition;
        const f = r.conditions[step.index]!;
        if (await pollFor(step.ticks * dt, () => f() !== 0)) return undefined;
        return `${step.kind === 'waitUntil' ? 'timed out waiting for' : 'expected'} ${c.source} within ${step.ticks * dt} s; at t=${r.time.toFixed(3)} s: ${valuesOf(c, run, r.v)}`;
      }
      case 'expectFor': {
        const c = step.condition;
        const f = r.conditions[step.index]!;
        const start = r.time;
        if (!(await pollFor(step.ticks * dt, () => f() === 0))) return undefined;
        return `expected ${c.source} to hold for ${step.ticks * dt} s; false at t=${r.time.toFixed(3)} s (after ${(r.time - start).toFixed(3)} s): ${valuesOf(c, run, r.v)}`;
      }
      case 'inject': {
        const info = await run.injectFault!(step.fault);
        if (step.as !== undefined) faults.set(step.as, info.id);
        return undefined;
      }
      case 'clear':
        if (step.name === 'link-loss') soft!.thaw();
        else await run.clearFault!(faults.get(step.name)!);
        return undefined;
      case 'linkLoss':
        soft!.freeze();
        return undefined;
      case 'plcRestart':
        await soft!.kill();
        restartAt = r.time + step.downTicks * dt;
        return undefined;
      case 'set':
      case 'snapshot':
        // Refused when compiling (scenario-compile.ts); kept exhaustive for the type checker.
        return `${step.kind} is not available in real time`;
    }
  };

  const { verdicts: steps, failed } = await runSteps(p.steps, {
    time: () => r.time,
    progress: r.progress,
    execute: async (step) => {
      const message = await runStep(step);
      return message === undefined && restartError !== undefined ? `the soft PLC did not come back after its restart: ${restartError.message}` : message;
    },
  });
  // A restart still pending at the end is carried out, so nothing is left half done.
  while (restartBusy || restartAt >= 0) {
    if (restartAt >= 0 && !restartBusy) await pollFor(Math.max(0, restartAt - r.time) + POLL_MS / 1000, () => false);
    else await sleep(POLL_MS);
  }
  let failure: ScenarioResult['failure'];
  if (failed) {
    await pollFor(options.tailSeconds ?? 1, () => false).catch(() => undefined);
    failure = { step: failed.step, time: failed.time, trend: r.ring.window(failed.time) };
  }
  return scenarioResult(p, {
    program: `${p.controller.program !== undefined ? programLabel(p.controller.program) : '?'} (${p.controller.protocol}, real time)`,
    verdicts: steps,
    failed,
    failure,
    kpiValues: r.kpi.result(r.v),
    production: r.production.report(),
    simTime: r.time,
    wallMs: performance.now() - wall0,
    trace: r.trace.encode(),
    snapshots: [],
  });
}
