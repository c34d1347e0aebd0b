// Physics step cost per component, on synthetic lines of 1k / 10k / 100k components built from
// the demo's mix (drive, conveyor, photo-eye, classifier, pusher, bin, source), and on a mixed
// line of 10k / 100k components of the plant types (furnace, compressor, cylinder, limit
// switch, tank, pump, valve, transmitter, encoder, proximity, quality gate with their drives and
// conveyors) stepped every dt and again with a 10 ms process time slice (physics/time-slice.ts),
// and on an assembly line of 10k / 100k components of the station types (roller
// conveyor with zones, machine, buffer, pick-and-place, coating, weld), next to a baseline
// measured in the same run: a bare first-order update over a Float64Array of the same count, in two
// forms: a plain function given its arrays, and the same loop compiled for its arrays the way the
// model's kernels are (physics/kernel.ts), the tighter of the two and the one the target is read against.
// Also paces the sliced plant line at 1 kHz in a worker as the physics worker does
// (paced-worker.ts), beside the bare worker loop. Runs alone with `node --import tsx bench/physics.ts`.

import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { workerResult } from './timing.ts';
import type { BareResult } from './bare-worker.ts';
import type { PacedResult } from './paced-worker.ts';
import { Model, lineSignals } from '../physics/model.ts';
import type { ComponentConfig, LineFile } from '../physics/model.ts';
import { specialize } from '../physics/kernel.ts';

const SIZES = [1_000, 10_000, 100_000];
const MIXED_SIZES = [10_000, 100_000];
/** Components per repeat of the mixed pattern. */
const MIXED_PATTERN = 15;
/** Components per repeat of the assembly pattern. */
const ASSEMBLY_PATTERN = 11;
/** Components per repeat of the pattern. */
const PATTERN = 7;
/** The process slice of the plant line's second measurement, s (the line file's processPeriod). */
const PROCESS_PERIOD = 0.01;
/** Pushers flip their command every this many steps (between timed rounds). */
const FLIP_STEPS = 250;
/**
 * Steps to a running line, and the time allowed for it: the drives ramp for 1 s and settle
 * (tau 0.15 s) to their command 3.4 s later, when they take their steady-state path (drive.ts);
 * by then the 2 m belts at 2 m/s hold a steady item count. A 1 s warm-up (before the sixth
 * session) timed every drive still settling: at 10k, drives 20 instead of 13-15 µs per step.
 */
const FILL_STEPS = 5000;
const WARMUP_MS = 10_000;
/** Timed rounds alternate model and baseline; at most this many, within this much time. */
const MAX_ROUNDS = 15;
const MEASURE_MS = 1500;
/** Component-steps per timed round (about 20-30 ms of work). */
const ROUND_WORK = 2_000_000;

/** A line of `count` components (rounded up to whole patterns), deterministic. */
export function syntheticLine(count: number): LineFile {
  const components: ComponentConfig[] = [];
  const groups = Math.ceil(count / PATTERN);
  for (let g = 0; g < groups; g++) {
    const d = `m${g}`;
    const c = `c${g}`;
    const b = `b${g}`;
    components.push(
      { id: d, type: 'drive' },
      { id: c, type: 'conveyor', length: 2, beltSpeed: 2, drive: d, next: b },
      { id: `e${g}`, type: 'photoeye', conveyor: c, position: 1.5 },
      { id: `h${g}`, type: 'classifier', conveyor: c, position: 1.5, threshold: 0.1 },
      { id: `p${g}`, type: 'pusher', conveyor: c, position: 1.0, width: 0.3, extendTime: 0.1, retractTime: 0.1, bin: b },
      { id: b, type: 'bin', accepts: 'short' },
      {
        id: `s${g}`,
        type: 'source',
        conveyor: c,
        rate: 2,
        minGap: 0.3,
        itemLength: 0.2,
        classes: [
          { name: 'short', height: 0.05, probability: 0.5 },
          { name: 'tall', height: 0.15, probability: 0.5 },
        ],
      },
    );
  }
  return { name: `synthetic-${components.length}`, dt: 0.001, seed: 1, components };
}

/** A line of `count` plant components (rounded up to whole patterns), deterministic. */
export function mixedLine(count: number): LineFile {
  const components: ComponentConfig[] = [];
  const groups = Math.ceil(count / MIXED_PATTERN);
  for (let g = 0; g < groups; g++) {
    const c = `c${g}`;
    const k = `k${g}`;
    const cy = `cy${g}`;
    const t = `t${g}`;
    const p = `p${g}`;
    components.push(
      { id: `m${g}`, type: 'drive', rampUp: 1 },
      { id: c, type: 'conveyor', length: 2, beltSpeed: 2, drive: `m${g}` },
      { id: `s${g}`, type: 'source', conveyor: c, rate: 2, minGap: 0.3, itemLength: 0.2 },
      { id: `f${g}`, type: 'furnace', conveyor: c, start: 0.2, end: 1.5, deadTime: 0.05, coolant: p },
      { id: `x${g}`, type: 'proximity', conveyor: c, position: 1 },
      { id: `e${g}`, type: 'encoder', conveyor: c },
      { id: `q${g}`, type: 'quality', conveyor: c, position: 1.6, attribute: 'temperature', min: 30 },
      { id: k, type: 'compressor' },
      { id: cy, type: 'cylinder', air: k, strokeTime: 0.1 },
      { id: `l${g}`, type: 'limitswitch', actuator: cy, at: 0.5 },
      { id: t, type: 'tank', initialLevel: 1 },
      { id: p, type: 'pump', from: t, to: t },
      { id: `v${g}`, type: 'valve', mode: 'proportional', from: t, to: t },
      { id: `w${g}`, type: 'transmitter', signal: `${t}.level`, min: 0, max: 2, noise: 0.01, resolution: 0.001 },
      { id: `b${g}`, type: 'transmitter', signal: `f${g}.temperature`, min: 0, max: 1200 },
    );
  }
  return { name: `mixed-${components.length}`, dt: 0.001, seed: 1, components };
}

/**
 * A line of `count` assembly components (rounded up to whole patterns), deterministic: items on
 * a zoned roller conveyor into a machine, a buffer, a pick-and-place onto a belt past coating,
 * weld and a quality gate into a bin. Random cycle times keep every station changing state.
 */
export function assemblyLine(count: number): LineFile {
  const components: ComponentConfig[] = [];
  const groups = Math.ceil(count / ASSEMBLY_PATTERN);
  for (let g = 0; g < groups; g++) {
    components.push(
      { id: `m${g}`, type: 'drive' },
      { id: `c${g}`, type: 'conveyor', length: 2, beltSpeed: 0.5, drive: `m${g}`, next: `k${g}` },
      { id: `s${g}`, type: 'source', conveyor: `r${g}`, rate: 2, minGap: 0, itemLength: 0.2 },
      { id: `r${g}`, type: 'rollerconveyor', length: 2, zones: 4, speed: 1, next: `mc${g}` },
      { id: `mc${g}`, type: 'machine', cycleTime: 0.4, distribution: 'normal', spread: 0.05, next: `bf${g}` },
      { id: `bf${g}`, type: 'buffer', capacity: 4, next: `pp${g}` },
      { id: `pp${g}`, type: 'pickplace', downTime: 0.05, gripTime: 0.05, upTime: 0.05, traverseTime: 0.1, releaseTime: 0.05, returnTime: 0.1, next: `c${g}` },
      { id: `co${g}`, type: 'coating', conveyor: `c${g}`, position: 0.5 },
      { id: `w${g}`, type: 'weld', conveyor: `c${g}`, position: 1 },
      { id: `q${g}`, type: 'quality', conveyor: `c${g}`, position: 1.5, attribute: 'coating', min: 80, max: 120 },
      { id: `k${g}`, type: 'bin' },
    );
  }
  return { name: `assembly-${components.length}`, dt: 0.001, seed: 1, components };
}

// The tightest form measured here (length hoisted, one load of x per element): 10-15 % faster
// than indexing x twice, so the ratios are not flattered by a slow baseline.
function firstOrder(x: Float64Array, u: Float64Array, k: number): void {
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    x[i] = xi + (u[i]! - xi) * k;
  }
}

/** The same loop as firstOrder, for specialize(): compiled for its arrays, like the model's kernels. */
function firstOrderKernel(x: Float64Array, u: Float64Array, k: number): void {
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    x[i] = xi + (u[i]! - xi) * k;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export interface Row {
  components: number;
  items: number;
  rounds: number;
  nsModel: number;
  nsBare: number;
  /** The bare loop compiled for its arrays (physics/kernel.ts), as the model's kernels are. */
  nsFolded: number;
}

/** A benchmark line built and running: every drive, pump, heater and valve on, belts filled. */
export interface RunningLine {
  model: Model;
  values: Float64Array;
  ids: Map<string, number>;
  /** Pushers cycle on the model clock: call between timed rounds, so steps include strokes and diverts. */
  flip: () => void;
}

/**
 * Build `line` on its own compiled kernels (what a long run steps on, physics/kernel.ts), switch
 * every drive, pump, heater, compressor and valve on, and step until the belts hold a steady
 * item count (or WARMUP_MS has passed).
 */
export function startLine(line: LineFile): RunningLine {
  const defs = lineSignals(line);
  const ids = new Map(defs.map((d, i) => [d.name, i]));
  const values = new Float64Array(defs.length);
  const model = new Model(line, (name) => ids.get(name)!, values);
  model.compileKernels();
  const extendIds: number[] = [];
  for (const d of defs) {
    if (d.name.endsWith('.run')) values[ids.get(d.name)!] = 1;
    if (d.name.endsWith('.setpoint')) values[ids.get(d.name)!] = 50;
    if (d.kind === 'actuator' && (d.name.endsWith('.enable') || d.name.endsWith('.open'))) values[ids.get(d.name)!] = 1;
    if (d.kind === 'actuator' && (d.name.endsWith('.power') || d.name.endsWith('.command'))) values[ids.get(d.name)!] = 50;
    if (d.name.endsWith('.extend')) extendIds.push(ids.get(d.name)!);
  }
  const flip = (): void => {
    const phase = Math.floor(model.tick / FLIP_STEPS) % 2;
    for (const id of extendIds) values[id] = phase;
  };
  const t0 = performance.now();
  while (model.tick < FILL_STEPS && performance.now() - t0 < WARMUP_MS) {
    for (let i = 0; i < 50; i++) model.step();
    flip();
  }
  return { model, values, ids, flip };
}

export function measure(line: LineFile): Row {
  const { model, values, ids, flip } = startLine(line);
  const n = line.components.length;
  // The baseline: the same number of elements, a first-order update each.
  const x = new Float64Array(n);
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) u[i] = (i % 50) + 1;
  const k = -Math.expm1(-0.001 / 0.15);
  const steps = Math.max(5, Math.round(ROUND_WORK / n));
  for (let i = 0; i < steps; i++) firstOrder(x, u, k);
  const x2 = new Float64Array(n);
  const folded = specialize<[]>(firstOrderKernel, {}, x2, u, k);
  for (let i = 0; i < steps; i++) folded();
  const model_: number[] = [];
  const bare: number[] = [];
  const bareFolded: number[] = [];
  const start = performance.now();
  // Interleaved rounds, medians: a burst of load from other processes hits both sides alike.
  while (model_.length < MAX_ROUNDS && (model_.length < 3 || performance.now() - start < MEASURE_MS)) {
    let t = performance.now();
    for (let i = 0; i < steps; i++) model.step();
    model_.push(((performance.now() - t) * 1e6) / (steps * n));
    flip();
    t = performance.now();
    for (let i = 0; i < steps; i++) firstOrder(x, u, k);
    bare.push(((performance.now() - t) * 1e6) / (steps * n));
    t = performance.now();
    for (let i = 0; i < steps; i++) folded();
    bareFolded.push(((performance.now() - t) * 1e6) / (steps * n));
  }
  // Read the results so the baselines cannot be dropped as dead code.
  if (Number.isNaN(x[n - 1]) || Number.isNaN(x2[n - 1])) throw new Error('baseline diverged');
  const items = values[ids.get('line.items')!]!;
  return { components: n, items, rounds: model_.length, nsModel: median(model_), nsBare: median(bare), nsFolded: median(bareFolded) };
}

/** Wall seconds of each paced round, and rounds per line (alternating with the bare worker). */
const PACED_SECONDS = Number(process.env.BENCH_PACED_SECONDS ?? 5);
const PACED_ROUNDS = 2;

/**
 * The plant line with its process slice, 10k and 100k components, paced at 1 kHz in a worker
 * as the physics worker paces a run (bench/paced-worker.ts), alternating with the bare worker
 * loop of the tick bench (same grid and sleep, stepping 100 elements): the baseline of what this
 * machine's scheduler does to a 1 ms grid.
 */
async function pacedBench(log: (line: string) => void): Promise<void> {
  log(`physics: the sliced plant line paced at 1 kHz in a worker (${PACED_ROUNDS} rounds of ${PACED_SECONDS} s, alternating with the bare worker; lateness µs, 10 µs buckets)`);
  log('components  round  bare p50/p99  line p50/p99/max  overruns  x real time  step p50/p99 µs');
  for (const size of MIXED_SIZES) {
    const line = { ...mixedLine(size), processPeriod: PROCESS_PERIOD };
    for (let r = 1; r <= PACED_ROUNDS; r++) {
      const b = await workerResult<BareResult>(new URL('./bare-worker.ts', import.meta.url), { seconds: PACED_SECONDS, spinMs: 0.3, periodMs: 1 });
      const p = await workerResult<PacedResult>(new URL('./paced-worker.ts', import.meta.url), { line, seconds: PACED_SECONDS, spinMs: 0.3, periodMs: 1 });
      log(
        `${String(line.components.length).padStart(10)}  ${String(r).padStart(5)}  ${`${b.p50.toFixed(0)}/${b.p99.toFixed(0)}`.padStart(12)}  ${`${p.p50.toFixed(0)}/${p.p99.toFixed(0)}/${p.max.toFixed(0)}`.padStart(16)}  ${String(p.overruns).padStart(8)}  ${p.realTime.toFixed(3).padStart(11)}  ${`${p.stepP50.toFixed(0)}/${p.stepP99.toFixed(0)}`.padStart(15)}`,
      );
    }
  }
}

/** Measure and print ns per component-step for each size, with the bare baseline and the ratio. */
export async function physicsBench(log: (line: string) => void): Promise<void> {
  log('physics: ns per component-step (mix of drive, conveyor, photoeye, classifier, pusher, bin, source)');
  log('  bare: the first-order loop as a plain function; folded: the same loop compiled for its arrays, as the');
  log('  model\'s kernels are (physics/kernel.ts); the target (<= 5x at 10k) is read against folded. ms: one model step.');
  const HEADER = 'components  items  rounds  model ns  bare ns  ratio  folded ns  ratio  ms/step';
  log(HEADER);
  const row = (r: Row): string =>
    `${String(r.components).padStart(10)}  ${String(r.items).padStart(5)}  ${String(r.rounds).padStart(6)}  ${r.nsModel.toFixed(2).padStart(8)}  ${r.nsBare.toFixed(2).padStart(7)}  ${(r.nsModel / r.nsBare).toFixed(1).padStart(4)}x  ${r.nsFolded.toFixed(2).padStart(9)}  ${(r.nsModel / r.nsFolded).toFixed(1).padStart(4)}x  ${((r.nsModel * r.components) / 1e6).toFixed(2).padStart(7)}`;
  for (const size of SIZES) {
    log(row(measure(syntheticLine(size))));
    // Let other work on the shared machine run between sizes.
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  log('physics: mixed plant line (drive, conveyor, source, furnace, proximity, encoder, quality, compressor, cylinder, limit switch, tank, pump, valve, 2 transmitters)');
  log(HEADER);
  for (const size of MIXED_SIZES) {
    log(row(measure(mixedLine(size))));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  log(`physics: the same plant line with a process time slice of ${PROCESS_PERIOD * 1000} ms (tanks, pumps, valves, compressor, furnace, quality gate, transmitters: 1/${PROCESS_PERIOD / 0.001} of them per step)`);
  log(HEADER);
  for (const size of MIXED_SIZES) {
    log(row(measure({ ...mixedLine(size), processPeriod: PROCESS_PERIOD })));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await pacedBench(log);
  log('physics: assembly line (drive, conveyor, source, roller conveyor, machine, buffer, pick-and-place, coating, weld, quality, bin)');
  log(HEADER);
  for (const size of MIXED_SIZES) {
    log(row(measure(assemblyLine(size))));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// Not in a worker: bench/paced-worker.ts imports this module, and workers inherit process.argv.
if (isMainThread && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  physicsBench((line) => console.log(line)).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
