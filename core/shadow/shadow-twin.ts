// The shadow twin: the line model driven by the real PLC's outputs, compared with the real
// line's measured sensors. One value path for every use: whoever reads the PLC (the network
// exchange on the wire, or the in-thread rig) writes actuators and `<signal>.measured` values
// into the twin through `input` (an ActuatorSink), then calls advance(nowMs): the twin
//   1. supervises communication: any watched value bad/uncertain, or no good read for
//      staleMs -> comparisons suppressed, one `communication:<controller>` alarm, model held;
//   2. steps the model to the run clock (bounded catch-up);
//   3. re-synchronises on measured edges (resync rules) through a ModelAligner;
//   4. evaluates compare rules (unless suppressed: warm-up, link down, recovery) on the data's
//      clock (the model time of the last good read) and maintenance rules, and reports to
//      the AlarmSink.
// Everything per call is allocation-free once built.

import type { LineFile } from '../../physics/model.ts';
import { lineSignals } from '../../physics/model.ts';
import { Lockstep } from '../engine/lockstep.ts';
import { Quality, type SignalDef } from '../signals.ts';
import type { ActuatorSink } from '../network-exchange.ts';
import type { AlarmSink } from '../alarms/alarm-sink.ts';
import { TwinloopError } from '../errors.ts';
import { CompareEngine } from './compare-engine.ts';
import { MaintenanceEngine } from '../maintenance/maintenance-engine.ts';
import { AlarmReporter } from './alarm-reporter.ts';
import { measuredName, type MaintenanceRule, type ShadowSection } from './rules.ts';
import { checkResyncRules, modelAligner } from './model-aligner.ts';

/** A tag of the shadow controller as the twin sees it (every tag is read in shadow mode). */
export interface ShadowTagIn {
  readonly signal: string;
  readonly type: SignalDef['type'];
}

/** Status signals the twin publishes (state kind): the HMI trends them like any other. */
export const SHADOW_STATUS = {
  comparing: 'shadow.comparing',
  suppressed: 'shadow.suppressed',
  corrections: 'shadow.corrections',
  deviations: 'shadow.deviations',
} as const;

/**
 * Model hook for re-synchronisation. `alignItem`: move the item nearest to photo-eye
 * `photoeye` (within captureM) onto it, or place one there; `setStroke`: put a cylinder or
 * pusher at a stroke fraction. Each returns true when it changed the model.
 */
export interface ModelAligner {
  alignItem(photoeye: string, captureM: number): boolean;
  setStroke(component: string, stroke: number): boolean;
}

/** Where a tag's value goes in shadow mode: actuators (and PLC-only outputs) drive the model; a model sensor or state is measured. */
export function shadowTarget(signal: string, modelKinds: ReadonlyMap<string, SignalDef['kind']>): string {
  const kind = modelKinds.get(signal);
  return kind === undefined || kind === 'actuator' ? signal : measuredName(signal);
}

/** The twin's catalog: the line's signals, PLC-only outputs, measured twins, status signals. */
export function shadowSignals(line: LineFile, tags: readonly ShadowTagIn[]): SignalDef[] {
  const defs = lineSignals(line);
  const kinds = new Map(defs.map((d) => [d.name, d.kind] as const));
  const known = new Set(kinds.keys());
  for (const t of tags) {
    const target = shadowTarget(t.signal, kinds);
    if (known.has(target)) continue;
    known.add(target);
    const model = defs.find((d) => d.name === t.signal);
    defs.push(
      target === t.signal
        ? { name: target, type: t.type, kind: 'state', unit: '', description: `controller output ${t.signal}` }
        : { name: target, type: t.type, kind: 'state', unit: model?.unit ?? '', description: `measured on the line (source: PLC) - model: ${t.signal}` },
    );
  }
  defs.push(
    { name: SHADOW_STATUS.comparing, type: 'bool', kind: 'state', unit: '', description: 'Shadow comparisons active (not suppressed)' },
    { name: SHADOW_STATUS.suppressed, type: 'int', kind: 'state', unit: '', description: 'Evaluations with comparisons suppressed (warm-up, bad/stale inputs, recovery)' },
    { name: SHADOW_STATUS.corrections, type: 'int', kind: 'state', unit: '', description: 'Re-synchronisation corrections of the model' },
    { name: SHADOW_STATUS.deviations, type: 'int', kind: 'state', unit: '', description: 'Deviation alarms active now' },
  );
  return defs;
}

export interface ShadowTwinOptions {
  readonly line: LineFile;
  readonly defs: readonly SignalDef[];
  /** Controller name (the communication alarm's key). */
  readonly controller: string;
  /** Signals written by the input path (tag targets): watched for quality and staleness. */
  readonly watched: readonly string[];
  readonly shadow: ShadowSection;
  readonly maintenance?: readonly MaintenanceRule[];
  readonly sink: AlarmSink;
  /** Model hook for resync rules; default: the model's own (model-aligner.ts), when it has them. */
  readonly aligner?: ModelAligner;
  /** The run clock, ms, read when the input path flushes a read (default: the clock of the last advance). */
  readonly now?: () => number;
  /** Most model steps one advance() runs (default 2000); more is dropped and counted. */
  readonly maxStepsPerAdvance?: number;
}

export interface ShadowHealth {
  readonly comparing: boolean;
  readonly communication: 'ok' | 'bad' | 'stale' | 'waiting';
  readonly suppressedEvaluations: number;
  readonly evaluations: number;
  readonly corrections: number;
  /** Measured edges on resync sensors (each one a correction request). */
  readonly resyncRequests: number;
  readonly resyncAvailable: boolean;
  readonly deviationsActive: number;
  readonly maintenanceActive: number;
  readonly droppedSteps: number;
  readonly modelTime: number;
}

const NONE = -1;

export class ShadowTwin {
  readonly lockstep: Lockstep;
  readonly values: Float64Array;
  readonly quality: Uint8Array;
  readonly defs: readonly SignalDef[];
  readonly compare: CompareEngine;
  readonly maintenance: MaintenanceEngine;
  /** The input path: NetworkExchange's sink, or the in-thread rig's. */
  readonly input: ActuatorSink;
  readonly #o: ShadowTwinOptions;
  readonly #aligner: ModelAligner | undefined;
  readonly #ids: Map<string, number>;
  readonly #watched: Int32Array;
  readonly #deviations: AlarmReporter;
  readonly #maint: AlarmReporter;
  readonly #comm: AlarmReporter;
  readonly #commFlag = new Uint8Array(1);
  readonly #resyncSensor: Int32Array;
  readonly #resyncPrev: Uint8Array;
  readonly #status: Int32Array;
  #lastGoodMs = NONE;
  #goodSinceMs = NONE;
  #firstGood = true;
  #offsetMs = 0;
  #held = true;
  #wasSuppressed = true;
  #evaluations = 0;
  #suppressedEvals = 0;
  #corrections = 0;
  #requests = 0;
  #dropped = 0;
  #commState: ShadowHealth['communication'] = 'waiting';

  private constructor(o: ShadowTwinOptions, lockstep: Lockstep) {
    this.#o = o;
    this.lockstep = lockstep;
    this.values = lockstep.values;
    this.quality = lockstep.quality;
    this.defs = o.defs;
    this.quality.fill(Quality.BAD);
    checkResyncRules(o.shadow.resync, o.line);
    this.#aligner = o.aligner ?? modelAligner(lockstep.model, o.line);
    this.#ids = new Map(o.defs.map((d, i) => [d.name, i] as const));
    const resolve = (name: string): number => {
      const id = this.#ids.get(name);
      if (id === undefined) throw new TwinloopError('SIG_UNKNOWN', `unknown signal ${name}`);
      return id;
    };
    this.#watched = Int32Array.from(o.watched, resolve);
    this.compare = new CompareEngine(o.shadow.compare, resolve);
    this.maintenance = new MaintenanceEngine(o.maintenance ?? [], resolve);
    this.#resyncSensor = Int32Array.from(o.shadow.resync, (r) => {
      try {
        return resolve(measuredName(r.sensor));
      } catch (err) {
        throw new TwinloopError('SIG_UNKNOWN', `resync rule on ${r.sensor}: no read tag measures it (${measuredName(r.sensor)})`, { cause: err });
      }
    });
    this.#resyncPrev = new Uint8Array(o.shadow.resync.length);
    this.#status = Int32Array.from(Object.values(SHADOW_STATUS), resolve);
    const comp = this.compare;
    this.#deviations = new AlarmReporter(
      o.sink,
      // An analog rule's band goes with its alarm (the OPC UA server shows it as a deviation alarm).
      comp.rules.map((r, k) => ({ key: `deviation:${r.name}`, source: 'deviation' as const, priority: r.priority, signals: comp.signalsOf(k), ...(r.kind === 'analog' ? { band: { abs: r.abs, rel: r.rel } } : {}) })),
      (k) => comp.describe(k),
    );
    const maint = this.maintenance;
    this.#maint = new AlarmReporter(
      o.sink,
      maint.rules.map((r) => ({
        key: `maintenance:${r.name}`,
        source: 'maintenance' as const,
        priority: r.priority,
        signals: [r.signal],
        action: r.action,
        ...(r.escalation ? { escalation: { afterMs: r.escalation.afterS * 1000, priority: r.escalation.priority } } : {}),
      })),
      (k) => maint.describe(k),
    );
    this.#comm = new AlarmReporter(o.sink, [{ key: `communication:${o.controller}`, source: 'communication', priority: 1, signals: o.watched }], () => this.#commText());
    const twin = this;
    this.input = {
      write(id: number, value: number, quality: number): void {
        twin.values[id] = value;
        twin.quality[id] = quality;
      },
      flush(): void {
        twin.#lastGoodMs = o.now ? o.now() : twin.#nowMs;
      },
    };
  }

  /** The run clock as of the last advance (input flushes are stamped with it). */
  #nowMs = 0;

  static async create(o: ShadowTwinOptions): Promise<ShadowTwin> {
    const lockstep = await Lockstep.create(o.line, o.defs, null, []);
    // Stepped on the run clock beside the real line: compile the model's own kernels before the
    // first cycle, not inside one (physics/kernel.ts).
    lockstep.model.compileKernels();
    return new ShadowTwin(o, lockstep);
  }

  /** Tell the twin the run clock before the input path writes (stamps its flushes). */
  clock(nowMs: number): void {
    this.#nowMs = nowMs;
  }

  #commText(): { message: string; cause: string } {
    const why = this.#commState === 'stale' ? `no good read for more than ${this.#o.shadow.staleMs} ms` : 'inputs bad or uncertain';
    return {
      message: `controller ${this.#o.controller}: communication lost - shadow comparison suppressed`,
      cause: `communication supervision: ${why}; deviation rules are suppressed until the link is good for ${this.#o.shadow.recoverS} s`,
    };
  }

  /** One evaluation at run time nowMs: supervise, step, resync, compare, report. */
  advance(nowMs: number): void {
    this.#nowMs = nowMs;
    this.#evaluations++;
    const o = this.#o;
    const q = this.quality;
    let bad = false;
    for (let k = 0; k < this.#watched.length; k++) if (q[this.#watched[k]!] !== Quality.GOOD) bad = true;
    const stale = this.#lastGoodMs === NONE || nowMs - this.#lastGoodMs > o.shadow.staleMs;
    const down = bad || stale;
    // Before the first read the inputs are bad by construction: that is waiting, not a loss.
    this.#commState = this.#lastGoodMs === NONE ? 'waiting' : bad ? 'bad' : stale ? 'stale' : 'ok';
    if (down) {
      this.#held = true;
      this.#goodSinceMs = NONE;
    } else {
      if (this.#goodSinceMs === NONE) this.#goodSinceMs = nowMs;
      if (this.#held) {
        // Re-anchor the model clock: a held model does not race to catch up the outage.
        this.#offsetMs = nowMs - this.lockstep.time * 1000;
        this.#held = false;
      }
      this.#step(nowMs);
      this.#resync();
    }
    const graceS = this.#firstGood ? o.shadow.warmupS : o.shadow.recoverS;
    const suppressed = down || nowMs - this.#goodSinceMs < graceS * 1000;
    if (!down && !suppressed) this.#firstGood = false;
    // One communication alarm per controller; before the first good read it is "waiting", not lost.
    this.#commFlag[0] = down && this.#commState !== 'waiting' ? 1 : 0;
    this.#comm.report(this.#commFlag, nowMs);
    if (suppressed) {
      this.#suppressedEvals++;
      if (!this.#wasSuppressed) {
        this.#deviations.clear(nowMs);
        this.compare.reset();
      }
    } else {
      if (this.#wasSuppressed) this.compare.reset();
      // Rules run on the data's clock: the model time of the last good read. A read that stalls
      // freezes it, so the model running ahead of late data is never taken for a deviation.
      this.compare.evaluate(this.values, Math.min(this.lockstep.time, (this.#lastGoodMs - this.#offsetMs) / 1000));
      this.#deviations.report(this.compare.active, nowMs);
    }
    this.#wasSuppressed = suppressed;
    if (!down) {
      this.maintenance.evaluate(this.values, nowMs / 1000);
      this.#maint.report(this.maintenance.active, nowMs);
    }
    const v = this.values;
    const s = this.#status;
    v[s[0]!] = suppressed ? 0 : 1;
    v[s[1]!] = this.#suppressedEvals;
    v[s[2]!] = this.#corrections;
    v[s[3]!] = this.#deviations.activeCount;
  }

  #step(nowMs: number): void {
    const ls = this.lockstep;
    const dt = ls.model.dt;
    const target = (nowMs - this.#offsetMs) / 1000;
    let n = Math.floor((target - ls.time) / dt + 1e-9);
    const cap = this.#o.maxStepsPerAdvance ?? 2000;
    if (n > cap) {
      this.#dropped += n - cap;
      this.#offsetMs += (n - cap) * dt * 1000;
      n = cap;
    }
    for (let k = 0; k < n; k++) ls.step();
  }

  #resync(): void {
    const rules = this.#o.shadow.resync;
    const v = this.values;
    for (let k = 0; k < rules.length; k++) {
      const on = v[this.#resyncSensor[k]!]! !== 0 ? 1 : 0;
      const rose = on === 1 && this.#resyncPrev[k] === 0;
      this.#resyncPrev[k] = on;
      if (!rose) continue;
      this.#requests++;
      const a = this.#aligner;
      if (!a) continue;
      const r = rules[k]!;
      if (r.kind === 'item' ? a.alignItem(r.component, r.captureM) : a.setStroke(r.component, r.stroke)) this.#corrections++;
    }
  }

  health(): ShadowHealth {
    return {
      comparing: !this.#wasSuppressed,
      communication: this.#commState,
      suppressedEvaluations: this.#suppressedEvals,
      evaluations: this.#evaluations,
      corrections: this.#corrections,
      resyncRequests: this.#requests,
      resyncAvailable: this.#aligner !== undefined,
      deviationsActive: this.#deviations.activeCount,
      maintenanceActive: this.#maint.activeCount,
      droppedSteps: this.#dropped,
      modelTime: this.lockstep.time,
    };
  }

  /** Signal id by name (status, tests). */
  id(name: string): number {
    const id = this.#ids.get(name);
    if (id === undefined) throw new TwinloopError('SIG_UNKNOWN', `unknown signal ${name}`);
    return id;
  }
}
