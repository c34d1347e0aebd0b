// Expressions: the checker and the code generator in one pass. Each expression is checked
// against IEC 61131-3's typing (operands convert implicitly only by widening; untyped literals
// take their context's type) and turned into JavaScript that computes it with the standard's
// arithmetic: integers wrap at their type's width, REAL rounds to single precision, integer
// division by zero stops the controller.

import type { BinaryExpr, Expr, Pos } from './ast.ts';
import { hint } from './declarations.ts';
import { implicit } from './convert.ts';
import type { Emitter } from './emitter.ts';
import { at, big, load, num, type Place, type Val, val, wrap } from './values.ts';
import { BAD } from './values.ts';
import { BOOL, commonType, DATE, DINT, DT, intRange, type IntType, isNumeric, LINT, LREAL, LTIME, REAL, repr, stride, TIME, TOD, type Type, ULINT } from './types.ts';
import { stringType } from './types.ts';


export function expr(e: Emitter, x: Expr): Val {
  switch (x.kind) {
    case 'int':
      return intLiteral(e, x.value, x.type, x.pos);
    case 'real': {
      if (x.type !== null) {
        const t = x.type.toUpperCase() === 'REAL' ? REAL : LREAL;
        const v = t === REAL ? Math.fround(x.value) : x.value;
        return val(t, num(v), v);
      }
      return val(LREAL, num(x.value), x.value, 'real');
    }
    case 'bool':
      return val(BOOL, x.value ? '1' : '0', x.value);
    case 'duration': {
      if (x.long) return val(LTIME, big(x.ns), x.ns);
      const ms = x.ns / 1000000n;
      if (ms * 1000000n !== x.ns) e.diag.warning(x.pos, 'ST_TIME_RESOLUTION', `TIME counts whole milliseconds; this literal is cut to ${ms} ms (use LTIME for finer times)`);
      if (ms > 2147483647n || ms < -2147483648n) e.diag.error(x.pos, 'ST_RANGE', `the duration does not fit TIME (32-bit milliseconds, about 24.8 days); use LTIME`);
      return val(TIME, num(Number(BigInt.asIntN(32, ms))), Number(ms));
    }
    case 'date': {
      const type = x.type === 'DATE' ? DATE : x.type === 'TOD' ? TOD : DT;
      // DATE and DT count seconds, TOD milliseconds (as CODESYS stores them).
      const v = x.type === 'TOD' ? x.ms : x.ms / 1000n;
      return val(type, num(Number(v)), Number(v));
    }
    case 'string': {
      const t = stringType(Math.max(1, x.value.length), x.wide);
      return val(t, JSON.stringify(x.value), x.value);
    }
    case 'typedName': {
      const t = e.decl.types.get(x.type.toUpperCase());
      if (!t || t.k !== 'enum') {
        e.diag.error(x.pos, 'ST_UNKNOWN_TYPE', `${x.type} is not an enumeration type${hint(x.type, [...e.decl.types.values()].filter((t) => t.k === 'enum').map((t) => t.name))}`);
        return BAD;
      }
      const v = t.values.get(x.name.toUpperCase());
      if (v === undefined) {
        e.diag.error(x.pos, 'ST_UNKNOWN_NAME', `${x.type} has no value ${x.name}${hint(x.name, [...t.spelled.values()])}`);
        return BAD;
      }
      return val(t, num(v), BigInt(v));
    }
    case 'name':
    case 'member':
    case 'index':
    case 'bit': {
      const r = e.resolve(x);
      if (r === null) return BAD;
      if ('code' in r) return r;
      return placeVal(e, r, x.pos);
    }
    case 'call':
      return e.callExpr(x);
    case 'unary':
      return unary(e, x.op, expr(e, x.operand), x.pos);
    case 'binary':
      return binary(e, x);
  }
}

export function placeVal(e: Emitter, p: Place, pos: Pos): Val {
  if (p.t.k === 'fb' || p.t.k === 'array' || p.t.k === 'struct') {
    return { t: p.t, code: p.caddr !== null ? String(p.caddr) : p.addr, flex: null, value: null, place: p };
  }
  if (p.t.k === 'void') {
    e.diag.error(pos, 'ST_TYPE', 'this has no value');
    return BAD;
  }
  return { t: p.bit >= 0 ? BOOL : p.t, code: load(p), flex: null, value: null, place: p };
}

/** An untyped integer constant (folded results of literals). */
export function flexInt(e: Emitter, value: bigint, pos: Pos): Val {
  return intLiteral(e, value, null, pos);
}

function intLiteral(e: Emitter, value: bigint, type: string | null, pos: Pos): Val {
  if (type === null) {
    if (value > 9223372036854775807n) return { ...val(ULINT, big(value), value), flex: 'int' };
    return { t: value >= -2147483648n && value <= 2147483647n ? DINT : LINT, code: value >= -2147483648n && value <= 2147483647n ? num(Number(value)) : big(value), flex: 'int', value, place: null };
  }
  const t = e.typeByName(type, pos);
  if (t.k === 'real') return val(t, num(t === REAL ? Math.fround(Number(value)) : Number(value)), Number(value));
  if (t.k === 'bool') {
    if (value !== 0n && value !== 1n) e.diag.error(pos, 'ST_RANGE', `BOOL# takes 0 or 1, got ${value}`);
    return val(BOOL, value ? '1' : '0', value !== 0n);
  }
  if (t.k !== 'int') {
    e.diag.error(pos, 'ST_TYPE', `${type}# cannot prefix an integer`);
    return BAD;
  }
  const r = intRange(t);
  let v = value;
  if (v < r.lo || v > r.hi) {
    // IEC: a typed literal must be in range; CODESYS accepts UINT#-1 as the bit pattern of -1? It does not: refuse.
    e.diag.error(pos, 'ST_RANGE', `${value} does not fit ${t.name} (${r.lo}..${r.hi})`);
    v = 0n;
  }
  return val(t, t.bits === 64 ? big(v) : num(Number(v)), v);
}

/** Convert a value for a context of type `to`, reporting a clear error when it does not convert. */
export function coerce(e: Emitter, v: Val, to: Type, pos: Pos, what: string): string {
  if (v.error) return zero(to);
  const r = implicit(v, to);
  if (r === null) {
    const from = typeName(v);
    const msg = what.startsWith('assignment') ? `cannot assign ${from} to ${to.name}` : `${what}: cannot use ${from} as ${to.name}`;
    const enumHint = to.k === 'enum' && v.t !== to ? `; use one of its values (${[...to.spelled.values()].slice(0, 6).join(', ')})` : '';
    e.diag.error(pos, 'ST_TYPE', `${msg}${enumHint || conversionHint(v.t, to)}`);
    return zero(to);
  }
  if ('error' in r) {
    e.diag.error(pos, 'ST_RANGE', what.startsWith('assignment') ? r.error : `${what}: ${r.error}`);
    return zero(to);
  }
  return r.code;
}

/** A value's type for messages: untyped literals are "an integer" / "a real number". */
export function typeName(v: Val): string {
  return v.flex === 'int' ? 'an integer' : v.flex === 'real' ? 'a real number' : v.t.name;
}

function conversionHint(from: Type, to: Type): string {
  const name = (t: Type) => (t.k === 'string' ? (t.wide ? 'WSTRING' : 'STRING') : t.k === 'enum' ? null : t.name);
  const f = name(from);
  const t = name(to);
  if (f && t && /^[A-Z]+$/.test(f) && /^[A-Z]+$/.test(t)) return ` (use ${f}_TO_${t})`;
  return '';
}

export function zero(t: Type): string {
  switch (repr(t)) {
    case 'big':
      return '0n';
    case 'str':
      return "''";
    default:
      return '0';
  }
}

function unary(e: Emitter, op: '-' | '+' | 'NOT', v: Val, pos: Pos): Val {
  if (v.error) return BAD;
  if (op === 'NOT') {
    // A BOOL is 0, 1, true or false everywhere (AND and OR are & and | on it): NOT as ^ 1 has
    // no branch, where `x ? 0 : 1` compiles to a jump (sorting.st's unobserved scan: ~0.7 ns).
    if (v.t.k === 'bool') return val(BOOL, `(${paren(v.code)} ^ 1)`, typeof v.value === 'boolean' ? !v.value : null);
    if (v.t.k === 'int' && (v.t.bitString || v.flex)) {
      const t = v.t;
      return val(t, t.bits === 64 ? `BigInt.asUintN(64, ~${v.code})` : wrap(t, `~${v.code}`));
    }
    e.diag.error(pos, 'ST_TYPE', `NOT needs BOOL or a bit string (BYTE, WORD, DWORD, LWORD), got ${v.t.name}`);
    return BAD;
  }
  if (op === '+') return v;
  if (v.flex === 'int' && typeof v.value === 'bigint') return intLiteral(e, -v.value, null, pos);
  if (v.flex === 'real' && typeof v.value === 'number') return val(LREAL, num(-v.value), -v.value, 'real');
  if (v.t.k === 'real') return val(v.t, `-${paren(v.code)}`);
  if (v.t.k === 'time') return val(v.t, v.t === TIME ? `-${paren(v.code)} | 0` : `BigInt.asIntN(64, -${paren(v.code)})`);
  if (v.t.k === 'int' && !v.t.bitString) {
    if (!v.t.signed) e.diag.warning(pos, 'ST_UNSIGNED_NEGATE', `negating an unsigned ${v.t.name} wraps around`);
    return val(v.t, wrap(v.t, `-${paren(v.code)}`));
  }
  e.diag.error(pos, 'ST_TYPE', `unary minus needs a number, got ${v.t.name}`);
  return BAD;
}

function paren(code: string): string {
  return /^[\w.$]+$/.test(code) ? code : `(${code})`;
}

function binary(e: Emitter, x: BinaryExpr): Val {
  const a = expr(e, x.left);
  const b = expr(e, x.right);
  if (a.error || b.error) return BAD;
  const op = x.op;
  if (op === 'AND' || op === 'OR' || op === 'XOR' || op === 'AND_THEN' || op === 'OR_ELSE') return logical(e, op, a, b, x.pos);
  if (a.flex && b.flex && a.value !== null && b.value !== null) return folded(e, op, a, b, x.pos);
  if (op === '=' || op === '<>' || op === '<' || op === '<=' || op === '>' || op === '>=') return compare(e, op, a, b, x.pos);
  // TIME arithmetic: TIME +- TIME, TIME */ number.
  if (a.t.k === 'time' || b.t.k === 'time') return timeArith(e, op, a, b, x.pos);
  const t = operandType(e, a, b, x.pos, op);
  if (t === null) return BAD;
  // Bit strings take arithmetic as unsigned integers, as CODESYS and TwinCAT allow (IEC does not).
  if (!isNumeric(t) && !(t.k === 'int' && t.bitString)) {
    e.diag.error(x.pos, 'ST_TYPE', `'${op}' needs numbers, got ${a.t.name} and ${b.t.name}`);
    return BAD;
  }
  const ca = coerce(e, a, t, x.left.pos, 'operand');
  const cb = coerce(e, b, t, x.right.pos, 'operand');
  if (op === '**') {
    const rt = a.t === REAL && t === REAL ? REAL : LREAL;
    const pa = t.k === 'int' && t.bits === 64 ? `Number(${ca})` : ca;
    const pb = t.k === 'int' && t.bits === 64 ? `Number(${cb})` : cb;
    return val(rt, rt === REAL ? `fround(Math.pow(${pa}, ${pb}))` : `Math.pow(${pa}, ${pb})`);
  }
  if (t.k === 'real') {
    if (op === 'MOD') {
      e.diag.error(x.pos, 'ST_TYPE', `MOD needs integers, got ${t.name} (IEC 61131-3 defines MOD for ANY_INT)`);
      return BAD;
    }
    const c = `${paren(ca)} ${op} ${paren(cb)}`;
    return val(t, t === REAL ? `fround(${c})` : `(${c})`);
  }
  const it = t as IntType;
  const site = e.site(x.pos);
  if (it.bits === 64) {
    if (op === '/') return val(it, wrap(it, `ldiv(${ca}, ${cb}, ${site})`));
    if (op === 'MOD') return val(it, `lmod(${ca}, ${cb}, ${site})`);
    return val(it, wrap(it, `${paren(ca)} ${op} ${paren(cb)}`));
  }
  if (op === '/') return val(it, wrap(it, `idiv(${ca}, ${cb}, ${site})`));
  if (op === 'MOD') return val(it, `imod(${ca}, ${cb}, ${site})`);
  if (op === '*' && it.bits === 32) return val(it, wrap(it, `Math.imul(${ca}, ${cb})`));
  return val(it, wrap(it, `${paren(ca)} ${op} ${paren(cb)}`));
}

/** The type two operands meet in; an untyped literal takes the other side's type. */
function operandType(e: Emitter, a: Val, b: Val, pos: Pos, op: string): Type | null {
  if (a.flex && b.flex) return commonType(a.t, b.t) ?? LINT;
  if (a.flex && !b.flex) return a.flex === 'real' && b.t.k === 'int' ? LREAL : b.t;
  if (b.flex && !a.flex) return b.flex === 'real' && a.t.k === 'int' ? LREAL : a.t;
  const t = commonType(a.t, b.t);
  if (t === null) {
    e.diag.error(pos, 'ST_TYPE', `'${op}' cannot combine ${a.t.name} and ${b.t.name}; convert one explicitly`);
    return null;
  }
  return t;
}

function logical(e: Emitter, op: string, a: Val, b: Val, pos: Pos): Val {
  if (a.t.k === 'bool' && (b.t.k === 'bool' || b.flex === 'int')) {
    if (op === 'AND_THEN') return val(BOOL, `(${a.code} ? ${b.code} : 0)`);
    if (op === 'OR_ELSE') return val(BOOL, `(${a.code} ? 1 : ${b.code})`);
    const js = op === 'AND' ? '&' : op === 'OR' ? '|' : '^';
    // Both sides are evaluated, as IEC's AND and OR do (no short circuit). Operands are
    // parenthesised: JavaScript's & binds looser than ===, ST's AND tighter than =.
    return val(BOOL, `(${paren(a.code)} ${js} ${paren(b.code)})`);
  }
  const t = a.flex && !b.flex ? b.t : b.flex && !a.flex ? a.t : commonType(a.t, b.t) ?? a.t;
  if (t.k !== 'int' || (!t.bitString && !(a.flex && b.flex))) {
    e.diag.error(pos, 'ST_TYPE', `${op} needs BOOL or bit strings (BYTE, WORD, DWORD, LWORD), got ${a.t.name} and ${b.t.name}`);
    return BAD;
  }
  if (op === 'AND_THEN' || op === 'OR_ELSE') {
    e.diag.error(pos, 'ST_TYPE', `${op} needs BOOL operands`);
    return BAD;
  }
  const ca = coerce(e, a, t, pos, 'operand');
  const cb = coerce(e, b, t, pos, 'operand');
  const js = op === 'AND' ? '&' : op === 'OR' ? '|' : '^';
  return val(t, t.bits === 64 ? `(${paren(ca)} ${js} ${paren(cb)})` : wrap(t, `${paren(ca)} ${js} ${paren(cb)}`));
}

function compare(e: Emitter, op: string, a: Val, b: Val, pos: Pos): Val {
  let t: Type | null;
  if (a.t.k === 'enum' || b.t.k === 'enum') {
    if (a.t !== b.t) {
      e.diag.error(pos, 'ST_TYPE', `cannot compare ${a.t.name} with ${b.t.name}`);
      return BAD;
    }
    t = a.t;
  } else if (a.t.k === 'string' && b.t.k === 'string') t = a.t;
  else t = operandType(e, a, b, pos, op);
  if (t === null) return BAD;
  const ca = t.k === 'string' || t.k === 'enum' ? a.code : coerce(e, a, t, pos, 'operand');
  const cb = t.k === 'string' || t.k === 'enum' ? b.code : coerce(e, b, t, pos, 'operand');
  if (t.k === 'bool') {
    const js = op === '=' ? '===' : op === '<>' ? '!==' : op;
    return val(BOOL, `((${ca} ? 1 : 0) ${js} (${cb} ? 1 : 0))`);
  }
  if (t.k === 'array' || t.k === 'struct' || t.k === 'fb') {
    e.diag.error(pos, 'ST_TYPE', `cannot compare ${t.name} values`);
    return BAD;
  }
  const js = op === '=' ? '===' : op === '<>' ? '!==' : op;
  return val(BOOL, `(${paren(ca)} ${js} ${paren(cb)})`);
}

function timeArith(e: Emitter, op: string, a: Val, b: Val, pos: Pos): Val {
  const lt = a.t === LTIME || b.t === LTIME;
  const tt = lt ? LTIME : TIME;
  if (a.t.k === 'time' && b.t.k === 'time' && (op === '+' || op === '-')) {
    const ca = coerce(e, a, tt, pos, 'operand');
    const cb = coerce(e, b, tt, pos, 'operand');
    return val(tt, lt ? `BigInt.asIntN(64, ${paren(ca)} ${op} ${paren(cb)})` : `(${paren(ca)} ${op} ${paren(cb)}) | 0`);
  }
  if (a.t.k === 'time' && b.t.k !== 'time' && (op === '*' || op === '/') && (isNumeric(b.t) || b.flex)) {
    const site = e.site(pos);
    if (lt) {
      const cb = b.t.k === 'real' || b.flex === 'real' ? `BigInt(Math.trunc(${coerce(e, b, LREAL, pos, 'operand')}))` : coerce(e, b, LINT, pos, 'operand');
      return val(LTIME, op === '*' ? `BigInt.asIntN(64, ${paren(a.code)} * ${paren(cb)})` : `ldiv(${a.code}, ${cb}, ${site})`);
    }
    if (b.t.k === 'real' || b.flex === 'real') {
      const cb = coerce(e, b, LREAL, pos, 'operand');
      return val(TIME, op === '*' ? `Math.trunc(${paren(a.code)} * ${paren(cb)}) | 0` : `Math.trunc(${paren(a.code)} / ${paren(cb)}) | 0`);
    }
    const cb = coerce(e, b, LREAL, pos, 'operand');
    return val(TIME, op === '*' ? `Math.trunc(${paren(a.code)} * ${paren(cb)}) | 0` : `idiv(${a.code}, ${cb}, ${site}) | 0`);
  }
  if (b.t.k === 'time' && a.t.k !== 'time' && op === '*' && (isNumeric(a.t) || a.flex)) return timeArith(e, op, b, a, pos);
  e.diag.error(pos, 'ST_TYPE', `'${op}' is not defined for ${typeName(a)} and ${typeName(b)} (TIME takes TIME + TIME, TIME - TIME, TIME * number, TIME / number)`);
  return BAD;
}

/** Both operands untyped literals: fold at compile time, the result stays untyped. */
function folded(e: Emitter, op: string, a: Val, b: Val, pos: Pos): Val {
  if (a.flex === 'int' && b.flex === 'int' && typeof a.value === 'bigint' && typeof b.value === 'bigint') {
    const x = a.value;
    const y = b.value;
    let r: bigint | boolean;
    switch (op) {
      case '+': r = x + y; break;
      case '-': r = x - y; break;
      case '*': r = x * y; break;
      case '/':
      case 'MOD':
        if (y === 0n) {
          e.diag.error(pos, 'ST_DIV_ZERO', 'division by the constant zero');
          return BAD;
        }
        r = op === '/' ? x / y : x % y;
        break;
      case '**': return val(LREAL, num(Math.pow(Number(x), Number(y))), Math.pow(Number(x), Number(y)), 'real');
      case '=': r = x === y; break;
      case '<>': r = x !== y; break;
      case '<': r = x < y; break;
      case '<=': r = x <= y; break;
      case '>': r = x > y; break;
      default: r = x >= y;
    }
    if (typeof r === 'boolean') return val(BOOL, r ? '1' : '0', r);
    return intLiteral(e, r, null, pos);
  }
  const x = Number(a.value);
  const y = Number(b.value);
  let r: number | boolean;
  switch (op) {
    case '+': r = x + y; break;
    case '-': r = x - y; break;
    case '*': r = x * y; break;
    case '/': r = x / y; break;
    case '**': r = Math.pow(x, y); break;
    case '=': r = x === y; break;
    case '<>': r = x !== y; break;
    case '<': r = x < y; break;
    case '<=': r = x <= y; break;
    case '>': r = x > y; break;
    case '>=': r = x >= y; break;
    default:
      e.diag.error(pos, 'ST_TYPE', `${op} needs integers`);
      return BAD;
  }
  if (typeof r === 'boolean') return val(BOOL, r ? '1' : '0', r);
  return val(LREAL, num(r), r, 'real');
}

/** Index into an array place: bounds checked, row-major. */
export function indexPlace(e: Emitter, p: Place, indices: readonly Expr[], pos: Pos): Place | null {
  const t = p.t;
  if (t.k !== 'array') {
    e.diag.error(pos, 'ST_TYPE', `${t.name} is not an array`);
    return null;
  }
  if (indices.length !== t.dims.length) {
    e.diag.error(pos, 'ST_TYPE', `the array has ${t.dims.length} dimension${t.dims.length > 1 ? 's' : ''}, got ${indices.length} index${indices.length > 1 ? 'es' : ''}`);
    return null;
  }
  const size = stride(t);
  let constOff = 0;
  const dyn: string[] = [];
  let mul = 1;
  for (let d = t.dims.length - 1; d >= 0; d--) {
    const dim = t.dims[d]!;
    const iv = expr(e, indices[d]!);
    if (iv.error) return null;
    if (iv.t.k !== 'int' && !iv.flex) {
      e.diag.error(indices[d]!.pos, 'ST_TYPE', `an array index must be an integer, got ${iv.t.name}`);
      return null;
    }
    if (typeof iv.value === 'bigint') {
      const k = Number(iv.value);
      if (k < dim.lo || k > dim.hi) {
        e.diag.error(indices[d]!.pos, 'ST_RANGE', `index ${k} is outside the array's bounds ${dim.lo}..${dim.hi}`);
        return null;
      }
      constOff += (k - dim.lo) * mul * size;
    } else {
      const c = iv.t.k === 'int' && iv.t.bits === 64 ? `Number(${iv.code})` : iv.code;
      const k = `ix(${c}, ${dim.lo}, ${dim.hi}, ${e.site(indices[d]!.pos)})`;
      dyn.push(mul * size === 1 ? k : `${k} * ${mul * size}`);
    }
    mul *= dim.hi - dim.lo + 1;
  }
  const base = at(p, constOff, t.of);
  if (dyn.length === 0) return base;
  const addr = `${base.caddr !== null ? base.caddr : base.addr} + ${dyn.join(' + ')}`;
  return { t: t.of, addr, caddr: null, bit: -1, readonly: p.readonly, ...(p.caddr !== null ? { region: [p.caddr, p.caddr + t.size] as const } : {}) };
}

