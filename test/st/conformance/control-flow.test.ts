// Statements: IF/ELSIF/ELSE, CASE (lists, ranges, ELSE), FOR (BY, negative steps, the control
// variable afterwards), WHILE, REPEAT, EXIT, CONTINUE, RETURN, AND_THEN/OR_ELSE; lexical matters.

import { test } from 'uvu';
import { conf, confTrace, main, runSt, expectValues } from '../harness.ts';

// ---- IF ------------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. 7.3.3.3.2, Table 72 feature 4 (IF ... ELSIF ... ELSE ... END_IF: the first
// branch whose condition is TRUE runs, else the ELSE part).
const grade = (x: number): string => main(`x : INT := ${x}; g : INT;`, 'IF x > 90 THEN g := 1; ELSIF x > 50 THEN g := 2; ELSIF x > 50 THEN g := 99; ELSE g := 3; END_IF;');
conf('IF: first branch taken', grade(95), { 'MAIN.g': 1 });
conf('IF: the first true ELSIF is taken, later ones are not', grade(60), { 'MAIN.g': 2 });
conf('IF: ELSE when no condition holds', grade(10), { 'MAIN.g': 3 });
conf('IF without ELSE leaves the variable alone', main('x : INT := 5; y : INT := 7;', 'IF x > 10 THEN y := 0; END_IF;'), { 'MAIN.y': 7 });
conf('nested IF', main('a : BOOL := TRUE; b : BOOL; r : INT;', 'IF a THEN IF b THEN r := 1; ELSE r := 2; END_IF; ELSE r := 3; END_IF;'), { 'MAIN.r': 2 });

// ---- CASE ----------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. 7.3.3.3.3, Table 72 feature 5: case labels are values, lists (1, 2, 3) and
// subranges (lo..hi); ELSE when no label matches; no label matching and no ELSE: nothing runs.
const cs = (x: number): string =>
  main(
    `x : INT := ${x}; r : INT := -1;`,
    `CASE x OF
  1: r := 10;
  2, 3, 5: r := 20;
  6..9: r := 30;
  10..12, 20: r := 40;
  -5..-1: r := 50;
ELSE
  r := 0;
END_CASE;`,
  );
conf('CASE: single value', cs(1), { 'MAIN.r': 10 });
conf('CASE: value list, middle element', cs(3), { 'MAIN.r': 20 });
conf('CASE: value list, last element', cs(5), { 'MAIN.r': 20 });
conf('CASE: range lower bound', cs(6), { 'MAIN.r': 30 });
conf('CASE: range upper bound', cs(9), { 'MAIN.r': 30 });
conf('CASE: range and value in one label list', cs(20), { 'MAIN.r': 40 });
conf('CASE: negative range', cs(-3), { 'MAIN.r': 50 });
conf('CASE: ELSE for a value in a gap (4)', cs(4), { 'MAIN.r': 0 });
conf('CASE: ELSE just above a range (13)', cs(13), { 'MAIN.r': 0 });
conf('CASE without ELSE and no match runs nothing', main('x : INT := 7; r : INT := -1;', 'CASE x OF 1: r := 1; 2: r := 2; END_CASE;'), { 'MAIN.r': -1 });
conf('CASE with several statements in a branch', main('x : INT := 2; a : INT; b : INT;', 'CASE x OF 1: a := 1; 2: a := 2; b := 3; END_CASE;'), { 'MAIN.a': 2, 'MAIN.b': 3 });
conf('CASE on an expression selector', main('x : INT := 7; r : INT;', 'CASE x MOD 4 OF 0: r := 0; 1: r := 1; 2: r := 2; 3: r := 3; END_CASE;'), { 'MAIN.r': 3 });

// ---- FOR -----------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. 7.3.3.4.2, Table 72 feature 6 (FOR ... TO ... BY ... DO ... END_FOR).
// CODESYS "ST statement: FOR" (content.helpme-codesys.com/en/CODESYS Development System/
// _cds_st_instruction_for.html): the statements run as long as the counter is not greater — or,
// with a negative increment, not less — than the end value, checked before each pass; after each
// pass the counter is increased by the increment. So after FOR i := 1 TO 10 the counter is 11.
conf('FOR sums 1..10 and leaves the counter at 11', main('i : INT; s : INT;', 'FOR i := 1 TO 10 DO s := s + i; END_FOR;'), { 'MAIN.s': 55, 'MAIN.i': 11 });
conf('FOR ... BY 2: 1, 3, 5, 7, 9 and the counter ends at 11', main('i : INT; s : INT;', 'FOR i := 1 TO 10 BY 2 DO s := s + i; END_FOR;'), { 'MAIN.s': 25, 'MAIN.i': 11 });
conf('FOR ... BY -1 counts down 10..1 and ends at 0', main('i : INT; s : INT; first : INT := -1;', 'FOR i := 10 TO 1 BY -1 DO IF first < 0 THEN first := i; END_IF; s := s + i; END_FOR;'), { 'MAIN.s': 55, 'MAIN.i': 0, 'MAIN.first': 10 });
conf('FOR ... BY -3: 10, 7, 4, 1 and the counter ends at -2', main('i : INT; s : INT; n : INT;', 'FOR i := 10 TO 1 BY -3 DO s := s + i; n := n + 1; END_FOR;'), { 'MAIN.s': 22, 'MAIN.n': 4, 'MAIN.i': -2 });
conf('FOR with start > end and a positive step runs no pass', main('i : INT; n : INT;', 'FOR i := 5 TO 1 DO n := n + 1; END_FOR;'), { 'MAIN.n': 0, 'MAIN.i': 5 });
conf('FOR with start < end and a negative step runs no pass', main('i : INT; n : INT;', 'FOR i := 1 TO 5 BY -1 DO n := n + 1; END_FOR;'), { 'MAIN.n': 0, 'MAIN.i': 1 });
conf('FOR with start = end runs one pass', main('i : INT; n : INT;', 'FOR i := 5 TO 5 DO n := n + 1; END_FOR;'), { 'MAIN.n': 1, 'MAIN.i': 6 });
conf('FOR bounds and step from variables', main('i : DINT; lo : DINT := -4; hi : DINT := 4; st : DINT := 4; s : DINT;', 'FOR i := lo TO hi BY st DO s := s * 10 + i + 5; END_FOR;'), { 'MAIN.s': 159, 'MAIN.i': 8 });
conf('nested FOR loops', main('i : INT; j : INT; n : INT;', 'FOR i := 1 TO 3 DO FOR j := 1 TO 4 DO n := n + 1; END_FOR; END_FOR;'), { 'MAIN.n': 12, 'MAIN.i': 4, 'MAIN.j': 5 });

// ---- WHILE / REPEAT ----------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. 7.3.3.4.3 and 7.3.3.4.4: WHILE tests before each pass (possibly none);
// REPEAT ... UNTIL tests after each pass (at least one).
conf('WHILE loops while the condition holds', main('n : INT; s : INT;', 'WHILE n < 5 DO n := n + 1; s := s + n; END_WHILE;'), { 'MAIN.n': 5, 'MAIN.s': 15 });
conf('WHILE FALSE never runs its body', main('n : INT;', 'WHILE FALSE DO n := n + 1; END_WHILE;'), { 'MAIN.n': 0 });
conf('REPEAT runs at least once', main('n : INT;', 'REPEAT n := n + 1; UNTIL TRUE END_REPEAT;'), { 'MAIN.n': 1 });
conf('REPEAT until the condition holds', main('n : INT := 1;', 'REPEAT n := n * 3; UNTIL n > 100 END_REPEAT;'), { 'MAIN.n': 243 });

// ---- EXIT / CONTINUE ------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. 7.3.3.4.5 (EXIT leaves the innermost enclosing loop) and Table 72 feature 10
// (CONTINUE jumps to the next pass of the innermost loop; a CODESYS extension before the 3rd ed.).
conf('EXIT leaves a FOR loop; the counter keeps its value', main('i : INT; s : INT;', 'FOR i := 1 TO 10 DO IF i = 4 THEN EXIT; END_IF; s := s + i; END_FOR;'), { 'MAIN.s': 6, 'MAIN.i': 4 });
conf('EXIT leaves only the innermost loop', main('i : INT; j : INT; n : INT;', 'FOR i := 1 TO 3 DO FOR j := 1 TO 10 DO IF j > 2 THEN EXIT; END_IF; n := n + 1; END_FOR; END_FOR;'), { 'MAIN.n': 6, 'MAIN.i': 4 });
conf('EXIT ends WHILE TRUE', main('n : INT;', 'WHILE TRUE DO n := n + 1; IF n >= 7 THEN EXIT; END_IF; END_WHILE;'), { 'MAIN.n': 7 });
conf('EXIT ends REPEAT', main('n : INT;', 'REPEAT n := n + 1; IF n = 3 THEN EXIT; END_IF; UNTIL FALSE END_REPEAT;'), { 'MAIN.n': 3 });
conf('CONTINUE skips the rest of a FOR pass (sum of the odd numbers)', main('i : INT; s : INT;', 'FOR i := 1 TO 10 DO IF i MOD 2 = 0 THEN CONTINUE; END_IF; s := s + i; END_FOR;'), { 'MAIN.s': 25, 'MAIN.i': 11 });
conf('CONTINUE in WHILE re-tests the condition', main('n : INT; s : INT;', 'WHILE n < 10 DO n := n + 1; IF n > 3 THEN CONTINUE; END_IF; s := s + 1; END_WHILE;'), { 'MAIN.n': 10, 'MAIN.s': 3 });
conf('CONTINUE in an inner loop does not affect the outer loop', main('i : INT; j : INT; n : INT;', 'FOR i := 1 TO 2 DO FOR j := 1 TO 3 DO IF j = 2 THEN CONTINUE; END_IF; n := n + 1; END_FOR; n := n + 100; END_FOR;'), { 'MAIN.n': 204 });

// ---- RETURN ------------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. Table 72 feature 3 (RETURN leaves the POU). A PROGRAM body left with RETURN
// runs again from the top in the next scan.
confTrace('RETURN ends the program body for this scan only', main('n : INT; after : INT;', 'n := n + 1; IF n < 3 THEN RETURN; END_IF; after := after + 1;'), 'MAIN.after', [0, 0, 1, 2]);
conf('RETURN inside a loop leaves the whole body', main('i : INT; s : INT; after : BOOL;', 'FOR i := 1 TO 10 DO s := s + i; IF s > 5 THEN RETURN; END_IF; END_FOR; after := TRUE;'), { 'MAIN.s': 6, 'MAIN.i': 3, 'MAIN.after': false });

// ---- short-circuit operators (CODESYS) ------------------------------------------------------------------
// CODESYS "Operator: AND_THEN" / "OR_ELSE": the second operand is evaluated only when the first does
// not decide the result (an extension to IEC 61131-3).
conf('AND_THEN skips its right operand when the left is FALSE (no division by zero)', main('d : INT; ok : BOOL := TRUE;', 'ok := (d <> 0) AND_THEN (100 / d > 1);'), { 'MAIN.ok': false });
conf('OR_ELSE skips its right operand when the left is TRUE (no division by zero)', main('d : INT; ok : BOOL;', 'ok := (d = 0) OR_ELSE (100 / d > 1);'), { 'MAIN.ok': true });
conf('AND_THEN evaluates its right operand when the left is TRUE', main('d : INT := 20; ok : BOOL;', 'ok := (d <> 0) AND_THEN (100 / d > 1);'), { 'MAIN.ok': true });

// ---- lexical ---------------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. 6.1.2 (identifiers and keywords are case-insensitive) and Table 3 (comments:
// feature 1 single-line //, feature 2a multi-line (* *), feature 2b multi-line /* */).
conf('keywords and identifiers are case-insensitive', 'program Main\nvar X : int := 1; END_var\nx := X + 4;\nEnd_Program\n', { 'MAIN.x': 5, 'main.X': 5 });
conf('comments: (* block *), // line, and /* C-style */', main('x : INT; (* a comment *)', '// line comment\nx := 1; (* x := 2; *)\n/* x := 3; */\nx := x + 1; // x := 10;'), { 'MAIN.x': 2 });
conf('empty statements are allowed', main('x : INT;', ';;x := 3;;'), { 'MAIN.x': 3 });

test('a program with state advances once per scan', () => {
  const p = runSt(main('n : DINT;', 'n := n + 1;'), 25);
  expectValues(p, { 'MAIN.n': 25 });
});

test.run();
