// The ST type system: elementary types with their IEC widths, and the derived ones (arrays,
// structs, enumerations, strings, function block instances) with their memory layout. Every
// variable of a compiled program lives in one byte buffer, as in a PLC's memory: a type's
// `size` and `align` say how it sits there. The checker (checker.ts) resolves declared types to
// these; codegen emits typed-array accesses from them.

/** How a value of the type travels in generated JavaScript. */
export type Repr = 'num' | 'big' | 'str' | 'agg';

export interface BoolType {
  readonly k: 'bool';
  readonly name: 'BOOL';
  readonly size: 1;
  readonly align: 1;
}
/** Integers and bit strings (BYTE..LWORD), and DATE/TOD/DT (unsigned 32-bit counts). */
export interface IntType {
  readonly k: 'int';
  readonly name: string;
  readonly bits: 8 | 16 | 32 | 64;
  readonly signed: boolean;
  /** BYTE, WORD, DWORD, LWORD: bitwise operators apply, arithmetic does not (IEC). */
  readonly bitString: boolean;
  readonly size: number;
  readonly align: number;
  /** Subrange bounds when declared as one (INT (0..100)). */
  readonly lo?: bigint;
  readonly hi?: bigint;
}
export interface RealType {
  readonly k: 'real';
  readonly name: 'REAL' | 'LREAL';
  readonly size: 4 | 8;
  readonly align: 4 | 8;
}
/** TIME: signed 32-bit milliseconds; LTIME: signed 64-bit nanoseconds. */
export interface TimeType {
  readonly k: 'time';
  readonly name: 'TIME' | 'LTIME';
  readonly size: 4 | 8;
  readonly align: 4 | 8;
}
/** STRING[n]: a slot in the program's string table (the buffer holds 4 bytes for it). */
export interface StringType {
  readonly k: 'string';
  readonly name: string;
  readonly length: number;
  readonly wide: boolean;
  readonly size: 4;
  readonly align: 4;
}
export interface ArrayType {
  readonly k: 'array';
  readonly name: string;
  readonly dims: readonly { readonly lo: number; readonly hi: number }[];
  readonly of: Type;
  readonly size: number;
  readonly align: number;
}
export interface Field {
  readonly name: string;
  readonly type: Type;
  readonly offset: number;
}
export interface StructType {
  readonly k: 'struct';
  readonly name: string;
  /** By upper-cased name. */
  readonly fields: ReadonlyMap<string, Field>;
  size: number;
  align: number;
}
export interface EnumType {
  readonly k: 'enum';
  readonly name: string;
  /** Upper-cased value name -> value, in declaration order. */
  readonly values: ReadonlyMap<string, number>;
  /** The spelling of each value, for messages and the online view. */
  readonly spelled: ReadonlyMap<number, string>;
  readonly base: IntType;
  readonly size: number;
  readonly align: number;
}
/** An instance of a function block; its layout is the FB's frame. */
export interface FbType {
  readonly k: 'fb';
  readonly name: string;
  /** Filled in once the FB's variables are laid out (FB types may be used before they are). */
  readonly frame: { size: number; align: number };
  get size(): number;
  get align(): number;
}
export interface VoidType {
  readonly k: 'void';
  readonly name: 'VOID';
  readonly size: 0;
  readonly align: 1;
}

export type Type = BoolType | IntType | RealType | TimeType | StringType | ArrayType | StructType | EnumType | FbType | VoidType;
export type Elementary = BoolType | IntType | RealType | TimeType | StringType | EnumType;

function int(name: string, bits: 8 | 16 | 32 | 64, signed: boolean, bitString = false): IntType {
  return { k: 'int', name, bits, signed, bitString, size: bits / 8, align: bits / 8 };
}

export const BOOL: BoolType = { k: 'bool', name: 'BOOL', size: 1, align: 1 };
export const SINT = int('SINT', 8, true);
export const INT = int('INT', 16, true);
export const DINT = int('DINT', 32, true);
export const LINT = int('LINT', 64, true);
export const USINT = int('USINT', 8, false);
export const UINT = int('UINT', 16, false);
export const UDINT = int('UDINT', 32, false);
export const ULINT = int('ULINT', 64, false);
export const BYTE = int('BYTE', 8, false, true);
export const WORD = int('WORD', 16, false, true);
export const DWORD = int('DWORD', 32, false, true);
export const LWORD = int('LWORD', 64, false, true);
export const DATE = int('DATE', 32, false);
export const TOD = int('TOD', 32, false);
export const DT = int('DT', 32, false);
export const REAL: RealType = { k: 'real', name: 'REAL', size: 4, align: 4 };
export const LREAL: RealType = { k: 'real', name: 'LREAL', size: 8, align: 8 };
export const TIME: TimeType = { k: 'time', name: 'TIME', size: 4, align: 4 };
export const LTIME: TimeType = { k: 'time', name: 'LTIME', size: 8, align: 8 };
export const VOID: VoidType = { k: 'void', name: 'VOID', size: 0, align: 1 };

/** Default STRING length when none is given (IEC leaves it to the implementer; CODESYS: 80). */
export const DEFAULT_STRING_LENGTH = 80;

export function stringType(length: number, wide = false): StringType {
  return { k: 'string', name: `${wide ? 'WSTRING' : 'STRING'}[${length}]`, length, wide, size: 4, align: 4 };
}

/** Elementary type names (upper case) -> type. */
export const ELEMENTARY: ReadonlyMap<string, Type> = new Map<string, Type>([
  ['BOOL', BOOL],
  ['SINT', SINT],
  ['INT', INT],
  ['DINT', DINT],
  ['LINT', LINT],
  ['USINT', USINT],
  ['UINT', UINT],
  ['UDINT', UDINT],
  ['ULINT', ULINT],
  ['BYTE', BYTE],
  ['WORD', WORD],
  ['DWORD', DWORD],
  ['LWORD', LWORD],
  ['REAL', REAL],
  ['LREAL', LREAL],
  ['TIME', TIME],
  ['LTIME', LTIME],
  ['DATE', DATE],
  ['TOD', TOD],
  ['TIME_OF_DAY', TOD],
  ['DT', DT],
  ['DATE_AND_TIME', DT],
  ['STRING', stringType(DEFAULT_STRING_LENGTH)],
  ['WSTRING', stringType(DEFAULT_STRING_LENGTH, true)],
]);

export function repr(t: Type): Repr {
  switch (t.k) {
    case 'int':
      return t.bits === 64 ? 'big' : 'num';
    case 'time':
      return t.name === 'LTIME' ? 'big' : 'num';
    case 'string':
      return 'str';
    case 'array':
    case 'struct':
    case 'fb':
      return 'agg';
    default:
      return 'num';
  }
}

export function isElementary(t: Type): t is Elementary {
  return t.k === 'bool' || t.k === 'int' || t.k === 'real' || t.k === 'time' || t.k === 'string' || t.k === 'enum';
}

export function isNumeric(t: Type): boolean {
  return (t.k === 'int' && !t.bitString && !isDateLike(t)) || t.k === 'real';
}

export function isDateLike(t: Type): boolean {
  return t.k === 'int' && (t === DATE || t === TOD || t === DT);
}

/** The typed-array view a scalar of this type is stored through, and log2 of its size. */
export function view(t: Type): { readonly array: string; readonly shift: number } {
  switch (t.k) {
    case 'bool':
      return { array: 'U8', shift: 0 };
    case 'int':
      if (t.bits === 8) return { array: t.signed ? 'I8' : 'U8', shift: 0 };
      if (t.bits === 16) return { array: t.signed ? 'I16' : 'U16', shift: 1 };
      if (t.bits === 32) return { array: t.signed ? 'I32' : 'U32', shift: 2 };
      return { array: t.signed ? 'I64' : 'U64', shift: 3 };
    case 'real':
      return t.size === 4 ? { array: 'F32', shift: 2 } : { array: 'F64', shift: 3 };
    case 'time':
      return t.size === 4 ? { array: 'I32', shift: 2 } : { array: 'I64', shift: 3 };
    case 'enum':
      return view(t.base);
    case 'string':
      return { array: 'STR', shift: 2 };
    default:
      throw new Error(`no scalar view for ${t.name}`);
  }
}

/** The signal type a scalar of this type exchanges with the line (bool, int, real), or null. */
export function signalTypeOf(t: Type): 'bool' | 'int' | 'real' | null {
  switch (t.k) {
    case 'bool':
      return 'bool';
    case 'int':
    case 'enum':
    case 'time':
      return 'int';
    case 'real':
      return 'real';
    default:
      return null;
  }
}

/** Range of an integer type as bigints. */
export function intRange(t: IntType): { lo: bigint; hi: bigint } {
  if (t.lo !== undefined && t.hi !== undefined) return { lo: t.lo, hi: t.hi };
  const bits = BigInt(t.bits);
  return t.signed ? { lo: -(1n << (bits - 1n)), hi: (1n << (bits - 1n)) - 1n } : { lo: 0n, hi: (1n << bits) - 1n };
}

// IEC 61131-3 (3rd ed., Figure 11) implicit conversions, widened as CODESYS and TwinCAT accept
// them: an integer converts to any integer that holds all its values and to REAL and LREAL;
// REAL to LREAL; bit strings to wider bit strings and to unsigned integers of at least their
// width (and back), BOOL to bit strings; TIME to LTIME.
export function implicitlyConverts(from: Type, to: Type): boolean {
  if (from === to) return true;
  if (from.k === 'enum' || to.k === 'enum') return from === to;
  if (from.k === 'bool') return to.k === 'bool' || (to.k === 'int' && to.bitString);
  if (from.k === 'int' && to.k === 'int') {
    if (isDateLike(from) || isDateLike(to)) return from === to;
    if (from.signed && !to.signed) return false;
    if (from.signed === to.signed || from.bitString || to.bitString) return to.bits >= from.bits;
    return to.bits > from.bits; // unsigned -> a wider signed type
  }
  if (from.k === 'int' && to.k === 'real') return !from.bitString && !isDateLike(from);
  if (from.k === 'real' && to.k === 'real') return to.size >= from.size;
  if (from.k === 'time' && to.k === 'time') return to.size >= from.size;
  if (from.k === 'string' && to.k === 'string') return from.wide === to.wide;
  if (from.k === 'array' && to.k === 'array') return sameLayout(from, to);
  return false;
}

function sameLayout(a: ArrayType, b: ArrayType): boolean {
  return a.size === b.size && a.dims.length === b.dims.length && a.dims.every((d, k) => d.lo === b.dims[k]!.lo && d.hi === b.dims[k]!.hi) && (a.of === b.of || (a.of.k === b.of.k && a.of.name === b.of.name));
}

/**
 * The type both operands of an arithmetic or comparison operator convert to, or null when
 * neither converts to the other (then the user must convert explicitly). INT and UINT meet
 * in DINT, as their values all fit there.
 */
export function commonType(a: Type, b: Type): Type | null {
  if (implicitlyConverts(a, b)) return b;
  if (implicitlyConverts(b, a)) return a;
  if (a.k === 'int' && b.k === 'int' && !a.bitString && !b.bitString && a.signed !== b.signed) {
    const bits = Math.max(a.bits, b.bits);
    if (bits < 64) return bits === 8 ? INT : bits === 16 ? DINT : LINT;
  }
  if (a.k === 'real' && b.k === 'int') return a.name === 'LREAL' || b.bits > 16 ? LREAL : a;
  if (b.k === 'real' && a.k === 'int') return b.name === 'LREAL' || a.bits > 16 ? LREAL : b;
  return null;
}

export function arrayType(dims: readonly { lo: number; hi: number }[], of: Type): ArrayType {
  const count = dims.reduce((n, d) => n * (d.hi - d.lo + 1), 1);
  const stride = alignUp(of.size, of.align);
  return {
    k: 'array',
    name: `ARRAY[${dims.map((d) => `${d.lo}..${d.hi}`).join(', ')}] OF ${of.name}`,
    dims,
    of,
    size: stride * count,
    align: of.align,
  };
}

export function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** Element stride of an array in bytes. */
export function stride(t: ArrayType): number {
  return alignUp(t.of.size, t.of.align);
}
