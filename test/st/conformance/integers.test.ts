// Integer arithmetic, literals, bit strings, shifts and selection functions on the 8-, 16- and
// 32-bit types (64-bit types: int64.test.ts).

import { test } from 'uvu';
import { conf, main } from '../harness.ts';

// ---- wraparound at every width, both ways -----------------------------------------------------
// Ranges: IEC 61131-3 3rd ed. Table 10 (elementary data types: SINT -128..127, INT -32768..32767,
// DINT -2^31..2^31-1, USINT 0..255, UINT 0..65535, UDINT 0..2^32-1; BYTE/WORD/DWORD 8/16/32 bits).
// IEC Annex E lists "numerical result exceeds range for data type" as an error whose handling is
// implementation-defined; this compiler's decision: the result has the operands' type and wraps
// (two's complement). Arithmetic on BYTE/WORD/DWORD is a CODESYS extension ("ADD — permitted data
// types: ... BYTE ... WORD ... DWORD", content.helpme-codesys.com/en/CODESYS Development System/
// _cds_operator_add.html; IEC's ADD takes ANY_MAGNITUDE only).
conf('SINT wraps from 127 to -128', main('x : SINT := 127;', 'x := x + 1;'), { 'MAIN.x': -128 });
conf('SINT wraps from -128 to 127', main('x : SINT := -127;', 'x := x - 2;'), { 'MAIN.x': 127 });
conf('INT wraps from 32767 to -32768', main('x : INT := 32767;', 'x := x + 1;'), { 'MAIN.x': -32768 });
conf('INT wraps from -32768 to 32767', main('x : INT := -32767;', 'x := x - 2;'), { 'MAIN.x': 32767 });
conf('DINT wraps from 2147483647 to -2147483648', main('x : DINT := 2147483647;', 'x := x + 1;'), { 'MAIN.x': -2147483648 });
conf('DINT wraps from -2147483648 to 2147483647', main('x : DINT := -2147483647;', 'x := x - 2;'), { 'MAIN.x': 2147483647 });
conf('USINT wraps from 255 to 0', main('x : USINT := 255;', 'x := x + 1;'), { 'MAIN.x': 0 });
conf('USINT wraps from 0 to 255', main('x : USINT := 0;', 'x := x - 1;'), { 'MAIN.x': 255 });
conf('UINT wraps from 65535 to 0', main('x : UINT := 65535;', 'x := x + 1;'), { 'MAIN.x': 0 });
conf('UINT wraps from 0 to 65535', main('x : UINT;', 'x := x - 1;'), { 'MAIN.x': 65535 });
conf('UDINT wraps from 4294967295 to 0', main('x : UDINT := 4294967295;', 'x := x + 1;'), { 'MAIN.x': 0 });
conf('UDINT wraps from 0 to 4294967295', main('x : UDINT;', 'x := x - 1;'), { 'MAIN.x': 4294967295 });
conf('BYTE wraps from 16#FF to 0', main('x : BYTE := 16#FF;', 'x := x + 1;'), { 'MAIN.x': 0 });
conf('BYTE wraps from 0 to 16#FF', main('x : BYTE;', 'x := x - 1;'), { 'MAIN.x': 255 });
conf('WORD wraps from 16#FFFF to 0', main('x : WORD := 16#FFFF;', 'x := x + 1;'), { 'MAIN.x': 0 });
conf('WORD wraps from 0 to 16#FFFF', main('x : WORD;', 'x := x - 1;'), { 'MAIN.x': 65535 });
conf('DWORD wraps from 16#FFFFFFFF to 0', main('x : DWORD := 16#FFFFFFFF;', 'x := x + 1;'), { 'MAIN.x': 0 });
conf('DWORD wraps from 0 to 16#FFFFFFFF', main('x : DWORD;', 'x := x - 1;'), { 'MAIN.x': 4294967295 });
conf('SINT multiplication wraps: 100 * 2 = -56', main('x : SINT := 100;', 'x := x * 2;'), { 'MAIN.x': -56 });
conf('INT multiplication wraps: 300 * 300 = 24464', main('x : INT := 300;', 'x := x * x;'), { 'MAIN.x': 24464 });
conf('DINT multiplication wraps: 65537 * 65537 = 131073', main('x : DINT := 65537;', 'x := x * x;'), { 'MAIN.x': 131073 });
conf('USINT multiplication wraps: 16 * 17 = 16', main('x : USINT := 16;', 'x := x * 17;'), { 'MAIN.x': 16 });
conf('INT negation of -32768 wraps to -32768', main('x : INT := -32767; y : INT;', 'x := x - 1; y := -x;'), { 'MAIN.y': -32768 });
conf('INT -32768 / -1 wraps to -32768', main('x : INT := -32767; m : INT := -1; y : INT;', 'x := x - 1; y := x / m;'), { 'MAIN.y': -32768 });

// ---- the type of an expression: operands' type after IEC implicit widening ---------------------
// IEC 61131-3 3rd ed. 6.4.2 Figure 11 / Table 11 (implicit conversions SINT->INT->DINT->LINT,
// USINT->UINT->UDINT->ULINT, USINT->INT, UINT->DINT, UDINT->LINT, BYTE->WORD->DWORD->LWORD);
// Table 29 (ADD/SUB/MUL/DIV: output of the inputs' type). An untyped literal takes the other
// operand's type (this compiler's decision, as IEC's typing of literals by context).
// NOTE: CODESYS computes intermediates at register width (>= 32 bits) and does NOT truncate them
// ("Operators — Overflow/underflow in the data type", example 1: WORD 65535 + 1 assigned to a
// DWORD gives 65536; example 2: (wVar1 + 1) = wVar2 is FALSE; content.helpme-codesys.com/en/
// CODESYS Development System/_cds_struct_reference_operators.html). The tests below follow this
// compiler's documented decision (wrap at the operand type), not CODESYS's.
conf('INT overflow wraps inside a larger expression: (32767 + 1) / 2 = -16384', main('x : INT := 32767; y : INT;', 'y := (x + 1) / 2;'), { 'MAIN.y': -16384 });
conf('INT + untyped literal is INT even when assigned to DINT', main('x : INT := 32767; d : DINT;', 'd := x + 1;'), { 'MAIN.d': -32768 });
conf('WORD 16#FFFF + 1 = 0 compares TRUE (operand width, not register width)', main('w : WORD := 16#FFFF; z : WORD; b : BOOL;', 'b := (w + 1) = z;'), { 'MAIN.b': true });
conf('INT + DINT widens to DINT: 32767 + 1 = 32768', main('i : INT := 32767; one : DINT := 1; d : DINT;', 'd := i + one;'), { 'MAIN.d': 32768 });
conf('USINT + INT widens to INT: 200 + 100 = 300', main('u : USINT := 200; i : INT := 100; r : INT;', 'r := u + i;'), { 'MAIN.r': 300 });
conf('USINT + USINT stays USINT: 200 + 200 = 144', main('u : USINT := 200; r : INT;', 'r := u + u;'), { 'MAIN.r': 144 });
conf('UINT + DINT widens to DINT: 65535 + 1 = 65536', main('u : UINT := 65535; one : DINT := 1; d : DINT;', 'd := u + one;'), { 'MAIN.d': 65536 });
conf('SINT + INT widens to INT: 127 + 1 = 128', main('s : SINT := 127; one : INT := 1; r : INT;', 'r := s + one;'), { 'MAIN.r': 128 });
conf('BYTE widened to WORD keeps the value', main('b : BYTE := 16#FF; w : WORD := 16#0100; r : WORD;', 'r := b OR w;'), { 'MAIN.r': 0x1ff });

// ---- integer division and MOD ------------------------------------------------------------------
// IEC 61131-3 2nd ed. Table 24 / 3rd ed. Table 29: integer division truncates toward zero;
// MOD is defined as IN1 - (IN1 / IN2) * IN2, so its sign is the dividend's (CODESYS: as C).
conf('integer division truncates toward zero: 7 / 2 = 3', main('a : INT := 7; r : INT;', 'r := a / 2;'), { 'MAIN.r': 3 });
conf('integer division truncates toward zero: -7 / 2 = -3', main('a : INT := -7; r : INT;', 'r := a / 2;'), { 'MAIN.r': -3 });
conf('integer division truncates toward zero: 7 / -2 = -3', main('a : DINT := 7; b : DINT := -2; r : DINT;', 'r := a / b;'), { 'MAIN.r': -3 });
conf('integer division truncates toward zero: -7 / -2 = 3', main('a : DINT := -7; b : DINT := -2; r : DINT;', 'r := a / b;'), { 'MAIN.r': 3 });
conf('MOD takes the sign of the dividend: 7 MOD 3 = 1', main('a : INT := 7; r : INT;', 'r := a MOD 3;'), { 'MAIN.r': 1 });
conf('MOD takes the sign of the dividend: -7 MOD 3 = -1', main('a : INT := -7; r : INT;', 'r := a MOD 3;'), { 'MAIN.r': -1 });
conf('MOD takes the sign of the dividend: 7 MOD -3 = 1', main('a : DINT := 7; b : DINT := -3; r : DINT;', 'r := a MOD b;'), { 'MAIN.r': 1 });
conf('MOD takes the sign of the dividend: -7 MOD -3 = -1', main('a : DINT := -7; b : DINT := -3; r : DINT;', 'r := a MOD b;'), { 'MAIN.r': -1 });
conf('unsigned division: UDINT 4294967295 / 2 = 2147483647', main('a : UDINT := 4294967295; r : UDINT;', 'r := a / 2;'), { 'MAIN.r': 2147483647 });

// ---- literals ----------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. Table 5 (numeric literals: 16#, 8#, 2#, underscores, typed literals INT#...).
conf('based and underscored integer literals', main('a : INT; b : INT; c : INT; d : DINT; e : INT;', 'a := 16#FF; b := 2#1010; c := 8#17; d := 1_000_000; e := 16#7F_FF;'), {
  'MAIN.a': 255,
  'MAIN.b': 10,
  'MAIN.c': 15,
  'MAIN.d': 1000000,
  'MAIN.e': 32767,
});
conf('typed literals: INT#-5, DINT#16#10, BYTE#2#1000_0001', main('a : INT; b : DINT; c : BYTE;', 'a := INT#-5; b := DINT#16#10; c := BYTE#2#1000_0001;'), { 'MAIN.a': -5, 'MAIN.b': 16, 'MAIN.c': 129 });
conf('negative initial values at the type minimum: INT -32768, SINT -128', main('a : INT := -32768; b : SINT := -128; c : DINT := -2147483648;', ';'), { 'MAIN.a': -32768, 'MAIN.b': -128, 'MAIN.c': -2147483648 });

// ---- operator precedence -----------------------------------------------------------------------
// IEC 61131-3 3rd ed. Table 71 (ST operators by precedence: * / MOD before + -, comparisons
// before AND, AND before XOR before OR).
conf('* binds tighter than +', main('a : INT; b : INT;', 'a := 2 + 3 * 4; b := (2 + 3) * 4;'), { 'MAIN.a': 14, 'MAIN.b': 20 });
conf('MOD binds like * and /', main('a : INT;', 'a := 10 - 7 MOD 4 * 2;'), { 'MAIN.a': 4 });
conf('AND binds tighter than OR, XOR between them', main('a : BOOL; b : BOOL; c : BOOL;', 'a := TRUE OR FALSE AND FALSE; b := TRUE XOR TRUE AND FALSE; c := FALSE AND TRUE OR TRUE;'), { 'MAIN.a': true, 'MAIN.b': true, 'MAIN.c': true });
conf('comparisons bind tighter than AND', main('a : BOOL; x : INT := 5;', 'a := x > 1 AND x < 10;'), { 'MAIN.a': true });
conf('subtraction is left associative', main('a : INT;', 'a := 10 - 3 - 2;'), { 'MAIN.a': 5 });
conf('unary minus on a parenthesised expression', main('a : INT := 3; b : INT;', 'b := -(a + 2) * 2;'), { 'MAIN.b': -10 });

// ---- bitwise operators on bit strings ----------------------------------------------------------
// IEC 61131-3 3rd ed. Table 30 (bitwise Boolean functions AND, OR, XOR, NOT on ANY_BIT).
conf('BYTE AND / OR / XOR', main('a : BYTE := 16#F0; b : BYTE := 16#3C; x : BYTE; y : BYTE; z : BYTE;', 'x := a AND b; y := a OR b; z := a XOR b;'), { 'MAIN.x': 0x30, 'MAIN.y': 0xfc, 'MAIN.z': 0xcc });
conf('NOT on BYTE, WORD, DWORD complements within the width', main('a : BYTE := 16#0F; b : WORD; c : DWORD := 16#0000FFFF; x : BYTE; y : WORD; z : DWORD;', 'x := NOT a; y := NOT b; z := NOT c;'), { 'MAIN.x': 0xf0, 'MAIN.y': 0xffff, 'MAIN.z': 0xffff0000 });
conf('& is AND', main('a : WORD := 16#1234; r : WORD;', 'r := a & 16#00FF;'), { 'MAIN.r': 0x34 });
conf('BOOL NOT / XOR', main('a : BOOL := TRUE; x : BOOL; y : BOOL;', 'x := NOT a; y := a XOR TRUE;'), { 'MAIN.x': false, 'MAIN.y': false });

// ---- shifts and rotations ----------------------------------------------------------------------
// IEC 61131-3 3rd ed. Table 31 (SHL, SHR, ROL, ROR on ANY_BIT, rotating within the width).
// Values from CODESYS "Operator: SHL / SHR / ROL / ROR" examples: BYTE 16#45 SHL 2 = 16#14,
// WORD 16#45 SHL 2 = 16#0114, BYTE 16#45 SHR 2 = 16#11, BYTE 16#45 ROL 2 = 16#15,
// WORD 16#45 ROL 2 = 16#0114, BYTE 16#45 ROR 2 = 16#51, WORD 16#45 ROR 2 = 16#4011.
conf('SHL within BYTE and WORD', main('b : BYTE := 16#45; w : WORD := 16#45; x : BYTE; y : WORD;', 'x := SHL(b, 2); y := SHL(w, 2);'), { 'MAIN.x': 0x14, 'MAIN.y': 0x0114 });
conf('SHR on BYTE', main('b : BYTE := 16#45; x : BYTE;', 'x := SHR(b, 2);'), { 'MAIN.x': 0x11 });
conf('ROL rotates within BYTE and within WORD', main('b : BYTE := 16#45; w : WORD := 16#45; x : BYTE; y : WORD;', 'x := ROL(b, 2); y := ROL(w, 2);'), { 'MAIN.x': 0x15, 'MAIN.y': 0x0114 });
conf('ROR rotates within BYTE and within WORD', main('b : BYTE := 16#45; w : WORD := 16#45; x : BYTE; y : WORD;', 'x := ROR(b, 2); y := ROR(w, 2);'), { 'MAIN.x': 0x51, 'MAIN.y': 0x4011 });
conf('ROR on DWORD moves bit 0 to bit 31', main('d : DWORD := 1; x : DWORD;', 'x := ROR(d, 1);'), { 'MAIN.x': 0x80000000 });
conf('SHL on DWORD to bit 31 and SHR back', main('d : DWORD := 1; x : DWORD; y : DWORD;', 'x := SHL(d, 31); y := SHR(x, 31);'), { 'MAIN.x': 0x80000000, 'MAIN.y': 1 });
conf('ROL on WORD 16#8001 by 4', main('w : WORD := 16#8001; x : WORD;', 'x := ROL(w, 4);'), { 'MAIN.x': 0x0018 });
conf('formal SHL call: SHL(IN := b, N := 3)', main('b : BYTE := 16#11; x : BYTE;', 'x := SHL(IN := b, N := 3);'), { 'MAIN.x': 0x88 });

// ---- selection and numeric functions on integers -----------------------------------------------
// IEC 61131-3 3rd ed. Table 32 (SEL, MAX, MIN, LIMIT, MUX; MAX/MIN/MUX extensible) and Table 28
// (ABS). SEL(G, IN0, IN1): IN0 when G is FALSE. LIMIT(MN, IN, MX) = MIN(MAX(IN, MN), MX).
conf('MAX and MIN with two and more arguments', main('a : INT; b : INT; c : DINT;', 'a := MAX(3, 7, 5); b := MIN(-3, 2); c := MIN(10, 4, 8, 6);'), { 'MAIN.a': 7, 'MAIN.b': -3, 'MAIN.c': 4 });
conf('LIMIT clamps at both ends and passes values inside', main('a : INT; b : INT; c : INT;', 'a := LIMIT(0, 150, 100); b := LIMIT(0, -5, 100); c := LIMIT(0, 42, 100);'), { 'MAIN.a': 100, 'MAIN.b': 0, 'MAIN.c': 42 });
conf('SEL picks IN0 on FALSE and IN1 on TRUE', main('a : INT; b : INT; g : BOOL := TRUE;', 'a := SEL(FALSE, 10, 20); b := SEL(g, 10, 20);'), { 'MAIN.a': 10, 'MAIN.b': 20 });
conf('MUX selects by a 0-based index', main('a : INT; b : INT; k : INT := 2;', 'a := MUX(0, 10, 20, 30); b := MUX(k, 10, 20, 30);'), { 'MAIN.a': 10, 'MAIN.b': 30 });
conf('ABS on INT and DINT', main('a : INT := -5; b : DINT := -100000; x : INT; y : DINT;', 'x := ABS(a); y := ABS(b);'), { 'MAIN.x': 5, 'MAIN.y': 100000 });
conf('comparisons on signed and unsigned integers', main('a : INT := -1; b : INT := 1; u : UDINT := 4294967295; x : BOOL; y : BOOL; z : BOOL;', 'x := a < b; y := u > 1; z := a <> b;'), { 'MAIN.x': true, 'MAIN.y': true, 'MAIN.z': true });

test.run();
