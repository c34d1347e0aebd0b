// 64-bit integers (LINT, ULINT, LWORD) and LTIME: exact beyond 2^53 (read() gives a bigint),
// wraparound at 64 bits both ways.

import { test } from 'uvu';
import { conf, main } from '../harness.ts';

const LINT_MAX = 9223372036854775807n;
const LINT_MIN = -9223372036854775808n;
const ULINT_MAX = 18446744073709551615n;

// ---- wraparound ---------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. Table 10: LINT -2^63..2^63-1, ULINT 0..2^64-1, LWORD 64 bits. Overflow wraps
// (this compiler's decision, as for the narrower types; see integers.test.ts).
conf('LINT max + 1 wraps to LINT min', main('x : LINT := 9223372036854775807;', 'x := x + 1;'), { 'MAIN.x': LINT_MIN });
conf('LINT min - 1 wraps to LINT max', main('x : LINT := -9223372036854775807;', 'x := x - 2;'), { 'MAIN.x': LINT_MAX });
conf('ULINT max reads exactly', main('x : ULINT := 18446744073709551615;', ';'), { 'MAIN.x': ULINT_MAX });
conf('ULINT max + 1 wraps to 0', main('x : ULINT := 18446744073709551615;', 'x := x + 1;'), { 'MAIN.x': 0n });
conf('ULINT 0 - 1 wraps to max', main('x : ULINT;', 'x := x - 1;'), { 'MAIN.x': ULINT_MAX });
conf('LWORD 16#FFFF_FFFF_FFFF_FFFF + 1 wraps to 0', main('x : LWORD := 16#FFFF_FFFF_FFFF_FFFF;', 'x := x + 1;'), { 'MAIN.x': 0n });
conf('LWORD 0 - 1 wraps to all ones', main('x : LWORD;', 'x := x - 1;'), { 'MAIN.x': ULINT_MAX });
conf('LINT multiplication wraps: 2^32 * 2^32 = 0', main('x : LINT := 4294967296;', 'x := x * x;'), { 'MAIN.x': 0n });
conf('LINT multiplication wraps: 3 * 2^62 = -2^62', main('x : LINT := 4611686018427387904; y : LINT;', 'y := x * 3;'), { 'MAIN.y': -4611686018427387904n });

// ---- exactness beyond 2^53 ------------------------------------------------------------------------------
conf('LINT 2^53 + 1 is exact', main('x : LINT := 9007199254740992;', 'x := x + 1;'), { 'MAIN.x': 9007199254740993n });
conf('LINT multiplication beyond 2^53 is exact: 3037000499^2', main('x : LINT := 3037000499; y : LINT;', 'y := x * x;'), { 'MAIN.y': 9223372030926249001n });
conf('LINT 123456789012 * 1000003 is exact', main('x : LINT := 123456789012; y : LINT;', 'y := x * 1000003;'), { 'MAIN.y': 123457159382367036n });
conf('ULINT above 2^63 compares and divides as unsigned', main('x : ULINT := 18446744073709551615; b : BOOL; h : ULINT;', 'b := x > 1; h := x / 2;'), { 'MAIN.b': true, 'MAIN.h': 9223372036854775807n });
conf('LINT division truncates toward zero, MOD takes the dividend\'s sign', main('a : LINT := -9000000000000000007; q : LINT; r : LINT;', 'q := a / 2; r := a MOD 1000;'), { 'MAIN.q': -4500000000000000003n, 'MAIN.r': -7n });
conf('LINT max / 10', main('a : LINT := 9223372036854775807; q : LINT;', 'q := a / 10;'), { 'MAIN.q': 922337203685477580n });
conf('LINT comparison of values 1 apart beyond 2^53', main('a : LINT := 9007199254740993; b : LINT := 9007199254740992; gt : BOOL; eq : BOOL;', 'gt := a > b; eq := a = b;'), { 'MAIN.gt': true, 'MAIN.eq': false });

// ---- widening into 64 bits ---------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. Figure 11: DINT -> LINT, UDINT -> LINT, UDINT -> ULINT implicit.
conf('DINT + LINT is computed in LINT: 2147483647 + 1', main('d : DINT := 2147483647; one : LINT := 1; x : LINT;', 'x := d + one;'), { 'MAIN.x': 2147483648n });
conf('UDINT + LINT is computed in LINT: 4294967295 + 1', main('u : UDINT := 4294967295; one : LINT := 1; x : LINT;', 'x := u + one;'), { 'MAIN.x': 4294967296n });
conf('DINT overflow happens before widening on assignment to LINT', main('d : DINT := 2147483647; x : LINT;', 'x := d + 1;'), { 'MAIN.x': -2147483648n });

// ---- bit strings -----------------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. Tables 30 and 31 on LWORD (rotation within 64 bits).
conf('ROL on LWORD moves bit 63 to bit 0', main('w : LWORD := 16#8000_0000_0000_0001; x : LWORD;', 'x := ROL(w, 1);'), { 'MAIN.x': 3n });
conf('ROR on LWORD moves bit 0 to bit 63', main('w : LWORD := 1; x : LWORD;', 'x := ROR(w, 1);'), { 'MAIN.x': 9223372036854775808n });
conf('SHL on LWORD to bit 63, SHR back', main('w : LWORD := 1; x : LWORD; y : LWORD;', 'x := SHL(w, 63); y := SHR(x, 60);'), { 'MAIN.x': 9223372036854775808n, 'MAIN.y': 8n });
conf('NOT and XOR on LWORD', main('w : LWORD := 16#0F0F_0F0F_0F0F_0F0F; x : LWORD; y : LWORD;', 'x := NOT w; y := w XOR 16#FFFF_FFFF_0000_0000;'), { 'MAIN.x': 0xf0f0f0f0f0f0f0f0n, 'MAIN.y': 0xf0f0f0f00f0f0f0fn });
conf('bit access on LWORD bit 63', main('w : LWORD; b : BOOL;', 'w.63 := TRUE; b := w.63;'), { 'MAIN.w': 9223372036854775808n, 'MAIN.b': true });

// ---- conversions ----------------------------------------------------------------------------------------------
// Narrowing keeps the low bits (as integers.test.ts); LREAL rounds to the nearest double; LREAL to
// LINT rounds half to even (IEC 61131-3 2nd ed. Table 22 footnote b).
conf('LINT_TO_DINT(2^32 + 1) = 1 and LINT_TO_INT(-65537) = -1', main('a : LINT := 4294967297; b : LINT := -65537; x : DINT; y : INT;', 'x := LINT_TO_DINT(a); y := LINT_TO_INT(b);'), { 'MAIN.x': 1, 'MAIN.y': -1 });
conf('DINT_TO_LINT(-1) = -1 and UDINT_TO_ULINT(4294967295)', main('d : DINT := -1; u : UDINT := 4294967295; x : LINT; y : ULINT;', 'x := DINT_TO_LINT(d); y := UDINT_TO_ULINT(u);'), { 'MAIN.x': -1n, 'MAIN.y': 4294967295n });
conf('ULINT_TO_LINT(max) = -1 and LINT_TO_ULINT(-1) = max', main('u : ULINT := 18446744073709551615; l : LINT := -1; x : LINT; y : ULINT;', 'x := ULINT_TO_LINT(u); y := LINT_TO_ULINT(l);'), { 'MAIN.x': -1n, 'MAIN.y': ULINT_MAX });
conf('LINT_TO_LREAL(2^53 + 1) rounds to 2^53', main('a : LINT := 9007199254740993; x : LREAL;', 'x := LINT_TO_LREAL(a);'), { 'MAIN.x': 9007199254740992 });
conf('LREAL_TO_LINT(1e15 + 0.5) rounds half to even', main('a : LREAL := 1000000000000000.5; b : LREAL := 1000000000000001.5; x : LINT; y : LINT;', 'x := LREAL_TO_LINT(a); y := LREAL_TO_LINT(b);'), { 'MAIN.x': 1000000000000000n, 'MAIN.y': 1000000000000002n });
conf('LWORD_TO_DWORD keeps the low 32 bits', main('w : LWORD := 16#1234_5678_9ABC_DEF0; x : DWORD;', 'x := LWORD_TO_DWORD(w);'), { 'MAIN.x': 0x9abcdef0 });
conf('LINT_TO_STRING of a 19-digit value', main('a : LINT := -9223372036854775807; s : STRING;', 's := LINT_TO_STRING(a);'), { 'MAIN.s': '-9223372036854775807' });

// ---- LTIME ------------------------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. Table 10 (LTIME, 64-bit duration); CODESYS: LTIME resolution 1 ns.
conf('LTIME arithmetic in nanoseconds', main('a : LTIME := LTIME#1s; b : LTIME := LTIME#250us; c : LTIME;', 'c := a + b;'), { 'MAIN.c': 1000250000n });
conf('LTIME beyond the 32-bit millisecond range (30 days)', main('a : LTIME := LTIME#30d; b : LTIME;', 'b := a + a;'), { 'MAIN.b': 5184000000000000n });

test.run();
