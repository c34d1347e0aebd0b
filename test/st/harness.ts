// Helpers for the ST conformance suite (test/st/conformance/*.test.ts): compile a source, run it
// on the scan clock, read values back by path and compare them with values taken from the
// standard (IEC 61131-3) and the vendors' documentation (CODESYS, Beckhoff InfoSys), never from
// what the compiler happens to do. Every helper that registers a test does it on uvu's default
// suite, so a test file is a list of one-liners ending with `test.run()`.

import { test } from 'uvu';
import { compileSt } from '../../plc-adapters/st/compile.ts';
import type { Diagnostic } from '../../plc-adapters/st/ast.ts';
import { twin } from './unobserved-twin.ts';

/**
 * ST_SCAN=differential: every compiled program is a twin (unobserved-twin.ts) that runs the
 * observed and the unobserved scan side by side and fails a scan where they differ.
 */
const DIFFERENTIAL = process.env.ST_SCAN === 'differential';

export type StProgram = NonNullable<ReturnType<typeof compileSt>['program']>;
export type Value = boolean | number | bigint | string;
export type Expected = Record<string, Value>;

/** `PROGRAM MAIN VAR <decls> END_VAR <body> END_PROGRAM`, one section a line. */
export function main(decls: string, body: string): string {
  return `PROGRAM MAIN\nVAR\n${decls}\nEND_VAR\n${body}\nEND_PROGRAM\n`;
}

/** The source with line numbers, for failure messages. */
function numbered(text: string): string {
  return text
    .split('\n')
    .map((l, i) => `${String(i + 1).padStart(3)} | ${l}`)
    .join('\n');
}

export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.severity} ${d.code}: ${d.message}`).join('\n');
}

/** Compiles one source file; throws with the formatted diagnostics when it has an error. */
export function compile(text: string, file = 'case.st'): StProgram {
  const { program, diagnostics, instantiate } = compileSt([{ file, text }], { checkUnobserved: DIFFERENTIAL });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (program === null || instantiate === null || errors.length > 0) {
    throw new Error(`the source did not compile:\n${formatDiagnostics(diagnostics)}\n--- source ---\n${numbered(text)}`);
  }
  return DIFFERENTIAL ? twin(instantiate) : program;
}

/** The error diagnostics of a source that must not compile; throws when it compiles. */
export function compileErrors(text: string, file = 'case.st'): Diagnostic[] {
  const { program, diagnostics } = compileSt([{ file, text }]);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (program !== null || errors.length === 0) {
    throw new Error(`expected a compile error, but the source compiled:\n${numbered(text)}`);
  }
  return errors;
}

/** Runs `n` scans with zero-filled process images sized from program.io. */
export function scan(p: StProgram, n = 1, cycleMs = 10): StProgram {
  const i = new Float64Array(p.io.inputs.length);
  const q = new Float64Array(p.io.outputs.length);
  for (let k = 0; k < n; k++) p.scan(i, q, cycleMs);
  return p;
}

/** Compiles and runs `scans` scans (cycle `cycleMs`). */
export function runSt(text: string, scans = 1, cycleMs = 10, file = 'case.st'): StProgram {
  return scan(compile(text, file), scans, cycleMs);
}

/**
 * Runs scans until `done(p)` holds after one; returns how many scans ran (so the scan index, 0-based
 * since the call, of the scan that made it true is the result minus one). Throws after `max` scans.
 */
export function scanUntil(p: StProgram, done: (p: StProgram) => boolean, max = 1000, cycleMs = 10): number {
  for (let k = 1; k <= max; k++) {
    scan(p, 1, cycleMs);
    if (done(p)) return k;
  }
  throw new Error(`condition not reached within ${max} scans`);
}

/**
 * Runs `n` scans and returns `read(path)` after each. `drive(k, p)` runs before scan k (0-based)
 * to write inputs.
 */
export function trace(p: StProgram, path: string, n: number, cycleMs = 10, drive?: (k: number, p: StProgram) => void): Value[] {
  const out: Value[] = [];
  for (let k = 0; k < n; k++) {
    drive?.(k, p);
    scan(p, 1, cycleMs);
    out.push(p.read(path));
  }
  return out;
}

/** Like trace, for several paths at once: one array per path. */
export function traces(p: StProgram, paths: string[], n: number, cycleMs = 10, drive?: (k: number, p: StProgram) => void): Record<string, Value[]> {
  const out: Record<string, Value[]> = Object.fromEntries(paths.map((x) => [x, [] as Value[]]));
  for (let k = 0; k < n; k++) {
    drive?.(k, p);
    scan(p, 1, cycleMs);
    for (const x of paths) out[x]!.push(p.read(x));
  }
  return out;
}

function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' && Object.is(v, -0)) return '-0';
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  return String(v);
}

/** Same value and same JavaScript type (a bigint 5n is not the number 5); NaN equals NaN. */
export function same(actual: unknown, expected: Value): boolean {
  if (typeof actual !== typeof expected) return false;
  if (typeof expected === 'number') return actual === expected || (Number.isNaN(expected) && Number.isNaN(actual as number));
  return actual === expected;
}

/** Reads every path and fails with one message listing each mismatch. */
export function expectValues(p: StProgram, expected: Expected, where = ''): void {
  const bad: string[] = [];
  for (const [path, want] of Object.entries(expected)) {
    let got: unknown;
    try {
      got = p.read(path);
    } catch (e) {
      bad.push(`${path}: read threw ${(e as Error).message}`);
      continue;
    }
    if (!same(got, want)) bad.push(`${path}: expected ${show(want)} (${typeof want}), got ${show(got)} (${typeof got})`);
  }
  if (bad.length > 0) throw new Error(`${where ? where + ': ' : ''}${bad.join('; ')}`);
}

export function expectSequence(actual: Value[], expected: Value[], what = 'trace'): void {
  const ok = actual.length === expected.length && actual.every((v, k) => same(v, expected[k]!));
  if (!ok) throw new Error(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

/** Fails unless the program is running without a fault. */
export function expectRunning(p: StProgram, where = ''): void {
  if (p.status !== 'run' || p.fault !== null) {
    const f = p.fault;
    throw new Error(`${where ? where + ': ' : ''}program is ${p.status}${f ? ` with fault ${f.kind} at ${f.file}:${f.line}:${f.col} (scan ${f.scan}): ${f.message}` : ''}`);
  }
}

export interface ConfOptions {
  scans?: number;
  cycleMs?: number;
  file?: string;
}

/** One test: compile `text`, run `scans` scans (default 1), expect the values and no fault. */
export function conf(name: string, text: string, expected: Expected, opts: ConfOptions = {}): void {
  test(name, () => {
    const p = runSt(text, opts.scans ?? 1, opts.cycleMs ?? 10, opts.file ?? 'case.st');
    expectRunning(p);
    expectValues(p, expected);
  });
}

/** One test: compile `text`, trace `path` over `expected.length` scans. */
export function confTrace(name: string, text: string, path: string, expected: Value[], drive?: (k: number, p: StProgram) => void, cycleMs = 10): void {
  test(name, () => {
    const p = compile(text);
    const got = trace(p, path, expected.length, cycleMs, drive);
    expectSequence(got, expected, path);
    expectRunning(p);
  });
}

/** One test: the source must not compile (some error diagnostic, program null). */
export function confRejects(name: string, text: string): void {
  test(name, () => {
    compileErrors(text);
  });
}

/** 1-based number of the first line of `text` containing `marker`. */
export function lineOf(text: string, marker: string): number {
  const k = text.split('\n').findIndex((l) => l.includes(marker));
  if (k < 0) throw new Error(`marker ${marker} not in source`);
  return k + 1;
}

/** Math.fround, for expected REAL values. */
export const f32 = Math.fround;
