// The ST parser on its own: source text in, AST shape and syntax diagnostics out. Expressions
// are compared in a compact printed form (`(a + (b * c))`) so precedence reads at a glance;
// errors are compared as `line:col message`, exactly as the compiler prints them.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CallExpr, CaseStmt, Expr, ForStmt, GlobalVars, IfStmt, Pou, Stmt, TopItem, TypeDecl, VarDecl } from '../../plc-adapters/st/ast.ts';
import { tokenize } from '../../plc-adapters/st/lexer.ts';
import { parseSt } from '../../plc-adapters/st/parser.ts';

/** An expression as text, every binary and unary node parenthesized. */
function show(e: Expr | null): string {
  if (e === null) return 'null';
  switch (e.kind) {
    case 'int':
      return `${e.type ? `${e.type}#` : ''}${e.value}`;
    case 'real':
      return `${e.type ? `${e.type}#` : ''}${e.value}r`;
    case 'bool':
      return e.value ? 'TRUE' : 'FALSE';
    case 'duration':
      return `${e.long ? 'LT' : 'T'}(${e.ns}ns)`;
    case 'date':
      return `${e.type}(${e.ms}ms)`;
    case 'string':
      return `${e.wide ? 'w' : ''}${JSON.stringify(e.value)}`;
    case 'typedName':
      return `${e.type}#${e.name}`;
    case 'name':
      return e.name;
    case 'member':
      return `${show(e.object)}.${e.member}`;
    case 'bit':
      return `${show(e.object)}.%${e.bit}`;
    case 'index':
      return `${show(e.object)}[${e.indices.map(show).join(', ')}]`;
    case 'call':
      return `${show(e.callee)}(${e.args.map((a) => `${a.negated ? 'NOT ' : ''}${a.name === null ? '' : `${a.name}${a.output ? ' => ' : ' := '}`}${show(a.value)}`.trimEnd()).join(', ')})`;
    case 'unary':
      return `(${e.op} ${show(e.operand)})`;
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
  }
}

const at = (p: { line: number; col: number }): string => `${p.line}:${p.col}`;

function parse(text: string, file = 'test.st'): ReturnType<typeof parseSt> {
  return parseSt({ file, text });
}

/** Parses and requires no diagnostics. */
function clean(text: string): TopItem[] {
  const r = parse(text);
  assert.equal(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`), [], 'no diagnostics expected');
  return [...r.unit.items];
}

/** `line:col message` of every diagnostic. */
function errors(text: string): string[] {
  const r = parse(text);
  for (const d of r.diagnostics) {
    assert.is(d.code, 'ST_SYNTAX');
    assert.is(d.severity, 'error');
  }
  return r.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`);
}

/** The body of `PROGRAM P ... END_PROGRAM` around `body`. */
function body(text: string, vars = ''): Stmt[] {
  const [p] = clean(`PROGRAM P\n${vars}\n${text}\nEND_PROGRAM\n`);
  return [...(p as Pou).body];
}

/** One expression, parsed as the right side of an assignment. */
function expr(text: string): Expr {
  const [s] = body(`x := ${text};`);
  assert.is(s?.kind, 'assign');
  return (s as Extract<Stmt, { kind: 'assign' }>).value;
}

function decls(text: string): VarDecl[] {
  const [p] = clean(`PROGRAM P\nVAR\n${text}\nEND_VAR\nEND_PROGRAM\n`);
  return [...((p as Pou).vars[0]?.decls ?? [])];
}

const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (k === 'pos' ? undefined : typeof x === 'bigint' ? `${x}n` : x)));

// ---- lexer -----------------------------------------------------------------------------------

test('keywords are case-insensitive and never eat a longer identifier', () => {
  const names = tokenize('if If IF IFX END_IFX TON1 end_if VAR_INPUTS Or_Else').tokens.map((t) => `${t.tokenType.name}:${t.image}`);
  assert.equal(names, ['IF:if', 'IF:If', 'IF:IF', 'Identifier:IFX', 'Identifier:END_IFX', 'Identifier:TON1', 'END_IF:end_if', 'Identifier:VAR_INPUTS', 'OR_ELSE:Or_Else']);
  const [s] = body('if x then Y := 1; elsif TRUE then ; else y := 2; end_if');
  assert.is(s?.kind, 'if');
});

test('comments (nested (* *), //, /* */) and pragmas are skipped', () => {
  const [p] = clean(`{attribute 'qualified_only'}
PROGRAM P (* outer (* inner *) still comment *)
// line comment END_PROGRAM
/* block
   comment */ x := 1; { pragma }
END_PROGRAM`);
  assert.is((p as Pou).body.length, 1);
  assert.is(at((p as Pou).body[0]!.pos), '5:15');
});

test('lexical errors: unexpected character, unterminated comment, string and pragma', () => {
  assert.equal(errors('PROGRAM P\nx := 1 $ 2;\nEND_PROGRAM'), ["2:8 unexpected character '$'"]);
  assert.equal(errors("PROGRAM P\ns := 'abc;\nEND_PROGRAM"), ['2:6 unterminated string']);
  assert.equal(errors('PROGRAM P\nEND_PROGRAM\n(* open (* nested *)\n'), ['3:1 unterminated comment']);
  assert.equal(errors('PROGRAM P\nEND_PROGRAM\n{ never closed'), ['3:1 unterminated pragma']);
});

// ---- top level -------------------------------------------------------------------------------

test('PROGRAM, FUNCTION_BLOCK and FUNCTION: names, positions, header parts', () => {
  const items = clean(`PROGRAM Main
END_PROGRAM
FUNCTION_BLOCK PUBLIC FINAL FB_Motor EXTENDS FB_Base IMPLEMENTS I_Run, I_Stop
VAR_INPUT run : BOOL; END_VAR
END_FUNCTION_BLOCK
FUNCTION Scale : REAL
VAR_INPUT x : INT; END_VAR
Scale := x * 2.0;
END_FUNCTION
function NoType
end_function`) as Pou[];
  assert.equal(
    items.map((p) => `${p.kind} ${p.name} @${at(p.pos)} end@${at(p.end)} ret=${p.returnType?.kind ?? null} ext=${p.extends}`),
    [
      'program Main @1:9 end@2:1 ret=null ext=null',
      'functionBlock FB_Motor @3:29 end@5:1 ret=null ext=FB_Base',
      'function Scale @6:10 end@9:1 ret=named ext=null',
      'function NoType @10:10 end@11:1 ret=null ext=null',
    ],
  );
  assert.is(items[0]!.pos.file, 'test.st');
});

test('TYPE block: one TypeDecl per name (struct, enum with base, subrange, alias, array)', () => {
  const items = clean(`TYPE
  Point : STRUCT x : INT; y : INT := 2; END_STRUCT
  Color : (Red, Green := 5, Blue) INT := Green;
  Percent : INT (0..100) := 5;
  Speed : REAL;
  Row : ARRAY[1..3] OF INT := [1, 2, 3];
  Packed : STRUCT a : BOOL; END_STRUCT;
END_TYPE`) as TypeDecl[];
  assert.equal(
    items.map((t) => `${t.kind} ${t.name} ${t.def.kind}`),
    ['type Point struct', 'type Color enum', 'type Percent subrange', 'type Speed named', 'type Row array', 'type Packed struct'],
  );
  assert.equal(json(items[1]!.def), { kind: 'enum', values: [{ name: 'Red', value: null }, { name: 'Green', value: { kind: 'int', value: '5n', type: null } }, { name: 'Blue', value: null }], base: 'INT' });
  assert.is(show(items[1]!.init as Expr), 'Green');
  const point = items[0]!.def;
  assert.is(point.kind === 'struct' && point.fields.map((f) => f.names[0]?.name).join(','), 'x,y');
  assert.is(at(items[2]!.pos), '4:3');
});

test('top-level VAR_GLOBAL: consecutive blocks form one GlobalVars named after the file', () => {
  const r = parseSt({
    file: 'plc/GVL_Main.TcGVL',
    text: `VAR_GLOBAL
  speed : REAL;
END_VAR
VAR_GLOBAL CONSTANT
  N : INT := 10;
END_VAR
PROGRAM P END_PROGRAM
VAR_GLOBAL RETAIN PERSISTENT count : DINT; END_VAR`,
  });
  assert.equal(r.diagnostics, []);
  const [g1, , g2] = r.unit.items as [GlobalVars, Pou, GlobalVars];
  assert.is(g1.kind, 'globals');
  assert.is(g1.name, 'GVL_Main');
  assert.equal(
    g1.blocks.map((b) => `${b.section} constant=${b.constant}`),
    ['VAR_GLOBAL constant=false', 'VAR_GLOBAL constant=true'],
  );
  assert.is(at(g1.pos), '1:1');
  assert.equal([g2.blocks[0]!.retain, g2.blocks[0]!.persistent], [true, true]);
  const named = parseSt({ file: 'a.st', name: 'GVL', text: 'VAR_GLOBAL x : INT; END_VAR' });
  assert.is((named.unit.items[0] as GlobalVars).name, 'GVL');
});

test('CONFIGURATION is reported once and skipped; what follows is parsed', () => {
  const r = parse(`CONFIGURATION Cfg
  RESOURCE Res ON PLC
    TASK Fast(INTERVAL := T#10ms, PRIORITY := 1);
    PROGRAM Inst WITH Fast : Main;
  END_RESOURCE
END_CONFIGURATION
PROGRAM Main END_PROGRAM`);
  assert.equal(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`), ['1:1 CONFIGURATION is not supported; programs run in declaration order']);
  assert.equal(r.unit.items.map((i) => i.kind), ['program']);
});

// ---- declarations ---------------------------------------------------------------------------

test('every variable section, with qualifiers in any order', () => {
  const sections = ['VAR', 'VAR_INPUT', 'VAR_OUTPUT', 'VAR_IN_OUT', 'VAR_TEMP', 'VAR_GLOBAL', 'VAR_EXTERNAL', 'VAR_STAT', 'VAR_INST'];
  const [p] = clean(`FUNCTION_BLOCK F\n${sections.map((s) => `${s} a : INT; END_VAR`).join('\n')}\nVAR PERSISTENT RETAIN CONSTANT k : INT := 1; END_VAR\nVAR NON_RETAIN n : INT; END_VAR\nEND_FUNCTION_BLOCK`);
  const blocks = (p as Pou).vars;
  assert.equal(
    blocks.map((b) => b.section),
    [...sections, 'VAR', 'VAR'],
  );
  const k = blocks[9]!;
  assert.equal([k.constant, k.retain, k.persistent], [true, true, true]);
  assert.equal([blocks[10]!.retain, blocks[0]!.constant], [false, false]);
  assert.is(at(blocks[1]!.pos), '3:1');
});

test('declarations: several names, AT addresses, FB instances, strings, pointers', () => {
  const d = decls(`a, b : INT;
  x AT %IX0.0 : BOOL;
  q AT %QD4 : DWORD;
  t : TON;
  s : STRING[20] := 'abc';
  s2 : STRING(20);
  w : WSTRING := "wide";
  s3 : STRING;
  p : POINTER TO INT;
  r : REFERENCE TO ARRAY[0..1] OF REAL;`);
  assert.equal(d[0]!.names.map((n) => `${n.name}@${at(n.pos)}`), ['a@3:1', 'b@3:4']);
  assert.equal([d[1]!.at, d[2]!.at, d[3]!.at], ['%IX0.0', '%QD4', null]);
  assert.equal(json(d[3]!.type), { kind: 'named', name: 'TON' });
  assert.equal(json(d[4]!.type), { kind: 'string', wide: false, length: { kind: 'int', value: '20n', type: null } });
  assert.is(show(d[4]!.init as Expr), '"abc"');
  assert.equal(json(d[5]!.type), { kind: 'string', wide: false, length: { kind: 'int', value: '20n', type: null } });
  assert.equal(json(d[6]!.type), { kind: 'string', wide: true, length: null });
  assert.equal(json(d[7]!.type), { kind: 'string', wide: false, length: null });
  assert.equal(json(d[8]!.type), { kind: 'pointer', reference: false, to: { kind: 'named', name: 'INT' } });
  const r = d[9]!.type;
  assert.ok(r.kind === 'pointer' && r.reference && r.to.kind === 'array');
});

test('arrays: constant-expression bounds, several dimensions, repetition initializers', () => {
  const d = decls(`m : ARRAY[1..10, 0..N-1] OF INT := [1, 2, 3(0), 2(), -4];
  nested : ARRAY[0..1] OF ARRAY[0..1] OF INT := [[1, 2], [3, 4]];`);
  const t = d[0]!.type;
  assert.ok(t.kind === 'array');
  assert.equal(
    t.dims.map((x) => `${show(x.lo)}..${show(x.hi)}`),
    ['1..10', '0..(N - 1)'],
  );
  const init = d[0]!.init;
  assert.ok(init?.kind === 'arrayInit');
  assert.equal(
    init.items.map((i) => `${i.count === null ? '' : `${show(i.count)}*`}${i.value === null ? '()' : show(i.value as Expr)}`),
    ['1', '2', '3*0', '2*()', '(- 4)'],
  );
  const nested = d[1]!;
  assert.ok(nested.type.kind === 'array' && nested.type.of.kind === 'array');
  assert.is(nested.init?.kind === 'arrayInit' && nested.init.items[1]?.value?.kind, 'arrayInit');
});

test('structure initializers, nested, and arrays of them; subranges and inline enums', () => {
  const d = decls(`p : POINT := (x := 1, y := 2);
  l : LINE := (a := (x := 1, y := 2), b := (x := 3));
  ps : ARRAY[1..2] OF POINT := [(x := 1), (x := 2)];
  paren : INT := (1 + 2) * 3;
  r : INT (0..100) := 5;
  c : (Red, Green := 5, Blue) := Red;`);
  assert.equal(json(d[0]!.init), { kind: 'structInit', fields: [{ name: 'x', value: { kind: 'int', value: '1n', type: null } }, { name: 'y', value: { kind: 'int', value: '2n', type: null } }] });
  const l = d[1]!.init;
  assert.ok(l?.kind === 'structInit' && l.fields[0]?.value.kind === 'structInit');
  const ps = d[2]!.init;
  assert.ok(ps?.kind === 'arrayInit' && ps.items.every((i) => i.value?.kind === 'structInit'));
  assert.is(show(d[3]!.init as Expr), '((1 + 2) * 3)');
  assert.equal(json(d[4]!.type), { kind: 'subrange', base: 'INT', lo: { kind: 'int', value: '0n', type: null }, hi: { kind: 'int', value: '100n', type: null } });
  const c = d[5]!.type;
  assert.ok(c.kind === 'enum' && c.base === null);
  assert.equal(
    c.values.map((v) => `${v.name}=${show(v.value)}@${at(v.pos)}`),
    ['Red=null@8:8', 'Green=5@8:13', 'Blue=null@8:25'],
  );
});

// ---- statements ------------------------------------------------------------------------------

test('assignments and call statements, with their positions', () => {
  const s = body(`  a.b[i, j].c := 1;
  fb(IN := x, PT := T#1s, Q => y);
  f(1, 2);
  fb();
  inst.Reset();`);
  assert.equal(
    s.map((x) => `${x.kind}@${at(x.pos)}`),
    ['assign@3:3', 'call@4:3', 'call@5:3', 'call@6:3', 'call@7:3'],
  );
  const a = s[0] as Extract<Stmt, { kind: 'assign' }>;
  assert.is(show(a.target), 'a.b[i, j].c');
  const calls = s.slice(1).map((x) => (x as Extract<Stmt, { kind: 'call' }>).call);
  assert.equal(calls.map(show), ['fb(IN := x, PT := T(1000000000ns), Q => y)', 'f(1, 2)', 'fb()', 'inst.Reset()']);
  assert.is(at(calls[3]!.pos), '7:3');
});

test('call arguments: formal input, output, negated output, unassigned output, positional', () => {
  const c = expr('f(IN := TRUE, Q => q, NOT Q2 => nq, ET =>, 3 + 4, other)') as CallExpr;
  assert.equal(
    c.args.map((a) => [a.name, a.output, a.negated, show(a.value), at(a.pos)]),
    [
      ['IN', false, false, 'TRUE', '3:8'],
      ['Q', true, false, 'q', '3:20'],
      ['Q2', true, true, 'nq', '3:28'],
      ['ET', true, false, 'null', '3:42'],
      [null, false, false, '(3 + 4)', '3:49'],
      [null, false, false, 'other', '3:56'],
    ],
  );
});

test('IF / ELSIF / ELSE with branch positions; END_IF; takes its optional semicolon', () => {
  const s = body(`IF a THEN x := 1;
ELSIF b THEN x := 2; y := 3;
ELSIF c THEN
ELSE x := 4;
END_IF;
IF d THEN ; END_IF`);
  assert.equal(s.map((x) => x.kind), ['if', 'if']);
  const i = s[0] as IfStmt;
  assert.equal(
    i.branches.map((b) => `${show(b.cond)}@${at(b.pos)}:${b.body.length}`),
    ['a@3:1:1', 'b@4:1:2', 'c@5:1:0'],
  );
  assert.is(i.otherwise?.length, 1);
  assert.equal((s[1] as IfStmt).branches[0]!.body.map((x) => x.kind), ['empty']);
  assert.is((s[1] as IfStmt).otherwise, null);
});

test('CASE: integer, range, negative, enum, typed and constant labels, ELSE', () => {
  const s = body(`CASE sel OF
  1, 2: x := 1;
  3..5, 7: x := 2; y := 1;
  -1, -10..-5: x := 3;
  Red: x := 4;
  Color#Green, Blue: x := 5;
  GVL.MaxSteps: x := 6; 16#FF: x := 7;
ELSE
  x := 0;
END_CASE`);
  const c = s[0] as CaseStmt;
  assert.is(show(c.selector), 'sel');
  assert.equal(
    c.cases.map((k) => `${k.labels.map((l) => (l.kind === 'range' ? `${show(l.lo)}..${show(l.hi)}` : show(l.value))).join(',')}@${at(k.pos)}:${k.body.length}`),
    ['1,2@4:3:1', '3..5,7@5:3:2', '(- 1),(- 10)..(- 5)@6:3:1', 'Red@7:3:1', 'Color#Green,Blue@8:3:1', 'GVL.MaxSteps@9:3:1', '255@9:25:1'],
  );
  assert.is(c.otherwise?.length, 1);
});

test('FOR (with and without BY), WHILE, REPEAT', () => {
  const s = body(`FOR i := 0 TO N - 1 BY 2 DO a[i] := i; END_FOR
FOR k := 10 TO 1 DO END_FOR;
WHILE x < 10 DO x := x + 1; END_WHILE
REPEAT x := x - 1; UNTIL x <= 0 END_REPEAT;`);
  const f = s[0] as ForStmt;
  assert.equal([f.variable, at(f.variablePos), show(f.from), show(f.to), show(f.by), f.body.length, at(f.pos)], ['i', '3:5', '0', '(N - 1)', '2', 1, '3:1']);
  assert.is((s[1] as ForStmt).by, null);
  assert.equal(s.map((x) => x.kind), ['for', 'for', 'while', 'repeat']);
  const r = s[3] as Extract<Stmt, { kind: 'repeat' }>;
  assert.equal([r.body.length, show(r.until)], [1, '(x <= 0)']);
});

test('EXIT, CONTINUE, RETURN and the empty statement', () => {
  const s = body(`WHILE TRUE DO EXIT; CONTINUE; END_WHILE
RETURN;
;`);
  const w = s[0] as Extract<Stmt, { kind: 'while' }>;
  assert.equal(w.body.map((x) => x.kind), ['exit', 'continue']);
  assert.equal(s.slice(1).map((x) => `${x.kind}@${at(x.pos)}`), ['return@4:1', 'empty@5:1']);
});

// ---- expressions -----------------------------------------------------------------------------

test('precedence follows IEC 61131-3 Table 71', () => {
  assert.is(show(expr('a OR b XOR c AND d = e < f + g * h ** i')), '(a OR (b XOR (c AND (d = (e < (f + (g * (h ** i))))))))');
  assert.is(show(expr('a ** b * c + d < e = f AND g XOR h OR i')), '((((((((a ** b) * c) + d) < e) = f) AND g) XOR h) OR i)');
  assert.is(show(expr('a <> b >= c')), '(a <> (b >= c))');
  assert.is(show(expr('a + b MOD c / d')), '(a + ((b MOD c) / d))');
  assert.is(show(expr('(a OR b) AND c')), '((a OR b) AND c)');
});

test('binary operators are left-associative, ** too; unary binds tighter than **', () => {
  assert.is(show(expr('a - b - c')), '((a - b) - c)');
  assert.is(show(expr('a / b * c')), '((a / b) * c)');
  assert.is(show(expr('2 ** 3 ** 2')), '((2 ** 3) ** 2)');
  assert.is(show(expr('-2 ** 2')), '((- 2) ** 2)');
  assert.is(show(expr('a ** -b')), '(a ** (- b))');
  assert.is(show(expr('NOT a AND b')), '((NOT a) AND b)');
  assert.is(show(expr('NOT NOT a = b')), '((NOT (NOT a)) = b)');
  assert.is(show(expr('- -x + +y')), '((- (- x)) + (+ y))');
});

test('& is AND; AND_THEN and OR_ELSE keep their own operators and levels', () => {
  assert.is(show(expr('a & b OR c')), '((a AND b) OR c)');
  assert.is(show(expr('a OR_ELSE b AND_THEN c')), '(a OR_ELSE (b AND_THEN c))');
  assert.is(show(expr('a AND_THEN b OR c')), '((a AND_THEN b) OR c)');
});

test('postfix chains: members, indices, bits, calls', () => {
  assert.is(show(expr('a.b[i, j].c')), 'a.b[i, j].c');
  assert.is(show(expr('w.3 AND GVL.flags.15')), '(w.%3 AND GVL.flags.%15)');
  assert.is(show(expr('MAX(a, b, c) + f() + g(x).y + arr[i + 1][2]')), '(((MAX(a, b, c) + f()) + g(x).y) + arr[(i + 1)][2])');
  assert.is(show(expr('inst(IN := TRUE).Q')), 'inst(IN := TRUE).Q');
});

test('expression positions: operator, name, member, index, call, unary', () => {
  const e = expr('aa + bb.cc * dd[1]');
  assert.ok(e.kind === 'binary');
  assert.is(at(e.pos), '3:9');
  assert.is(at(e.left.pos), '3:6');
  const r = e.right;
  assert.ok(r.kind === 'binary' && r.left.kind === 'member' && r.right.kind === 'index');
  assert.equal([at(r.pos), at(r.left.pos), at(r.left.object.pos), at(r.right.pos)], ['3:17', '3:14', '3:11', '3:21']);
  const c = expr('  NOT f.g(1)');
  assert.ok(c.kind === 'unary' && c.operand.kind === 'call');
  assert.equal([at(c.pos), at(c.operand.pos)], ['3:8', '3:12']);
});

// ---- literals --------------------------------------------------------------------------------

test('integers: decimal, underscores, bases, exact 64-bit values', () => {
  assert.equal(
    ['42', '1_000', '16#FF_FF', '8#17', '2#1010_0101', '16#FFFF_FFFF_FFFF_FFFF', '16#ff'].map((t) => show(expr(t))),
    ['42', '1000', '65535', '15', '165', '18446744073709551615', '255'],
  );
  const e = expr('16#FFFF_FFFF_FFFF_FFFF');
  assert.ok(e.kind === 'int' && e.value === 0xffff_ffff_ffff_ffffn && e.type === null);
});

test('typed literals: INT#5, DINT#16#FF, signs after #, REAL#, LREAL#2, BOOL#', () => {
  assert.equal(
    ['INT#5', 'DINT#16#FF', 'INT#-5', 'SINT#-128', 'UINT#+7', 'REAL#1.5', 'LREAL#2', 'lreal#-1.0E3', 'BOOL#1', 'BOOL#0', 'BOOL#TRUE', 'bool#false'].map((t) => show(expr(t))),
    ['INT#5', 'DINT#255', 'INT#-5', 'SINT#-128', 'UINT#7', 'REAL#1.5r', 'LREAL#2r', 'lreal#-1000r', 'TRUE', 'FALSE', 'TRUE', 'FALSE'],
  );
  const r = expr('LREAL#2');
  assert.ok(r.kind === 'real' && r.value === 2 && r.type === 'LREAL');
});

test('reals and booleans', () => {
  assert.equal(
    ['1.5', '1.0E-3', '3E5', '1e5', '1_000.5', '0.25e+2', 'TRUE', 'false'].map((t) => show(expr(t))),
    ['1.5r', '0.001r', '300000r', '100000r', '1000.5r', '25r', 'TRUE', 'FALSE'],
  );
});

test('durations: units, fractions exact to the nanosecond, sign, LTIME', () => {
  const ns = (t: string): string => {
    const e = expr(t);
    assert.ok(e.kind === 'duration');
    return `${e.ns}${e.long ? ' long' : ''}`;
  };
  assert.equal(
    ['T#1s500ms', 't#1.5s', 'TIME#-2s', 'T#1d2h3m4s5ms6us7ns', 'T#100ms', 'LTIME#1h', 'LT#5us', 'T#1s_500ms', 'T#0.5ms', 'TIME#1_000ms', 'T#1M', 'T#2.25h'].map(ns),
    ['1500000000', '1500000000', '-2000000000', '93784005006007', '100000000', '3600000000000 long', '5000 long', '1500000000', '500000', '1000000000', '60000000000', '8100000000000'],
  );
});

test('dates, times of day and dates with time', () => {
  assert.equal(
    ['D#2024-01-31', 'DATE#1970-01-01', 'd#2000-02-29', 'TOD#12:30:15.5', 'TIME_OF_DAY#00:00:01', 'DT#2024-01-31-12:30:15', 'DATE_AND_TIME#1970-01-02-00:00:00.250'].map((t) => show(expr(t))),
    ['DATE(1706659200000ms)', 'DATE(0ms)', 'DATE(951782400000ms)', 'TOD(45015500ms)', 'TOD(1000ms)', 'DT(1706704215000ms)', 'DT(86400250ms)'],
  );
});

test("strings: $-escapes, wide strings, typed names", () => {
  assert.is(show(expr("'a$Nb$L$R$T$P$$$'$41'")), JSON.stringify("a\nb\n\r\t\f$'A"));
  assert.is(show(expr("'say \"hi\"'")), JSON.stringify('say "hi"'));
  assert.is(show(expr('"w$"$0041$$"')), `w${JSON.stringify('w"A$')}`);
  assert.is(show(expr("''")), '""');
  assert.equal(json(expr('Color#Red')), { kind: 'typedName', type: 'Color', name: 'Red' });
});

// ---- errors and recovery ---------------------------------------------------------------------

test('several syntax errors in one run, in order, with exact messages and positions', () => {
  const text = `PROGRAM Main
VAR
  x : INT;
  y : INT
  z : BOOL;
END_VAR
x := 1
IF x = 1 THEN
  y := (2 + ;
  y := 3
END_IF
FOR i = 1 TO 10 DO x := x + i; END_FOR
WHILE x > 0 x := x - 1; END_WHILE
x = 3;
IF x THEN
  y := 1;
END_PROGRAM`;
  assert.equal(errors(text), [
    "5:3 expected ';' after the declaration, found 'z'",
    "8:1 expected ';' after the statement, found 'IF'",
    "9:13 expected an expression, found ';'",
    "11:1 expected ';' after the statement, found 'END_IF'",
    "12:7 expected ':=' after the FOR variable, found '='",
    "13:13 expected DO, found 'x'",
    "14:3 expected ':=' after 'x', found '='",
    '17:1 expected END_IF to close the IF at 15:1, found \'END_PROGRAM\'',
  ]);
});

test('recovery: a bad statement or POU does not hide the errors after it', () => {
  const r = parse(`garbage here;
PROGRAM A
VAR x : INT;
x := 1;
PROGRAM B
x := 1; )
y := 2 +* 3;
END_FOR
z := 1;
END_PROGRAM
FUNCTION_BLOCK FB
f(a, , b);
END_FUNCTION_BLOCK
FUNCTION F : INT
F := 1;`);
  assert.equal(
    r.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`),
    [
      "1:1 expected PROGRAM, FUNCTION_BLOCK, FUNCTION, TYPE or VAR_GLOBAL, found 'garbage'",
      "4:1 expected END_VAR to close the VAR at 3:1, found 'x'",
      "5:1 expected END_PROGRAM to close the PROGRAM at 2:1, found 'PROGRAM'",
      "6:9 expected a statement, found ')'",
      "7:9 expected an expression, found '*'",
      "8:1 expected a statement, found 'END_FOR'",
      "12:6 expected an argument, found ','",
      '15:8 expected END_FUNCTION to close the FUNCTION at 14:1, found end of file',
    ],
  );
  assert.equal(r.unit.items.map((i) => `${i.kind} ${(i as Pou).name}`), ['program A', 'program B', 'functionBlock FB', 'function F']);
  assert.equal((r.unit.items[1] as Pou).body.map((s) => s.kind), ['assign', 'assign', 'assign']);
});

test('missing and wrong closers: named after the block they should close', () => {
  assert.equal(errors('PROGRAM P\nFOR i := 1 TO 3 DO\n  IF b THEN x := 1;\nEND_FOR\nEND_PROGRAM'), ["4:1 expected END_IF to close the IF at 3:3, found 'END_FOR'"]);
  assert.equal(errors('PROGRAM P\nWHILE b DO x := 1; END_FOR\ny := 2;\nEND_PROGRAM'), ["2:20 expected END_WHILE to close the WHILE at 2:1, found 'END_FOR'"]);
  assert.equal(errors('PROGRAM P\nREPEAT x := 1; END_REPEAT\nEND_PROGRAM'), ["2:16 expected UNTIL in the REPEAT at 2:1, found 'END_REPEAT'"]);
  assert.equal(errors('TYPE S : STRUCT a : INT; END_TYPE'), ["1:26 expected END_STRUCT to close the STRUCT at 1:10, found 'END_TYPE'"]);
  assert.equal(errors('PROGRAM P\nEND_FUNCTION'), ["2:1 expected END_PROGRAM to close the PROGRAM at 1:1, found 'END_FUNCTION'"]);
  assert.equal(errors('PROGRAM P\nCASE x 1: y := 1; END_CASE\nEND_PROGRAM'), ["2:8 expected OF, found '1'"]);
});

test('missing semicolons inside CASE stop at the next label; stray tokens are skipped line by line', () => {
  const r = parse('PROGRAM P\nCASE x OF 1: y := 1 2: y := 2; Red: y := 3 Blue: y := 4; END_CASE\nEND_PROGRAM');
  assert.equal(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`), ["2:21 expected ';' after the statement, found '2'", "2:44 expected ';' after the statement, found 'Blue'"]);
  const c = (r.unit.items[0] as Pou).body[0] as CaseStmt;
  assert.is(c.cases.length, 4);
});

test('malformed literals are reported at the literal', () => {
  assert.equal(errors("PROGRAM P\nx := 2#102 + T#5x + D#2024-13-01 + BOOL#2 + 'a$qb' + 8#9 + TOD#25:00:00;\nEND_PROGRAM"), [
    "2:6 invalid binary literal '2#102'",
    "2:14 invalid duration literal 'T#5x': expected a number and a unit (d, h, m, s, ms, us, ns) such as T#1s500ms",
    "2:21 invalid date literal 'D#2024-13-01': expected D#yyyy-mm-dd",
    "2:36 invalid BOOL literal 'BOOL#2': expected BOOL#0, BOOL#1, BOOL#TRUE or BOOL#FALSE",
    "2:45 invalid escape '$q' in a string: use $$, $', $N, $L, $R, $T, $P or $ and 2 hex digits",
    "2:54 invalid octal literal '8#9'",
    "2:60 invalid time of day literal 'TOD#25:00:00': expected TOD#hh:mm:ss[.fff]",
  ]);
});

test('source.lines maps positions and diagnostics into the original file', () => {
  const r = parseSt({ file: 'plc.xml', text: 'PROGRAM P\nx := 1\ny := 2;\nEND_PROGRAM', lines: [40, 41, 42, 43] });
  assert.equal(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}`), ['plc.xml:42:1']);
  const p = r.unit.items[0] as Pou;
  assert.equal([at(p.pos), at(p.end), at(p.body[1]!.pos), p.pos.file], ['40:9', '43:1', '42:1', 'plc.xml']);
});

test('never throws: every prefix of a program parses to diagnostics', () => {
  const text = `TYPE E : (A, B := 2) INT; S : STRUCT v : ARRAY[1..2] OF INT := [2(1)]; END_STRUCT END_TYPE
VAR_GLOBAL g : S := (v := [1, 2]); END_VAR
FUNCTION_BLOCK FB VAR_INPUT i : INT; END_VAR VAR_OUTPUT q : BOOL; END_VAR
q := i > 0 AND NOT (i MOD 2 = 0); END_FUNCTION_BLOCK
PROGRAM P VAR f : FB; t : TON; x : INT; END_VAR
f(i := x, q => ); t(IN := f.q, PT := T#1s);
CASE x OF 1..2, E#A: x := 0; ELSE FOR x := 0 TO 9 BY 1 DO IF x = 3 THEN EXIT; END_IF END_FOR END_CASE
REPEAT x := x + 1; UNTIL x > 5 END_REPEAT WHILE FALSE DO ; END_WHILE
END_PROGRAM`;
  assert.equal(parse(text).diagnostics, []);
  let withErrors = 0;
  for (let n = 0; n < text.length; n += 3) {
    const r = parse(text.slice(0, n));
    if (r.diagnostics.length > 0) withErrors++;
    for (const d of r.diagnostics) assert.ok(d.line >= 1 && d.col >= 1, `bad position in ${JSON.stringify(d)}`);
  }
  assert.ok(withErrors > 0);
});

test('the shared parser starts clean on every call', () => {
  const bad = parse('PROGRAM P\nx := ;\nEND_PROGRAM');
  assert.is(bad.diagnostics.length, 1);
  const good = parse('PROGRAM Q\nx := 1;\nEND_PROGRAM', 'other.st');
  assert.equal(good.diagnostics, []);
  assert.equal([good.unit.file, (good.unit.items[0] as Pou).name, (good.unit.items[0] as Pou).pos.file], ['other.st', 'Q', 'other.st']);
});

test.run();
