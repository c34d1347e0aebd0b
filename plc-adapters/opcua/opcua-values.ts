// The value codec between OPC UA Variants and twinloop's numbers, used on every read and write
// (the per-cycle hot path): it writes into the caller's arrays and the prebuilt Variants in
// place and allocates nothing for the numeric types.
//
// 64-bit integers: node-opcua carries Int64 / UInt64 as [high, low], both words unsigned (-2 is
// [4294967295, 4294967294]). A signal is a double, so a 64-bit value is exact within
// +-(2^53 - 1); a value read beyond that is rounded to the nearest double and its quality is
// uncertain, and a write beyond it is refused before sending (opcua-types.ts fitsType).

import type { DataValue, Variant, VariantOptions } from 'node-opcua';
import { DataType, EXACT_INT, qualityOf } from './opcua-types.ts';

const TWO_32 = 4294967296;
const SCALAR = 0; // VariantArrayType.Scalar
const ARRAY = 1; // VariantArrayType.Array

// Set by toNumber when the value it returned is not exactly the server's (a 64-bit integer
// beyond 2^53). A module flag rather than a result object: the read path must not allocate.
let inexact = false;

/** One element of a Variant (scalar or array element) as a number; NaN when it is not one. */
function toNumber(dataType: number, x: unknown): number {
  switch (typeof x) {
    case 'number':
      return x;
    case 'boolean':
      return x ? 1 : 0;
    case 'string':
      return x.trim() === '' ? Number.NaN : Number(x);
    case 'bigint':
      inexact = x > BigInt(EXACT_INT) || x < -BigInt(EXACT_INT);
      return Number(x);
    case 'object': {
      if (x instanceof Date) return x.getTime();
      if (Array.isArray(x) && x.length === 2 && (dataType === DataType.Int64 || dataType === DataType.UInt64)) {
        const hi = x[0] as number;
        const lo = x[1] as number;
        // Int64: the high word is sent unsigned; its top bit is the sign.
        const h = dataType === DataType.Int64 && hi >= 0x80000000 ? hi - TWO_32 : hi;
        const v = h * TWO_32 + lo;
        inexact = v > EXACT_INT || v < -EXACT_INT;
        return v;
      }
      return Number.NaN;
    }
    default:
      return Number.NaN;
  }
}

/**
 * Put a DataValue into out[k] / quality[k]. An array value (a tag with an index range reads a
 * one-element array) gives its first element. A value that is no number (an unexpected array,
 * a structure, text that is not a number) is NaN with bad quality, never NaN with good quality.
 */
export function decodeInto(dv: DataValue, out: Float64Array, quality: Uint8Array, k: number): void {
  const variant = dv.value;
  let x: unknown = variant.value;
  if (variant.arrayType !== SCALAR) {
    const arr = x as ArrayLike<unknown> | null;
    x = arr && arr.length === 1 ? arr[0] : undefined;
  }
  inexact = false;
  const v = toNumber(variant.dataType, x);
  out[k] = v;
  const q = qualityOf(dv.statusCode);
  quality[k] = q === 0 && v !== v && typeof x !== 'number' ? 2 : q === 0 && inexact ? 1 : q;
}

/** A Variant for a write of this built-in type: a one-element array when `element` (index range). */
export function newWriteVariant(t: DataType, element: boolean): VariantOptions {
  // Int64 / UInt64 must say Scalar explicitly: node-opcua cannot tell [hi, lo] from an array.
  const blank = t === DataType.Int64 || t === DataType.UInt64 ? [0, 0] : t === DataType.Boolean ? false : t === DataType.String ? '' : t === DataType.DateTime ? new Date(0) : 0;
  // Our DataType ids are node-opcua's enum values (Part 6 numbering); the enum types differ only in name.
  const options = element ? { dataType: t, arrayType: ARRAY, value: [blank] } : { dataType: t, arrayType: SCALAR, value: blank };
  return options as unknown as VariantOptions;
}

/**
 * Set a prebuilt write Variant to `v` in place (no allocation for the numeric types; a String
 * or DateTime node gets a new string / Date, which those rare types cost).
 */
export function setVariant(variant: Variant | { arrayType: number; value: unknown }, t: DataType, v: number): void {
  const holder = variant.arrayType === ARRAY ? (variant.value as unknown[]) : undefined;
  const current = holder ? holder[0] : variant.value;
  let next: unknown;
  switch (t) {
    case DataType.Boolean:
      next = v !== 0;
      break;
    case DataType.Float:
    case DataType.Double:
      next = v;
      break;
    case DataType.Int64:
    case DataType.UInt64: {
      const x = Math.round(v);
      const hi = Math.floor(x / TWO_32);
      const words = current as number[];
      words[0] = hi >>> 0; // two's complement high word, sent unsigned
      words[1] = x - hi * TWO_32;
      return;
    }
    case DataType.String:
      next = String(v);
      break;
    case DataType.DateTime:
      next = new Date(v);
      break;
    default:
      next = Math.round(v);
  }
  if (holder) holder[0] = next;
  else variant.value = next;
}
