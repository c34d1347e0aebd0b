// Values and places of the code generator. A Val is a checked expression: its type and the
// JavaScript that computes it (numbers for BOOL, integers up to 32 bits, REAL, LREAL, TIME;
// bigints for the 64-bit types; strings), plus its constant value when it has one. A Place is an
// lvalue: where the value sits in the program's memory, as a byte address.

import { type IntType, repr, type Type, view } from './types.ts';
import type { ReadCache } from './unobserved/read-cache.ts';

export interface Place {
  readonly t: Type;
  /** JavaScript for the byte address (when not constant). */
  readonly addr: string;
  /** Constant byte address, or null when it depends on an FB base or an index. */
  readonly caddr: number | null;
  /** Bit number for bit access (`w.3`), else -1. */
  readonly bit: number;
  /** Why it may not be assigned (a CONSTANT, an FB's output seen from outside), or null. */
  readonly readonly: string | null;
  /**
   * For an element at a computed index of an array at a constant address: the array's bytes
   * [start, end), all a store to it can touch (the read cache keeps what lies outside).
   */
  readonly region?: readonly [number, number];
}

export interface Val {
  readonly t: Type;
  readonly code: string;
  /** An untyped literal (or constant expression of them): it takes the type of its context. */
  readonly flex: 'int' | 'real' | null;
  /** Known value (constant folding, range checks, CASE labels). */
  readonly value: bigint | number | boolean | string | null;
  readonly place: Place | null;
  /** The value of an expression that already failed (its error is reported; say nothing more). */
  readonly error?: true;
  /** An untyped integer whose value is not known but lies in this range (SEL(g, 10, 20)). */
  readonly range?: readonly [bigint, bigint];
}

/** Stands for an expression whose error was reported; further checks stay silent about it. */
export const BAD: Val = { t: { k: 'int', name: 'DINT', bits: 32, signed: true, bitString: false, size: 4, align: 4 }, code: '0', flex: null, value: null, place: null, error: true };

export function val(t: Type, code: string, value: Val['value'] = null, flex: Val['flex'] = null): Val {
  return { t, code, flex, value, place: null };
}

/** Byte address of a place as JavaScript. */
export function addrOf(p: Place): string {
  return p.caddr !== null ? String(p.caddr) : p.addr;
}

/** A sub-place at a byte offset (a struct field, an FB member). */
export function at(p: Place, offset: number, t: Type, readonly: string | null = p.readonly): Place {
  if (p.caddr !== null) return { t, addr: '', caddr: p.caddr + offset, bit: -1, readonly };
  return { t, addr: offset === 0 ? p.addr : `${p.addr} + ${offset}`, caddr: null, bit: -1, readonly };
}

function index(p: Place, shift: number): string {
  if (p.caddr !== null) return String(p.caddr >> shift);
  return shift === 0 ? p.addr : `(${p.addr}) >> ${shift}`;
}

/** A variable the unobserved scan keeps in a JavaScript local (plc-adapters/st/unobserved/). */
export interface LocalCell {
  readonly name: string;
  /** The typed-array view it stands for. */
  readonly array: string;
}

/**
 * Cells of the unobserved scan by byte address. Set only while that scan is generated; load and
 * store then name the local instead of (or besides) the typed-array cell. Null otherwise.
 */
let localCells: ReadonlyMap<number, LocalCell> | null = null;

/** Generate with `cells` in JavaScript locals (the unobserved scan); restores the memory form after. */
export function withLocalCells<T>(cells: ReadonlyMap<number, LocalCell>, f: () => T): T {
  const before = localCells;
  localCells = cells;
  try {
    return f();
  } finally {
    localCells = before;
  }
}

/**
 * The unobserved scan's cache of memory reads (unobserved/read-cache.ts) while that scan is
 * generated: load and store at constant addresses go through it. Null otherwise.
 */
let readCache: ReadCache | null = null;

/** Generate with `cache` (the unobserved scan); restores the uncached form after. */
export function withReadCache<T>(cache: ReadCache, f: () => T): T {
  const before = readCache;
  readCache = cache;
  try {
    return f();
  } finally {
    readCache = before;
  }
}

/** The read cache of the code being generated, or null. */
export function activeReadCache(): ReadCache | null {
  return readCache;
}

/** Memory is written by code the read cache does not see (a call, a copy of an aggregate). */
export function clobber(): void {
  readCache?.clobber();
}

/**
 * `code` converted as a store into the typed-array view `array` would convert it, for a local
 * that stands for such a cell: generated code leaves some wrapping to the store (a FOR counter's
 * step, an integer input copied from the image), and the local must hold what a read of the
 * cell would give. Nearly free where the value has the type already.
 */
function asStored(array: string, code: string): string {
  if (storedAlready(array, code)) return code;
  switch (array) {
    case 'U8':
      return `((${code}) & 255)`;
    case 'I8':
      return `((${code}) << 24 >> 24)`;
    case 'U16':
      return `((${code}) & 65535)`;
    case 'I16':
      return `((${code}) << 16 >> 16)`;
    case 'U32':
      return `((${code}) >>> 0)`;
    case 'I32':
      return `((${code}) | 0)`;
    case 'F32':
      return `fround(${code})`;
    case 'I64':
      return `BigInt.asIntN(64, ${code})`;
    case 'U64':
      return `BigInt.asUintN(64, ${code})`;
    default:
      return `(+(${code}))`;
  }
}

/** What asStored and wrap() put after `((code)` for each integer view. */
const WRAPS: Readonly<Record<string, string>> = { U8: ' & 255', I8: ' << 24 >> 24', U16: ' & 65535', I16: ' << 16 >> 16', U32: ' >>> 0', I32: ' | 0' };

/** Does the first parenthesis of `code` close at its end (the whole is one parenthesised term)? */
function whole(code: string): boolean {
  let depth = 0;
  for (let k = 0; k < code.length; k++) {
    if (code[k] === '(') depth++;
    else if (code[k] === ')' && --depth === 0) return k === code.length - 1;
  }
  return false;
}

const VIEW_OF: Readonly<Record<string, { new (n: number): ArrayLike<number> & { [k: number]: number } }>> = { U8: Uint8Array, I8: Int8Array, U16: Uint16Array, I16: Int16Array, U32: Uint32Array, I32: Int32Array, F32: Float32Array, F64: Float64Array };

/** A cell of the same view, a local standing for one, or a literal the view holds exactly. */
function storedAlready(array: string, code: string): boolean {
  if (new RegExp(`^${array}\\[[^\\[\\]]*\\]$`).test(code)) return true;
  const cached = /^m\$([a-z0-9]+)\$\d+$/.exec(code); // a read-cache local (unobserved/read-cache.ts)
  if (cached) return cached[1]!.toUpperCase() === array;
  // Wrapped whole as the view stores it already (`((x + 1) << 16 >> 16)` for I16: wrap()).
  const suffix = WRAPS[array];
  if (suffix !== undefined && code.startsWith('((') && code.endsWith(`)${suffix})`) && whole(code) && whole(code.slice(1, code.length - suffix.length - 1))) return true;
  for (const c of localCells?.values() ?? []) if (c.name === code) return c.array === array;
  const lit = /^\(?(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\)?$/.exec(code);
  const View = VIEW_OF[array];
  if (lit && View) {
    const a = new View(1);
    a[0] = Number(lit[1]);
    return a[0] === Number(lit[1]) && !Object.is(Number(lit[1]), -0);
  }
  return false;
}

function isLocal(p: Place, v: { readonly array: string }): boolean {
  return localCells !== null && p.caddr !== null && localCells.get(p.caddr)?.array === v.array;
}

function cellOf(p: Place, v: { readonly array: string; readonly shift: number }): string {
  if (localCells !== null && p.caddr !== null) {
    const c = localCells.get(p.caddr);
    if (c !== undefined && c.array === v.array) return c.name;
  }
  return `${v.array}[${index(p, v.shift)}]`;
}

/** A scalar cell the read cache may hold: a constant address, a number, not in a local already. */
function cacheable(p: Place, v: { readonly array: string }): p is Place & { caddr: number } {
  return readCache !== null && p.caddr !== null && repr(p.t) === 'num' && !isLocal(p, v);
}

/** JavaScript that reads a scalar place. */
export function load(p: Place): string {
  const v = view(p.t);
  const cell = (cacheable(p, v) ? readCache!.load(v.array, p.caddr, p.t.size, v.shift) : null) ?? cellOf(p, v);
  if (p.bit < 0) return cell;
  return repr(p.t) === 'big' ? `(${cell} >> ${p.bit}n & 1n ? 1 : 0)` : `(${cell} >>> ${p.bit} & 1)`;
}

/** JavaScript statement that writes `code` (already of the place's type) to a scalar place. */
export function store(p: Place, code: string): string {
  const v = view(p.t);
  if (readCache !== null && p.caddr === null) readCache.clobber(p.region); // through an index (in its array) or a pointer (anywhere)
  if (cacheable(p, v) && p.t.k !== 'string') {
    // A bit store reads the rest of the cell from memory: its local is dropped, not set.
    const through = readCache!.store(v.array, p.caddr, p.t.size, v.shift, p.bit < 0 ? asStored(v.array, code) : null);
    if (through !== null) return through;
  }
  const cell = cellOf(p, v);
  // A BOOL needs no conversion: generated code takes any BOOL value as truthy (a comparison's
  // JavaScript boolean is a BOOL expression everywhere), measured 0.4 ns a scan on sorting.st.
  const as = (x: string): string => (isLocal(p, v) && p.t.k !== 'bool' ? asStored(v.array, x) : x);
  if (p.bit >= 0) {
    if (repr(p.t) === 'big') return `${cell} = ${as(`(${code}) ? ${cell} | ${1n << BigInt(p.bit)}n : ${cell} & ~${1n << BigInt(p.bit)}n`)};`;
    const mask = (1 << p.bit) >>> 0;
    return `${cell} = ${as(`(${code}) ? ${cell} | ${mask} : ${cell} & ${~mask >>> 0}`)};`;
  }
  if (p.t.k === 'string') return `${cell} = slen(${code}, ${p.t.length});`;
  return `${cell} = ${as(code)};`;
}

/** Wrap a JavaScript number or bigint to an integer type's width (two's complement). */
export function wrap(t: IntType, code: string): string {
  // Parenthesised whole: the result is an operand of whatever encloses it.
  if (t.bits === 64) return t.signed ? `BigInt.asIntN(64, ${code})` : `BigInt.asUintN(64, ${code})`;
  if (t.signed) {
    if (t.bits === 8) return `((${code}) << 24 >> 24)`;
    if (t.bits === 16) return `((${code}) << 16 >> 16)`;
    return `((${code}) | 0)`;
  }
  if (t.bits === 8) return `((${code}) & 255)`;
  if (t.bits === 16) return `((${code}) & 65535)`;
  return `((${code}) >>> 0)`;
}

/** A JavaScript literal for a number (parenthesised when negative, exact round trip). */
export function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '(-Infinity)';
  if (Object.is(v, -0)) return '(-0)';
  const s = String(v);
  return v < 0 ? `(${s})` : s;
}

export function big(v: bigint): string {
  return v < 0n ? `(${v}n)` : `${v}n`;
}
