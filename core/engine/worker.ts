// The physics worker: owns the model's clock. Runs the lock-stepped model + built-in
// controller on an absolute deadline grid (Atomics.wait until ~300 µs before each deadline,
// then spin on performance.now()), as fast as possible, or paused and single-stepped.
// Values are published to the shared signal table (double-buffered, core/signals.ts): in a
// paced run as of the ticks that are multiples of init.publishEvery (every step for small
// tables; a 100k plant's publish costs more than its step, core/engine/pacing.ts), spread over
// the steps up to the next one when that is more than one step; after every command; and every
// FAST_PUBLISH_MS of wall time in fast runs.

import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { setPriority } from 'node:os';
import { Quality, SignalTable } from '../signals.ts';
import { isTwinloopError } from '../errors.ts';
import { Command, ControlBlock, LATENESS_BOUNDS_US, PaceKind, WorkerState, type WorkerStats } from './control-block.ts';
import { DeadlineGrid } from './deadline-grid.ts';
import { SpinGuard } from './spin-guard.ts';
import { LatenessHistogram } from './lateness-histogram.ts';
import { Lockstep } from './lockstep.ts';
import type { WorkerInit, WorkerMessage } from './worker-init.ts';
import type { WorkerReply, WorkerRequest } from './worker-requests.ts';
import type { FaultInfo, FaultSpec } from '../../physics/fault-spec.ts';
import { ActuatorRing } from './actuator-ring.ts';
import { publishTickIn, stepsPerWake as wakeSteps } from './pacing.ts';
import { currentThreadId } from './thread-scheduling.ts';
import { TwinloopError } from '../errors.ts';
import { SimAdapter } from '../../plc-adapters/sim/sim-adapter.ts';
import { StProgram } from '../../plc-adapters/st/st-program.ts';

/** The fault methods of a model that has them (the component library adds them). */
interface FaultCapable {
  injectFault(spec: FaultSpec): FaultInfo;
  clearFault(id: number): void;
  faults(): readonly FaultInfo[];
  /** Signals whose quality a wire break makes bad. */
  badSignals?(): Int32Array;
}

function faultCapable(m: object): m is FaultCapable {
  return typeof (m as Partial<FaultCapable>).injectFault === 'function' && typeof (m as Partial<FaultCapable>).clearFault === 'function';
}

const STATS_EVERY_MS = 200;
// In fast mode, look at the clock (commands, publish, stats) every this many steps.
const FAST_BATCH = 256;
const FAST_PUBLISH_MS = 2;
const IDLE_WAIT_MS = 50;

function post(msg: WorkerMessage): void {
  parentPort?.postMessage(msg);
}

/**
 * Raise this thread's scheduling priority. On Linux nice values are per thread and
 * setpriority(PRIO_PROCESS, 0) acts on the calling thread only, so this lifts the physics
 * clock above the HMI, the exchange and anything else on a 2-core machine, without touching
 * the rest of the process. Needs CAP_SYS_NICE (root, or a container granted it); without it the
 * worker runs at normal priority and says so.
 */
function raisePriority(nice: number): string {
  if (nice === 0) return 'normal (not requested)';
  try {
    setPriority(nice);
    return `nice ${nice}`;
  } catch (err) {
    return `normal (could not set nice ${nice}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
}

async function main(init: WorkerInit): Promise<void> {
  const priority = raisePriority(init.nice);
  const table = SignalTable.attach(init.defs, init.tableBuffer);
  const ctrl = new ControlBlock(init.controlBuffer);
  const run = await Lockstep.create(init.line, init.defs, init.controller, init.tagMap, table.quality);
  // A paced run is long: compile the model's own step kernels now, before the first deadline,
  // not in whichever tick reaches the model's compile threshold (3-4 ms there, then slower steps
  // while the new code warms up).
  run.model.compileKernels();
  const ring = init.ringBuffer ? new ActuatorRing([], init.ringBuffer) : null;
  const port = init.requestPort;
  const dtMs = run.model.dt * 1000;
  const hist = new LatenessHistogram();
  // Publish work per step, µs (the same 10 µs buckets): a whole publish, or the start or a part
  // of a spread one (a 100k plant's whole publish takes ~2 ms).
  const pubHist = new LatenessHistogram();
  let publishes = 0;
  const publishEvery = Math.max(1, init.publishEvery);
  const lateBuckets = new Float64Array(LATENESS_BOUNDS_US.length);
  const stats: WorkerStats = { ticks: 0, wakes: 0, lateP50: 0, lateP99: 0, lateMax: 0, overruns: 0, stepsPerSecond: 0, realtimeFactor: 0, cycles: 0, publishes: 0, publishP50: 0, publishP99: 0, publishMax: 0 };

  let running = init.running;
  let paceKind = init.paceKind;
  let paceFactor = init.paceFactor;
  let lastSeq = 0;
  let stop = false;
  let overrunsBefore = 0; // overruns of grids replaced by a pace change
  let stepsPerWake = 1;
  let grid = makeGrid();
  // Kept across pace changes: what it learned is the OS timer's lateness, not the pace's.
  const guard = new SpinGuard(init.spinMs, init.adaptiveSpin === true);
  let statsAt = performance.now();
  let statsTick = 0;
  let statsTime = 0;

  /** A grid for the current pace; sets how many steps each wake runs. */
  function makeGrid(): DeadlineGrid {
    // At high factors several steps share one wake: the OS cannot wake a thread every 100 µs.
    // Economy pacing wakes less often still and runs the steps of its longer wake back to back.
    stepsPerWake = wakeSteps(init.wakeMs, dtMs, paceFactor);
    return new DeadlineGrid((stepsPerWake * dtMs) / paceFactor, init.catchUpCap);
  }

  function publish(): void {
    const t = performance.now();
    run.model.updateItemView();
    table.publish(run.values, run.tick, run.time);
    // The PLC deliveries the last drain applied are in the table now (the HMI frames them).
    if (ring !== null) ring.published(ring.drained);
    pubHist.add((performance.now() - t) * 1000);
    publishes++;
  }

  // A table published less often than every step is published spread out (issue 24): copied
  // aside at its publish tick, then a part per step over the steps until the next one, so no step
  // carries the whole compare-and-copy (a 100k plant: ~2 ms, a burst inside its 10 ms slice).
  // Readers see it whole when the last part is done, publishEvery - 1 steps later.
  const spreadParts = publishEvery > 1 ? publishEvery - 1 : 0;
  // The PLC deliveries drained before the spread publish under way began (shown when it lands).
  let spreadDrained = 0;

  /** Paced: run `steps` steps, publishing at the last multiple of publishEvery they cross. */
  function advance(steps: number): void {
    const at = publishTickIn(run.tick, run.tick + steps, publishEvery);
    if (at < 0) {
      run.run(steps);
      if (spreadParts > 0) continueSpread(steps);
      return;
    }
    const end = run.tick + steps;
    run.run(at - run.tick);
    if (spreadParts > 0) {
      const t = performance.now();
      run.model.updateItemView();
      table.beginPublish(run.values, run.tick, run.time, spreadParts);
      if (ring !== null) spreadDrained = ring.drained;
      pubHist.add((performance.now() - t) * 1000);
    } else publish();
    if (end > at) {
      run.run(end - at);
      if (spreadParts > 0) continueSpread(end - at);
    }
  }

  /** The parts of a spread publish due after `steps` steps (one a step), if one is under way. */
  function continueSpread(steps: number): void {
    if (!table.publishing) return;
    const t = performance.now();
    if (table.continuePublish(steps)) {
      publishes++;
      if (ring !== null) ring.published(spreadDrained);
    }
    pubHist.add((performance.now() - t) * 1000);
  }

  function writeStats(now: number): void {
    const wall = (now - statsAt) / 1000;
    stats.ticks = run.tick;
    stats.wakes = hist.count;
    stats.lateP50 = hist.quantile(0.5);
    stats.lateP99 = hist.quantile(0.99);
    stats.lateMax = hist.max;
    stats.overruns = overrunsBefore + grid.overruns;
    if (wall > 0) {
      stats.stepsPerSecond = (run.tick - statsTick) / wall;
      stats.realtimeFactor = (run.time - statsTime) / wall;
    }
    stats.cycles = run.exchange?.cycles ?? 0;
    stats.publishes = publishes;
    stats.publishP50 = pubHist.quantile(0.5);
    stats.publishP99 = pubHist.quantile(0.99);
    stats.publishMax = pubHist.max;
    ctrl.writeStats(stats);
    hist.cumulative(LATENESS_BOUNDS_US, lateBuckets);
    ctrl.writeLateness(lateBuckets, hist.sum);
    reportProgram();
    statsAt = now;
    statsTick = run.tick;
    statsTime = run.time;
  }

  function restartClock(): void {
    overrunsBefore += grid.overruns;
    grid = makeGrid();
    grid.start(performance.now());
  }

  let markedBad: Int32Array = new Int32Array(0);
  /** Mirror the model's wire breaks into the shared quality array (after inject, clear, reset). */
  function markBadQuality(): void {
    const model = run.model;
    if (!faultCapable(model) || !model.badSignals) return;
    for (const id of markedBad) table.setQuality(id, Quality.GOOD);
    markedBad = model.badSignals();
    for (const id of markedBad) table.setQuality(id, Quality.BAD);
  }

  const adapter = run.exchange?.adapter;
  const program = adapter instanceof SimAdapter && adapter.program instanceof StProgram ? adapter.program : null;
  function stProgram(): StProgram {
    if (program === null) throw new TwinloopError('HMI_UNSUPPORTED', 'the controller does not run an ST program (no online view)');
    return program;
  }
  // '' until the first report, so the main thread learns the program's name and state at start.
  let programStatus = '';
  let programFaultScan = -1;
  /** Tell the main thread when the ST program goes to STOP or back to RUN (never per tick). */
  function reportProgram(): void {
    if (program === null) return;
    const fault = program.fault;
    if (program.status === programStatus && (fault?.scan ?? -1) === programFaultScan) return;
    programStatus = program.status;
    programFaultScan = fault?.scan ?? -1;
    post({ t: 'program', status: { name: program.name, status: program.status, fault } });
  }

  function answer(req: WorkerRequest): WorkerReply {
    try {
      switch (req.t) {
        case 'force':
          if (!run.force(req.signal, req.value)) return { id: req.id, ok: false, code: 'RUN_BAD_REQUEST', message: 'too many forced signals' };
          publish();
          return { id: req.id, ok: true };
        case 'release':
          run.release(req.signal);
          publish();
          return { id: req.id, ok: true };
        case 'program-vars':
          return { id: req.id, ok: true, vars: stProgram().online(req.path ?? undefined) };
        case 'program-set':
          stProgram().set(req.path, req.text, req.force);
          return { id: req.id, ok: true };
        case 'program-forces':
          return { id: req.id, ok: true, forces: stProgram().forces.map((f) => ({ path: f.path, text: stProgram().format(f.path) })) };
        case 'program-release':
          stProgram().release(req.path ?? undefined);
          return { id: req.id, ok: true };
        case 'list-faults':
          return { id: req.id, ok: true, faults: faultCapable(run.model) ? [...run.model.faults()] : [] };
        case 'inject':
        case 'clear': {
          const model = run.model;
          if (!faultCapable(model)) return { id: req.id, ok: false, code: 'RUN_BAD_REQUEST', message: 'this model has no fault injection' };
          if (req.t === 'clear') {
            model.clearFault(req.fault);
            markBadQuality();
            publish();
            return { id: req.id, ok: true };
          }
          const fault = model.injectFault(req.spec);
          markBadQuality();
          publish();
          return { id: req.id, ok: true, fault };
        }
        default:
          return { id: (req as { id: number }).id, ok: false, code: 'RUN_BAD_REQUEST', message: 'unknown request' };
      }
    } catch (err) {
      const e = err instanceof TwinloopError ? err : new TwinloopError('RUN_BAD_REQUEST', (err as Error).message);
      return { id: req.id, ok: false, code: e.code, message: e.message };
    }
  }

  function drainRequests(): void {
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
      port.postMessage(answer(m.message as WorkerRequest));
    }
  }

  /** Carry out a pending command, if any. */
  function handleCommand(): void {
    const seq = ctrl.pending(lastSeq);
    if (seq === 0) return;
    lastSeq = seq;
    const command = ctrl.command;
    switch (command) {
      case Command.PAUSE:
        running = false;
        // A paced run publishes every publishEvery steps: a paused table shows the model as it stops.
        publish();
        break;
      case Command.RESUME:
        if (!running) {
          running = true;
          restartClock();
        }
        break;
      case Command.STEP:
        if (!running) {
          run.run(Math.max(1, ctrl.commandInt));
          publish();
        }
        break;
      case Command.RESET:
        run.reset();
        markBadQuality();
        hist.clear();
        overrunsBefore = 0;
        publish();
        restartClock();
        break;
      case Command.PACE:
        paceKind = ctrl.commandFloat > 0 ? PaceKind.REALTIME : PaceKind.FAST;
        if (paceKind === PaceKind.REALTIME) paceFactor = ctrl.commandFloat;
        ctrl.setPace(paceKind, paceFactor);
        restartClock();
        break;
      case Command.STOP:
        stop = true;
        break;
      case Command.REQUESTS:
        drainRequests();
        break;
      default:
        break;
    }
    ctrl.setState(stop ? WorkerState.STOPPED : running ? WorkerState.RUNNING : WorkerState.PAUSED);
    // Requests (forces, faults, the program's online view) change no statistic; measuring here
    // would cut the rate interval short, and the HMI's online view sends several a second, so
    // the achieved pace would read as "behind" while the run keeps it.
    if (command !== Command.REQUESTS) writeStats(performance.now());
    ctrl.ack(seq);
  }

  ctrl.setPace(paceKind, paceFactor);
  ctrl.setState(running ? WorkerState.RUNNING : WorkerState.PAUSED);
  publish();
  markBadQuality();
  post({ t: 'ready', faults: faultCapable(run.model) ? [...run.model.faults()] : [], priority, tid: currentThreadId() });
  grid.start(performance.now());

  while (!stop) {
    const wake = ctrl.wake;
    handleCommand();
    if (stop) break;
    let now = performance.now();
    if (now - statsAt >= STATS_EVERY_MS) writeStats(now);
    if (!running) {
      ctrl.idle(wake, IDLE_WAIT_MS);
      continue;
    }
    if (paceKind === PaceKind.FAST) {
      const until = now + FAST_PUBLISH_MS;
      do {
        run.run(FAST_BATCH);
      } while (performance.now() < until);
      publish();
      continue;
    }
    ctrl.sleepUntil(grid.next, guard);
    now = performance.now();
    const due = grid.advance(now);
    if (due === 0) {
      // Woken early: by a command (handled at the top), or by PLC values (economy pacing sleeps
      // 5 ms): apply them and publish at once, without stepping. A large table's publish is
      // spread over steps and waits for them.
      if (ring !== null && spreadParts === 0 && ring.pending) {
        ring.drain(run.values, table.quality);
        publish();
      }
      continue;
    }
    hist.add(grid.lastLateMs * 1000);
    // Network PLCs exist only in paced runs (the engine refuses fast pace for them).
    if (ring !== null) ring.drain(run.values, table.quality);
    advance(due * stepsPerWake);
  }
  publish();
  writeStats(performance.now());
  ctrl.setState(WorkerState.STOPPED);
}

const init = workerData as WorkerInit;
const ctrlForFailure = new ControlBlock(init.controlBuffer);
main(init).catch((err: unknown) => {
  ctrlForFailure.setState(WorkerState.FAILED);
  const e = err instanceof Error ? err : new Error(String(err));
  post({ t: 'error', code: isTwinloopError(err) ? err.code : 'WORKER_FAILED', message: e.message, ...(e.stack ? { stack: e.stack } : {}) });
});
