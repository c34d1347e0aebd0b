// The condition language of scenario files: a small expression over signal names, e.g.
// `binTall.count >= 3` or `pu1.extended == 1 && pe2.blocked == 0`. Parsed ONCE at load into a
// tree whose signal names are resolved to ids; bound ONCE per run to the run's value array,
// which turns the tree into closures that read and write typed arrays only. Numbers never cross
// a closure boundary (every numeric node writes its result into its own Float64Array slot, and
// a condition returns 0 or 1, a small integer), so evaluating a condition at every tick parses
// nothing, looks up no name and allocates nothing, not even a boxed double.
//
// Grammar (lowest precedence first; C-like, booleans are 0/1 numbers):
//   or     := and ('||' and)*
//   and    := cmp ('&&' cmp)*
//   cmp    := sum (('==' | '!=' | '<' | '<=' | '>' | '>=') sum)?
//   sum    := prod (('+' | '-') prod)*
//   prod   := unary (('*' | '/') unary)*
//   unary  := ('!' | '-') unary | atom
//   atom   := NUMBER | 'true' | 'false' | 'time' | SIGNAL | FUNC '(' or (',' or)* ')' | '(' or ')'
// SIGNAL is a dotted name (`m1.speed`); `time` is the scenario's simulated time in s (a signal
// named `time` would win); FUNC is abs, min or max; `quality(SIGNAL)` is the signal's quality
// code (0 good, 1 uncertain, 2 bad: e.g. actuators while the controller's link is down).

/** The parsed form: names resolved to ids. */
type Node =
  | { readonly k: 'sig'; readonly id: number }
  | { readonly k: 'num'; readonly x: number }
  | { readonly k: 'time' }
  | { readonly k: 'quality'; readonly id: number }
  | { readonly k: 'arith'; readonly op: '+' | '-' | '*' | '/'; readonly a: Node; readonly b: Node }
  | { readonly k: 'neg'; readonly a: Node }
  | { readonly k: 'fn'; readonly name: 'abs' | 'min' | 'max'; readonly args: readonly Node[] }
  | { readonly k: 'cmp'; readonly op: CmpOp; readonly a: Node; readonly b: Node }
  | { readonly k: 'and' | 'or'; readonly a: Node; readonly b: Node }
  | { readonly k: 'not'; readonly a: Node };
type CmpOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** A condition bound to a run: 1 when true, 0 when false. Allocation-free. */
export type BoundCondition = () => number;

export interface CompiledExpression {
  readonly source: string;
  /** Signal names the expression reads, in order of first use. */
  readonly signals: readonly string[];
  /**
   * Bind to a run's value array, its clock (clock[0] = simulated s, written by the runner) and
   * its quality array. Allocates the closures and their slots once; the result allocates
   * nothing per call.
   */
  bind(values: Float64Array, clock: Float64Array, quality?: Uint8Array): BoundCondition;
}

/** A compile problem with its 0-based column in the source. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  readonly column: number;
  constructor(message: string, column: number) {
    super(message);
    this.column = column;
  }
}

type TokenKind = 'num' | 'name' | 'op' | 'end';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly at: number;
}

const OPERATORS = ['&&', '||', '==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '!', '(', ')', ','];
const ARITY: Readonly<Record<string, number>> = { abs: 1, min: 2, max: 2 };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ kind: 'num', text: num[0], at: i });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*/.exec(src.slice(i));
    if (name) {
      out.push({ kind: 'name', text: name[0], at: i });
      i += name[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op) {
      out.push({ kind: 'op', text: op, at: i });
      i += op.length;
      continue;
    }
    if (c === '=') throw new ExpressionError(`"=" at column ${i + 1}: use == to compare`, i);
    if (c === '&' || c === '|') throw new ExpressionError(`"${c}" at column ${i + 1}: use ${c}${c}`, i);
    throw new ExpressionError(`unexpected character ${JSON.stringify(c)} at column ${i + 1}`, i);
  }
  out.push({ kind: 'end', text: 'end of condition', at: src.length });
  return out;
}

/**
 * Parse `source` against a signal catalog.
 * @param resolve signal name -> id in the value array, or undefined when unknown
 * @param known names offered in the message when a signal is unknown
 * @throws ExpressionError with the column of the problem
 * @example compileExpression('binTall.count >= 3', (n) => ids.get(n)).bind(values, clock)()
 */
export function compileExpression(source: string, resolve: (name: string) => number | undefined, known: () => readonly string[] = () => []): CompiledExpression {
  const tokens = tokenize(source);
  const signals: string[] = [];
  let p = 0;
  const peek = (): Token => tokens[p]!;
  const next = (): Token => tokens[p++]!;
  const expect = (text: string): void => {
    const t = next();
    if (t.text !== text || t.kind === 'end' || t.kind === 'num') throw new ExpressionError(`expected "${text}" at column ${t.at + 1}, got ${t.kind === 'end' ? t.text : JSON.stringify(t.text)}`, t.at);
  };
  const isOp = (text: string): boolean => peek().kind === 'op' && peek().text === text;

  function atom(): Node {
    const t = next();
    if (t.kind === 'num') return { k: 'num', x: Number(t.text) };
    if (t.kind === 'op' && t.text === '(') {
      const e = or();
      expect(')');
      return e;
    }
    if (t.kind === 'name') {
      if (t.text === 'true') return { k: 'num', x: 1 };
      if (t.text === 'false') return { k: 'num', x: 0 };
      if ((t.text === 'abs' || t.text === 'min' || t.text === 'max') && isOp('(')) {
        next();
        const args = [or()];
        while (isOp(',')) {
          next();
          args.push(or());
        }
        expect(')');
        if (args.length !== ARITY[t.text]) throw new ExpressionError(`${t.text}() takes ${ARITY[t.text]} argument(s), got ${args.length}`, t.at);
        return { k: 'fn', name: t.text, args };
      }
      if (t.text === 'quality' && isOp('(')) {
        next();
        const n = next();
        const qid = n.kind === 'name' ? resolve(n.text) : undefined;
        if (qid === undefined) throw new ExpressionError(`quality() takes a signal name, got ${n.kind === 'end' ? n.text : JSON.stringify(n.text)} at column ${n.at + 1}`, n.at);
        if (!signals.includes(n.text)) signals.push(n.text);
        expect(')');
        return { k: 'quality', id: qid };
      }
      const id = resolve(t.text);
      if (id === undefined) {
        if (t.text === 'time') return { k: 'time' };
        const near = known().filter((n) => n.startsWith(t.text.split('.')[0]! + '.')).slice(0, 8);
        throw new ExpressionError(`unknown signal ${t.text} at column ${t.at + 1}${near.length ? `; signals of ${t.text.split('.')[0]}: ${near.join(', ')}` : ''}`, t.at);
      }
      if (!signals.includes(t.text)) signals.push(t.text);
      return { k: 'sig', id };
    }
    throw new ExpressionError(`expected a signal, number or "(" at column ${t.at + 1}, got ${t.kind === 'end' ? t.text : JSON.stringify(t.text)}`, t.at);
  }

  function unary(): Node {
    if (isOp('!')) {
      next();
      return { k: 'not', a: unary() };
    }
    if (isOp('-')) {
      next();
      return { k: 'neg', a: unary() };
    }
    return atom();
  }

  function prod(): Node {
    let left = unary();
    while (isOp('*') || isOp('/')) {
      const op = next().text as '*' | '/';
      left = { k: 'arith', op, a: left, b: unary() };
    }
    return left;
  }

  function sum(): Node {
    let left = prod();
    while (isOp('+') || isOp('-')) {
      const op = next().text as '+' | '-';
      left = { k: 'arith', op, a: left, b: prod() };
    }
    return left;
  }

  function cmp(): Node {
    const a = sum();
    const t = peek();
    if (t.kind !== 'op' || !['==', '!=', '<', '<=', '>', '>='].includes(t.text)) return a;
    next();
    return { k: 'cmp', op: t.text as CmpOp, a, b: sum() };
  }

  function and(): Node {
    let left = cmp();
    while (isOp('&&')) {
      next();
      left = { k: 'and', a: left, b: cmp() };
    }
    return left;
  }

  function or(): Node {
    let left = and();
    while (isOp('||')) {
      next();
      left = { k: 'or', a: left, b: and() };
    }
    return left;
  }

  if (source.trim() === '') throw new ExpressionError('empty condition', 0);
  const root = or();
  const rest = peek();
  if (rest.kind !== 'end') throw new ExpressionError(`unexpected ${JSON.stringify(rest.text)} at column ${rest.at + 1}`, rest.at);
  return { source, signals, bind: (values, clock, quality = new Uint8Array(values.length)) => bindBool(root, { v: values, clock, q: quality }) };
}

// Binding. A numeric node is a location (array, index) plus the procedure that fills it (null
// for signals, constants and time, which are in place already); a boolean node is a closure
// returning 0 or 1.

interface Loc {
  readonly arr: Float64Array;
  readonly idx: number;
  readonly run: () => void;
}

const noop = (): void => undefined;

interface Env {
  readonly v: Float64Array;
  readonly clock: Float64Array;
  readonly q: Uint8Array;
}

function bindNum(n: Node, e: Env): Loc {
  switch (n.k) {
    case 'sig':
      return { arr: e.v, idx: n.id, run: noop };
    case 'num':
      return { arr: Float64Array.of(n.x), idx: 0, run: noop };
    case 'time':
      return { arr: e.clock, idx: 0, run: noop };
    case 'quality': {
      const [Q, id, S] = [e.q, n.id, new Float64Array(1)];
      return { arr: S, idx: 0, run: () => { S[0] = Q[id]!; } };
    }
    case 'neg': {
      const a = bindNum(n.a, e);
      const [A, i, ra, S] = [a.arr, a.idx, a.run, new Float64Array(1)];
      return { arr: S, idx: 0, run: () => { ra(); S[0] = -A[i]!; } };
    }
    case 'arith': {
      const a = bindNum(n.a, e);
      const b = bindNum(n.b, e);
      const [A, i, ra, B, j, rb, S] = [a.arr, a.idx, a.run, b.arr, b.idx, b.run, new Float64Array(1)];
      const run =
        n.op === '+' ? () => { ra(); rb(); S[0] = A[i]! + B[j]!; }
        : n.op === '-' ? () => { ra(); rb(); S[0] = A[i]! - B[j]!; }
        : n.op === '*' ? () => { ra(); rb(); S[0] = A[i]! * B[j]!; }
        : () => { ra(); rb(); S[0] = A[i]! / B[j]!; };
      return { arr: S, idx: 0, run };
    }
    case 'fn': {
      const a = bindNum(n.args[0]!, e);
      const [A, i, ra, S] = [a.arr, a.idx, a.run, new Float64Array(1)];
      if (n.name === 'abs') return { arr: S, idx: 0, run: () => { ra(); S[0] = Math.abs(A[i]!); } };
      const b = bindNum(n.args[1]!, e);
      const [B, j, rb] = [b.arr, b.idx, b.run];
      if (n.name === 'min') return { arr: S, idx: 0, run: () => { ra(); rb(); S[0] = Math.min(A[i]!, B[j]!); } };
      return { arr: S, idx: 0, run: () => { ra(); rb(); S[0] = Math.max(A[i]!, B[j]!); } };
    }
    default: {
      // A condition used as a number (e.g. `(a > b) + (c > d)`): its 0/1 into a slot.
      const f = bindBool(n, e);
      const S = new Float64Array(1);
      return { arr: S, idx: 0, run: () => { S[0] = f(); } };
    }
  }
}

function bindBool(n: Node, e: Env): BoundCondition {
  switch (n.k) {
    case 'cmp': {
      const a = bindNum(n.a, e);
      const b = bindNum(n.b, e);
      const [A, i, ra, B, j, rb] = [a.arr, a.idx, a.run, b.arr, b.idx, b.run];
      switch (n.op) {
        case '==': return () => { ra(); rb(); return A[i] === B[j] ? 1 : 0; };
        case '!=': return () => { ra(); rb(); return A[i] !== B[j] ? 1 : 0; };
        case '<': return () => { ra(); rb(); return A[i]! < B[j]! ? 1 : 0; };
        case '<=': return () => { ra(); rb(); return A[i]! <= B[j]! ? 1 : 0; };
        case '>': return () => { ra(); rb(); return A[i]! > B[j]! ? 1 : 0; };
        default: return () => { ra(); rb(); return A[i]! >= B[j]! ? 1 : 0; };
      }
    }
    case 'and': {
      const [fa, fb] = [bindBool(n.a, e), bindBool(n.b, e)];
      return () => (fa() !== 0 && fb() !== 0 ? 1 : 0);
    }
    case 'or': {
      const [fa, fb] = [bindBool(n.a, e), bindBool(n.b, e)];
      return () => (fa() !== 0 || fb() !== 0 ? 1 : 0);
    }
    case 'not': {
      const fa = bindBool(n.a, e);
      return () => (fa() === 0 ? 1 : 0);
    }
    default: {
      // A number used as a condition: non-zero is true.
      const a = bindNum(n, e);
      const [A, i, ra] = [a.arr, a.idx, a.run];
      return () => { ra(); return A[i] !== 0 ? 1 : 0; };
    }
  }
}
