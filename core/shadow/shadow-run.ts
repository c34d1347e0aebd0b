// A run in shadow mode: the twin (shadow-twin.ts) on the main thread, fed by a read-only
// NetworkExchange (no write batch is ever prepared, the adapter is opened readOnly), advanced
// at the controller's cycle and published into the run's SignalTable for the HMI. The model is
// stepped here, not in the physics worker: it is driven by network reads that arrive on this
// thread anyway, it must be realigned by measurements, and one cycle of the demo line costs
// microseconds. A plant controller with `softLine:` first starts the rig's stand-in line.

import { pino, type Logger } from 'pino';
import type { PlantController, PlantFile } from '../config/plant-file.ts';
import type { LineFile } from '../../physics/model.ts';
import { lineSignals } from '../../physics/model.ts';
import { layoutOf } from '../engine/layout.ts';
import type { LayoutEntry, Pace, RunStatus } from '../engine/run-control.ts';
import type { FaultInfo, FaultSpec } from '../../physics/fault-spec.ts';
import type { AlarmSink } from '../alarms/alarm-sink.ts';
import { createAdapter } from '../../plc-adapters/factory.ts';
import { NetworkExchange, type NetworkTag } from '../network-exchange.ts';
import { SignalTable, type QualityCode } from '../signals.ts';
import { TwinloopError } from '../errors.ts';
import { ShadowTwin, shadowSignals, shadowTarget, type ShadowHealth } from './shadow-twin.ts';
import { normaliseShadow } from './shadow-config.ts';
import { startLinePeerProcess, type LinePeerProcess } from './line-peer-process.ts';
import type { ModelGate } from '../model/model-gate.ts';
import { ShadowInputs } from './shadow-inputs.ts';

export interface ShadowRunOptions {
  readonly plant: PlantFile;
  readonly line: LineFile;
  /** Where deviation, communication and maintenance conditions go (the alarm manager). */
  readonly sink: AlarmSink;
  readonly logger?: Logger;
  /** Start the plant's soft line stand-in (default true). */
  readonly startSoftLine?: boolean;
  /**
   * The model gate (core/model/model-gate.ts): deviations become advisories while the model
   * version is not signed off, and status() says which version runs. Absent: alarms as before.
   */
  readonly model?: ModelGate;
}

/** Is this plant's (first) controller in shadow mode? */
export function isShadowPlant(plant: PlantFile): boolean {
  return plant.controllers[0]?.mode === 'shadow';
}

const refused = (what: string): Promise<never> => Promise.reject(new TwinloopError('RUN_MODE_READONLY', `${what} is refused in shadow mode: the model follows the real line`));

export class ShadowRun {
  readonly table: SignalTable;
  readonly lineName: string;
  readonly layout: readonly LayoutEntry[];
  readonly line: LineFile;
  readonly scheduling = 'main thread (shadow mode)';
  readonly twin: ShadowTwin;
  /** Reads that changed a value are in the table at once, and the HMI publisher is told. */
  readonly inputs: ShadowInputs;
  readonly #exchange: NetworkExchange;
  readonly #controller: PlantController;
  readonly #peer: LinePeerProcess | undefined;
  readonly #log: Logger;
  readonly #t0: number;
  readonly #faults = new Map<number, FaultInfo>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #watched: Int32Array;
  #model: ModelGate | undefined;

  private constructor(line: LineFile, table: SignalTable, twin: ShadowTwin, inputs: ShadowInputs, exchange: NetworkExchange, controller: PlantController, peer: LinePeerProcess | undefined, log: Logger, watched: Int32Array, t0: number) {
    this.inputs = inputs;
    this.#t0 = t0;
    this.line = line;
    this.lineName = line.name;
    this.layout = layoutOf(line);
    this.table = table;
    this.twin = twin;
    this.#exchange = exchange;
    this.#controller = controller;
    this.#peer = peer;
    this.#log = log;
    this.#watched = watched;
  }

  /** @throws ConfigError/TwinloopError for unknown signals in rules or tags (nothing is left running) */
  static async start(o: ShadowRunOptions): Promise<ShadowRun> {
    const log = o.logger ?? pino({ level: 'info' });
    const pc = o.plant.controllers[0];
    if (!pc || pc.mode !== 'shadow') throw new TwinloopError('CFG_INVALID', 'shadow run: the plant file\'s controller is not in shadow mode');
    if (o.plant.controllers.length > 1) throw new TwinloopError('CFG_INVALID', `shadow run: the plant file has ${o.plant.controllers.length} controllers; a shadow twin follows one controller per run`);
    if (pc.tags.some((t) => t.direction === 'write')) throw new TwinloopError('PLC_READ_ONLY', `controller ${pc.name}: write tags in shadow mode`);
    const shadow = o.plant.shadow ?? normaliseShadow({});
    const kinds = new Map(lineSignals(o.line).map((d) => [d.name, d.kind] as const));
    const defs = shadowSignals(o.line, pc.tags);
    const targets = pc.tags.map((t) => shadowTarget(t.signal, kinds));
    const t0 = performance.now();
    // The twin counts monotonic ms from its start; the alarm manager (and its journal) keeps
    // wall-clock ms, so the sink gets the start's wall time added.
    const epoch0 = Date.now();
    const outer = o.model !== undefined ? o.model.wrap(o.sink) : o.sink;
    const sink: AlarmSink = { activate: (c, at) => outer.activate(c, epoch0 + at), deactivate: (key, at) => outer.deactivate(key, epoch0 + at) };
    const twin = await ShadowTwin.create({ line: o.line, defs, controller: pc.name, watched: targets, shadow, now: () => performance.now() - t0, ...(o.plant.maintenance ? { maintenance: o.plant.maintenance } : {}), sink });
    const table = SignalTable.create(defs);
    let peer: LinePeerProcess | undefined;
    let endpoint = pc.endpoint;
    if (pc.softLine && (o.startSoftLine ?? true)) {
      peer = await startLinePeerProcess({ line: pc.softLine.line, program: pc.softLine.program, protocol: pc.protocol, ...(pc.softLine.port !== undefined ? { port: pc.softLine.port } : {}), ...(pc.softLine.seed !== undefined ? { seed: pc.softLine.seed } : {}), faults: pc.softLine.faults });
      endpoint = peer.endpoint;
      log.info({ controller: pc.name, endpoint, faults: pc.softLine.faults }, 'soft line (shadow test rig) started');
    }
    // Every tag is read; its signal is rewritten to where the value goes in the twin.
    const tags: NetworkTag[] = pc.tags.map((t, k) => ({ ...t, signal: targets[k]!, direction: 'read' as const }));
    // The run is made below; the inputs publish through it once it exists (reads start after).
    let made: ShadowRun | undefined;
    const inputs = new ShadowInputs(twin.input, () => {
      if (made !== undefined) made.#publish();
    });
    const exchange = new NetworkExchange({
      name: pc.name,
      adapter: createAdapter({ ...pc, readOnly: true, ...(endpoint !== undefined ? { endpoint } : {}) }),
      tags,
      resolve: (name) => twin.id(name),
      table,
      sink: inputs.sink,
      cycleMs: pc.cycleMs,
      readOnly: true,
      log,
    });
    const run = new ShadowRun(o.line, table, twin, inputs, exchange, pc, peer, log, Int32Array.from(targets, (n) => twin.id(n)), t0);
    made = run;
    run.#model = o.model;
    try {
      await exchange.start();
    } catch (err) {
      await run.close();
      throw err;
    }
    run.#schedule();
    log.info({ line: o.line.name, controller: pc.name, compare: shadow.compare.length, resync: shadow.resync.length, maintenance: o.plant.maintenance?.length ?? 0 }, 'shadow run started');
    return run;
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(this.#cycle, this.#controller.cycleMs);
  }

  readonly #cycle = (): void => {
    const now = performance.now() - this.#t0;
    this.twin.clock(now);
    this.twin.advance(now);
    this.#publish();
    this.#schedule();
  };

  /** The twin's values, item slots and the tag targets' quality into the run's table. */
  #publish(): void {
    const ls = this.twin.lockstep;
    // The item slots (where each item is, for the mimic) as the physics worker publishes them:
    // without this the shadow run's belts were drawn empty while the live values counted items.
    ls.model.updateItemView();
    this.table.publish(this.twin.values, ls.tick, ls.time);
    for (let k = 0; k < this.#watched.length; k++) {
      const id = this.#watched[k]!;
      this.table.setQuality(id, this.twin.quality[id]! as QualityCode);
    }
  }

  /** Shadow health: comparisons active or suppressed, corrections, alarms. */
  shadowHealth(): ShadowHealth {
    return this.twin.health();
  }

  status(): RunStatus & { shadow: ShadowHealth } {
    const h = this.#exchange.health();
    return {
      state: this.#closed ? 'stopped' : 'running',
      mode: 'shadow',
      pace: { kind: 'realtime', factor: 1 },
      tick: this.table.tick,
      time: this.table.time,
      dt: this.line.dt ?? 0.001,
      stats: { ticks: this.twin.lockstep.tick, wakes: 0, lateP50: 0, lateP99: 0, lateMax: 0, overruns: this.twin.health().droppedSteps, stepsPerSecond: 0, realtimeFactor: 1 },
      controllers: [{ name: h.name, protocol: this.#controller.protocol, state: h.state, cycleMs: this.#controller.cycleMs, cycles: h.cycles }],
      shadow: this.twin.health(),
      ...(this.#model !== undefined ? { model: this.#model.info() } : {}),
    };
  }

  networkHealth(): ReturnType<NetworkExchange['health']> {
    return this.#exchange.health();
  }

  pause(): Promise<void> {
    return refused('pause');
  }
  resume(): Promise<void> {
    return refused('resume');
  }
  step(): Promise<void> {
    return refused('step');
  }
  reset(): Promise<void> {
    return refused('reset');
  }
  setPace(_pace: Pace): Promise<void> {
    return refused('a pace other than real time');
  }
  force(_signal: string, _value: number): Promise<void> {
    return refused('force');
  }
  release(_signal: string): Promise<void> {
    return refused('release');
  }
  forcedSignals(): { signal: string; value: number }[] {
    return [];
  }

  /** Faults go into the rig's stand-in line (there is none against a real PLC). */
  async injectFault(spec: FaultSpec): Promise<FaultInfo> {
    if (!this.#peer) throw new TwinloopError('HMI_UNSUPPORTED', 'shadow mode against a real line: faults cannot be injected');
    const f = await this.#peer.inject(spec);
    this.#faults.set(f.id, f);
    this.#log.warn({ fault: spec, simTime: f.time }, 'fault injected into the soft line');
    return f;
  }
  clearFault(_id: number): Promise<void> {
    return Promise.reject(new TwinloopError('HMI_UNSUPPORTED', 'clearing a soft line fault is not supported'));
  }
  faults(): readonly FaultInfo[] {
    return [...this.#faults.values()];
  }

  /** The rig's stand-in line process (tests kill it to cut the link). */
  get softLine(): LinePeerProcess | undefined {
    return this.#peer;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#exchange.close().catch(() => undefined);
    await this.#peer?.close();
  }
}
