// The code generator's state and its name resolution: which POU is being compiled, where its
// variables sit (static addresses for programs and functions, `b + offset` inside a function
// block whose instance address `b` is the generated function's argument), fault sites, and
// temporaries. Statements (emit-stmt.ts), expressions (emit-expr.ts), calls (emit-call.ts) and
// the standard functions (builtins.ts) write through it.

import type { Expr, Pos } from './ast.ts';
import { Declarations, hint } from './declarations.ts';
import { expr, indexPlace } from './emit-expr.ts';
import { callExpr } from './emit-call.ts';
import type { CallExpr } from './ast.ts';
import { at, num, type Place, type Val, val } from './values.ts';
import { implicit } from './convert.ts';
import { Diagnostics, type PouInfo, type VarInfo } from './symbols.ts';
import { DINT, ELEMENTARY, type EnumType, type Type } from './types.ts';

/** A fault site: where a runtime fault (index, division, watchdog, assertion) points. */
export interface Site {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** The POU it is in. */
  readonly pou: string;
}

export class Emitter {
  readonly decl: Declarations;
  readonly diag: Diagnostics;
  readonly sites: Site[] = [];
  /** The POU being compiled. */
  pou!: PouInfo;
  #temp = 0;
  /** Loop nesting, for EXIT and CONTINUE outside a loop. */
  loops = 0;
  /**
   * The unobserved scan (plc-adapters/st/unobserved/) inlines FB bodies per instance: the
   * instance's constant byte address while its body is generated (its variables then sit at
   * constant addresses), else null.
   */
  frame: number | null = null;
  /** The label an inlined body's RETURN breaks out of; null: RETURN returns from the function. */
  returnLabel: string | null = null;
  /**
   * Set while the unobserved scan is generated: the code of a call of an FB instance at a
   * constant address or of a program, with its body inlined. Null: calls are function calls.
   */
  inliner: ((pou: PouInfo, base: number) => string) | null = null;

  constructor(decl: Declarations) {
    this.decl = decl;
    this.diag = decl.diag;
  }

  site(pos: Pos): number {
    this.sites.push({ file: pos.file, line: pos.line, col: pos.col, pou: this.pou?.name ?? '' });
    return this.sites.length - 1;
  }

  /** Module-level temporaries (declared once at the top of the generated code: no allocation). */
  readonly temps: string[] = [];

  temp(prefix = 't'): string {
    const name = `${prefix}$${this.#temp++}`;
    this.temps.push(name);
    return name;
  }

  typeByName(name: string, pos: Pos): Type {
    const key = name.toUpperCase();
    const t = ELEMENTARY.get(key) ?? this.decl.types.get(key);
    if (t) return t;
    this.diag.error(pos, 'ST_UNKNOWN_TYPE', `unknown type ${name}`);
    return DINT;
  }

  /** The place of a variable of the current POU (or of another POU's static frame). */
  varPlace(owner: PouInfo, v: VarInfo, frame: Place | null): Place {
    if (v.external) {
      const g = this.decl.globals.get(v.name.toUpperCase());
      if (g) return this.globalPlace(g);
      return { t: v.type, addr: '', caddr: 0, bit: -1, readonly: null };
    }
    const readonly = v.constant ? `${v.name} is a CONSTANT` : null;
    let base: Place;
    if (frame !== null) base = frame;
    else if (owner.base >= 0) base = { t: v.type, addr: '', caddr: owner.base, bit: -1, readonly };
    else if (this.frame !== null && owner === this.pou) base = { t: v.type, addr: '', caddr: this.frame, bit: -1, readonly };
    else base = { t: v.type, addr: 'b', caddr: null, bit: -1, readonly };
    const slot = at(base, v.offset, v.type, readonly);
    if (!v.byRef) return slot;
    const ptr = slot.caddr !== null ? `I32[${slot.caddr >> 2}]` : `I32[(${slot.addr}) >> 2]`;
    return { t: v.type, addr: ptr, caddr: null, bit: -1, readonly };
  }

  globalPlace(g: VarInfo): Place {
    return { t: g.type, addr: '', caddr: g.offset, bit: -1, readonly: g.constant ? `${g.name} is a CONSTANT` : null };
  }

  /**
   * Resolve a name, member, index or bit expression to a place (or a value: an enumeration
   * constant). Null after reporting an error.
   */
  resolve(x: Expr): Place | Val | null {
    switch (x.kind) {
      case 'name':
        return this.#name(x.name, x.pos);
      case 'member':
        return this.#member(x.object, x.member, x.pos);
      case 'index': {
        const p = this.place(x.object);
        if (p === null) return null;
        return indexPlace(this, p, x.indices, x.pos);
      }
      case 'bit': {
        const p = this.place(x.object);
        if (p === null) return null;
        if (p.t.k !== 'int' || p.bit >= 0) {
          this.diag.error(x.pos, 'ST_TYPE', `bit access .${x.bit} needs an integer or bit string variable, got ${p.t.name}`);
          return null;
        }
        if (x.bit >= p.t.bits) {
          this.diag.error(x.pos, 'ST_RANGE', `bit ${x.bit} does not exist in ${p.t.name} (bits 0..${p.t.bits - 1})`);
          return null;
        }
        return { ...p, bit: x.bit };
      }
      default:
        this.diag.error(x.pos, 'ST_TYPE', 'expected a variable');
        return null;
    }
  }

  /** Resolve to a place; a value (an enum constant) is an error here. */
  place(x: Expr): Place | null {
    // An lvalue names the variable itself, also a CONSTANT (which then is refused as read-only).
    this.#wantPlace = true;
    let r: Place | Val | null;
    try {
      r = this.resolve(x);
    } finally {
      this.#wantPlace = false;
    }
    if (r === null) return null;
    if ('code' in r) {
      this.diag.error(x.pos, 'ST_TYPE', 'expected a variable, found a constant');
      return null;
    }
    return r;
  }

  #name(name: string, pos: Pos): Place | Val | null {
    const key = name.toUpperCase();
    const own = this.pou.vars.get(key);
    if (own) return this.#constant(own) ?? this.varPlace(this.pou, own, null);
    const g = this.decl.globals.get(key);
    if (g) return this.#constant(g) ?? this.globalPlace(g);
    const en = this.decl.enumValues.get(key);
    if (en && en.length > 0) {
      if (en.length > 1) this.diag.warning(pos, 'ST_AMBIGUOUS', `${name} is a value of several enumerations (${en.map((t) => t.name).join(', ')}); qualify it as Type#${name}`);
      const v = en[0]!.values.get(key)!;
      return val(en[0]!, num(v), BigInt(v));
    }
    const pou = this.decl.pous.get(key);
    if (pou) {
      this.diag.error(pos, 'ST_TYPE', `${name} is a ${pou.kind === 'program' ? 'program' : pou.kind === 'function' ? 'function' : 'function block type'}; ${pou.kind === 'function' ? 'call it with ()' : pou.kind === 'program' ? 'name one of its variables (' + name + '.x)' : 'declare an instance of it'}`);
      return null;
    }
    const known = [...this.pou.vars.values()].map((v) => v.name).concat([...this.decl.globals.values()].map((v) => v.name));
    this.diag.error(pos, 'ST_UNKNOWN_NAME', `unknown name ${name}${hint(name, known)}`);
    return null;
  }

  /**
   * A CONSTANT with a constant initial value is used as its value (`step = STEP_CONVEY` compiles
   * to `step === 0`), not read from memory: the variable still exists for the online view.
   */
  #wantPlace = false;

  #constant(v: VarInfo): Val | null {
    if (this.#wantPlace || !v.constant || v.byRef || v.external || v.init === null || v.init.kind === 'arrayInit' || v.init.kind === 'structInit') return null;
    if (v.type.k === 'array' || v.type.k === 'struct' || v.type.k === 'fb') return null;
    if (this.#folding.has(v)) return null; // a constant defined through itself: reported elsewhere
    this.#folding.add(v);
    try {
      const errors = this.diag.list.length;
      const x = expr(this, v.init);
      if (x.value === null || x.error || this.diag.list.length !== errors) {
        this.diag.list.length = errors; // the declaration's own check reports it
        return null;
      }
      const c = implicit(x, v.type);
      if (c === null || 'error' in c) return null;
      return val(v.type, c.code, typeof x.value === 'bigint' && v.type.k === 'int' ? x.value : x.value);
    } finally {
      this.#folding.delete(v);
    }
  }

  readonly #folding = new Set<VarInfo>();

  #member(object: Expr, member: string, pos: Pos): Place | Val | null {
    const mk = member.toUpperCase();
    if (object.kind === 'name') {
      const ok = object.name.toUpperCase();
      const shadowed = this.pou.vars.has(ok) || this.decl.globals.has(ok);
      if (!shadowed) {
        const prog = this.decl.pous.get(ok);
        if (prog?.kind === 'program') {
          const v = prog.vars.get(mk);
          if (!v) {
            this.diag.error(pos, 'ST_UNKNOWN_NAME', `program ${prog.name} has no variable ${member}${hint(member, [...prog.vars.values()].map((x) => x.name))}`);
            return null;
          }
          return this.varPlace(prog, v, null);
        }
        if (this.decl.lists.has(ok)) {
          const g = this.decl.globals.get(mk);
          if (!g || g.list !== ok) {
            this.diag.error(pos, 'ST_UNKNOWN_NAME', `global variable list ${object.name} has no variable ${member}${hint(member, [...this.decl.globals.values()].filter((x) => x.list === ok).map((x) => x.name))}`);
            return null;
          }
          return this.globalPlace(g);
        }
        const t = this.decl.types.get(ok);
        if (t?.k === 'enum') return enumValue(this, t, member, pos);
      }
    }
    const p = this.place(object);
    if (p === null) return null;
    if (p.t.k === 'struct') {
      const f = p.t.fields.get(mk);
      if (!f) {
        this.diag.error(pos, 'ST_UNKNOWN_NAME', `${p.t.name} has no field ${member}${hint(member, [...p.t.fields.values()].map((x) => x.name))}`);
        return null;
      }
      return at(p, f.offset, f.type);
    }
    if (p.t.k === 'fb') {
      const fb = this.decl.pous.get(p.t.name.toUpperCase())!;
      const v = fb.vars.get(mk);
      if (!v) {
        this.diag.error(pos, 'ST_UNKNOWN_NAME', `${fb.name} has no input or output ${member}${hint(member, fb.params.map((x) => x.name))}`);
        return null;
      }
      if (v.section !== 'VAR_INPUT' && v.section !== 'VAR_OUTPUT' && v.section !== 'VAR_IN_OUT') {
        this.diag.error(pos, 'ST_ACCESS', `${member} is internal to ${fb.name}; only its inputs and outputs are visible outside`);
        return null;
      }
      const sub = this.varPlace(fb, v, at(p, 0, v.type));
      return v.section === 'VAR_OUTPUT' ? { ...sub, readonly: `${member} is an output of ${fb.name}; it is written by the function block` } : sub;
    }
    if (p.t.k === 'int' && /^\d+$/.test(member)) return null;
    this.diag.error(pos, 'ST_TYPE', `${p.t.name} has no members (.${member})`);
    return null;
  }

  callExpr(c: CallExpr): Val {
    return callExpr(this, c);
  }

}

function enumValue(e: Emitter, t: EnumType, name: string, pos: Pos): Val | null {
  const v = t.values.get(name.toUpperCase());
  if (v === undefined) {
    e.diag.error(pos, 'ST_UNKNOWN_NAME', `${t.name} has no value ${name}${hint(name, [...t.spelled.values()])}`);
    return null;
  }
  return val(t, num(v), BigInt(v));
}
