// The expression grammar of ST: literals, variables with their postfix chains (a.b[i].c, w.3,
// f(x), inst(IN := x, Q => y)) and binary operators. Operators are read flat, `unary (op unary)*`,
// and arranged by IEC 61131-3 precedence afterwards (precedence climbing): one rule instead of
// eight nested ones keeps the parser fast and the table of levels in one place.

import type { IOrAlt, IToken, TokenType } from 'chevrotain';
import type { BinaryOp, CallArg, Expr, IntLiteral, UnaryExpr } from './ast.ts';
import * as L from './lexer.ts';
import { KW } from './lexer.ts';
import { ParserBase, sepBy } from './parser-base.ts';
import * as lit from './parser-literals.ts';

const BINARY: ReadonlyMap<TokenType, BinaryOp> = new Map<TokenType, BinaryOp>([
  [KW.OR, 'OR'],
  [KW.OR_ELSE, 'OR_ELSE'],
  [KW.XOR, 'XOR'],
  [KW.AND, 'AND'],
  [L.Amp, 'AND'],
  [KW.AND_THEN, 'AND_THEN'],
  [L.Eq, '='],
  [L.NotEq, '<>'],
  [L.Lt, '<'],
  [L.Gt, '>'],
  [L.Le, '<='],
  [L.Ge, '>='],
  [L.Plus, '+'],
  [L.Minus, '-'],
  [L.Star, '*'],
  [L.Slash, '/'],
  [KW.MOD, 'MOD'],
  [L.Power, '**'],
]);

/** IEC 61131-3 3rd ed. Table 71, higher binds tighter; every level is left-associative. */
const PRECEDENCE: Readonly<Record<BinaryOp, number>> = {
  OR: 1,
  OR_ELSE: 1,
  XOR: 2,
  AND: 3,
  AND_THEN: 3,
  '=': 4,
  '<>': 4,
  '<': 5,
  '>': 5,
  '<=': 5,
  '>=': 5,
  '+': 6,
  '-': 6,
  '*': 7,
  '/': 7,
  MOD: 7,
  '**': 8,
};

/** One step of a postfix chain, turned into a node by the variable rule. */
type Postfix =
  | { readonly kind: 'member' | 'bit'; readonly t: IToken }
  | { readonly kind: 'index'; readonly t: IToken; readonly indices: Expr[] }
  | { readonly kind: 'call'; readonly args: CallArg[] };

export abstract class ExpressionParser extends ParserBase {
  readonly expression = this.RULE(
    'expression',
    (): Expr => {
      const first = this.SUBRULE(this.unary);
      const ops: IToken[] = [];
      const operands: Expr[] = [first];
      this.MANY(() => {
        ops.push(this.CONSUME(L.BinaryOperator));
        operands.push(this.SUBRULE2(this.unary));
      });
      return ops.length === 0 || this.RECORDING_PHASE ? first : this.#arrange(ops, operands);
    },
    { recoveryValueFunc: (e) => this.placeholder(e.token) },
  );

  /** Unary operators bind tighter than `**` (IEC): `-2**2` is `(-2)**2`, `NOT a AND b` is `(NOT a) AND b`. */
  readonly unary = this.RULE('unary', (): Expr => this.OR(this.#unaryAlts), { recoveryValueFunc: (e) => this.placeholder(e.token) });

  readonly #unaryAlts: IOrAlt<Expr>[] = [
    { ALT: () => this.#unary('-', this.CONSUME(L.Minus), this.SUBRULE(this.unary)) },
    { ALT: () => this.#unary('+', this.CONSUME(L.Plus), this.SUBRULE2(this.unary)) },
    { ALT: () => this.#unary('NOT', this.CONSUME(KW.NOT), this.SUBRULE3(this.unary)) },
    { ALT: () => this.SUBRULE(this.primary) },
  ];

  readonly primary = this.RULE('primary', (): Expr => this.OR(this.#primaryAlts));

  readonly #primaryAlts: IOrAlt<Expr>[] = [
    { ALT: () => this.SUBRULE(this.variable) },
    { ALT: () => this.#literal(this.CONSUME(L.IntLiteral)) },
    { ALT: () => this.#literal(this.CONSUME(L.RealLiteral)) },
    { ALT: () => this.#literal(this.CONSUME(L.TypedNumber)) },
    { ALT: () => this.#literal(this.CONSUME(L.TypedName)) },
    { ALT: () => this.#literal(this.CONSUME(L.DurationLiteral)) },
    { ALT: () => this.#literal(this.CONSUME(L.DateLiteral)) },
    { ALT: () => this.#literal(this.CONSUME(L.StringLiteral)) },
    { ALT: () => this.#literal(this.CONSUME(KW.TRUE)) },
    { ALT: () => this.#literal(this.CONSUME(KW.FALSE)) },
    {
      ALT: () => {
        this.CONSUME(L.LParen);
        const inner = this.SUBRULE(this.expression);
        this.CONSUME(L.RParen);
        return inner;
      },
    },
  ];

  /** A name and its postfix chain: members, bit numbers, indices and calls, left to right. */
  readonly variable = this.RULE('variable', (): Expr => {
    const id = this.CONSUME(L.Identifier);
    let e: Expr = { kind: 'name', name: id.image, pos: this.pos(id) };
    this.MANY(() => {
      e = this.#postfix(e, id, this.OR(this.#postfixAlts));
    });
    return e;
  });

  readonly #postfixAlts: IOrAlt<Postfix>[] = [
    {
      ALT: () => {
        this.CONSUME(L.Dot);
        return this.OR2(this.#afterDotAlts);
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME(L.LBracket);
        const indices = this.SUBRULE(this.expressionList);
        this.CONSUME(L.RBracket);
        return { kind: 'index', t, indices };
      },
    },
    {
      ALT: () => {
        this.CONSUME(L.LParen);
        const args = this.SUBRULE(this.argumentList);
        this.CONSUME(L.RParen);
        return { kind: 'call', args };
      },
    },
  ];

  readonly #afterDotAlts: IOrAlt<Postfix>[] = [
    { ALT: () => ({ kind: 'member', t: this.CONSUME2(L.Identifier) }) },
    { ALT: () => ({ kind: 'bit', t: this.CONSUME(L.IntLiteral) }) },
  ];

  readonly expressionList = this.RULE('expressionList', (): Expr[] => {
    const out: Expr[] = [];
    this.AT_LEAST_ONE_SEP(sepBy(L.Comma, () => out.push(this.SUBRULE(this.expression))));
    return out;
  });

  readonly argumentList = this.RULE('argumentList', (): CallArg[] => {
    const out: CallArg[] = [];
    this.MANY_SEP(sepBy(L.Comma, () => out.push(this.SUBRULE(this.callArg))));
    return out;
  });

  /** `IN := x`, `Q => y`, `NOT Q => y`, `Q =>` (output not assigned), or a positional value. */
  readonly callArg = this.RULE('callArg', (): CallArg => this.OR(this.#argAlts), {
    recoveryValueFunc: (e) => ({ name: null, output: false, negated: false, value: this.placeholder(e.token), pos: this.pos(e.token) }),
  });

  readonly #argAlts: IOrAlt<CallArg>[] = [
    {
      ALT: () => {
        const n = this.CONSUME(L.Identifier);
        this.CONSUME(L.Assign);
        const value = this.SUBRULE(this.expression);
        return { name: n.image, output: false, negated: false, value, pos: this.pos(n) };
      },
    },
    {
      ALT: () => {
        const n = this.CONSUME2(L.Identifier);
        this.CONSUME(L.Arrow);
        const value = this.OPTION(() => this.SUBRULE(this.variable)) ?? null;
        return { name: n.image, output: true, negated: false, value, pos: this.pos(n) };
      },
    },
    {
      ALT: () => {
        const not = this.CONSUME(KW.NOT);
        const n = this.CONSUME3(L.Identifier);
        this.CONSUME2(L.Arrow);
        const value = this.OPTION2(() => this.SUBRULE2(this.variable)) ?? null;
        return { name: n.image, output: true, negated: true, value, pos: this.pos(not) };
      },
    },
    {
      ALT: () => {
        const first = this.LA(1);
        const value = this.SUBRULE2(this.expression);
        return { name: null, output: false, negated: false, value, pos: this.pos(first) };
      },
    },
  ];

  /** 42, 16#FF, 1_000 (outside grammar recording only: the image is decoded). */
  protected intLiteral(t: IToken): IntLiteral {
    return { kind: 'int', value: lit.intValue(t.image, this.#reporter(t)) ?? 0n, type: null, pos: this.pos(t) };
  }

  /** The node of a literal token. During grammar recording the token is a stand-in: nothing to decode. */
  #literal(t: IToken): Expr {
    const pos = this.pos(t);
    if (this.RECORDING_PHASE) return { kind: 'name', name: '', pos };
    switch (t.tokenType) {
      case L.IntLiteral:
        return this.intLiteral(t);
      case L.RealLiteral:
        return { kind: 'real', value: Number(t.image.replace(/_/g, '')), type: null, pos };
      case L.TypedNumber:
        return lit.typedNumber(t.image, pos, this.#reporter(t));
      case L.TypedName:
        return lit.typedName(t.image, pos);
      case L.DurationLiteral:
        return lit.duration(t.image, pos, this.#reporter(t));
      case L.DateLiteral:
        return lit.date(t.image, pos, this.#reporter(t));
      case KW.TRUE:
      case KW.FALSE:
        return { kind: 'bool', value: t.tokenType === KW.TRUE, pos };
      default:
        return lit.string(t.image, t.tokenType !== L.OpenString, pos, this.#reporter(t));
    }
  }

  #postfix(object: Expr, id: IToken, p: Postfix): Expr {
    if (this.RECORDING_PHASE) return object;
    switch (p.kind) {
      case 'member':
        return { kind: 'member', object, member: p.t.image, pos: this.pos(p.t) };
      case 'bit':
        if (!/^[0-9]+$/.test(p.t.image)) this.report(p.t, `expected a bit number after '.', found '${p.t.image}'`);
        return { kind: 'bit', object, bit: Number.parseInt(p.t.image, 10) || 0, pos: this.pos(p.t) };
      case 'index':
        return { kind: 'index', object, indices: p.indices, pos: this.pos(p.t) };
      case 'call':
        // CallExpr.pos is where the whole call starts (`a` in `a.b(x)`), like the statement's.
        return { kind: 'call', callee: object, args: p.args, pos: this.pos(id) };
    }
  }

  #unary(op: UnaryExpr['op'], t: IToken, operand: Expr): Expr {
    return { kind: 'unary', op, operand, pos: this.pos(t) };
  }

  #reporter(t: IToken): lit.Report {
    return (message) => this.report(t, message);
  }

  /** Precedence climbing over `operands[0] ops[0] operands[1] ...`; BinaryExpr.pos is its operator. */
  #arrange(ops: readonly IToken[], operands: readonly Expr[]): Expr {
    const out: Expr[] = [operands[0] as Expr];
    const pending: IToken[] = [];
    for (let i = 0; i <= ops.length; i++) {
      const t = ops[i];
      // At the end (t undefined) everything pending is reduced.
      const level = t ? PRECEDENCE[BINARY.get(t.tokenType) ?? '+'] : 0;
      for (let top = pending[pending.length - 1]; top && PRECEDENCE[BINARY.get(top.tokenType) ?? '+'] >= level; top = pending[pending.length - 1]) {
        pending.pop();
        const right = out.pop() as Expr;
        const left = out.pop() as Expr;
        out.push({ kind: 'binary', op: BINARY.get(top.tokenType) ?? '+', left, right, pos: this.pos(top) });
      }
      if (t) {
        pending.push(t);
        out.push(operands[i + 1] as Expr);
      }
    }
    return out[0] as Expr;
  }
}
