// Starts a run: validates the line file, builds the signal catalog and its shared table,
// starts the physics worker (model + built-in controller in lock-step) and gives the rest of
// the system a RunControl to pause, step, reset and pace it.

import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { pino, type Logger } from 'pino';
import { isErrorCode, TwinloopError } from '../errors.ts';
import { SignalTable } from '../signals.ts';
import { loadLineFile } from '../config/line-file.ts';
import type { LineFile } from '../../physics/model.ts';
import { lineSignals } from '../../physics/model.ts';
import type { TagMapping } from '../exchange.ts';
import { programTagMap, runSignals } from './run-catalog.ts';
import type { ControllerConfig } from '../../plc-adapters/factory.ts';
import { DEFAULT_PROGRAM } from '../../plc-adapters/sim/sim-adapter.ts';
import { isSourceSpec, NO_PROGRAM } from '../../plc-adapters/sim/program-source.ts';
import { programNameOf } from '../../plc-adapters/st/compile.ts';
import { Command, ControlBlock, LATENESS_BOUNDS_US, PaceKind, WorkerState, type WorkerStats } from './control-block.ts';
import type { WorkerInit, WorkerMessage } from './worker-init.ts';
import { spawnWorker } from './spawn-worker.ts';
import { setThreadScheduling } from './thread-scheduling.ts';
import type { WorkerReply, WorkerRequest } from './worker-requests.ts';
import type { FaultInfo, FaultSpec } from '../../physics/fault-spec.ts';
import { checkPlantSignals, loadPlantFile, type PlantFile } from '../config/plant-file.ts';
import { ConfigError } from '../config/config-error.ts';
import { NetworkCoupling, planController } from './plant-coupling.ts';
import { ActuatorRing } from './actuator-ring.ts';
import { RingInputs } from './ring-inputs.ts';
import type { AlarmSink } from '../alarms/alarm-sink.ts';
import type { ModelGate } from '../model/model-gate.ts';
import { isShadowPlant, ShadowRun } from '../shadow/shadow-run.ts';
import { LogAlarmSink } from '../shadow/log-sink.ts';
import type { ForceInfo, LatenessHistogramView, LayoutEntry, Pace, ProgramOnline, ProgramState, RunControl, RunInputs, RunState, RunStatus } from './run-control.ts';
import { layoutOf } from './layout.ts';
import { PaceWatch } from './pace-keeping.ts';
import { checkPacing, publishEvery, wakePlan, type Pacing } from './pacing.ts';
import { actuatorWarnings } from './run-warnings.ts';

export { layoutOf };

export interface RunOptions {
  /** Path of the line file (YAML). */
  readonly linePath?: string;
  /** An already loaded and validated line (takes precedence over linePath). */
  readonly line?: LineFile;
  readonly pace?: Pace;
  readonly logger?: Logger;
  /** Start running at once (default true); false starts paused. */
  readonly autoStart?: boolean;
  /** The built-in controller (default: program `sorting`, 10 ms cycle). */
  readonly controller?: ControllerConfig;
  /** A plant file (controllers and tag map); its `line:` is used when no line is given. */
  readonly plantPath?: string;
  readonly plant?: PlantFile;
  /** Start the soft PLCs a plant file asks for (default true). */
  readonly startSoftPlc?: boolean;
  /** Periods caught up after a stall before the rest count as overruns (default 20). */
  readonly catchUpCap?: number;
  /**
   * SCHED_FIFO priority (1-99) of the physics worker thread while it is paced to the wall clock
   * (default 10; 0 = never). Needs CAP_SYS_NICE; without it the worker keeps normal scheduling.
   */
  readonly realtimePriority?: number;
  /** Nice value of the physics worker thread (default -10; 0 leaves it; needs CAP_SYS_NICE). */
  readonly nice?: number;
  /** Spin before each deadline (ms, default 0.3; precise pacing only). */
  readonly spinMs?: number;
  /**
   * How a paced run waits for its deadlines (core/engine/pacing.ts): `precise` (default) wakes
   * every ms and spins before each deadline; `economy` wakes every 5 ms without spinning, for
   * long-running installations (a few % of a core instead of a third).
   */
  readonly pacing?: Pacing;
  /**
   * Publish the signal table every this many ms of model time in a paced run (default: every
   * step for tables up to 10 000 signals, less often for larger ones, at most every 10 ms or
   * the fastest network controller's cycle; core/engine/pacing.ts).
   */
  readonly publishMs?: number;
  /** Log tick statistics this often (ms, default 10000; 0 = never). */
  readonly statsLogMs?: number;
  /** Shadow mode: where deviation, communication and maintenance conditions go (default: the log). */
  readonly alarmSink?: AlarmSink;
  /** Shadow mode: the model gate (sign-off, issue 20): deviations are advisories until signed off. */
  readonly model?: ModelGate;
}

const ACK_TIMEOUT_MS = 10_000;
/** How often a real-time run's pace is checked (the worker refreshes its statistics every 200 ms). */
const PACE_WATCH_MS = 1000;
const DEFAULT_CONTROLLER: ControllerConfig = { name: 'plc1', protocol: 'sim', program: DEFAULT_PROGRAM, cycleMs: 10 };

/** The tag map of a controller's built-in program (default: the default program), when no plant file names one. */
export function defaultTagMap(controller: ControllerConfig, line?: LineFile): TagMapping[] {
  return programTagMap(controller.program ?? DEFAULT_PROGRAM, line);
}

export { runSignals };

function workerUrl(): URL {
  // Under tsx the sources are .ts; compiled with tsc they are .js next to this file.
  return new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);
}

/** What startRun gives back: the RunControl with every optional capability present. */
export type StartedRun = RunControl & {
  readonly line: LineFile;
  /** How the physics thread is scheduled (e.g. "SCHED_FIFO 10"). */
  readonly scheduling: string;
  force(signal: string, value: number, by?: string): Promise<void>;
  release(signal: string): Promise<void>;
  forcedSignals(): { signal: string; value: number }[];
  injectFault(spec: FaultSpec): Promise<FaultInfo>;
  clearFault(id: number): Promise<void>;
  faults(): readonly FaultInfo[];
};

/** A request without its id (the engine numbers them). */
type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

class Run implements RunControl {
  readonly table: SignalTable;
  /** Network controllers' values on their way to the table (set by startRun). */
  inputs?: RunInputs;
  readonly lineName: string;
  readonly layout: readonly LayoutEntry[];
  readonly #line: LineFile;
  readonly #ctrl: ControlBlock;
  readonly #worker: Worker;
  readonly #log: Logger;
  readonly #controller: ControllerConfig;
  readonly #stats: WorkerStats = { ticks: 0, wakes: 0, lateP50: 0, lateP99: 0, lateMax: 0, overruns: 0, stepsPerSecond: 0, realtimeFactor: 0, cycles: 0, publishes: 0, publishP50: 0, publishP99: 0, publishMax: 0 };
  /** How the worker paces and publishes (set by startRun, shown in the status). */
  pacing: Pacing = 'precise';
  publishEvery = 1;
  #failure: TwinloopError | undefined;
  #exited = false;
  readonly #exit: Promise<void>;
  #queue: Promise<unknown> = Promise.resolve();
  #statsTimer: NodeJS.Timeout | undefined;
  #paceTimer: NodeJS.Timeout | undefined;
  readonly #port: MessagePort;
  #nextRequest = 1;
  readonly #pending = new Map<number, (r: WorkerReply) => void>();
  readonly #faults = new Map<number, FaultInfo>();
  readonly #forced = new Map<string, ForceInfo>();
  #refusedWarned = false;
  /** The ST program's state as the worker last reported it (RUN until told otherwise). */
  #program: ProgramState | null = null;
  readonly #isSt: boolean;

  /** The network controllers (OPC UA, ADS, S7) of the run, each with its exchange. */
  readonly #networks: readonly NetworkCoupling[];
  /** The built-in controller in lock-step, or null when only network PLCs drive the line. */
  readonly #lockstep: ControllerConfig | null;
  #tid: number | null = null;
  #rtPriority = 0;
  /** How the physics thread is scheduled now (e.g. "SCHED_FIFO 10", "normal (...)"). */
  scheduling = 'normal';

  constructor(line: LineFile, table: SignalTable, ctrl: ControlBlock, worker: Worker, log: Logger, controller: ControllerConfig, port: MessagePort, networks: readonly NetworkCoupling[], lockstep: ControllerConfig | null) {
    this.#line = line;
    this.table = table;
    this.lineName = line.name;
    this.layout = layoutOf(line);
    this.#ctrl = ctrl;
    this.#worker = worker;
    this.#log = log;
    this.#controller = controller;
    this.#port = port;
    this.#networks = networks;
    this.#lockstep = lockstep;
    this.#isSt = lockstep !== null && lockstep.protocol === 'sim' && isSourceSpec(lockstep.program ?? DEFAULT_PROGRAM);
    // Named as the compiler names it (the first file's base name) until the worker reports.
    if (this.#isSt) this.#program = { name: programNameOf(lockstep!.program!.split(',')[0]!), status: 'run', fault: null };
    port.on('message', (r: WorkerReply) => {
      const done = this.#pending.get(r.id);
      this.#pending.delete(r.id);
      done?.(r);
    });
    // Replies only matter while a request waits; an idle port must not keep the process alive.
    port.unref();
    this.#exit = new Promise((resolve) => {
      worker.once('exit', (code) => {
        this.#exited = true;
        if (this.#statsTimer) clearInterval(this.#statsTimer);
        if (this.#paceTimer) clearInterval(this.#paceTimer);
        if (code !== 0 && !this.#failure) this.#failure = new TwinloopError('WORKER_FAILED', `physics worker exited with code ${code}`);
        resolve();
      });
    });
    worker.on('message', (m: WorkerMessage) => {
      if (m.t === 'program') {
        this.#program = m.status;
        const f = m.status.fault;
        if (f) this.#log.error({ program: m.status.name, kind: f.kind, at: `${f.file}:${f.line}:${f.col}`, pou: f.pou, scan: f.scan }, `controller program in STOP: ${f.message}; its outputs are 0, the line runs on (reset restarts it)`);
        else this.#log.info({ program: m.status.name }, 'controller program in RUN');
      }
      if (m.t === 'error') {
        this.#failure = new TwinloopError('WORKER_FAILED', `physics worker failed: ${m.message}`);
        this.#log.error({ code: m.code, stack: m.stack }, `physics worker failed: ${m.message}`);
      }
    });
    worker.on('error', (err) => {
      this.#failure = new TwinloopError('WORKER_FAILED', `physics worker threw: ${err.message}`, { cause: err });
      this.#log.error({ err }, 'physics worker threw');
    });
  }

  /**
   * Log the tick statistics every `everyMs`, and watch the pace every PACE_WATCH_MS: one warning
   * when a real-time run falls behind its pace (the line steps slower than the clock asks), one
   * line when it keeps it again. 0 turns both off.
   */
  startStatsLog(everyMs: number): void {
    if (everyMs <= 0) return;
    this.#statsTimer = setInterval(() => {
      const s = this.status();
      this.#log.info({ tick: s.tick, simTime: s.time, state: s.state, stats: s.stats }, 'tick statistics');
    }, everyMs);
    this.#statsTimer.unref();
    const watch = new PaceWatch();
    this.#paceTimer = setInterval(() => {
      const s = this.status();
      const change = watch.observe(s);
      if (change === null) return;
      const { achieved, requested } = change.keeping;
      const at = { simTime: s.time, achieved, requested, overruns: s.stats.overruns, lateP99: s.stats.lateP99 };
      if (change.kind === 'behind') {
        this.#log.warn(at, `run behind its pace: ${achieved.toFixed(2)}x of ${requested}x (the line steps slower than the clock asks; a processPeriod for its process parts or a larger dt lightens each step)`);
      } else {
        this.#log.info(at, `run keeps its pace again: ${achieved.toFixed(2)}x of ${requested}x`);
      }
    }, PACE_WATCH_MS);
    this.#paceTimer.unref();
  }

  get line(): LineFile {
    return this.#line;
  }

  status(): RunStatus {
    const ws = this.#ctrl.state;
    const state: RunState = this.#failure
      ? 'failed'
      : ws === WorkerState.RUNNING ? 'running' : ws === WorkerState.PAUSED ? 'paused' : ws === WorkerState.STOPPED ? 'stopped' : ws === WorkerState.FAILED ? 'failed' : 'starting';
    const s = this.#ctrl.readStats(this.#stats);
    const pace: Pace = this.#ctrl.paceKind === PaceKind.FAST ? { kind: 'fast' } : { kind: 'realtime', factor: this.#ctrl.paceFactor };
    return {
      state,
      mode: 'virtual',
      pace,
      tick: this.table.tick,
      time: this.table.time,
      dt: this.#line.dt ?? 0.001,
      scheduling: this.scheduling,
      stats: {
        ticks: s.ticks,
        wakes: s.wakes,
        lateP50: s.lateP50,
        lateP99: s.lateP99,
        lateMax: s.lateMax,
        overruns: s.overruns,
        stepsPerSecond: s.stepsPerSecond,
        realtimeFactor: s.realtimeFactor,
      },
      controllers: this.#controllerStatus(state, s.cycles),
      forces: [...this.#forced.values()],
      faults: this.faults().length,
      pacing: this.pacing,
      publish: { everyTicks: this.publishEvery, count: s.publishes, p50Us: s.publishP50, p99Us: s.publishP99, maxUs: s.publishMax },
      ...this.#actuatorStatus(),
    };
  }

  /** The actuator mailbox of the network controllers: values coalesced, and any refused (a bug). */
  #actuatorStatus(): Pick<RunStatus, 'actuators' | 'warnings'> {
    const ring = this.#networks[0]?.ring;
    if (ring === undefined) return {};
    if (ring.refused > 0 && !this.#refusedWarned) {
      this.#refusedWarned = true;
      this.#log.warn({ refused: ring.refused }, 'actuator values for signals no read tag drives were refused (a coupling bug; please report it)');
    }
    const actuators = { slots: ring.slots, coalesced: ring.coalesced, refused: ring.refused };
    const warnings = actuatorWarnings(actuators);
    return warnings.length > 0 ? { actuators, warnings } : { actuators };
  }

  lateness(): LatenessHistogramView {
    const cumulative = new Float64Array(LATENESS_BOUNDS_US.length);
    const sumUs = this.#ctrl.readLateness(cumulative);
    return { boundsUs: LATENESS_BOUNDS_US, cumulative: [...cumulative], count: this.#ctrl.readStats(this.#stats).wakes, sumUs };
  }

  #controllerStatus(state: RunState, cycles: number): RunStatus['controllers'] {
    const out: RunStatus['controllers'] = [];
    if (this.#lockstep) out.push(this.#lockstepStatus(this.#lockstep, state, cycles));
    for (const n of this.#networks) {
      const h = n.health();
      const c = n.controller;
      out.push(
        h
          ? {
              name: h.name,
              protocol: c.protocol,
              state: h.state,
              cycleMs: c.cycleMs,
              cycles: h.cycles,
              reconnects: h.reconnects,
              lastError: h.lastError,
              ...(h.revisedPublishingMs !== undefined ? { revisedPublishingMs: h.revisedPublishingMs } : {}),
              ...(h.revisedSamplingMs !== undefined ? { revisedSamplingMs: h.revisedSamplingMs } : {}),
              ...(h.readMode !== undefined ? { readMode: h.readMode } : {}),
              ...(h.readModeReason !== undefined ? { readModeReason: h.readModeReason } : {}),
            }
          : { name: c.name, protocol: c.protocol, state: 'disconnected', cycleMs: c.cycleMs, cycles: 0 },
      );
    }
    return out;
  }

  #lockstepStatus(controller: ControllerConfig, state: RunState, cycles: number): RunStatus['controllers'][number] {
    return {
      name: controller.name,
      protocol: controller.protocol,
      state: state === 'failed' || state === 'stopped' ? 'disconnected' : 'connected',
      cycleMs: controller.cycleMs ?? 10,
      cycles,
      ...(this.#program ? { program: this.#program } : {}),
    };
  }

  /** The ST program's online view (requests answered by the worker between ticks). */
  get program(): ProgramOnline | undefined {
    if (!this.#isSt) return undefined;
    return {
      children: async (path?: string) => {
        const r = await this.#request({ t: 'program-vars', path: path ?? null });
        return r.ok ? (r.vars ?? []) : [];
      },
      set: async (path: string, text: string, force: boolean) => {
        await this.#request({ t: 'program-set', path, text, force });
        this.#log.info({ path, value: text, simTime: this.table.time }, force ? 'program variable forced' : 'program variable written');
      },
      release: async (path?: string) => {
        await this.#request({ t: 'program-release', path: path ?? null });
        this.#log.info({ path: path ?? '(all)', simTime: this.table.time }, 'program force released');
      },
      // The worker's program holds the forces; nothing here keeps a copy that could drift.
      forces: async () => {
        const r = await this.#request({ t: 'program-forces' });
        return r.ok ? (r.forces ?? []) : [];
      },
    };
  }

  /** Apply the scheduling policy that fits the pace: real-time when paced, normal when fast. */
  async applyScheduling(tid: number | null, priority: number, pace: Pace): Promise<void> {
    this.#tid = tid;
    this.#rtPriority = priority;
    if (priority > 0 && pace.kind === 'realtime') this.scheduling = await setThreadScheduling(tid, priority);
    this.#log.info({ scheduling: this.scheduling, tid }, 'physics worker scheduling');
  }

  /** Exchange health of the first network controller (reconnects, read times, revised sampling ...). */
  networkHealth(): ReturnType<NetworkCoupling['health']> {
    return this.#networks[0]?.health();
  }

  /** Exchange health of every network controller, in plant-file order. */
  networksHealth(): ReturnType<NetworkCoupling['health']>[] {
    return this.#networks.map((n) => n.health());
  }

  async startNetwork(log: Logger, startSoftPlc: boolean): Promise<void> {
    for (const n of this.#networks) await n.start(this.table, log, startSoftPlc);
  }

  /** Commands are serialised: one in flight, each acknowledged by the worker. */
  #command(cmd: (typeof Command)[keyof typeof Command], intArg = 0, floatArg = 0): Promise<void> {
    const next = this.#queue.then(async () => {
      if (this.#failure) throw this.#failure;
      if (this.#exited) throw new TwinloopError('WORKER_FAILED', 'the run has stopped');
      const seq = this.#ctrl.send(cmd, intArg, floatArg);
      if (!(await this.#ctrl.waitAck(seq, ACK_TIMEOUT_MS))) {
        throw this.#failure ?? new TwinloopError('WORKER_FAILED', `physics worker did not acknowledge a command within ${ACK_TIMEOUT_MS} ms`);
      }
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  pause(): Promise<void> {
    return this.#command(Command.PAUSE);
  }

  resume(): Promise<void> {
    return this.#command(Command.RESUME);
  }

  step(ticks?: number): Promise<void> {
    const n = ticks ?? Math.max(1, Math.round((this.#controller.cycleMs ?? 10) / 1000 / (this.#line.dt ?? 0.001)));
    if (!Number.isInteger(n) || n < 1 || n > 10_000_000) {
      return Promise.reject(new TwinloopError('RUN_BAD_REQUEST', `ticks must be an integer from 1 to 10000000, got ${ticks}`));
    }
    return this.#command(Command.STEP, n);
  }

  async reset(): Promise<void> {
    await this.#command(Command.RESET);
    // A model reset clears injected faults and re-arms the line file's: follow it.
    const r = await this.#request({ t: 'list-faults' });
    this.#faults.clear();
    for (const f of (r.ok && r.faults) || []) this.#faults.set(f.id, f);
    this.#log.info({ faults: this.#faults.size }, 'run reset');
  }

  setPace(pace: Pace): Promise<void> {
    if (this.#networks.length > 0 && !(pace.kind === 'realtime' && pace.factor === 1)) {
      return Promise.reject(new TwinloopError('RUN_BAD_REQUEST', `controller ${this.#controller.name} is a real ${this.#controller.protocol} PLC: it runs in real time only (pace 1x)`));
    }
    if (pace.kind === 'realtime' && !(pace.factor >= 0.01 && pace.factor <= 10_000)) {
      return Promise.reject(new TwinloopError('RUN_BAD_REQUEST', `pace factor must be from 0.01 to 10000, got ${pace.factor}`));
    }
    return this.#command(Command.PACE, 0, pace.kind === 'fast' ? 0 : pace.factor).then(async () => {
      // A flat-out loop must not hold a real-time policy; a paced one gets it back.
      if (this.#rtPriority > 0 && this.#tid !== null) this.scheduling = await setThreadScheduling(this.#tid, pace.kind === 'fast' ? 0 : this.#rtPriority);
    });
  }

  /** Send a structured request and wake the worker to read it; resolves with its reply. */
  async #request(req: Request): Promise<WorkerReply> {
    const id = this.#nextRequest++;
    const reply = new Promise<WorkerReply>((resolve) => this.#pending.set(id, resolve));
    this.#port.ref();
    try {
      this.#port.postMessage({ ...req, id });
      await this.#command(Command.REQUESTS);
      const r = await reply;
      if (!r.ok) throw new TwinloopError(isErrorCode(r.code) ? r.code : 'RUN_BAD_REQUEST', r.message);
      return r;
    } finally {
      this.#pending.delete(id);
      if (this.#pending.size === 0) this.#port.unref();
    }
  }

  #signalId(name: string): number {
    if (typeof name !== 'string' || !this.table.has(name)) throw new TwinloopError('SIG_UNKNOWN', `unknown signal ${String(name)}`);
    return this.table.id(name);
  }

  async force(signal: string, value: number, by?: string): Promise<void> {
    const id = this.#signalId(signal);
    const def = this.table.defs[id]!;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new TwinloopError('SIG_TYPE', `force ${signal}: value must be a finite number, got ${String(value)}`);
    if (def.type === 'bool' && value !== 0 && value !== 1) throw new TwinloopError('SIG_TYPE', `force ${signal}: a bool takes 0 or 1, got ${value}`);
    if (def.type === 'int' && !Number.isInteger(value)) throw new TwinloopError('SIG_TYPE', `force ${signal}: an int takes a whole number, got ${value}`);
    await this.#request({ t: 'force', signal: id, value });
    // A force changed in value keeps its place in the list but says who set it now.
    this.#forced.set(signal, { signal, value, by: by ?? null, since: Date.now() });
    this.#log.info({ signal, value, by, simTime: this.table.time }, 'signal forced');
  }

  async release(signal: string): Promise<void> {
    const id = this.#signalId(signal);
    await this.#request({ t: 'release', signal: id });
    this.#forced.delete(signal);
    this.#log.info({ signal, simTime: this.table.time }, 'signal released');
  }

  /** Signals currently forced, with their values. */
  forcedSignals(): { signal: string; value: number }[] {
    return [...this.#forced.values()].map(({ signal, value }) => ({ signal, value }));
  }

  async injectFault(spec: FaultSpec): Promise<FaultInfo> {
    const r = await this.#request({ t: 'inject', spec });
    if (!r.ok || !r.fault) throw new TwinloopError('RUN_BAD_REQUEST', 'the worker did not report the injected fault');
    this.#faults.set(r.fault.id, r.fault);
    // The run's log is the record of every fault with its time (issue: "reported, with its time").
    this.#log.warn({ fault: r.fault.spec, id: r.fault.id, simTime: r.fault.time, tick: r.fault.tick }, 'fault injected');
    return r.fault;
  }

  async clearFault(id: number): Promise<void> {
    if (!this.#faults.has(id)) throw new TwinloopError('RUN_BAD_REQUEST', `no active fault ${id}`);
    await this.#request({ t: 'clear', fault: id });
    const f = this.#faults.get(id);
    this.#faults.delete(id);
    this.#log.warn({ id, fault: f?.spec, simTime: this.table.time }, 'fault cleared');
  }

  /** Faults the line file declared, active from the start. */
  adoptFaults(list: readonly FaultInfo[]): void {
    for (const f of list) {
      this.#faults.set(f.id, f);
      this.#log.warn({ fault: f.spec, id: f.id, simTime: f.time }, 'fault active from the line file');
    }
  }

  faults(): readonly FaultInfo[] {
    return [...this.#faults.values()];
  }

  async close(): Promise<void> {
    if (!this.#exited) {
      try {
        await this.#command(Command.STOP);
      } catch {
        // A failed worker is terminated below.
      }
      const timer = setTimeout(() => void this.#worker.terminate(), 2000);
      await this.#exit;
      clearTimeout(timer);
    }
    for (const n of this.#networks) await n.close();
    this.#port.close();
  }
}

/**
 * Start a run of a line with the built-in controller.
 * @throws ConfigError when the line file is invalid (nothing is started)
 * @throws TwinloopError WORKER_FAILED when the worker cannot build the model
 */
export async function startRun(options: RunOptions): Promise<StartedRun> {
  const log = options.logger ?? pino({ level: 'info' });
  const plant = options.plant ?? (options.plantPath ? loadPlantFile(options.plantPath) : undefined);
  let line = options.line;
  if (!line) {
    const linePath = options.linePath ?? plant?.line;
    if (!linePath) throw new TwinloopError('CFG_READ', 'startRun needs a line file (linePath, line, or a plant file naming one)');
    line = loadLineFile(linePath);
  }
  // Shadow mode runs the twin on the main thread against the real PLC (core/shadow/shadow-run.ts).
  if (plant && isShadowPlant(plant)) return ShadowRun.start({ plant, line, sink: options.alarmSink ?? new LogAlarmSink(log), logger: log, startSoftLine: options.startSoftPlc ?? true, ...(options.model !== undefined ? { model: options.model } : {}) });
  const plan = plant ? planController(plant) : null;
  // Without a plant file or an explicit controller: the program the line file names, else none
  // (the line runs without a controller, driven by forces).
  const lineController = { ...DEFAULT_CONTROLLER, program: line.program ?? NO_PROGRAM };
  const chosen = options.controller ?? lineController;
  const lockstep = plan ? plan.lockstep : chosen.protocol === 'sim' && chosen.program === NO_PROGRAM ? null : chosen;
  const tagMap = plan ? plan.tagMap : lockstep ? defaultTagMap(lockstep, line) : [];
  if (!plan && lockstep === null) log.info({ line: line.name }, 'no controller program: the line runs driven by forces (--program FILE.st, or program: in the line file)');
  const defs = runSignals(line, tagMap);
  if (plant) {
    // Controller outputs unknown to the model became state signals in defs; sensors must exist.
    const known = new Set(defs.map((d) => d.name));
    const modelKinds = new Map(lineSignals(line).map((d) => [d.name, d.kind] as const));
    const issues = checkPlantSignals(options.plantPath ?? 'plant', plant, (s) => known.has(s), (s) => modelKinds.get(s));
    if (issues.length > 0) throw new ConfigError('CFG_INVALID', issues);
  }
  const table = SignalTable.create(defs);
  // One actuator mailbox for all network controllers (their exchanges all run on this thread),
  // with a slot for every signal their read tags drive: it never runs out of room.
  const driven = plan ? [...new Set(plan.networks.flatMap((pc) => pc.tags.filter((t) => t.direction === 'read').map((t) => table.id(t.signal))))] : [];
  const ring = plan && plan.networks.length > 0 ? new ActuatorRing(driven) : null;
  const ctrl = new ControlBlock();
  // The command line (options) wins over the plant file's engine block.
  const pacing = checkPacing(options.pacing ?? plant?.engine?.pacing ?? 'precise', 'pacing');
  // The HMI publisher frames PLC values as soon as a publish shows them (issue 24). Economy
  // pacing sleeps 5 ms between wakes: a delivery wakes the worker to apply and publish it.
  const inputs = ring ? new RingInputs(ring, pacing === 'economy' ? () => ctrl.nudge() : undefined) : undefined;
  const networks = plan ? plan.networks.map((pc) => new NetworkCoupling(pc, ring!, () => inputs!.notify())) : [];
  const first = networks[0]?.controller;
  const controller: ControllerConfig = lockstep ?? (first ? { name: first.name, protocol: first.protocol, cycleMs: first.cycleMs } : { name: 'none', protocol: 'none', program: NO_PROGRAM, cycleMs: 10 });
  const pace = networks.length > 0 ? { kind: 'realtime' as const, factor: 1 } : (options.pace ?? { kind: 'realtime', factor: 1 });
  const wake = wakePlan(pacing, options.spinMs);
  const dtMs = (line.dt ?? 0.001) * 1000;
  const publishMs = options.publishMs ?? plant?.engine?.publishMs;
  const every = publishEvery({ signals: defs.length, dtMs, cyclesMs: networks.map((n) => n.controller.cycleMs), ...(publishMs !== undefined ? { publishMs } : {}) });
  const channel = new MessageChannel();
  const init: WorkerInit = {
    line,
    defs,
    tableBuffer: table.buffer,
    controlBuffer: ctrl.buffer,
    controller: lockstep,
    ringBuffer: ring ? ring.buffer : null,
    requestPort: channel.port2,
    tagMap: lockstep ? (plan ? plan.lockstepTags : tagMap) : [],
    running: options.autoStart ?? true,
    paceKind: pace.kind === 'fast' ? PaceKind.FAST : PaceKind.REALTIME,
    paceFactor: pace.kind === 'fast' ? 1 : pace.factor,
    catchUpCap: options.catchUpCap ?? 20,
    spinMs: wake.spinMs,
    adaptiveSpin: wake.adaptiveSpin,
    wakeMs: wake.wakeMs,
    publishEvery: every,
    nice: options.nice ?? -10,
  };
  const worker = spawnWorker(workerUrl(), { workerData: init, name: 'twinloop-physics', transferList: [channel.port2] });
  const run = new Run(line, table, ctrl, worker, log, controller, channel.port1, networks, lockstep);
  run.pacing = pacing;
  run.publishEvery = every;
  if (inputs) run.inputs = inputs;
  let tid: number | null = null;
  await new Promise<void>((resolve, reject) => {
    const onMessage = (m: WorkerMessage): void => {
      if (m.t === 'ready') {
        run.adoptFaults(m.faults);
        tid = m.tid;
        log.info({ priority: m.priority }, 'physics worker priority');
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        resolve();
      } else if (m.t === 'error') {
        reject(new TwinloopError('WORKER_FAILED', `physics worker failed to start: ${m.message}`));
      }
    };
    const onExit = (code: number): void => reject(new TwinloopError('WORKER_FAILED', `physics worker exited during start with code ${code}`));
    worker.on('message', onMessage);
    worker.once('exit', onExit);
  });
  await run.applyScheduling(tid, options.realtimePriority ?? 10, pace);
  try {
    await run.startNetwork(log, options.startSoftPlc ?? true);
  } catch (err) {
    await run.close();
    throw err;
  }
  run.startStatsLog(options.statsLogMs ?? 10_000);
  log.info({ line: line.name, signals: defs.length, pace, pacing, publishEveryTicks: every, controller: controller.name, protocol: controller.protocol }, 'run started');
  return run;
}
