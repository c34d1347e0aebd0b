// The physics model of a line: the line-file types, its signal catalog, the cross-reference
// checks that run after schema validation, and the Model that composes one struct-of-arrays
// group per component type and steps them in a fixed order. See docs/physics.md.

import type { SignalDef } from '../core/signals.ts';
import { TwinloopError } from '../core/errors.ts';
import type { BuildContext, CheckContext, FieldSpec, Placed, ReferenceIssue } from './component.ts';
import { readNumber, signalId } from './component.ts';
import { COMPONENT_TYPES, LINE_PREFIX, LINE_SIGNALS, componentType, typeNames } from './catalog.ts';
import { Bins } from './bin.ts';
import { Classifiers } from './classifier.ts';
import { Conveyors } from './conveyor.ts';
import { Drives } from './drive.ts';
import { Photoeyes } from './photoeye.ts';
import { Pushers } from './pusher.ts';
import { Sources, classesOf, sourceType } from './source.ts';
import { ItemMimic, itemSignals } from './item-mimic.ts';

/** Where a component is drawn: line-file units (px at the line's layout scale), degrees. */
export interface LayoutSpec {
  x: number;
  y: number;
  rotation?: number;
  w?: number;
  h?: number;
}

/** One component of a line file; its parameters sit flat beside id and type. */
export interface ComponentConfig {
  id: string;
  type: string;
  layout?: LayoutSpec;
  [param: string]: unknown;
}

/** A line file, as parsed from YAML and validated against physics/line.schema.json. */
export interface LineFile {
  name: string;
  /** Fixed step, s; default 0.001. */
  dt?: number;
  /** Seed of all random streams; default 0. */
  seed?: number;
  /** Drawing scale, px per m. */
  layout?: { scale?: number };
  components: ComponentConfig[];
}

/** An item as {@link Model.inspectItems} reports it. */
export interface ItemView {
  /** Id of the conveyor the item's front is on. */
  conveyor: string;
  /** Front position, m from that conveyor's start. */
  front: number;
  /** m */
  length: number;
  /** m */
  height: number;
  className: string;
}

/** Default fixed step, s. */
export const DEFAULT_DT = 0.001;

function toDef(prefix: string, f: FieldSpec): SignalDef {
  return { name: `${prefix}.${f.field}`, type: f.type, kind: f.kind, unit: f.unit, description: f.description };
}

/**
 * Signal catalog of a line, deterministic order (line-level signals first, then components in
 * file order, each in its type's field order).
 * @throws TwinloopError CFG_INVALID for a component of unknown type.
 */
export function lineSignals(line: LineFile): SignalDef[] {
  const defs = LINE_SIGNALS.map((f) => toDef(LINE_PREFIX, f));
  line.components.forEach((cfg, i) => {
    const type = componentType(cfg.type);
    if (type === undefined) {
      throw new TwinloopError('CFG_INVALID', `components[${i}].type: unknown component type ${cfg.type}; known: ${typeNames().join(', ')}`);
    }
    for (const f of type.signals) defs.push(toDef(cfg.id, f));
  });
  // Item slots last: they are written only at publish time, outside the components' blocks.
  for (const d of itemSignals(line)) defs.push(d);
  return defs;
}

/** Class names produced by the sources of a line, first appearance first. */
function classNamesOf(components: readonly ComponentConfig[]): string[] {
  const names: string[] = [];
  for (const cfg of components) {
    if (cfg.type !== 'source') continue;
    for (const c of classesOf(cfg)) if (!names.includes(c.name)) names.push(c.name);
  }
  return names;
}

/**
 * Cross-reference checks after schema validation: path like 'components[3].drive', message like
 * 'refers to unknown component m9; known drives: m1, m2'. Empty when fine. Never throws, even on
 * a file that failed the schema.
 */
export function checkReferences(line: LineFile): { path: string; message: string }[] {
  const out: ReferenceIssue[] = [];
  const comps: unknown[] = Array.isArray(line.components) ? line.components : [];
  const valid: { cfg: ComponentConfig; index: number }[] = [];
  comps.forEach((c, index) => {
    if (typeof c === 'object' && c !== null && typeof (c as ComponentConfig).id === 'string' && typeof (c as ComponentConfig).type === 'string') {
      valid.push({ cfg: c as ComponentConfig, index });
    }
  });
  const byId = new Map<string, { cfg: ComponentConfig; index: number }>();
  for (const v of valid) {
    const path = `components[${v.index}].id`;
    if (v.cfg.id === LINE_PREFIX) out.push({ path, message: `id ${LINE_PREFIX} is reserved for the line-level signals` });
    const first = byId.get(v.cfg.id);
    if (first !== undefined) out.push({ path, message: `duplicate id ${v.cfg.id}; first used by components[${first.index}]` });
    else byId.set(v.cfg.id, v);
  }
  const known = (targets: readonly string[]): string =>
    targets
      .map((t) => {
        const ids = valid.filter((v) => v.cfg.type === t).map((v) => v.cfg.id);
        return `known ${t}s: ${ids.length > 0 ? ids.join(', ') : 'none'}`;
      })
      .join('; ');
  const ctx: CheckContext = { byId: (id) => byId.get(id)?.cfg, classNames: classNamesOf(valid.map((v) => v.cfg)) };
  for (const { cfg, index } of valid) {
    const path = `components[${index}]`;
    const type = componentType(cfg.type);
    if (type === undefined) {
      out.push({ path: `${path}.type`, message: `unknown component type ${cfg.type}; known: ${typeNames().join(', ')}` });
      continue;
    }
    for (const [name, spec] of Object.entries(type.params)) {
      if (spec.kind !== 'ref') continue;
      const ref = cfg[name];
      const where = `${path}.${name}`;
      const expected = spec.targets.join(' or ');
      if (ref === undefined) {
        if (spec.optional !== true) out.push({ path: where, message: `is required: the id of a ${expected}; ${known(spec.targets)}` });
        continue;
      }
      if (typeof ref !== 'string') {
        out.push({ path: where, message: `must be the id of a ${expected}` });
        continue;
      }
      const target = byId.get(ref);
      if (target === undefined) {
        out.push({ path: where, message: `refers to unknown component ${ref}; ${known(spec.targets)}` });
      } else if (!spec.targets.includes(target.cfg.type)) {
        out.push({ path: where, message: `refers to ${ref}, which is a ${target.cfg.type}; expected a ${expected}; ${known(spec.targets)}` });
      }
    }
    type.check?.(cfg, path, ctx, out);
  }
  return out;
}

/**
 * The physics of one line. Build resolves every name to an integer signal id once; step() then
 * only indexes typed arrays and allocates nothing.
 *
 * Step order (fixed): drives -> conveyors (downstream first: move, accumulate, hand over,
 * deliver) -> sources -> pushers -> photo-eyes -> classifiers -> line totals. Item counts are
 * written the moment they change; drives see the counts as they stood at the end of the step before.
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
  readonly #conveyorIds: readonly string[];
  readonly #classNames: readonly string[];
  readonly #lineSig: Int32Array;
  readonly #dtHours: number;
  readonly #itemView: ItemMimic;
  #tick = 0;
  #energy = 0;

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
    for (const n of [LINE_SIGNALS.length, ...line.components.map((c) => componentType(c.type)!.signals.length)]) {
      for (let j = 1; j < n; j++) if (ids[k + j] !== ids[k]! + j) inPlace = false;
      k += n;
    }
    const work = inPlace ? values : new Float64Array(defs.length);
    this.#work = work;
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
    const classNames = classNamesOf(line.components);
    this.#classNames = classNames;
    const ctx: BuildContext = {
      dt,
      signal: (id, field) => {
        const i = catalog.get(`${id}.${field}`);
        if (i === undefined) throw new TwinloopError('MODEL_BUILD', `no signal ${id}.${field} in the catalog of line ${line.name}`);
        return inPlace ? ids[i]! : i;
      },
      typeOf: (id) => typeOf.get(id),
      indexOf: (id) => index.get(id) ?? -1,
      of: (type) => groups.get(type) ?? [],
      classIndex: (name) => classNames.indexOf(name),
    };
    let minItemLength = Infinity;
    for (const { cfg, path } of ctx.of('source')) {
      minItemLength = Math.min(minItemLength, readNumber(cfg, sourceType, 'itemLength', path));
    }
    this.#bins = new Bins(ctx, work);
    this.#drives = new Drives(ctx);
    this.#conveyors = new Conveyors(ctx, this.#bins, minItemLength, work);
    this.#conveyorIds = ctx.of('conveyor').map((p) => p.cfg.id);
    const pool = this.#conveyors.items;
    this.#sources = new Sources(ctx, pool, this.seed);
    this.#pushers = new Pushers(ctx, pool, this.#bins);
    this.#photoeyes = new Photoeyes(ctx, pool);
    this.#classifiers = new Classifiers(ctx, pool);
    this.#lineSig = Int32Array.from(LINE_SIGNALS.map((f) => ctx.signal(LINE_PREFIX, f.field)));
    this.#itemView = new ItemMimic(line, ctx.of('conveyor').map((p) => p.cfg), pool, (name) => signalId(resolve, values, name));
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

  /** Advance one dt: read actuators from values[], move items, write sensors and state to values[]. */
  step(): void {
    const v = this.#work;
    if (v !== this.#values) copy(this.#values, this.#inId, v, this.#inCat);
    this.#drives.step(v);
    this.#conveyors.step(v);
    this.#tick++;
    this.#sources.step(v, this.#tick);
    this.#pushers.step(v);
    this.#photoeyes.step(v);
    this.#classifiers.step(v);
    const power = this.#drives.totalPower[0]!;
    this.#energy += power * this.#dtHours;
    const line = this.#lineSig;
    v[line[0]!] = power;
    v[line[1]!] = this.#energy;
    v[line[2]!] = this.#conveyors.items.aliveCount;
    v[line[3]!] = this.#sources.total;
    if (v !== this.#values) copy(v, this.#outCat, this.#values, this.#outId);
  }

  /**
   * Back to the initial state, re-seeded: the same actuator trace gives the identical trace
   * again. Writes every signal of the line, actuators included (to 0, the state a controller
   * starts from), so a command left over from before the reset cannot leak into the new run.
   */
  reset(): void {
    const v = this.#work;
    this.#tick = 0;
    this.#energy = 0;
    this.#drives.reset(v);
    this.#conveyors.reset(v);
    this.#sources.reset(v);
    this.#pushers.reset(v);
    this.#bins.reset(v);
    this.#photoeyes.reset(v);
    this.#classifiers.reset(v);
    for (const id of this.#lineSig) v[id] = 0;
    if (v !== this.#values) {
      copy(v, this.#outCat, this.#values, this.#outId);
      copy(v, this.#inCat, this.#values, this.#inId);
    }
  }

  /**
   * Write the item slots' mimic positions (`items.<k>.*`) into values[]. The engine calls it
   * before publishing, not every step: the mimic needs positions at most at frame rate.
   */
  updateItemView(): void {
    this.#itemView.write(this.#values);
  }

  /** Every item on the line, conveyors in file order, front-most first. Allocates: not for the step loop. */
  inspectItems(): ItemView[] {
    const pool = this.#conveyors.items;
    const out: ItemView[] = [];
    for (let c = 0; c < this.#conveyorIds.length; c++) {
      for (let k = 0; k < pool.count[c]!; k++) {
        const s = pool.at(c, k);
        out.push({
          conveyor: this.#conveyorIds[c]!,
          front: pool.front[s]!,
          length: pool.length[s]!,
          height: pool.height[s]!,
          className: this.#classNames[pool.cls[s]!] ?? '',
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
