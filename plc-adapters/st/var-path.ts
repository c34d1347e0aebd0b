// Variable paths of a running program, as engineers type them in an online view or a scenario:
// `PROG.var`, `GVL.var` or a global's own name, then `.field`, `.fbVar`, `[i, j]` and `.3` for a
// bit. Resolved against the compiler's declarations to a byte address and a type; also lists
// a path's children for the instance tree.

import { TwinloopError } from '../../core/errors.ts';
import type { Declarations } from './declarations.ts';
import { closest } from './symbols.ts';
import { stride, type Type } from './types.ts';

export interface VarPlace {
  readonly path: string;
  readonly type: Type;
  /** Byte address in the program's memory. */
  readonly addr: number;
  /** Bit number for a bit of an integer, else -1. */
  readonly bit: number;
  /** Declared CONSTANT (or inside one): the compiled code uses its value, so it is not written. */
  readonly constant: boolean;
}

/** One entry of the instance tree (online view). */
export interface VarNode {
  readonly name: string;
  readonly path: string;
  /** Type as declared (`INT`, `TON`, `ARRAY[1..10] OF REAL`). */
  readonly type: string;
  /** program, global list, FB instance, struct, array, or a scalar. */
  readonly kind: 'program' | 'list' | 'fb' | 'struct' | 'array' | 'scalar';
  /** VAR_INPUT, VAR_OUTPUT, VAR, ... for variables of POUs. */
  readonly section?: string;
  /** A CONSTANT: shown, never written. */
  readonly constant?: true;
}

function unknown(path: string, what: string, known: Iterable<string>): TwinloopError {
  const c = closest(what, known);
  return new TwinloopError('PLC_TAG_UNKNOWN', `${path}: unknown name ${what}${c ? `; did you mean ${c}?` : ''}`);
}

/** Split `A.b[1, 2].c.3` into segments. */
function segments(path: string): (string | number[])[] {
  const out: (string | number[])[] = [];
  const re = /\s*(?:([A-Za-z_][A-Za-z0-9_]*|\d+)|\[([^\]]*)\])\s*(\.?)/y;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < path.length && (m = re.exec(path)) !== null) {
    if (m[1] !== undefined) out.push(m[1]);
    else out.push(m[2]!.split(',').map((s) => Number(s.trim())));
    at = re.lastIndex;
  }
  if (at !== path.length || out.length === 0) throw new TwinloopError('PLC_TAG_UNKNOWN', `${path}: not a variable path (expected PROGRAM.var, GVL.var or a global, then .field, [index] or .bit)`);
  return out;
}

/** The variable declared AT a located address (`%IX0.0`), as its path; null if none is. */
function located(decl: Declarations, address: string): string | null {
  const up = address.toUpperCase();
  for (const g of decl.globals.values()) if (g.at?.toUpperCase() === up) return g.name;
  for (const p of decl.pous.values()) {
    if (p.kind !== 'program') continue;
    for (const v of p.vars.values()) if (v.at?.toUpperCase() === up) return `${p.name}.${v.name}`;
  }
  return null;
}

export function resolvePath(decl: Declarations, path: string): VarPlace {
  if (path.startsWith('%')) {
    const name = located(decl, path.trim());
    if (name === null) throw new TwinloopError('PLC_TAG_UNKNOWN', `${path}: no variable is declared AT this address`);
    return { ...resolvePath(decl, name), path };
  }
  const segs = segments(path);
  const first = segs[0];
  if (typeof first !== 'string') throw new TwinloopError('PLC_TAG_UNKNOWN', `${path}: a path starts with a name`);
  const key = first.toUpperCase();
  let type: Type;
  let addr: number;
  let constant = false;
  let k = 1;
  const prog = decl.pous.get(key);
  if (prog?.kind === 'program') {
    const name = segs[1];
    if (typeof name !== 'string') throw new TwinloopError('PLC_TAG_UNKNOWN', `${path}: name a variable of program ${prog.name}`);
    const v = prog.vars.get(name.toUpperCase());
    if (!v) throw unknown(path, name, [...prog.vars.values()].map((x) => x.name));
    if (v.external) {
      const g = decl.globals.get(v.name.toUpperCase())!;
      type = g.type;
      addr = g.offset;
      constant = g.constant;
    } else {
      type = v.type;
      addr = prog.base + v.offset;
      constant = v.constant;
    }
    k = 2;
  } else if (decl.lists.has(key) && typeof segs[1] === 'string' && decl.globals.get((segs[1] as string).toUpperCase())?.list === key) {
    const g = decl.globals.get((segs[1] as string).toUpperCase())!;
    type = g.type;
    addr = g.offset;
    constant = g.constant;
    k = 2;
  } else {
    const g = decl.globals.get(key);
    if (!g) {
      const names = [...decl.pous.values()].filter((p) => p.kind === 'program' && !p.standard).map((p) => p.name).concat([...decl.globals.values()].map((x) => x.name), [...decl.lists]);
      throw unknown(path, first, names);
    }
    type = g.type;
    addr = g.offset;
    constant = g.constant;
  }
  let bit = -1;
  for (; k < segs.length; k++) {
    const s = segs[k]!;
    if (bit >= 0) throw new TwinloopError('PLC_TAG_UNKNOWN', `${path}: nothing follows a bit`);
    if (Array.isArray(s)) {
      if (type.k !== 'array') throw new TwinloopError('PLC_TAG_UNKNOWN', `${path}: ${type.name} is not an array`);
      if (s.length !== type.dims.length || s.some((x) => !Number.isInteger(x))) throw new TwinloopError('PLC_TAG_UNKNOWN', `${path}: ${type.name} takes ${type.dims.length} integer index(es)`);
      let off = 0;
      let mul = 1;
      for (let d = type.dims.length - 1; d >= 0; d--) {
        const dim = type.dims[d]!;
        const i = s[d]!;
        if (i < dim.lo || i > dim.hi) throw new TwinloopError('PLC_TAG_UNKNOWN', `${path}: index ${i} is outside ${dim.lo}..${dim.hi}`);
        off += (i - dim.lo) * mul;
        mul *= dim.hi - dim.lo + 1;
      }
      addr += off * stride(type);
      type = type.of;
    } else if (/^\d+$/.test(s)) {
      if (type.k !== 'int') throw new TwinloopError('PLC_TAG_UNKNOWN', `${path}: bit .${s} needs an integer, ${type.name} is not one`);
      bit = Number(s);
      if (bit >= type.bits) throw new TwinloopError('PLC_TAG_UNKNOWN', `${path}: ${type.name} has bits 0..${type.bits - 1}`);
    } else if (type.k === 'struct') {
      const f = type.fields.get(s.toUpperCase());
      if (!f) throw unknown(path, s, [...type.fields.values()].map((x) => x.name));
      addr += f.offset;
      type = f.type;
    } else if (type.k === 'fb') {
      const fb = decl.pous.get(type.name.toUpperCase())!;
      const v = fb.vars.get(s.toUpperCase());
      if (!v || v.external) throw unknown(path, s, [...fb.vars.values()].map((x) => x.name));
      if (v.byRef) throw new TwinloopError('PLC_TAG_UNKNOWN', `${path}: ${v.name} is a VAR_IN_OUT (a reference); follow the variable it refers to`);
      addr += v.offset;
      type = v.type;
      constant ||= v.constant;
    } else {
      throw new TwinloopError('PLC_TAG_UNKNOWN', `${path}: ${type.name} has no member ${s}`);
    }
  }
  return { path, type, addr, bit, constant };
}

/** The children of a path in the instance tree; no path: the programs and global lists. */
export function children(decl: Declarations, path?: string): VarNode[] {
  if (path === undefined || path === '') {
    const out: VarNode[] = [];
    for (const p of decl.pous.values()) if (p.kind === 'program' && !p.standard) out.push({ name: p.name, path: p.name, type: 'PROGRAM', kind: 'program' });
    for (const g of decl.globals.values()) out.push(node(g.name, g.name, g.type, 'VAR_GLOBAL', g.constant));
    return out;
  }
  const key = path.toUpperCase();
  const prog = decl.pous.get(key);
  if (prog?.kind === 'program') {
    return [...prog.vars.values()].filter((v) => !v.byRef).map((v) => node(v.name, `${path}.${v.name}`, v.type, v.section, v.constant));
  }
  const p = resolvePath(decl, path);
  const t = p.type;
  if (t.k === 'struct') return [...t.fields.values()].map((f) => node(f.name, `${path}.${f.name}`, f.type, undefined, p.constant));
  if (t.k === 'fb') {
    const fb = decl.pous.get(t.name.toUpperCase())!;
    return [...fb.vars.values()].filter((v) => !v.byRef && !v.external).map((v) => node(v.name, `${path}.${v.name}`, v.type, v.section, v.constant || p.constant));
  }
  if (t.k === 'array') {
    const out: VarNode[] = [];
    // The first 1000 elements: an online view pages through larger arrays by index.
    const walk = (d: number, idx: number[]) => {
      if (out.length >= 1000) return;
      if (d === t.dims.length) {
        out.push(node(`[${idx.join(', ')}]`, `${path}[${idx.join(', ')}]`, t.of, undefined, p.constant));
        return;
      }
      for (let i = t.dims[d]!.lo; i <= t.dims[d]!.hi; i++) walk(d + 1, [...idx, i]);
    };
    walk(0, []);
    return out;
  }
  return [];
}

function node(name: string, path: string, t: Type, section?: string, constant = false): VarNode {
  const kind = t.k === 'fb' ? 'fb' : t.k === 'struct' ? 'struct' : t.k === 'array' ? 'array' : 'scalar';
  return { name, path, type: t.name, kind, ...(section !== undefined ? { section } : {}), ...(constant ? { constant: true as const } : {}) };
}
