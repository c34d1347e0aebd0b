// Type conversion functions *_TO_**: float -> integer rounding, TRUNC, integer narrowing and
// widening, BOOL, TIME, STRING, REAL <-> LREAL.

import { test } from 'uvu';
import { conf, f32, main } from '../harness.ts';

// ---- float -> integer: round to nearest, ties to even --------------------------------------------
// IEC 61131-3 2nd ed. (2003) Table 22 footnote b (same rule in the 3rd ed., Table 22): "Conversion
// from type REAL or LREAL to SINT, INT, DINT or LINT shall round according to the convention of
// IEC 60559, according to which, if the two nearest integers are equally near, the result shall be
// the nearest even integer, e.g. REAL_TO_INT(1.6) = 2, (-1.6) = -2, (1.5) = 2, (-1.5) = -2,
// (1.4) = 1, (-1.4) = -1, (2.5) = 2, (-2.5) = -2."
// CODESYS "Operator REAL_TO / LREAL_TO" and Beckhoff InfoSys "REAL_TO-/LREAL_TO conversions"
// (infosys.beckhoff.com/content/1033/tcplccontrol/925598091.html) give REAL_TO_INT(1.5) = 2,
// (1.4) = 1, (-1.5) = -2, (-1.4) = -1 — consistent with ties-to-even, no tie case that tells
// ties-to-even from ties-away apart.
conf('REAL_TO_INT(1.6) = 2 and (-1.6) = -2', main('a : INT; b : INT;', 'a := REAL_TO_INT(1.6); b := REAL_TO_INT(-1.6);'), { 'MAIN.a': 2, 'MAIN.b': -2 });
conf('REAL_TO_INT(1.5) = 2 and (-1.5) = -2', main('a : INT; b : INT;', 'a := REAL_TO_INT(1.5); b := REAL_TO_INT(-1.5);'), { 'MAIN.a': 2, 'MAIN.b': -2 });
conf('REAL_TO_INT(1.4) = 1 and (-1.4) = -1', main('a : INT; b : INT;', 'a := REAL_TO_INT(1.4); b := REAL_TO_INT(-1.4);'), { 'MAIN.a': 1, 'MAIN.b': -1 });
conf('REAL_TO_INT(2.5) = 2 (tie to even)', main('r : REAL := 2.5; a : INT;', 'a := REAL_TO_INT(r);'), { 'MAIN.a': 2 });
conf('REAL_TO_INT(-2.5) = -2 (tie to even)', main('r : REAL := -2.5; a : INT;', 'a := REAL_TO_INT(r);'), { 'MAIN.a': -2 });
conf('REAL_TO_INT(3.5) = 4 and (0.5) = 0 (ties to even)', main('a : INT; b : INT; c : INT;', 'a := REAL_TO_INT(3.5); b := REAL_TO_INT(0.5); c := REAL_TO_INT(-0.5);'), { 'MAIN.a': 4, 'MAIN.b': 0, 'MAIN.c': 0 });
conf('LREAL_TO_DINT(2.5) = 2 and (-3.5) = -4', main('a : LREAL := 2.5; b : LREAL := -3.5; x : DINT; y : DINT;', 'x := LREAL_TO_DINT(a); y := LREAL_TO_DINT(b);'), { 'MAIN.x': 2, 'MAIN.y': -4 });
conf('REAL_TO_DINT(1234567.5) = 1234568 (tie to even)', main('r : REAL := 1234567.5; x : DINT;', 'x := REAL_TO_DINT(r);'), { 'MAIN.x': 1234568 });
conf('REAL_TO_SINT(-0.6) = -1', main('x : SINT;', 'x := REAL_TO_SINT(-0.6);'), { 'MAIN.x': -1 });
conf('REAL_TO_UINT(65534.6) = 65535', main('r : REAL := 65534.6; x : UINT;', 'x := REAL_TO_UINT(r);'), { 'MAIN.x': 65535 });
conf('REAL_TO_UDINT(1.5) = 2', main('x : UDINT;', 'x := REAL_TO_UDINT(1.5);'), { 'MAIN.x': 2 });

// ---- TRUNC -----------------------------------------------------------------------------------------
// IEC 61131-3 2nd ed. Table 22 footnote c: "TRUNC shall be used for truncation toward zero:
// TRUNC(1.6) = 1, TRUNC(-1.6) = -1, TRUNC(1.4) = 1, TRUNC(-1.4) = -1."
conf('TRUNC(1.6) = 1 and TRUNC(-1.6) = -1', main('a : DINT; b : DINT;', 'a := TRUNC(1.6); b := TRUNC(-1.6);'), { 'MAIN.a': 1, 'MAIN.b': -1 });
conf('TRUNC(1.4) = 1 and TRUNC(-1.4) = -1', main('a : DINT; b : DINT;', 'a := TRUNC(1.4); b := TRUNC(-1.4);'), { 'MAIN.a': 1, 'MAIN.b': -1 });
conf('TRUNC of an LREAL variable: -2.7 -> -2', main('l : LREAL := -2.7; a : DINT;', 'a := TRUNC(l);'), { 'MAIN.a': -2 });

// ---- integer -> integer: keep the low bits ---------------------------------------------------------
// IEC 61131-3 3rd ed. 6.6.2.5.6 / Table 22 (explicit conversions between integer types; a value
// out of the target range is implementation-defined); this compiler keeps the low bits
// (two's complement), as CODESYS "Conversion: Integer" ("If the number to be converted exceeds
// the range limit, then the first bytes of the number are ignored") and Beckhoff InfoSys
// "<INT type>_TO_<INT type>" (infosys.beckhoff.com/content/1033/tc3_plc_intro/9007201783793803.html:
// INT_TO_SINT(4223) = 127, 16#107F -> 16#7F).
conf('INT_TO_SINT(200) = -56', main('i : INT := 200; x : SINT;', 'x := INT_TO_SINT(i);'), { 'MAIN.x': -56 });
conf('INT_TO_SINT(4223) = 127 (the InfoSys example)', main('i : INT := 4223; x : SINT;', 'x := INT_TO_SINT(i);'), { 'MAIN.x': 127 });
conf('DINT_TO_INT(70000) = 4464 and (-70000) = -4464', main('a : DINT := 70000; b : DINT := -70000; x : INT; y : INT;', 'x := DINT_TO_INT(a); y := DINT_TO_INT(b);'), { 'MAIN.x': 4464, 'MAIN.y': -4464 });
conf('INT_TO_USINT(-1) = 255 and INT_TO_UINT(-1) = 65535', main('i : INT := -1; x : USINT; y : UINT;', 'x := INT_TO_USINT(i); y := INT_TO_UINT(i);'), { 'MAIN.x': 255, 'MAIN.y': 65535 });
conf('DINT_TO_UDINT(-1) = 4294967295 and back', main('d : DINT := -1; u : UDINT; e : DINT;', 'u := DINT_TO_UDINT(d); e := UDINT_TO_DINT(u);'), { 'MAIN.u': 4294967295, 'MAIN.e': -1 });
conf('UINT_TO_INT(40000) = -25536', main('u : UINT := 40000; x : INT;', 'x := UINT_TO_INT(u);'), { 'MAIN.x': -25536 });
conf('SINT_TO_INT sign-extends; SINT_TO_UINT(-1) = 65535', main('s : SINT := -5; x : INT; y : UINT; m : SINT := -1;', 'x := SINT_TO_INT(s); y := SINT_TO_UINT(m);'), { 'MAIN.x': -5, 'MAIN.y': 65535 });
conf('USINT_TO_INT(200) = 200', main('u : USINT := 200; x : INT;', 'x := USINT_TO_INT(u);'), { 'MAIN.x': 200 });
conf('BYTE_TO_WORD, WORD_TO_BYTE, DWORD_TO_WORD', main('b : BYTE := 16#FF; w : WORD := 16#1234; d : DWORD := 16#12345678; x : WORD; y : BYTE; z : WORD;', 'x := BYTE_TO_WORD(b); y := WORD_TO_BYTE(w); z := DWORD_TO_WORD(d);'), { 'MAIN.x': 255, 'MAIN.y': 0x34, 'MAIN.z': 0x5678 });
conf('BYTE_TO_SINT(255) = -1 and INT_TO_WORD(-1) = 65535', main('b : BYTE := 255; i : INT := -1; x : SINT; y : WORD;', 'x := BYTE_TO_SINT(b); y := INT_TO_WORD(i);'), { 'MAIN.x': -1, 'MAIN.y': 65535 });
conf('WORD_TO_INT(16#FFFF) = -1 and DWORD_TO_DINT(16#80000000) = -2147483648', main('w : WORD := 16#FFFF; d : DWORD := 16#80000000; x : INT; y : DINT;', 'x := WORD_TO_INT(w); y := DWORD_TO_DINT(d);'), { 'MAIN.x': -1, 'MAIN.y': -2147483648 });

// ---- BOOL ------------------------------------------------------------------------------------------
// Beckhoff InfoSys "BOOL_TO conversions": "For number type variables the result is 1 when the
// operand is TRUE and 0 when FALSE; for STRING 'TRUE' or 'FALSE'" (BOOL_TO_INT(TRUE) = 1,
// BOOL_TO_STRING(TRUE) = 'TRUE'). CODESYS "Conversion: TIME_TO_BOOL": FALSE iff the operand is 0;
// INT_TO_BOOL likewise (x <> 0).
conf('BOOL_TO_INT(TRUE) = 1 and BOOL_TO_INT(FALSE) = 0', main('a : INT; b : INT;', 'a := BOOL_TO_INT(TRUE); b := BOOL_TO_INT(FALSE);'), { 'MAIN.a': 1, 'MAIN.b': 0 });
conf('INT_TO_BOOL(5) = TRUE, INT_TO_BOOL(0) = FALSE, INT_TO_BOOL(-1) = TRUE', main('a : BOOL; b : BOOL; c : BOOL; m : INT := -1;', 'a := INT_TO_BOOL(5); b := INT_TO_BOOL(0); c := INT_TO_BOOL(m);'), { 'MAIN.a': true, 'MAIN.b': false, 'MAIN.c': true });
conf('BYTE_TO_BOOL(16#10) = TRUE', main('b : BYTE := 16#10; x : BOOL;', 'x := BYTE_TO_BOOL(b);'), { 'MAIN.x': true });
conf('BOOL_TO_REAL(TRUE) = 1.0 and BOOL_TO_DINT(TRUE) = 1', main('r : REAL; d : DINT;', 'r := BOOL_TO_REAL(TRUE); d := BOOL_TO_DINT(TRUE);'), { 'MAIN.r': 1, 'MAIN.d': 1 });

// ---- integer <-> REAL / LREAL ----------------------------------------------------------------------
// IEC 60559 rounding to the target format (IEC 61131-3 Table 10).
conf('INT_TO_REAL(-32768) is exact', main('i : INT := -32768; r : REAL;', 'r := INT_TO_REAL(i);'), { 'MAIN.r': -32768 });
conf('DINT_TO_REAL(16777217) rounds to float32: 16777216', main('d : DINT := 16777217; r : REAL;', 'r := DINT_TO_REAL(d);'), { 'MAIN.r': 16777216 });
conf('DINT_TO_LREAL(16777217) is exact', main('d : DINT := 16777217; l : LREAL;', 'l := DINT_TO_LREAL(d);'), { 'MAIN.l': 16777217 });
conf('REAL_TO_LREAL keeps the float32 value (0.1 -> 0.10000000149011612)', main('r : REAL := 0.1; l : LREAL;', 'l := REAL_TO_LREAL(r);'), { 'MAIN.l': f32(0.1) });
conf('LREAL_TO_REAL rounds to float32', main('l : LREAL := 0.1; r : REAL; l2 : LREAL;', 'r := LREAL_TO_REAL(l); l2 := r;'), { 'MAIN.r': f32(0.1), 'MAIN.l2': f32(0.1) });
conf('UDINT_TO_LREAL(4294967295) is exact', main('u : UDINT := 4294967295; l : LREAL;', 'l := UDINT_TO_LREAL(u);'), { 'MAIN.l': 4294967295 });

// ---- TIME ------------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. Table 8 (duration literals); CODESYS/TwinCAT: TIME is a 32-bit count of
// milliseconds (TIME_TO_DINT(T#1s) = 1000), LTIME a 64-bit count of nanoseconds.
conf('TIME_TO_DINT(T#1s) = 1000', main('d : DINT;', 'd := TIME_TO_DINT(T#1s);'), { 'MAIN.d': 1000 });
conf('TIME_TO_DINT(T#1m30s) = 90000 and TIME_TO_DINT(T#1h) = 3600000', main('a : DINT; b : DINT;', 'a := TIME_TO_DINT(T#1m30s); b := TIME_TO_DINT(TIME#1h);'), { 'MAIN.a': 90000, 'MAIN.b': 3600000 });
conf('DINT_TO_TIME(1500) = T#1s500ms', main('t : TIME; b : BOOL;', 't := DINT_TO_TIME(1500); b := t = T#1s500ms;'), { 'MAIN.t': 1500, 'MAIN.b': true });
conf('duration literals: T#1d2h, t#100ms, T#1.5s, T#-2s', main('a : TIME; b : TIME; c : TIME; d : TIME;', 'a := T#1d2h; b := t#100ms; c := T#1.5s; d := T#-2s;'), { 'MAIN.a': 93600000, 'MAIN.b': 100, 'MAIN.c': 1500, 'MAIN.d': -2000 });
conf('TIME arithmetic: T#1s + T#500ms, T#2s - T#2500ms, T#1s * 3', main('a : TIME; b : TIME; c : TIME;', 'a := T#1s + T#500ms; b := T#2s - T#2500ms; c := T#1s * 3;'), { 'MAIN.a': 1500, 'MAIN.b': -500, 'MAIN.c': 3000 });
conf('LTIME reads in nanoseconds', main('a : LTIME := LTIME#1ms; b : LTIME := LTIME#2s;', ';'), { 'MAIN.a': 1000000n, 'MAIN.b': 2000000000n });

// ---- STRING ----------------------------------------------------------------------------------------
// IEC 61131-3 2nd ed. Table 22 footnote e: STRING data of a conversion "shall conform to the
// external representation of the corresponding data". Beckhoff InfoSys "TO_STRING conversions":
// BOOL_TO_STRING(TRUE) = 'TRUE', TIME_TO_STRING(T#12ms) = 'T#12ms'.
conf("INT_TO_STRING(-5) = '-5'", main('i : INT := -5; s : STRING;', 's := INT_TO_STRING(i);'), { 'MAIN.s': '-5' });
conf("DINT_TO_STRING(123456) and UDINT_TO_STRING(4294967295)", main('d : DINT := 123456; u : UDINT := 4294967295; s : STRING; t : STRING;', 's := DINT_TO_STRING(d); t := UDINT_TO_STRING(u);'), { 'MAIN.s': '123456', 'MAIN.t': '4294967295' });
conf("BOOL_TO_STRING(TRUE) = 'TRUE' and (FALSE) = 'FALSE'", main('s : STRING; t : STRING;', 's := BOOL_TO_STRING(TRUE); t := BOOL_TO_STRING(FALSE);'), { 'MAIN.s': 'TRUE', 'MAIN.t': 'FALSE' });
conf("TIME_TO_STRING(T#12ms) = 'T#12ms'", main('s : STRING;', 's := TIME_TO_STRING(T#12ms);'), { 'MAIN.s': 'T#12ms' });
conf("STRING_TO_INT('42') = 42 and ('-17') = -17", main('a : INT; b : INT;', "a := STRING_TO_INT('42'); b := STRING_TO_INT('-17');"), { 'MAIN.a': 42, 'MAIN.b': -17 });
conf("STRING_TO_DINT('100000') = 100000", main('a : DINT; s : STRING := \'100000\';', 'a := STRING_TO_DINT(s);'), { 'MAIN.a': 100000 });
conf("STRING_TO_BOOL('TRUE') = TRUE", main('b : BOOL;', "b := STRING_TO_BOOL('TRUE');"), { 'MAIN.b': true });
conf("STRING_TO_REAL('1.5') = 1.5", main('r : REAL;', "r := STRING_TO_REAL('1.5');"), { 'MAIN.r': 1.5 });
conf('INT_TO_STRING then STRING_TO_INT round-trips', main('i : INT := -32768; s : STRING; j : INT;', 's := INT_TO_STRING(i); j := STRING_TO_INT(s);'), { 'MAIN.j': -32768 });

// DATE counts seconds since 1970, TOD milliseconds since midnight (as CODESYS stores them); a
// literal has the variable's type, so it initialises and compares (IEC 61131-3 3rd ed. 6.3.3).
conf('DATE and TOD literals initialise and compare with variables of their type', main('d : DATE := D#2024-01-31; t : TOD := TOD#12:30:15.5; a : BOOL; b : BOOL;', 'a := d = D#2024-01-31; b := t > TOD#12:00:00;'), { 'MAIN.d': 1706659200, 'MAIN.t': 45015500, 'MAIN.a': true, 'MAIN.b': true });

test.run();
