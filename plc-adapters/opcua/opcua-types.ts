// Mapping between twinloop's tag types and OPC UA built-in data types, and StatusCode ->
// quality. Pure functions, so the type rules are tested without a server. No runtime import of
// node-opcua here: the adapter module is loaded by every engine (via the factory map), and
// node-opcua takes ~2 s to load, so it is imported only when an OPC UA controller connects.
// The value codec (DataValue -> number, number -> Variant) is in opcua-values.ts.

import type { StatusCode } from 'node-opcua';
import type { SignalType } from '../../core/signals.ts';

/** OPC UA built-in type ids (Part 6, ns=0 i=1..13); same numbers as node-opcua's DataType. */
export const DataType = {
  Boolean: 1,
  SByte: 2,
  Byte: 3,
  Int16: 4,
  UInt16: 5,
  Int32: 6,
  UInt32: 7,
  Int64: 8,
  UInt64: 9,
  Float: 10,
  Double: 11,
  String: 12,
  DateTime: 13,
} as const;
export type DataType = (typeof DataType)[keyof typeof DataType];
const NAMES: readonly string[] = ['', 'Boolean', 'SByte', 'Byte', 'Int16', 'UInt16', 'Int32', 'UInt32', 'Int64', 'UInt64', 'Float', 'Double', 'String', 'DateTime'];

/** Attribute ids used here (Part 6). */
export const AttributeId = { BrowseName: 3, Value: 13, DataType: 14, ValueRank: 15, AccessLevel: 17 } as const;

/** ns=0 DataType ids that are not built-ins but resolve to one without asking the server. */
export const WELL_KNOWN_SUBTYPES: Readonly<Record<number, { readonly name: string; readonly builtIn: DataType }>> = {
  290: { name: 'Duration', builtIn: DataType.Double },
  294: { name: 'UtcTime', builtIn: DataType.DateTime },
  // Enumeration: every enumeration travels as Int32 (Part 6, 5.1.5).
  29: { name: 'Enumeration', builtIn: DataType.Int32 },
  // IntegerId, Counter, Index: UInt32 subtypes PLCs use for counters.
  288: { name: 'IntegerId', builtIn: DataType.UInt32 },
  289: { name: 'Counter', builtIn: DataType.UInt32 },
  17588: { name: 'Index', builtIn: DataType.UInt32 },
};
/** The ns=0 Enumeration DataType: a supertype chain that reaches it is an enumeration (Int32). */
export const ENUMERATION_ID = 29;

/**
 * A node's data type as the adapter works with it: the built-in type the value travels as, and
 * the name the server gives the type (`Duration`, `MotorMode`, or the built-in's own name).
 */
export interface ResolvedType {
  readonly builtIn: DataType;
  readonly name: string;
}

/** OPC UA built-in types a tag of each twinloop type may have on the server. */
const ACCEPTED: Readonly<Record<SignalType, readonly DataType[]>> = {
  bool: [DataType.Boolean],
  // A String node carries a number as text (gateways do this); an enumeration travels as Int32.
  int: [DataType.SByte, DataType.Byte, DataType.Int16, DataType.UInt16, DataType.Int32, DataType.UInt32, DataType.Int64, DataType.UInt64, DataType.String],
  // DateTime / UtcTime as milliseconds since 1970-01-01 UTC.
  real: [DataType.Float, DataType.Double, DataType.DateTime, DataType.String],
};

/** Name of a built-in data type as OPC UA spells it (`Int32`), for messages and plcType. */
export function dataTypeName(t: DataType): string {
  return NAMES[t] ?? `DataType(${t})`;
}

/** The twinloop type a browsed variable of this built-in type gets. */
export function signalTypeOf(t: DataType): SignalType {
  if (t === DataType.Boolean) return 'bool';
  return t === DataType.Float || t === DataType.Double || t === DataType.DateTime ? 'real' : 'int';
}

/**
 * The built-in type of a DataType attribute value (a NodeId) when it is one of the built-ins
 * twinloop maps, or a well-known ns=0 subtype of one; undefined otherwise (the adapter then asks
 * the server for the type's supertypes).
 */
export function builtInOf(dataTypeNodeId: { namespace: number; value: unknown }): ResolvedType | undefined {
  if (dataTypeNodeId.namespace !== 0 || typeof dataTypeNodeId.value !== 'number') return undefined;
  const id = dataTypeNodeId.value;
  if (id >= DataType.Boolean && id <= DataType.DateTime) return { builtIn: id as DataType, name: NAMES[id]! };
  return WELL_KNOWN_SUBTYPES[id];
}

/**
 * Why a server type does not fit a tag, or undefined when it fits. `plcType`, when the plant
 * file gives one, must match the server's type name or its built-in (e.g. `Int16`, `Duration`).
 */
export function typeMismatch(type: SignalType, server: ResolvedType | undefined, plcType?: string): string | undefined {
  if (server === undefined) return `has a DataType that is not a built-in scalar, an enumeration or a subtype of one; twinloop type ${type} needs ${ACCEPTED[type].map(dataTypeName).join(' | ')}`;
  const shown = server.name === dataTypeName(server.builtIn) ? server.name : `${server.name} (${dataTypeName(server.builtIn)})`;
  if (plcType !== undefined && server.name !== plcType && dataTypeName(server.builtIn) !== plcType) return `is ${shown} on the server, tag map says plcType ${plcType}`;
  if (!ACCEPTED[type].includes(server.builtIn)) return `is ${shown} on the server, tag map says ${type} (${ACCEPTED[type].map(dataTypeName).join(' | ')})`;
  return undefined;
}

/** 0 good, 1 uncertain, 2 bad: the signal table's quality from an OPC UA StatusCode. */
export function qualityOf(status: StatusCode): number {
  if (status.isGood()) return 0;
  return status.isBad() ? 2 : 1;
}

/** Largest integer a twinloop signal (a double) holds exactly: 2^53 - 1. */
export const EXACT_INT = Number.MAX_SAFE_INTEGER;

// Integer ranges a value written to a node of this type must fall in. 64-bit types are capped
// at +-(2^53 - 1): a signal is a double, and a value beyond that would be written rounded.
const INT_RANGE: Readonly<Partial<Record<DataType, readonly [number, number]>>> = {
  [DataType.SByte]: [-128, 127],
  [DataType.Byte]: [0, 255],
  [DataType.Int16]: [-32768, 32767],
  [DataType.UInt16]: [0, 65535],
  [DataType.Int32]: [-2147483648, 2147483647],
  [DataType.UInt32]: [0, 4294967295],
  [DataType.Int64]: [-EXACT_INT, EXACT_INT],
  [DataType.UInt64]: [0, EXACT_INT],
};

/**
 * Whether a value can be written to a node of this built-in type: integers must be finite and in
 * range once rounded (the adapter hands node-opcua prebuilt Variants, which it does not re-check;
 * an out-of-range value would fail inside the encoder instead of being refused with the tag's name).
 */
export function fitsType(t: DataType, v: number): boolean {
  const r = INT_RANGE[t];
  if (!r) return t !== DataType.DateTime || Number.isFinite(v);
  const x = Math.round(v);
  return x >= r[0] && x <= r[1];
}
