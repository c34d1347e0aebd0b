// Calls: standard functions and conversions (builtins.ts), user FUNCTIONs (static frame,
// elementary arguments as JavaScript parameters, the result returned), FUNCTION_BLOCK instances
// (inputs written into the instance, the body called with the instance address, outputs read
// back) and PROGRAM calls. Formal (`IN := x`, `Q => y`) and positional arguments, as IEC
// 61131-3 defines them; inputs not given keep their last value in an FB and take their initial
// value in a function.

import type { CallArg, CallExpr, Expr, Pos } from './ast.ts';
import { BUILTINS, conversion } from './builtins.ts';
import { hint } from './declarations.ts';
import { coerce, expr, zero } from './emit-expr.ts';
import type { Emitter } from './emitter.ts';
import type { PouInfo, VarInfo } from './symbols.ts';
import { repr, VOID } from './types.ts';
import { activeReadCache, addrOf, at, clobber, load, type Place, store, type Val, val } from './values.ts';
import { BAD } from './values.ts';


/** A call in an expression: a function (builtin or user) with a value. */
export function callExpr(e: Emitter, c: CallExpr): Val {
  const r = call(e, c, false);
  if (r.kind === 'stmt') {
    e.diag.error(c.pos, 'ST_TYPE', `a function block or program call is a statement; it has no value (read its outputs: inst.Q)`);
    return BAD;
  }
  return r.value;
}

/** A call as a statement: JavaScript statements. */
export function callStmt(e: Emitter, c: CallExpr): string {
  const r = call(e, c, true);
  return r.kind === 'stmt' ? r.code : `${r.value.code};`;
}

type CallResult = { kind: 'value'; value: Val } | { kind: 'stmt'; code: string };

function call(e: Emitter, c: CallExpr, statement: boolean): CallResult {
  if (c.callee.kind === 'name') {
    const name = c.callee.name.toUpperCase();
    const local = e.pou.vars.has(name) || e.decl.globals.has(name);
    if (!local) {
      const pou = e.decl.pous.get(name);
      if (pou?.kind === 'function') return { kind: 'value', value: userFunction(e, pou, c, statement) };
      if (pou?.kind === 'program') return { kind: 'stmt', code: programCall(e, pou, c) };
      if (pou?.kind === 'functionBlock') {
        e.diag.error(c.pos, 'ST_TYPE', `${pou.name} is a function block type; declare an instance (inst : ${pou.name};) and call the instance`);
        return { kind: 'value', value: BAD };
      }
      const b = BUILTINS.get(name);
      if (b) return { kind: 'value', value: builtin(e, name, b.params, b.min, b.gen, c) };
      const conv = conversion(e, name, positional(e, c, name), c.pos);
      if (conv) return { kind: 'value', value: conv };
      const known = [...e.decl.pous.values()].filter((p) => p.kind === 'function').map((p) => p.name).concat([...BUILTINS.keys()].filter((k) => !k.startsWith('__')));
      e.diag.error(c.callee.pos, 'ST_UNKNOWN_NAME', `unknown function ${c.callee.name}${hint(c.callee.name, known)}`);
      return { kind: 'value', value: BAD };
    }
  }
  const inst = e.place(c.callee);
  if (inst === null) return { kind: 'value', value: BAD };
  if (inst.t.k !== 'fb') {
    e.diag.error(c.pos, 'ST_TYPE', `${describe(c.callee)} is of type ${inst.t.name}, not a function block instance; it cannot be called`);
    return { kind: 'value', value: BAD };
  }
  return { kind: 'stmt', code: fbCall(e, inst, c) };
}

function describe(x: Expr): string {
  return x.kind === 'name' ? x.name : x.kind === 'member' ? `${describe(x.object)}.${x.member}` : 'this';
}

/** Positional argument values of a builtin-style call (formal names are refused there). */
function positional(e: Emitter, c: CallExpr, name: string): Val[] {
  return c.args.map((a) => {
    if (a.output || a.value === null) {
      e.diag.error(a.pos, 'ST_ARGS', `${name} has no outputs`);
      return BAD;
    }
    return expr(e, a.value);
  });
}

function builtin(e: Emitter, name: string, params: readonly string[], min: number, gen: (e: Emitter, args: Val[], pos: Pos, c: CallExpr) => Val, c: CallExpr): Val {
  const variadic = params[0] === '*';
  const args: (Val | undefined)[] = [];
  let bad = false;
  c.args.forEach((a, k) => {
    if (a.output || a.value === null) {
      e.diag.error(a.pos, 'ST_ARGS', `${name} has no outputs`);
      bad = true;
      return;
    }
    let at = k;
    if (a.name !== null) {
      const key = a.name.toUpperCase();
      at = variadic ? (/^IN(\d+)$/.exec(key) ? Number(/^IN(\d+)$/.exec(key)![1]) : -1) : params.indexOf(key);
      if (variadic && key === 'K') at = 0;
      if (at < 0) {
        e.diag.error(a.pos, 'ST_ARGS', `${name} has no parameter ${a.name}${variadic ? '' : `; its parameters: ${params.join(', ')}`}`);
        bad = true;
        return;
      }
    }
    args[at] = expr(e, a.value);
  });
  if (bad) return BAD;
  const given = args.filter((a) => a !== undefined) as Val[];
  if (given.length < min || (!variadic && given.length > params.length) || given.length !== args.length) {
    e.diag.error(c.pos, 'ST_ARGS', variadic ? `${name} takes at least ${min} arguments, got ${given.length}` : `${name} takes ${min === params.length ? '' : 'at least '}${min} argument${min === 1 ? '' : 's'} (${params.join(', ')}), got ${given.length}`);
    return BAD;
  }
  if (given.some((g) => g.error)) return BAD;
  return gen(e, given, c.pos, c);
}

/** Match a call's arguments to a POU's parameters: formal by name, positional in declaration order. */
export function bind(e: Emitter, pou: PouInfo, c: CallExpr): Map<VarInfo, CallArg> | null {
  const out = new Map<VarInfo, CallArg>();
  const inputs = pou.params.filter((p) => p.section !== 'VAR_OUTPUT');
  let pos = 0;
  let ok = true;
  for (const a of c.args) {
    let p: VarInfo | undefined;
    if (a.name === null) {
      if (a.output) {
        e.diag.error(a.pos, 'ST_ARGS', `an output argument needs the output's name (Q => x)`);
        ok = false;
        continue;
      }
      p = inputs[pos++];
      if (!p) {
        e.diag.error(a.pos, 'ST_ARGS', `${pou.name} takes ${inputs.length} input${inputs.length === 1 ? '' : 's'}, got more`);
        ok = false;
        continue;
      }
    } else {
      p = pou.vars.get(a.name.toUpperCase());
      if (!p || (p.section !== 'VAR_INPUT' && p.section !== 'VAR_OUTPUT' && p.section !== 'VAR_IN_OUT')) {
        e.diag.error(a.pos, 'ST_ARGS', `${pou.name} has no ${a.output ? 'output' : 'input'} ${a.name}${hint(a.name, pou.params.map((x) => x.name))}`);
        ok = false;
        continue;
      }
      if (a.output !== (p.section === 'VAR_OUTPUT')) {
        e.diag.error(a.pos, 'ST_ARGS', p.section === 'VAR_OUTPUT' ? `${a.name} is an output of ${pou.name}: write ${a.name} => target` : `${a.name} is an input of ${pou.name}: write ${a.name} := value`);
        ok = false;
        continue;
      }
    }
    if (out.has(p)) {
      e.diag.error(a.pos, 'ST_ARGS', `${p.name} is given twice`);
      ok = false;
      continue;
    }
    out.set(p, a);
  }
  for (const p of pou.params) {
    if (p.section === 'VAR_IN_OUT' && !out.has(p)) {
      e.diag.error(c.pos, 'ST_ARGS', `${pou.name} needs its VAR_IN_OUT ${p.name} in every call`);
      ok = false;
    }
  }
  return ok ? out : null;
}

/** Statements that copy an input argument into a parameter slot. */
function assignInput(e: Emitter, slot: Place, a: CallArg, what: string): string {
  const v = expr(e, a.value!);
  if (v.t.k === 'array' || v.t.k === 'struct') {
    if (v.t !== slot.t && v.t.name !== slot.t.name) {
      e.diag.error(a.pos, 'ST_TYPE', `${what}: cannot pass ${v.t.name} as ${slot.t.name}`);
      return '';
    }
    clobber();
    return `acopy(${addrOf(slot)}, ${v.code}, ${slot.t.size});`;
  }
  if (v.t.k === 'fb') {
    e.diag.error(a.pos, 'ST_TYPE', `${what}: a function block instance cannot be passed by value (use VAR_IN_OUT)`);
    return '';
  }
  const code = a.negated ? `!(${v.code})` : v.code;
  return store(slot, coerce(e, { ...v, code }, slot.t, a.pos, what));
}

/** Bind a VAR_IN_OUT: store the argument's address into the parameter's pointer slot. */
function bindRef(e: Emitter, slot: Place, p: VarInfo, a: CallArg, pou: PouInfo): string {
  const target = a.value ? e.place(a.value) : null;
  if (target === null) {
    if (a.value) e.diag.error(a.pos, 'ST_ARGS', `VAR_IN_OUT ${p.name} of ${pou.name} needs a variable`);
    return '';
  }
  if (target.bit >= 0) {
    e.diag.error(a.pos, 'ST_ARGS', `VAR_IN_OUT ${p.name} of ${pou.name} cannot take a single bit`);
    return '';
  }
  if (target.t !== p.type && target.t.name !== p.type.name) {
    e.diag.error(a.pos, 'ST_TYPE', `VAR_IN_OUT ${p.name} of ${pou.name} is ${p.type.name}, got ${target.t.name} (by reference the types must be the same)`);
    return '';
  }
  if (target.readonly !== null) e.diag.error(a.pos, 'ST_ACCESS', `VAR_IN_OUT ${p.name}: ${target.readonly}`);
  clobber(); // the cell is reached through the pointer from now on
  return `I32[${slot.caddr !== null ? slot.caddr >> 2 : `(${slot.addr}) >> 2`}] = ${addrOf(target)};`;
}

/** Statements that copy an output parameter to the argument's target (`Q => y`). */
function readOutput(e: Emitter, from: Place, a: CallArg, what: string): string {
  if (a.value === null) return '';
  const target = e.place(a.value);
  if (target === null) return '';
  if (target.readonly !== null) {
    e.diag.error(a.pos, 'ST_ACCESS', `${what}: ${target.readonly}`);
    return '';
  }
  if (from.t.k === 'array' || from.t.k === 'struct') {
    clobber();
    return `acopy(${addrOf(target)}, ${addrOf(from)}, ${from.t.size});`;
  }
  const v: Val = { t: from.t, code: a.negated ? `(${load(from)} ^ 1)` : load(from), flex: null, value: null, place: null };
  return store(target, coerce(e, v, target.t, a.pos, what));
}

function fbCall(e: Emitter, inst: Place, c: CallExpr): string {
  const fb = e.decl.pous.get(inst.t.name.toUpperCase())!;
  const args = bind(e, fb, c);
  if (args === null) return '';
  const lines: string[] = [];
  let base: Place = inst;
  if (inst.caddr === null) {
    // An instance in an array: compute its address once (after the loads its index needs).
    const t = e.temp('i');
    lines.push(activeReadCache()?.flush() ?? '', `${t} = ${inst.addr};`);
    base = { ...inst, addr: t };
  }
  const frame = at(base, 0, inst.t);
  const body = (): string => {
    if (e.inliner !== null && frame.caddr !== null) return e.inliner(fb, frame.caddr);
    clobber();
    return `${fb.js}(${addrOf(frame)});`;
  };
  lines.push(...frameCall(e, fb, frame, args, body));
  return lines.filter((l) => l !== '').join(' ');
}

/**
 * The statements of a call into a frame: inputs written and VAR_IN_OUTs bound before `call`,
 * outputs read back after it (`Q => y`). Generated in the order they run (the call's code, an
 * inlined body in the unobserved scan, after the inputs): the read cache (values.ts) follows
 * stores and loads in that order, and the loads of each part go in front of it.
 */
function frameCall(e: Emitter, pou: PouInfo, frame: Place, args: Map<VarInfo, CallArg>, call: () => string): string[] {
  const before: string[] = [];
  const outputs: [VarInfo, CallArg][] = [];
  for (const [p, a] of args) {
    const slot = at(frame, p.offset, p.type, null);
    if (p.section === 'VAR_IN_OUT') before.push(bindRef(e, slot, p, a, pou));
    else if (p.section === 'VAR_OUTPUT') outputs.push([p, a]);
    else before.push(assignInput(e, slot, a, `input ${p.name} of ${pou.name}`));
  }
  const cache = activeReadCache();
  const loadsBefore = cache?.flush() ?? '';
  const body = call();
  const after = outputs.map(([p, a]) => readOutput(e, at(frame, p.offset, p.type, null), a, `output ${p.name} of ${pou.name}`));
  const loadsAfter = cache?.flush() ?? '';
  return [loadsBefore, ...before, body, loadsAfter, ...after];
}

function programCall(e: Emitter, prog: PouInfo, c: CallExpr): string {
  if (e.pou.kind !== 'program') {
    e.diag.error(c.pos, 'ST_TYPE', `program ${prog.name} can only be called from another program`);
    return '';
  }
  if (prog === e.pou) {
    e.diag.error(c.pos, 'ST_RECURSIVE', `program ${prog.name} calls itself`);
    return '';
  }
  prog.calledByProgram = true;
  const args = bind(e, prog, c);
  if (args === null) return '';
  const frame: Place = { t: VOID, addr: '', caddr: prog.base, bit: -1, readonly: null };
  const body = (): string => {
    if (e.inliner !== null) return e.inliner(prog, prog.base);
    clobber();
    return `${prog.js}();`;
  };
  return frameCall(e, prog, frame, args, body).filter((l) => l !== '').join(' ');
}

function userFunction(e: Emitter, fn: PouInfo, c: CallExpr, statement: boolean): Val {
  const args = bind(e, fn, c);
  if (args === null) return BAD;
  if (fn.returnType === VOID && !statement) {
    e.diag.error(c.pos, 'ST_TYPE', `function ${fn.name} returns nothing; call it as a statement`);
    return BAD;
  }
  const frame: Place = { t: VOID, addr: '', caddr: fn.base, bit: -1, readonly: null };
  const js: string[] = [];
  const outputs: [VarInfo, CallArg][] = [];
  for (const p of fn.params) {
    const a = args.get(p);
    if (p.section === 'VAR_OUTPUT') {
      if (a) outputs.push([p, a]);
      continue;
    }
    if (p.section === 'VAR_IN_OUT') {
      const target = a?.value ? e.place(a.value) : null;
      if (target === null) continue;
      if (target.t !== p.type && target.t.name !== p.type.name) e.diag.error(a!.pos, 'ST_TYPE', `VAR_IN_OUT ${p.name} of ${fn.name} is ${p.type.name}, got ${target.t.name}`);
      js.push(addrOf(target));
      continue;
    }
    if (!a) {
      // Not given: the parameter's initial value (its default), else zero.
      js.push(p.init !== null && p.init.kind !== 'arrayInit' && p.init.kind !== 'structInit' ? coerce(e, expr(e, p.init), p.type, p.pos, `default of ${p.name}`) : repr(p.type) === 'agg' ? '-1' : zero(p.type));
      continue;
    }
    const v = expr(e, a.value!);
    if (repr(p.type) === 'agg') {
      if (v.t !== p.type && v.t.name !== p.type.name) e.diag.error(a.pos, 'ST_TYPE', `input ${p.name} of ${fn.name} is ${p.type.name}, got ${v.t.name}`);
      js.push(v.code);
    } else js.push(coerce(e, a.negated ? { ...v, code: `!(${v.code})` } : v, p.type, a.pos, `input ${p.name} of ${fn.name}`));
  }
  // The function writes memory (its frame, globals, VAR_IN_OUTs); its outputs are read after it.
  clobber();
  const after = outputs.map(([p, a]) => readOutput(e, at(frame, p.offset, p.type, null), a, `output ${p.name} of ${fn.name}`));
  const callCode = `${fn.js}(${js.join(', ')})`;
  if (after.length > 0) {
    if (statement) return val(VOID, `${callCode}; ${after.join(' ')}`);
    // In an expression: call, copy the outputs, then yield the result (a comma expression).
    const t = e.temp('r');
    const copies = after.map((a) => a.replace(/;\s*$/, '')).join(', ');
    return val(fn.returnType, `(${t} = ${callCode}, ${copies}, ${t})`);
  }
  return val(fn.returnType, callCode);
}
