// Where a built-in controller's program comes from. A program spec is one of:
//   - a built-in TypeScript program's name (`sorting`, `furnace`, ... : the benchmark references),
//   - `none` (no controller: the line runs, driven by forces),
//   - Structured Text: a `.st` file, several joined by commas, or a folder of `.st` files, a
//     PLCopen XML file (`.xml`), TwinCAT 3 files or a folder of them (`.TcPOU`, `.TcGVL`, `.TcDUT`).
// ST is compiled once per process and spec (each physics worker, pool worker or soft PLC
// compiles for itself; a compile takes milliseconds) and instantiated per run.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { TwinloopError } from '../../core/errors.ts';
import type { Diagnostic, SourceFile } from '../st/ast.ts';
import { compileSt, type CompileResult } from '../st/compile.ts';
import { formatDiagnostics } from '../st/diagnostics.ts';
import { importPlcopenXml } from '../st/import/plcopen-xml.ts';
import { importTwinCat } from '../st/import/twincat.ts';
import type { ControlProgram } from './program.ts';
import { SortingProgram } from './sorting-program.ts';
import { FurnaceProgram } from './furnace-program.ts';
import { AssemblyProgram } from './assembly-program.ts';
import { SortingBrokenProgram } from './sorting-broken-program.ts';
import type { ProgramFactory } from './program.ts';

/** Built-in TypeScript programs by name (the benchmark's references). */
export const programs: Readonly<Record<string, ProgramFactory>> = {
  sorting: () => new SortingProgram(),
  furnace: () => new FurnaceProgram(),
  assembly: () => new AssemblyProgram(),
  'sorting-broken': () => new SortingBrokenProgram(),
};

/** The spec that means "no controller". */
export const NO_PROGRAM = 'none';

const TWINCAT = new Set(['.tcpou', '.tcgvl', '.tcdut']);

/** Is this spec a path to program sources (rather than a built-in name or none)? */
export function isSourceSpec(spec: string): boolean {
  return !(spec in programs) && spec !== NO_PROGRAM;
}

/** Make a source spec absolute against `base` (the line file's folder, or the working directory). */
export function absoluteSpec(spec: string, base: string): string {
  if (!isSourceSpec(spec)) return spec;
  return spec
    .split(',')
    .map((p) => resolve(base, p.trim()))
    .join(',');
}

/** A spec as reports name it: built-in names as they are, paths by their file names. */
export function programLabel(spec: string): string {
  if (!isSourceSpec(spec)) return spec;
  return spec
    .split(',')
    .map((p) => p.trim().split(/[\\/]/).filter(Boolean).pop() ?? p)
    .join(',');
}

/** The source files of a spec, read and (for XML) imported; import diagnostics beside them. */
export function readSources(spec: string): { sources: SourceFile[]; diagnostics: Diagnostic[] } {
  const sources: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const files: string[] = [];
  for (const part of spec.split(',').map((p) => p.trim())) {
    let st;
    try {
      st = statSync(part);
    } catch {
      throw new TwinloopError('CFG_READ', `program ${part}: no such file or folder (a program is a .st file, several joined by commas, a folder, PLCopen XML or TwinCAT files; or a built-in name: ${Object.keys(programs).join(', ')}, or none)`);
    }
    if (st.isDirectory()) files.push(...walk(part));
    else files.push(part);
  }
  const tc: { file: string; xml: string }[] = [];
  for (const f of files) {
    const ext = extname(f).toLowerCase();
    const text = readFileSync(f, 'utf8');
    if (ext === '.xml') {
      const r = importPlcopenXml(f, text);
      sources.push(...r.sources);
      diagnostics.push(...r.diagnostics);
    } else if (TWINCAT.has(ext)) tc.push({ file: f, xml: text });
    else sources.push({ file: f, text });
  }
  if (tc.length > 0) {
    const r = importTwinCat(tc);
    sources.push(...r.sources);
    diagnostics.push(...r.diagnostics);
  }
  if (sources.length === 0 && diagnostics.length === 0) throw new TwinloopError('CFG_READ', `program ${spec}: no .st, .xml, .TcPOU, .TcGVL or .TcDUT files found`);
  return { sources, diagnostics };
}

/** A folder's program files, sorted (deterministic order); unit tests (*.test.st) left out. */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.(st|xml|tcpou|tcgvl|tcdut)$/i.test(name) && !/\.test\.st$/i.test(name)) out.push(p);
  }
  return out;
}

const compiled = new Map<string, CompileResult>();

/** Compile a source spec (cached per process); the result carries every diagnostic. */
export function compileSpec(spec: string): CompileResult {
  let r = compiled.get(spec);
  if (!r) {
    const { sources, diagnostics } = readSources(spec);
    const c = compileSt(sources);
    const all = [...diagnostics, ...c.diagnostics];
    r = diagnostics.some((d) => d.severity === 'error') ? { ...c, program: null, instantiate: null, diagnostics: all } : { ...c, diagnostics: all };
    compiled.set(spec, r);
  }
  return r;
}

/**
 * A fresh instance of the program a spec names.
 * @throws TwinloopError CFG_INVALID with every compile error (file:line:col) when ST does not compile
 */
export function loadProgram(spec: string): ControlProgram {
  const builtin = programs[spec];
  if (builtin) return builtin();
  if (spec === NO_PROGRAM) throw new TwinloopError('CFG_INVALID', 'program none has no controller to load');
  const r = compileSpec(spec);
  if (r.instantiate === null) {
    throw new TwinloopError('ST_COMPILE', `program ${spec} does not compile:\n${formatDiagnostics(r.diagnostics.filter((d) => d.severity === 'error'))}`);
  }
  return r.instantiate();
}
