// The physics model of a line: the Model that composes one struct-of-arrays group per
// component type and steps them in a fixed order, with fault injection and snapshots. The
// line-file types, lineSignals() and checkReferences() live in line.ts and are re-exported
// here. See docs/physics.md.

import { processTicks } from './time-slice.ts';
import { TwinloopError } from '../core/errors.ts';
import type { BuildContext, Placed } from './component.ts';
import { readNumber, signalId } from './component.ts';
import { COMPONENT_TYPES, LINE_PREFIX, LINE_SIGNALS, componentType } from './catalog.ts';
import { Bins } from './bin.ts';
import { Classifiers } from './classifier.ts';
import { Conveyors } from './conveyor.ts';
import { Drives } from './drive.ts';
import { Photoeyes } from './photoeye.ts';
import { Pushers } from './pusher.ts';
import { Sources, sourceType } from './source.ts';
import { ItemMimic } from './item-mimic.ts';
import { Compressors } from './compressor.ts';
import { Cylinders } from './cylinder.ts';
import { Encoders } from './encoder.ts';
import { Furnaces } from './furnace.ts';
import { LimitSwitches } from './limit-switch.ts';
import { Proximities } from './proximity.ts';
import { Pumps } from './pump.ts';
import { QualityGates } from './quality.ts';
import { Tanks } from './tank.ts';
import { Transmitters } from './transmitter.ts';
import { Valves } from './valve.ts';
import { RollerConveyors } from './roller-conveyor.ts';
import { Machines } from './machine.ts';
import type { MachineRecipe } from './machine-recipe.ts';
import { OrderSources } from './order-source.ts';
import { Buffers } from './buffer.ts';
import { PickPlaces } from './pick-place.ts';
import { coatingStation } from './coating.ts';
import { weldStation } from './weld.ts';
import { PointStations } from './point-station.ts';
import { lanesOf } from './lanes.ts';
import { FaultTable } from './faults.ts';
import type { ComponentFaultSpec, FaultInfo, FaultSpec } from './fault-spec.ts';
import { COMPONENT_FAULT_KINDS, COMPONENT_FAULT_TARGET, DEFAULT_SEVERITY, SIGNAL_FAULT_KINDS, specOf } from './fault-spec.ts';
import type { StateArray } from './snapshot.ts';
import { base64ToF64, decodeSnapshot, encodeSnapshot, f64ToBase64 } from './snapshot.ts';
import { ALIGN_NONE, alignItemOnConveyor } from './item-resync.ts';
import { QUALITY_GOOD, QUALITY_REJECT } from './items.ts';
import { Kernels } from './kernel.ts';
import type { LineFile } from './line.ts';
import { DEFAULT_DT, checkReferences, classNamesOf, lineSignals, catalogOrder } from './line.ts';

export type { ComponentConfig, LayoutSpec, LineFile } from './line.ts';
export { DEFAULT_DT, checkReferences, lineSignals } from './line.ts';

/**
 * Component-steps after which a model compiles its own copies of the step kernels (kernel.ts):
 * compiling costs tens of milliseconds, which this much work repays (a 10k-component line after
 * 1 000 steps, the 15-component demo line after about 11 simulated minutes, so short scenario
 * runs of small lines keep the shared code). Unpaced runs rely on it (scenarios, sweeps, tests);
 * paced runs compile before their first tick (Model.compileKernels).
 */
export const COMPILE_WORK = 10_000_000;

/** An item as {@link Model.inspectItems} reports it. */
export interface ItemView {
  /** Id of the conveyor the item's front is on, or of the roller conveyor or station holding it. */
  conveyor: string;
  /** Front position, m from that conveyor's start. */
  front: number;
  /** m */
  length: number;
  /** m */
  height: number;
  className: string;
  /** °C */
  temperature: number;
  /** s spent in heated zones */
  dwell: number;
  /** Coating film, µm (0: not coated). */
  coating: number;
  /** Weld heat input, kJ/m (0: not welded). */
  heatInput: number;
  /** Verdict of the last quality gate passed. */
  quality: 'unknown' | 'good' | 'reject';
}

/** What Model.snapshot() keeps outside the fixed arrays. */
interface SnapshotTrailer {
  tick: number;
  energy: number;
  pending: number;
  faults: { info: FaultInfo | null; delay: string | null }[];
}

/**
 * The physics of one line. Build resolves every name to an integer signal id once; step() then
 * only indexes typed arrays and allocates nothing.
 *
 * Step order (fixed): drives -> conveyors (downstream first: move, accumulate, hand over,
 * deliver) -> roller conveyors -> machines -> buffers -> pick-and-place -> sources -> pushers -> cylinders -> compressors -> pumps -> valves -> tanks ->
 * furnaces -> coating -> weld -> photo-eyes -> classifiers -> proximity sensors -> encoders -> limit switches ->
 * quality gates -> transmitters -> line totals. Item counts are written the moment they change;
 * drives see the counts as they stood at the end of the step before. Signal faults act around
 * the whole step (faults.ts). Compressors, pumps, valves, tanks, furnaces, quality gates and transmitters step
 * in the process time slice: with a processPeriod of m steps, a 1/m share of each type per step
 * (time-slice.ts).
 *
 * @example
 * const table = SignalTable.create(lineSignals(line));
 * const model = new Model(line, (name) => table.id(name), work);
 * model.step();
 */
export class Model {
  /** Fixed step, s. */
  readonly dt: number;
  /** Seed of all random streams (as a uint32). */
  readonly seed: number;
  /** Physics steps per process time slice (time-slice.ts); 1 when the line sets no processPeriod. */
  readonly processTicks: number;
  /** The engine's value array. */
  readonly #values: Float64Array;
  /** The array the components step on: `values` itself, or a catalog-ordered copy (see constructor). */
  readonly #work: Float64Array;
  /** Copy-in/out maps for the copy case: catalog index -> id in `values`; empty when working in place. */
  readonly #inCat: Int32Array;
  readonly #inId: Int32Array;
  readonly #outCat: Int32Array;
  readonly #outId: Int32Array;
  readonly #drives: Drives;
  readonly #conveyors: Conveyors;
  readonly #sources: Sources;
  readonly #pushers: Pushers;
  readonly #photoeyes: Photoeyes;
  readonly #classifiers: Classifiers;
  readonly #bins: Bins;
  readonly #compressors: Compressors;
  readonly #cylinders: Cylinders;
  readonly #tanks: Tanks;
  readonly #pumps: Pumps;
  readonly #valves: Valves;
  readonly #furnaces: Furnaces;
  readonly #proximities: Proximities;
  readonly #encoders: Encoders;
  readonly #limitSwitches: LimitSwitches;
  readonly #quality: QualityGates;
  readonly #transmitters: Transmitters;
  readonly #rollers: RollerConveyors;
  readonly #machines: Machines;
  readonly #orderSources: OrderSources;
  readonly #buffers: Buffers;
  readonly #pickPlaces: PickPlaces;
  readonly #coaters: PointStations;
  readonly #welders: PointStations;
  readonly #faults: FaultTable;
  /** Id of the component holding each lane of the item pool (lanes.ts). */
  readonly #laneIds: readonly string[];
  readonly #classNames: readonly string[];
  readonly #lineSig: Int32Array;
  readonly #dtHours: number;
  readonly #itemView: ItemMimic;
  /** Signal name -> index in the work array, and the ids of the work array in `values`. */
  readonly #catalog: ReadonlyMap<string, number>;
  readonly #kinds: readonly string[];
  readonly #workToValues: Int32Array;
  readonly #inPlace: boolean;
  readonly #typeOf: ReadonlyMap<string, string>;
  readonly #indexOf: ReadonlyMap<string, number>;
  /** Scratch for a re-sync's new item: front (set per call), length 0.2 m, height 0.05 m. */
  readonly #resyncGeometry = Float64Array.of(0, 0.2, 0.05);
  /** Line-file faults by time: their specs and the tick each is due. */
  readonly #lineFaults: readonly FaultSpec[];
  readonly #lineFaultTick: Float64Array;
  #pending = 0;
  #nextFaultTick = Infinity;
  #bad: Int32Array = new Int32Array(0);
  #tick = 0;
  #energy = 0;
  readonly #kernels = new Kernels();
  /** Steps since build; the kernels are compiled when it reaches #compileAt. */
  #steps = 0;
  readonly #compileAt: number;

  /**
   * @param line a line file that passed schema validation
   * @param resolve signal name -> id in `values`, e.g. `(n) => table.id(n)`
   * @param values the working value array the model reads actuators from and writes to
   * @throws TwinloopError MODEL_BUILD when references or parameters are invalid
   */
  constructor(line: LineFile, resolve: (signalName: string) => number, values: Float64Array) {
    if (typeof line !== 'object' || line === null || !Array.isArray(line.components)) {
      throw new TwinloopError('MODEL_BUILD', 'a line file needs a components array');
    }
    const issues = checkReferences(line);
    if (issues.length > 0) {
      const list = issues.map((i) => `${i.path} ${i.message}`).join('; ');
      throw new TwinloopError('MODEL_BUILD', `line ${line.name}: ${list}`);
    }
    const dt = line.dt ?? DEFAULT_DT;
    if (typeof dt !== 'number' || !(dt > 0) || !Number.isFinite(dt)) {
      throw new TwinloopError('MODEL_BUILD', `line ${line.name}: dt must be a positive number of seconds, got ${String(dt)}`);
    }
    const seed = line.seed ?? 0;
    if (typeof seed !== 'number' || !Number.isFinite(seed)) {
      throw new TwinloopError('MODEL_BUILD', `line ${line.name}: seed must be a number, got ${String(seed)}`);
    }
    this.dt = dt;
    this.processTicks = processTicks(dt, line.processPeriod);
    this.seed = seed >>> 0;
    this.#dtHours = dt / 3600;
    this.#values = values;

    // Components address their signals as one base id plus fixed offsets, so each component's
    // signals must sit contiguously in catalog order. A table built from lineSignals(line) has
    // that; for any other id mapping the model steps on its own catalog-ordered copy and copies
    // actuators in and the rest out around each step.
    const defs = lineSignals(line);
    const ids = Int32Array.from(defs, (d) => signalId(resolve, values, d.name));
    const catalog = new Map(defs.map((d, i) => [d.name, i]));
    let inPlace = true;
    let k = 0;
    for (const n of [LINE_SIGNALS.length, ...catalogOrder(line.components).map(({ cfg: c }) => componentType(c.type)!.signals.length)]) {
      for (let j = 1; j < n; j++) if (ids[k + j] !== ids[k]! + j) inPlace = false;
      k += n;
    }
    const work = inPlace ? values : new Float64Array(defs.length);
    this.#work = work;
    this.#inPlace = inPlace;
    this.#catalog = catalog;
    this.#kinds = defs.map((d) => d.kind);
    this.#workToValues = ids;
    // Item-slot signals are written straight into `values` by the item view, never copied.
    const stepped = (i: number): boolean => i < k;
    const inputs = inPlace ? [] : defs.flatMap((d, i) => (stepped(i) && d.kind === 'actuator' ? [i] : []));
    const outputs = inPlace ? [] : defs.flatMap((d, i) => (stepped(i) && d.kind !== 'actuator' ? [i] : []));
    this.#inCat = Int32Array.from(inputs);
    this.#inId = Int32Array.from(inputs, (i) => ids[i]!);
    this.#outCat = Int32Array.from(outputs);
    this.#outId = Int32Array.from(outputs, (i) => ids[i]!);

    const groups = new Map<string, Placed[]>(COMPONENT_TYPES.map((t) => [t.type, []]));
    const index = new Map<string, number>();
    const typeOf = new Map<string, string>();
    line.components.forEach((cfg, i) => {
      const group = groups.get(cfg.type)!;
      index.set(cfg.id, group.length);
      typeOf.set(cfg.id, cfg.type);
      group.push({ cfg, path: `components[${i}]` });
    });
    this.#typeOf = typeOf;
    this.#indexOf = index;
    const lanes = lanesOf(line.components);
    const laneIndex = new Map(lanes.map((l, i) => [l.cfg.id, i]));
    this.#laneIds = lanes.map((l) => l.cfg.id);
    const classNames = classNamesOf(line.components);
    this.#classNames = classNames;
    const kernels = this.#kernels;
    this.#compileAt = Math.ceil(COMPILE_WORK / Math.max(1, line.components.length));
    const ctx: BuildContext = {
      dt,
      processTicks: this.processTicks,
      signal: (id, field) => {
        const i = catalog.get(`${id}.${field}`);
        if (i === undefined) throw new TwinloopError('MODEL_BUILD', `no signal ${id}.${field} in the catalog of line ${line.name}`);
        return inPlace ? ids[i]! : i;
      },
      typeOf: (id) => typeOf.get(id),
      indexOf: (id) => index.get(id) ?? -1,
      of: (type) => groups.get(type) ?? [],
      classIndex: (name) => classNames.indexOf(name),
      lane: (id) => laneIndex.get(id) ?? -1,
      values: work,
      kernel: (kernel, env, ...args) => kernels.add(kernel, env, ...args),
    };
    let minItemLength = Infinity;
    for (const { cfg, path } of ctx.of('source')) {
      minItemLength = Math.min(minItemLength, readNumber(cfg, sourceType, 'itemLength', path));
    }
    this.#bins = new Bins(ctx, work);
    this.#drives = new Drives(ctx);
    this.#conveyors = new Conveyors(ctx, this.#bins, minItemLength, work, lanes, this.#drives.speed);
    const pool = this.#conveyors.items;
    this.#sources = new Sources(ctx, pool, this.seed);
    this.#pushers = new Pushers(ctx, pool, this.#bins);
    this.#photoeyes = new Photoeyes(ctx, pool);
    this.#classifiers = new Classifiers(ctx, pool);
    this.#compressors = new Compressors(ctx);
    this.#cylinders = new Cylinders(ctx, this.#compressors);
    this.#tanks = new Tanks(ctx);
    this.#pumps = new Pumps(ctx, this.#tanks);
    this.#valves = new Valves(ctx, this.#tanks);
    this.#furnaces = new Furnaces(ctx, pool, this.#pumps);
    this.#proximities = new Proximities(ctx, pool);
    this.#encoders = new Encoders(ctx);
    this.#limitSwitches = new LimitSwitches(ctx);
    this.#quality = new QualityGates(ctx, pool);
    this.#transmitters = new Transmitters(ctx, this.seed);
    this.#rollers = new RollerConveyors(ctx, pool, this.#bins);
    this.#machines = new Machines(ctx, pool, this.#bins, this.seed);
    this.#orderSources = new OrderSources(ctx, pool);
    this.#buffers = new Buffers(ctx, pool, this.#bins);
    this.#pickPlaces = new PickPlaces(ctx, pool, this.#bins);
    this.#coaters = new PointStations(ctx, pool, coatingStation);
    this.#welders = new PointStations(ctx, pool, weldStation);
    this.#faults = new FaultTable(dt, this.seed);
    this.#lineSig = Int32Array.from(LINE_SIGNALS.map((f) => ctx.signal(LINE_PREFIX, f.field)));
    this.#itemView = new ItemMimic(line, lanes.map((l) => l.cfg), pool, (name) => signalId(resolve, values, name));
    const lineFaults = [...(line.faults ?? [])].map((f, i) => ({ f, i, tick: Math.max(0, Math.round((f.at ?? 0) / dt)) }));
    // Stable by time, then file order.
    lineFaults.sort((a, b) => a.tick - b.tick || a.i - b.i);
    this.#lineFaults = lineFaults.map((x) => specOf(x.f));
    this.#lineFaultTick = Float64Array.from(lineFaults, (x) => x.tick);
    this.reset();
  }

  /** Steps since build or reset. */
  get tick(): number {
    return this.#tick;
  }

  /** Simulated time since build or reset, s (tick * dt, so it never drifts). */
  get time(): number {
    return this.#tick * this.dt;
  }

  /**
   * Compile this model's own copies of the step kernels now instead of after COMPILE_WORK
   * component-steps. Paced runs call it before their first tick (the physics worker, the shadow
   * twin): compiling takes 3-4 ms and must not land in a tick. Values are the same either way.
   */
  compileKernels(): void {
    this.#kernels.compile();
  }

  /** Whether the model steps on its own compiled kernels yet. */
  get kernelsCompiled(): boolean {
    return this.#kernels.compiled;
  }

  /** Advance one dt: read actuators from values[], move items, write sensors and state to values[]. */
  step(): void {
    if (++this.#steps === this.#compileAt) this.#kernels.compile();
    const v = this.#work;
    if (v !== this.#values) copy(this.#values, this.#inId, v, this.#inCat);
    // Line-file faults due at this step (rare: a compare per step otherwise).
    if (this.#tick + 1 >= this.#nextFaultTick) this.#armLineFaults(this.#tick + 1);
    const faults = this.#faults;
    faults.pre(v, this.#tick);
    this.#drives.step(this.#tick);
    this.#conveyors.step();
    this.#rollers.step();
    this.#machines.step(v);
    this.#buffers.step(v);
    this.#pickPlaces.step(v);
    this.#tick++;
    this.#sources.step(v, this.#tick);
    if (this.#orderSources.n > 0) this.#orderSources.step(v);
    this.#pushers.step();
    this.#cylinders.step();
    this.#compressors.step(this.#tick);
    this.#pumps.step(this.#tick);
    this.#valves.step(this.#tick);
    this.#tanks.step(v, this.#tick);
    this.#furnaces.step(this.#tick);
    this.#coaters.step();
    this.#welders.step();
    this.#photoeyes.step();
    this.#classifiers.step();
    this.#proximities.step();
    this.#encoders.step();
    this.#limitSwitches.step();
    this.#quality.step(v, this.#tick);
    this.#transmitters.step(this.#tick);
    const power =
      this.#drives.totalPower[0]! + this.#compressors.totalPower[0]! + this.#pumps.totalPower[0]! + this.#furnaces.totalPower[0]! +
      this.#rollers.totalPower[0]! + this.#machines.totalPower[0]! + this.#pickPlaces.totalPower[0]! + this.#coaters.totalPower[0]! + this.#welders.totalPower[0]!;
    this.#energy += power * this.#dtHours;
    const line = this.#lineSig;
    v[line[0]!] = power;
    v[line[1]!] = this.#energy;
    v[line[2]!] = this.#conveyors.items.aliveCount;
    v[line[3]!] = this.#sources.total + this.#orderSources.total;
    faults.post(v, this.#tick);
    if (v !== this.#values) copy(v, this.#outCat, this.#values, this.#outId);
  }

  /**
   * Something outside the model wrote into the model's outputs in the value array (a force the
   * engine released): every component writes all of its outputs again at the next step. Needed
   * because a drive at steady state writes only its energy (drive.ts); the values are the same
   * as if nothing had been written.
   */
  signalsOverwritten(): void {
    this.#drives.invalidate();
  }

  /**
   * Back to the initial state, re-seeded: the same actuator trace gives the identical trace
   * again. Writes every signal of the line, actuators included (to 0, the state a controller
   * starts from), so a command left over from before the reset cannot leak into the new run.
   * Clears every fault, then re-arms the line file's faults (those at time 0 act at once).
   */
  reset(): void {
    const v = this.#work;
    this.#tick = 0;
    this.#energy = 0;
    this.#faults.clear();
    this.#bad = new Int32Array(0);
    this.#drives.reset(v);
    this.#conveyors.reset(v);
    this.#sources.reset(v);
    this.#pushers.reset(v);
    this.#bins.reset(v);
    this.#compressors.reset(v);
    this.#cylinders.reset(v);
    this.#tanks.reset(v);
    this.#pumps.reset(v);
    this.#valves.reset(v);
    this.#furnaces.reset(v);
    this.#photoeyes.reset();
    this.#classifiers.reset();
    this.#proximities.reset();
    this.#encoders.reset(v);
    this.#limitSwitches.reset();
    this.#quality.reset(v);
    this.#transmitters.reset();
    this.#rollers.reset(v);
    this.#machines.reset(v);
    this.#orderSources.reset(v);
    this.#buffers.reset(v);
    this.#pickPlaces.reset(v);
    this.#coaters.reset(v);
    this.#welders.reset(v);
    for (const id of this.#lineSig) v[id] = 0;
    this.#pending = 0;
    this.#nextFaultTick = this.#lineFaultTick.length > 0 ? this.#lineFaultTick[0]! : Infinity;
    if (this.#nextFaultTick === 0) this.#armLineFaults(0);
    if (v !== this.#values) {
      copy(v, this.#outCat, this.#values, this.#outId);
      copy(v, this.#inCat, this.#values, this.#inId);
    }
  }

  /** Inject the line file's faults due at or before `tick`. */
  #armLineFaults(tick: number): void {
    const at = this.#lineFaultTick;
    while (this.#pending < at.length && at[this.#pending]! <= tick) {
      this.#inject(this.#lineFaults[this.#pending]!, tick);
      this.#pending++;
    }
    this.#nextFaultTick = this.#pending < at.length ? at[this.#pending]! : Infinity;
  }

  /**
   * Inject a fault now. A signal fault acts on the value components read (actuator) or the
   * value published (sensor, state); a component fault changes that component's physics.
   * Allocates (outside the step loop).
   * @example model.injectFault({ target: 'signal', signal: 'pe1.blocked', kind: 'stuck', value: 1 })
   * @throws TwinloopError FAULT_INVALID for an unknown signal or component or a kind that does not apply, FAULT_TABLE_FULL
   */
  injectFault(spec: FaultSpec): FaultInfo {
    const info = this.#inject(spec, this.#tick);
    if (this.#work !== this.#values) copy(this.#work, this.#outCat, this.#values, this.#outId);
    return info;
  }

  #inject(spec: FaultSpec, tick: number): FaultInfo {
    const time = tick * this.dt;
    if (typeof spec !== 'object' || spec === null) throw new TwinloopError('FAULT_INVALID', 'a fault spec must be an object');
    if (spec.target === 'signal') {
      const sig = this.#catalog.get(spec.signal);
      if (sig === undefined || sig >= this.#kinds.length || spec.signal.startsWith('items.')) {
        throw new TwinloopError('FAULT_INVALID', `fault on unknown signal ${String(spec.signal)}`);
      }
      if (!(SIGNAL_FAULT_KINDS as readonly string[]).includes(spec.kind)) {
        throw new TwinloopError('FAULT_INVALID', `signal fault kind must be one of ${SIGNAL_FAULT_KINDS.join(', ')}, got ${String(spec.kind)}`);
      }
      const value = spec.value ?? 0;
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new TwinloopError('FAULT_INVALID', `fault value must be a finite number, got ${String(spec.value)}`);
      const info = this.#faults.add((id) => ({ id, spec, time, tick }), {
        kind: spec.kind,
        sig: this.#inPlace ? this.#workToValues[sig]! : sig,
        actuator: this.#kinds[sig] === 'actuator',
        value,
        values: this.#work,
        tick,
      });
      if (spec.kind === 'wirebreak') this.#rebuildBad();
      return info;
    }
    if (spec.target !== 'component') throw new TwinloopError('FAULT_INVALID', `fault target must be signal or component, got ${String((spec as { target: unknown }).target)}`);
    const severity = this.#severity(spec);
    const info = this.#faults.add((id) => ({ id, spec, time, tick }));
    this.#componentFault(spec, severity);
    return info;
  }

  #severity(spec: ComponentFaultSpec): number {
    if (!(COMPONENT_FAULT_KINDS as readonly string[]).includes(spec.kind)) {
      throw new TwinloopError('FAULT_INVALID', `component fault kind must be one of ${COMPONENT_FAULT_KINDS.join(', ')}, got ${String(spec.kind)}`);
    }
    const type = this.#typeOf.get(spec.component);
    const want = COMPONENT_FAULT_TARGET[spec.kind];
    if (type === undefined) throw new TwinloopError('FAULT_INVALID', `fault on unknown component ${String(spec.component)}`);
    if (!want.includes(type)) throw new TwinloopError('FAULT_INVALID', `${spec.kind} applies to a ${want.join(' or ')}; ${spec.component} is a ${type}`);
    const sev = spec.severity ?? DEFAULT_SEVERITY[spec.kind];
    if (typeof sev !== 'number' || !(sev >= 0 && sev <= 1)) throw new TwinloopError('FAULT_INVALID', `severity must be in 0..1, got ${String(spec.severity)}`);
    return sev;
  }

  /** Apply (severity > 0) or lift (severity 0) a component fault. */
  #componentFault(spec: ComponentFaultSpec, severity: number): void {
    const k = this.#indexOf.get(spec.component)!;
    switch (spec.kind) {
      case 'jam':
        this.#conveyors.setJam(k, severity > 0);
        this.#drives.setJam(this.#conveyors.driveOf[k]!, severity > 0);
        break;
      case 'slip':
        this.#conveyors.setSlipFault(k, severity);
        break;
      case 'slow':
        if (this.#typeOf.get(spec.component) === 'pusher') this.#pushers.setSlow(k, severity);
        else this.#cylinders.setSlow(k, severity);
        break;
      case 'leak':
        this.#cylinders.setLeak(k, severity);
        break;
      case 'heater-lost':
        this.#furnaces.setHeaterLoss(k, severity);
        break;
      case 'cavitation':
        this.#pumps.setCavitation(k, severity);
        break;
      case 'bearing-wear':
        // Severity 1 wears the bearing 101 times as fast.
        this.#drives.setWearMultiplier(k, 1 + 100 * severity);
        break;
      case 'cooling-lost':
        this.#drives.setCoolingLoss(k, severity);
        break;
      case 'breakdown':
        this.#machines.setDown(k, severity > 0);
        break;
    }
  }

  /**
   * Clear an active fault: the signal shows its true value (or the component its healthy
   * physics) again.
   * @throws TwinloopError FAULT_UNKNOWN when no active fault has this id
   */
  clearFault(id: number): void {
    const slot = this.#faults.slotOf(id);
    if (slot < 0) throw new TwinloopError('FAULT_UNKNOWN', `no active fault with id ${id}`);
    const spec = this.#faults.info(slot)!.spec;
    this.#faults.remove(slot, this.#work, this.#tick);
    if (spec.target === 'component') {
      this.#componentFault(spec, 0);
      // Another fault of the same kind on the same component keeps acting.
      for (const f of this.#faults.list()) {
        if (f.spec.target === 'component' && f.spec.component === spec.component && f.spec.kind === spec.kind) this.#componentFault(f.spec, this.#severity(f.spec));
      }
    } else if (spec.kind === 'wirebreak') this.#rebuildBad();
    if (this.#work !== this.#values) copy(this.#work, this.#outCat, this.#values, this.#outId);
  }

  /** Active faults, oldest first. */
  faults(): FaultInfo[] {
    return this.#faults.list();
  }

  /**
   * Ids (in the engine's value array) of signals whose quality is bad because of a wire
   * break. The same array until a fault is injected or cleared; the engine marks their quality.
   */
  badSignals(): Int32Array {
    return this.#bad;
  }

  #rebuildBad(): void {
    const work = this.#faults.wireBroken();
    this.#bad = Int32Array.from(new Set(work.map((w) => (this.#inPlace ? w : this.#workToValues[w]!))));
  }

  /** Every state array of the model, in a fixed order (snapshot layout). */
  #stateArrays(): StateArray[] {
    const arrays: StateArray[] = [this.#work];
    for (const g of [
      this.#drives, this.#conveyors, this.#sources, this.#pushers, this.#photoeyes, this.#classifiers, this.#bins,
      this.#compressors, this.#cylinders, this.#tanks, this.#pumps, this.#valves, this.#furnaces,
      this.#proximities, this.#encoders, this.#limitSwitches, this.#quality, this.#transmitters, this.#faults,
      this.#rollers, this.#machines, this.#buffers, this.#pickPlaces, this.#coaters, this.#welders, this.#orderSources,
    ]) arrays.push(...g.state());
    return arrays;
  }

  /**
   * Shadow re-sync: move conveyor `conveyor`'s item nearest to `front` (within captureM, m) so its
   * front is there, or place a new item there when none is near (physics/item-resync.ts).
   * @returns true when the model changed
   */
  alignItem(conveyor: string, front: number, captureM: number): boolean {
    const k = this.#indexOf.get(conveyor);
    if (k === undefined || this.#typeOf.get(conveyor) !== 'conveyor') return false;
    return alignItemOnConveyor(this.#conveyors.items, k, front, captureM, this.#resyncGeometry, 0) !== ALIGN_NONE;
  }

  /** Shadow re-sync: put a pusher or cylinder at stroke fraction 0..1; true when it moved. */
  setStroke(component: string, stroke: number): boolean {
    const k = this.#indexOf.get(component);
    const type = this.#typeOf.get(component);
    if (k === undefined) return false;
    if (type === 'pusher') return this.#pushers.setStroke(k, stroke);
    if (type === 'cylinder') return this.#cylinders.setStroke(k, stroke);
    return false;
  }

  /**
   * The whole model state (component states, items, wear, random streams, faults, signal
   * values) as bytes. {@link Model.restore} on a model of the same line continues bit-identically.
   */
  snapshot(): Uint8Array {
    const trailer: SnapshotTrailer = {
      tick: this.#tick,
      energy: this.#energy,
      pending: this.#pending,
      faults: this.#faults.slots().map((s) => ({ info: s.info ?? null, delay: s.delay !== undefined ? f64ToBase64(s.delay) : null })),
    };
    return encodeSnapshot(this.#stateArrays(), trailer);
  }

  /**
   * Continue from a snapshot of a model of the same line.
   * @throws TwinloopError SNAPSHOT_INVALID when the bytes are not such a snapshot (the model is then unchanged)
   */
  restore(bytes: Uint8Array): void {
    const arrays = this.#stateArrays();
    // Decode into copies first: a snapshot that fails late must leave the model untouched.
    const copies = arrays.map((a) => a.slice());
    const trailer = decodeSnapshot(bytes, copies) as Partial<SnapshotTrailer> | null;
    if (trailer === null || typeof trailer !== 'object' || typeof trailer.tick !== 'number' || typeof trailer.energy !== 'number' || !Array.isArray(trailer.faults)) {
      throw new TwinloopError('SNAPSHOT_INVALID', 'snapshot: trailer lacks tick, energy or faults');
    }
    arrays.forEach((a, k) => a.set(copies[k] as never));
    this.#tick = trailer.tick;
    this.#energy = trailer.energy;
    this.#pending = trailer.pending ?? 0;
    this.#nextFaultTick = this.#pending < this.#lineFaultTick.length ? this.#lineFaultTick[this.#pending]! : Infinity;
    this.#faults.restoreSlots(trailer.faults.map((f) => ({ info: f.info ?? undefined, delay: f.delay !== null ? base64ToF64(f.delay) : undefined })));
    this.#rebuildBad();
    if (this.#work !== this.#values) {
      copy(this.#work, this.#outCat, this.#values, this.#outId);
      copy(this.#work, this.#inCat, this.#values, this.#inId);
    }
  }

  /**
   * Write the item slots' mimic positions (`items.<k>.*`) into values[]. The engine calls it
   * before publishing, not every step: the mimic needs positions at most at frame rate.
   */
  updateItemView(): void {
    this.#itemView.write(this.#values);
  }

  /** Index of a component among those of its type, -1 if none (for the by-index controls below). */
  indexOf(id: string): number {
    return this.#indexOf.get(id) ?? -1;
  }

  /**
   * Give machine `k` (its index among machines) a product recipe, then reset the model so its
   * initial setup takes effect. Build time; the planning run's (core/planning/on-line-line.ts).
   */
  setMachineRecipe(k: number, recipe: MachineRecipe | null): void {
    this.#machines.setRecipe(k, recipe);
    this.reset();
  }

  /**
   * The by-index controls a planning run drives between steps, allocation-free: machines
   * (announce the next product, operators for changeovers) and order sources (release lots).
   */
  get planControls(): { readonly machines: Machines; readonly orderSources: OrderSources } {
    return { machines: this.#machines, orderSources: this.#orderSources };
  }

  /** Every item on the line, conveyors in file order, front-most first. Allocates: not for the step loop. */
  inspectItems(): ItemView[] {
    const pool = this.#conveyors.items;
    const out: ItemView[] = [];
    for (let c = 0; c < this.#laneIds.length; c++) {
      for (let k = 0; k < pool.count[c]!; k++) {
        const s = pool.at(c, k);
        const q = pool.quality[s];
        out.push({
          conveyor: this.#laneIds[c]!,
          front: pool.frontOf(c, s),
          length: pool.length[s]!,
          height: pool.height[s]!,
          className: this.#classNames[pool.cls[s]!] ?? '',
          temperature: pool.temp[s]!,
          dwell: pool.dwell[s]!,
          coating: pool.coat[s]!,
          heatInput: pool.heat[s]!,
          quality: q === QUALITY_GOOD ? 'good' : q === QUALITY_REJECT ? 'reject' : 'unknown',
        });
      }
    }
    return out;
  }
}

/** to[toIdx[i]] = from[fromIdx[i]] for every i. */
function copy(from: Float64Array, fromIdx: Int32Array, to: Float64Array, toIdx: Int32Array): void {
  for (let i = 0; i < fromIdx.length; i++) to[toIdx[i]!] = from[fromIdx[i]!]!;
}
