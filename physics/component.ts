// What a component type declares about itself (parameters, signals, references) and the
// build-time helpers that read a component's parameters with their defaults. The catalog, the
// published schema, lineSignals() and checkReferences() are all derived from these
// declarations, so a parameter or signal is described in exactly one place.

import type { SignalKind, SignalType } from '../core/signals.ts';
import { TwinloopError } from '../core/errors.ts';
import type { ComponentConfig } from './model.ts';
import type { Kernel, KernelEnv, KernelSlot } from './kernel.ts';

/** A numeric parameter: unit, default and bounds, as published in the schema. */
export interface NumberParam {
  readonly kind: 'number';
  readonly unit: string;
  readonly description: string;
  /** Absent: required, unless `defaultText` explains a derived default. */
  readonly default?: number;
  /** A default that depends on other parameters, in words (e.g. "ratedFrequency"). */
  readonly defaultText?: string;
  readonly minimum?: number;
  readonly exclusiveMinimum?: number;
  readonly maximum?: number;
  /** Whole numbers only (published as JSON Schema `integer`). */
  readonly integer?: boolean;
}

/** A reference to another component by id. */
export interface RefParam {
  readonly kind: 'ref';
  readonly targets: readonly string[];
  readonly optional?: boolean;
  readonly description: string;
}

/** A free-form string parameter (e.g. a class name). */
export interface StringParam {
  readonly kind: 'string';
  readonly optional?: boolean;
  readonly description: string;
  /** When given, the only values allowed; the first is the default when optional. */
  readonly enum?: readonly string[];
}

/** The item classes a source draws from. */
export interface ClassesParam {
  readonly kind: 'classes';
  readonly description: string;
}

export type ParamSpec = NumberParam | RefParam | StringParam | ClassesParam;

/** One signal of a component, published as `<id>.<field>`. */
export interface FieldSpec {
  readonly field: string;
  readonly type: SignalType;
  readonly kind: SignalKind;
  readonly unit: string;
  readonly description: string;
}

/** One problem found by checkReferences: where in the file, and what is wrong. */
export interface ReferenceIssue {
  path: string;
  message: string;
}

/** What a type's own cross-checks may look up about the rest of the line. */
export interface CheckContext {
  /** The config of a component by id, if any. */
  byId(id: string): ComponentConfig | undefined;
  /** Class names produced by any source, in file order. */
  readonly classNames: readonly string[];
}

/** Everything the catalog knows about one component type. */
export interface ComponentType {
  readonly type: string;
  readonly description: string;
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** Signals in catalog order; the order is part of the published catalog. */
  readonly signals: readonly FieldSpec[];
  /** Checks beyond the schema and the generic reference checks (ranges against other components). */
  check?(cfg: ComponentConfig, path: string, ctx: CheckContext, out: ReferenceIssue[]): void;
}

/**
 * Read a numeric parameter, applying its declared default and bounds. Build time only.
 * @throws TwinloopError MODEL_BUILD when the value is missing, not a finite number or out of bounds.
 */
export function readNumber(cfg: ComponentConfig, type: ComponentType, name: string, path: string, fallback?: number): number {
  const spec = type.params[name];
  if (spec === undefined || spec.kind !== 'number') {
    throw new TwinloopError('MODEL_BUILD', `${type.type} has no numeric parameter ${name}`);
  }
  const raw = cfg[name];
  const v = raw === undefined ? (fallback ?? spec.default) : raw;
  const where = `${path}.${name}`;
  if (v === undefined) throw new TwinloopError('MODEL_BUILD', `${where} is required (${spec.unit || 'number'})`);
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new TwinloopError('MODEL_BUILD', `${where} must be a finite number, got ${JSON.stringify(v)}`);
  }
  if (spec.exclusiveMinimum !== undefined && !(v > spec.exclusiveMinimum)) {
    throw new TwinloopError('MODEL_BUILD', `${where} must be > ${spec.exclusiveMinimum}, got ${v}`);
  }
  if (spec.minimum !== undefined && v < spec.minimum) {
    throw new TwinloopError('MODEL_BUILD', `${where} must be >= ${spec.minimum}, got ${v}`);
  }
  if (spec.maximum !== undefined && v > spec.maximum) {
    throw new TwinloopError('MODEL_BUILD', `${where} must be <= ${spec.maximum}, got ${v}`);
  }
  if (spec.integer === true && !Number.isInteger(v)) {
    throw new TwinloopError('MODEL_BUILD', `${where} must be a whole number, got ${v}`);
  }
  return v;
}

/** Read a string parameter with an enum, defaulting to its first value. Build time only. */
export function readChoice(cfg: ComponentConfig, type: ComponentType, name: string, path: string): string {
  const spec = type.params[name];
  if (spec === undefined || spec.kind !== 'string' || spec.enum === undefined) {
    throw new TwinloopError('MODEL_BUILD', `${type.type} has no choice parameter ${name}`);
  }
  const v = cfg[name] ?? spec.enum[0];
  if (typeof v !== 'string' || !spec.enum.includes(v)) {
    throw new TwinloopError('MODEL_BUILD', `${path}.${name} must be one of ${spec.enum.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** A number parameter for cross-checks, which must not throw: the default when absent or malformed. */
export function numberOr(cfg: ComponentConfig, name: string, fallback: number): number {
  const v = cfg[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** A string parameter, or undefined when absent or not a string. */
export function stringOf(cfg: ComponentConfig, name: string): string | undefined {
  const v = cfg[name];
  return typeof v === 'string' ? v : undefined;
}

/** The length of the conveyor a sensor/actuator sits on, for range checks; undefined if unknown. */
export function conveyorLength(ctx: CheckContext, id: string | undefined): number | undefined {
  if (id === undefined) return undefined;
  const c = ctx.byId(id);
  if (c === undefined || c.type !== 'conveyor') return undefined;
  const len = c['length'];
  return typeof len === 'number' ? len : undefined;
}

/** Shared check: a `position` along a conveyor lies on it. */
export function checkPositionOnConveyor(cfg: ComponentConfig, path: string, ctx: CheckContext, out: ReferenceIssue[]): void {
  const conv = stringOf(cfg, 'conveyor');
  const len = conveyorLength(ctx, conv);
  const pos = cfg['position'];
  if (len !== undefined && typeof pos === 'number' && pos > len) {
    out.push({ path: `${path}.position`, message: `is ${pos} m, beyond the end of conveyor ${conv} (length ${len} m)` });
  }
}

/** Resolves signal names of one component to ids; build time only. */
export function signalId(resolve: (name: string) => number, values: Float64Array, name: string): number {
  const id = resolve(name);
  if (!Number.isInteger(id) || id < 0 || id >= values.length) {
    throw new TwinloopError('MODEL_BUILD', `signal ${name} resolved to id ${id}, outside the value array (length ${values.length})`);
  }
  return id;
}

/** A component config with its path in the line file, for error messages. */
export interface Placed {
  readonly cfg: ComponentConfig;
  readonly path: string;
}

/** What a component type's builder may ask of the line being built. Build time only. */
export interface BuildContext {
  /** Fixed step, s. */
  readonly dt: number;
  /** Physics steps per process time slice (time-slice.ts); 1 = the process parts step every dt. */
  readonly processTicks: number;
  /** Signal id of `<id>.<field>`. */
  signal(id: string, field: string): number;
  /** Type of the component with this id, if any. */
  typeOf(id: string): string | undefined;
  /** Position of a component among those of its type, in file order; -1 if absent. */
  indexOf(id: string): number;
  /** The components of one type, in file order. */
  of(type: string): readonly Placed[];
  /** Global index of an item class name; -1 if no source produces it. */
  classIndex(name: string): number;
  /** Lane of the item pool held by this component (conveyor, roller conveyor, station); -1 if none (lanes.ts). */
  lane(id: string): number;
  /** The array the components step on (the model's work array): step kernels are compiled for it (kernel.ts). */
  readonly values: Float64Array;
  /** Register a type's step kernel with the model (kernel.ts): shared code first, the model's own copy once it has done enough work. */
  kernel<C extends unknown[]>(kernel: Kernel, env: KernelEnv, ...args: unknown[]): KernelSlot<C>;
}

/**
 * Column `col` (n long) of a column-major buffer, as its own typed array view: one field of a
 * struct-of-arrays. A component type keeps all its fields of one element type in one buffer
 * so the step loop touches one typed array, not one per field: V8 reloads each typed array's
 * header on every iteration, and 16 separate arrays measured 3.3x slower than 16 columns of
 * one (bench notes in docs/physics.md). Build and reset code use these views; step loops index
 * the buffer at `col * n + i`.
 */
export function column<T extends Float64Array | Int32Array>(buf: T, col: number, n: number): T {
  return buf.subarray(col * n, (col + 1) * n) as T;
}
