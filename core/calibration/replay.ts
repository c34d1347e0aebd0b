// The model driven by history: the recorded PLC outputs (the history's input series, held from
// each sample to the next) are written into the model's actuators before every step, and the
// model's outputs are taken where the comparison needs them — analog signals at the measured
// series' own sample times, discrete signals as edge times at step resolution. The model starts
// from its initial state at the history's t = 0 and runs to `to`, as fast as it steps.
// Pure function of (line, history, to): the calibration's workers and its serial path call it alike.

import { lineSignals, Model, type LineFile } from '../../physics/model.ts';
import type { History, TagSeries } from '../history/history.ts';
import { TwinloopError } from '../errors.ts';

export interface ReplayResult {
  /** Analog (and integer) compared signals: the model's value at each measured sample time <= to (NaN beyond). */
  readonly analog: ReadonlyMap<string, Float64Array>;
  /** Discrete compared signals: the model's edge times (s), rising and falling. */
  readonly edges: ReadonlyMap<string, { readonly rising: number[]; readonly falling: number[] }>;
  readonly steps: number;
}

/** The compared series the model has a sensor or state for, split by type. */
export function comparedSeries(line: LineFile, history: History, only: readonly string[] = []): { analog: TagSeries[]; discrete: TagSeries[] } {
  const defs = new Map(lineSignals(line).map((d) => [d.name, d] as const));
  const analog: TagSeries[] = [];
  const discrete: TagSeries[] = [];
  for (const s of history.series.values()) {
    if (s.role !== 'compared') continue;
    const d = defs.get(s.signal);
    if (d === undefined || d.kind === 'actuator') continue;
    if (only.length > 0 && !only.includes(s.signal)) continue;
    (d.type === 'bool' ? discrete : analog).push(s);
  }
  for (const name of only) if (!analog.some((s) => s.signal === name) && !discrete.some((s) => s.signal === name)) throw new TwinloopError('CALIBRATION_FAILED', `signal ${name} is not a compared signal of the history with a model output (compared: ${[...history.series.values()].filter((s) => s.role === 'compared').map((s) => s.signal).join(', ')})`);
  return { analog, discrete };
}

/** Run the model on the history's inputs from 0 to `to` seconds. */
export function replay(line: LineFile, history: History, to: number, only: readonly string[] = []): ReplayResult {
  const defs = lineSignals(line);
  const ids = new Map(defs.map((d, i) => [d.name, i] as const));
  const values = new Float64Array(defs.length);
  const model = new Model(line, (name) => {
    const id = ids.get(name);
    if (id === undefined) throw new TwinloopError('SIG_UNKNOWN', `unknown signal ${name}`);
    return id;
  }, values);
  const inputs = [...history.series.values()].filter((s) => s.role === 'input' && defs[ids.get(s.signal) ?? -1]?.kind === 'actuator' && s.t.length > 0);
  const inId = Int32Array.from(inputs, (s) => ids.get(s.signal)!);
  const inAt = new Int32Array(inputs.length).fill(-1);
  const { analog, discrete } = comparedSeries(line, history, only);
  const anId = Int32Array.from(analog, (s) => ids.get(s.signal)!);
  const anAt = new Int32Array(analog.length);
  const anOut = analog.map((s) => new Float64Array(s.t.length).fill(NaN));
  const diId = Int32Array.from(discrete, (s) => ids.get(s.signal)!);
  const diWas = Float64Array.from(diId, (id) => values[id]!);
  const diOut = discrete.map(() => ({ rising: [] as number[], falling: [] as number[] }));
  const dt = model.dt;
  const steps = Math.ceil(to / dt - 1e-9);
  const sampleAnalog = (t: number): void => {
    for (let j = 0; j < analog.length; j++) {
      const s = analog[j]!;
      let k = anAt[j]!;
      while (k < s.t.length && s.t[k]! <= t + 1e-9) anOut[j]![k++] = values[anId[j]!]!;
      anAt[j] = k;
    }
  };
  sampleAnalog(0);
  for (let k = 0; k < steps; k++) {
    const t = k * dt;
    // Inputs: the newest sample at or before t (zero-order hold), the first one before it starts.
    for (let i = 0; i < inputs.length; i++) {
      const s = inputs[i]!;
      let c = inAt[i]!;
      while (c + 1 < s.t.length && s.t[c + 1]! <= t + 1e-9) c++;
      if (c !== inAt[i]) {
        inAt[i] = c;
        values[inId[i]!] = s.v[Math.max(0, c)]!;
      } else if (c === -1) values[inId[i]!] = s.v[0]!;
    }
    model.step();
    const t1 = (k + 1) * dt;
    for (let j = 0; j < diId.length; j++) {
      const v = values[diId[j]!]!;
      if ((v !== 0) !== (diWas[j]! !== 0)) (v !== 0 ? diOut[j]!.rising : diOut[j]!.falling).push(t1);
      diWas[j] = v;
    }
    sampleAnalog(t1);
  }
  return { analog: new Map(analog.map((s, j) => [s.signal, anOut[j]!] as const)), edges: new Map(discrete.map((s, j) => [s.signal, diOut[j]!] as const)), steps };
}
