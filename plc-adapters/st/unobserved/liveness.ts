// Which variables the unobserved scan may keep in JavaScript locals: those whose value at the end
// of a scan no later scan can read. A definite-assignment analysis over one whole scan (input
// copies, every cyclic program with its FB calls followed into each instance's body at its own
// constant address, output copies): a cell read on some path before it is written on every path
// from the scan's start is upward-exposed and keeps its memory cell; so does every cell whose
// address is taken (VAR_IN_OUT), that is copied as part of a struct or array, or that code not
// followed here (functions, FBs in arrays) touches. When in doubt the cell stays in memory.

import type { CallExpr, Expr, Stmt } from '../ast.ts';
import { bind } from '../emit-call.ts';
import type { Emitter } from '../emitter.ts';
import type { PouInfo, VarInfo } from '../symbols.ts';
import { repr, type Type, view } from '../types.ts';
import type { Place, Val } from '../values.ts';

/** A scalar variable at a constant byte address that could live in a local. */
export interface Cell {
  readonly addr: number;
  readonly type: Type;
  /** Its path as the online view names it (`SORTING.tStopTimeout.IN`). */
  readonly path: string;
  /** The typed-array view it sits in (U8, I16, F64, ...). */
  readonly array: string;
}

/**
 * Candidates: the scalar variables of the cyclic programs' frames (VAR_OUTPUTs too: the output
 * copy at the end of the scan is a read like any other, so an output written on every path goes
 * to the image from its local; not located or RETAIN ones) and of every FB instance reached through
 * them at a constant address. Globals, function frames, struct fields, array elements, strings,
 * CONSTANTs and VAR_IN_OUT pointers never are.
 */
export function candidates(programs: readonly PouInfo[], pous: ReadonlyMap<string, PouInfo>): Map<number, Cell> {
  const out = new Map<number, Cell>();
  const frame = (pou: PouInfo, base: number, path: string): void => {
    for (const v of pou.vars.values()) {
      if (v.byRef || v.external || v.constant || v.retain || v.at !== null) continue;
      const addr = base + v.offset;
      if (v.type.k === 'fb') {
        const fb = pous.get(v.type.name.toUpperCase());
        if (fb) frame(fb, addr, `${path}.${v.name}`);
        continue;
      }
      if (v.section === 'VAR_IN_OUT' || v.section === 'VAR_EXTERNAL' || v.section === 'VAR_GLOBAL') continue;
      const r = repr(v.type);
      if (r !== 'num' && r !== 'big') continue;
      out.set(addr, { addr, type: v.type, path: `${path}.${v.name}`, array: view(v.type).array });
    }
  };
  for (const p of programs) frame(p, p.base, p.name);
  return out;
}

/**
 * The candidates written on every path so far, one bit per candidate (its index in the
 * analysis's list); null: the point is unreachable (after EXIT, CONTINUE, RETURN). Bit sets:
 * every branch copies one, and a program has thousands of candidates.
 */
type Defs = Uint32Array | null;

function copy(a: Defs): Defs {
  return a === null ? null : a.slice();
}

function meet(a: Defs, b: Defs): Defs {
  if (a === null) return copy(b);
  if (b === null) return a.slice();
  const out = a.slice();
  for (let k = 0; k < out.length; k++) out[k] = out[k]! & b[k]!;
  return out;
}

function has(d: Uint32Array, i: number): boolean {
  return (d[i >>> 5]! & (1 << (i & 31))) !== 0;
}

function add(d: Uint32Array, i: number): void {
  d[i >>> 5] = d[i >>> 5]! | (1 << (i & 31));
}

/** Thrown when the scan is too large to inline (see emit-scan.ts MAX_CODE): no unobserved scan. */
export class TooBig extends Error {}

/** Statements followed (inlined bodies counted per instance) before the analysis gives up. */
const MAX_STATEMENTS = 20_000;

export interface Liveness {
  /** Candidates that may live in locals: written in the scan, never read before written, never pinned. */
  readonly locals: Cell[];
  /** Why each other written candidate stays in memory (for the emitted comment and tests). */
  readonly kept: ReadonlyMap<string, 'exposed' | 'pinned'>;
}

/**
 * Analyse one scan: `inputs` are the places the input copy writes first, `programs` the cyclic
 * programs in order, `outputs` the places the output copy reads last.
 */
export function analyse(e: Emitter, cells: ReadonlyMap<number, Cell>, inputs: readonly Place[], programs: readonly PouInfo[], outputs: readonly Place[]): Liveness {
  const a = new Analysis(e, cells);
  let d: Defs = a.empty();
  for (const p of inputs) a.write(p, d);
  for (const prog of programs) d = a.body(prog, -1, d) ?? d;
  for (const p of outputs) a.read(p, d);
  const locals: Cell[] = [];
  const kept = new Map<string, 'exposed' | 'pinned'>();
  for (const addr of a.written) {
    const c = cells.get(addr)!;
    if (a.pinned.has(addr)) kept.set(c.path, 'pinned');
    else if (a.exposed.has(addr)) kept.set(c.path, 'exposed');
    else locals.push(c);
  }
  locals.sort((x, y) => x.addr - y.addr);
  return { locals, kept };
}

class Analysis {
  readonly e: Emitter;
  readonly cells: ReadonlyMap<number, Cell>;
  readonly exposed = new Set<number>();
  readonly written = new Set<number>();
  readonly pinned = new Set<number>();
  /** The sets at each RETURN of the bodies being followed (innermost last). */
  readonly #returns: Defs[][] = [];
  /** Bodies followed in "touch" mode (not inlined: every candidate they name is pinned). */
  #touching = 0;
  readonly #touched = new Set<PouInfo>();

  /** Candidate address -> its bit in Defs. */
  readonly #bit = new Map<number, number>();
  /** Candidates sorted by address, for the cells of a byte range. */
  readonly #sorted: Cell[];

  constructor(e: Emitter, cells: ReadonlyMap<number, Cell>) {
    this.e = e;
    this.cells = cells;
    this.#sorted = [...cells.values()].sort((x, y) => x.addr - y.addr);
    this.#sorted.forEach((c, k) => this.#bit.set(c.addr, k));
  }

  empty(): Uint32Array {
    return new Uint32Array((this.#sorted.length + 31) >>> 5);
  }

  #cell(p: Place): Cell | null {
    if (p.caddr === null) return null;
    const c = this.cells.get(p.caddr);
    return c !== undefined && repr(p.t) !== 'agg' && view(p.t).array === c.array ? c : null;
  }

  /** Pin every candidate in [addr, addr + size). */
  #pinRegion(addr: number, size: number): void {
    const cs = this.#sorted;
    let lo = 0;
    let hi = cs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cs[mid]!.addr < addr) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < cs.length && cs[k]!.addr < addr + Math.max(size, 1); k++) this.pinned.add(cs[k]!.addr);
  }

  read(p: Place, d: Defs): void {
    if (p.caddr === null) return; // through a pointer or an index: the region is pinned where it is resolved
    if (repr(p.t) === 'agg') return this.#pinRegion(p.caddr, p.t.size);
    const c = this.#cell(p);
    if (c === null) return this.#pinRegion(p.caddr, p.t.size); // the same bytes seen as another type
    if (this.#touching > 0) this.pinned.add(c.addr);
    if (d !== null && !has(d, this.#bit.get(c.addr)!)) this.exposed.add(c.addr);
  }

  write(p: Place, d: Defs): void {
    if (p.caddr === null) return;
    if (repr(p.t) === 'agg') return this.#pinRegion(p.caddr, p.t.size);
    const c = this.#cell(p);
    if (c === null) return this.#pinRegion(p.caddr, p.t.size);
    if (p.bit >= 0) this.read(p, d); // a bit store reads the rest of the cell
    if (this.#touching > 0) this.pinned.add(c.addr);
    this.written.add(c.addr);
    if (d !== null) add(d, this.#bit.get(c.addr)!);
  }

  /**
   * Resolve a variable expression, reading the index expressions on the way; a place whose
   * address is not constant pins the nearest enclosing variable with a constant one.
   */
  place(x: Expr, d: Defs): Place | Val | null {
    if (x.kind === 'index') for (const i of x.indices) this.expr(i, d);
    if (x.kind === 'index' || x.kind === 'member' || x.kind === 'bit') this.place(x.object, d);
    const r = this.e.resolve(x);
    if (r === null || 'code' in r) return r;
    if (r.caddr === null) this.#pinEnclosing(x);
    return r;
  }

  #pinEnclosing(x: Expr): void {
    let o: Expr = x;
    while (o.kind === 'index' || o.kind === 'member' || o.kind === 'bit') {
      o = o.object;
      const r = this.e.resolve(o);
      if (r !== null && !('code' in r) && r.caddr !== null) return this.#pinRegion(r.caddr, r.t.size);
    }
  }

  expr(x: Expr, d: Defs): void {
    switch (x.kind) {
      case 'name':
      case 'member':
      case 'index':
      case 'bit': {
        const r = this.place(x, d);
        if (r !== null && !('code' in r)) this.read(r, d);
        return;
      }
      case 'call':
        this.call(x, d);
        return;
      case 'unary':
        this.expr(x.operand, d);
        return;
      case 'binary':
        this.expr(x.left, d);
        // AND_THEN and OR_ELSE may skip their right side: what it writes is not written for sure.
        this.expr(x.right, x.op === 'AND_THEN' || x.op === 'OR_ELSE' ? copy(d) : d);
        return;
      default:
        return;
    }
  }

  /** A call as code generation sees it (emit-call.ts `call`). */
  call(c: CallExpr, d: Defs): void {
    const e = this.e;
    if (c.callee.kind === 'name') {
      const name = c.callee.name.toUpperCase();
      if (!e.pou.vars.has(name) && !e.decl.globals.has(name)) {
        const pou = e.decl.pous.get(name);
        if (pou?.kind === 'program') return this.#frameCall(pou, pou.base, c, d, true);
        if (pou?.kind === 'function') return this.#functionCall(pou, c, d);
        // A standard function or conversion: reads its arguments only. Its code may evaluate some
        // of them only on some paths (SEL, MUX), so what a call among them writes (an output
        // copied back) is not written for sure.
        for (const a of c.args) if (a.value !== null && !a.output) this.expr(a.value, copy(d));
        return;
      }
    }
    const inst = this.place(c.callee, d);
    if (inst === null || 'code' in inst || inst.t.k !== 'fb') return;
    const fb = e.decl.pous.get(inst.t.name.toUpperCase())!;
    if (inst.caddr !== null) return this.#frameCall(fb, inst.caddr, c, d, true);
    // An instance in an array or behind a VAR_IN_OUT: its body runs as the observed scan's code.
    this.#frameCall(fb, -1, c, d, false);
  }

  #frameCall(pou: PouInfo, base: number, c: CallExpr, d: Defs, inline: boolean): void {
    const args = bind(this.e, pou, c);
    if (args === null) return;
    const e = this.e;
    const slot = (p: VarInfo): Place | null => {
      if (base < 0) return null;
      const saved = { pou: e.pou, frame: e.frame };
      e.pou = pou;
      e.frame = pou.kind === 'functionBlock' ? base : null;
      try {
        return e.varPlace(pou, { ...p, byRef: false }, null);
      } finally {
        e.pou = saved.pou;
        e.frame = saved.frame;
      }
    };
    const after: (() => void)[] = [];
    for (const [p, a] of args) {
      const s = slot(p);
      if (p.section === 'VAR_IN_OUT') {
        if (a.value) this.#addressTaken(a.value, d);
      } else if (p.section === 'VAR_OUTPUT') {
        after.push(() => {
          if (s !== null) this.read(s, d);
          if (a.value === null) return;
          const t = this.place(a.value, d);
          if (t !== null && !('code' in t)) this.write(t, d);
        });
      } else {
        if (a.value !== null) this.expr(a.value, d);
        if (s !== null) this.write(s, d);
      }
    }
    if (inline) {
      const out = this.body(pou, base, d);
      // Writes of the body hold after the call (also when it returned early).
      if (d !== null && out !== null) for (let k = 0; k < d.length; k++) d[k] = d[k]! | out[k]!;
    } else this.#touch(pou);
    for (const f of after) f();
  }

  #functionCall(fn: PouInfo, c: CallExpr, d: Defs): void {
    const args = bind(this.e, fn, c);
    if (args === null) return;
    const after: Expr[] = [];
    for (const p of fn.params) {
      const a = args.get(p);
      if (!a || a.value === null) continue;
      if (p.section === 'VAR_OUTPUT') after.push(a.value);
      else if (p.section === 'VAR_IN_OUT') this.#addressTaken(a.value, d);
      else this.expr(a.value, d);
    }
    this.#touch(fn);
    for (const x of after) {
      const t = this.place(x, d);
      if (t !== null && !('code' in t)) this.write(t, d);
    }
  }

  /** A VAR_IN_OUT argument: the variable is reached through a pointer from now on. */
  #addressTaken(x: Expr, d: Defs): void {
    const t = this.place(x, d);
    if (t === null || 'code' in t) return;
    if (t.caddr !== null) this.#pinRegion(t.caddr, t.t.size);
    else this.#pinEnclosing(x);
  }

  /** Code that stays as the observed scan's: every candidate it names keeps its memory cell. */
  #touch(pou: PouInfo): void {
    if (this.#touched.has(pou) || pou.ast === null) return;
    this.#touched.add(pou);
    this.#touching++;
    try {
      this.#within(pou, pou.kind === 'functionBlock' ? null : pou.base, () => this.block(pou.ast!.body, null));
    } finally {
      this.#touching--;
    }
  }

  #within<T>(pou: PouInfo, frame: number | null, f: () => T): T {
    const e = this.e;
    const saved = { pou: e.pou, frame: e.frame, loops: e.loops };
    e.pou = pou;
    e.frame = pou.kind === 'functionBlock' ? frame : null;
    e.loops = 0;
    try {
      return f();
    } finally {
      e.pou = saved.pou;
      e.frame = saved.frame;
      e.loops = saved.loops;
    }
  }

  /** A program's or an FB instance's body from `d`: the defs at its end (its RETURNs included). */
  body(pou: PouInfo, base: number, d: Defs): Defs {
    if (pou.ast === null) return d;
    const start: Defs = copy(d);
    return this.#within(pou, pou.kind === 'functionBlock' ? base : null, () => {
      // VAR_TEMP starts over in every call (codegen `temps`).
      for (const v of pou.vars.values()) {
        if (v.section !== 'VAR_TEMP') continue;
        this.write(this.e.varPlace(pou, v, null), start);
      }
      this.#returns.push([]);
      const end = this.block(pou.ast!.body, start);
      let out = end;
      for (const r of this.#returns.pop()!) out = meet(out, r);
      return out;
    });
  }

  block(body: readonly Stmt[], d: Defs): Defs {
    let cur = d;
    for (const s of body) {
      if (cur === null && this.#touching === 0) return null; // after EXIT/CONTINUE/RETURN: never runs
      cur = this.stmt(s, cur);
    }
    return cur;
  }

  #statements = 0;

  stmt(s: Stmt, d: Defs): Defs {
    if (++this.#statements > MAX_STATEMENTS) throw new TooBig();
    switch (s.kind) {
      case 'assign': {
        this.expr(s.value, d);
        const t = this.place(s.target, d);
        if (t !== null && !('code' in t)) this.write(t, d);
        return d;
      }
      case 'call':
        this.call(s.call, d);
        return d;
      case 'if': {
        const cur = copy(d);
        let out: Defs = null;
        for (const b of s.branches) {
          this.expr(b.cond, cur);
          out = meet(out, this.block(b.body, copy(cur)));
        }
        return meet(out, s.otherwise ? this.block(s.otherwise, copy(cur)) : cur);
      }
      case 'case': {
        this.expr(s.selector, d);
        let out: Defs = null;
        for (const c of s.cases) out = meet(out, this.block(c.body, copy(d)));
        return meet(out, s.otherwise ? this.block(s.otherwise, copy(d)) : d);
      }
      case 'for': {
        this.expr(s.from, d);
        this.expr(s.to, d);
        if (s.by) this.expr(s.by, d);
        const v = this.place({ kind: 'name', name: s.variable, pos: s.variablePos }, d);
        if (v !== null && !('code' in v)) {
          this.write(v, d);
          this.read(v, d); // the loop's test and step
        }
        // The body may run zero times; EXIT and CONTINUE leave it with at least `d` written.
        this.block(s.body, copy(d));
        return d;
      }
      case 'while':
        this.expr(s.cond, d);
        this.block(s.body, copy(d));
        return d;
      case 'repeat':
        // Conservative: the UNTIL condition is checked against the defs at the loop's entry
        // (CONTINUE reaches it from anywhere in the body), and after the loop only those hold.
        this.block(s.body, copy(d));
        this.expr(s.until, d);
        return d;
      case 'return':
        this.#returns[this.#returns.length - 1]?.push(copy(d));
        return null;
      case 'exit':
      case 'continue':
        return null;
      case 'empty':
        return d;
    }
  }
}
