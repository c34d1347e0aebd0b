// The unobserved scan: a second scan function over the same memory, run while nothing watches,
// forces or reads the program's variables (StProgram switches between the two at scan
// boundaries). Every FB call of an instance at a constant address has the FB's body inlined at
// that address, and the variables whose value no later scan reads (liveness.ts: temporaries,
// inputs every call sets, copies of the input image, FB outputs read only after the call) live in
// JavaScript locals instead of memory. Everything a later scan can read stays in the same cells,
// so switching needs no state transfer; the dead variables' cells keep whatever the last observed
// scan left in them. Reads of the cells that do stay in memory go through a read cache
// (read-cache.ts): a cell read again with no store between is read from a local.

import { CLOCK_ADDRESS } from '../declarations.ts';
import type { Emitter } from '../emitter.ts';
import { block } from '../emit-stmt.ts';
import type { PouInfo } from '../symbols.ts';
import { repr, view } from '../types.ts';
import { type LocalCell, type Place, store, withLocalCells, withReadCache } from '../values.ts';
import { analyse, candidates, type Cell, TooBig } from './liveness.ts';
import { ReadCache } from './read-cache.ts';

/** What the code generator needs from codegen.ts (passed in: codegen imports this file). */
export interface ScanParts {
  readonly inputs: readonly { readonly place: Place }[];
  readonly outputs: readonly { readonly place: Place }[];
  /** VAR_TEMP resets at the start of a body (codegen `temps`). */
  temps(e: Emitter, pou: PouInfo): string;
  /** The input image cell `cell` converted for input k. */
  fromImage(k: number, cell: string): string;
  /** The output k's value for the output image. */
  toImage(k: number): string;
}

export interface UnobservedScan {
  /**
   * The JavaScript function `scanU(i, q, cycleMs)`, and with `checked` also `scanUChecked`: the
   * same scan that, at its end, stores its locals into their memory cells, which nothing in the
   * scan reads: the differential tests compare the whole memory with the observed scan's, so a
   * variable wrongly kept in a local shows (test/st/unobserved-twin.ts).
   */
  readonly js: string;
  readonly checkedJs: string | null;
  /** The variables kept in locals: their memory cells are stale while this scan runs. */
  readonly locals: readonly Cell[];
}

/**
 * Inlined code larger than this (characters of JavaScript) is not made: V8 does not optimise a
 * function past about 60 KB of bytecode, and an interpreted scan of the whole program would be
 * slower than the observed scan's small functions. Such a program keeps one scan.
 */
const MAX_CODE = 60_000;

/**
 * The unobserved scan of `cyclic`, or null when it cannot be made (then the observed scan is
 * used always). Diagnostics its generation reports again are dropped: the observed code
 * generation reported them already.
 */
export function unobservedScan(e: Emitter, cyclic: readonly PouInfo[], parts: ScanParts, checked = false): UnobservedScan | null {
  const diagnostics = e.diag.list.length;
  const temps = e.temps.length;
  const saved = { pou: e.pou, frame: e.frame, returnLabel: e.returnLabel, loops: e.loops, inliner: e.inliner };
  try {
    const cells = candidates(cyclic, e.decl.pous);
    const { locals } = analyse(e, cells, parts.inputs.map((v) => v.place), cyclic, parts.outputs.map((v) => v.place));
    const names = new Map<number, LocalCell>(locals.map((c, k) => [c.addr, { name: `v$${k}`, array: c.array }]));
    let labels = 0;
    let size = 0;
    const cache = new ReadCache();
    e.inliner = (pou, base) => {
      const label = `${pou.kind === 'program' ? 'P' : 'F'}$${labels++}`;
      const s = { pou: e.pou, frame: e.frame, returnLabel: e.returnLabel, loops: e.loops };
      e.pou = pou;
      e.frame = pou.kind === 'functionBlock' ? base : null;
      e.returnLabel = label;
      e.loops = 0;
      cache.enterLabel(label);
      try {
        const temps = parts.temps(e, pou);
        const loads = cache.flush(); // what the VAR_TEMPs' initial values read, if anything
        const code = `${label}: { // ${pou.name}${pou.kind === 'functionBlock' ? ` at ${base}` : ''}\n${loads === '' ? '' : `  ${loads}\n`}${temps}${block(e, pou.ast!.body, '  ')}\n}`;
        cache.exitLabel(label);
        size += code.length;
        if (size > MAX_CODE) throw new TooBig();
        return code;
      } finally {
        e.pou = s.pou;
        e.frame = s.frame;
        e.returnLabel = s.returnLabel;
        e.loops = s.loops;
      }
    };
    const body = withLocalCells(names, () => withReadCache(cache, () => {
      const lines: string[] = [];
      parts.inputs.forEach((v, k) => lines.push(store(v.place, parts.fromImage(k, `i[${k}]`))));
      for (const p of cyclic) lines.push(cache.flush(), e.inliner!(p, p.base));
      const outputs = parts.outputs.map((_v, k) => `q[${k}] = ${parts.toImage(k)};`);
      lines.push(cache.flush(), ...outputs);
      return lines.filter((l) => l !== '').join('\n');
    }));
    if (e.diag.list.slice(diagnostics).some((d) => d.severity === 'error')) return null;
    // Temporaries made for the inlined code (CASE selectors, FOR bounds) are locals of this
    // function too, not module variables (a module variable is a context slot store).
    const own = e.temps.splice(temps);
    const vars = [...locals.map((c, k) => `v$${k} = ${repr(c.type) === 'big' ? '0n' : '0'}`), ...cache.names.map((n) => `${n} = 0`), ...own];
    const decls = vars.length ? `  let ${vars.join(', ')};\n` : '';
    const kept = locals.map((c, k) => `v$${k} ${c.path}`).join(', ');
    const fn = (name: string, decls: string, spill: string, watchdog = true) => [
      `function ${name}(i, q, cycleMs) {`,
      `${decls}${watchdog ? '  times[1] = NaN;\n' : ''}`,
      `  try {`,
      `    I32[${CLOCK_ADDRESS >> 2}] = times[0] | 0;`,
      body + spill,
      `  } catch (err) {`,
      `    rt.fault(err, q);`,
      `    return;`,
      `  }`,
      `  times[0] += cycleMs;`,
      `  rt.scan++;`,
      `}`,
    ].join('\n');
    // The checked form: locals start undefined and only those written in the scan are stored.
    const spill = locals.map((c, k) => `\nif (v$${k} !== undefined) ${c.array}[${c.addr >> view(c.type).shift}] = v$${k};`).join('');
    const checkedDecls = vars.length ? `  let ${[...locals.map((_c, k) => `v$${k}`), ...cache.names, ...own].join(', ')};\n` : '';
    // The watchdog's deadline is set by its first check in the scan: without a loop (wd) or a
    // call of a generated function (which may loop) nothing checks, and the store is left out.
    const calls = [...e.decl.pous.values()].some((p) => body.includes(`${p.js}(`));
    const scanU = fn('scanU', decls, '', calls || body.includes('wd('));
    const js = `// The unobserved scan (plc-adapters/st/unobserved/): FB bodies inlined per instance; in locals: ${kept || 'nothing'}.\n${scanU}`;
    return { js, checkedJs: checked ? fn('scanUChecked', checkedDecls, spill) : null, locals };
  } catch (err) {
    if (err instanceof TooBig) return null;
    throw err;
  } finally {
    e.diag.list.length = diagnostics;
    if (e.temps.length > temps) e.temps.length = temps;
    e.pou = saved.pou;
    e.frame = saved.frame;
    e.returnLabel = saved.returnLabel;
    e.loops = saved.loops;
    e.inliner = saved.inliner;
  }
}
