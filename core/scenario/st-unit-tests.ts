// ST unit tests, TcUnit-style: a `*.test.st` file holds PROGRAMs named TEST_* (each one test
// case) and may declare its own types, functions and function blocks. It tests the program
// files it names with `{uses 'path'}` pragmas (relative to the test file), or those of
// `--program`. Each TEST_ program runs alone, scan by scan on the scan clock (one cycle of
// simulated time per scan), until it calls TEST_FINISHED() or the scan limit; every failed
// ASSERT_* is reported with file:line, both values and the scan. Results have the scenario
// suite's shape, so they share its progress lines, summary, JUnit and HTML reports.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readSources } from '../../plc-adapters/sim/program-source.ts';
import type { SourceFile } from '../../plc-adapters/st/ast.ts';
import { compileSt } from '../../plc-adapters/st/compile.ts';
import { formatDiagnostics } from '../../plc-adapters/st/diagnostics.ts';
import type { ScenarioResult } from './runner.ts';

/** Scan period of a unit test (IEC: the task's cycle; TcUnit tests run in the PLC's task). */
export const TEST_CYCLE_MS = 10;
/** Scans a test may take before it fails for not calling TEST_FINISHED() (60 s of its time). */
export const TEST_SCAN_LIMIT = 6000;

/** `*.test.st` files among paths (folders searched recursively, sorted). */
export function stTestFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.test\.st$/i.test(name)) out.push(p);
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      continue; // scenarioFiles reports missing paths
    }
    if (st.isDirectory()) walk(p);
    else if (/\.test\.st$/i.test(p)) out.push(p);
  }
  return out;
}

/** The `{uses 'file'}` pragmas of a test file, resolved against its folder. */
export function usesOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\{\s*uses\s+'([^']+)'\s*\}/gi)) out.push(resolve(dirname(file), m[1]!));
  return out;
}

function result(file: string, name: string, program: string, status: ScenarioResult['status'], message: string | undefined, scans: number, wallMs: number): ScenarioResult {
  return {
    name,
    file,
    program,
    seed: 0,
    status,
    ...(message !== undefined ? { message } : {}),
    steps: [],
    kpis: [],
    kpiValues: null,
    simTime: (scans * TEST_CYCLE_MS) / 1000,
    wallMs,
    involved: [],
    snapshots: [],
  };
}

/**
 * Run every TEST_ program of one test file.
 * @param program a program spec to test instead of the file's {uses} (--program)
 */
export function runStTestFile(file: string, program?: string): ScenarioResult[] {
  const t0 = performance.now();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return [result(file, file, '', 'error', `cannot read ${file}: ${(err as Error).message}`, 0, 0)];
  }
  const tested = program !== undefined ? program : usesOf(file, text).join(',');
  let sources: SourceFile[] = [{ file, text }];
  try {
    if (tested !== '') sources = [...readSources(tested).sources, ...sources];
  } catch (err) {
    return [result(file, file, tested, 'error', (err as Error).message, 0, performance.now() - t0)];
  }
  const c = compileSt(sources, { name: file });
  if (c.instantiate === null) {
    const errors = c.diagnostics.filter((d) => d.severity === 'error');
    return [result(file, file, tested, 'error', `does not compile:\n${formatDiagnostics(errors)}`, 0, performance.now() - t0)];
  }
  const names = c.program!.programNames.filter((n) => n.startsWith('TEST_') && c.program!.compiled.decl.pous.get(n)?.ast?.pos.file === file);
  if (names.length === 0) return [result(file, file, tested, 'error', `${file}: no PROGRAM TEST_... to run (a test case is a PROGRAM whose name starts with TEST_)`, 0, performance.now() - t0)];
  const out: ScenarioResult[] = [];
  for (const name of names) {
    const t1 = performance.now();
    const p = c.instantiate();
    p.select(name);
    const empty = new Float64Array(0);
    const q = new Float64Array(p.io.outputs.length);
    const i = new Float64Array(p.io.inputs.length);
    let scans = 0;
    while (scans < TEST_SCAN_LIMIT && !p.runtime.finished && p.status === 'run') {
      p.scan(i.length ? i : empty, q, TEST_CYCLE_MS);
      scans++;
    }
    const spelled = p.compiled.decl.pous.get(name)?.name ?? name;
    const fails = p.runtime.failures;
    let message: string | undefined;
    if (p.fault) message = `${p.fault.file}:${p.fault.line}:${p.fault.col}: STOP in scan ${p.fault.scan}: ${p.fault.message}`;
    else if (fails.length > 0) {
      message = fails
        .map((f) => `${f.site.file}:${f.site.line}:${f.site.col}: assertion failed in scan ${f.scan}: expected ${f.expected}, got ${f.actual}${f.message ? ` — ${f.message}` : ''}`)
        .join('\n');
    } else if (!p.runtime.finished) message = `did not call TEST_FINISHED() within ${TEST_SCAN_LIMIT} scans (${(TEST_SCAN_LIMIT * TEST_CYCLE_MS) / 1000} s of its time)`;
    out.push(result(file, `${spelled} (${file.split(/[\\/]/).pop()})`, tested || file, message === undefined ? 'passed' : 'failed', message, scans, performance.now() - t1));
  }
  return out;
}

