// Bad programs: each gets exactly one error, with its message and line:col as the compiler
// prints them (the first line of `twinloop check`). Messages are part of the interface: an engineer
// reads them in an editor's problem list, so a change here is a change users see.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileSt } from '../../plc-adapters/st/compile.ts';
import { formatDiagnostics } from '../../plc-adapters/st/diagnostics.ts';

const P = (body: string, vars = 'i : INT; r : REAL; b : BOOL; t : TON; a : ARRAY[1..3] OF INT; s : STRING[5]; tm : TIME; w : WORD; d : DINT;') => `PROGRAM MAIN\nVAR ${vars} END_VAR\n${body}\nEND_PROGRAM\n`;

const cases: [string, string][] = [
  ['real to int', P('i := r;')],
  ['typo', P('i := ii + 1;')],
  ['int to bool', P('b := i;')],
  ['const index', P('a[4] := 1;')],
  ['fb input', P('t(IN := TRUE, PX := T#1s);')],
  ['fb output write', P('t.Q := TRUE;')],
  ['if int', P('IF i THEN i := 1; END_IF;')],
  ['unknown fn', P('i := FOO(1);')],
  ['const range', P('i := 70000;')],
  ['exit outside', P('EXIT;')],
  ['int+bool', P('i := i + TRUE;')],
  ['unknown type', `PROGRAM MAIN\nVAR x : INTT; END_VAR\nEND_PROGRAM\n`],
  ['missing semicolon', P('i := 1\ni := 2;')],
  ['missing end_if', P('IF b THEN i := 1;')],
  ['dup var', `PROGRAM MAIN\nVAR x : INT; x : REAL; END_VAR\nEND_PROGRAM\n`],
  ['time plus int', P('tm := tm + 5;')],
  ['mod real', P('r := r MOD 2.0;')],
  ['assign constant', `PROGRAM MAIN\nVAR CONSTANT N : INT := 3; END_VAR\nN := 4;\nEND_PROGRAM\n`],
  ['fb as fn', P('i := TON(1);')],
  ['call non fb', P('i();')],
  ['args count', P('r := SQRT(r, r);')],
  ['dint to int', P('i := d;')],
  ['string to int', P("i := s;")],
  ['case label', P('CASE i OF b: i := 1; END_CASE;')],
  ['in_out missing', `FUNCTION_BLOCK FB VAR_IN_OUT x : INT; END_VAR x := x + 1; END_FUNCTION_BLOCK\nPROGRAM MAIN\nVAR f : FB; END_VAR\nf();\nEND_PROGRAM\n`],
  ['pointer', `PROGRAM MAIN\nVAR p : POINTER TO INT; END_VAR\nEND_PROGRAM\n`],
  ['for real', P('FOR r := 1 TO 10 DO END_FOR;')],
  ['bit out of range', P('b := w.16;')],
  ['struct field', `TYPE P : STRUCT x : INT; END_STRUCT END_TYPE\nPROGRAM MAIN\nVAR p : P; END_VAR\np.z := 1;\nEND_PROGRAM\n`],
  ['fb internal', P('b := t.running;')],
  ['enum mismatch', `TYPE C : (Red, Green); END_TYPE\nPROGRAM MAIN\nVAR c : C; i : INT; END_VAR\nc := 1;\nEND_PROGRAM\n`],
  ['unterminated string', P("s := 'abc;")],
  ['unknown char', P('i := 1 $ 2;')],
];

/** line:col and message of the one error each program must produce. */
const expected: Record<string, string> = {
  "real to int": "3:6 cannot assign REAL to INT (use REAL_TO_INT)",
  "typo": "3:6 unknown name ii; did you mean i?",
  "int to bool": "3:6 cannot assign INT to BOOL (use INT_TO_BOOL)",
  "const index": "3:3 index 4 is outside the array's bounds 1..3",
  "fb input": "3:15 TON has no input PX; did you mean PT?",
  "fb output write": "3:3 cannot assign: Q is an output of TON; it is written by the function block",
  "if int": "3:4 IF needs a BOOL condition, got INT",
  "unknown fn": "3:6 unknown function FOO",
  "const range": "3:6 the constant 70000 does not fit INT (-32768..32767)",
  "exit outside": "3:1 EXIT outside a loop",
  "int+bool": "3:8 '+' cannot combine INT and BOOL; convert one explicitly",
  "unknown type": "2:9 unknown type INTT; did you mean INT?",
  "missing semicolon": "4:1 expected ';' after the statement, found 'i'",
  "missing end_if": "4:1 expected END_IF to close the IF at 3:1, found 'END_PROGRAM'",
  "dup var": "2:14 x is declared twice in MAIN",
  "time plus int": "3:10 '+' is not defined for TIME and an integer (TIME takes TIME + TIME, TIME - TIME, TIME * number, TIME / number)",
  "mod real": "3:8 MOD needs integers, got REAL (IEC 61131-3 defines MOD for ANY_INT)",
  "assign constant": "3:1 cannot assign: N is a CONSTANT",
  "fb as fn": "3:6 TON is a function block type; declare an instance (inst : TON;) and call the instance",
  "call non fb": "3:1 i is of type INT, not a function block instance; it cannot be called",
  "args count": "3:6 SQRT takes 1 argument (IN), got 2",
  "dint to int": "3:6 cannot assign DINT to INT (use DINT_TO_INT)",
  "string to int": "3:6 cannot assign STRING[5] to INT (use STRING_TO_INT)",
  "case label": "3:11 a CASE label must be a constant",
  "in_out missing": "4:1 FB needs its VAR_IN_OUT x in every call",
  "pointer": "2:9 POINTER TO is not supported (use VAR_IN_OUT to pass a variable by reference)",
  "for real": "3:5 the FOR variable must be an integer, r is REAL",
  "bit out of range": "3:8 bit 16 does not exist in WORD (bits 0..15)",
  "struct field": "4:3 P has no field z",
  "fb internal": "3:8 running is internal to TON; only its inputs and outputs are visible outside",
  "enum mismatch": "4:6 cannot assign an integer to C; use one of its values (Red, Green)",
  "unterminated string": "3:6 unterminated string",
  "unknown char": "3:8 unexpected character '$'",
};

for (const [name, text] of cases) {
  test(`bad program: ${name}`, () => {
    const r = compileSt([{ file: 'bad.st', text }]);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    assert.is(r.program, null);
    assert.equal(errors.map((d) => `${d.line}:${d.col} ${d.message}`), [expected[name]]);
  });
}

test('all errors of a file come in one run, sorted, printed with the source line and a caret', () => {
  const text = 'PROGRAM MAIN\nVAR i : INT; r : REAL; END_VAR\ni := r;\ni := j;\nIF i THEN END_IF;\nEND_PROGRAM\n';
  const r = compileSt([{ file: 'many.st', text }]);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.equal(errors.map((d) => `${d.line}:${d.col}`), ['3:6', '4:6', '5:4']);
  const printed = formatDiagnostics(errors, () => text);
  assert.ok(printed.startsWith('many.st:3:6: error: cannot assign REAL to INT (use REAL_TO_INT)\n 3 | i := r;\n   |      ^'), printed);
});

test('syntax errors in several POUs are all reported (the parser recovers)', () => {
  const text = 'PROGRAM A\nVAR i : INT; END_VAR\ni := 1\nEND_PROGRAM\nPROGRAM B\nVAR j : INT; END_VAR\nj := (1 + ;\nEND_PROGRAM\n';
  const r = compileSt([{ file: 'two.st', text }]);
  const lines = r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.line);
  assert.ok(lines.includes(4) && lines.includes(7), JSON.stringify(r.diagnostics));
});

test('errors in two files name their own file', () => {
  const r = compileSt([
    { file: 'a.st', text: 'PROGRAM A\nVAR i : INT; END_VAR\ni := TRUE;\nEND_PROGRAM\n' },
    { file: 'b.st', text: 'PROGRAM B\nVAR r : REAL; END_VAR\nr := A.x;\nEND_PROGRAM\n' },
  ]);
  assert.equal(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`), ['a.st:3:6: cannot assign BOOL to INT (use BOOL_TO_INT)', 'b.st:3:8: program A has no variable x']);
});

test.run();
