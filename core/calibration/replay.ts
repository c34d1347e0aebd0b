// The model driven by history: the recorded PLC outputs (the history's input series, held from
// each sample to the next) are written into the model's actuators before every step, and the
// model's outputs are taken where the comparison needs them — analog signals at the measured
// series' own sample times, discrete signals as edge times at step resolution, and for the
// travel switches among them (travel-switch.ts) the near misses: where the model approached the
// switch and turned back short of it. The model starts from its initial state at the history's
// t = 0 and runs to `to`, as fast as it steps.
// Pure function of (line, history, to): the calibration's workers and its serial path call it alike.

import { lineSignals, Model, type LineFile } from '../../physics/model.ts';
import type { History, TagSeries } from '../history/history.ts';
import { TwinloopError } from '../errors.ts';
import { travelSwitches, type TravelSwitch } from './travel-switch.ts';

export interface ReplayResult {
  /** Analog (and integer) compared signals: the model's value at each measured sample time <= to (NaN beyond). */
  readonly analog: ReadonlyMap<string, Float64Array>;
  /** Discrete compared signals: the model's edge times (s), rising and falling. */
  readonly edges: ReadonlyMap<string, { readonly rising: number[]; readonly falling: number[] }>;
  /**
   * Compared travel switches: the edges the model would have had where it nearly reached the
   * switch (NearMisses below), rising (on) at the time it still needed, falling where it turned back.
   */
  readonly nearMisses: ReadonlyMap<string, { readonly rising: number[]; readonly falling: number[] }>;
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

export interface ReplayOptions {
  /** Compared signals (empty: every one the model has). */
  readonly only?: readonly string[];
  /** Near misses of travel switches are kept when the time the model still needed is at most this, s (0: none kept). */
  readonly nearMissHorizon?: number;
}

/**
 * Run the model on the history's inputs from 0 to `to` seconds.
 *
 * The loop steps the model straight through between the times something is due — an input's
 * next sample, an analog series' next sample time — rather than looking at every series every
 * step; the discrete outputs (and the quantities of their travel switches) are looked at after
 * every step, since an edge's time is the step it happens in.
 */
export function replay(line: LineFile, history: History, to: number, o: ReplayOptions = {}): ReplayResult {
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
  const { analog, discrete } = comparedSeries(line, history, o.only ?? []);
  const anId = Int32Array.from(analog, (s) => ids.get(s.signal)!);
  const anAt = new Int32Array(analog.length);
  const anOut = analog.map((s) => new Float64Array(s.t.length).fill(NaN));
  const diId = Int32Array.from(discrete, (s) => ids.get(s.signal)!);
  const diWas = Float64Array.from(diId, (id) => values[id]!);
  const diOut = discrete.map(() => ({ rising: [] as number[], falling: [] as number[] }));
  const near = new NearMisses(line, discrete.map((s) => s.signal), ids, o.nearMissHorizon ?? 0);
  const dt = model.dt;
  const steps = Math.ceil(to / dt - 1e-9);
  // Inputs: the newest sample at or before t (zero-order hold), the first one before it starts.
  for (let i = 0; i < inputs.length; i++) values[inId[i]!] = inputs[i]!.v[0]!;
  const nextInput = (): number => {
    let next = Infinity;
    for (let i = 0; i < inputs.length; i++) {
      const s = inputs[i]!;
      const c = inAt[i]! + 1;
      if (c < s.t.length && s.t[c]! < next) next = s.t[c]!;
    }
    return next;
  };
  const takeInputs = (t: number): void => {
    for (let i = 0; i < inputs.length; i++) {
      const s = inputs[i]!;
      let c = inAt[i]!;
      while (c + 1 < s.t.length && s.t[c + 1]! <= t + 1e-9) c++;
      if (c !== inAt[i]) {
        inAt[i] = c;
        values[inId[i]!] = s.v[c]!;
      }
    }
  };
  // Analog: the model's value at each measured sample time (the value after the step ending there).
  const sampleAnalog = (t: number): number => {
    let next = Infinity;
    for (let j = 0; j < analog.length; j++) {
      const s = analog[j]!;
      let k = anAt[j]!;
      while (k < s.t.length && s.t[k]! <= t + 1e-9) anOut[j]![k++] = values[anId[j]!]!;
      anAt[j] = k;
      if (k < s.t.length && s.t[k]! < next) next = s.t[k]!;
    }
    return next;
  };
  let inDue = nextInput();
  let anDue = sampleAnalog(0);
  for (let k = 0; k < steps; k++) {
    const t = k * dt;
    if (t + 1e-9 >= inDue) {
      takeInputs(t);
      inDue = nextInput();
    }
    model.step();
    const t1 = (k + 1) * dt;
    for (let j = 0; j < diId.length; j++) {
      const v = values[diId[j]!]!;
      if ((v !== 0) !== (diWas[j]! !== 0)) (v !== 0 ? diOut[j]!.rising : diOut[j]!.falling).push(t1);
      diWas[j] = v;
    }
    near.afterStep(values, t1, dt);
    if (t1 + 1e-9 >= anDue) anDue = sampleAnalog(t1);
  }
  return {
    analog: new Map(analog.map((s, j) => [s.signal, anOut[j]!] as const)),
    edges: new Map(discrete.map((s, j) => [s.signal, diOut[j]!] as const)),
    nearMisses: near.result(),
    steps,
  };
}

/**
 * Near misses of the compared travel switches (travel-switch.ts): the quantity approached the
 * switch, then stopped or turned back short of it. Each is kept as the switch's pair of edges
 * had the model gone on at its last speed: on at the end of the step in which it would have
 * arrived (the distance left over the approach speed of its last step, rounded up to whole
 * steps like every model edge: so at least one step after its closest approach, and a model
 * that misses a switch never scores better than one that just makes it), off at the step it
 * turned back — where a model that just reached the switch would have had its two edges.
 */
class NearMisses {
  readonly #signals: string[] = [];
  readonly #sensor: Int32Array;
  readonly #quantity: Int32Array;
  readonly #threshold: Float64Array;
  readonly #sense: Float64Array;
  readonly #abs: Uint8Array;
  /** Distance still to go after the previous step (<= 0: at or past the switch). */
  readonly #gap: Float64Array;
  /** Approach speed of the last approaching step, units per s; 0 while not approaching. */
  readonly #speed: Float64Array;
  readonly #out: { rising: number[]; falling: number[] }[] = [];
  readonly #horizon: number;

  constructor(line: LineFile, compared: readonly string[], ids: ReadonlyMap<string, number>, horizon: number) {
    const all = horizon > 0 ? travelSwitches(line) : new Map<string, TravelSwitch>();
    const used = compared.map((s) => all.get(s)).filter((w): w is TravelSwitch => w !== undefined && ids.has(w.quantity));
    this.#horizon = horizon;
    this.#sensor = Int32Array.from(used, (w) => ids.get(w.signal)!);
    this.#quantity = Int32Array.from(used, (w) => ids.get(w.quantity)!);
    this.#threshold = Float64Array.from(used, (w) => w.threshold);
    this.#sense = Float64Array.from(used, (w) => w.sense);
    this.#abs = Uint8Array.from(used, (w) => (w.abs ? 1 : 0));
    this.#gap = new Float64Array(used.length).fill(NaN);
    this.#speed = new Float64Array(used.length);
    for (const w of used) {
      this.#signals.push(w.signal);
      this.#out.push({ rising: [], falling: [] });
    }
  }

  afterStep(values: Float64Array, t: number, dt: number): void {
    for (let j = 0; j < this.#sensor.length; j++) {
      const q0 = values[this.#quantity[j]!]!;
      const q = this.#abs[j] === 1 && q0 < 0 ? -q0 : q0;
      const gap = this.#sense[j]! * (this.#threshold[j]! - q);
      const was = this.#gap[j]!;
      this.#gap[j] = gap;
      if (values[this.#sensor[j]!] !== 0 || !(was > 0)) {
        this.#speed[j] = 0; // on, or just reached: its edges are real ones
        continue;
      }
      if (gap < was) this.#speed[j] = (was - gap) / dt;
      else if (this.#speed[j]! > 0) {
        // On the step grid, as the model's own edges are: the step in which it would have arrived.
        const needed = Math.ceil(was / this.#speed[j]! / dt - 1e-9) * dt;
        if (needed <= this.#horizon) {
          this.#out[j]!.rising.push(t - dt + needed);
          this.#out[j]!.falling.push(t);
        }
        this.#speed[j] = 0;
      }
    }
  }

  result(): Map<string, { readonly rising: number[]; readonly falling: number[] }> {
    return new Map(this.#signals.map((s, j) => [s, this.#out[j]!] as const));
  }
}
