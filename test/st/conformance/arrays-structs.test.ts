// Arrays (bounds, initializers with repetition, multi-dimensional, copies), structures (field
// defaults, initializers, value copies, nesting, arrays of structs), enumerations, subranges,
// aliases, bit access, default and initial values of every kind.

import { test } from 'uvu';
import { conf, f32, main } from '../harness.ts';

// ---- arrays ----------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. 6.4.4.5 (arrays: ARRAY[lo..hi, ...] OF T, any integer bounds) and Table 14/15
// (array initialization: [1, 2, 3], repetition 3(7); elements without an initial value get the
// element type's default; multi-dimensional initializers fill the rightmost subscript first).
conf('array initializer and element reads', main('a : ARRAY[1..3] OF INT := [10, 20, 30];', ';'), { 'MAIN.a[1]': 10, 'MAIN.a[2]': 20, 'MAIN.a[3]': 30 });
conf('array initializer with repetition [3(7), 1]', main('a : ARRAY[1..4] OF INT := [3(7), 1];', ';'), { 'MAIN.a[1]': 7, 'MAIN.a[2]': 7, 'MAIN.a[3]': 7, 'MAIN.a[4]': 1 });
conf('a short array initializer leaves the rest at the default', main('a : ARRAY[0..4] OF DINT := [1, 2];', ';'), { 'MAIN.a[0]': 1, 'MAIN.a[1]': 2, 'MAIN.a[2]': 0, 'MAIN.a[4]': 0 });
conf('array with negative bounds', main('a : ARRAY[-2..2] OF INT := [-20, -10, 0, 10, 20]; x : INT;', 'x := a[-2] + a[2] + a[-1];'), { 'MAIN.a[-2]': -20, 'MAIN.a[0]': 0, 'MAIN.x': -10 });
conf('array written and summed in a loop', main('a : ARRAY[1..5] OF INT; i : INT; s : INT;', 'FOR i := 1 TO 5 DO a[i] := i * i; END_FOR; FOR i := 1 TO 5 DO s := s + a[i]; END_FOR;'), { 'MAIN.a[5]': 25, 'MAIN.s': 55 });
conf('two-dimensional array: initializer fills the rightmost index first', main('m : ARRAY[1..2, 1..3] OF INT := [1, 2, 3, 4, 5, 6];', ';'), { 'MAIN.m[1,1]': 1, 'MAIN.m[1,3]': 3, 'MAIN.m[2,1]': 4, 'MAIN.m[2,3]': 6 });
conf('two-dimensional array written with nested loops', main('m : ARRAY[0..2, 0..2] OF INT; i : INT; j : INT; tr : INT;', 'FOR i := 0 TO 2 DO FOR j := 0 TO 2 DO m[i, j] := i * 10 + j; END_FOR; END_FOR; tr := m[0,0] + m[1,1] + m[2,2];'), { 'MAIN.m[2,1]': 21, 'MAIN.m[1,2]': 12, 'MAIN.tr': 33 });
conf('three-dimensional array', main('c : ARRAY[1..2, 1..2, 1..2] OF INT;', 'c[2, 1, 2] := 212; c[1, 2, 1] := 121;'), { 'MAIN.c[2,1,2]': 212, 'MAIN.c[1,2,1]': 121, 'MAIN.c[1,1,1]': 0 });
conf('array of arrays: a[i][j]', main('a : ARRAY[1..2] OF ARRAY[1..2] OF INT;', 'a[2][1] := 5; a[1][2] := a[2][1] + 1;'), { 'MAIN.a[2][1]': 5, 'MAIN.a[1][2]': 6 });
conf('array assignment copies the elements', main('a : ARRAY[1..3] OF INT := [1, 2, 3]; b : ARRAY[1..3] OF INT;', 'b := a; a[1] := 99;'), { 'MAIN.a[1]': 99, 'MAIN.b[1]': 1, 'MAIN.b[3]': 3 });
conf('ARRAY OF BOOL, STRING and REAL with initializers', main("b : ARRAY[1..3] OF BOOL := [FALSE, TRUE]; s : ARRAY[1..2] OF STRING[8] := ['ab', 'cd']; r : ARRAY[1..3] OF REAL := [0.1, 2(1.5)];", ';'), {
  'MAIN.b[2]': true,
  'MAIN.b[3]': false,
  'MAIN.s[2]': 'cd',
  'MAIN.r[1]': f32(0.1),
  'MAIN.r[2]': 1.5,
  'MAIN.r[3]': 1.5,
});
conf('array index from an expression', main('a : ARRAY[0..9] OF INT := [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]; k : INT := 3; x : INT;', 'x := a[k * 2 + 1] + a[a[2]];'), { 'MAIN.x': 9 });

// ---- structures ------------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. 6.4.4.6 (STRUCT: fields with initial values), Table 14 (structure
// initializers (x := 1, y := 2)); assignment of a structured variable copies every field.
const point = `TYPE Point :
STRUCT
  x : INT;
  y : INT := 5;
END_STRUCT
END_TYPE
`;
conf('struct field defaults from the type', point + main('p : Point;', ';'), { 'MAIN.p.x': 0, 'MAIN.p.y': 5 });
conf('struct initializer overrides field defaults', point + main('p : Point := (x := 1, y := 2); q : Point := (x := 3);', ';'), { 'MAIN.p.x': 1, 'MAIN.p.y': 2, 'MAIN.q.x': 3, 'MAIN.q.y': 5 });
conf('struct assignment copies the value', point + main('p : Point := (x := 1, y := 2); q : Point;', 'q := p; p.x := 9;'), { 'MAIN.q.x': 1, 'MAIN.q.y': 2, 'MAIN.p.x': 9 });
conf(
  'nested structs',
  point +
    `TYPE Line :
STRUCT
  a : Point;
  b : Point := (x := 7, y := 8);
  name : STRING[10] := 'L1';
END_STRUCT
END_TYPE
` +
    main('l : Line;', 'l.a.x := l.b.y + 1;'),
  { 'MAIN.l.a.x': 9, 'MAIN.l.a.y': 5, 'MAIN.l.b.x': 7, 'MAIN.l.name': 'L1' },
);
conf('array of structs', point + main('ps : ARRAY[1..3] OF Point; i : INT;', 'FOR i := 1 TO 3 DO ps[i].x := i * 10; END_FOR;'), { 'MAIN.ps[2].x': 20, 'MAIN.ps[3].x': 30, 'MAIN.ps[1].y': 5 });
conf('array of structs with an initializer', point + main('ps : ARRAY[1..2] OF Point := [(x := 1, y := 2), (x := 3, y := 4)];', ';'), { 'MAIN.ps[1].x': 1, 'MAIN.ps[1].y': 2, 'MAIN.ps[2].x': 3, 'MAIN.ps[2].y': 4 });
conf(
  'struct with an array field',
  `TYPE Buf :
STRUCT
  n : INT;
  data : ARRAY[1..4] OF INT := [4(-1)];
END_STRUCT
END_TYPE
` + main('b : Buf;', 'b.n := b.n + 1; b.data[b.n] := b.n * 100;'),
  { 'MAIN.b.n': 2, 'MAIN.b.data[1]': 100, 'MAIN.b.data[2]': 200, 'MAIN.b.data[3]': -1 },
  { scans: 2 },
);
conf('struct element of an array copied out and back', point + main('ps : ARRAY[1..2] OF Point; t : Point;', 'ps[1].x := 4; t := ps[1]; t.y := 6; ps[2] := t;'), { 'MAIN.ps[2].x': 4, 'MAIN.ps[2].y': 6, 'MAIN.ps[1].y': 5 });

// ---- enumerations --------------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. 6.4.4.2 (enumerated data types: the default initial value is the first
// element; Table 11 feature 2b: explicit values, e.g. (Red := 1, ...); values referenced as
// Color#Red or, when unique, as Red). read() gives an enumeration's integer value.
const color = `TYPE Color : (Red, Green, Blue); END_TYPE
`;
conf('enum default is the first value', color + main('c : Color;', ';'), { 'MAIN.c': 0 });
conf('enum assignment with a typed literal Color#Blue', color + main('c : Color;', 'c := Color#Blue;'), { 'MAIN.c': 2 });
conf('enum comparison and bare value names', color + main('c : Color := Green; b : BOOL; d : BOOL;', 'b := c = Green; d := c = Color#Blue;'), { 'MAIN.b': true, 'MAIN.d': false, 'MAIN.c': 1 });
conf('enum with explicit values: the first is the default even when not 0', 'TYPE Mode : (Idle := 10, Run := 20, Fault := 30); END_TYPE\n' + main('m : Mode; n : Mode := Mode#Fault;', ';'), { 'MAIN.m': 10, 'MAIN.n': 30 });
conf('enum type with a default initial value', 'TYPE Lamp : (Off, Dim, Bright) := Dim; END_TYPE\n' + main('l : Lamp;', ';'), { 'MAIN.l': 1 });
conf('CASE on an enumeration', color + main('c : Color := Blue; r : INT;', 'CASE c OF Red: r := 1; Green: r := 2; Blue: r := 3; END_CASE;'), { 'MAIN.r': 3 });
conf('enum state machine steps through its values', 'TYPE Step : (S0, S1, S2); END_TYPE\n' + main('s : Step; n : INT;', 'CASE s OF S0: s := S1; S1: s := S2; S2: s := S0; n := n + 1; END_CASE;'), { 'MAIN.s': 1, 'MAIN.n': 2 }, { scans: 7 });

// ---- subranges and aliases ---------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. 6.4.4.3 (subrange: base type with limits; "the default initial value ... is
// the lower limit of the subrange" — Table 11 feature 3 / 2nd ed. 2.4.3.2) and 6.4.4.1 (a derived
// type may rename an elementary type and give it a new default initial value).
conf('subrange value reads as its base type', 'TYPE Pct : INT (0..100); END_TYPE\n' + main('p : Pct := 50;', 'p := p + 25;'), { 'MAIN.p': 75 });
conf('subrange default initial value is the lower limit', 'TYPE R5 : INT (5..10); END_TYPE\n' + main('r : R5;', ';'), { 'MAIN.r': 5 });
conf('subrange declared inline in a VAR', main('s : SINT (-10..10) := -3;', 's := s * 2;'), { 'MAIN.s': -6 });
conf('alias of INT keeps INT arithmetic', 'TYPE MyInt : INT; END_TYPE\n' + main('v : MyInt := 32767;', 'v := v + 1;'), { 'MAIN.v': -32768 });
conf('alias with its own default initial value', 'TYPE Speed : INT := 100; END_TYPE\n' + main('s : Speed; t : Speed := 7;', ';'), { 'MAIN.s': 100, 'MAIN.t': 7 });

// ---- bit access --------------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. 6.5.5 / Table 16 feature "partial access of ANY_BIT variables": w.3 is bit 3
// (bit 0 = least significant), readable and writable.
conf('bit access reads single bits of a WORD', main('w : WORD := 16#0009; b0 : BOOL; b1 : BOOL; b3 : BOOL;', 'b0 := w.0; b1 := w.1; b3 := w.3;'), { 'MAIN.b0': true, 'MAIN.b1': false, 'MAIN.b3': true });
conf('bit access writes set and clear single bits', main('w : WORD := 16#00FF; d : DWORD;', 'w.15 := TRUE; w.0 := FALSE; d.31 := TRUE;'), { 'MAIN.w': 0x80fe, 'MAIN.d': 0x80000000 });
conf('bit access on a BYTE in a condition', main('b : BYTE := 2#0100_0000; r : INT;', 'IF b.6 AND NOT b.7 THEN r := 1; END_IF;'), { 'MAIN.r': 1 });

// ---- default and initial values of every kind -------------------------------------------------------------------
// IEC 61131-3 3rd ed. Table 10 (default initial values: 0 for numbers, FALSE, '' for strings,
// T#0s) and 6.5.1.3 (initial values in declarations).
conf('default initial values', main('b : BOOL; i : INT; r : REAL; l : LREAL; t : TIME; s : STRING; u : ULINT; w : WORD;', ';'), { 'MAIN.b': false, 'MAIN.i': 0, 'MAIN.r': 0, 'MAIN.l': 0, 'MAIN.t': 0, 'MAIN.s': '', 'MAIN.u': 0n, 'MAIN.w': 0 });
conf(
  'initial values of every elementary kind',
  main("b : BOOL := TRUE; bt : BYTE := 16#AB; i : INT := -7; d : DINT := 100000; r : REAL := 1.5E3; l : LREAL := -2.25; t : TIME := T#1h2m3s; lt : LTIME := LTIME#5us; s : STRING := 'x$'y'; li : LINT := 9007199254740993;", ';'),
  { 'MAIN.b': true, 'MAIN.bt': 0xab, 'MAIN.i': -7, 'MAIN.d': 100000, 'MAIN.r': 1500, 'MAIN.l': -2.25, 'MAIN.t': 3723000, 'MAIN.lt': 5000n, 'MAIN.s': "x'y", 'MAIN.li': 9007199254740993n },
);
conf('initial values are set before the first scan reads them', main('a : INT := 3; b : INT;', 'b := a * 2; a := 0;'), { 'MAIN.a': 0, 'MAIN.b': 6 });

test.run();
