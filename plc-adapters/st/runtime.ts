// The helpers generated code calls: checked array indexing and integer division (a runtime
// fault stops the controller as a PLC's would), IEC rounding and string functions, the scan
// clock, the watchdog, and the unit-test assertions. One Runtime per program instance; nothing
// here allocates on the normal path (faults and failed assertions are the exceptions).

import type { Site } from './emitter.ts';

export type FaultKind = 'index' | 'divzero' | 'watchdog' | 'assert';

/** Thrown by generated code; the program catches it at the end of the scan and goes to STOP. */
export class StFault extends Error {
  readonly kind: FaultKind;
  readonly site: number;
  constructor(kind: FaultKind, site: number, message: string) {
    super(message);
    this.kind = kind;
    this.site = site;
  }
}

export interface AssertionFailure {
  readonly site: Site;
  readonly message: string;
  readonly expected: string;
  readonly actual: string;
  readonly scan: number;
}

const F32 = new Float32Array(1);

export class Runtime {
  readonly sites: readonly Site[];
  /**
   * [0] milliseconds of controller time (scans x cycle); [1] wall-clock deadline of the current
   * scan (performance.now() ms) for the watchdog, NaN until its first check in the scan. Doubles in a typed array, not object fields:
   * a field store would box each new value (16 bytes a scan).
   */
  readonly times = new Float64Array([0, NaN]);
  watchdogMs: number;
  /** Scans done since start or reset; during a scan, that scan's number (0-based). */
  scan = 0;
  /**
   * Called by the generated scan with whatever a scan threw (the program's owner stops the
   * controller for an StFault and rethrows anything else) and the output image to clear.
   */
  fault: (err: unknown, q: Float64Array) => void = (err) => {
    throw err;
  };
  finished = false;
  readonly failures: AssertionFailure[] = [];
  #u8: Uint8Array = new Uint8Array(0);
  #str: string[] = [];

  constructor(sites: readonly Site[], watchdogMs: number) {
    this.sites = sites;
    this.watchdogMs = watchdogMs;
  }

  /** Called by the generated module with its memory (for acopy of string slots). */
  bind = (u8: Uint8Array, str: string[]): void => {
    this.#u8 = u8;
    this.#str = str;
  };

  ix = (i: number, lo: number, hi: number, site: number): number => {
    if (i < lo || i > hi) throw new StFault('index', site, `array index ${i} is outside ${lo}..${hi}`);
    return i - lo;
  };

  idiv = (a: number, b: number, site: number): number => {
    if (b === 0) throw new StFault('divzero', site, 'integer division by zero');
    return Math.trunc(a / b);
  };

  // MOD by zero is 0, not a fault: IEC 61131-3 defines MOD (3rd ed., Table 29) as
  // IF IN2 = 0 THEN 0 ELSE IN1 - (IN1 / IN2) * IN2.
  imod = (a: number, b: number, _site: number): number => (b === 0 ? 0 : a % b);

  ldiv = (a: bigint, b: bigint, site: number): bigint => {
    if (b === 0n) throw new StFault('divzero', site, 'integer division by zero');
    return a / b;
  };

  lmod = (a: bigint, b: bigint, _site: number): bigint => (b === 0n ? 0n : a % b);

  fround = Math.fround;

  slen = (s: string, n: number): string => (s.length > n ? s.slice(0, n) : s);

  /**
   * REAL to integer: round to nearest, halfway cases to even (IEC 61131-3 3rd ed., 6.6.2.7.2,
   * Table 22: conversions from floating point round as IEC 60559 does; REAL_TO_INT(2.5) = 2,
   * REAL_TO_INT(3.5) = 4), then the target's width.
   */
  realToInt = (x: number, bits: number, signed: boolean): number | bigint => {
    const fl = Math.floor(x);
    const diff = x - fl;
    const r = diff > 0.5 ? fl + 1 : diff < 0.5 ? fl : fl % 2 === 0 ? fl : fl + 1;
    if (bits === 64) {
      if (!Number.isFinite(r)) return 0n;
      return signed ? BigInt.asIntN(64, BigInt(r)) : BigInt.asUintN(64, BigInt(r));
    }
    if (!Number.isFinite(r)) return 0;
    const m = r % 4294967296;
    const w = signed ? (bits === 32 ? m | 0 : bits === 16 ? (m << 16) >> 16 : (m << 24) >> 24) : bits === 32 ? m >>> 0 : bits === 16 ? m & 65535 : m & 255;
    return w;
  };

  strToInt = (s: string): number => {
    const v = parseIecNumber(s);
    return Number.isFinite(v) ? Math.trunc(v) : 0;
  };

  strToBig = (s: string): bigint => {
    try {
      return BigInt(s.trim().replace(/_/g, '').replace(/^[A-Za-z]+#/, ''));
    } catch {
      return 0n;
    }
  };

  strToReal = (s: string): number => {
    const v = parseIecNumber(s);
    return Number.isFinite(v) ? v : 0;
  };

  /** REAL as CODESYS prints it: the shortest decimal that reads back as the same float32. */
  realToStr = (x: number): string => {
    if (!Number.isFinite(x)) return String(x);
    for (let p = 1; p <= 9; p++) {
      const s = x.toPrecision(p);
      F32[0] = Number(s);
      if (F32[0] === x) return String(Number(s));
    }
    return String(x);
  };

  lrealToStr = (x: number): string => String(x);

  timeToStr = (ms: number): string => formatDuration(BigInt(ms) * 1000000n, 'T#');

  ltimeToStr = (ns: bigint): string => formatDuration(ns, 'LTIME#');

  /** The watchdog: called every few thousand loop iterations. */
  wd = (site: number): void => {
    const now = performance.now();
    if (Number.isNaN(this.times[1]!)) this.times[1] = now + this.watchdogMs;
    else if (now > this.times[1]!) throw new StFault('watchdog', site, `the scan exceeded its watchdog of ${this.watchdogMs} ms (an endless loop?)`);
  };

  /** Copy a struct or array (and the strings it holds). */
  acopy = (dst: number, src: number, size: number): void => {
    if (dst === src) return;
    this.#u8.copyWithin(dst, src, src + size);
    const s = this.#str;
    if (s.length > 0) for (let k = 0; k < size; k += 4) s[(dst + k) >> 2] = s[(src + k) >> 2]!;
  };

  shl32 = (a: number, n: number): number => (n >= 32 ? 0 : a << n);
  shr32 = (a: number, n: number): number => (n >= 32 ? 0 : a >>> n);
  rol = (a: number, n: number, bits: number): number => {
    const k = n % bits;
    const mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
    const v = a & mask;
    return k === 0 ? v : ((v << k) | (v >>> (bits - k))) & mask;
  };
  ror = (a: number, n: number, bits: number): number => this.rol(a, bits - (n % bits), bits);
  rol64 = (a: bigint, n: number): bigint => {
    const k = BigInt(n % 64);
    const v = BigInt.asUintN(64, a);
    return k === 0n ? v : BigInt.asUintN(64, (v << k) | (v >> (64n - k)));
  };
  ror64 = (a: bigint, n: number): bigint => this.rol64(a, 64 - (n % 64));

  // IEC 61131-3 string functions (Table 29); positions are 1-based.
  sleft = (s: string, l: number): string => s.slice(0, Math.max(0, l));
  sright = (s: string, l: number): string => (l <= 0 ? '' : s.slice(Math.max(0, s.length - l)));
  smid = (s: string, l: number, p: number): string => (l <= 0 || p < 1 ? '' : s.slice(p - 1, p - 1 + l));
  sfind = (s: string, f: string): number => (f.length === 0 ? 0 : s.indexOf(f) + 1);
  sinsert = (s: string, t: string, p: number): string => (p < 0 ? s : s.slice(0, p) + t + s.slice(p));
  sdelete = (s: string, l: number, p: number): string => (p < 1 || l <= 0 ? s : s.slice(0, p - 1) + s.slice(p - 1 + l));
  sreplace = (s: string, t: string, l: number, p: number): string => (p < 1 ? s : s.slice(0, p - 1) + t + s.slice(p - 1 + Math.max(0, l)));

  testFinished = (): void => {
    this.finished = true;
  };

  assertTrue = (ok: number | boolean, message: string, site: number): void => {
    if (!ok) this.#fail(site, message, 'TRUE', 'FALSE');
  };

  assertEqual = (expected: unknown, actual: unknown, message: string, site: number, kind: string): void => {
    if (expected === actual || (typeof expected === 'number' && typeof actual === 'number' && Number.isNaN(expected) && Number.isNaN(actual))) return;
    this.#fail(site, message, show(expected, kind), show(actual, kind));
  };

  assertNear = (expected: number, actual: number, delta: number, message: string, site: number): void => {
    if (Math.abs(expected - actual) <= delta) return;
    this.#fail(site, message, `${expected} ± ${delta}`, String(actual));
  };

  #fail(site: number, message: string, expected: string, actual: string): void {
    this.failures.push({ site: this.sites[site]!, message, expected, actual, scan: this.scan });
  }
}

function show(v: unknown, kind: string): string {
  if (kind === 'BOOL') return v ? 'TRUE' : 'FALSE';
  if (kind === 'TIME') return formatDuration(BigInt(v as number) * 1000000n, 'T#');
  if (kind === 'LTIME') return formatDuration(v as bigint, 'LTIME#');
  if (typeof v === 'string') return `'${v}'`;
  return String(v);
}

function parseIecNumber(s: string): number {
  let t = s.trim().replace(/_/g, '');
  const m = /^(?:[A-Za-z]+#)?(2|8|16)#([0-9A-Fa-f]+)$/.exec(t);
  if (m) return parseInt(m[2]!, Number(m[1]));
  t = t.replace(/^[A-Za-z]+#/, '');
  return t === '' ? NaN : Number(t);
}

/** T#1h2m3s4ms as IEC prints durations (largest unit first, zero units left out). */
export function formatDuration(ns: bigint, prefix: string): string {
  let v = ns < 0n ? -ns : ns;
  const parts: string[] = [];
  const units: [string, bigint][] = [
    ['d', 86400000000000n],
    ['h', 3600000000000n],
    ['m', 60000000000n],
    ['s', 1000000000n],
    ['ms', 1000000n],
    ['us', 1000n],
    ['ns', 1n],
  ];
  for (const [u, size] of units) {
    if (v >= size) {
      parts.push(`${v / size}${u}`);
      v %= size;
    }
  }
  return `${prefix}${ns < 0n ? '-' : ''}${parts.length ? parts.join('') : prefix === 'T#' ? '0ms' : '0ns'}`;
}
