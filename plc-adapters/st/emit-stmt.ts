// Statements: assignment (with the target's type checked and the value converted or refused),
// IF, CASE (lists and ranges), FOR (BY also negative), WHILE, REPEAT, EXIT, CONTINUE, RETURN
// and calls. Every loop counts its iterations and asks the watchdog now and then, so an endless
// loop stops the controller instead of the process.

import type { CaseLabel, CaseStmt, Expr, ForStmt, Pos, Stmt } from './ast.ts';
import { callStmt } from './emit-call.ts';
import { coerce, expr } from './emit-expr.ts';
import type { Emitter } from './emitter.ts';
import { BOOL, repr } from './types.ts';
import { activeReadCache, addrOf, big, clobber, load, num, store } from './values.ts';
import { type CacheState, ReadCache } from './unobserved/read-cache.ts';

export function block(e: Emitter, body: readonly Stmt[], indent: string): string {
  return body.map((s) => stmt(e, s, indent)).filter((s) => s !== '').join('\n');
}

function stmt(e: Emitter, s: Stmt, ind: string): string {
  const cache = activeReadCache();
  return cache !== null ? cachedStmt(e, s, ind, cache) : plainStmt(e, s, ind);
}

function plainStmt(e: Emitter, s: Stmt, ind: string): string {
  switch (s.kind) {
    case 'assign':
      return ind + assign(e, s.target, s.value, s.pos);
    case 'call':
      return ind + callStmt(e, s.call);
    case 'if': {
      const parts = s.branches.map((b, k) => `${k === 0 ? 'if' : ' else if'} (${cond(e, b.cond, 'IF')}) {\n${block(e, b.body, ind + '  ')}\n${ind}}`);
      const otherwise = s.otherwise ? ` else {\n${block(e, s.otherwise, ind + '  ')}\n${ind}}` : '';
      return ind + parts.join('') + otherwise;
    }
    case 'case':
      return caseStmt(e, s, ind);
    case 'for':
      return forStmt(e, s, ind);
    case 'while': {
      e.loops++;
      const c = cond(e, s.cond, 'WHILE');
      const body = block(e, s.body, ind + '  ');
      e.loops--;
      return `${ind}while (${c}) {\n${ind}  ${watchdog(e, s.pos)}\n${body}\n${ind}}`;
    }
    case 'repeat': {
      e.loops++;
      const body = block(e, s.body, ind + '  ');
      const c = cond(e, s.until, 'UNTIL');
      e.loops--;
      return `${ind}do {\n${ind}  ${watchdog(e, s.pos)}\n${body}\n${ind}} while (!(${c}));`;
    }
    case 'exit':
    case 'continue':
      if (e.loops === 0) {
        e.diag.error(s.pos, 'ST_SYNTAX', `${s.kind.toUpperCase()} outside a loop`);
        return '';
      }
      return `${ind}${s.kind === 'exit' ? 'break' : 'continue'};`;
    case 'return':
      if (e.returnLabel !== null) return `${ind}break ${e.returnLabel};`; // an inlined body (unobserved scan)
      return `${ind}return${e.pou.kind === 'function' && e.pou.returnType.k !== 'void' ? ` ${result(e)}` : ''};`;
    case 'empty':
      return '';
  }
}

/**
 * A statement of the unobserved scan, with its memory reads through the read cache
 * (unobserved/read-cache.ts): the loads it needs first go in front of it, or of its condition.
 */
function cachedStmt(e: Emitter, s: Stmt, ind: string, cache: ReadCache): string {
  const front = (code: string): string => {
    const loads = cache.flush();
    return loads === '' ? `${ind}${code}` : `${ind}${loads}\n${ind}${code}`;
  };
  switch (s.kind) {
    case 'assign':
      return front(assign(e, s.target, s.value, s.pos));
    case 'call':
      // An FB or program call writes its own loads in front of its parts (emit-call frameCall).
      return front(callStmt(e, s.call));
    case 'if': {
      // The conditions run one after the other with no store between: their loads all go in
      // front of the IF, and every branch starts from the state after them.
      const conds = s.branches.map((b) => cond(e, b.cond, 'IF'));
      const loads = cache.flush();
      const entry = cache.state;
      const ends: CacheState[] = [];
      const arm = (body: readonly Stmt[]): string => {
        cache.state = entry;
        const code = block(e, body, ind + '  ');
        ends.push(cache.state);
        return code;
      };
      const parts = s.branches.map((b, k) => `${k === 0 ? 'if' : ' else if'} (${conds[k]}) {\n${arm(b.body)}\n${ind}}`);
      const otherwise = s.otherwise ? ` else {\n${arm(s.otherwise)}\n${ind}}` : '';
      if (!s.otherwise) ends.push(entry);
      cache.state = ReadCache.meet(ends);
      return `${loads === '' ? '' : `${ind}${loads}\n`}${ind}${parts.join('')}${otherwise}`;
    }
    case 'case':
      return caseStmt(e, s, ind, cache);
    case 'for':
    case 'while':
    case 'repeat': {
      const loads = cache.flush();
      cache.enterLoop();
      try {
        const code = plainStmt(e, s, ind);
        return loads === '' ? code : `${ind}${loads}\n${code}`;
      } finally {
        cache.exitLoop();
      }
    }
    case 'return':
      if (e.returnLabel !== null) cache.breakTo(e.returnLabel);
      return plainStmt(e, s, ind);
    default:
      return plainStmt(e, s, ind);
  }
}

/** The function's result variable, read (for RETURN and the end of a function). */
export function result(e: Emitter): string {
  const v = e.pou.vars.get(e.pou.name.toUpperCase())!;
  const p = e.varPlace(e.pou, v, null);
  return repr(v.type) === 'agg' ? addrOf(p) : load(p);
}

function watchdog(e: Emitter, pos: Pos): string {
  // One increment per iteration; the clock is read once every 8192 (a few µs of loop work).
  return `if ((++W & 8191) === 0) wd(${e.site(pos)});`;
}

function cond(e: Emitter, x: Expr, what: string): string {
  const v = expr(e, x);
  if (v.t.k !== 'bool' && v.t.k !== 'void') {
    e.diag.error(x.pos, 'ST_TYPE', `${what} needs a BOOL condition, got ${v.t.name}`);
    return '0';
  }
  return v.code;
}

const COMPARISONS = new Set(['=', '<>', '<', '<=', '>', '>=']);

export function assign(e: Emitter, target: Expr, value: Expr, pos: Pos): string {
  const p = e.place(target);
  const v = expr(e, value);
  if (p === null) return '';
  if (p.readonly !== null) {
    e.diag.error(target.pos, 'ST_ACCESS', `cannot assign: ${p.readonly}`);
    return '';
  }
  if (p.t.k === 'fb') {
    e.diag.error(pos, 'ST_TYPE', `cannot assign to a function block instance`);
    return '';
  }
  if (p.t.k === 'array' || p.t.k === 'struct') {
    if (v.t !== p.t && v.t.name !== p.t.name) {
      e.diag.error(value.pos, 'ST_TYPE', `cannot assign ${v.t.name} to ${p.t.name}`);
      return '';
    }
    clobber();
    return `acopy(${addrOf(p)}, ${v.code}, ${p.t.size});`;
  }
  const t = p.bit >= 0 ? BOOL : p.t;
  const where = target.kind === 'name' ? target.name : 'the target';
  const code = coerce(e, v, t, value.pos, `assignment to ${where}`);
  // The unobserved scan stores a comparison's result as 0/1, not as a JavaScript boolean that
  // the typed-array store converts (measured ~0.1 ns a store on sorting.st's outputs), and as
  // `| 0`, which has no branch where `? 1 : 0` has one (~0.15 ns a store).
  if (e.inliner !== null && t.k === 'bool' && p.bit < 0 && value.kind === 'binary' && COMPARISONS.has(value.op)) return store(p, `(${code} | 0)`);
  return store(p, code);
}

function caseStmt(e: Emitter, s: CaseStmt, ind: string, cache: ReadCache | null = null): string {
  const sel = expr(e, s.selector);
  // With the read cache: the selector's loads go in front, every case starts from the state after.
  const loads = cache?.flush() ?? '';
  const entry = cache?.state ?? null;
  const ends: CacheState[] = [];
  const arm = (body: readonly Stmt[]): string => {
    if (cache === null) return block(e, body, ind + '  ');
    cache.state = entry!;
    const code = block(e, body, ind + '  ');
    ends.push(cache.state);
    return code;
  };
  if (sel.t.k !== 'int' && sel.t.k !== 'enum') {
    e.diag.error(s.selector.pos, 'ST_TYPE', `CASE needs an integer or enumeration selector, got ${sel.t.name}`);
    return '';
  }
  const t = e.temp('s');
  const isBig = repr(sel.t) === 'big';
  const lit = (x: Expr): string | null => {
    const v = expr(e, x);
    let k: bigint | null = null;
    if (typeof v.value === 'bigint') k = v.value;
    else k = e.decl.constInt(x, e.pou.vars);
    if (k === null) {
      e.diag.error(x.pos, 'ST_TYPE', 'a CASE label must be a constant');
      return null;
    }
    if (sel.t.k === 'enum' && v.t !== sel.t && !v.flex) e.diag.error(x.pos, 'ST_TYPE', `label of type ${v.t.name} in a CASE over ${sel.t.name}`);
    return isBig ? big(k) : num(Number(k));
  };
  const test = (l: CaseLabel): string => {
    if (l.kind === 'value') return `${t} === ${lit(l.value) ?? '0'}`;
    return `(${t} >= ${lit(l.lo) ?? '0'} && ${t} <= ${lit(l.hi) ?? '0'})`;
  };
  const parts = s.cases.map((c, k) => `${k === 0 ? 'if' : ' else if'} (${c.labels.map(test).join(' || ')}) {\n${arm(c.body)}\n${ind}}`);
  const otherwise = s.otherwise ? (parts.length ? ' else {\n' : '{\n') + `${arm(s.otherwise)}\n${ind}}` : '';
  if (cache !== null) {
    if (!s.otherwise) ends.push(entry!);
    cache.state = ReadCache.meet(ends);
  }
  return `${loads === '' ? '' : `${ind}${loads}\n`}${ind}${t} = ${sel.code};\n${ind}${parts.join('')}${otherwise}`;
}

function forStmt(e: Emitter, s: ForStmt, ind: string): string {
  const p = e.place({ kind: 'name', name: s.variable, pos: s.variablePos });
  if (p === null) return '';
  if (p.t.k !== 'int' || p.bit >= 0) {
    e.diag.error(s.variablePos, 'ST_TYPE', `the FOR variable must be an integer, ${s.variable} is ${p.t.name}`);
    return '';
  }
  if (p.readonly !== null) e.diag.error(s.variablePos, 'ST_ACCESS', `FOR cannot count ${p.readonly}`);
  const from = coerce(e, expr(e, s.from), p.t, s.from.pos, 'FOR start');
  const toV = expr(e, s.to);
  const to = coerce(e, toV, p.t, s.to.pos, 'FOR end');
  const byV = s.by ? expr(e, s.by) : null;
  const by = byV ? coerce(e, byV, p.t, s.by!.pos, 'FOR step') : repr(p.t) === 'big' ? '1n' : '1';
  const cur = load(p);
  const zero = repr(p.t) === 'big' ? '0n' : '0';
  // End and step are evaluated once, before the first iteration (IEC 61131-3, 7.3.3.4.2).
  const tTo = e.temp('to');
  const tBy = e.temp('by');
  const constBy = byV === null ? 1n : typeof byV.value === 'bigint' ? byV.value : null;
  if (constBy === 0n) e.diag.error(s.by!.pos, 'ST_RANGE', 'FOR step is zero: the loop would never end');
  const test = constBy === null ? `(${tBy} >= ${zero} ? ${cur} <= ${tTo} : ${cur} >= ${tTo})` : constBy > 0n ? `${cur} <= ${tTo}` : `${cur} >= ${tTo}`;
  e.loops++;
  const body = block(e, s.body, ind + '  ');
  e.loops--;
  const step = store(p, `${cur} + ${tBy}`).replace(/;$/, '');
  return `${ind}${tTo} = ${to}; ${tBy} = ${by};\n${ind}for (${store(p, from)} ${test}; ${step}) {\n${ind}  ${watchdog(e, s.pos)}\n${body}\n${ind}}`;
}
