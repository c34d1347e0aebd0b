// How syntax errors read: chevrotain's generic messages ("Expecting token of type --> Semi <--")
// are replaced by a compiler's phrasing: `expected ';', found 'END_IF'`. Expected tokens are
// printed as written in ST (keywords bare, punctuation quoted); the token found is quoted as
// the source spells it.

import { EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import { KEYWORDS } from './lexer.ts';

/** What a top-level position accepts; used when junk stands between POUs. */
export const TOP_LEVEL = 'PROGRAM, FUNCTION_BLOCK, FUNCTION, TYPE or VAR_GLOBAL';

/** The token found, for "found ...": quoted source text, or `end of file`. */
export function describe(t: IToken): string {
  if (t.tokenType === EOF) return 'end of file';
  const image = t.image.length > 24 ? `${t.image.slice(0, 21)}...` : t.image;
  return `'${image}'`;
}

/** A token type as the reader would write it: `END_IF`, `';'`, `a name`. */
export function label(t: TokenType): string {
  if (t === EOF) return 'end of file';
  return t.LABEL ?? t.name;
}

/** Rules whose failure is best described by what they parse rather than by a token list. */
const WANTS: Record<string, string> = {
  expression: 'an expression',
  unary: 'an expression',
  primary: 'an expression',
  caseLabel: 'a case label',
  statement: 'a statement',
  typeRef: 'a type',
  typeDecl: 'a type',
  initializer: 'an initial value',
  arrayItem: 'an initial value',
  callArg: 'an argument',
  // The only choice the variable rule can fail is what follows a '.'.
  variable: "a member name or a bit number after '.'",
  compilationUnit: TOP_LEVEL,
  topItem: TOP_LEVEL,
  varBlock: 'VAR, VAR_INPUT, VAR_OUTPUT, VAR_IN_OUT, VAR_TEMP, VAR_GLOBAL, VAR_EXTERNAL, VAR_STAT or VAR_INST',
};

/** "A, B or C" from the first token of each path, keywords first, deduplicated. */
function oneOf(paths: readonly (readonly TokenType[])[]): string {
  const types = [...new Set(paths.map((p) => p[0] ?? EOF))];
  types.sort((a, b) => Number(KEYWORDS.has(b)) - Number(KEYWORDS.has(a)));
  const names = [...new Set(types.map(label))];
  if (names.length <= 1) return names[0] ?? 'something else';
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

export const parserMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    if (expected === EOF) return `expected ${WANTS[ruleName] ?? TOP_LEVEL}, found ${describe(actual)}`;
    return `expected ${label(expected)}, found ${describe(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `expected ${TOP_LEVEL}, found ${describe(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const found = actual[0] ? describe(actual[0]) : 'end of file';
    return `expected ${WANTS[ruleName] ?? oneOf(expectedPathsPerAlt.flat())}, found ${found}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const found = actual[0] ? describe(actual[0]) : 'end of file';
    return `expected ${WANTS[ruleName] ?? oneOf(expectedIterationPaths)}, found ${found}`;
  },
};
