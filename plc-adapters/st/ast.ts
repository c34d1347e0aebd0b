// The abstract syntax of IEC 61131-3 Structured Text as the parser hands it to the checker: plain
// data, every node with its source position. Names keep the spelling of the source; IEC
// identifiers are case-insensitive, so the checker compares them upper-cased. The parser never
// resolves a name or a type: that is the checker's job (plc-adapters/st/checker.ts).

/** A place in a source file; line and col are 1-based (col counts UTF-16 units). */
export interface Pos {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** A compiler message: collected through every phase, printed like tsc or rustc print them. */
export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** Stable code, e.g. ST_SYNTAX, ST_TYPE, ST_UNKNOWN_NAME. */
  readonly code: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/** One source text to compile. Imported XML becomes such texts with a line map. */
export interface SourceFile {
  /** Path as the user gave it (printed in diagnostics). */
  readonly file: string;
  readonly text: string;
  /**
   * When the text was generated from another file (PLCopen XML, TcPOU): line k of `text`
   * (1-based) came from line `lines[k - 1]` of `file`. Diagnostics then point into `file`.
   */
  readonly lines?: readonly number[];
  /**
   * Name of the global variable list(s) in this text (`GVL_Main.x`); default: the file's base
   * name without extension (TwinCAT names a GVL after its file).
   */
  readonly name?: string;
}

// ---- types as written ------------------------------------------------------------------

export type TypeRef = NamedType | StringType | ArrayType | SubrangeType | EnumType | PointerType;

/** An elementary type (INT, REAL, TIME, ...), a standard FB (TON), or a declared name. */
export interface NamedType {
  readonly kind: 'named';
  readonly name: string;
  readonly pos: Pos;
}
/** STRING, STRING[20], STRING(20), WSTRING[...]. length null: the default (80). */
export interface StringType {
  readonly kind: 'string';
  readonly wide: boolean;
  readonly length: Expr | null;
  readonly pos: Pos;
}
/** ARRAY[lo..hi, lo..hi] OF T */
export interface ArrayType {
  readonly kind: 'array';
  readonly dims: readonly { readonly lo: Expr; readonly hi: Expr }[];
  readonly of: TypeRef;
  readonly pos: Pos;
}
/** INT (0..100) */
export interface SubrangeType {
  readonly kind: 'subrange';
  readonly base: string;
  readonly lo: Expr;
  readonly hi: Expr;
  readonly pos: Pos;
}
/** (Red, Green := 5, Blue) or with a base type: (A, B) INT */
export interface EnumType {
  readonly kind: 'enum';
  readonly values: readonly { readonly name: string; readonly value: Expr | null; readonly pos: Pos }[];
  readonly base: string | null;
  readonly pos: Pos;
}
/** POINTER TO T, REFERENCE TO T: parsed so the checker can refuse them with a clear message. */
export interface PointerType {
  readonly kind: 'pointer';
  readonly reference: boolean;
  readonly to: TypeRef;
  readonly pos: Pos;
}

// ---- declarations -----------------------------------------------------------------------

/** [1, 2, 3(0)] with repetition count(value), or (a := 1, b := T#1s) for structs. */
export type Initializer = Expr | ArrayInit | StructInit;
export interface ArrayInit {
  readonly kind: 'arrayInit';
  readonly items: readonly { readonly count: Expr | null; readonly value: Initializer | null; readonly pos: Pos }[];
  readonly pos: Pos;
}
export interface StructInit {
  readonly kind: 'structInit';
  readonly fields: readonly { readonly name: string; readonly value: Initializer; readonly pos: Pos }[];
  readonly pos: Pos;
}

/** `a, b AT %IX0.0 : INT := 5;` (AT only with one name) */
export interface VarDecl {
  readonly names: readonly { readonly name: string; readonly pos: Pos }[];
  /** Located address without spaces, as written: `%IX0.0`, `%QD4`, `%MW10`; null when absent. */
  readonly at: string | null;
  readonly type: TypeRef;
  readonly init: Initializer | null;
  readonly pos: Pos;
}

export type VarSection = 'VAR' | 'VAR_INPUT' | 'VAR_OUTPUT' | 'VAR_IN_OUT' | 'VAR_TEMP' | 'VAR_GLOBAL' | 'VAR_EXTERNAL' | 'VAR_STAT' | 'VAR_INST';

export interface VarBlock {
  readonly section: VarSection;
  readonly constant: boolean;
  readonly retain: boolean;
  readonly persistent: boolean;
  readonly decls: readonly VarDecl[];
  readonly pos: Pos;
}

export interface Pou {
  readonly kind: 'program' | 'functionBlock' | 'function';
  readonly name: string;
  readonly pos: Pos;
  /** FUNCTION f : INT -> the INT; null for PROGRAM, FUNCTION_BLOCK and a function without one. */
  readonly returnType: TypeRef | null;
  /** FUNCTION_BLOCK B EXTENDS A: parsed so the checker can refuse it clearly. */
  readonly extends: string | null;
  readonly vars: readonly VarBlock[];
  readonly body: readonly Stmt[];
  /** Position of END_PROGRAM / END_FUNCTION_BLOCK / END_FUNCTION. */
  readonly end: Pos;
}

/** TYPE name : <def> [:= init]; END_TYPE (one TYPE block may hold several; each is one TypeDecl). */
export interface TypeDecl {
  readonly kind: 'type';
  readonly name: string;
  readonly pos: Pos;
  readonly def: TypeRef | StructDef;
  readonly init: Initializer | null;
}
export interface StructDef {
  readonly kind: 'struct';
  readonly fields: readonly VarDecl[];
  readonly pos: Pos;
}

/** Top-level VAR_GLOBAL ... END_VAR (a global variable list; TwinCAT's .TcGVL). */
export interface GlobalVars {
  readonly kind: 'globals';
  /** The list's name when it has one (TcGVL name; `{attribute 'qualified_only'}` is not enforced). */
  readonly name: string | null;
  readonly blocks: readonly VarBlock[];
  readonly pos: Pos;
}

/** A POU in a language other than ST (from an import): the checker reports it by name. */
export interface ForeignPou {
  readonly kind: 'foreign';
  readonly name: string;
  readonly language: string;
  readonly pos: Pos;
}

export type TopItem = Pou | TypeDecl | GlobalVars | ForeignPou;

export interface CompilationUnit {
  readonly file: string;
  readonly items: readonly TopItem[];
}

// ---- statements -------------------------------------------------------------------------

export type Stmt = AssignStmt | CallStmt | IfStmt | CaseStmt | ForStmt | WhileStmt | RepeatStmt | SimpleStmt;

export interface AssignStmt {
  readonly kind: 'assign';
  readonly target: Expr;
  readonly value: Expr;
  readonly pos: Pos;
}
/** A call as a statement: an FB instance call `t1(IN := x, PT := T#1s);` or a function call. */
export interface CallStmt {
  readonly kind: 'call';
  readonly call: CallExpr;
  readonly pos: Pos;
}
export interface IfStmt {
  readonly kind: 'if';
  /** IF and each ELSIF, in order. */
  readonly branches: readonly { readonly cond: Expr; readonly body: readonly Stmt[]; readonly pos: Pos }[];
  readonly otherwise: readonly Stmt[] | null;
  readonly pos: Pos;
}
export type CaseLabel = { readonly kind: 'value'; readonly value: Expr } | { readonly kind: 'range'; readonly lo: Expr; readonly hi: Expr };
export interface CaseStmt {
  readonly kind: 'case';
  readonly selector: Expr;
  readonly cases: readonly { readonly labels: readonly CaseLabel[]; readonly body: readonly Stmt[]; readonly pos: Pos }[];
  readonly otherwise: readonly Stmt[] | null;
  readonly pos: Pos;
}
export interface ForStmt {
  readonly kind: 'for';
  readonly variable: string;
  readonly variablePos: Pos;
  readonly from: Expr;
  readonly to: Expr;
  readonly by: Expr | null;
  readonly body: readonly Stmt[];
  readonly pos: Pos;
}
export interface WhileStmt {
  readonly kind: 'while';
  readonly cond: Expr;
  readonly body: readonly Stmt[];
  readonly pos: Pos;
}
export interface RepeatStmt {
  readonly kind: 'repeat';
  readonly body: readonly Stmt[];
  readonly until: Expr;
  readonly pos: Pos;
}
/** EXIT; CONTINUE; RETURN; and the empty statement `;`. */
export interface SimpleStmt {
  readonly kind: 'exit' | 'continue' | 'return' | 'empty';
  readonly pos: Pos;
}

// ---- expressions ------------------------------------------------------------------------

export type Expr =
  | IntLiteral
  | RealLiteral
  | BoolLiteral
  | DurationLiteral
  | DateLiteral
  | StringLiteral
  | TypedNameLiteral
  | NameExpr
  | MemberExpr
  | IndexExpr
  | BitExpr
  | CallExpr
  | UnaryExpr
  | BinaryExpr;

/** 42, 16#FF, 2#1010, 8#17, 1_000, INT#5, DINT#16#FF (typed: `type` is the prefix). */
export interface IntLiteral {
  readonly kind: 'int';
  readonly value: bigint;
  readonly type: string | null;
  readonly pos: Pos;
}
/** 1.5, 1.0E-3, REAL#1.5, LREAL#2 (a typed integer-looking real is still a RealLiteral). */
export interface RealLiteral {
  readonly kind: 'real';
  readonly value: number;
  readonly type: string | null;
  readonly pos: Pos;
}
/** TRUE, FALSE, BOOL#1, BOOL#0 */
export interface BoolLiteral {
  readonly kind: 'bool';
  readonly value: boolean;
  readonly pos: Pos;
}
/** T#1s500ms, TIME#-2.5s, LTIME#1h, t#100ms, T#1d2h: the value in nanoseconds. */
export interface DurationLiteral {
  readonly kind: 'duration';
  readonly ns: bigint;
  readonly long: boolean;
  readonly pos: Pos;
}
/** D#2024-01-31, TOD#12:30:15.5, DT#2024-01-31-12:30:15: the value in ms since 1970 (DATE, DT) or since midnight (TOD). */
export interface DateLiteral {
  readonly kind: 'date';
  readonly type: 'DATE' | 'TOD' | 'DT';
  readonly ms: bigint;
  readonly pos: Pos;
}
/** 'single' (STRING, with $-escapes resolved: $N, $L, $R, $T, $$, $', $hh) or "double" (WSTRING). */
export interface StringLiteral {
  readonly kind: 'string';
  readonly value: string;
  readonly wide: boolean;
  readonly pos: Pos;
}
/** Color#Red: an enumeration value qualified by its type. */
export interface TypedNameLiteral {
  readonly kind: 'typedName';
  readonly type: string;
  readonly name: string;
  readonly pos: Pos;
}
export interface NameExpr {
  readonly kind: 'name';
  readonly name: string;
  readonly pos: Pos;
}
/** a.b (struct field, FB instance input/output, GVL-qualified global) */
export interface MemberExpr {
  readonly kind: 'member';
  readonly object: Expr;
  readonly member: string;
  readonly pos: Pos;
}
/** a[i, j] */
export interface IndexExpr {
  readonly kind: 'index';
  readonly object: Expr;
  readonly indices: readonly Expr[];
  readonly pos: Pos;
}
/** w.3 : bit access with a literal bit number. */
export interface BitExpr {
  readonly kind: 'bit';
  readonly object: Expr;
  readonly bit: number;
  readonly pos: Pos;
}
/**
 * One argument: positional (`name` null), formal input (`IN := x`), formal output (`Q => y`),
 * or negated output (`NOT Q => y`).
 */
export interface CallArg {
  readonly name: string | null;
  readonly output: boolean;
  readonly negated: boolean;
  /** For an output argument the target (an lvalue); null for `Q =>` with nothing after it. */
  readonly value: Expr | null;
  readonly pos: Pos;
}
/** f(1, 2), ton1(IN := x), MAX(a, b), TEST_FINISHED() */
export interface CallExpr {
  readonly kind: 'call';
  readonly callee: Expr;
  readonly args: readonly CallArg[];
  readonly pos: Pos;
}
export interface UnaryExpr {
  readonly kind: 'unary';
  readonly op: '-' | '+' | 'NOT';
  readonly operand: Expr;
  readonly pos: Pos;
}
/** `&` is parsed as 'AND'; `AND_THEN`/`OR_ELSE` (CODESYS) as short-circuit 'AND_THEN'/'OR_ELSE'. */
export type BinaryOp = '+' | '-' | '*' | '/' | 'MOD' | '**' | 'AND' | 'OR' | 'XOR' | 'AND_THEN' | 'OR_ELSE' | '=' | '<>' | '<' | '<=' | '>' | '>=';
export interface BinaryExpr {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly pos: Pos;
}
