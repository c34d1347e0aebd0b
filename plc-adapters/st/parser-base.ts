// The state and recovery helpers shared by the grammar classes (expressions, declarations,
// statements): positions mapped to the user's file, problems collected instead of thrown, the
// stack of open blocks (so a missing END_IF names the IF it should close), and junk skipping in
// lists, so one bad statement or declaration costs one message and parsing goes on after it.
//
// Chevrotain's own recovery (token insertion/deletion, re-sync on follow sets) still handles
// errors inside expressions and declarations; block closers and statement semicolons are
// checked here by hand because their messages and recovery matter most.

import { EmbeddedActionsParser, EOF, type IToken, type TokenType } from 'chevrotain';
import type { Expr, Pos, SourceFile, VarSection } from './ast.ts';
import * as L from './lexer.ts';
import { KW } from './lexer.ts';
import { describe, label, parserMessages } from './parser-errors.ts';

/** A syntax problem at a 0-based offset of the text, with the text's own 1-based line and column. */
export interface Problem {
  readonly offset: number;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/** A construct whose END_ keyword has not been seen yet. */
interface OpenBlock {
  /** IF, CASE, VAR_INPUT, PROGRAM, ... as the messages name it. */
  readonly name: string;
  readonly closer: TokenType;
  readonly opener: IToken;
}

/** What a list holds, which decides what junk is inside it and where it ends. */
type ListKind = 'statements' | 'caseBody' | 'declarations';

const STATEMENT_KEYWORDS: ReadonlySet<TokenType> = new Set([KW.IF, KW.CASE, KW.FOR, KW.WHILE, KW.REPEAT, KW.EXIT, KW.CONTINUE, KW.RETURN]);

const SECTION_WORDS = ['VAR', 'VAR_INPUT', 'VAR_OUTPUT', 'VAR_IN_OUT', 'VAR_TEMP', 'VAR_GLOBAL', 'VAR_EXTERNAL', 'VAR_STAT', 'VAR_INST'] as const satisfies readonly VarSection[];

export const SECTIONS: ReadonlyMap<TokenType, VarSection> = new Map(SECTION_WORDS.map((w) => [KW[w], w]));

/** Closers of statement blocks: a wrong one (END_WHILE in a FOR) closes the innermost such block. */
const STATEMENT_CLOSERS: ReadonlySet<TokenType> = new Set([KW.END_IF, KW.END_CASE, KW.END_FOR, KW.END_WHILE, KW.END_REPEAT]);

/** Closers of POUs: any of them ends the open POU (a wrong one is reported by the POU). */
const POU_CLOSERS: ReadonlySet<TokenType> = new Set([KW.END_PROGRAM, KW.END_FUNCTION_BLOCK, KW.END_FUNCTION]);

/** Tokens that start something a list never contains: the list ends there and its owner decides. */
const BLOCK_STARTS: ReadonlySet<TokenType> = new Set([KW.PROGRAM, KW.FUNCTION_BLOCK, KW.FUNCTION, KW.TYPE, L.Configuration, ...SECTIONS.keys()]);

/** Tokens that can start a case label (an identifier label is recognised by its ':' or ','). */
const LABEL_STARTS: ReadonlySet<TokenType> = new Set([L.IntLiteral, L.RealLiteral, L.TypedNumber, L.TypedName, L.Minus, L.Plus, L.LParen]);

/**
 * `{ SEP, DEF }` for MANY_SEP / AT_LEAST_ONE_SEP, and `{ GATE, DEF }` for MANY. Built from
 * arguments on purpose: an inline `{ DEF: () => ... }` gets wrapped by tsx's keep-names transform
 * (a defineProperty per call), which made parsing 2.5 times slower. For the same reason the
 * OR alternatives of the grammar classes are arrays built once, not literals in each call.
 */
export function sepBy<T>(SEP: TokenType, DEF: () => T): { SEP: TokenType; DEF: () => T } {
  return { SEP, DEF };
}
export function gated<T>(GATE: () => boolean, DEF: () => T): { GATE: () => boolean; DEF: () => T } {
  return { GATE, DEF };
}

export abstract class ParserBase extends EmbeddedActionsParser {
  #file = '';
  #text = '';
  #lines: readonly number[] | undefined;
  #last: IToken | undefined;
  #problems: Problem[] = [];
  #open: OpenBlock[] = [];

  constructor() {
    super([...L.allTokens], {
      recoveryEnabled: true,
      maxLookahead: 3,
      errorMessageProvider: parserMessages,
      // chevrotain's grammar checks call Object.groupBy (Node 22+); on Node 20 they are skipped.
      // They only find mistakes in the grammar itself (ambiguities), which any run on Node 22+
      // reports at module load.
      skipValidations: typeof Object.groupBy !== 'function',
    });
  }

  /** Loads one source; the grammar class then calls its top rule. */
  protected begin(tokens: IToken[], source: SourceFile): void {
    this.input = tokens;
    this.#file = source.file;
    this.#text = source.text;
    this.#lines = source.lines;
    this.#last = tokens[tokens.length - 1];
    this.#problems = [];
    this.#open = [];
  }

  /** The problems of this run: ours and chevrotain's, in source order, one per cause. */
  protected problems(): Problem[] {
    const theirs = this.errors.map((e) => this.#problem(e.token, e.message));
    const ours = new Set(this.#problems.map((p) => p.offset));
    const all = [...this.#problems];
    const seen = new Set<number>();
    // A chevrotain error where we already reported one is the same fault seen again on unwinding.
    for (const p of theirs) {
      if (ours.has(p.offset) || seen.has(p.offset)) continue;
      seen.add(p.offset);
      all.push(p);
    }
    return all.sort((a, b) => a.offset - b.offset);
  }

  /** Maps a line of the text to the line of the user's file (see SourceFile.lines). */
  protected mapLine(line: number): number {
    return this.#lines ? (this.#lines[line - 1] ?? line) : line;
  }

  /**
   * Where a token starts. EOF sits just after the last real token; a token invented by recovery
   * (a missing name) stands where the parser is now, next to where it was missed.
   */
  protected pos(t: IToken): Pos {
    if (t.startOffset >= 0 && t.tokenType !== EOF) return { file: this.#file, line: this.mapLine(t.startLine ?? 1), col: t.startColumn ?? 1 };
    const p = this.#problem(t.isInsertedInRecovery ? this.LA(1) : t, '');
    return { file: this.#file, line: this.mapLine(p.line), col: p.col };
  }

  /** `12:3`, as messages cite another place in the same file. */
  protected where(t: IToken): string {
    const p = this.pos(t);
    return `${p.line}:${p.col}`;
  }

  /** The source text from the start of `from` to the end of `to` when it is short and on one line. */
  protected sourceText(from: IToken, to: IToken): string | null {
    const end = to.endOffset ?? -1;
    if (!(from.startOffset >= 0) || !(end >= from.startOffset)) return null;
    const s = this.#text.slice(from.startOffset, end + 1);
    return s.length <= 40 && !/[\r\n]/.test(s) ? s : null;
  }

  protected report(t: IToken, message: string): void {
    this.#problems.push(this.#problem(t, message));
  }

  /** Whether a problem (ours or chevrotain's) already points at this token. */
  protected reportedAt(t: IToken): boolean {
    const offset = this.#problem(t, '').offset;
    return this.#problems.some((p) => p.offset === offset) || this.errors.some((e) => this.#problem(e.token, '').offset === offset);
  }

  /** An expression standing in for one that failed to parse (never seen when there are no errors). */
  protected placeholder(t: IToken): Expr {
    return { kind: 'name', name: '', pos: this.pos(t) };
  }

  #problem(t: IToken, message: string): Problem {
    if (t.tokenType !== EOF && t.startOffset >= 0) {
      return { offset: t.startOffset, line: t.startLine ?? 1, col: t.startColumn ?? 1, message };
    }
    const last = this.#last;
    if (!last) return { offset: 0, line: 1, col: 1, message };
    return { offset: (last.endOffset ?? last.startOffset) + 1, line: last.endLine ?? 1, col: (last.endColumn ?? 0) + 1, message };
  }

  // ---- blocks and their END_ keywords ------------------------------------------------------

  /** Runs `body` with a block open, so lists inside know that its closer ends them. */
  protected block<T>(opener: IToken, closer: TokenType, body: () => T): T {
    const depth = this.#open.length;
    if (!this.RECORDING_PHASE) this.#open.push({ name: label(opener.tokenType), closer, opener });
    try {
      return body();
    } finally {
      this.#open.length = depth;
    }
  }

  /**
   * After the innermost block's optional closer: reports it when missing (nothing is consumed)
   * or when a different closer was taken in its place.
   */
  protected checkEnd(end: IToken | undefined): void {
    if (this.RECORDING_PHASE) return;
    const open = this.#open[this.#open.length - 1];
    if (!open || end?.tokenType === open.closer) return;
    const found = end ?? this.LA(1);
    this.report(found, `expected ${label(open.closer)} to close the ${open.name} at ${this.where(open.opener)}, found ${describe(found)}`);
    if (end === undefined && this.#substitutes(found.tokenType)) this.SKIP_TOKEN();
  }

  /** Whether `t` is a statement closer that no open block expects, standing in for the innermost one's. */
  #substitutes(t: TokenType): boolean {
    const innermost = this.#open[this.#open.length - 1];
    return STATEMENT_CLOSERS.has(t) && !this.#isOpen(t) && innermost !== undefined && STATEMENT_CLOSERS.has(innermost.closer);
  }

  /** Reports a missing UNTIL and the like: `expected UNTIL in the REPEAT at 3:1, found ...`. */
  protected checkInBlock(got: unknown, expected: TokenType): void {
    if (got !== undefined || this.RECORDING_PHASE) return;
    const open = this.#open[this.#open.length - 1];
    const found = this.LA(1);
    const where = open ? ` in the ${open.name} at ${this.where(open.opener)}` : '';
    this.report(found, `expected ${label(expected)}${where}, found ${describe(found)}`);
  }

  #isOpen(closer: TokenType): boolean {
    return this.#open.some((b) => b.closer === closer);
  }

  // ---- statement and declaration ends, junk -----------------------------------------------

  /**
   * After an optional ';': reports it when missing. The rest of that line belongs to the broken
   * statement, so it is skipped: one missing ';' is one error, not a cascade.
   */
  protected checkSemi(semi: IToken | undefined, what: string): void {
    if (semi !== undefined || this.RECORDING_PHASE) return;
    const next = this.LA(1);
    // An unterminated string swallowed the ';' and has been reported already.
    const quiet = this.reportedAt(next) || this.LA(0).tokenType === L.OpenString;
    if (!quiet) this.report(next, `expected ';' after the ${what}, found ${describe(next)}`);
    // Directly inside a CASE the next label may follow on the same line: `1: x := 1 2: ...`.
    const kind = this.#open[this.#open.length - 1]?.closer === KW.END_CASE ? 'caseBody' : 'statements';
    const line = this.LA(0).endLine;
    while (this.LA(1).startLine === line && !this.#stops(this.LA(1).tokenType, kind) && !(kind === 'caseBody' && this.atCaseLabel())) {
      if (this.LA(1).tokenType === L.Semi) {
        this.SKIP_TOKEN();
        break;
      }
      this.SKIP_TOKEN();
    }
  }

  /** Whether the list of `kind` ends at a token of type `t` (someone outside owns it). */
  #stops(t: TokenType, kind: ListKind): boolean {
    if (t === EOF || BLOCK_STARTS.has(t) || STATEMENT_KEYWORDS.has(t)) return true;
    if (kind === 'caseBody' && LABEL_STARTS.has(t)) return true;
    if (t === KW.ELSE) return this.#isOpen(KW.END_IF) || this.#isOpen(KW.END_CASE);
    if (t === KW.ELSIF) return this.#isOpen(KW.END_IF);
    if (t === KW.UNTIL) return this.#isOpen(KW.END_REPEAT);
    if (POU_CLOSERS.has(t)) return this.#open.some((b) => POU_CLOSERS.has(b.closer));
    return this.#isOpen(t) || this.#substitutes(t);
  }

  /**
   * Called when a list's MANY stops: if the next token is junk (cannot start an item and ends
   * nothing open), reports it and skips to the end of that item. Returns whether it skipped,
   * so the caller resumes its list.
   */
  protected skipJunk(kind: ListKind): boolean {
    const first = this.LA(1);
    const t = first.tokenType;
    if (kind === 'declarations' && t === L.Semi) {
      this.SKIP_TOKEN(); // a stray ';' between declarations is harmless
      return true;
    }
    const starts = t === L.Identifier || (kind !== 'declarations' && (t === L.Semi || STATEMENT_KEYWORDS.has(t)));
    if (starts || this.#stops(t, kind)) return false;
    if (!this.reportedAt(first)) this.report(first, `expected ${kind === 'declarations' ? 'a declaration' : 'a statement'}, found ${describe(first)}`);
    let prev = first;
    this.SKIP_TOKEN();
    for (;;) {
      const next = this.LA(1);
      if (next.tokenType === L.Semi) {
        this.SKIP_TOKEN();
        break;
      }
      // A new line is a new attempt at a statement: it gets its own chance (and message).
      if (next.startLine !== prev.endLine || this.#stops(next.tokenType, kind)) break;
      prev = next;
      this.SKIP_TOKEN();
    }
    return true;
  }

  /**
   * In a variable block: whether the next tokens can be a declaration. `x := 1` or `f(x)` cannot:
   * the block's END_VAR is missing and the body has begun.
   */
  protected atDeclaration(): boolean {
    if (this.LA(1).tokenType !== L.Identifier) return false;
    const t = this.LA(2).tokenType;
    return t !== L.Assign && t !== L.LParen && t !== L.Dot && t !== L.LBracket;
  }

  /** In a CASE body: whether the next tokens are an identifier label (`Red:`, `A, B:`, `GVL.N..GVL.M:`). */
  protected atCaseLabel(): boolean {
    if (this.LA(1).tokenType !== L.Identifier) return false;
    let k = 2;
    while (this.LA(k).tokenType === L.Dot && this.LA(k + 1).tokenType === L.Identifier) k += 2;
    const t = this.LA(k).tokenType;
    return t === L.Colon || t === L.Comma || t === L.DotDot;
  }
}
