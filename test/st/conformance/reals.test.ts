// REAL (IEC 60559 single) against LREAL (double): every REAL result is rounded to float32;
// REAL op LREAL is LREAL; division by zero follows IEEE (no fault); the numeric functions.

import { test } from 'uvu';
import { conf, f32, main, runSt, expectRunning, expectValues } from '../harness.ts';

// ---- precision -----------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. Table 10: REAL is IEC 60559 basic single width (32 bit), LREAL basic double
// width (64 bit). Beckhoff InfoSys "REAL/LREAL": "floating-point types according to IEEE 754".
conf('REAL 0.1 reads as the float32 nearest 0.1', main('r : REAL := 0.1; l : LREAL := 0.1;', ';'), { 'MAIN.r': f32(0.1), 'MAIN.l': 0.1 });
conf('REAL 0.1 + 0.2 is rounded to float32', main('a : REAL := 0.1; b : REAL := 0.2; r : REAL;', 'r := a + b;'), { 'MAIN.r': f32(f32(0.1) + f32(0.2)) });
conf('LREAL 0.1 + 0.2 = 0.30000000000000004', main('a : LREAL := 0.1; b : LREAL := 0.2; r : LREAL;', 'r := a + b;'), { 'MAIN.r': 0.1 + 0.2 });
conf('REAL 16777216 + 1 stays 16777216 (24-bit mantissa)', main('a : REAL := 16777216.0; r : REAL;', 'r := a + 1.0;'), { 'MAIN.r': 16777216 });
conf('LREAL 16777216 + 1 = 16777217', main('a : LREAL := 16777216.0; r : LREAL;', 'r := a + 1.0;'), { 'MAIN.r': 16777217 });
conf('REAL 1 / 3 is the float32 quotient', main('a : REAL := 1.0; b : REAL := 3.0; r : REAL;', 'r := a / b;'), { 'MAIN.r': f32(1 / 3) });
conf('LREAL 1 / 3 is the double quotient', main('a : LREAL := 1.0; b : LREAL := 3.0; r : LREAL;', 'r := a / b;'), { 'MAIN.r': 1 / 3 });
conf('REAL multiplication overflows to +infinity, LREAL does not', main('a : REAL := 3.0E38; b : LREAL := 3.0E38; r : REAL; l : LREAL;', 'r := a * 10.0; l := b * 10.0;'), { 'MAIN.r': Infinity, 'MAIN.l': 3.0e39 });

test('REAL accumulation rounds after every addition', () => {
  const p = runSt(main('acc : REAL; i : INT;', 'FOR i := 1 TO 10 DO acc := acc + 0.1; END_FOR;'));
  let acc = 0;
  for (let k = 0; k < 10; k++) acc = f32(acc + f32(0.1));
  expectRunning(p);
  expectValues(p, { 'MAIN.acc': acc });
});

test('REAL accumulates across scans with float32 rounding', () => {
  const p = runSt(main('acc : REAL;', 'acc := acc + 0.01;'), 100);
  let acc = 0;
  for (let k = 0; k < 100; k++) acc = f32(acc + f32(0.01));
  expectValues(p, { 'MAIN.acc': acc });
});

// ---- mixed REAL / LREAL ----------------------------------------------------------------------------
// IEC 61131-3 3rd ed. Figure 11: REAL -> LREAL is an implicit (widening) conversion; the
// expression is then LREAL. An untyped real literal takes the other operand's type.
conf('REAL + LREAL is computed in LREAL', main('r : REAL := 0.1; l : LREAL := 0.2; x : LREAL;', 'x := r + l;'), { 'MAIN.x': f32(0.1) + 0.2 });
conf('REAL 0.1 = LREAL 0.1 is FALSE (the REAL is widened exactly)', main('r : REAL := 0.1; l : LREAL := 0.1; b : BOOL;', 'b := r = l;'), { 'MAIN.b': false });
conf('REAL 0.1 = untyped 0.1 is TRUE (the literal is REAL)', main('r : REAL := 0.1; b : BOOL;', 'b := r = 0.1;'), { 'MAIN.b': true });
conf('typed real literals REAL#1.5 and LREAL#1.0E-3', main('r : REAL; l : LREAL;', 'r := REAL#1.5; l := LREAL#1.0E-3;'), { 'MAIN.r': 1.5, 'MAIN.l': 0.001 });
conf('exponent notation 1.5E3 and 2.0E-2', main('r : REAL := 1.5E3; l : LREAL := 2.0E-2;', ';'), { 'MAIN.r': 1500, 'MAIN.l': 0.02 });

// ---- division by zero -------------------------------------------------------------------------------
// IEC 60559 (referenced by IEC 61131-3 Table 10): x/0 = ±inf, 0/0 = NaN. This compiler: no fault.
conf('REAL 1 / 0 = +inf without a fault', main('a : REAL := 1.0; z : REAL; r : REAL;', 'r := a / z;'), { 'MAIN.r': Infinity });
conf('LREAL -1 / 0 = -inf without a fault', main('a : LREAL := -1.0; z : LREAL; r : LREAL;', 'r := a / z;'), { 'MAIN.r': -Infinity });
conf('REAL 0 / 0 = NaN without a fault', main('z : REAL; r : REAL; b : BOOL;', 'r := z / z; b := r = r;'), { 'MAIN.r': NaN, 'MAIN.b': false });

// ---- numeric functions --------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. Table 28 (ABS, SQRT, LN, LOG = base 10, EXP, SIN, COS, TAN, ASIN, ACOS,
// ATAN) and Table 29 (EXPT). On REAL the result is rounded to float32.
conf('SQRT on REAL and LREAL', main('r : REAL := 2.0; l : LREAL := 2.0; x : REAL; y : LREAL;', 'x := SQRT(r); y := SQRT(l);'), { 'MAIN.x': f32(Math.SQRT2), 'MAIN.y': Math.SQRT2 });
conf('LN, LOG (base 10) and EXP on LREAL', main('a : LREAL := 10.0; x : LREAL; y : LREAL; z : LREAL; one : LREAL := 1.0;', 'x := LN(a); y := LOG(a * a); z := EXP(one);'), { 'MAIN.x': Math.log(10), 'MAIN.y': 2, 'MAIN.z': Math.E });
conf('SIN, COS, TAN on LREAL', main('a : LREAL := 0.5; x : LREAL; y : LREAL; z : LREAL;', 'x := SIN(a); y := COS(a); z := TAN(a);'), { 'MAIN.x': Math.sin(0.5), 'MAIN.y': Math.cos(0.5), 'MAIN.z': Math.tan(0.5) });
conf('ASIN, ACOS, ATAN on LREAL', main('one : LREAL := 1.0; x : LREAL; y : LREAL; z : LREAL;', 'x := ASIN(one); y := ACOS(one); z := ATAN(one);'), { 'MAIN.x': Math.PI / 2, 'MAIN.y': 0, 'MAIN.z': Math.PI / 4 });
conf('SIN on REAL is rounded to float32', main('a : REAL := 0.5; x : REAL;', 'x := SIN(a);'), { 'MAIN.x': f32(Math.sin(0.5)) });
conf('ABS on REAL and LREAL', main('a : REAL := -2.5; b : LREAL := -1.0E300; x : REAL; y : LREAL;', 'x := ABS(a); y := ABS(b);'), { 'MAIN.x': 2.5, 'MAIN.y': 1e300 });
conf('EXPT with a REAL base gives REAL', main('b : REAL := 2.0; x : REAL; y : REAL;', 'x := b ** 3.0; y := EXPT(b, 0.5);'), { 'MAIN.x': 8, 'MAIN.y': f32(Math.SQRT2) });
conf('EXPT with an LREAL base gives LREAL', main('b : LREAL := 2.0; x : LREAL;', 'x := b ** 0.5;'), { 'MAIN.x': Math.SQRT2 });
conf('EXPT with integer operands gives LREAL', main('i : INT := 2; x : LREAL;', 'x := i ** 10;'), { 'MAIN.x': 1024 });
conf('EXPT with a negative integer exponent', main('b : LREAL := 10.0; x : LREAL;', 'x := b ** -1;'), { 'MAIN.x': 0.1 });
conf('MAX / MIN / LIMIT on LREAL', main('x : LREAL; y : LREAL; z : LREAL;', 'x := MAX(1.5, 2.5, -3.0); y := MIN(1.5, 2.5, -3.0); z := LIMIT(0.0, 1.25, 1.0);'), { 'MAIN.x': 2.5, 'MAIN.y': -3, 'MAIN.z': 1 });
conf('REAL comparison operators', main('a : REAL := 1.5; b : REAL := 2.5; x : BOOL; y : BOOL; z : BOOL;', 'x := a < b; y := a >= b; z := a <> b;'), { 'MAIN.x': true, 'MAIN.y': false, 'MAIN.z': true });
conf('unary minus on REAL', main('a : REAL := 1.5; x : REAL;', 'x := -a * 2.0;'), { 'MAIN.x': -3 });

test.run();
