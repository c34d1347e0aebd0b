// Initial values: the code a cold start runs after zeroing memory. Declared initializers
// (`x : INT := 5`, `[1, 2, 3(0)]`, `(a := 1, b := T#1s)`), struct field defaults, the first value
// of an enumeration, the low bound of a subrange that excludes 0, empty strings, and each FB
// instance's own initial values (one generated function per function block type).

import type { ArrayInit, Initializer, StructInit } from './ast.ts';
import { coerce, expr } from './emit-expr.ts';
import type { Emitter } from './emitter.ts';
import type { ArrayType, Type } from './types.ts';
import { stride } from './types.ts';
import { addrOf, at, num, type Place, store } from './values.ts';

/** Does a zeroed value of this type need initialization code? */
export function needsInit(e: Emitter, t: Type): boolean {
  if (e.decl.typeDefaults.has(t)) return true;
  switch (t.k) {
    case 'string':
    case 'fb':
      return true;
    case 'enum':
      return [...t.values.values()][0] !== 0;
    case 'int':
      return t.lo !== undefined && (t.lo > 0n || (t.hi !== undefined && t.hi < 0n));
    case 'array':
      return needsInit(e, t.of);
    case 'struct': {
      const decls = e.decl.structInits.get(t);
      if (decls?.some((d) => d.init !== null)) return true;
      return [...t.fields.values()].some((f) => needsInit(e, f.type));
    }
    default:
      return false;
  }
}

/** Statements that give a place its initial value (declared `init`, else the type's default). */
export function initCode(e: Emitter, p: Place, init: Initializer | null): string[] {
  const t = p.t;
  if (init === null) return defaultInit(e, p);
  if (init.kind === 'arrayInit') {
    if (t.k !== 'array') {
      e.diag.error(init.pos, 'ST_TYPE', `an array initializer [...] for ${t.name}`);
      return [];
    }
    return arrayInit(e, p, t, init);
  }
  if (init.kind === 'structInit') {
    if (t.k !== 'struct' && t.k !== 'fb') {
      e.diag.error(init.pos, 'ST_TYPE', `a structure initializer (...) for ${t.name}`);
      return [];
    }
    return structInit(e, p, init);
  }
  if (t.k === 'array' || t.k === 'struct' || t.k === 'fb') {
    e.diag.error(init.pos, 'ST_TYPE', `${t.name} takes an initializer in [...] or (...)`);
    return [];
  }
  const v = expr(e, init);
  if (t.k === 'string' && typeof v.value === 'string' && v.value.length > t.length) {
    e.diag.error(init.pos, 'ST_RANGE', `the string constant has ${v.value.length} characters; ${t.name} holds ${t.length}`);
    return [];
  }
  return [store(p, coerce(e, v, t, init.pos, 'initial value'))];
}

function defaultInit(e: Emitter, p: Place): string[] {
  const t = p.t;
  const declared = e.decl.typeDefaults.get(t);
  if (declared !== undefined) return initCode(e, p, declared);
  switch (t.k) {
    case 'string':
      return [store(p, "''")];
    case 'enum': {
      const first = [...t.values.values()][0]!;
      return first !== 0 ? [store(p, num(first))] : [];
    }
    case 'int':
      return needsInit(e, t) ? [store(p, t.bits === 64 ? `${t.lo}n` : num(Number(t.lo)))] : [];
    case 'fb': {
      const fb = e.decl.pous.get(t.name.toUpperCase())!;
      return [`I_${fb.js}(${addrOf(p)});`];
    }
    case 'struct': {
      const decls = e.decl.structInits.get(t) ?? [];
      const out: string[] = [];
      for (const d of decls) {
        for (const n of d.names) {
          const f = t.fields.get(n.name.toUpperCase())!;
          out.push(...initCode(e, at(p, f.offset, f.type), d.init));
        }
      }
      return out;
    }
    case 'array': {
      if (!needsInit(e, t.of)) return [];
      return loopElements(e, p, t, (el) => defaultInit(e, el));
    }
    default:
      return [];
  }
}

function loopElements(e: Emitter, p: Place, t: ArrayType, body: (el: Place) => string[]): string[] {
  const count = t.dims.reduce((n, d) => n * (d.hi - d.lo + 1), 1);
  const k = `k${e.temps.length}`;
  e.temps.push(k);
  const el: Place = { t: t.of, addr: `${addrOf(p)} + ${k} * ${stride(t)}`, caddr: null, bit: -1, readonly: null };
  const inner = body(el);
  if (inner.length === 0) return [];
  return [`for (${k} = 0; ${k} < ${count}; ${k}++) { ${inner.join(' ')} }`];
}

function arrayInit(e: Emitter, p: Place, t: ArrayType, init: ArrayInit): string[] {
  const count = t.dims.reduce((n, d) => n * (d.hi - d.lo + 1), 1);
  const out: string[] = [];
  let k = 0;
  for (const item of init.items) {
    let n = 1;
    if (item.count !== null) {
      const c = e.decl.constInt(item.count);
      if (c === null || c < 0n) {
        e.diag.error(item.pos, 'ST_TYPE', 'a repetition count must be a constant >= 0');
        continue;
      }
      n = Number(c);
    }
    for (let r = 0; r < n; r++, k++) {
      if (k >= count) {
        e.diag.error(item.pos, 'ST_RANGE', `the initializer has more than the array's ${count} elements`);
        return out;
      }
      const el = at(p, k * stride(t), t.of);
      out.push(...(item.value === null ? defaultInit(e, el) : initCode(e, el, item.value)));
    }
  }
  // Elements past the list keep their type's default.
  if (k < count && needsInit(e, t.of)) {
    for (; k < count; k++) out.push(...defaultInit(e, at(p, k * stride(t), t.of)));
  }
  return out;
}

function structInit(e: Emitter, p: Place, init: StructInit): string[] {
  const t = p.t;
  const out = defaultInit(e, p);
  for (const f of init.fields) {
    const key = f.name.toUpperCase();
    if (t.k === 'struct') {
      const field = t.fields.get(key);
      if (!field) {
        e.diag.error(f.pos, 'ST_UNKNOWN_NAME', `${t.name} has no field ${f.name}`);
        continue;
      }
      out.push(...initCode(e, at(p, field.offset, field.type), f.value));
    } else if (t.k === 'fb') {
      const fb = e.decl.pous.get(t.name.toUpperCase())!;
      const v = fb.vars.get(key);
      if (!v || v.byRef || v.external) {
        e.diag.error(f.pos, 'ST_UNKNOWN_NAME', `${fb.name} has no variable ${f.name} to initialize`);
        continue;
      }
      out.push(...initCode(e, at(p, v.offset, v.type), f.value));
    }
  }
  return out;
}
