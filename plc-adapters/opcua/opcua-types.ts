// Mapping between twinloop's tag types and OPC UA built-in data types, and StatusCode ->
// quality. Pure functions, so the type rules are tested without a server. No runtime import of
// node-opcua here: the adapter module is loaded by every engine (via the factory map), and
// node-opcua takes ~2 s to load, so it is imported only when an OPC UA controller connects.

import type { StatusCode } from 'node-opcua';
import type { SignalType } from '../../core/signals.ts';

/** OPC UA built-in type ids (Part 6, ns=0 i=1..11); same numbers as node-opcua's DataType. */
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
} as const;
export type DataType = (typeof DataType)[keyof typeof DataType];
const NAMES: readonly string[] = ['', 'Boolean', 'SByte', 'Byte', 'Int16', 'UInt16', 'Int32', 'UInt32', 'Int64', 'UInt64', 'Float', 'Double'];

/** Attribute ids used here (Part 6). */
export const AttributeId = { Value: 13, DataType: 14 } as const;

/** OPC UA built-in types a tag of each twinloop type may have on the server (ns=0 ids 1..11). */
const ACCEPTED: Readonly<Record<SignalType, readonly DataType[]>> = {
  bool: [DataType.Boolean],
  int: [DataType.SByte, DataType.Byte, DataType.Int16, DataType.UInt16, DataType.Int32, DataType.UInt32, DataType.Int64, DataType.UInt64],
  real: [DataType.Float, DataType.Double],
};

/** Name of a built-in data type as OPC UA spells it (`Int32`), for messages and plcType. */
export function dataTypeName(t: DataType): string {
  return NAMES[t] ?? `DataType(${t})`;
}

/**
 * The built-in type of a DataType attribute value (a NodeId), or undefined for a structure,
 * an enumeration or any type outside namespace 0's built-ins.
 */
export function builtInOf(dataTypeNodeId: { namespace: number; value: unknown }): DataType | undefined {
  if (dataTypeNodeId.namespace !== 0 || typeof dataTypeNodeId.value !== 'number') return undefined;
  const id = dataTypeNodeId.value;
  return id >= DataType.Boolean && id <= DataType.Double ? (id as DataType) : undefined;
}

/**
 * Why a server type does not fit a tag, or undefined when it fits. `plcType`, when the plant
 * file gives one, must match exactly (e.g. `Int16`); otherwise the twinloop type's family must.
 */
export function typeMismatch(type: SignalType, serverType: DataType | undefined, plcType?: string): string | undefined {
  if (serverType === undefined) return `has a DataType that is not a built-in scalar; twinloop type ${type} needs ${ACCEPTED[type].map(dataTypeName).join(' | ')}`;
  if (plcType !== undefined && dataTypeName(serverType) !== plcType) return `is ${dataTypeName(serverType)} on the server, tag map says plcType ${plcType}`;
  if (!ACCEPTED[type].includes(serverType)) return `is ${dataTypeName(serverType)} on the server, tag map says ${type} (${ACCEPTED[type].map(dataTypeName).join(' | ')})`;
  return undefined;
}

/** 0 good, 1 uncertain, 2 bad: the signal table's quality from an OPC UA StatusCode. */
export function qualityOf(status: StatusCode): number {
  if (status.isGood()) return 0;
  return status.isBad() ? 2 : 1;
}

/** A DataValue's value as a number (booleans 0/1; 64-bit integers come as [hi, lo]). */
export function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (Array.isArray(value) && value.length === 2) return (value[0] as number) * 4294967296 + (value[1] as number);
  return Number.NaN;
}

/** The JS value node-opcua encodes for a tag of this built-in type. */
export function encodeValue(t: DataType, v: number): number | boolean | number[] {
  switch (t) {
    case DataType.Boolean:
      return v !== 0;
    case DataType.Float:
    case DataType.Double:
      return v;
    case DataType.Int64:
    case DataType.UInt64: {
      const x = Math.round(v);
      return [Math.floor(x / 4294967296), x >>> 0];
    }
    default:
      return Math.round(v);
  }
}

// Integer ranges node-opcua's encoder accepts (Int64/UInt64 are checked as doubles).
const INT_RANGE: Readonly<Partial<Record<DataType, readonly [number, number]>>> = {
  [DataType.SByte]: [-128, 127],
  [DataType.Byte]: [0, 255],
  [DataType.Int16]: [-32768, 32767],
  [DataType.UInt16]: [0, 65535],
  [DataType.Int32]: [-2147483648, 2147483647],
  [DataType.UInt32]: [0, 4294967295],
  [DataType.Int64]: [-9223372036854775808, 9223372036854775807],
  [DataType.UInt64]: [0, 18446744073709551615],
};

/**
 * Whether a value can be written to a node of this built-in type: integers must be finite and in
 * range once rounded (the adapter hands node-opcua prebuilt Variants, which it does not re-check;
 * an out-of-range value would fail inside the encoder instead of being refused with the tag's name).
 */
export function fitsType(t: DataType, v: number): boolean {
  const r = INT_RANGE[t];
  if (!r) return true;
  const x = Math.round(v);
  return x >= r[0] && x <= r[1];
}
