// STRING literals and $-escapes, STRING[n] truncation, the standard string functions and string
// comparison.

import { test } from 'uvu';
import { conf, confRejects, main } from '../harness.ts';

// ---- literals -------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. Table 6 (single-byte character strings: '' empty, $$ dollar, $' quote,
// $L line feed, $R carriage return, $T tab, $P form feed, $hh the character with code hh).
conf('string literal and the empty default', main("s : STRING := 'Hello World'; e : STRING;", ';'), { 'MAIN.s': 'Hello World', 'MAIN.e': '' });
conf("escapes $' and $$", main('s : STRING; t : STRING;', "s := 'it$'s'; t := 'cost: 5$$';"), { 'MAIN.s': "it's", 'MAIN.t': 'cost: 5$' });
conf('escapes $L, $R, $T (and lower case $l)', main('s : STRING;', "s := 'a$Lb$Rc$Td$le';"), { 'MAIN.s': 'a\nb\rc\td\ne' });
conf('escapes $P and hexadecimal $41', main('s : STRING;', "s := '$41$42$P';"), { 'MAIN.s': 'AB\f' });
conf('a double quote needs no escape in a STRING', main('s : STRING;', `s := 'say "hi"';`), { 'MAIN.s': 'say "hi"' });

// ---- STRING[n] -------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. 6.4.4.2 / Table 11 feature 10 (STRING[n]: at most n characters); CODESYS
// "STRING": default length 80 characters. Assigning a longer string variable truncates from the
// right (CODESYS Static Analysis SA0026 "Possible truncated strings": strVar2 := strVar1 with
// STRING[6] := STRING[10]). A string CONSTANT too long for its destination is a compile error in
// CODESYS (Compiler Error C0198: "String constant '12345' too long for destination type
// 'STRING(4)'", for str : STRING(4) := '12345'), so the truncation tests assign variables.
conf('STRING[5] truncates an assigned STRING to 5 characters', main("s : STRING[5]; t : STRING := 'ABCDEFG';", 's := t;'), { 'MAIN.s': 'ABCDE' });
conf('STRING(3) (CODESYS spelling) truncates too', main("s : STRING(3); t : STRING := 'ABCDEFG';", 's := t;'), { 'MAIN.s': 'ABC' });
confRejects('a string constant longer than STRING(4) in an initializer is rejected (CODESYS C0198)', main("str : STRING(4) := '12345';", ';'));
conf('STRING[4] truncates the result of CONCAT', main("s : STRING[4]; a : STRING := 'AB'; b : STRING := 'CDE';", 's := CONCAT(a, b);'), { 'MAIN.s': 'ABCD' });
conf('STRING[6] from a longer STRING variable', main("s : STRING[6]; t : STRING := 'abcdefghij';", 's := t;'), { 'MAIN.s': 'abcdef' });
conf('STRING default length is 80', main('s : STRING; t : STRING[100];', `t := '${'x'.repeat(90)}'; s := t;`), { 'MAIN.s': 'x'.repeat(80), 'MAIN.t': 'x'.repeat(90) });
conf('string assignment copies the value', main("a : STRING := 'one'; b : STRING;", "b := a; a := 'two';"), { 'MAIN.a': 'two', 'MAIN.b': 'one' });

// ---- string functions: the standard's own examples --------------------------------------------------
// IEC 61131-3 2nd ed. Table 29 / 3rd ed. Table 35 (character string functions), examples of the
// table: LEN('ASTRING') = 7; LEFT(IN:='ASTR', L:=3) = 'AST'; RIGHT(IN:='ASTR', L:=3) = 'STR';
// MID(IN:='ASTR', L:=2, P:=2) = 'ST'; CONCAT('AB','CD','E') = 'ABCDE';
// INSERT(IN1:='ABC', IN2:='XY', P:=2) = 'ABXYC'; DELETE(IN:='ABXYC', L:=2, P:=3) = 'ABC';
// REPLACE(IN1:='ABCDE', IN2:='X', L:=2, P:=3) = 'ABXE'; FIND(IN1:='ABCBC', IN2:='BC') = 2.
conf("LEN('ASTRING') = 7", main('n : INT;', "n := LEN('ASTRING');"), { 'MAIN.n': 7 });
conf("LEFT(IN := 'ASTR', L := 3) = 'AST'", main('s : STRING;', "s := LEFT(IN := 'ASTR', L := 3);"), { 'MAIN.s': 'AST' });
conf("RIGHT(IN := 'ASTR', L := 3) = 'STR'", main('s : STRING;', "s := RIGHT(IN := 'ASTR', L := 3);"), { 'MAIN.s': 'STR' });
conf("MID(IN := 'ASTR', L := 2, P := 2) = 'ST'", main('s : STRING;', "s := MID(IN := 'ASTR', L := 2, P := 2);"), { 'MAIN.s': 'ST' });
conf("CONCAT('AB', 'CD', 'E') = 'ABCDE'", main('s : STRING;', "s := CONCAT('AB', 'CD', 'E');"), { 'MAIN.s': 'ABCDE' });
conf("INSERT(IN1 := 'ABC', IN2 := 'XY', P := 2) = 'ABXYC'", main('s : STRING;', "s := INSERT(IN1 := 'ABC', IN2 := 'XY', P := 2);"), { 'MAIN.s': 'ABXYC' });
conf("DELETE(IN := 'ABXYC', L := 2, P := 3) = 'ABC'", main('s : STRING;', "s := DELETE(IN := 'ABXYC', L := 2, P := 3);"), { 'MAIN.s': 'ABC' });
conf("REPLACE(IN1 := 'ABCDE', IN2 := 'X', L := 2, P := 3) = 'ABXE'", main('s : STRING;', "s := REPLACE(IN1 := 'ABCDE', IN2 := 'X', L := 2, P := 3);"), { 'MAIN.s': 'ABXE' });
conf("FIND(IN1 := 'ABCBC', IN2 := 'BC') = 2 (the first occurrence)", main('n : INT;', "n := FIND(IN1 := 'ABCBC', IN2 := 'BC');"), { 'MAIN.n': 2 });

// ---- string functions: CODESYS's examples, positional calls --------------------------------------------
// CODESYS Standard library, String Functions (content.helpme-codesys.com/en/libs/Standard/Current/
// String-Functions/): LEN('SUSI') = 4, LEFT('SUSI', 3) = 'SUS', RIGHT('SUSI', 3) = 'USI',
// MID('SUSI', 2, 2) = 'US', CONCAT('SUSI', 'WILLI') = 'SUSIWILLI', INSERT('SUSI', 'XY', 2) = 'SUXYSI'
// ("Insert STR2 into STR1 after position POS"; "0: inserts before the first character"),
// DELETE('SUXYSI', 2, 3) = 'SUSI', REPLACE('SUXYSI', 'K', 2, 2) = 'SKYSI', FIND('SUXYSI', 'XY') = 3.
conf("LEN('SUSI') = 4 and LEN('') = 0", main('a : INT; b : INT;', "a := LEN('SUSI'); b := LEN('');"), { 'MAIN.a': 4, 'MAIN.b': 0 });
conf("LEFT('SUSI', 3) and RIGHT('SUSI', 3)", main("s : STRING := 'SUSI'; l : STRING; r : STRING;", 'l := LEFT(s, 3); r := RIGHT(s, 3);'), { 'MAIN.l': 'SUS', 'MAIN.r': 'USI' });
conf("MID('SUSI', 2, 2) = 'US' and MID from position 1", main('a : STRING; b : STRING;', "a := MID('SUSI', 2, 2); b := MID('SUSI', 3, 1);"), { 'MAIN.a': 'US', 'MAIN.b': 'SUS' });
conf("CONCAT('SUSI', 'WILLI') = 'SUSIWILLI'", main('s : STRING;', "s := CONCAT('SUSI', 'WILLI');"), { 'MAIN.s': 'SUSIWILLI' });
conf("INSERT('SUSI', 'XY', 2) = 'SUXYSI' and at position 0", main('a : STRING; b : STRING;', "a := INSERT('SUSI', 'XY', 2); b := INSERT('SUSI', 'XY', 0);"), { 'MAIN.a': 'SUXYSI', 'MAIN.b': 'XYSUSI' });
conf("DELETE('SUXYSI', 2, 3) = 'SUSI' and the first character", main('a : STRING; b : STRING;', "a := DELETE('SUXYSI', 2, 3); b := DELETE('SUSI', 1, 1);"), { 'MAIN.a': 'SUSI', 'MAIN.b': 'USI' });
conf("REPLACE('SUXYSI', 'K', 2, 2) = 'SKYSI'", main('s : STRING;', "s := REPLACE('SUXYSI', 'K', 2, 2);"), { 'MAIN.s': 'SKYSI' });
conf('REPLACE with a longer replacement', main('s : STRING;', "s := REPLACE('ABCDE', 'XYZ', 1, 2);"), { 'MAIN.s': 'AXYZCDE' });
conf("FIND('SUXYSI', 'XY') = 3 and 0 when absent", main('a : INT; b : INT;', "a := FIND('SUXYSI', 'XY'); b := FIND('SUXYSI', 'Q');"), { 'MAIN.a': 3, 'MAIN.b': 0 });
conf('string functions nest', main("s : STRING := 'ABCDEFG'; r : STRING;", 'r := CONCAT(LEFT(s, 2), RIGHT(s, 2));'), { 'MAIN.r': 'ABFG' });
conf('string functions on variables with variable lengths', main("s : STRING := 'Hello World'; n : INT := 5; r : STRING; k : INT;", "k := FIND(s, ' '); r := MID(s, LEN(s) - k, k + 1);"), { 'MAIN.k': 6, 'MAIN.r': 'World' });
conf('CONCAT with a number converted to STRING', main('n : INT := 42; s : STRING;', "s := CONCAT('n=', INT_TO_STRING(n));"), { 'MAIN.s': 'n=42' });

// ---- comparison -------------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. Table 28/29 (comparison functions on ANY_ELEMENTARY, strings included;
// character-by-character order, a prefix before the longer string).
conf("'ABC' = 'ABC' and 'ABC' <> 'abc'", main("a : STRING := 'ABC'; x : BOOL; y : BOOL;", "x := a = 'ABC'; y := a <> 'abc';"), { 'MAIN.x': true, 'MAIN.y': true });
conf("'ABC' < 'ABD' and 'AB' < 'ABC'", main('x : BOOL; y : BOOL; z : BOOL;', "x := 'ABC' < 'ABD'; y := 'AB' < 'ABC'; z := 'B' > 'ABC';"), { 'MAIN.x': true, 'MAIN.y': true, 'MAIN.z': true });
conf('a truncated STRING[3] compares equal to its first 3 characters', main("s : STRING[3] := 'ABC'; t : STRING[3]; u : STRING := 'ABCD'; b : BOOL;", 't := u; b := s = t;'), { 'MAIN.b': true });
conf('IF on a string comparison', main("s : STRING := 'run'; r : INT;", "IF s = 'run' THEN r := 1; ELSIF s = 'stop' THEN r := 2; END_IF;"), { 'MAIN.r': 1 });

// ---- WSTRING ----------------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. Table 7 (double-byte strings in double quotes).
conf('WSTRING literal in double quotes', main('w : WSTRING := "Grüße";', ';'), { 'MAIN.w': 'Grüße' });

test.run();
