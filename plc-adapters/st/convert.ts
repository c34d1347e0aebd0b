// Conversions between ST types in generated code: the implicit ones the checker inserts
// (widening, as IEC 61131-3 allows them) and the explicit `*_TO_*` functions with the standard's
// rounding. Each returns JavaScript of the target's representation, or null when the conversion
// does not exist.

import { implicitlyConverts, intRange, type IntType, repr, type Type, REAL, TIME, LTIME } from './types.ts';
import { big, num, type Val, wrap } from './values.ts';

/**
 * JavaScript for `v` as type `to` when the conversion is implicit (or `v` is an untyped literal
 * that fits); null otherwise. A literal that does not fit returns the reason.
 */
export function implicit(v: Val, to: Type): { code: string } | { error: string } | null {
  if (v.t === to) return { code: v.code };
  if (v.flex === 'int' && typeof v.value === 'bigint') {
    if (to.k === 'int' || to.k === 'enum') {
      if (to.k === 'enum') return null;
      const r = intRange(to);
      if (v.value < r.lo || v.value > r.hi) return { error: `the constant ${v.value} does not fit ${to.name} (${r.lo}..${r.hi})` };
      return { code: to.bits === 64 ? big(v.value) : num(Number(v.value)) };
    }
    if (to.k === 'real') return { code: num(to === REAL ? Math.fround(Number(v.value)) : Number(v.value)) };
    return null;
  }
  if (v.flex === 'int' && v.range !== undefined && to.k === 'int') {
    const r = intRange(to);
    if (v.range[0] < r.lo || v.range[1] > r.hi) return { error: `values up to ${v.range[1]} do not fit ${to.name} (${r.lo}..${r.hi})` };
    return { code: to.bits === 64 ? (repr(v.t) === 'big' ? v.code : `BigInt(${v.code})`) : repr(v.t) === 'big' ? `Number(${v.code})` : v.code };
  }
  if (v.flex === 'int' && v.range !== undefined && to.k === 'real') return { code: repr(v.t) === 'big' ? `Number(${v.code})` : v.code };
  if (v.flex === 'real' && typeof v.value === 'number' && to.k === 'real') {
    return { code: num(to === REAL ? Math.fround(v.value) : v.value) };
  }
  if (!implicitlyConverts(v.t, to)) return null;
  return { code: convertCode(v.t, to, v.code) };
}

/** JavaScript converting a value of `from` to `to` (any pair the explicit functions allow). */
export function convertCode(from: Type, to: Type, code: string): string {
  const f = from.k === 'enum' ? from.base : from;
  const t = to.k === 'enum' ? to.base : to;
  if (f === t) return code;
  switch (t.k) {
    case 'bool':
      if (f.k === 'string') return `(${code}).trim().toUpperCase() === 'TRUE' || Number(${code}) !== 0 ? 1 : 0`;
      return repr(f) === 'big' ? `(${code} !== 0n ? 1 : 0)` : `(${code} !== 0 ? 1 : 0)`;
    case 'int':
      return toInt(f, t, code);
    case 'real': {
      let c: string;
      if (f.k === 'string') c = `strToReal(${code})`;
      else if (f.k === 'time' && f === LTIME) c = `Number(${code}) / 1e6`;
      else c = repr(f) === 'big' ? `Number(${code})` : code;
      return t === REAL ? `fround(${c})` : c;
    }
    case 'time':
      if (t === TIME) {
        if (f === LTIME) return `Number(BigInt.asIntN(32, (${code}) / 1000000n))`;
        if (f.k === 'real') return `realToInt(${code}, 32, true)`;
        if (f.k === 'string') return `0`;
        return repr(f) === 'big' ? `Number(BigInt.asIntN(32, ${code}))` : `(${code}) | 0`;
      }
      if (f === TIME) return `BigInt(${code}) * 1000000n`;
      if (f.k === 'real') return `BigInt.asIntN(64, BigInt(Math.round(${code})))`;
      return repr(f) === 'big' ? `BigInt.asIntN(64, ${code})` : `BigInt(${code})`;
    case 'string':
      return toStr(f, code);
    default:
      return code;
  }
}

function toInt(f: Type, t: IntType, code: string): string {
  const tb = t.bits === 64;
  switch (f.k) {
    case 'bool':
      return tb ? `(${code} ? 1n : 0n)` : `(${code} ? 1 : 0)`;
    case 'real':
      // IEC 61131-3 (3rd ed., 6.6.2.7, Table 22): REAL to integer rounds to the nearest integer.
      return `realToInt(${code}, ${t.bits}, ${t.signed})`;
    case 'time':
      if (f === TIME) return tb ? wrap(t, `BigInt(${code})`) : wrap(t, code);
      return tb ? wrap(t, code) : wrap(t, `Number(BigInt.asIntN(32, ${code}))`);
    case 'string':
      return tb ? wrap(t, `strToBig(${code})`) : wrap(t, `strToInt(${code})`);
    case 'int':
      if (f.bits === 64 && !tb) return wrap(t, `Number(BigInt.asIntN(32, ${code}))`);
      if (f.bits !== 64 && tb) return wrap(t, `BigInt(${code})`);
      if (f.bits === 64) return f.signed === t.signed ? code : wrap(t, code);
      // Widening within the sign keeps the value; everything else keeps the low bits.
      if (f.signed === t.signed && t.bits >= f.bits) return code;
      if (!f.signed && t.signed && t.bits > f.bits) return code;
      return wrap(t, code);
    default:
      return code;
  }
}

function toStr(f: Type, code: string): string {
  switch (f.k) {
    case 'bool':
      return `(${code} ? 'TRUE' : 'FALSE')`;
    case 'real':
      return f === REAL ? `realToStr(${code})` : `lrealToStr(${code})`;
    case 'time':
      return f === TIME ? `timeToStr(${code})` : `ltimeToStr(${code})`;
    case 'string':
      return code; // the store into the target truncates to its length (values.ts store)
    default:
      return `String(${code})`;
  }
}

/** Whether an explicit conversion from `from` to `to` exists (`FROM_TO_TO`). */
export function explicitExists(from: Type, to: Type): boolean {
  const ok = (t: Type) => t.k === 'bool' || t.k === 'int' || t.k === 'real' || t.k === 'time' || t.k === 'string' || t.k === 'enum';
  return ok(from) && ok(to);
}

