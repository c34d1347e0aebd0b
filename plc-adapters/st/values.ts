// Values and places of the code generator. A Val is a checked expression: its type and the
// JavaScript that computes it (numbers for BOOL, integers up to 32 bits, REAL, LREAL, TIME;
// bigints for the 64-bit types; strings), plus its constant value when it has one. A Place is an
// lvalue: where the value sits in the program's memory, as a byte address.

import { type IntType, repr, type Type, view } from './types.ts';

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

/** JavaScript that reads a scalar place. */
export function load(p: Place): string {
  const v = view(p.t);
  const cell = `${v.array}[${index(p, v.shift)}]`;
  if (p.bit < 0) return cell;
  return repr(p.t) === 'big' ? `(${cell} >> ${p.bit}n & 1n ? 1 : 0)` : `(${cell} >>> ${p.bit} & 1)`;
}

/** JavaScript statement that writes `code` (already of the place's type) to a scalar place. */
export function store(p: Place, code: string): string {
  const v = view(p.t);
  const cell = `${v.array}[${index(p, v.shift)}]`;
  if (p.bit >= 0) {
    if (repr(p.t) === 'big') return `${cell} = (${code}) ? ${cell} | ${1n << BigInt(p.bit)}n : ${cell} & ~${1n << BigInt(p.bit)}n;`;
    const mask = (1 << p.bit) >>> 0;
    return `${cell} = (${code}) ? ${cell} | ${mask} : ${cell} & ${~mask >>> 0};`;
  }
  if (p.t.k === 'string') return `${cell} = slen(${code}, ${p.t.length});`;
  return `${cell} = ${code};`;
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
