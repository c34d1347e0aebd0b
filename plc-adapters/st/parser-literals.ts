// Turns the image of a literal token into its AST node: integers as exact bigints, durations in
// nanoseconds, dates in milliseconds, strings with their $-escapes resolved. Pure functions; a
// malformed literal is reported through `report` and still yields a node (value 0), so one bad
// literal does not hide the errors after it.

import type { Expr, Pos } from './ast.ts';

export type Report = (message: string) => void;

const BASES: Record<string, { radix: string; digits: RegExp; name: string }> = {
  '2': { radix: '0b', digits: /^[01]+$/, name: 'binary' },
  '8': { radix: '0o', digits: /^[0-7]+$/, name: 'octal' },
  '16': { radix: '0x', digits: /^[0-9A-Fa-f]+$/, name: 'hexadecimal' },
};

function clean(digits: string): string {
  return digits.replace(/_/g, '');
}

/** `42`, `1_000`, `16#FF_FF`, `2#1010`; null after reporting when the digits do not fit the base. */
export function intValue(image: string, report: Report): bigint | null {
  const hash = image.indexOf('#');
  if (hash < 0) return BigInt(clean(image));
  const base = BASES[image.slice(0, hash)];
  const digits = clean(image.slice(hash + 1));
  if (!base) {
    report(`invalid integer literal '${image}': the base must be 2, 8 or 16`);
    return null;
  }
  if (!base.digits.test(digits)) {
    report(`invalid ${base.name} literal '${image}'`);
    return null;
  }
  return BigInt(base.radix + digits);
}

const isReal = (s: string): boolean => !s.includes('#') && /[.eE]/.test(s);

/** INT#5, DINT#16#FF, INT#-5, REAL#1.5, LREAL#2, BOOL#1: the prefix decides the node kind. */
export function typedNumber(image: string, pos: Pos, report: Report): Expr {
  const hash = image.indexOf('#');
  const type = image.slice(0, hash);
  let body = image.slice(hash + 1);
  let negative = false;
  if (body[0] === '+' || body[0] === '-') {
    negative = body[0] === '-';
    body = body.slice(1);
  }
  const upper = type.toUpperCase();
  if (upper === 'BOOL') {
    if (body === '0' || body === '1') return { kind: 'bool', value: body === '1', pos };
    report(`invalid BOOL literal '${image}': expected BOOL#0, BOOL#1, BOOL#TRUE or BOOL#FALSE`);
    return { kind: 'bool', value: false, pos };
  }
  if (upper === 'REAL' || upper === 'LREAL' || isReal(body)) {
    const value = isReal(body) ? Number(clean(body)) : Number(intValue(body, report) ?? 0n);
    return { kind: 'real', value: negative ? -value : value, type, pos };
  }
  const v = intValue(body, report) ?? 0n;
  return { kind: 'int', value: negative ? -v : v, type, pos };
}

/** Color#Red; BOOL#TRUE / BOOL#FALSE are booleans. */
export function typedName(image: string, pos: Pos): Expr {
  const hash = image.indexOf('#');
  const type = image.slice(0, hash);
  const name = image.slice(hash + 1);
  if (type.toUpperCase() === 'BOOL') {
    const n = name.toUpperCase();
    if (n === 'TRUE' || n === 'FALSE') return { kind: 'bool', value: n === 'TRUE', pos };
  }
  return { kind: 'typedName', type, name, pos };
}

const NS_PER: Record<string, bigint> = {
  d: 86_400_000_000_000n,
  h: 3_600_000_000_000n,
  m: 60_000_000_000n,
  s: 1_000_000_000n,
  ms: 1_000_000n,
  us: 1_000n,
  ns: 1n,
};

/** `digits[.fraction]` times `unit` nanoseconds, exact, rounded half up below 1 ns. */
function scaled(whole: string, fraction: string, unit: bigint): bigint {
  const scale = 10n ** BigInt(fraction.length);
  const n = BigInt(whole + fraction) * unit;
  return (n * 2n + scale) / (2n * scale);
}

/** T#1s500ms, TIME#-2.5s, LT#5us, T#1d2h3m4s5ms6us7ns, T#1s_500ms. */
export function duration(image: string, pos: Pos, report: Report): Expr {
  const hash = image.indexOf('#');
  const prefix = image.slice(0, hash).toUpperCase();
  const long = prefix === 'LT' || prefix === 'LTIME';
  let body = image.slice(hash + 1).replace(/_/g, '').toLowerCase();
  let negative = false;
  if (body[0] === '+' || body[0] === '-') {
    negative = body[0] === '-';
    body = body.slice(1);
  }
  const part = /([0-9]+)(?:\.([0-9]+))?(ms|us|ns|d|h|m|s)/y;
  let ns = 0n;
  let at = 0;
  while (at < body.length) {
    part.lastIndex = at;
    const m = part.exec(body);
    if (!m) break;
    ns += scaled(m[1] ?? '0', m[2] ?? '', NS_PER[m[3] ?? 's'] ?? 0n);
    at = part.lastIndex;
  }
  if (at === 0 || at < body.length) {
    report(`invalid duration literal '${image}': expected a number and a unit (d, h, m, s, ms, us, ns) such as T#1s500ms`);
    return { kind: 'duration', ns: 0n, long, pos };
  }
  return { kind: 'duration', ns: negative ? -ns : ns, long, pos };
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** yyyy-mm-dd in ms since 1970-01-01 UTC, or null when no such day exists. */
function dayMs(y: string, m: string, d: string): bigint | null {
  const yy = Number(y);
  const mm = Number(m);
  const dd = Number(d);
  if (mm < 1 || mm > 12 || dd < 1 || dd > daysInMonth(yy, mm)) return null;
  return BigInt(daysFromCivil(yy, mm, dd)) * 86_400_000n;
}

/** hh:mm[:ss[.fff]] in ms since midnight, or null when out of range. */
function timeOfDayMs(h: string, min: string, s: string | undefined, frac: string | undefined): bigint | null {
  const hh = Number(h);
  const mm = Number(min);
  const ss = Number(s ?? '0');
  if (hh > 23 || mm > 59 || ss > 59) return null;
  const ms = Number((frac ?? '').padEnd(3, '0').slice(0, 3));
  return BigInt(((hh * 60 + mm) * 60 + ss) * 1000 + ms);
}

const DATE_RE = /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$/;
const TOD_RE = /^([0-9]{1,2}):([0-9]{1,2})(?::([0-9]{1,2})(?:\.([0-9]+))?)?$/;
const DT_RE = /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})-([0-9]{1,2}):([0-9]{1,2})(?::([0-9]{1,2})(?:\.([0-9]+))?)?$/;

/** D#2024-01-31, TOD#12:30:15.5, DT#2024-01-31-12:30:15 (ms since 1970 UTC, or since midnight). */
export function date(image: string, pos: Pos, report: Report): Expr {
  const hash = image.indexOf('#');
  const prefix = image.slice(0, hash).toUpperCase();
  const body = image.slice(hash + 1);
  const type = prefix === 'D' || prefix === 'DATE' ? 'DATE' : prefix === 'TOD' || prefix === 'TIME_OF_DAY' ? 'TOD' : 'DT';
  let ms: bigint | null = null;
  if (type === 'DATE') {
    const m = DATE_RE.exec(body);
    if (m) ms = dayMs(m[1] ?? '', m[2] ?? '', m[3] ?? '');
  } else if (type === 'TOD') {
    const m = TOD_RE.exec(body);
    if (m) ms = timeOfDayMs(m[1] ?? '', m[2] ?? '', m[3], m[4]);
  } else {
    const m = DT_RE.exec(body);
    const day = m ? dayMs(m[1] ?? '', m[2] ?? '', m[3] ?? '') : null;
    const time = m ? timeOfDayMs(m[4] ?? '', m[5] ?? '', m[6], m[7]) : null;
    if (day !== null && time !== null) ms = day + time;
  }
  if (ms === null) {
    const shape = type === 'DATE' ? 'D#yyyy-mm-dd' : type === 'TOD' ? 'TOD#hh:mm:ss[.fff]' : 'DT#yyyy-mm-dd-hh:mm:ss[.fff]';
    report(`invalid ${type === 'DATE' ? 'date' : type === 'TOD' ? 'time of day' : 'date and time'} literal '${image}': expected ${shape}`);
    ms = 0n;
  }
  return { kind: 'date', type, ms, pos };
}

const ESCAPES: Record<string, string> = { $: '$', "'": "'", '"': '"', L: '\n', N: '\n', R: '\r', T: '\t', P: '\f' };

/**
 * 'abc' or "abc" with $-escapes ($N, $L, $R, $T, $P, $$, $', $", $hh, wide: $hhhh). `closed` is
 * false for a string the lexer found unterminated (already reported): its text runs to the line end.
 */
export function string(image: string, closed: boolean, pos: Pos, report: Report): Expr {
  const wide = image[0] === '"';
  const inner = closed ? image.slice(1, -1) : image.slice(1);
  let value = '';
  const hex = wide ? 4 : 2;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i] ?? '';
    if (c !== '$') {
      value += c;
      continue;
    }
    const code = inner.slice(i + 1, i + 1 + hex);
    if (code.length === hex && /^[0-9A-Fa-f]+$/.test(code)) {
      value += String.fromCharCode(parseInt(code, 16));
      i += hex;
      continue;
    }
    const e = ESCAPES[(inner[i + 1] ?? '').toUpperCase()];
    if (e === undefined) report(`invalid escape '$${inner[i + 1] ?? ''}' in a string: use $$, $', $N, $L, $R, $T, $P or $ and ${hex} hex digits`);
    else value += e;
    i++;
  }
  return { kind: 'string', value, wide, pos };
}
