// The standard function blocks of IEC 61131-3 (2nd ed. 2.5.2.3, 3rd ed. 6.6.3.5): timers,
// counters, edge detection and bistables, written in ST as the standard's own definitions and
// compiled with every program. Timers read the scan clock (__CLOCK: controller milliseconds, scans
// x cycle), never the wall clock, so a 10-minute TON takes ten simulated minutes.

import type { SourceFile } from './ast.ts';

export const STDLIB_FILE = '<iec-standard-library>';

export const STDLIB: SourceFile = {
  file: STDLIB_FILE,
  text: `
FUNCTION_BLOCK TON
VAR_INPUT IN : BOOL; PT : TIME; END_VAR
VAR_OUTPUT Q : BOOL; ET : TIME; END_VAR
VAR running : BOOL; start : TIME; END_VAR
IF IN THEN
  IF NOT running THEN
    running := TRUE;
    start := __CLOCK();
  END_IF;
  ET := __CLOCK() - start;
  IF ET >= PT THEN
    ET := PT;
    Q := TRUE;
  END_IF;
ELSE
  running := FALSE;
  Q := FALSE;
  ET := T#0ms;
END_IF;
END_FUNCTION_BLOCK

FUNCTION_BLOCK TOF
VAR_INPUT IN : BOOL; PT : TIME; END_VAR
VAR_OUTPUT Q : BOOL; ET : TIME; END_VAR
VAR timing : BOOL; start : TIME; END_VAR
IF IN THEN
  Q := TRUE;
  ET := T#0ms;
  timing := FALSE;
ELSIF Q THEN
  IF NOT timing THEN
    timing := TRUE;
    start := __CLOCK();
  END_IF;
  ET := __CLOCK() - start;
  IF ET >= PT THEN
    ET := PT;
    Q := FALSE;
    timing := FALSE;
  END_IF;
END_IF;
END_FUNCTION_BLOCK

FUNCTION_BLOCK TP
VAR_INPUT IN : BOOL; PT : TIME; END_VAR
VAR_OUTPUT Q : BOOL; ET : TIME; END_VAR
VAR start : TIME; prevIn : BOOL; END_VAR
IF IN AND NOT prevIn AND NOT Q AND ET = T#0ms THEN
  Q := TRUE;
  start := __CLOCK();
END_IF;
IF Q THEN
  ET := __CLOCK() - start;
  IF ET >= PT THEN
    ET := PT;
    Q := FALSE;
  END_IF;
ELSIF NOT IN THEN
  ET := T#0ms;
END_IF;
prevIn := IN;
END_FUNCTION_BLOCK

FUNCTION_BLOCK R_TRIG
VAR_INPUT CLK : BOOL; END_VAR
VAR_OUTPUT Q : BOOL; END_VAR
VAR M : BOOL; END_VAR
Q := CLK AND NOT M;
M := CLK;
END_FUNCTION_BLOCK

FUNCTION_BLOCK F_TRIG
VAR_INPUT CLK : BOOL; END_VAR
VAR_OUTPUT Q : BOOL; END_VAR
VAR M : BOOL; END_VAR
Q := NOT CLK AND NOT M;
M := NOT CLK;
END_FUNCTION_BLOCK

FUNCTION_BLOCK SR
VAR_INPUT S1 : BOOL; R : BOOL; END_VAR
VAR_OUTPUT Q1 : BOOL; END_VAR
Q1 := S1 OR (NOT R AND Q1);
END_FUNCTION_BLOCK

FUNCTION_BLOCK RS
VAR_INPUT S : BOOL; R1 : BOOL; END_VAR
VAR_OUTPUT Q1 : BOOL; END_VAR
Q1 := NOT R1 AND (S OR Q1);
END_FUNCTION_BLOCK

FUNCTION_BLOCK CTU
VAR_INPUT CU : BOOL; R : BOOL; PV : INT; END_VAR
VAR_OUTPUT Q : BOOL; CV : INT; END_VAR
VAR M : BOOL; END_VAR
IF R THEN
  CV := 0;
ELSIF CU AND NOT M AND CV < 32767 THEN
  CV := CV + 1;
END_IF;
M := CU;
Q := CV >= PV;
END_FUNCTION_BLOCK

FUNCTION_BLOCK CTD
VAR_INPUT CD : BOOL; LD : BOOL; PV : INT; END_VAR
VAR_OUTPUT Q : BOOL; CV : INT; END_VAR
VAR M : BOOL; END_VAR
IF LD THEN
  CV := PV;
ELSIF CD AND NOT M AND CV > -32768 THEN
  CV := CV - 1;
END_IF;
M := CD;
Q := CV <= 0;
END_FUNCTION_BLOCK

FUNCTION_BLOCK CTUD
VAR_INPUT CU : BOOL; CD : BOOL; R : BOOL; LD : BOOL; PV : INT; END_VAR
VAR_OUTPUT QU : BOOL; QD : BOOL; CV : INT; END_VAR
VAR MU : BOOL; MD : BOOL; END_VAR
IF R THEN
  CV := 0;
ELSIF LD THEN
  CV := PV;
ELSE
  IF NOT (CU AND NOT MU AND CD AND NOT MD) THEN
    IF CU AND NOT MU AND CV < 32767 THEN
      CV := CV + 1;
    ELSIF CD AND NOT MD AND CV > -32768 THEN
      CV := CV - 1;
    END_IF;
  END_IF;
END_IF;
MU := CU;
MD := CD;
QU := CV >= PV;
QD := CV <= 0;
END_FUNCTION_BLOCK
`,
};
