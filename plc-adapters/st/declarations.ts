// The declaration half of the checker: collects the types, POUs and global variables of all
// compilation units, resolves declared types to the type system (types.ts) and lays out every
// frame in memory. Errors go to the diagnostics; a bad declaration becomes a placeholder type so
// that checking goes on and reports everything in one run.

import type { CompilationUnit, Expr, Pos, Pou, TypeDecl, TypeRef, VarBlock } from './ast.ts';
import { closest, Diagnostics, type GlobalInfo, type PouInfo, type VarInfo } from './symbols.ts';
import {
  alignUp,
  arrayType,
  DEFAULT_STRING_LENGTH,
  DINT,
  ELEMENTARY,
  INT,
  intRange,
  type EnumType,
  type IntType,
  type StructType,
  stringType,
  type Type,
  VOID,
} from './types.ts';

/** Function blocks of the standard library (their ST source is in stdlib.ts). */
/**
 * Where the scan clock sits in a program's memory: controller milliseconds as a 32-bit TIME,
 * written before every scan, read by the standard timers (__CLOCK) as a plain memory cell.
 */
export const CLOCK_ADDRESS = 0;

export const STANDARD_FBS = ['TON', 'TOF', 'TP', 'CTU', 'CTD', 'CTUD', 'R_TRIG', 'F_TRIG', 'SR', 'RS'];

export class Declarations {
  readonly diag: Diagnostics;
  /** Declared types by upper-cased name. */
  readonly types = new Map<string, Type>();
  readonly pous = new Map<string, PouInfo>();
  readonly globals = new Map<string, GlobalInfo>();
  /** Upper-cased GVL names. */
  readonly lists = new Set<string>();
  /** Enum value name (upper) -> the enums declaring it (for unqualified use). */
  readonly enumValues = new Map<string, EnumType[]>();
  readonly #typeDecls = new Map<string, TypeDecl>();
  readonly #resolving = new Set<string>();
  /** Constants of the POU being laid out (for array bounds). */
  #localConsts: Map<string, VarInfo> = new Map();
  /** Next free byte of static memory; bytes 0..7 hold the scan clock (CLOCK_ADDRESS). */
  top = 8;

  constructor(diag: Diagnostics) {
    this.diag = diag;
  }

  collect(units: readonly CompilationUnit[], standard: ReadonlySet<string>): void {
    for (const unit of units) {
      for (const item of unit.items) {
        if (item.kind === 'type') {
          const key = item.name.toUpperCase();
          if (this.#typeDecls.has(key) || ELEMENTARY.has(key)) this.diag.error(item.pos, 'ST_DUPLICATE', `type ${item.name} is declared twice`);
          else this.#typeDecls.set(key, item);
        } else if (item.kind === 'foreign') {
          this.diag.error(item.pos, 'ST_LANGUAGE', `POU "${item.name}" is written in ${item.language}; twinloop compiles Structured Text only`);
        } else if (item.kind !== 'globals') {
          this.#declarePou(item, standard.has(unit.file));
        }
      }
    }
  }

  #declarePou(p: Pou, standard: boolean): void {
    const key = p.name.toUpperCase();
    const prior = this.pous.get(key);
    if (prior) {
      if (prior.standard) this.diag.error(p.pos, 'ST_DUPLICATE', `${p.name} is a standard function block; choose another name`);
      else this.diag.error(p.pos, 'ST_DUPLICATE', `${p.name} is declared twice (first at ${prior.ast?.pos.file}:${prior.ast?.pos.line})`);
      return;
    }
    if (p.extends !== null) this.diag.error(p.pos, 'ST_UNSUPPORTED', `EXTENDS is not supported: twinloop's ST has no object-oriented extensions (EXTENDS, METHOD, INTERFACE)`);
    const info: PouInfo = {
      kind: p.kind,
      name: p.name,
      ast: p,
      vars: new Map(),
      params: [],
      returnType: VOID,
      frame: { size: 0, align: 1 },
      base: -1,
      fbType: null,
      js: `${p.kind === 'program' ? 'P' : p.kind === 'function' ? 'F' : 'FB'}_${p.name}`,
      calledByProgram: false,
      standard,
      laidOut: false,
    };
    if (p.kind === 'functionBlock') {
      const frame = info.frame;
      info.fbType = {
        k: 'fb',
        name: p.name,
        frame,
        get size() {
          return frame.size;
        },
        get align() {
          return frame.align;
        },
      };
    }
    this.pous.set(key, info);
  }

  /** Lay out globals (in memory), then every POU's frame; programs and functions get static frames. */
  layout(units: readonly CompilationUnit[]): void {
    for (const unit of units) {
      for (const item of unit.items) {
        if (item.kind !== 'globals') continue;
        const list = (item.name ?? 'GVL').toUpperCase();
        this.lists.add(list);
        for (const block of item.blocks) this.#globalBlock(block, list);
      }
    }
    for (const pou of this.pous.values()) this.layoutPou(pou);
    for (const pou of this.pous.values()) {
      if (pou.kind === 'functionBlock') continue;
      this.top = alignUp(this.top, 8);
      pou.base = this.top;
      this.top += pou.frame.size;
    }
    this.top = alignUp(this.top, 8);
  }

  #globalBlock(block: VarBlock, list: string): void {
    for (const decl of block.decls) {
      const type = this.resolve(decl.type);
      for (const n of decl.names) {
        const key = n.name.toUpperCase();
        if (this.globals.has(key)) {
          this.diag.error(n.pos, 'ST_DUPLICATE', `global variable ${n.name} is declared twice`);
          continue;
        }
        this.top = alignUp(this.top, type.align);
        this.globals.set(key, {
          name: n.name,
          section: 'VAR_GLOBAL',
          type,
          offset: this.top,
          constant: block.constant,
          retain: block.retain || block.persistent,
          byRef: false,
          external: false,
          init: decl.init,
          at: decl.at,
          pos: n.pos,
          list,
        });
        this.top += type.size;
      }
    }
  }

  /** Lay out a POU's frame (recursively laying out the FBs it instantiates). */
  layoutPou(pou: PouInfo): void {
    if (pou.laidOut) return;
    const key = pou.name.toUpperCase();
    if (this.#resolving.has(key)) {
      this.diag.error(pou.ast!.pos, 'ST_RECURSIVE', `function block ${pou.name} contains an instance of itself`);
      return;
    }
    this.#resolving.add(key);
    const p = pou.ast!;
    let at = 0;
    let align = 8;
    // The POU's own constants may size its arrays (ARRAY[0..SIZE - 1]).
    const outer = this.#localConsts;
    this.#localConsts = new Map();
    for (const block of p.vars) {
      if (!block.constant || block.section === 'VAR_EXTERNAL') continue;
      for (const d of block.decls) for (const n of d.names) this.#localConsts.set(n.name.toUpperCase(), { name: n.name, section: block.section, type: INT, offset: 0, constant: true, retain: false, byRef: false, external: false, init: d.init, at: null, pos: n.pos });
    }
    if (p.kind === 'function') {
      pou.returnType = p.returnType ? this.resolve(p.returnType) : VOID;
      if (pou.returnType.k === 'fb') this.diag.error(p.returnType!.pos, 'ST_TYPE', `a function cannot return a function block instance`);
      // The result variable is the function's own name.
      if (pou.returnType !== VOID) {
        at = alignUp(at, pou.returnType.align);
        pou.vars.set(key, { name: p.name, section: 'VAR', type: pou.returnType, offset: at, constant: false, retain: false, byRef: false, external: false, init: null, at: null, pos: p.pos });
        at += pou.returnType.size;
      }
    }
    for (const block of p.vars) {
      if (block.section === 'VAR_GLOBAL') {
        this.diag.error(block.pos, 'ST_UNSUPPORTED', `VAR_GLOBAL inside ${p.name}: declare globals at the top level (a global variable list)`);
        continue;
      }
      if (p.kind === 'function' && (block.section === 'VAR_OUTPUT' || block.section === 'VAR_IN_OUT')) {
        // allowed (IEC functions may have outputs); nothing special in layout
      }
      if (p.kind !== 'functionBlock' && p.kind !== 'program' && block.section === 'VAR_STAT') this.diag.error(block.pos, 'ST_UNSUPPORTED', 'VAR_STAT is only allowed in function blocks and programs');
      for (const decl of block.decls) {
        const type = this.resolve(decl.type);
        if (type.k === 'fb' && !type.frame.size) {
          const fb = this.pous.get(type.name.toUpperCase());
          if (fb) this.layoutPou(fb);
        }
        for (const n of decl.names) {
          const vk = n.name.toUpperCase();
          if (pou.vars.has(vk)) {
            this.diag.error(n.pos, 'ST_DUPLICATE', `${n.name} is declared twice in ${p.name}`);
            continue;
          }
          const external = block.section === 'VAR_EXTERNAL';
          const byRef = block.section === 'VAR_IN_OUT';
          let offset = 0;
          if (external) {
            const g = this.globals.get(vk);
            if (!g) this.diag.error(n.pos, 'ST_UNKNOWN_NAME', `VAR_EXTERNAL ${n.name} names no global variable${hint(n.name, this.globals.keys())}`);
            else if (g.type !== type && g.type.name !== type.name) this.diag.error(n.pos, 'ST_TYPE', `VAR_EXTERNAL ${n.name} is ${type.name} here but the global is ${g.type.name}`);
          } else if (byRef) {
            at = alignUp(at, 4);
            offset = at;
            at += 4;
          } else {
            at = alignUp(at, type.align);
            offset = at;
            at += type.size;
            align = Math.max(align, type.align);
          }
          if (byRef && decl.init !== null) this.diag.error(n.pos, 'ST_SYNTAX', `VAR_IN_OUT ${n.name} cannot have an initial value`);
          if (decl.at !== null && p.kind !== 'program') this.diag.error(n.pos, 'ST_UNSUPPORTED', `located variables (AT ${decl.at}) are only allowed in programs and global variable lists`);
          const v: VarInfo = { name: n.name, section: block.section, type, offset, constant: block.constant, retain: block.retain || block.persistent, byRef, external, init: decl.init, at: decl.at, pos: n.pos };
          pou.vars.set(vk, v);
          if (block.section === 'VAR_INPUT' || block.section === 'VAR_OUTPUT' || block.section === 'VAR_IN_OUT') pou.params.push(v);
        }
      }
    }
    pou.frame.size = alignUp(Math.max(at, 1), 8);
    pou.frame.align = align;
    pou.laidOut = true;
    this.#localConsts = outer;
    this.#resolving.delete(key);
  }

  /** Resolve a written type; unknown names are reported and become DINT so checking goes on. */
  resolve(ref: TypeRef): Type {
    switch (ref.kind) {
      case 'named':
        return this.#named(ref.name, ref.pos);
      case 'string': {
        const len = ref.length === null ? DEFAULT_STRING_LENGTH : this.constInt(ref.length);
        if (len === null || len < 1n || len > 65535n) {
          this.diag.error(ref.pos, 'ST_TYPE', `STRING length must be a constant from 1 to 65535`);
          return stringType(DEFAULT_STRING_LENGTH, ref.wide);
        }
        return stringType(Number(len), ref.wide);
      }
      case 'array': {
        const dims: { lo: number; hi: number }[] = [];
        for (const d of ref.dims) {
          const lo = this.constInt(d.lo);
          const hi = this.constInt(d.hi);
          if (lo === null || hi === null) {
            this.diag.error(ref.pos, 'ST_TYPE', `array bounds must be constant integer expressions`);
            dims.push({ lo: 0, hi: 0 });
          } else if (hi < lo) {
            this.diag.error(ref.pos, 'ST_TYPE', `array upper bound ${hi} is below its lower bound ${lo}`);
            dims.push({ lo: 0, hi: 0 });
          } else dims.push({ lo: Number(lo), hi: Number(hi) });
        }
        const of = this.resolve(ref.of);
        if (of.k === 'fb') {
          const fb = this.pous.get(of.name.toUpperCase());
          if (fb) this.layoutPou(fb);
        }
        return arrayType(dims, of);
      }
      case 'subrange': {
        const base = this.#named(ref.base, ref.pos);
        const lo = this.constInt(ref.lo);
        const hi = this.constInt(ref.hi);
        if (base.k !== 'int' || lo === null || hi === null || hi < lo) {
          this.diag.error(ref.pos, 'ST_TYPE', `a subrange needs an integer base type and constant bounds lo <= hi`);
          return DINT;
        }
        const r = intRange(base);
        if (lo < r.lo || hi > r.hi) this.diag.error(ref.pos, 'ST_TYPE', `subrange ${lo}..${hi} does not fit ${base.name} (${r.lo}..${r.hi})`);
        return { ...base, name: `${base.name} (${lo}..${hi})`, lo, hi };
      }
      case 'enum':
        return this.#enum(`(${ref.values.map((v) => v.name).join(', ')})`, ref);
      case 'pointer':
        this.diag.error(ref.pos, 'ST_UNSUPPORTED', `${ref.reference ? 'REFERENCE TO' : 'POINTER TO'} is not supported (use VAR_IN_OUT to pass a variable by reference)`);
        return DINT;
    }
  }

  #named(name: string, pos: Pos): Type {
    const key = name.toUpperCase();
    const el = ELEMENTARY.get(key);
    if (el) return el;
    const known = this.types.get(key);
    if (known) return known;
    const decl = this.#typeDecls.get(key);
    if (decl) return this.#declared(key, decl);
    const pou = this.pous.get(key);
    if (pou?.kind === 'functionBlock') return pou.fbType!;
    if (pou) {
      this.diag.error(pos, 'ST_TYPE', `${name} is a ${pou.kind === 'program' ? 'program' : 'function'}, not a type`);
      return DINT;
    }
    const names = [...ELEMENTARY.keys(), ...this.#typeDecls.values()].map((t) => (typeof t === 'string' ? t : t.name));
    for (const p of this.pous.values()) if (p.kind === 'functionBlock') names.push(p.name);
    this.diag.error(pos, 'ST_UNKNOWN_TYPE', `unknown type ${name}${hint(name, names)}`);
    this.types.set(key, DINT);
    return DINT;
  }

  #declared(key: string, decl: TypeDecl): Type {
    if (this.#resolving.has(key)) {
      this.diag.error(decl.pos, 'ST_RECURSIVE', `type ${decl.name} refers to itself`);
      return DINT;
    }
    this.#resolving.add(key);
    let t: Type;
    const def = decl.def;
    if (def.kind === 'struct') {
      const fields = new Map<string, { name: string; type: Type; offset: number }>();
      const st: StructType = { k: 'struct', name: decl.name, fields, size: 0, align: 1 };
      this.types.set(key, st); // visible to its own fields' errors, not to recursion
      let at = 0;
      for (const f of def.fields) {
        const ft = this.resolve(f.type);
        for (const n of f.names) {
          if (fields.has(n.name.toUpperCase())) this.diag.error(n.pos, 'ST_DUPLICATE', `field ${n.name} is declared twice in ${decl.name}`);
          at = alignUp(at, ft.align);
          fields.set(n.name.toUpperCase(), { name: n.name, type: ft, offset: at });
          st.align = Math.max(st.align, ft.align);
          at += ft.size;
        }
      }
      st.size = alignUp(Math.max(at, 1), st.align);
      this.structInits.set(st, def.fields);
      t = st;
    } else if (def.kind === 'enum') {
      t = this.#enum(decl.name, def);
    } else {
      const base = this.resolve(def);
      // IEC treats an alias as the same type. One with its own initial value
      // (TYPE Speed : INT := 100;) needs its own type object to carry that default.
      t = decl.init !== null && base.k === 'int' ? { ...base, name: decl.name } : base;
    }
    if (decl.init !== null) {
      if (t.k === 'int' || t.k === 'enum' || t.k === 'real' || t.k === 'bool' || t.k === 'time') this.typeDefaults.set(t, decl.init);
      else this.diag.error(decl.pos, 'ST_UNSUPPORTED', `an initial value on type ${decl.name} (${t.name}) is not supported; give it on the variables`);
    }
    this.types.set(key, t);
    this.#resolving.delete(key);
    return t;
  }

  /** Field declarations of struct types (for their default initial values). */
  readonly structInits = new Map<StructType, readonly import('./ast.ts').VarDecl[]>();
  /** Initial values declared on a type (`TYPE T : INT := 5;`, `TYPE E : (A, B) := B;`). */
  readonly typeDefaults = new Map<Type, import('./ast.ts').Initializer>();

  #enum(name: string, def: Extract<TypeRef, { kind: 'enum' }>): EnumType {
    const values = new Map<string, number>();
    const spelled = new Map<number, string>();
    let next = 0n;
    const base = (def.base ? this.#named(def.base, def.pos) : INT) as IntType;
    for (const v of def.values) {
      if (v.value !== null) {
        const c = this.constInt(v.value);
        if (c === null) this.diag.error(v.pos, 'ST_TYPE', `enumeration value ${v.name} needs a constant integer`);
        else next = c;
      }
      if (values.has(v.name.toUpperCase())) this.diag.error(v.pos, 'ST_DUPLICATE', `enumeration value ${v.name} is declared twice`);
      values.set(v.name.toUpperCase(), Number(next));
      if (!spelled.has(Number(next))) spelled.set(Number(next), v.name);
      next++;
    }
    const t: EnumType = { k: 'enum', name, values, spelled, base: base.k === 'int' ? base : INT, size: base.size, align: base.align };
    for (const key of values.keys()) {
      const list = this.enumValues.get(key) ?? [];
      list.push(t);
      this.enumValues.set(key, list);
    }
    return t;
  }

  /** Evaluate a constant integer expression (literals, CONSTANT globals, + - * / MOD); null if not constant. */
  constInt(e: Expr, locals?: ReadonlyMap<string, VarInfo>): bigint | null {
    switch (e.kind) {
      case 'int':
        return e.value;
      case 'unary': {
        const v = this.constInt(e.operand, locals);
        if (v === null) return null;
        return e.op === '-' ? -v : e.op === '+' ? v : null;
      }
      case 'binary': {
        const a = this.constInt(e.left, locals);
        const b = this.constInt(e.right, locals);
        if (a === null || b === null) return null;
        switch (e.op) {
          case '+':
            return a + b;
          case '-':
            return a - b;
          case '*':
            return a * b;
          case '/':
            return b === 0n ? null : a / b;
          case 'MOD':
            return b === 0n ? null : a % b;
          default:
            return null;
        }
      }
      case 'name': {
        const key = e.name.toUpperCase();
        const local = locals?.get(key);
        const v = (local && !local.external ? local : undefined) ?? this.#localConsts.get(key) ?? this.globals.get(key);
        if (v && v.constant && v.init !== null && v.init.kind !== 'arrayInit' && v.init.kind !== 'structInit') return this.constInt(v.init, locals);
        const en = this.enumValues.get(key);
        if (en && en.length === 1) return BigInt(en[0]!.values.get(key)!);
        return null;
      }
      case 'typedName': {
        const t = this.types.get(e.type.toUpperCase());
        if (t?.k === 'enum') {
          const v = t.values.get(e.name.toUpperCase());
          return v === undefined ? null : BigInt(v);
        }
        return null;
      }
      default:
        return null;
    }
  }
}

/** `; did you mean X?` when a known name is close to `name`. */
export function hint(name: string, known: Iterable<string>): string {
  const c = closest(name, known);
  return c !== null ? `; did you mean ${c}?` : '';
}
