// The replay of validation: the history's recorded PLC outputs drive the model in lock-step, as
// fast as it steps, and the model's value of every compared signal is taken at each of that
// signal's measured sample times; for the discrete ones among them (`edgesOf`) also every change
// of the model's value, at the step it happens in (the end of that step, as the calibration's
// replay keeps it), so an edge's time does not depend on when the line's series was sampled.
// Order per step as in the real line's lock-step (Lockstep:
// controller scan, then the physics step): inputs sampled at or before the step's time are
// applied, compared samples at or before it are paired with the model's value, then the model
// steps. The plant's shadow re-sync rules (item to photo-eye, stroke at its end switch) realign
// the model on measured rising edges, as in a shadow run. The model starts at the history's
// start and runs up to `from` unobserved, so it enters the window in the state the line drove it
// into. Nothing here allocates per step.

import type { LineFile } from '../../physics/model.ts';
import { lineSignals } from '../../physics/model.ts';
import type { ResyncRule } from '../shadow/rules.ts';
import { Lockstep } from '../engine/lockstep.ts';
import { modelAligner } from '../shadow/model-aligner.ts';
import { Quality } from '../signals.ts';
import type { History, TagSeries } from '../history/history.ts';

export interface ReplayOptions {
  readonly line: LineFile;
  readonly history: History;
  /** Model signals the history drives (actuators) and compares (sensors, states). */
  readonly inputs: readonly string[];
  readonly compared: readonly string[];
  /** End of the replay, s of history time. */
  readonly to: number;
  readonly resync?: readonly ResyncRule[];
  /** Compared discrete signals whose model edges are kept at step resolution (ReplayResult.edges). */
  readonly edgesOf?: readonly string[];
}

/** A discrete signal's model edge times, s (each the end of the step whose value changed), in time order. */
export interface ModelEdges {
  readonly rising: number[];
  readonly falling: number[];
}

export interface ReplayResult {
  /** Model value at each measured sample of each compared signal (NaN after `to`). */
  readonly model: ReadonlyMap<string, Float64Array>;
  /** Model edges of the `edgesOf` signals, at step resolution, over the whole replay (0..to). */
  readonly edges: ReadonlyMap<string, ModelEdges>;
  readonly steps: number;
  readonly dt: number;
  readonly corrections: number;
  readonly wallMs: number;
}

/** Drive the model through the history up to `to`. */
export async function replay(o: ReplayOptions): Promise<ReplayResult> {
  const started = performance.now();
  const defs = lineSignals(o.line);
  const ls = await Lockstep.create(o.line, defs, null, []);
  // Thousands of steps per call: the model's own compiled kernels pay off (physics/kernel.ts).
  ls.model.compileKernels();
  const ids = new Map(defs.map((d, i) => [d.name, i] as const));
  const values = ls.values;
  const dt = ls.model.dt;
  const half = dt / 2;
  const inSeries: TagSeries[] = o.inputs.map((s) => o.history.series.get(s)!);
  const inIds = Int32Array.from(o.inputs, (s) => ids.get(s)!);
  const inNext = new Int32Array(inSeries.length);
  const cmpSeries: TagSeries[] = o.compared.map((s) => o.history.series.get(s)!);
  const cmpIds = Int32Array.from(o.compared, (s) => ids.get(s)!);
  const cmpNext = new Int32Array(cmpSeries.length);
  const out = cmpSeries.map((s) => new Float64Array(s.t.length).fill(NaN));
  // Re-sync: rules whose sensor is a compared signal; a measured rising edge realigns the model.
  const aligner = modelAligner(ls.model, o.line);
  const rules = (o.resync ?? []).filter((r) => o.compared.includes(r.sensor));
  const ruleOf = new Int32Array(cmpSeries.length).fill(-1);
  rules.forEach((r, k) => (ruleOf[o.compared.indexOf(r.sensor)] = k));
  const prev = new Uint8Array(cmpSeries.length);
  let corrections = 0;
  // Edges at step resolution: a compare per discrete signal per step, an array push per change.
  const edgeNames = (o.edgesOf ?? []).filter((s) => ids.has(s));
  const edgeIds = Int32Array.from(edgeNames, (s) => ids.get(s)!);
  const edgeWas = Uint8Array.from(edgeIds, (id) => (values[id]! !== 0 ? 1 : 0));
  const edgeOut: ModelEdges[] = edgeNames.map(() => ({ rising: [], falling: [] }));
  const steps = Math.max(0, Math.floor(o.to / dt + 1e-9)) + 1;
  // The next sample time of any series: between samples the model just steps (samples come every
  // few ms, the model steps every dt; looking at every series every step cost 2x the model).
  const nextSample = (): number => {
    let next = Infinity;
    for (let j = 0; j < inSeries.length; j++) {
      const s = inSeries[j]!;
      if (inNext[j]! < s.t.length && s.t[inNext[j]!]! < next) next = s.t[inNext[j]!]!;
    }
    for (let j = 0; j < cmpSeries.length; j++) {
      const s = cmpSeries[j]!;
      if (cmpNext[j]! < s.t.length && s.t[cmpNext[j]!]! < next) next = s.t[cmpNext[j]!]!;
    }
    return next;
  };
  // Inputs sampled at or before t to the actuators; compared samples at or before t paired (and re-sync).
  const takeSamples = (t: number): void => {
    for (let j = 0; j < inSeries.length; j++) {
      const s = inSeries[j]!;
      let i = inNext[j]!;
      while (i < s.t.length && s.t[i]! <= t) {
        // Bad samples hold the last good value: an unread output did not change the line.
        if (s.q[i] === Quality.GOOD && Number.isFinite(s.v[i]!)) values[inIds[j]!] = s.v[i]!;
        i++;
      }
      inNext[j] = i;
    }
    for (let j = 0; j < cmpSeries.length; j++) {
      const s = cmpSeries[j]!;
      let i = cmpNext[j]!;
      const o2 = out[j]!;
      const id = cmpIds[j]!;
      while (i < s.t.length && s.t[i]! <= t) {
        o2[i] = values[id]!;
        const r = ruleOf[j]!;
        if (r >= 0 && aligner !== undefined && s.q[i] === Quality.GOOD) {
          const on = s.v[i]! !== 0 ? 1 : 0;
          if (on === 1 && prev[j] === 0) {
            const rule = rules[r]!;
            if (rule.kind === 'item' ? aligner.alignItem(rule.component, rule.captureM) : aligner.setStroke(rule.component, rule.stroke)) corrections++;
          }
          prev[j] = on;
        }
        i++;
      }
      cmpNext[j] = i;
    }
  };
  let due = nextSample();
  for (let k = 0; k < steps; k++) {
    const t = k * dt + half;
    if (t >= due) {
      takeSamples(t);
      due = nextSample();
    }
    ls.step();
    // The discrete signals' edges, at the end of this step (inline: it runs every step).
    for (let j = 0; j < edgeIds.length; j++) {
      const on = values[edgeIds[j]!]! !== 0 ? 1 : 0;
      if (on === edgeWas[j]) continue;
      edgeWas[j] = on;
      (on === 1 ? edgeOut[j]!.rising : edgeOut[j]!.falling).push((k + 1) * dt);
    }
  }
  return { model: new Map(o.compared.map((s, j) => [s, out[j]!] as const)), edges: new Map(edgeNames.map((s, j) => [s, edgeOut[j]!] as const)), steps, dt, corrections, wallMs: performance.now() - started };
}
