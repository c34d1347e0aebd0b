// History made by the stand-in line for the validation tests and the benchmark: the demo line
// and its sorting program in lock-step (as the shadow rig's "real line", core/shadow/in-thread-rig.ts),
// with known departures from the model (sorter belt slower, pusher strokes slower, m2's winding
// thermal time constant longer), recorded every 10 ms I/O cycle the way a shadow run records
// it: the PLC's outputs under their own names, the line's sensors as `<signal>.measured`. On
// top: seeded Gaussian measurement noise, a planted gap (no frames), a flat-lined transmitter
// and a stretch of bad quality.

import { loadLineFile } from '../../core/config/line-file.ts';
import { loadPlantFile, type PlantFile } from '../../core/config/plant-file.ts';
import { Lockstep } from '../../core/engine/lockstep.ts';
import { defaultTagMap, runSignals } from '../../core/engine/engine.ts';
import { RecordingWriter } from '../../core/recording/writer.ts';
import { measuredName } from '../../core/shadow/rules.ts';
import { Quality } from '../../core/signals.ts';
import { lineSignals, type LineFile } from '../../physics/model.ts';
import { DEFAULT_PROGRAM } from '../../plc-adapters/sim/sim-adapter.ts';

export const PLANT_PATH = new URL('../../examples/sorting-shadow.yaml', import.meta.url).pathname;
export const plant: PlantFile = loadPlantFile(PLANT_PATH);
export const LINE_PATH = plant.line!;
export const line: LineFile = loadLineFile(LINE_PATH);

export interface Departures {
  /** The sorter belt this much slower (0.05 = 5 %). */
  readonly belt?: number;
  /** The pusher's strokes take this much longer (0.2 = 20 %). */
  readonly stroke?: number;
  /** m2's winding thermal time constant this much longer (0.15 = 15 %). */
  readonly thermalTau?: number;
}

export interface Defects {
  /**
   * No frames for `seconds`, in the first stretch after `after` s where none of the PLC's
   * outputs changes from 1 s before to 1 s after (holding them through the gap is then what the
   * line did: a gap across output changes puts the model's item flow out of step for good).
   */
  readonly gap?: { readonly after: number; readonly seconds: number };
  /** A signal's measured value frozen at its value at `from`. */
  readonly flat?: { readonly signal: string; readonly from: number; readonly to: number };
  /** A signal's quality BAD. */
  readonly bad?: { readonly signal: string; readonly from: number; readonly to: number };
  /** Gaussian noise standard deviation per signal, in its unit. */
  readonly noise?: Readonly<Record<string, number>>;
}

export const NOISE = { 'm2.speed': 0.05, 'm2.power': 0.002, 'm2.temperature': 0.01, 'm2.vibration': 0.005 } as const;

/** The line as built, with departures applied (component parameters changed). */
export function departedLine(d: Departures): LineFile {
  const copy = structuredClone(line);
  for (const c of copy.components) {
    if (c.id === 'sorter' && d.belt) c['beltSpeed'] = (c['beltSpeed'] as number) * (1 - d.belt);
    if (c.id === 'pu1' && d.stroke) {
      c['extendTime'] = (c['extendTime'] as number) * (1 + d.stroke);
      c['retractTime'] = (c['retractTime'] as number) * (1 + d.stroke);
    }
    if (c.id === 'm2' && d.thermalTau) c['thermalTau'] = 1200 * (1 + d.thermalTau);
  }
  return copy;
}

/** Seeded normal deviates (mulberry32 + Box-Muller). */
function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const u = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u() + 1e-300)) * Math.cos(2 * Math.PI * u());
}

export interface MadeHistory {
  readonly dir: string;
  readonly id: string;
  readonly frames: number;
  /** Where the gap was placed, s. */
  readonly gap: { readonly from: number; readonly to: number } | null;
}

/** Run the departed line `seconds` and record it under `root`. */
export async function makeHistory(root: string, seconds: number, d: Departures, defects: Defects, seed = 1): Promise<MadeHistory> {
  const real = departedLine(d);
  const tagMap = defaultTagMap({ name: 'line', protocol: 'sim', program: DEFAULT_PROGRAM });
  const defs = runSignals(real, tagMap);
  const ls = await Lockstep.create(real, defs, { name: 'line', protocol: 'sim', program: DEFAULT_PROGRAM, cycleMs: 10 }, tagMap);
  ls.model.compileKernels();
  const kinds = new Map(lineSignals(real).map((x) => [x.name, x.kind] as const));
  const tags = plant.controllers[0]!.tags;
  const names = tags.map((t) => (kinds.get(t.signal) === undefined || kinds.get(t.signal) === 'actuator' ? t.signal : measuredName(t.signal)));
  const from = Int32Array.from(tags, (t) => defs.findIndex((x) => x.name === t.signal));
  const signals = tags.map((t, k) => ({ name: names[k]!, type: t.type, kind: names[k] === t.signal ? ('actuator' as const) : ('state' as const), unit: defs[from[k]!]!.unit }));
  const w = RecordingWriter.create({ root, signals, id: `history-${seed}`, meta: { line: real.name, source: 'shadow', rateHz: 100 } });
  const values = new Float64Array(signals.length);
  const quality = new Uint8Array(signals.length);
  const noise = tags.map((t) => defects.noise?.[t.signal] ?? 0);
  const rnd = gaussian(seed);
  const flatK = defects.flat ? tags.findIndex((t) => t.signal === defects.flat!.signal) : -1;
  const badK = defects.bad ? tags.findIndex((t) => t.signal === defects.bad!.signal) : -1;
  let frozen = NaN;
  let frames = 0;
  const cycle = ls.stepsPerCycle;
  const steps = Math.round(seconds / ls.model.dt);
  const isInput = tags.map((t, j) => names[j] === t.signal);
  // Frames in memory first: the gap is placed where the outputs are quiet (see Defects.gap).
  const n = Math.floor(steps / cycle);
  const fv = new Float64Array(n * tags.length);
  const fq = new Uint8Array(n * tags.length);
  const ft = new Float64Array(n);
  let f = 0;
  for (let k = 0; k < steps; k++) {
    const boundary = k % cycle === 0;
    // A frame per I/O cycle, as the real line has it at the scan: the sensors the scan reads
    // (before the step) and the outputs it writes (after step() has run the scan).
    const t = ls.time;
    const v = ls.values;
    if (boundary) for (let j = 0; j < from.length; j++) if (!isInput[j]) values[j] = v[from[j]!]! + (noise[j]! > 0 ? noise[j]! * rnd() : 0);
    ls.step();
    if (!boundary || f >= n) continue;
    for (let j = 0; j < from.length; j++) {
      if (isInput[j]) values[j] = v[from[j]!]!;
      quality[j] = Quality.GOOD;
    }
    if (flatK >= 0 && t >= defects.flat!.from && t < defects.flat!.to) {
      if (Number.isNaN(frozen)) frozen = values[flatK]!;
      values[flatK] = frozen;
    }
    if (badK >= 0 && t >= defects.bad!.from && t < defects.bad!.to) quality[badK] = Quality.BAD;
    fv.set(values, f * tags.length);
    fq.set(quality, f * tags.length);
    ft[f++] = t;
  }
  let gapFrom = Infinity;
  let gapTo = -Infinity;
  if (defects.gap) {
    const need = defects.gap.seconds + 2;
    let quietSince = 0;
    for (let i = 1; i < n; i++) {
      let changed = false;
      for (let j = 0; j < tags.length; j++) if (isInput[j] && fv[i * tags.length + j] !== fv[(i - 1) * tags.length + j]) changed = true;
      if (changed) quietSince = ft[i]!;
      if (quietSince >= defects.gap.after - 1 && ft[i]! - quietSince >= need) {
        gapFrom = quietSince + 1;
        gapTo = gapFrom + defects.gap.seconds;
        break;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    if (ft[i]! >= gapFrom && ft[i]! < gapTo) continue;
    w.append(i * cycle, ft[i]!, fv.subarray(i * tags.length, (i + 1) * tags.length), fq.subarray(i * tags.length, (i + 1) * tags.length));
    frames++;
  }
  await w.close();
  return { dir: w.dir, id: w.id, frames, gap: Number.isFinite(gapFrom) ? { from: gapFrom, to: gapTo } : null };
}
