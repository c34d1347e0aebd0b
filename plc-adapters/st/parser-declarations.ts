// The declaration grammar of ST: types as written (STRING[20], ARRAY[1..N] OF T, INT (0..100),
// inline enums, POINTER TO), variable blocks with their qualifiers, declarations with located
// addresses and initial values ([1, 2, 3(0)], (x := 1, y := 2)), and TYPE ... END_TYPE blocks.

import type { IOrAlt, IToken } from 'chevrotain';
import type { ArrayInit, Expr, Initializer, Pos, StructDef, StructInit, TypeDecl, TypeRef, VarBlock, VarDecl } from './ast.ts';
import * as L from './lexer.ts';
import { KW } from './lexer.ts';
import { gated, SECTIONS, sepBy } from './parser-base.ts';
import { ExpressionParser } from './parser-expressions.ts';

type ArrayItem = ArrayInit['items'][number];

export abstract class DeclarationParser extends ExpressionParser {
  readonly typeRef = this.RULE('typeRef', (): TypeRef => this.OR(this.#typeAlts), {
    recoveryValueFunc: (e): TypeRef => ({ kind: 'named', name: '', pos: this.pos(e.token) }),
  });

  readonly #typeAlts: IOrAlt<TypeRef>[] = [
    {
      ALT: () => {
        const t = this.OR2(this.#stringAlts);
        const length = this.OPTION(() => this.OR3(this.#lengthAlts));
        return { kind: 'string', wide: t.tokenType === KW.WSTRING, length: length ?? null, pos: this.pos(t) };
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME(KW.ARRAY);
        this.CONSUME2(L.LBracket);
        const dims: { lo: Expr; hi: Expr }[] = [];
        this.AT_LEAST_ONE_SEP(
          sepBy(L.Comma, () => {
            const lo = this.SUBRULE3(this.expression);
            this.CONSUME(L.DotDot);
            dims.push({ lo, hi: this.SUBRULE4(this.expression) });
          }),
        );
        this.CONSUME2(L.RBracket);
        this.CONSUME(KW.OF);
        const of = this.SUBRULE(this.typeRef);
        return { kind: 'array', dims, of, pos: this.pos(t) };
      },
    },
    {
      ALT: () => {
        const t = this.OR4(this.#pointerAlts);
        this.CONSUME(KW.TO);
        const to = this.SUBRULE2(this.typeRef);
        return { kind: 'pointer', reference: t.tokenType === KW.REFERENCE, to, pos: this.pos(t) };
      },
    },
    { ALT: () => this.SUBRULE(this.enumType) },
    {
      ALT: () => {
        const t = this.CONSUME(L.Identifier);
        const range = this.OPTION2(() => {
          this.CONSUME2(L.LParen);
          const lo = this.SUBRULE5(this.expression);
          this.CONSUME2(L.DotDot);
          const hi = this.SUBRULE6(this.expression);
          this.CONSUME2(L.RParen);
          return { lo, hi };
        });
        if (range) return { kind: 'subrange', base: t.image, lo: range.lo, hi: range.hi, pos: this.pos(t) };
        return { kind: 'named', name: t.image, pos: this.pos(t) };
      },
    },
  ];

  readonly #stringAlts: IOrAlt<IToken>[] = [{ ALT: () => this.CONSUME(KW.STRING) }, { ALT: () => this.CONSUME(KW.WSTRING) }];
  readonly #pointerAlts: IOrAlt<IToken>[] = [{ ALT: () => this.CONSUME(KW.POINTER) }, { ALT: () => this.CONSUME(KW.REFERENCE) }];

  /** STRING[20] (IEC) or STRING(20) (CODESYS). */
  readonly #lengthAlts: IOrAlt<Expr>[] = [
    {
      ALT: () => {
        this.CONSUME(L.LBracket);
        const n = this.SUBRULE(this.expression);
        this.CONSUME(L.RBracket);
        return n;
      },
    },
    {
      ALT: () => {
        this.CONSUME(L.LParen);
        const n = this.SUBRULE2(this.expression);
        this.CONSUME(L.RParen);
        return n;
      },
    },
  ];

  /** (Red, Green := 5, Blue), optionally with the CODESYS base type after it: (A, B) INT. */
  readonly enumType = this.RULE('enumType', (): TypeRef => {
    const open = this.CONSUME(L.LParen);
    const values: { name: string; value: Expr | null; pos: Pos }[] = [];
    this.AT_LEAST_ONE_SEP(
      sepBy(L.Comma, () => {
        const n = this.CONSUME(L.Identifier);
        const value = this.OPTION(() => {
          this.CONSUME(L.Assign);
          return this.SUBRULE(this.expression);
        });
        values.push({ name: n.image, value: value ?? null, pos: this.pos(n) });
      }),
    );
    this.CONSUME(L.RParen);
    const base = this.OPTION2(() => this.CONSUME2(L.Identifier));
    return { kind: 'enum', values, base: base?.image ?? null, pos: this.pos(open) };
  });

  /** VAR_INPUT [CONSTANT] [RETAIN] ... END_VAR: any section keyword, qualifiers in any order. */
  readonly varBlock = this.RULE(
    'varBlock',
    (): VarBlock | null => {
      const kw = this.OR(this.#sectionAlts);
      let constant = false;
      let retain = false;
      let persistent = false;
      this.MANY(() => {
        const q = this.OR2(this.#qualifierAlts).tokenType;
        if (q === KW.CONSTANT) constant = true;
        else if (q === KW.PERSISTENT) persistent = true;
        else retain = q === KW.RETAIN;
      });
      return this.block(kw, KW.END_VAR, () => {
        const decls = this.declarations();
        this.checkEnd(this.OPTION(() => this.CONSUME(KW.END_VAR)));
        const section = SECTIONS.get(kw.tokenType) ?? 'VAR';
        return { section, constant, retain, persistent, decls, pos: this.pos(kw) };
      });
    },
    { recoveryValueFunc: () => null },
  );

  readonly #sectionAlts: IOrAlt<IToken>[] = [...SECTIONS.keys()].map((t) => ({ ALT: () => this.CONSUME(t) }));
  readonly #qualifierAlts: IOrAlt<IToken>[] = [KW.CONSTANT, KW.RETAIN, KW.NON_RETAIN, KW.PERSISTENT].map((t) => ({ ALT: () => this.CONSUME(t) }));

  /** `a, b AT %IX0.0 : INT := 5;` */
  readonly varDecl = this.RULE(
    'varDecl',
    (): VarDecl | null => {
      const names: { name: string; pos: Pos }[] = [];
      this.AT_LEAST_ONE_SEP(
        sepBy(L.Comma, () => {
          const n = this.CONSUME(L.Identifier);
          names.push({ name: n.image, pos: this.pos(n) });
        }),
      );
      const at = this.OPTION(() => {
        const kw = this.CONSUME(KW.AT);
        return { kw, address: this.CONSUME(L.Located).image };
      });
      this.CONSUME(L.Colon);
      const type = this.SUBRULE(this.typeRef);
      const init = this.OPTION2(() => {
        this.CONSUME(L.Assign);
        return this.SUBRULE(this.initializer);
      });
      const semi = this.OPTION3(() => this.CONSUME(L.Semi));
      if (this.RECORDING_PHASE) return null;
      if (at && names.length > 1) this.report(at.kw, 'a located variable (AT) must be declared alone, one name per declaration');
      this.checkSemi(semi, 'declaration');
      const first = names[0];
      return { names, at: at?.address ?? null, type, init: init ?? null, pos: first ? first.pos : this.pos(this.LA(1)) };
    },
    { recoveryValueFunc: () => null },
  );

  /** An expression, an array initializer or a structure initializer. */
  readonly initializer = this.RULE('initializer', (): Initializer => this.OR(this.#initAlts), {
    recoveryValueFunc: (e) => this.placeholder(e.token),
  });

  readonly #initAlts: IOrAlt<Initializer>[] = [
    { ALT: () => this.SUBRULE(this.arrayInit) },
    { ALT: () => this.SUBRULE(this.structInit) },
    { ALT: () => this.SUBRULE(this.expression) },
  ];

  /** [1, 2, 3(0), 2()] : `n(value)` repeats value n times, `n()` leaves n elements default. */
  readonly arrayInit = this.RULE('arrayInit', (): ArrayInit => {
    const open = this.CONSUME(L.LBracket);
    const items: ArrayItem[] = [];
    this.AT_LEAST_ONE_SEP(sepBy(L.Comma, () => items.push(this.SUBRULE(this.arrayItem))));
    this.CONSUME(L.RBracket);
    return { kind: 'arrayInit', items, pos: this.pos(open) };
  });

  readonly arrayItem = this.RULE('arrayItem', (): ArrayItem => this.OR(this.#itemAlts), {
    recoveryValueFunc: (e) => ({ count: null, value: null, pos: this.pos(e.token) }),
  });

  readonly #itemAlts: IOrAlt<ArrayItem>[] = [
    {
      ALT: () => {
        const n = this.CONSUME(L.IntLiteral);
        this.CONSUME(L.LParen);
        const value = this.OPTION(() => this.SUBRULE(this.initializer)) ?? null;
        this.CONSUME(L.RParen);
        return { count: this.RECORDING_PHASE ? null : this.intLiteral(n), value, pos: this.pos(n) };
      },
    },
    {
      ALT: () => {
        const first = this.LA(1);
        const value = this.SUBRULE2(this.initializer);
        return { count: null, value, pos: this.pos(first) };
      },
    },
  ];

  /** (x := 1, y := (a := 2)) */
  readonly structInit = this.RULE('structInit', (): StructInit => {
    const open = this.CONSUME(L.LParen);
    const fields: StructInit['fields'][number][] = [];
    this.AT_LEAST_ONE_SEP(
      sepBy(L.Comma, () => {
        const n = this.CONSUME(L.Identifier);
        this.CONSUME(L.Assign);
        fields.push({ name: n.image, value: this.SUBRULE(this.initializer), pos: this.pos(n) });
      }),
    );
    this.CONSUME(L.RParen);
    return { kind: 'structInit', fields, pos: this.pos(open) };
  });

  /** TYPE a : ...; b : ...; END_TYPE, one TypeDecl per name. */
  readonly typeBlock = this.RULE(
    'typeBlock',
    (): TypeDecl[] => {
      const kw = this.CONSUME(KW.TYPE);
      return this.block(kw, KW.END_TYPE, () => {
        const out: TypeDecl[] = [];
        for (;;) {
          this.MANY(() => {
            const d = this.SUBRULE(this.typeDecl);
            if (d) out.push(d);
          });
          if (this.RECORDING_PHASE || !this.skipJunk('declarations')) break;
        }
        this.checkEnd(this.OPTION(() => this.CONSUME(KW.END_TYPE)));
        this.OPTION2(() => this.CONSUME(L.Semi));
        return out;
      });
    },
    { recoveryValueFunc: () => [] },
  );

  readonly typeDecl = this.RULE(
    'typeDecl',
    (): TypeDecl | null => {
      const n = this.CONSUME(L.Identifier);
      this.CONSUME(L.Colon);
      const def = this.OR(this.#typeDefAlts);
      const init = this.OPTION(() => {
        this.CONSUME(L.Assign);
        return this.SUBRULE(this.initializer);
      });
      const semi = this.OPTION2(() => this.CONSUME(L.Semi));
      if (this.RECORDING_PHASE) return null;
      // `END_STRUCT` may stand without ';' (CODESYS writes both).
      if (def.kind !== 'struct' || init !== undefined) this.checkSemi(semi, 'type declaration');
      return { kind: 'type', name: n.image, pos: this.pos(n), def, init: init ?? null };
    },
    { recoveryValueFunc: () => null },
  );

  readonly #typeDefAlts: IOrAlt<TypeRef | StructDef>[] = [{ ALT: () => this.SUBRULE(this.structDef) }, { ALT: () => this.SUBRULE(this.typeRef) }];

  readonly structDef = this.RULE('structDef', (): StructDef => {
    const kw = this.CONSUME(KW.STRUCT);
    return this.block(kw, KW.END_STRUCT, () => {
      const fields = this.declarations();
      this.checkEnd(this.OPTION(() => this.CONSUME(KW.END_STRUCT)));
      return { kind: 'struct', fields, pos: this.pos(kw) };
    });
  });

  /** Declarations up to the block's end, skipping junk between them (shared by VAR and STRUCT). */
  protected declarations(): VarDecl[] {
    const decls: VarDecl[] = [];
    for (;;) {
      this.MANY9(
        gated(
          () => this.atDeclaration(),
          () => {
            const d = this.SUBRULE9(this.varDecl);
            if (d) decls.push(d);
          },
        ),
      );
      if (this.RECORDING_PHASE || !this.skipJunk('declarations')) break;
    }
    return decls;
  }
}
