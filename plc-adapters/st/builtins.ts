// The standard functions of IEC 61131-3 (numeric, selection, bit shift, conversion, string) and
// the unit-test assertions, as code generation rules: each checks its arguments' types and
// emits JavaScript over the runtime helpers of runtime.ts. The standard function blocks (TON,
// CTU, ...) are not here: they are written in ST (stdlib.ts) and compiled with the program.

import type { CallExpr, Pos } from './ast.ts';
import { coerce, flexInt } from './emit-expr.ts';
import type { Emitter } from './emitter.ts';
import { convertCode, explicitExists } from './convert.ts';
import { CLOCK_ADDRESS } from './declarations.ts';
import { BOOL, commonType, DINT, ELEMENTARY, INT, isNumeric, LINT, LREAL, REAL, repr, stringType, TIME, type Type, UINT, VOID } from './types.ts';
import { BAD, load, type Val, val, wrap } from './values.ts';

type Builtin = (e: Emitter, args: Val[], pos: Pos, call: CallExpr) => Val;

interface Spec {
  /** Formal parameter names (upper case) in positional order; '*' = variadic. */
  readonly params: readonly string[];
  /** Minimum argument count. */
  readonly min: number;
  readonly gen: Builtin;
}


function real1(fn: string): Spec {
  return {
    params: ['IN'],
    min: 1,
    gen: (e, [a], pos) => {
      const t = a!.t.k === 'real' ? a!.t : LREAL;
      if (!isNumeric(a!.t) && !a!.flex) return typeError(e, pos, fn, 'a number', a!);
      const c = coerce(e, a!, t, pos, `argument of ${fn}`);
      return val(t, t === REAL ? `fround(Math.${fn}(${c}))` : `Math.${fn}(${c})`);
    },
  };
}

/** All arguments untyped integer constants: their values (the call folds to a constant). */
function constants(args: Val[]): bigint[] | null {
  return args.every((a) => a.flex === 'int' && typeof a.value === 'bigint') ? args.map((a) => a.value as bigint) : null;
}

/** An untyped integer whose value is one of `values` (a selection among literals). */
function flexRange(code: string, values: bigint[], t: Type): Val {
  const lo = values.reduce((a, b) => (a < b ? a : b));
  const hi = values.reduce((a, b) => (a > b ? a : b));
  return { t, code, flex: 'int', value: null, place: null, range: [lo, hi] };
}

function typeError(e: Emitter, pos: Pos, fn: string, want: string, got: Val): Val {
  e.diag.error(pos, 'ST_TYPE', `${fn} needs ${want}, got ${got.t.name}`);
  return BAD;
}

/** The common type of several arguments (untyped literals follow the typed ones). */
function common(e: Emitter, args: Val[], pos: Pos, fn: string): Type | null {
  let t: Type | null = null;
  for (const a of args) if (!a.flex) t = t === null ? a.t : commonType(t, a.t);
  if (t === null && args.length > 0) {
    const typed = args.filter((a) => !a.flex);
    if (typed.length > 0) {
      e.diag.error(pos, 'ST_TYPE', `${fn}: cannot combine ${typed.map((a) => a.t.name).join(', ')}`);
      return null;
    }
    t = args.some((a) => a.flex === 'real') ? LREAL : args[0]!.t;
  }
  return t;
}

function minMax(fn: 'MIN' | 'MAX'): Spec {
  return {
    params: ['*'],
    min: 2,
    gen: (e, args, pos) => {
      const k = constants(args);
      if (k) return flexInt(e, k.reduce((a, b) => (fn === 'MAX' ? (a >= b ? a : b) : a <= b ? a : b)), pos);
      const t = common(e, args, pos, fn);
      if (t === null) return BAD;
      const cs = args.map((a) => coerce(e, a, t, pos, `argument of ${fn}`));
      if (t.k === 'string' || repr(t) === 'big') {
        return val(t, cs.reduce((acc, c) => {
          const x = e.temp();
          const y = e.temp();
          return `((${x} = ${acc}, ${y} = ${c}), ${x} ${fn === 'MAX' ? '>=' : '<='} ${y} ? ${x} : ${y})`;
        }));
      }
      return val(t, `Math.${fn.toLowerCase()}(${cs.join(', ')})`);
    },
  };
}

function shift(fn: 'SHL' | 'SHR' | 'ROL' | 'ROR'): Spec {
  return {
    params: ['IN', 'N'],
    min: 2,
    gen: (e, [a, n], pos) => {
      if (a!.t.k !== 'int' || (!a!.t.bitString && a!.flex === null && a!.t.signed)) {
        if (!(a!.t.k === 'int')) return typeError(e, pos, fn, 'a bit string (BYTE, WORD, DWORD, LWORD)', a!);
      }
      const t = a!.t as Extract<Type, { k: 'int' }>;
      const nc = coerce(e, n!, n!.t.k === 'int' && n!.t.bits === 64 ? n!.t : n!.flex ? UINT : n!.t, pos, `N of ${fn}`);
      const bits = t.bits;
      if (bits === 64) {
        const bn = `BigInt(${nc})`;
        if (fn === 'SHL') return val(t, wrap(t, `${a!.code} << ${bn}`));
        if (fn === 'SHR') return val(t, `(BigInt.asUintN(64, ${a!.code}) >> ${bn})`);
        return val(t, `${fn === 'ROL' ? 'rol64' : 'ror64'}(${a!.code}, ${nc})`);
      }
      if (fn === 'SHL') return val(t, wrap(t, `shl32(${a!.code}, ${nc})`));
      if (fn === 'SHR') return val(t, wrap(t, `shr32(${a!.code} ${t.signed ? '' : `& ${bits === 32 ? '-1' : (1 << bits) - 1}`}, ${nc})`));
      return val(t, wrap(t, `${fn === 'ROL' ? 'rol' : 'ror'}(${a!.code}, ${nc}, ${bits})`));
    },
  };
}

function str(e: Emitter, a: Val, pos: Pos, fn: string): string | null {
  if (a.t.k !== 'string') {
    typeError(e, pos, fn, 'a STRING', a);
    return null;
  }
  return a.code;
}

function int(e: Emitter, a: Val, pos: Pos, fn: string): string {
  if (a.t.k !== 'int' && !a.flex) {
    typeError(e, pos, fn, 'an integer', a);
    return '0';
  }
  return a.t.k === 'int' && a.t.bits === 64 ? `Number(${a.code})` : coerce(e, a, a.flex ? DINT : a.t, pos, fn);
}

const S = stringType(255);

function strFn(params: string[], body: (e: Emitter, args: Val[], pos: Pos) => string | null, result: 'str' | 'int' = 'str'): Spec {
  return {
    params,
    min: params.length,
    gen: (e, args, pos) => {
      const c = body(e, args, pos);
      if (c === null) return BAD;
      return val(result === 'str' ? (args[0]!.t.k === 'string' ? stringType(Math.max(255, args[0]!.t.length)) : S) : INT, c);
    },
  };
}

export const BUILTINS: ReadonlyMap<string, Spec> = new Map<string, Spec>([
  ['ABS', {
    params: ['IN'],
    min: 1,
    gen: (e, [a], pos) => {
      if (!isNumeric(a!.t) && !a!.flex) return typeError(e, pos, 'ABS', 'a number', a!);
      const t = a!.t;
      if (t.k === 'real') return val(t, `Math.abs(${a!.code})`);
      if (t.k === 'int' && t.bits === 64) return val(t, wrap(t, `(${a!.code} < 0n ? -${a!.code} : ${a!.code})`));
      if (t.k === 'int') return val(t, wrap(t, `Math.abs(${a!.code})`));
      return BAD;
    },
  }],
  ['SQRT', real1('sqrt')],
  ['LN', real1('log')],
  ['LOG', real1('log10')],
  ['EXP', real1('exp')],
  ['SIN', real1('sin')],
  ['COS', real1('cos')],
  ['TAN', real1('tan')],
  ['ASIN', real1('asin')],
  ['ACOS', real1('acos')],
  ['ATAN', real1('atan')],
  ['EXPT', {
    params: ['IN1', 'IN2'],
    min: 2,
    gen: (e, [a, b], pos) => {
      const t = a!.t === REAL ? REAL : LREAL;
      const ca = coerce(e, a!, t, pos, 'argument of EXPT');
      const cb = b!.t.k === 'int' && b!.t.bits === 64 ? `Number(${b!.code})` : coerce(e, b!, b!.t.k === 'real' ? b!.t : LREAL, pos, 'argument of EXPT');
      return val(t, t === REAL ? `fround(Math.pow(${ca}, ${cb}))` : `Math.pow(${ca}, ${cb})`);
    },
  }],
  ['TRUNC', {
    params: ['IN'],
    min: 1,
    gen: (e, [a], pos) => (a!.t.k === 'real' || a!.flex === 'real' ? val(DINT, `Math.trunc(${a!.code}) | 0`) : typeError(e, pos, 'TRUNC', 'REAL or LREAL', a!)),
  }],
  ['TRUNC_INT', {
    params: ['IN'],
    min: 1,
    gen: (e, [a], pos) => (a!.t.k === 'real' || a!.flex === 'real' ? val(INT, `Math.trunc(${a!.code}) << 16 >> 16`) : typeError(e, pos, 'TRUNC_INT', 'REAL or LREAL', a!)),
  }],
  ['SEL', {
    params: ['G', 'IN0', 'IN1'],
    min: 3,
    gen: (e, [g, a, b], pos) => {
      const k = constants([a!, b!]);
      if (k && typeof g!.value === 'boolean') return flexInt(e, g!.value ? k[1]! : k[0]!, pos);
      const cg = coerce(e, g!, BOOL, pos, 'G of SEL');
      if (k) return flexRange(`(${cg} ? ${a!.t === b!.t ? b!.code : coerce(e, b!, LINT, pos, 'IN1 of SEL')} : ${a!.t === b!.t ? a!.code : coerce(e, a!, LINT, pos, 'IN0 of SEL')})`, k, a!.t === b!.t ? a!.t : LINT);
      const t = common(e, [a!, b!], pos, 'SEL');
      if (t === null) return BAD;
      if (t.k === 'array' || t.k === 'struct' || t.k === 'fb') return typeError(e, pos, 'SEL', 'elementary values', a!);
      return val(t, `(${cg} ? ${coerce(e, b!, t, pos, 'IN1 of SEL')} : ${coerce(e, a!, t, pos, 'IN0 of SEL')})`);
    },
  }],
  ['MAX', minMax('MAX')],
  ['MIN', minMax('MIN')],
  ['LIMIT', {
    params: ['MN', 'IN', 'MX'],
    min: 3,
    gen: (e, [mn, x, mx], pos) => {
      const k = constants([mn!, x!, mx!]);
      if (k) return flexInt(e, k[1]! < k[0]! ? k[0]! : k[1]! > k[2]! ? k[2]! : k[1]!, pos);
      const t = common(e, [mn!, x!, mx!], pos, 'LIMIT');
      if (t === null) return BAD;
      const [a, b, c] = [mn!, x!, mx!].map((v) => coerce(e, v, t, pos, 'argument of LIMIT'));
      if (repr(t) === 'num') return val(t, `Math.min(Math.max(${b}, ${a}), ${c})`);
      const tx = e.temp();
      const ty = e.temp();
      return val(t, `((${tx} = ${b}, ${ty} = ${a}), ${tx} = ${tx} < ${ty} ? ${ty} : ${tx}, ${ty} = ${c}, ${tx} > ${ty} ? ${ty} : ${tx})`);
    },
  }],
  ['MUX', {
    params: ['*'],
    min: 2,
    gen: (e, [k, ...ins], pos) => {
      const kc = constants([k!, ...ins]);
      if (kc) return flexInt(e, kc[1 + Math.min(ins.length - 1, Math.max(0, Number(kc[0])))]!, pos);
      const ki = constants(ins);
      const t = ki ? (ins.every((v) => v.t === ins[0]!.t) ? ins[0]!.t : LINT) : common(e, ins, pos, 'MUX');
      if (t === null) return BAD;
      const ck = int(e, k!, pos, 'K of MUX');
      const cs = ins.map((v) => coerce(e, v, t, pos, 'argument of MUX'));
      // K outside 0..n-1: IEC calls it an error; the last input is taken (as CODESYS does not
      // check either), and the online view shows K.
      const tk = e.temp();
      let code = cs[cs.length - 1]!;
      for (let i = cs.length - 2; i >= 0; i--) code = `(${tk} === ${i} ? ${cs[i]} : ${code})`;
      if (ki) return flexRange(`(${tk} = ${ck}, ${code})`, ki, t);
      return val(t, `(${tk} = ${ck}, ${code})`);
    },
  }],
  ['SHL', shift('SHL')],
  ['SHR', shift('SHR')],
  ['ROL', shift('ROL')],
  ['ROR', shift('ROR')],
  ['LEN', strFn(['IN'], (e, [a], pos) => (str(e, a!, pos, 'LEN') === null ? null : `${a!.code}.length`), 'int')],
  ['LEFT', strFn(['IN', 'L'], (e, [a, l], pos) => (str(e, a!, pos, 'LEFT') === null ? null : `sleft(${a!.code}, ${int(e, l!, pos, 'L of LEFT')})`))],
  ['RIGHT', strFn(['IN', 'L'], (e, [a, l], pos) => (str(e, a!, pos, 'RIGHT') === null ? null : `sright(${a!.code}, ${int(e, l!, pos, 'L of RIGHT')})`))],
  ['MID', strFn(['IN', 'L', 'P'], (e, [a, l, p], pos) => (str(e, a!, pos, 'MID') === null ? null : `smid(${a!.code}, ${int(e, l!, pos, 'L of MID')}, ${int(e, p!, pos, 'P of MID')})`))],
  ['FIND', strFn(['IN1', 'IN2'], (e, [a, b], pos) => (str(e, a!, pos, 'FIND') === null || str(e, b!, pos, 'FIND') === null ? null : `sfind(${a!.code}, ${b!.code})`), 'int')],
  ['INSERT', strFn(['IN1', 'IN2', 'P'], (e, [a, b, p], pos) => (str(e, a!, pos, 'INSERT') === null || str(e, b!, pos, 'INSERT') === null ? null : `sinsert(${a!.code}, ${b!.code}, ${int(e, p!, pos, 'P of INSERT')})`))],
  ['DELETE', strFn(['IN', 'L', 'P'], (e, [a, l, p], pos) => (str(e, a!, pos, 'DELETE') === null ? null : `sdelete(${a!.code}, ${int(e, l!, pos, 'L of DELETE')}, ${int(e, p!, pos, 'P of DELETE')})`))],
  ['REPLACE', strFn(['IN1', 'IN2', 'L', 'P'], (e, [a, b, l, p], pos) => (str(e, a!, pos, 'REPLACE') === null || str(e, b!, pos, 'REPLACE') === null ? null : `sreplace(${a!.code}, ${b!.code}, ${int(e, l!, pos, 'L of REPLACE')}, ${int(e, p!, pos, 'P of REPLACE')})`))],
  ['CONCAT', {
    params: ['*'],
    min: 2,
    gen: (e, args, pos) => {
      for (const a of args) if (str(e, a, pos, 'CONCAT') === null) return BAD;
      const len = args.reduce((n, a) => n + (a.t.k === 'string' ? a.t.length : 0), 0);
      return val(stringType(Math.min(65535, Math.max(255, len))), `(${args.map((a) => a.code).join(' + ')})`);
    },
  }],
  ['MOVE', { params: ['IN'], min: 1, gen: (_e, [a]) => a! }],
  ['TEST_FINISHED', { params: [], min: 0, gen: () => val(VOID, 'testFinished()') }],
  ['ASSERT_TRUE', {
    params: ['CONDITION', 'MESSAGE'],
    min: 1,
    gen: (e, [c, m], pos) => val(VOID, `assertTrue(${coerce(e, c!, BOOL, pos, 'Condition of ASSERT_TRUE')}, ${m ? m.code : "''"}, ${e.site(pos)})`),
  }],
  ['ASSERT_FALSE', {
    params: ['CONDITION', 'MESSAGE'],
    min: 1,
    gen: (e, [c, m], pos) => val(VOID, `assertTrue(!${coerce(e, c!, BOOL, pos, 'Condition of ASSERT_FALSE')}, ${m ? m.code : "''"}, ${e.site(pos)})`),
  }],
  ['ASSERT_EQUAL', {
    params: ['EXPECTED', 'ACTUAL', 'MESSAGE'],
    min: 2,
    gen: (e, [x, y, m], pos) => {
      const t = x!.t.k === 'enum' && x!.t === y!.t ? x!.t : x!.t.k === 'string' && y!.t.k === 'string' ? y!.t : common(e, [x!, y!], pos, 'ASSERT_EQUAL');
      if (t === null) return BAD;
      if (t.k === 'array' || t.k === 'struct' || t.k === 'fb') return typeError(e, pos, 'ASSERT_EQUAL', 'elementary values', x!);
      const cx = t.k === 'string' || t.k === 'enum' ? x!.code : coerce(e, x!, t, pos, 'Expected of ASSERT_EQUAL');
      const cy = t.k === 'string' || t.k === 'enum' ? y!.code : coerce(e, y!, t, pos, 'Actual of ASSERT_EQUAL');
      const norm = (c: string) => (t.k === 'bool' ? `(${c} ? 1 : 0)` : c);
      return val(VOID, `assertEqual(${norm(cx)}, ${norm(cy)}, ${m ? m.code : "''"}, ${e.site(pos)}, ${JSON.stringify(t.k === 'bool' ? 'BOOL' : t.k === 'time' ? t.name : '')})`);
    },
  }],
  ['ASSERT_NEAR', {
    params: ['EXPECTED', 'ACTUAL', 'DELTA', 'MESSAGE'],
    min: 3,
    gen: (e, [x, y, d, m], pos) => {
      const c = (v: Val, what: string) => (v.t.k === 'int' && v.t.bits === 64 ? `Number(${v.code})` : coerce(e, v, LREAL, pos, `${what} of ASSERT_NEAR`));
      return val(VOID, `assertNear(${c(x!, 'Expected')}, ${c(y!, 'Actual')}, ${c(d!, 'Delta')}, ${m ? m.code : "''"}, ${e.site(pos)})`);
    },
  }],
  // The scan clock for the standard timers (stdlib.ts): milliseconds of controller time.
  // Read as a cell (I32[0]), so the unobserved scan's read cache reads it once a path.
  ['__CLOCK', { params: [], min: 0, gen: () => val(TIME, load({ t: TIME, addr: '', caddr: CLOCK_ADDRESS, bit: -1, readonly: null })) }],
]);

/**
 * `X_TO_Y` and `TO_Y` (CODESYS) conversions: JavaScript for the argument as type Y, or null
 * when `name` is not a conversion.
 */
export function conversion(e: Emitter, name: string, args: Val[], pos: Pos): Val | null {
  const m = /^(?:([A-Z_]+?)_)?TO_([A-Z_]+)$/.exec(name);
  if (!m) return null;
  const to = ELEMENTARY.get(m[2]!);
  if (!to) return null;
  const from = m[1] !== undefined ? ELEMENTARY.get(m[1]) : undefined;
  if (m[1] !== undefined && !from) return null;
  if (args.length !== 1) {
    e.diag.error(pos, 'ST_ARGS', `${name} takes one argument, got ${args.length}`);
    return BAD;
  }
  const a = args[0]!;
  let src = a.t;
  if (a.flex === 'int') src = from && from.k === 'int' ? from : typeof a.value === 'bigint' && (a.value > 2147483647n || a.value < -2147483648n) ? a.t : DINT;
  if (a.flex === 'real') src = from?.k === 'real' ? from : LREAL;
  if (from && src !== from && !(from.k === 'string' && src.k === 'string') && !(a.flex && from.k === src.k)) {
    e.diag.error(pos, 'ST_TYPE', `${name} needs ${from.name}, got ${a.t.name}`);
    return BAD;
  }
  if (!explicitExists(src, to)) {
    e.diag.error(pos, 'ST_TYPE', `no conversion from ${src.name} to ${to.name}`);
    return BAD;
  }
  const code = a.flex === 'int' && src.k === 'int' && src.bits === 64 && typeof a.value === 'bigint' ? `${a.value}n` : a.flex ? coerce(e, a, src, pos, name) : a.code;
  return val(to, convertCode(src, to, code));
}

