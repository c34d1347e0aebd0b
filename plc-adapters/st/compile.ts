// The ST compiler's entry: parse every source (and the standard library), collect and lay out
// the declarations, check and generate code for every POU, and build the program from the
// generated JavaScript once. All diagnostics of all files come back in one run; a program is
// returned only when there is no error.

import type { CompilationUnit, Diagnostic, SourceFile } from './ast.ts';
import { generate, type Generated } from './codegen.ts';
import { Declarations } from './declarations.ts';
import { Emitter, type Site } from './emitter.ts';
import { parseSt } from './parser.ts';
import { StProgram } from './st-program.ts';
import { STDLIB, STDLIB_FILE } from './stdlib.ts';
import { Diagnostics } from './symbols.ts';

export interface CompileOptions {
  /** Name the program reports (default: the first file's base name). */
  readonly name?: string;
  /** Wall-clock limit of one scan before the watchdog stops the controller (default 100 ms). */
  readonly watchdogMs?: number;
  /**
   * Also generate the checked unobserved scan (StProgram.scanMode 'unobserved-checked'), which
   * stores its locals into memory at its end: for the differential tests only.
   */
  readonly checkUnobserved?: boolean;
  /** Generate the unobserved scan (default true); false: the observed scan always runs. */
  readonly unobservedScan?: boolean;
}

export interface CompileResult {
  /** Null when any diagnostic is an error. */
  readonly program: StProgram | null;
  readonly diagnostics: readonly Diagnostic[];
  /** The generated JavaScript (also when there are errors, as far as it got). */
  readonly js: string | null;
  /** Builds another, independent instance of the same program (own memory); null on errors. */
  readonly instantiate: (() => StProgram) | null;
}

/** Everything a program instance needs from the compiler. */
export interface CompiledModule {
  readonly name: string;
  readonly generated: Generated;
  readonly decl: Declarations;
  readonly sites: readonly Site[];
  /**
   * Builds one instance of the generated module: `(rt) => { buf, STR, init, input, output, cycle,
   * programs }`. Each call compiles the JavaScript anew (with a comment that numbers the
   * instance, since V8 caches `new Function` by its source text), so that each instance has
   * functions of its own: instances of one shared factory share V8's type feedback, and a scan
   * then calls its FBs through polymorphic call sites instead of inlining them (sorting.st:
   * 2.9x the TypeScript program's time instead of 4.1x, bench/st.ts).
   */
  readonly factory: () => (rt: unknown) => unknown;
  readonly watchdogMs: number;
  readonly files: readonly string[];
}

export function compileSt(sources: readonly SourceFile[], options: CompileOptions = {}): CompileResult {
  const diag = new Diagnostics();
  const units: CompilationUnit[] = [];
  for (const src of [STDLIB, ...sources]) {
    const r = parseSt(src);
    diag.list.push(...r.diagnostics);
    units.push(r.unit);
  }
  const decl = new Declarations(diag);
  decl.collect(units, new Set([STDLIB_FILE]));
  decl.layout(units);
  const e = new Emitter(decl);
  const files = sources.map((s) => s.file);
  const generated = generate(e, files, { unobserved: options.unobservedScan !== false, checked: options.checkUnobserved === true });
  if (!sources.length) diag.error({ file: '<none>', line: 1, col: 1 }, 'ST_EMPTY', 'no source files');
  else if (generated.cyclic.length === 0 && ![...decl.pous.values()].some((p) => /^TEST_/i.test(p.name))) {
    diag.warning({ file: files[0]!, line: 1, col: 1 }, 'ST_NO_PROGRAM', 'no PROGRAM to run: declare one (every PROGRAM runs once per scan, in declaration order)');
  }
  const diagnostics = sortDiagnostics(diag.list);
  if (diagnostics.some((d) => d.severity === 'error')) return { program: null, diagnostics, js: generated.js, instantiate: null };
  let instances = 0;
  const factory = () => new Function('rt', `${generated.js}\n// instance ${++instances}`) as (rt: unknown) => unknown;
  try {
    factory();
  } catch (err) {
    // A code generator bug, not the user's: say so with the cause.
    const d: Diagnostic = { file: files[0] ?? '<none>', line: 1, col: 1, code: 'ST_INTERNAL', message: `internal compiler error: the generated JavaScript does not parse (${(err as Error).message}); please report it with your program`, severity: 'error' };
    return { program: null, diagnostics: [...diagnostics, d], js: generated.js, instantiate: null };
  }
  const module: CompiledModule = {
    name: options.name ?? programNameOf(files[0] ?? 'program'),
    generated,
    decl,
    sites: e.sites,
    factory,
    watchdogMs: options.watchdogMs ?? 100,
    files,
  };
  const instantiate = () => new StProgram(module);
  return { program: instantiate(), diagnostics, js: generated.js, instantiate };
}

/** A program's name from its (first) file: the base name without extension (`sorting.st` -> sorting). */
export function programNameOf(file: string): string {
  const b = file.split(/[\\/]/).pop() ?? file;
  return b.replace(/\.[^.]*$/, '');
}

function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => (a.file === b.file ? a.line - b.line || a.col - b.col : 0));
}
