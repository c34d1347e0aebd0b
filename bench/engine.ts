// The real engine at plant scale (issue 24): the physics worker itself (core/engine/worker.ts,
// started as the engine starts it: nice -10, SCHED_FIFO 10 where allowed, catch-up cap 20)
// paces the sliced plant line of bench/physics.ts at 1 kHz with its actuators fed through its
// ring by this thread at a 10 ms exchange cycle (what changed, as the network exchange pushes
// them; BENCH_ENGINE_FEED=all pushes every actuator every cycle), and publishes the signal table:
// every step (as before issue 24) and at the default interval (core/engine/pacing.ts). Beside
// it, in the same run and under the same scheduling, the bare loop: the same line paced by
// bench/paced-worker.ts, which never publishes; and the bare worker (bench/bare-worker.ts),
// which steps nothing: the machine's own lateness.
// Then the idle cost of each pacing policy: the demo line run by the engine with nothing
// connected, process CPU over a window, and the lateness it costs.
//
//   npm run bench -- engine
//   BENCH_PACED_SECONDS=5 BENCH_ENGINE_ROUNDS=2 BENCH_ENGINE_SIZES=10000,100000 BENCH_IDLE_SECONDS=10 npm run bench -- engine

import { MessageChannel, type Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { spawnWorker } from '../core/engine/spawn-worker.ts';
import { setThreadScheduling } from '../core/engine/thread-scheduling.ts';
import { ActuatorRing } from '../core/engine/actuator-ring.ts';
import { Command, ControlBlock, PaceKind, type WorkerStats } from '../core/engine/control-block.ts';
import type { WorkerInit, WorkerMessage } from '../core/engine/worker-init.ts';
import { publishEvery, wakePlan, type Pacing } from '../core/engine/pacing.ts';
import { runSignals, startRun } from '../core/engine/engine.ts';
import { SignalTable } from '../core/signals.ts';
import type { LineFile } from '../physics/model.ts';
import { mixedLine } from './physics.ts';
import { workerResult } from './timing.ts';
import type { PacedResult } from './paced-worker.ts';
import type { BareResult } from './bare-worker.ts';

const SECONDS = Number(process.env.BENCH_PACED_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ENGINE_ROUNDS ?? 2);
const SIZES = (process.env.BENCH_ENGINE_SIZES ?? '10000,100000').split(',').map(Number);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 10);
/** `changes`: push what changed each cycle, as the exchange does; `all`: every actuator every cycle. */
const FEED = process.env.BENCH_ENGINE_FEED === 'all' ? 'all' : 'changes';
/** The plant line's process slice, s (as bench/physics.ts paces it). */
const PROCESS_PERIOD = 0.01;
/** The exchange cycle that feeds the ring, ms. */
const CYCLE_MS = 10;
/** Steps to a running line before timing (drives ramped and settled; bench/physics.ts FILL_STEPS). */
const FILL_STEPS = 5000;
/** Cylinders change their command every this many ms (bench/physics.ts flips them every 250 steps). */
const FLIP_MS = 250;
const ACK_MS = 120_000;

export interface EngineResult {
  /** Simulated seconds per wall second over the timed window. */
  realTime: number;
  /** Overruns in the window, scaled to 5 s. */
  overrunsPer5s: number;
  /** Wake lateness, µs (the worker's histogram, 10 µs buckets). */
  p50: number;
  p99: number;
  max: number;
  publishEvery: number;
  publishesPerSecond: number;
  publishP50: number;
  publishP99: number;
  /** Actuator values pushed into the ring, coalesced (replaced unread) and refused (lost). */
  pushed: number;
  coalesced: number;
  refused: number;
  slots: number;
  scheduling: string;
}

/** The actuator values bench/physics.ts gives the line (startLine), by signal name. */
function actuatorValue(name: string, extendPhase: number): number {
  if (name.endsWith('.run') || name.endsWith('.enable') || name.endsWith('.open')) return 1;
  if (name.endsWith('.setpoint') || name.endsWith('.power') || name.endsWith('.command')) return 50;
  if (name.endsWith('.extend')) return extendPhase;
  return 0;
}

async function command(ctrl: ControlBlock, cmd: (typeof Command)[keyof typeof Command], intArg = 0, floatArg = 0): Promise<void> {
  if (!(await ctrl.waitAck(ctrl.send(cmd, intArg, floatArg), ACK_MS))) throw new Error(`the worker did not acknowledge command ${cmd}`);
}

/**
 * Pace `line` at 1 kHz in the physics worker for `seconds`, every actuator pushed into its ring
 * every CYCLE_MS; `every` steps between publishes (1 = every step).
 */
export async function runRealWorker(line: LineFile, seconds: number, every: number, pacing: Pacing = 'precise'): Promise<EngineResult> {
  const defs = runSignals(line, []);
  const table = SignalTable.create(defs);
  const actuators = defs.flatMap((d, id) => (d.kind === 'actuator' ? [id] : []));
  const ring = new ActuatorRing(actuators);
  const ctrl = new ControlBlock();
  const channel = new MessageChannel();
  const wake = wakePlan(pacing);
  const init: WorkerInit = {
    line,
    defs,
    tableBuffer: table.buffer,
    controlBuffer: ctrl.buffer,
    controller: null,
    ringBuffer: ring.buffer,
    requestPort: channel.port2,
    tagMap: [],
    running: false,
    paceKind: PaceKind.REALTIME,
    paceFactor: 1,
    catchUpCap: 20,
    nice: -10,
    spinMs: wake.spinMs,
    adaptiveSpin: wake.adaptiveSpin,
    wakeMs: wake.wakeMs,
    publishEvery: every,
  };
  const worker: Worker = spawnWorker(new URL('../core/engine/worker.ts', import.meta.url), { workerData: init, name: 'twinloop-physics', transferList: [channel.port2] });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let feeder: NodeJS.Timeout | undefined;
  try {
    const tid = await new Promise<number | null>((resolve, reject) => {
      worker.on('message', (m: WorkerMessage) => {
        if (m.t === 'ready') resolve(m.tid);
        if (m.t === 'error') reject(new Error(m.message));
      });
      worker.once('error', reject);
    });
    const scheduling = await setThreadScheduling(tid, 10);
    let pushed = 0;
    const last = new Float64Array(actuators.length).fill(Number.NaN);
    const feed = (): void => {
      const phase = Math.floor(performance.now() / FLIP_MS) % 2;
      for (let k = 0; k < actuators.length; k++) {
        const id = actuators[k]!;
        const v = actuatorValue(defs[id]!.name, phase);
        if (FEED === 'changes' && v === last[k]) continue;
        last[k] = v;
        ring.push(id, v, 0);
        pushed++;
      }
    };
    // Warm up as bench/physics.ts does: the actuators in, then FILL_STEPS steps at once (a
    // STEP does not drain the ring, so one paced moment takes the values first).
    feed();
    await command(ctrl, Command.RESUME);
    const stats: WorkerStats = { ticks: 0, wakes: 0, lateP50: 0, lateP99: 0, lateMax: 0, overruns: 0, stepsPerSecond: 0, realtimeFactor: 0, cycles: 0, publishes: 0, publishP50: 0, publishP99: 0, publishMax: 0 };
    for (const until = performance.now() + 5000; ctrl.readStats(stats).ticks < 20 && performance.now() < until; ) await new Promise((r) => setTimeout(r, 10));
    await command(ctrl, Command.PAUSE);
    await command(ctrl, Command.STEP, FILL_STEPS);
    feeder = setInterval(feed, CYCLE_MS);
    // The window runs from sending RESUME to sending PAUSE (a paused worker wakes at once on a
    // command); when main notices the acknowledgements depends on its own event loop.
    const s0 = { ...ctrl.readStats(stats) };
    const t0 = performance.now();
    await command(ctrl, Command.RESUME);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const wall = (performance.now() - t0) / 1000;
    await command(ctrl, Command.PAUSE);
    const s1 = ctrl.readStats(stats);
    return {
      realTime: ((s1.ticks - s0.ticks) * (line.dt ?? 0.001)) / wall,
      overrunsPer5s: ((s1.overruns - s0.overruns) * 5) / wall,
      p50: s1.lateP50,
      p99: s1.lateP99,
      max: s1.lateMax,
      publishEvery: every,
      publishesPerSecond: (s1.publishes - s0.publishes) / wall,
      publishP50: s1.publishP50,
      publishP99: s1.publishP99,
      pushed,
      coalesced: ring.coalesced,
      refused: ring.refused,
      slots: ring.slots,
      scheduling,
    };
  } finally {
    if (feeder) clearInterval(feeder);
    ctrl.send(Command.STOP);
    const timer = setTimeout(() => void worker.terminate(), 5000);
    await exited;
    clearTimeout(timer);
    channel.port1.close();
  }
}

/** bench/paced-worker.ts (the bare loop) under the physics worker's scheduling. */
async function bareLoop(line: LineFile, seconds: number): Promise<PacedResult & { scheduling: string }> {
  const go = new SharedArrayBuffer(4);
  const w = spawnWorker(new URL('./paced-worker.ts', import.meta.url), { workerData: { line, seconds, spinMs: 0.3, periodMs: 1, go } });
  try {
    let scheduling = 'normal';
    return await new Promise((resolve, reject) => {
      w.on('message', (m: { t?: string; tid?: number | null } & PacedResult) => {
        if (m.t !== 'tid') return resolve({ ...m, scheduling });
        void setThreadScheduling(m.tid ?? null, 10).then((p) => {
          scheduling = p;
          Atomics.store(new Int32Array(go), 0, 1);
          Atomics.notify(new Int32Array(go), 0);
        });
      });
      w.once('error', reject);
    });
  } finally {
    await w.terminate();
  }
}

/** utime + stime of this process (every thread), ms. */
function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/** The demo line in the engine, nothing connected: CPU share of a core and lateness, per pacing. */
export async function idleCost(pacing: Pacing, seconds: number, spinMs?: number): Promise<{ cpu: number; p50: number; p99: number; max: number; realTime: number; stepsPerWake: number }> {
  const run = await startRun({ linePath: 'examples/sorting.yaml', pacing, ...(spinMs !== undefined ? { spinMs } : {}), logger: pino({ level: 'silent' }), statsLogMs: 0 });
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const c0 = cpuMs();
    const t0 = performance.now();
    const tick0 = run.table.tick;
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const cpu = (cpuMs() - c0) / (performance.now() - t0);
    const wall = (performance.now() - t0) / 1000;
    const s = run.status();
    return { cpu, p50: s.stats.lateP50, p99: s.stats.lateP99, max: s.stats.lateMax, realTime: ((run.table.tick - tick0) * s.dt) / wall, stepsPerWake: s.stats.ticks / Math.max(1, s.stats.wakes) };
  } finally {
    await run.close();
  }
}

const f0 = (x: number): string => x.toFixed(0);

export async function engineBench(log: (line: string) => void): Promise<void> {
  log(`engine: the sliced plant line (${PROCESS_PERIOD * 1000} ms process slice) paced at 1 kHz, ${ROUNDS} round(s) of ${SECONDS} s per mode;`);
  log(`  real worker = core/engine/worker.ts, actuators pushed into its ring every ${CYCLE_MS} ms (${FEED === 'all' ? 'every actuator every cycle' : 'what changed, as the exchange pushes'}); bare loop = bench/paced-worker.ts`);
  log('  (no ring, no publish), both under the same scheduling; bare worker = bench/bare-worker.ts (steps nothing: the machine). Lateness µs (10 µs buckets), publish µs.');
  log('components  round  mode                      x real time  overruns/5s  late p50/p99/max   publish every  publishes/s  publish p50/p99  ring slots/coalesced/refused');
  for (const size of SIZES) {
    const line: LineFile = { ...mixedLine(size), processPeriod: PROCESS_PERIOD };
    const signals = runSignals(line, []).length;
    const every = publishEvery({ signals, dtMs: (line.dt ?? 0.001) * 1000, cyclesMs: [CYCLE_MS] });
    for (let r = 1; r <= ROUNDS; r++) {
      const head = `${String(line.components.length).padStart(10)}  ${String(r).padStart(5)}`;
      const b = await workerResult<BareResult>(new URL('./bare-worker.ts', import.meta.url), { seconds: SECONDS, spinMs: 0.3, periodMs: 1 });
      log(`${head}  ${'bare worker'.padEnd(24)}  ${'-'.padStart(11)}  ${String(b.overruns).padStart(11)}  ${`${f0(b.p50)}/${f0(b.p99)}/${f0(b.max)}`.padStart(16)}`);
      const p = await bareLoop(line, SECONDS);
      log(`${head}  ${`bare loop (step ${f0(p.stepP50)}/${f0(p.stepP99)} µs)`.padEnd(24)}  ${p.realTime.toFixed(3).padStart(11)}  ${f0((p.overruns * 5) / SECONDS).padStart(11)}  ${`${f0(p.p50)}/${f0(p.p99)}/${f0(p.max)}`.padStart(16)}  ${'never'.padStart(13)}  ${''.padStart(11)}  ${''.padStart(15)}  ${''.padStart(28)}  (${p.scheduling})`);
      for (const [mode, n] of [['real worker, every step', 1], ['real worker, default', every]] as const) {
        const e = await runRealWorker(line, SECONDS, n);
        log(
          `${head}  ${mode.padEnd(24)}  ${e.realTime.toFixed(3).padStart(11)}  ${f0(e.overrunsPer5s).padStart(11)}  ${`${f0(e.p50)}/${f0(e.p99)}/${f0(e.max)}`.padStart(16)}  ${`${n} step(s)`.padStart(13)}  ${f0(e.publishesPerSecond).padStart(11)}  ${`${f0(e.publishP50)}/${f0(e.publishP99)}`.padStart(15)}  ${`${e.slots}/${e.coalesced}/${e.refused}`.padStart(28)}  (${e.scheduling}; ${e.pushed} values pushed)`,
        );
      }
    }
  }
  log(`engine: idle cost of the pacing policies, the demo line (examples/sorting.yaml) with nothing connected, process CPU over ${IDLE_SECONDS} s`);
  log('pacing    CPU % of a core  x real time  steps/wake  wake late p50/p99/max µs');
  // Precise pacing learns its spin (core/engine/spin-guard.ts); its baseline is the fixed 0.3 ms
  // spin it had before (session 11 and earlier).
  for (const [name, pacing, spinMs] of [['precise, fixed 0.3 ms spin (before)', 'precise', 0.3], ['precise', 'precise', undefined], ['economy', 'economy', undefined]] as const) {
    const c = await idleCost(pacing, IDLE_SECONDS, spinMs);
    log(`${name.padEnd(8)}  ${(c.cpu * 100).toFixed(1).padStart(15)}  ${c.realTime.toFixed(3).padStart(11)}  ${c.stepsPerWake.toFixed(2).padStart(10)}  ${`${f0(c.p50)}/${f0(c.p99)}/${f0(c.max)}`.padStart(24)}`);
  }
  log(`  economy wakes every ${wakePlan('economy').wakeMs} ms and runs the steps due back to back: a step runs up to ${wakePlan('economy').wakeMs - 1} ms after its time on top of the wake's lateness.`);
}
