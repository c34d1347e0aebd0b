// Program organisation units: functions, function blocks (state, formal/positional calls, output
// arguments, inputs kept between calls, VAR_IN_OUT by reference, nesting, arrays of instances),
// programs (declaration order, called programs), globals, constants.

import { test } from 'uvu';
import { compile, conf, confRejects, confTrace, expectValues, main, scan } from '../harness.ts';

// ---- functions ------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. 6.6.2 (functions): the result is assigned to the function's name; formal
// (named, any order) and non-formal (positional, in declaration order) calls, Table 19/20; a
// function has no state between calls — its VAR are initialised on every call; inputs not given in
// a formal call take their initial values; RETURN leaves the function (Table 72 feature 3).
const sq = `FUNCTION Sq : INT
VAR_INPUT a : INT; END_VAR
Sq := a * a;
END_FUNCTION
`;
conf('function: result assigned to its name, positional and formal calls', sq + main('x : INT; y : INT;', 'x := Sq(7); y := Sq(a := -3);'), { 'MAIN.x': 49, 'MAIN.y': 9 });
conf('function calls nest and sit inside expressions', sq + main('x : INT; y : INT;', 'x := Sq(Sq(2)); y := 1 + Sq(3) * 2;'), { 'MAIN.x': 16, 'MAIN.y': 19 });
conf(
  'function: positional arguments in declaration order, formal ones in any order',
  `FUNCTION Diff : DINT
VAR_INPUT a : DINT; b : DINT; END_VAR
Diff := a - b;
END_FUNCTION
` + main('x : DINT; y : DINT;', 'x := Diff(10, 3); y := Diff(b := 10, a := 3);'),
  { 'MAIN.x': 7, 'MAIN.y': -7 },
);
conf(
  'function: an input not given in a formal call takes its initial value',
  `FUNCTION AddOpt : INT
VAR_INPUT a : INT; b : INT := 100; END_VAR
AddOpt := a + b;
END_FUNCTION
` + main('x : INT;', 'x := AddOpt(a := 1);'),
  { 'MAIN.x': 101 },
);
conf(
  'function: local variables are initialised on every call (no state)',
  `FUNCTION Cnt : INT
VAR n : INT; k : INT := 10; END_VAR
n := n + 1; k := k + 1;
Cnt := n * 100 + k;
END_FUNCTION
` + main('x : INT; y : INT;', 'x := Cnt(); y := Cnt() + Cnt();'),
  { 'MAIN.x': 111, 'MAIN.y': 222 },
  { scans: 3 },
);
conf(
  'function: RETURN leaves early keeping the result assigned so far',
  `FUNCTION Early : INT
VAR_INPUT v : INT; END_VAR
Early := 1;
IF v > 0 THEN RETURN; END_IF;
Early := 2;
END_FUNCTION
` + main('a : INT; b : INT;', 'a := Early(5); b := Early(0);'),
  { 'MAIN.a': 1, 'MAIN.b': 2 },
);
conf(
  'function: VAR_IN_OUT parameters change the caller\'s variables (swap)',
  `FUNCTION Swap : BOOL
VAR_IN_OUT a : INT; b : INT; END_VAR
VAR t : INT; END_VAR
t := a; a := b; b := t;
Swap := TRUE;
END_FUNCTION
` + main('x : INT := 1; y : INT := 2; ok : BOOL;', 'ok := Swap(a := x, b := y);'),
  { 'MAIN.x': 2, 'MAIN.y': 1, 'MAIN.ok': true },
);
conf(
  'function: VAR_OUTPUT read with =>',
  `FUNCTION DivMod : INT
VAR_INPUT a, b : INT; END_VAR
VAR_OUTPUT r : INT; END_VAR
DivMod := a / b;
r := a MOD b;
END_FUNCTION
` + main('q : INT; rem : INT;', 'q := DivMod(a := 17, b := 5, r => rem);'),
  { 'MAIN.q': 3, 'MAIN.rem': 2 },
);
conf(
  'function with STRING input and result',
  `FUNCTION Greet : STRING
VAR_INPUT n : STRING; END_VAR
Greet := CONCAT('Hi ', n);
END_FUNCTION
` + main('s : STRING;', "s := Greet('Bob');"),
  { 'MAIN.s': 'Hi Bob' },
);
conf(
  'function with REAL inputs and result',
  `FUNCTION Avg3 : REAL
VAR_INPUT a, b, c : REAL; END_VAR
Avg3 := (a + b + c) / 3.0;
END_FUNCTION
` + main('r : REAL;', 'r := Avg3(1.0, 2.0, 4.5);'),
  { 'MAIN.r': 2.5 },
);

// ---- function blocks --------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. 6.6.3 (function blocks): an instance keeps its variables between calls;
// Table 40 features: formal call `inst(IN := x)`, output assignment `Q => y`, `inst.Q` after the
// call, assigning an input outside the call `inst.IN := x`; inputs not given in a call keep their
// last value (6.6.3.2: "if no value is assigned, the input keeps its previous value").
const counter = `FUNCTION_BLOCK Counter
VAR_INPUT step : INT := 1; END_VAR
VAR_OUTPUT count : INT; END_VAR
count := count + step;
END_FUNCTION_BLOCK
`;
conf('FB instance keeps its state between scans', counter + main('c : Counter;', 'c();'), { 'MAIN.c.count': 5 }, { scans: 5 });
conf('two FB instances are independent', counter + main('c1 : Counter; c2 : Counter;', 'c1(step := 1); c2(step := 10);'), { 'MAIN.c1.count': 3, 'MAIN.c2.count': 30 }, { scans: 3 });
conf('FB input keeps its last value when a call omits it', counter + main('c : Counter; first : BOOL := TRUE;', 'IF first THEN c(step := 5); first := FALSE; ELSE c(); END_IF;'), { 'MAIN.c.count': 15, 'MAIN.c.step': 5 }, { scans: 3 });
conf('FB output argument count => y', counter + main('c : Counter; y : INT;', 'c(step := 2, count => y);'), { 'MAIN.y': 4 }, { scans: 2 });
conf('FB output read as inst.count right after the call', counter + main('c : Counter; before : INT; after : INT;', 'before := c.count; c(); after := c.count;'), { 'MAIN.before': 0, 'MAIN.after': 1 });
conf('FB input assigned outside the call: c.step := 3', counter + main('c : Counter;', 'c.step := 3; c();'), { 'MAIN.c.count': 6 }, { scans: 2 });
conf(
  'FB VAR_OUTPUT initial value is visible before the first call',
  `FUNCTION_BLOCK Init42
VAR_OUTPUT o : INT := 42; END_VAR
o := o + 1;
END_FUNCTION_BLOCK
` + main('f : Init42; seen : INT;', 'seen := f.o;'),
  { 'MAIN.seen': 42, 'MAIN.f.o': 42 },
);
conf(
  'FB VAR_TEMP is initialised on every call',
  `FUNCTION_BLOCK Tmp
VAR_OUTPUT o : INT; END_VAR
VAR_TEMP t : INT; END_VAR
t := t + 1;
o := o + t;
END_FUNCTION_BLOCK
` + main('f : Tmp;', 'f();'),
  { 'MAIN.f.o': 4 },
  { scans: 4 },
);
conf(
  'RETURN in an FB body skips the rest of that call only',
  `FUNCTION_BLOCK Half
VAR_OUTPUT calls : INT; odd : INT; END_VAR
calls := calls + 1;
IF calls MOD 2 = 0 THEN RETURN; END_IF;
odd := odd + 1;
END_FUNCTION_BLOCK
` + main('h : Half;', 'h();'),
  { 'MAIN.h.calls': 5, 'MAIN.h.odd': 3 },
  { scans: 5 },
);

// ---- VAR_IN_OUT: by reference -------------------------------------------------------------------------
// IEC 61131-3 3rd ed. 6.5.2.2 / Table 13 feature 3 (VAR_IN_OUT: the parameter is passed by
// reference — the FB operates on the caller's variable). Two in-out parameters bound to the same
// variable alias it: both updates land.
const inc = `FUNCTION_BLOCK Inc
VAR_IN_OUT v : INT; END_VAR
v := v + 1;
END_FUNCTION_BLOCK
`;
conf('VAR_IN_OUT: the FB changes the caller\'s variable', inc + main('i : Inc; x : INT := 10;', 'i(v := x);'), { 'MAIN.x': 13 }, { scans: 3 });
conf('VAR_IN_OUT bound to an array element', inc + main('i : Inc; a : ARRAY[1..3] OF INT := [1, 2, 3];', 'i(v := a[2]);'), { 'MAIN.a[1]': 1, 'MAIN.a[2]': 4, 'MAIN.a[3]': 3 }, { scans: 2 });
conf(
  'VAR_IN_OUT bound to a struct field',
  `TYPE Pt : STRUCT x : INT; y : INT; END_STRUCT END_TYPE
` + inc + main('i : Inc; p : Pt;', 'i(v := p.y);'),
  { 'MAIN.p.x': 0, 'MAIN.p.y': 2 },
  { scans: 2 },
);
conf(
  'VAR_IN_OUT: two parameters bound to one variable alias it (+1 twice)',
  `FUNCTION_BLOCK Twice
VAR_IN_OUT a : INT; b : INT; END_VAR
VAR_OUTPUT seen : INT; END_VAR
a := a + 1;
seen := b;
b := b + 1;
END_FUNCTION_BLOCK
` + main('t : Twice; x : INT := 5;', 't(a := x, b := x);'),
  { 'MAIN.x': 7, 'MAIN.t.seen': 6 },
);
conf(
  'VAR_IN_OUT sees a change the caller made between calls',
  `FUNCTION_BLOCK Peek
VAR_IN_OUT v : INT; END_VAR
VAR_OUTPUT got : INT; END_VAR
got := v;
END_FUNCTION_BLOCK
` + main('p : Peek; x : INT;', 'x := x + 7; p(v := x);'),
  { 'MAIN.p.got': 14 },
  { scans: 2 },
);

// ---- nested instances and arrays of instances -------------------------------------------------------------
// IEC 61131-3 3rd ed. 6.6.3.1 (FB instances may be declared inside FBs; instances may be array
// elements, Table 40 feature 6 "ARRAY OF function block instances" in the 3rd ed.).
const nested = `FUNCTION_BLOCK Inner
VAR_INPUT d : INT; END_VAR
VAR_OUTPUT total : INT; END_VAR
total := total + d;
END_FUNCTION_BLOCK
FUNCTION_BLOCK Outer
VAR a : Inner; b : Inner; END_VAR
VAR_OUTPUT sum : INT; END_VAR
a(d := 1);
b(d := 2);
sum := a.total + b.total;
END_FUNCTION_BLOCK
`;
conf('nested FB instances keep separate state', nested + main('o1 : Outer; o2 : Outer;', 'o1(); o1(); o2();'), { 'MAIN.o1.a.total': 4, 'MAIN.o1.b.total': 8, 'MAIN.o1.sum': 12, 'MAIN.o2.sum': 6 }, { scans: 2 });
const delay = `FUNCTION_BLOCK Delay
VAR_INPUT in : BOOL; END_VAR
VAR_OUTPUT q : BOOL; END_VAR
VAR t : TON; END_VAR
t(IN := in, PT := T#30ms);
q := t.Q;
END_FUNCTION_BLOCK
`;
confTrace('a TON inside a user FB runs on the scan clock', delay + main('d : Delay;', 'd(in := TRUE);'), 'MAIN.d.q', [false, false, false, true, true]);
conf('a TON inside a user FB: ET readable by path', delay + main('d : Delay;', 'd(in := TRUE);'), { 'MAIN.d.t.ET': 20, 'MAIN.d.t.Q': false }, { scans: 3 });
conf(
  'array of TON instances: each has its own PT and state',
  main('t : ARRAY[1..3] OF TON; i : DINT;', 'FOR i := 1 TO 3 DO t[i](IN := TRUE, PT := DINT_TO_TIME(i * 10)); END_FOR;'),
  { 'MAIN.t[1].Q': true, 'MAIN.t[2].Q': true, 'MAIN.t[3].Q': false, 'MAIN.t[3].ET': 20, 'MAIN.t[1].ET': 10 },
  { scans: 3 },
);
conf('array of user FB instances indexed by a variable', counter + main('cs : ARRAY[0..2] OF Counter; i : INT;', 'FOR i := 0 TO 2 DO cs[i](step := i + 1); END_FOR;'), { 'MAIN.cs[0].count': 2, 'MAIN.cs[1].count': 4, 'MAIN.cs[2].count': 6 }, { scans: 2 });
conf('array of FB instances: input assigned through the element', counter + main('cs : ARRAY[1..2] OF Counter;', 'cs[2].step := 5; cs[1](); cs[2]();'), { 'MAIN.cs[1].count': 1, 'MAIN.cs[2].count': 5 });

// ---- programs ------------------------------------------------------------------------------------------
// This compiler's decision (the task configuration of IEC 61131-3 3rd ed. 6.8.2 reduced to one
// cyclic task): every PROGRAM runs once per scan in declaration order; a PROGRAM called by another
// runs only when called. Globals: top-level VAR_GLOBAL, used through VAR_EXTERNAL (6.5.2.3).
conf(
  'programs run once per scan in declaration order (globals via VAR_EXTERNAL)',
  `VAR_GLOBAL g : INT; END_VAR
PROGRAM P1
VAR_EXTERNAL g : INT; END_VAR
VAR seen : INT; END_VAR
g := g + 1;
seen := g;
END_PROGRAM
PROGRAM P2
VAR_EXTERNAL g : INT; END_VAR
VAR seen : INT; END_VAR
g := g * 10;
seen := g;
END_PROGRAM
`,
  { G: 110, 'P1.seen': 11, 'P2.seen': 110 },
  { scans: 2 },
);
conf(
  'a program called by another program runs only when called',
  `PROGRAM Sub
VAR n : INT; END_VAR
n := n + 1;
END_PROGRAM
` + main('k : INT;', 'k := k + 1; IF k MOD 2 = 0 THEN Sub(); END_IF;'),
  { 'MAIN.k': 4, 'SUB.n': 2 },
  { scans: 4 },
);
conf(
  'global variable list read as G and as GVL.G (file GVL.st)',
  `VAR_GLOBAL limit : INT := 5; count : INT; END_VAR
` + main('', 'count := count + limit;').replace('VAR\n\nEND_VAR', 'VAR_EXTERNAL limit : INT; count : INT; END_VAR'),
  { 'GVL.limit': 5, limit: 5, 'GVL.count': 15, COUNT: 15 },
  { scans: 3, file: 'GVL.st' },
);
conf(
  'VAR_GLOBAL CONSTANT used as an array bound and in expressions',
  `VAR_GLOBAL CONSTANT N : INT := 4; END_VAR
PROGRAM MAIN
VAR_EXTERNAL CONSTANT N : INT; END_VAR
VAR a : ARRAY[1..N] OF INT; i : INT; s : INT; END_VAR
FOR i := 1 TO N DO a[i] := i * N; s := s + a[i]; END_FOR;
END_PROGRAM
`,
  { 'MAIN.a[4]': 16, 'MAIN.s': 40 },
);

// ---- constants and checks ------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. 6.5.1 / Table 13 (VAR CONSTANT); Annex E error "attempt by a program
// organization unit to modify a variable which has been declared CONSTANT" (reported when the
// program is prepared).
conf('VAR CONSTANT in an expression', 'PROGRAM MAIN\nVAR CONSTANT k : INT := 7; END_VAR\nVAR x : INT; END_VAR\nx := k * 2;\nEND_PROGRAM\n', { 'MAIN.x': 14, 'MAIN.k': 7 });
confRejects('assigning to a VAR CONSTANT is rejected', 'PROGRAM MAIN\nVAR CONSTANT k : INT := 7; END_VAR\nk := 8;\nEND_PROGRAM\n');
confRejects('an undeclared variable is rejected', main('x : INT;', 'y := 1;'));
confRejects('calling an undeclared function block instance is rejected', main('x : INT;', 'nope(IN := TRUE);'));

test('a program\'s FB instances survive across many scans and read back by path', () => {
  const p = compile(counter + main('c : Counter;', 'c(step := 3);'));
  scan(p, 100);
  expectValues(p, { 'MAIN.c.count': 300 });
});

test.run();
