// The line file: its types, its signal catalog (lineSignals) and the cross-reference checks
// that run after schema validation (checkReferences), including the `faults:` list. The Model
// (model.ts) builds on these; model.ts re-exports them, so importers keep one entry point.

import type { SignalDef } from '../core/signals.ts';
import type { CheckContext, FieldSpec, ReferenceIssue } from './component.ts';
import { LINE_PREFIX, LINE_SIGNALS, componentType, typeNames } from './catalog.ts';
import { TwinloopError } from '../core/errors.ts';
import { classesOf } from './source.ts';
import { itemSignals } from './item-mimic.ts';
import type { LineFault } from './fault-spec.ts';
import { COMPONENT_FAULT_KINDS, COMPONENT_FAULT_TARGET, SIGNAL_FAULT_KINDS } from './fault-spec.ts';
import { processPeriodIssue } from './time-slice.ts';
import { checkLineProducts, type LineProduct } from './line-products.ts';

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
  /** Step period of the process parts (tanks, pumps, valves, compressors, furnaces, quality gates, transmitters), s: a whole number of dt; default dt (time-slice.ts). */
  processPeriod?: number;
  /** The built-in controller program this line is made for (used when no plant file or --program says otherwise). */
  program?: string;
  /** Binding of an ST program's I/O: signal name -> program variable (`pe1.blocked: SORTING.pe1`). */
  io?: Record<string, string>;
  /** Drawing scale, px per m. */
  layout?: { scale?: number };
  components: ComponentConfig[];
  /** Faults present from the start (`at` absent or 0) or injected at simulated time `at` (s). */
  faults?: LineFault[];
  /** Product variants (line-products.ts): what a production plan runs on this line. */
  products?: LineProduct[];
}

/** Default fixed step, s. */
export const DEFAULT_DT = 0.001;

function toDef(prefix: string, f: FieldSpec): SignalDef {
  return { name: `${prefix}.${f.field}`, type: f.type, kind: f.kind, unit: f.unit, description: f.description };
}

/**
 * The components in the order their signals sit in the catalog: grouped by type, in the
 * catalog's type order (drives, conveyors, sources, photo-eyes, ...: COMPONENT_TYPES), file order
 * within a type. Each type steps in one loop, so its signals then lie in one block of the
 * table and a step walks them in order instead of touching one cache line per component across
 * the whole table: on a 100k-component plant line cylinders, encoders and limit switches stepped
 * 2-2.5x faster (docs/physics.md, "Performance").
 * @throws TwinloopError CFG_INVALID for a component of unknown type.
 */
export function catalogOrder(components: readonly ComponentConfig[]): { cfg: ComponentConfig; index: number }[] {
  const rank = new Map(typeNames().map((t, i) => [t, i]));
  const out = components.map((cfg, index) => {
    if (componentType(cfg.type) === undefined) {
      throw new TwinloopError('CFG_INVALID', `components[${index}].type: unknown component type ${cfg.type}; known: ${typeNames().join(', ')}`);
    }
    return { cfg, index };
  });
  return out.sort((a, b) => rank.get(a.cfg.type)! - rank.get(b.cfg.type)! || a.index - b.index);
}

/**
 * Signal catalog of a line, deterministic order: line-level signals first, then the components
 * in catalogOrder (by type, file order within a type), each in its type's field order, then
 * the item slots of the mimic.
 * @throws TwinloopError CFG_INVALID for a component of unknown type.
 */
export function lineSignals(line: LineFile): SignalDef[] {
  const defs = LINE_SIGNALS.map((f) => toDef(LINE_PREFIX, f));
  for (const { cfg } of catalogOrder(line.components)) {
    for (const f of componentType(cfg.type)!.signals) defs.push(toDef(cfg.id, f));
  }
  // Item slots last: they are written only at publish time, outside the components' blocks.
  for (const d of itemSignals(line)) defs.push(d);
  return defs;
}

/** Class names produced by the sources of a line, first appearance first. */
export function classNamesOf(components: readonly ComponentConfig[]): string[] {
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
  // Lists the ids of each target type; types the line does not use are left out (unless none is used).
  const known = (targets: readonly string[]): string => {
    const lists = targets.map((t) => ({ t, ids: valid.filter((v) => v.cfg.type === t).map((v) => v.cfg.id) }));
    const used = lists.filter((l) => l.ids.length > 0);
    return (used.length > 0 ? used : lists).map((l) => `known ${l.t}s: ${l.ids.length > 0 ? l.ids.join(', ') : 'none'}`).join('; ');
  };
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
  checkLineFaults(line, byId, out);
  checkLineProducts(line.products, valid, () => {
    try {
      return new Set(lineSignals(line).map((d) => d.name));
    } catch {
      return undefined; // an unknown component type is reported above
    }
  }, out);
  const dt = typeof line.dt === 'number' && line.dt > 0 ? line.dt : DEFAULT_DT;
  const period = processPeriodIssue(dt, line.processPeriod);
  if (period !== undefined) out.push({ path: 'processPeriod', message: period });
  return out;
}

/** Cross-checks of the line file's `faults:` list: the signal or component exists and the kind applies. */
function checkLineFaults(line: LineFile, byId: ReadonlyMap<string, { cfg: ComponentConfig }>, out: ReferenceIssue[]): void {
  const faults: unknown = line.faults;
  if (!Array.isArray(faults) || faults.length === 0) return;
  let names: Set<string> | undefined;
  faults.forEach((f: unknown, i) => {
    if (typeof f !== 'object' || f === null) return;
    const r = f as Record<string, unknown>;
    const path = `faults[${i}]`;
    if (typeof r['signal'] === 'string') {
      try {
        names ??= new Set(lineSignals(line).map((d) => d.name));
      } catch {
        return; // an unknown component type is reported above
      }
      if (!names.has(r['signal'])) out.push({ path: `${path}.signal`, message: `names unknown signal ${r['signal']}` });
      if (!(SIGNAL_FAULT_KINDS as readonly unknown[]).includes(r['kind'])) out.push({ path: `${path}.kind`, message: `must be one of ${SIGNAL_FAULT_KINDS.join(', ')} for a signal fault` });
    } else if (typeof r['component'] === 'string') {
      const target = byId.get(r['component']);
      const kind = r['kind'];
      if (target === undefined) out.push({ path: `${path}.component`, message: `refers to unknown component ${r['component']}` });
      else if ((COMPONENT_FAULT_KINDS as readonly unknown[]).includes(kind)) {
        const want = COMPONENT_FAULT_TARGET[kind as keyof typeof COMPONENT_FAULT_TARGET];
        if (!want.includes(target.cfg.type)) out.push({ path: `${path}.kind`, message: `${String(kind)} applies to a ${want.join(' or ')}; ${r['component']} is a ${target.cfg.type}` });
      } else out.push({ path: `${path}.kind`, message: `must be one of ${COMPONENT_FAULT_KINDS.join(', ')} for a component fault` });
    }
  });
}
