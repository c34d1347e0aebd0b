// The tokens of IEC 61131-3 Structured Text and the lexer that cuts a source text into them.
// Keywords are case-insensitive and never swallow a longer identifier (IFX, END_IFX, TON1);
// comments (nested `(* *)`, `//`, `/* */`) and pragmas `{...}` are skipped. The lexer never
// throws: unexpected characters, unterminated comments and strings come back as problems.

import { createToken, Lexer, type IToken, type TokenType, type ILexerErrorMessageProvider, type CustomPatternMatcherReturn } from 'chevrotain';

/** Every token type, in the order the lexer tries them (first match wins, see `longer_alt`). */
const ordered: TokenType[] = [];
/** Token types that are keywords: messages print them bare (`END_IF`), not quoted. */
export const KEYWORDS = new Set<TokenType>();

function token(name: string, pattern: RegExp, label: string, categories?: TokenType[]): TokenType {
  const t = createToken({ name, pattern, label, ...(categories ? { categories } : {}) });
  ordered.push(t);
  return t;
}

// ---- categories: consumed by the parser where any member will do -------------------------

/** Every binary operator: the parser reads `operand (op operand)*` and sorts out precedence itself. */
export const BinaryOperator = createToken({ name: 'BinaryOperator', pattern: Lexer.NA, label: 'an operator' });
/** 'single', "wide" and an unterminated string (reported by the lexer, parsed as if closed). */
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: Lexer.NA, label: 'a string' });

// ---- skipped text ---------------------------------------------------------------------------

/** Matches a comment opened at `offset` through its closer, `(* *)` nesting; null if unclosed. */
function matchBlockComment(text: string, offset: number): CustomPatternMatcherReturn | null {
  const c0 = text.charCodeAt(offset);
  const c1 = text.charCodeAt(offset + 1);
  if (c0 === 0x2f && c1 === 0x2a) {
    // `/* */` does not nest (C style); only `(* *)` does, as in CODESYS.
    const end = text.indexOf('*/', offset + 2);
    return end < 0 ? null : [text.slice(offset, end + 2)];
  }
  if (c0 !== 0x28 || c1 !== 0x2a) return null;
  let depth = 1;
  let i = offset + 2;
  while (i < text.length - 1) {
    const a = text.charCodeAt(i);
    const b = text.charCodeAt(i + 1);
    if (a === 0x28 && b === 0x2a) {
      depth++;
      i += 2;
    } else if (a === 0x2a && b === 0x29) {
      depth--;
      i += 2;
      if (depth === 0) return [text.slice(offset, i)];
    } else {
      i++;
    }
  }
  return null;
}

/** `(*`, `/*` or `{` whose closer never comes: one token to the end of the text, reported. */
function matchUnterminated(text: string, offset: number): CustomPatternMatcherReturn | null {
  const c0 = text.charCodeAt(offset);
  const c1 = text.charCodeAt(offset + 1);
  const opens = c0 === 0x7b || ((c0 === 0x28 || c0 === 0x2f) && c1 === 0x2a);
  return opens ? [text.slice(offset)] : null;
}

/**
 * `CONFIGURATION ... END_CONFIGURATION` and `RESOURCE ... END_RESOURCE` as one token: the
 * compiler runs programs in declaration order and only reports these blocks, so their
 * contents (TASK, PROGRAM ... WITH ...) never need a grammar.
 */
function matchConfiguration(text: string, offset: number): CustomPatternMatcherReturn | null {
  CONFIG_HEAD.lastIndex = offset;
  const m = CONFIG_HEAD.exec(text);
  if (!m) return null;
  const end = m[1]?.toUpperCase() === 'RESOURCE' ? RESOURCE_END : CONFIG_END;
  end.lastIndex = offset + m[0].length;
  const e = end.exec(text);
  return [text.slice(offset, e ? e.index + e[0].length : text.length)];
}
// Module-level so a match attempt (at every C or R) allocates nothing; lastIndex is set per use.
const CONFIG_HEAD = /(CONFIGURATION|RESOURCE)(?![A-Za-z0-9_])/iy;
const CONFIG_END = /END_CONFIGURATION(?![A-Za-z0-9_])/gi;
const RESOURCE_END = /END_RESOURCE(?![A-Za-z0-9_])/gi;

const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED, line_breaks: true });
const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\r\n]*/, group: Lexer.SKIPPED });
const BlockComment = createToken({
  name: 'BlockComment',
  pattern: { exec: matchBlockComment },
  start_chars_hint: ['(', '/'],
  line_breaks: true,
  group: Lexer.SKIPPED,
});
const Pragma = createToken({ name: 'Pragma', pattern: /\{[^}]*\}/, group: Lexer.SKIPPED, line_breaks: true });
const Unterminated = createToken({
  name: 'Unterminated',
  pattern: { exec: matchUnterminated },
  start_chars_hint: ['(', '/', '{'],
  line_breaks: true,
  group: 'unterminated',
});
ordered.push(WhiteSpace, LineComment, BlockComment, Pragma, Unterminated);

export const Configuration = createToken({
  name: 'Configuration',
  pattern: { exec: matchConfiguration },
  start_chars_hint: ['C', 'c', 'R', 'r'],
  line_breaks: true,
  label: 'CONFIGURATION',
});
ordered.push(Configuration);

// ---- literals (before identifiers: `T#1s`, `INT#5`, `Color#Red` start like a name) ----------

/** T#, TIME#, LT#, LTIME#: the body is checked by the parser so a bad unit gets a clear message. */
export const DurationLiteral = token('DurationLiteral', /(?:LTIME|LT|TIME|T)#[+-]?[0-9][\w.]*/i, 'a duration');
export const DateLiteral = token('DateLiteral', /(?:DATE_AND_TIME|DATE|DT|D|TIME_OF_DAY|TOD)#[0-9][0-9:._-]*/i, 'a date');
/** INT#5, DINT#16#FF, UINT#-1, REAL#1.5, BOOL#1 */
export const TypedNumber = token(
  'TypedNumber',
  /[A-Za-z_][A-Za-z0-9_]*#[+-]?(?:(?:2|8|16)#[0-9A-Za-z_]+|[0-9][0-9_]*(?:\.[0-9][0-9_]*)?(?:[eE][+-]?[0-9][0-9_]*)?)/,
  'a typed literal',
);
/** Color#Red, BOOL#TRUE */
export const TypedName = token('TypedName', /[A-Za-z_][A-Za-z0-9_]*#[A-Za-z_][A-Za-z0-9_]*/, 'a typed name');
export const RealLiteral = token('RealLiteral', /[0-9][0-9_]*(?:\.[0-9][0-9_]*(?:[eE][+-]?[0-9][0-9_]*)?|[eE][+-]?[0-9][0-9_]*)/, 'a real number');
/** Digits after a base are matched loosely so `2#102` is one token with a precise message. */
export const IntLiteral = token('IntLiteral', /(?:2|8|16)#[0-9A-Za-z_]+|[0-9][0-9_]*/, 'an integer');
export const SingleString = token('SingleString', /'(?:[^'$\r\n]|\$[^\r\n])*'/, 'a string', [StringLiteral]);
export const WideString = token('WideString', /"(?:[^"$\r\n]|\$[^\r\n])*"/, 'a string', [StringLiteral]);
export const OpenString = token('OpenString', /['"][^\r\n]*/, 'a string', [StringLiteral]);
export const Located = token('Located', /%[IQM][XBWDL]?[0-9]+(?:\.[0-9]+)*/i, 'a located address such as %IX0.0');

// ---- keywords and identifiers ---------------------------------------------------------------

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: 'a name' });

const keywordOps = ['NOT', 'AND', 'OR', 'XOR', 'MOD', 'AND_THEN', 'OR_ELSE'] as const;
const keywordWords = [
  'PROGRAM', 'END_PROGRAM', 'FUNCTION_BLOCK', 'END_FUNCTION_BLOCK', 'FUNCTION', 'END_FUNCTION',
  'TYPE', 'END_TYPE', 'STRUCT', 'END_STRUCT', 'EXTENDS', 'IMPLEMENTS',
  'PUBLIC', 'PRIVATE', 'PROTECTED', 'INTERNAL', 'ABSTRACT', 'FINAL',
  'VAR', 'VAR_INPUT', 'VAR_OUTPUT', 'VAR_IN_OUT', 'VAR_TEMP', 'VAR_GLOBAL', 'VAR_EXTERNAL', 'VAR_STAT', 'VAR_INST', 'END_VAR',
  'CONSTANT', 'RETAIN', 'NON_RETAIN', 'PERSISTENT', 'AT',
  'ARRAY', 'OF', 'STRING', 'WSTRING', 'POINTER', 'REFERENCE', 'TO',
  'IF', 'THEN', 'ELSIF', 'ELSE', 'END_IF', 'CASE', 'END_CASE', 'FOR', 'BY', 'DO', 'END_FOR',
  'WHILE', 'END_WHILE', 'REPEAT', 'UNTIL', 'END_REPEAT', 'EXIT', 'CONTINUE', 'RETURN',
  'TRUE', 'FALSE',
  ...keywordOps,
] as const;

export type Keyword = (typeof keywordWords)[number];

/** Keyword token types by their upper-case spelling (`KW.END_IF`); a misspelt key does not compile. */
export const KW: Readonly<Record<Keyword, TokenType>> = (() => {
  const map: Partial<Record<Keyword, TokenType>> = {};
  // Longest first: with first-match-wins, END_FUNCTION must not be tried before END_FUNCTION_BLOCK.
  const byLength = [...keywordWords].sort((a, b) => b.length - a.length);
  for (const word of byLength) {
    const t = createToken({
      name: word,
      pattern: new RegExp(word, 'i'),
      label: word,
      longer_alt: Identifier,
      ...(word !== 'NOT' && (keywordOps as readonly string[]).includes(word) ? { categories: [BinaryOperator] } : {}),
    });
    KEYWORDS.add(t);
    ordered.push(t);
    map[word] = t;
  }
  return map as Record<Keyword, TokenType>;
})();
ordered.push(Identifier);

// ---- punctuation and operators (longer spellings first) --------------------------------------

export const Assign = token('Assign', /:=/, "':='");
export const Arrow = token('Arrow', /=>/, "'=>'");
export const Colon = token('Colon', /:/, "':'");
export const Semi = token('Semi', /;/, "';'");
export const Comma = token('Comma', /,/, "','");
export const DotDot = token('DotDot', /\.\./, "'..'");
export const Dot = token('Dot', /\./, "'.'");
export const LParen = token('LParen', /\(/, "'('");
export const RParen = token('RParen', /\)/, "')'");
export const LBracket = token('LBracket', /\[/, "'['");
export const RBracket = token('RBracket', /\]/, "']'");
export const Power = token('Power', /\*\*/, "'**'", [BinaryOperator]);
export const Star = token('Star', /\*/, "'*'", [BinaryOperator]);
export const Slash = token('Slash', /\//, "'/'", [BinaryOperator]);
export const Plus = token('Plus', /\+/, "'+'", [BinaryOperator]);
export const Minus = token('Minus', /-/, "'-'", [BinaryOperator]);
export const NotEq = token('NotEq', /<>/, "'<>'", [BinaryOperator]);
export const Le = token('Le', /<=/, "'<='", [BinaryOperator]);
export const Ge = token('Ge', />=/, "'>='", [BinaryOperator]);
export const Lt = token('Lt', /</, "'<'", [BinaryOperator]);
export const Gt = token('Gt', />/, "'>'", [BinaryOperator]);
export const Eq = token('Eq', /=/, "'='", [BinaryOperator]);
export const Amp = token('Amp', /&/, "'&'", [BinaryOperator]);

/** All token types the parser knows, categories included (chevrotain needs them for matching). */
export const allTokens: readonly TokenType[] = [...ordered, BinaryOperator, StringLiteral];

const messages: ILexerErrorMessageProvider = {
  buildUnexpectedCharactersMessage(text, offset) {
    const ch = text.codePointAt(offset) ?? 0;
    const shown = ch < 0x20 || ch === 0x7f ? `\\u${ch.toString(16).padStart(4, '0')}` : String.fromCodePoint(ch);
    return `unexpected character '${shown}'`;
  },
  buildUnableToPopLexerModeMessage: () => 'internal lexer error: no mode to pop',
};

const stLexer = new Lexer(ordered, { ensureOptimizations: true, positionTracking: 'full', errorMessageProvider: messages });

/** A lexical problem at a 0-based offset with chevrotain's 1-based line and column. */
export interface LexProblem {
  readonly offset: number;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

export interface LexResult {
  readonly tokens: IToken[];
  readonly problems: LexProblem[];
}

/** Cuts `text` into tokens; never throws. */
export function tokenize(text: string): LexResult {
  const r = stLexer.tokenize(text);
  const problems: LexProblem[] = r.errors.map((e) => ({ offset: e.offset, line: e.line ?? 1, col: e.column ?? 1, message: e.message }));
  for (const t of r.groups['unterminated'] ?? []) {
    const what = t.image.startsWith('{') ? 'pragma' : 'comment';
    problems.push({ offset: t.startOffset, line: t.startLine ?? 1, col: t.startColumn ?? 1, message: `unterminated ${what}` });
  }
  for (const t of r.tokens) {
    if (t.tokenType === OpenString) problems.push({ offset: t.startOffset, line: t.startLine ?? 1, col: t.startColumn ?? 1, message: 'unterminated string' });
  }
  problems.sort((a, b) => a.offset - b.offset);
  return { tokens: r.tokens, problems };
}
