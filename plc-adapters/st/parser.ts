// The parser of IEC 61131-3 Structured Text: source text in, AST (ast.ts) and syntax diagnostics
// out. This file holds the statements, the POUs and the top level; expressions and declarations
// live in parser-expressions.ts and parser-declarations.ts, the recovery helpers in
// parser-base.ts. One chevrotain parser is built at module load and reused for every file.
//
// Never throws on bad input: every lexical and syntax error becomes an ST_SYNTAX diagnostic and
// parsing goes on after it, so one run reports all errors of a file. With errors, the AST is a
// best effort (broken statements dropped, broken expressions replaced by a NameExpr named '').

import type { IOrAlt, IToken } from 'chevrotain';
import type { CaseLabel, CaseStmt, CompilationUnit, Diagnostic, GlobalVars, IfStmt, Pou, SourceFile, Stmt, TopItem, TypeRef, VarBlock } from './ast.ts';
import * as L from './lexer.ts';
import { KW, tokenize } from './lexer.ts';
import { describe } from './parser-errors.ts';
import { gated, sepBy, type Problem } from './parser-base.ts';
import { DeclarationParser } from './parser-declarations.ts';

/** The part of a POU before its variable blocks. */
interface PouHead {
  readonly kind: Pou['kind'];
  readonly kw: IToken;
  readonly name: IToken;
  readonly returnType: TypeRef | null;
  readonly ext: string | null;
}

class StParser extends DeclarationParser {
  #items: TopItem[] = [];
  /** The GlobalVars that a directly following top-level VAR_GLOBAL block joins, if any. */
  #globals: { blocks: VarBlock[] } | null = null;
  #globalsName: string | null = null;

  constructor() {
    super();
    this.performSelfAnalysis();
  }

  /** Parses one token stream; items survive even when recovery unwinds past their rules. */
  run(tokens: IToken[], source: SourceFile): { items: TopItem[]; problems: Problem[] } {
    this.begin(tokens, source);
    this.#items = [];
    this.#globals = null;
    this.#globalsName = source.name ?? baseName(source.file);
    this.compilationUnit();
    return { items: this.#items, problems: this.problems() };
  }

  // ---- top level ----------------------------------------------------------------------------

  readonly compilationUnit = this.RULE('compilationUnit', () => {
    this.MANY(() => this.SUBRULE(this.topItem));
  });

  readonly topItem = this.RULE('topItem', () => this.OR(this.#topAlts));

  readonly #topAlts: IOrAlt<void>[] = [
    { ALT: () => this.#add(this.SUBRULE(this.pou)) },
    {
      ALT: () => {
        const types = this.SUBRULE(this.typeBlock);
        if (!this.RECORDING_PHASE) types.forEach((t) => this.#add(t));
      },
    },
    {
      ALT: () => {
        const kw = this.LA(1);
        this.#addGlobals(kw, this.SUBRULE(this.varBlock));
      },
    },
    {
      ALT: () => {
        const c = this.CONSUME(L.Configuration);
        if (this.RECORDING_PHASE) return;
        const word = /^\s*(\w+)/.exec(c.image)?.[1]?.toUpperCase() ?? 'CONFIGURATION';
        this.report(c, `${word} is not supported; programs run in declaration order`);
      },
    },
  ];

  /** PROGRAM, FUNCTION_BLOCK or FUNCTION with its variable blocks, body and END_ keyword. */
  readonly pou = this.RULE(
    'pou',
    (): Pou | null => {
      const head = this.OR(this.#headAlts);
      const closer = head.kind === 'program' ? KW.END_PROGRAM : head.kind === 'functionBlock' ? KW.END_FUNCTION_BLOCK : KW.END_FUNCTION;
      return this.block(head.kw, closer, () => {
        const vars: VarBlock[] = [];
        this.MANY(() => {
          const b = this.SUBRULE(this.varBlock);
          if (b) vars.push(b);
        });
        const body = this.SUBRULE(this.statementList);
        // Any POU closer ends this POU (END_FUNCTION after a PROGRAM is reported, but still closes it).
        const end = this.OPTION(() => this.OR2(this.#pouEndAlts));
        if (this.RECORDING_PHASE) return null;
        this.checkEnd(end);
        const endTok = end ?? this.LA(1);
        return { kind: head.kind, name: head.name.image, pos: this.pos(head.name), returnType: head.returnType, extends: head.ext, vars, body, end: this.pos(endTok) };
      });
    },
    { recoveryValueFunc: () => null },
  );

  readonly #headAlts: IOrAlt<PouHead>[] = [
    {
      ALT: () => {
        const kw = this.CONSUME(KW.PROGRAM);
        return { kind: 'program', kw, name: this.CONSUME(L.Identifier), returnType: null, ext: null };
      },
    },
    {
      ALT: () => {
        const kw = this.CONSUME(KW.FUNCTION_BLOCK);
        this.MANY2(() => this.OR3(this.#modifierAlts));
        const name = this.CONSUME2(L.Identifier);
        const ext = this.OPTION2(() => {
          this.CONSUME(KW.EXTENDS);
          return this.CONSUME3(L.Identifier);
        });
        this.OPTION3(() => {
          this.CONSUME(KW.IMPLEMENTS);
          this.AT_LEAST_ONE_SEP(sepBy(L.Comma, () => this.CONSUME4(L.Identifier)));
        });
        return { kind: 'functionBlock', kw, name, returnType: null, ext: ext?.image ?? null };
      },
    },
    {
      ALT: () => {
        const kw = this.CONSUME(KW.FUNCTION);
        const name = this.CONSUME5(L.Identifier);
        const returnType = this.OPTION4(() => {
          this.CONSUME(L.Colon);
          return this.SUBRULE(this.typeRef);
        });
        return { kind: 'function', kw, name, returnType: returnType ?? null, ext: null };
      },
    },
  ];

  readonly #modifierAlts: IOrAlt<IToken>[] = [KW.PUBLIC, KW.PRIVATE, KW.PROTECTED, KW.INTERNAL, KW.ABSTRACT, KW.FINAL].map((t) => ({ ALT: () => this.CONSUME(t) }));

  readonly #pouEndAlts: IOrAlt<IToken>[] = [KW.END_PROGRAM, KW.END_FUNCTION_BLOCK, KW.END_FUNCTION].map((t) => ({ ALT: () => this.CONSUME(t) }));

  #add(item: TopItem | null | undefined): void {
    if (!item || this.RECORDING_PHASE) return;
    this.#items.push(item);
    this.#globals = null;
  }

  /**
   * A top-level VAR_GLOBAL block. Consecutive blocks (VAR_GLOBAL, then VAR_GLOBAL CONSTANT) form
   * one GlobalVars, as one TwinCAT GVL file does; anything between them starts a new one.
   */
  #addGlobals(kw: IToken, block: VarBlock | null): void {
    if (!block || this.RECORDING_PHASE) return;
    if (block.section !== 'VAR_GLOBAL') {
      this.report(kw, `${block.section} is only allowed inside a PROGRAM, FUNCTION_BLOCK or FUNCTION; the top level takes VAR_GLOBAL`);
      return;
    }
    if (this.#globals) {
      this.#globals.blocks.push(block);
      return;
    }
    const blocks: VarBlock[] = [block];
    const globals: GlobalVars = { kind: 'globals', name: this.#globalsName, blocks, pos: block.pos };
    this.#items.push(globals);
    this.#globals = { blocks };
  }

  // ---- statements ---------------------------------------------------------------------------

  readonly statementList = this.RULE('statementList', (): Stmt[] => this.#statements(false), { recoveryValueFunc: () => [] });

  /** A CASE branch body: it ends where the next case label starts. */
  readonly caseBody = this.RULE('caseBody', (): Stmt[] => this.#statements(true), { recoveryValueFunc: () => [] });

  #statements(caseBody: boolean): Stmt[] {
    const out: Stmt[] = [];
    for (;;) {
      if (caseBody) {
        this.MANY(
          gated(
            () => !this.atCaseLabel(),
            () => {
              const s = this.SUBRULE(this.statement);
              if (s) out.push(s);
            },
          ),
        );
      } else {
        this.MANY2(() => {
          const s = this.SUBRULE2(this.statement);
          if (s) out.push(s);
        });
      }
      if (this.RECORDING_PHASE || !this.skipJunk(caseBody ? 'caseBody' : 'statements')) break;
    }
    return out;
  }

  readonly statement = this.RULE('statement', (): Stmt | null => this.OR(this.#statementAlts), { recoveryValueFunc: () => null });

  readonly #statementAlts: IOrAlt<Stmt | null>[] = [
    { ALT: () => this.SUBRULE(this.assignOrCall) },
    { ALT: () => this.SUBRULE(this.ifStmt) },
    { ALT: () => this.SUBRULE(this.caseStmt) },
    { ALT: () => this.SUBRULE(this.forStmt) },
    { ALT: () => this.SUBRULE(this.whileStmt) },
    { ALT: () => this.SUBRULE(this.repeatStmt) },
    { ALT: () => this.SUBRULE(this.jumpStmt) },
    { ALT: () => ({ kind: 'empty', pos: this.pos(this.CONSUME(L.Semi)) }) },
  ];

  /** `target := value;` or a call `fb(IN := x);` — both start with a variable. */
  readonly assignOrCall = this.RULE('assignOrCall', (): Stmt | null => {
    const first = this.LA(1);
    const target = this.SUBRULE(this.variable);
    const last = this.LA(0);
    const value = this.OPTION(() => {
      this.CONSUME(L.Assign);
      return this.SUBRULE(this.expression);
    });
    const semi = this.OPTION2(() => this.CONSUME(L.Semi));
    if (this.RECORDING_PHASE) return null;
    if (value === undefined && target.kind !== 'call') {
      const found = semi ?? this.LA(1);
      const text = this.sourceText(first, last);
      this.report(found, `expected ':=' after ${text ? `'${text}'` : 'the variable'}, found ${describe(found)}`);
      this.checkSemi(semi, 'statement');
      return null;
    }
    this.checkSemi(semi, 'statement');
    const pos = this.pos(first);
    if (value !== undefined) return { kind: 'assign', target, value, pos };
    return target.kind === 'call' ? { kind: 'call', call: target, pos } : null;
  });

  readonly ifStmt = this.RULE('ifStmt', (): IfStmt => {
    const kw = this.CONSUME(KW.IF);
    return this.block(kw, KW.END_IF, () => {
      const branches: IfStmt['branches'][number][] = [];
      const cond = this.SUBRULE(this.expression);
      this.CONSUME(KW.THEN);
      branches.push({ cond, body: this.SUBRULE(this.statementList), pos: this.pos(kw) });
      this.MANY(() => {
        const k = this.CONSUME(KW.ELSIF);
        const c = this.SUBRULE2(this.expression);
        this.CONSUME2(KW.THEN);
        branches.push({ cond: c, body: this.SUBRULE2(this.statementList), pos: this.pos(k) });
      });
      const otherwise = this.OPTION(() => {
        this.CONSUME(KW.ELSE);
        return this.SUBRULE3(this.statementList);
      });
      this.#endBlock(this.OPTION2(() => this.CONSUME(KW.END_IF)));
      return { kind: 'if', branches, otherwise: otherwise ?? null, pos: this.pos(kw) };
    });
  });

  readonly caseStmt = this.RULE('caseStmt', (): CaseStmt => {
    const kw = this.CONSUME(KW.CASE);
    return this.block(kw, KW.END_CASE, () => {
      const selector = this.SUBRULE(this.expression);
      this.CONSUME(KW.OF);
      const cases: CaseStmt['cases'][number][] = [];
      this.MANY(() => {
        const first = this.LA(1);
        const labels: CaseLabel[] = [];
        this.AT_LEAST_ONE_SEP(sepBy(L.Comma, () => labels.push(this.SUBRULE(this.caseLabel))));
        this.CONSUME(L.Colon);
        cases.push({ labels, body: this.SUBRULE(this.caseBody), pos: this.pos(first) });
      });
      const otherwise = this.OPTION(() => {
        this.CONSUME(KW.ELSE);
        return this.SUBRULE(this.statementList);
      });
      this.#endBlock(this.OPTION2(() => this.CONSUME(KW.END_CASE)));
      return { kind: 'case', selector, cases, otherwise: otherwise ?? null, pos: this.pos(kw) };
    });
  });

  /** `1`, `-1`, `Red`, `Color#Red`, `N`, or a range `3..5`. */
  readonly caseLabel = this.RULE(
    'caseLabel',
    (): CaseLabel => {
      const lo = this.SUBRULE(this.expression);
      const hi = this.OPTION(() => {
        this.CONSUME(L.DotDot);
        return this.SUBRULE2(this.expression);
      });
      return hi === undefined ? { kind: 'value', value: lo } : { kind: 'range', lo, hi };
    },
    { recoveryValueFunc: (e): CaseLabel => ({ kind: 'value', value: this.placeholder(e.token) }) },
  );

  readonly forStmt = this.RULE('forStmt', (): Stmt => {
    const kw = this.CONSUME(KW.FOR);
    return this.block(kw, KW.END_FOR, () => {
      const v = this.CONSUME(L.Identifier);
      // `FOR i = 1 TO ...` is a common slip: report it and read on as if it were `:=`.
      const assign = this.OR(this.#forAssignAlts);
      if (assign.tokenType === L.Eq && !this.RECORDING_PHASE) this.report(assign, "expected ':=' after the FOR variable, found '='");
      const from = this.SUBRULE(this.expression);
      const to = this.OPTION3(() => {
        this.CONSUME(KW.TO);
        return this.SUBRULE2(this.expression);
      });
      this.checkInBlock(to, KW.TO);
      const by = this.OPTION(() => {
        this.CONSUME(KW.BY);
        return this.SUBRULE3(this.expression);
      });
      this.CONSUME(KW.DO);
      const body = this.SUBRULE(this.statementList);
      this.#endBlock(this.OPTION2(() => this.CONSUME(KW.END_FOR)));
      return { kind: 'for', variable: v.image, variablePos: this.pos(v), from, to: to ?? this.placeholder(v), by: by ?? null, body, pos: this.pos(kw) };
    });
  });

  readonly #forAssignAlts: IOrAlt<IToken>[] = [{ ALT: () => this.CONSUME(L.Assign) }, { ALT: () => this.CONSUME(L.Eq) }];

  readonly whileStmt = this.RULE('whileStmt', (): Stmt => {
    const kw = this.CONSUME(KW.WHILE);
    return this.block(kw, KW.END_WHILE, () => {
      const cond = this.SUBRULE(this.expression);
      this.CONSUME(KW.DO);
      const body = this.SUBRULE(this.statementList);
      this.#endBlock(this.OPTION(() => this.CONSUME(KW.END_WHILE)));
      return { kind: 'while', cond, body, pos: this.pos(kw) };
    });
  });

  readonly repeatStmt = this.RULE('repeatStmt', (): Stmt => {
    const kw = this.CONSUME(KW.REPEAT);
    return this.block(kw, KW.END_REPEAT, () => {
      const body = this.SUBRULE(this.statementList);
      const until = this.OPTION(() => {
        this.CONSUME(KW.UNTIL);
        return this.SUBRULE(this.expression);
      });
      this.checkInBlock(until, KW.UNTIL);
      this.#endBlock(this.OPTION2(() => this.CONSUME(KW.END_REPEAT)));
      return { kind: 'repeat', body, until: until ?? this.placeholder(this.LA(1)), pos: this.pos(kw) };
    });
  });

  /** EXIT; CONTINUE; RETURN; */
  readonly jumpStmt = this.RULE('jumpStmt', (): Stmt => {
    const t = this.OR(this.#jumpAlts);
    this.checkSemi(
      this.OPTION(() => this.CONSUME(L.Semi)),
      'statement',
    );
    const kind = t.tokenType === KW.EXIT ? 'exit' : t.tokenType === KW.CONTINUE ? 'continue' : 'return';
    return { kind, pos: this.pos(t) };
  });

  readonly #jumpAlts: IOrAlt<IToken>[] = [KW.EXIT, KW.CONTINUE, KW.RETURN].map((t) => ({ ALT: () => this.CONSUME(t) }));

  /** END_IF etc.; the `;` after it is optional (CODESYS accepts both) and taken here, not as an empty statement. */
  #endBlock(end: IToken | undefined): void {
    this.checkEnd(end);
    this.OPTION9(() => this.CONSUME9(L.Semi));
  }
}

/** `gvl/GVL_Main.TcGVL` -> `GVL_Main`: TwinCAT names a global variable list after its file. */
function baseName(file: string): string | null {
  const base = file.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  const name = dot > 0 ? base.slice(0, dot) : base;
  return name === '' ? null : name;
}

// Built on the first parse, not at import: its grammar analysis takes a few hundred ms, and
// every process that loads a line file imports this module, most of them to compile nothing.
let parser: StParser | undefined;

/**
 * Parses one ST source into its AST. Never throws: lexical and syntax errors come back as
 * ST_SYNTAX diagnostics (all of them, in source order), positions mapped through `source.lines`.
 *
 * @example
 * const { unit, diagnostics } = parseSt({ file: 'main.st', text: 'PROGRAM Main x := 1; END_PROGRAM' });
 */
export function parseSt(source: SourceFile): { unit: CompilationUnit; diagnostics: Diagnostic[] } {
  const lexed = tokenize(source.text);
  let items: TopItem[] = [];
  let problems: Problem[];
  try {
    parser ??= new StParser();
    ({ items, problems } = parser.run(lexed.tokens, source));
  } catch (e) {
    // A bug in the parser must not take down the compiler run that called it.
    problems = [{ offset: 0, line: 1, col: 1, message: `internal parser error: ${e instanceof Error ? e.message : String(e)}` }];
  }
  // The tokens after a bad character make no sense to the parser: one message per line is enough.
  const badLines = new Map<number, number>();
  for (const p of lexed.problems) if (!badLines.has(p.line)) badLines.set(p.line, p.offset);
  const followers = problems.filter((p) => !((badLines.get(p.line) ?? Infinity) < p.offset));
  const all = [...lexed.problems, ...followers].sort((a, b) => a.offset - b.offset);
  const mapLine = (line: number): number => (source.lines ? (source.lines[line - 1] ?? line) : line);
  const diagnostics = all.map(
    (p): Diagnostic => ({ file: source.file, line: mapLine(p.line), col: p.col, code: 'ST_SYNTAX', message: p.message, severity: 'error' }),
  );
  return { unit: { file: source.file, items }, diagnostics };
}

