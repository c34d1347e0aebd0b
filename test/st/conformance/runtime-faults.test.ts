// Runtime faults: array index out of range, integer division by zero, the watchdog. A fault puts
// the program in STOP with program.fault describing it; scans then do nothing until reset().

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, conf, expectRunning, expectValues, lineOf, main, scan, type StProgram } from '../harness.ts';

function expectFault(p: StProgram, kind: 'index' | 'divzero' | 'watchdog' | 'assert', line: number | null, scanNo: number | null): void {
  assert.is(p.status, 'stop', 'status');
  const f = p.fault;
  if (f === null) throw new Error('expected a fault, program.fault is null');
  assert.is(f.kind, kind, `fault kind (message: ${f.message})`);
  assert.is(f.file, 'case.st', 'fault file');
  if (line !== null) assert.is(f.line, line, `fault line (message: ${f.message})`);
  if (scanNo !== null) assert.is(f.scan, scanNo, 'fault scan');
  assert.ok(Number.isInteger(f.col) && f.col >= 1, 'fault col is a 1-based column');
  assert.type(f.message, 'string');
}

// ---- array index out of range ------------------------------------------------------------------------
// IEC 61131-3 3rd ed. Annex E (errors): "value of an array subscript out of the declared range"
// is an error; this compiler's decision: fault.kind 'index' at the line of the access, STOP.
// (CODESYS reaches the same with the implicit check function CheckBounds.)
const outOfRange = `PROGRAM MAIN
VAR
  a : ARRAY[1..3] OF INT;
  i : INT;
  n : INT;
END_VAR
n := n + 1;
i := i + 1;
a[i] := n; (*access*)
END_PROGRAM
`;
test('index above the upper bound: STOP, kind index, line and scan of the access', () => {
  const p = compile(outOfRange);
  scan(p, 3);
  expectRunning(p, 'after scans 0..2 (i = 1..3)');
  expectValues(p, { 'MAIN.a[3]': 3 });
  scan(p, 1);
  expectFault(p, 'index', lineOf(outOfRange, '(*access*)'), 3);
});
test('after an index fault further scans do nothing', () => {
  const p = compile(outOfRange);
  scan(p, 4);
  expectFault(p, 'index', null, 3);
  const n = p.read('MAIN.n');
  scan(p, 5);
  expectValues(p, { 'MAIN.n': n as number, 'MAIN.i': 4 });
  assert.is(p.status, 'stop');
  assert.is(p.fault?.scan, 3, 'the fault stays the first one');
});
test('reset() restarts with initial values and status run', () => {
  const p = compile(outOfRange);
  scan(p, 4);
  assert.is(p.status, 'stop');
  p.reset();
  expectRunning(p, 'after reset');
  expectValues(p, { 'MAIN.n': 0, 'MAIN.i': 0, 'MAIN.a[1]': 0 });
  scan(p, 2);
  expectRunning(p);
  expectValues(p, { 'MAIN.n': 2, 'MAIN.a[2]': 2 });
  scan(p, 2);
  expectFault(p, 'index', lineOf(outOfRange, '(*access*)'), 3);
});
const below = main('a : ARRAY[1..3] OF INT; i : INT; x : INT;', 'x := 1;\nx := a[i]; (*read*)\nx := 2;');
test('index below the lower bound on a read access', () => {
  const p = compile(below);
  scan(p, 1);
  expectFault(p, 'index', lineOf(below, '(*read*)'), 0);
  expectValues(p, { 'MAIN.x': 1 });
});
const twoD = main('m : ARRAY[0..2, 0..1] OF INT; j : INT := 2;', 'm[1, 1] := 5;\nm[1, j] := 6; (*second*)');
test('index out of range in the second dimension', () => {
  const p = compile(twoD);
  scan(p, 1);
  expectFault(p, 'index', lineOf(twoD, '(*second*)'), 0);
  expectValues(p, { 'MAIN.m[1,1]': 5 });
});
const negBounds = main('a : ARRAY[-5..-1] OF INT; i : INT;', 'a[-5] := 1;\na[i] := 2; (*zero*)');
test('index 0 outside negative bounds', () => {
  const p = compile(negBounds);
  scan(p, 1);
  expectFault(p, 'index', lineOf(negBounds, '(*zero*)'), 0);
});
const inFb = `FUNCTION_BLOCK Buf
VAR_INPUT k : INT; END_VAR
VAR data : ARRAY[0..3] OF INT; END_VAR
data[k] := k; (*fbaccess*)
END_FUNCTION_BLOCK
PROGRAM MAIN
VAR b : Buf; k : INT; END_VAR
b(k := k);
k := k + 1;
END_PROGRAM
`;
test('index fault inside a function block body reports the FB\'s line', () => {
  const p = compile(inFb);
  scan(p, 4);
  expectRunning(p);
  scan(p, 1);
  expectFault(p, 'index', lineOf(inFb, '(*fbaccess*)'), 4);
});
const fbArray = main('t : ARRAY[1..2] OF TON; i : INT;', 'i := i + 1;\nt[i](IN := TRUE, PT := T#1s); (*fbidx*)');
test('index fault on an array of FB instances', () => {
  const p = compile(fbArray);
  scan(p, 3);
  expectFault(p, 'index', lineOf(fbArray, '(*fbidx*)'), 2);
});

// ---- integer division by zero --------------------------------------------------------------------------
// IEC 61131-3 3rd ed. Annex E: "division by zero" is an error; this compiler's decision: fault.kind
// 'divzero' at the line of the division, STOP. REAL division by zero is IEEE (reals.test.ts).
const divInt = main('a : INT := 10; d : INT; x : INT;', 'x := 1;\nx := a / d; (*div*)\nx := 2;');
test('INT division by zero: STOP, kind divzero, line of the division', () => {
  const p = compile(divInt);
  scan(p, 1);
  expectFault(p, 'divzero', lineOf(divInt, '(*div*)'), 0);
  expectValues(p, { 'MAIN.x': 1 });
});
const divLater = main('d : DINT := 3; x : DINT;', 'd := d - 1;\nx := 100 / d; (*later*)');
test('DINT division by zero in a later scan reports that scan', () => {
  const p = compile(divLater);
  scan(p, 2);
  expectRunning(p);
  expectValues(p, { 'MAIN.x': 100 });
  scan(p, 1);
  expectFault(p, 'divzero', lineOf(divLater, '(*later*)'), 2);
});
const divLint = main('a : LINT := 10; d : LINT; x : LINT;', 'x := a / d; (*lint*)');
test('LINT division by zero faults', () => {
  const p = compile(divLint);
  scan(p, 1);
  expectFault(p, 'divzero', lineOf(divLint, '(*lint*)'), 0);
});
const divInFn = `FUNCTION Ratio : INT
VAR_INPUT a : INT; b : INT; END_VAR
Ratio := a / b; (*fn*)
END_FUNCTION
PROGRAM MAIN
VAR r : INT; END_VAR
r := Ratio(6, 0);
END_PROGRAM
`;
test('division by zero inside a function reports the function\'s line', () => {
  const p = compile(divInFn);
  scan(p, 1);
  expectFault(p, 'divzero', lineOf(divInFn, '(*fn*)'), 0);
});

// MOD by zero. IEC 61131-3 2nd ed. Table 24 / 3rd ed. Table 29 define MOD by the ST statement
// "IF (IN2 = 0) THEN OUT := 0; ELSE OUT := IN1 - (IN1/IN2)*IN2; END_IF" — MOD by zero is 0, not an
// error (Fernhill's and other IEC references quote it the same way). This differs from the
// decision "integer division or MOD by zero is a runtime fault"; the test follows the standard.
conf('MOD by zero gives 0 without a fault (IEC Table 29 definition of MOD)', main('a : INT := 7; d : INT; r : INT := 99;', 'r := a MOD d;'), { 'MAIN.r': 0 });
conf('DINT MOD by zero gives 0 without a fault', main('a : DINT := -7; d : DINT; r : DINT := 99;', 'r := a MOD d;'), { 'MAIN.r': 0 });

// ---- watchdog -------------------------------------------------------------------------------------------
// This compiler's decision: a scan that does not finish within the watchdog (default 100 ms of wall
// time) stops the program with fault.kind 'watchdog' (IEC 61131-3 Annex E: "a task fails to be
// scheduled or to meet its execution deadline" is an error).
const endless = main('n : DINT;', 'n := n + 1;\nWHILE TRUE DO (*loop*)\nEND_WHILE;');
test('WHILE TRUE DO END_WHILE trips the watchdog', () => {
  const p = compile(endless);
  scan(p, 1);
  expectFault(p, 'watchdog', null, 0);
  expectValues(p, { 'MAIN.n': 1 });
  scan(p, 1);
  expectValues(p, { 'MAIN.n': 1 });
});
const endlessRepeat = main('n : DINT;', 'REPEAT n := n + 1; UNTIL FALSE END_REPEAT;');
test('REPEAT ... UNTIL FALSE trips the watchdog, and reset() recovers', () => {
  const p = compile(endlessRepeat);
  scan(p, 1);
  expectFault(p, 'watchdog', null, 0);
  p.reset();
  expectRunning(p);
  expectValues(p, { 'MAIN.n': 0 });
});

// ---- no fault --------------------------------------------------------------------------------------------
test('a healthy program reports status run and no fault', () => {
  const p = compile(main('a : ARRAY[1..3] OF INT; i : INT;', 'i := i MOD 3 + 1; a[i] := a[i] + 1;'));
  scan(p, 30);
  expectRunning(p);
  assert.is(p.fault, null);
  expectValues(p, { 'MAIN.a[1]': 10, 'MAIN.a[3]': 10 });
});

test.run();
