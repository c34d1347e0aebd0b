// Reading and writing one variable of a running program by its resolved place: the value as a
// JavaScript boolean, number, bigint or string, checked against the variable's type on write
// (a value that does not fit is refused, never wrapped silently), and formatted as IEC literals.

import { TwinloopError } from '../../core/errors.ts';
import { formatDuration } from './runtime.ts';
import { intRange, repr, view } from './types.ts';
import type { VarPlace } from './var-path.ts';

export type StValue = boolean | number | bigint | string;

/** Cells of a typed-array view by its name in generated code (U8, I16, F64, ...). */
export type Cells = { [k: number]: number | bigint };

const VIEWS: Record<string, (b: ArrayBuffer) => Cells> = {
  U8: (b) => new Uint8Array(b),
  I8: (b) => new Int8Array(b),
  U16: (b) => new Uint16Array(b),
  I16: (b) => new Int16Array(b),
  U32: (b) => new Uint32Array(b),
  I32: (b) => new Int32Array(b),
  F32: (b) => new Float32Array(b),
  F64: (b) => new Float64Array(b),
  I64: (b) => new BigInt64Array(b),
  U64: (b) => new BigUint64Array(b),
};

/** A typed-array view of a program's memory by its name in generated code. */
export function viewOf(buf: ArrayBuffer, name: string): Cells {
  return VIEWS[name]!(buf);
}

function scalar(p: VarPlace): void {
  if (p.type.k === 'array' || p.type.k === 'struct' || p.type.k === 'fb' || p.type.k === 'void') {
    throw new TwinloopError('PLC_TAG_TYPE', `${p.path} is ${p.type.name}; read or write its elements`);
  }
}

export function readPlace(buf: ArrayBuffer, str: string[], p: VarPlace): StValue {
  scalar(p);
  const v = view(p.type);
  if (v.array === 'STR') return str[p.addr >> 2] ?? '';
  const raw = VIEWS[v.array]!(buf)[p.addr >> v.shift]!;
  if (p.bit >= 0) return typeof raw === 'bigint' ? ((raw >> BigInt(p.bit)) & 1n) === 1n : ((Number(raw) >>> p.bit) & 1) === 1;
  if (p.type.k === 'bool') return raw !== 0;
  return raw;
}

export function writePlace(buf: ArrayBuffer, str: string[], p: VarPlace, value: StValue): void {
  scalar(p);
  if (p.constant) throw new TwinloopError('PLC_TAG_TYPE', `${p.path} is a CONSTANT: the program is compiled with its value; change it in the source`);
  const t = p.type;
  const v = view(t);
  if (v.array === 'STR') {
    if (typeof value !== 'string') throw new TwinloopError('PLC_TAG_TYPE', `${p.path} is ${t.name}; give a string`);
    if (t.k === 'string' && value.length > t.length) throw new TwinloopError('PLC_TAG_TYPE', `${p.path} holds at most ${t.length} characters`);
    str[p.addr >> 2] = value;
    return;
  }
  const cells = VIEWS[v.array]!(buf);
  const at = p.addr >> v.shift;
  if (p.bit >= 0 || t.k === 'bool') {
    const b = value === true || value === 1 || value === 1n ? 1 : value === false || value === 0 || value === 0n ? 0 : null;
    if (b === null) throw new TwinloopError('PLC_TAG_TYPE', `${p.path} is BOOL; give TRUE or FALSE (or 1 or 0)`);
    if (p.bit < 0) {
      cells[at] = b;
      return;
    }
    const cur = cells[at]!;
    if (typeof cur === 'bigint') cells[at] = b ? cur | (1n << BigInt(p.bit)) : cur & ~(1n << BigInt(p.bit));
    else cells[at] = b ? cur | (1 << p.bit) : cur & ~(1 << p.bit);
    return;
  }
  if (t.k === 'real') {
    if (typeof value !== 'number') throw new TwinloopError('PLC_TAG_TYPE', `${p.path} is ${t.name}; give a number`);
    cells[at] = value;
    return;
  }
  if (t.k === 'int' || t.k === 'enum' || t.k === 'time') {
    let n: bigint;
    if (typeof value === 'bigint') n = value;
    else if (typeof value === 'number' && Number.isInteger(value)) n = BigInt(value);
    else if (typeof value === 'boolean') n = value ? 1n : 0n;
    else throw new TwinloopError('PLC_TAG_TYPE', `${p.path} is ${t.name}; give an integer`);
    if (t.k === 'enum' && !t.spelled.has(Number(n))) throw new TwinloopError('PLC_TAG_TYPE', `${p.path} is ${t.name}; ${n} is none of its values (${[...t.spelled.entries()].map(([k, s]) => `${s} = ${k}`).join(', ')})`);
    const it = t.k === 'int' ? t : t.k === 'enum' ? t.base : null;
    if (it !== null) {
      const r = intRange(it);
      if (n < r.lo || n > r.hi) throw new TwinloopError('PLC_TAG_TYPE', `${p.path} is ${t.name}; ${n} is outside ${r.lo}..${r.hi}`);
    }
    cells[at] = repr(t) === 'big' ? n : Number(n);
    return;
  }
  throw new TwinloopError('PLC_TAG_TYPE', `${p.path}: cannot write ${t.name}`);
}

/**
 * A store of one value into one place, checked once here, for a force held every scan: the
 * returned function writes the raw cell (a bit by read-modify-write) and allocates nothing.
 * @throws TwinloopError PLC_TAG_TYPE as writePlace does
 */
export function writerOf(buf: ArrayBuffer, str: string[], p: VarPlace, value: StValue): () => void {
  writePlace(buf, str, p, value);
  const v = view(p.type);
  const at = p.addr >> v.shift;
  if (v.array === 'STR') {
    const s = value as string;
    return () => {
      str[at] = s;
    };
  }
  const cells = viewOf(buf, v.array);
  const raw = cells[at]!; // what writePlace stored
  if (p.bit < 0) {
    return () => {
      cells[at] = raw;
    };
  }
  const on = value === true || value === 1 || value === 1n;
  if (typeof raw === 'bigint') {
    const mask = 1n << BigInt(p.bit);
    return () => {
      const c = cells[at] as bigint;
      cells[at] = on ? c | mask : c & ~mask;
    };
  }
  const mask = 1 << p.bit;
  return () => {
    const c = cells[at] as number;
    cells[at] = on ? c | mask : c & ~mask;
  };
}

/** A value as an IEC literal, for the online view. */
export function formatValue(p: VarPlace, v: StValue): string {
  const t = p.type;
  if (p.bit >= 0 || t.k === 'bool') return v ? 'TRUE' : 'FALSE';
  if (t.k === 'string') return `'${String(v)}'`;
  if (t.k === 'enum') return t.spelled.get(Number(v)) ?? String(v);
  if (t.k === 'time') return t.name === 'TIME' ? formatDuration(BigInt(v as number) * 1000000n, 'T#') : formatDuration(v as bigint, 'LTIME#');
  if (t.k === 'real' && t.size === 4) {
    const x = v as number;
    for (let k = 1; k <= 9; k++) if (Math.fround(Number(x.toPrecision(k))) === x) return String(Number(x.toPrecision(k)));
  }
  return String(v);
}

/**
 * A value typed by a person (online view, API) for a place: `TRUE`/`FALSE`/`1`/`0`, integers
 * (also 16#FF), reals, `T#1s500ms` or milliseconds for TIME, an enumeration value's name.
 * @throws TwinloopError PLC_TAG_TYPE with what was expected
 */
export function parseValue(p: VarPlace, text: string): StValue {
  const t = p.type;
  const s = text.trim();
  const bad = (want: string) => new TwinloopError('PLC_TAG_TYPE', `${p.path} is ${t.name}: expected ${want}, got ${JSON.stringify(text)}`);
  if (p.bit >= 0 || t.k === 'bool') {
    const u = s.toUpperCase();
    if (u === 'TRUE' || u === '1') return true;
    if (u === 'FALSE' || u === '0') return false;
    throw bad('TRUE or FALSE');
  }
  if (t.k === 'string') {
    // A quoted literal as the online view prints it ('text', with $' and $$) or plain text.
    const q = /^'((?:[^'$]|\$.)*)'$/s.exec(s);
    return q ? q[1]!.replace(/\$(.)/g, (_m, c: string) => (c === 'N' || c === 'n' || c === 'L' || c === 'l' ? '\n' : c === 'T' || c === 't' ? '\t' : c === 'R' || c === 'r' ? '\r' : c)) : text;
  }
  if (t.k === 'real') {
    const v = Number(s.replace(/^L?REAL#/i, '').replace(/_/g, ''));
    if (s === '' || !Number.isFinite(v)) throw bad('a number');
    return v;
  }
  if (t.k === 'enum') {
    const byName = t.values.get(s.replace(/^.*#/, '').toUpperCase());
    if (byName !== undefined) return byName;
  }
  if (t.k === 'time') {
    const m = /^(?:L?T(?:IME)?#)(-)?(.+)$/i.exec(s);
    if (m) {
      let ns = 0;
      const units: Record<string, number> = { d: 86400e9, h: 3600e9, m: 60e9, s: 1e9, ms: 1e6, us: 1e3, ns: 1 };
      const re = /(\d+(?:\.\d+)?)(ms|us|ns|d|h|m|s)/gy;
      const body = m[2]!.replace(/_/g, '');
      let at = 0;
      let k: RegExpExecArray | null;
      while ((k = re.exec(body)) !== null) {
        ns += Number(k[1]) * units[k[2]!.toLowerCase()]!;
        at = re.lastIndex;
      }
      if (at !== body.length || body === '') throw bad('a duration such as T#1s500ms');
      const v = m[1] ? -ns : ns;
      return t.name === 'TIME' ? Math.trunc(v / 1e6) : BigInt(Math.trunc(v));
    }
  }
  const h = /^(?:[A-Z_]+#)?(?:(2|8|16)#)?(-?[0-9A-Fa-f_]+)$/i.exec(s);
  if (!h) throw bad(t.k === 'enum' ? `one of ${[...t.spelled.values()].join(', ')}` : 'an integer');
  const digits = h[2]!.replace(/_/g, '');
  let v: bigint;
  try {
    v = h[1] ? BigInt(`${digits.startsWith('-') ? '-' : ''}0${h[1] === '16' ? 'x' : h[1] === '8' ? 'o' : 'b'}${digits.replace('-', '')}`) : BigInt(digits);
  } catch {
    throw bad('an integer');
  }
  return repr(t) === 'big' ? v : Number(v);
}
