// Edge detection (R_TRIG, F_TRIG), bistables (SR, RS) and counters (CTU, CTD, CTUD).

import { test } from 'uvu';
import { compile, confTrace, expectRunning, expectSequence, expectValues, main, scan, traces, type Value } from '../harness.ts';

/** Writes `values[k]` into `path` before scan k. */
const feed = (path: string, values: Value[]) => (k: number, p: { write(path: string, v: Value): void }): void => p.write(path, values[k]!);
const T = true;
const F = false;

// ---- R_TRIG / F_TRIG -----------------------------------------------------------------------------
// IEC 61131-3 2nd ed. Table 35 / 3rd ed. Table 44, given in ST by the standard:
//   R_TRIG: Q := CLK AND NOT M; M := CLK;            (VAR M : BOOL; END_VAR — initially FALSE)
//   F_TRIG: Q := NOT CLK AND NOT M; M := NOT CLK;    (VAR M : BOOL; END_VAR — initially FALSE)
// (MatIEC's lib/edge_detection.txt, "taken directly from the IEC 61131-3 draft standard", 2nd ed.)
// So an F_TRIG's first call with CLK FALSE gives Q TRUE. NOTE: CODESYS's SafetyStandard library
// ("SF_F_TRIG — special behavior in the 1st cycle") states that this first-cycle edge "conforms to
// the F_TRIG of IEC 61131-3 from Edition 2" and "deviates from the behavior of the F_TRIG function
// block of CODESYS Standard, which complies with IEC 61131-3 Edition 1" (no first-cycle pulse);
// Beckhoff InfoSys F_TRIG (Tc2_Standard): "Q returns FALSE until CLK has a rising edge and then a
// falling edge". These tests follow the standard (Edition 2/3) as decided.
const rtrig = main('clk : BOOL; r : R_TRIG;', 'r(CLK := clk);');
const ftrig = main('clk : BOOL; f : F_TRIG;', 'f(CLK := clk);');
confTrace('R_TRIG: Q for one scan on each rising edge', rtrig, 'MAIN.r.Q', [F, T, F, F, T, F], feed('MAIN.clk', [F, T, T, F, T, T]));
confTrace('R_TRIG: CLK TRUE in the first call is a rising edge (M starts FALSE)', rtrig, 'MAIN.r.Q', [T, F, F], feed('MAIN.clk', [T, T, T]));
confTrace('F_TRIG: Q for one scan on each falling edge', ftrig, 'MAIN.f.Q', [F, F, T, F, F, T], feed('MAIN.clk', [T, T, F, F, T, F]));
confTrace('F_TRIG: CLK FALSE in the first call gives Q TRUE (IEC: M starts FALSE)', ftrig, 'MAIN.f.Q', [T, F, F], feed('MAIN.clk', [F, F, F]));
confTrace('F_TRIG: CLK TRUE in the first call gives no edge', ftrig, 'MAIN.f.Q', [F, T, F], feed('MAIN.clk', [T, F, F]));
confTrace('R_TRIG counts rising edges in a program', main('clk : BOOL; r : R_TRIG; n : INT;', 'r(CLK := clk); IF r.Q THEN n := n + 1; END_IF;'), 'MAIN.n', [0, 1, 1, 1, 2, 2, 3], feed('MAIN.clk', [F, T, T, F, T, F, T]));
confTrace('R_TRIG with an output argument Q => q', main('clk : BOOL; r : R_TRIG; q : BOOL;', 'r(CLK := clk, Q => q);'), 'MAIN.q', [F, T, F], feed('MAIN.clk', [F, T, T]));

// ---- SR / RS ------------------------------------------------------------------------------------
// IEC 61131-3 2nd ed. Table 34 / 3rd ed. Table 43: SR: Q1 := S1 OR (NOT R AND Q1) (set dominant);
// RS: Q1 := NOT R1 AND (S OR Q1) (reset dominant).
const sr = main('s : BOOL; r : BOOL; b : SR;', 'b(S1 := s, R := r);');
const rs = main('s : BOOL; r : BOOL; b : RS;', 'b(S := s, R1 := r);');
test('SR latches on S1 and releases on R', () => {
  const p = compile(sr);
  const seq: [boolean, boolean][] = [[F, F], [T, F], [F, F], [F, T], [F, F]];
  const t = traces(p, ['MAIN.b.Q1'], seq.length, 10, (k, x) => {
    x.write('MAIN.s', seq[k]![0]);
    x.write('MAIN.r', seq[k]![1]);
  });
  expectSequence(t['MAIN.b.Q1']!, [F, T, T, F, F]);
});
confTrace('SR: S1 and R both TRUE -> Q1 TRUE (set dominant)', main('b : SR;', 'b(S1 := TRUE, R := TRUE);'), 'MAIN.b.Q1', [T, T]);
test('RS latches on S and releases on R1', () => {
  const p = compile(rs);
  const seq: [boolean, boolean][] = [[T, F], [F, F], [F, T], [F, F]];
  const t = traces(p, ['MAIN.b.Q1'], seq.length, 10, (k, x) => {
    x.write('MAIN.s', seq[k]![0]);
    x.write('MAIN.r', seq[k]![1]);
  });
  expectSequence(t['MAIN.b.Q1']!, [T, T, F, F]);
});
confTrace('RS: S and R1 both TRUE -> Q1 FALSE (reset dominant)', main('b : RS; pre : BOOL := TRUE;', 'b(S := TRUE, R1 := pre); pre := FALSE;'), 'MAIN.b.Q1', [F, T]);

// ---- CTU ---------------------------------------------------------------------------------------------
// IEC 61131-3 2nd ed. Table 36 / 3rd ed. Table 45 (CU is edge-triggered — the standard's body uses an
// R_TRIG on CU): IF R THEN CV := 0; ELSIF CU AND (CV < PVmax) THEN CV := CV + 1; END_IF;
// Q := (CV >= PV). Input names are the standard's (CU, R, PV); CODESYS names R "RESET".
const ctu = main('cu : BOOL; r : BOOL; c : CTU;', 'c(CU := cu, R := r, PV := 3);');
test('CTU counts rising edges of CU only, Q when CV >= PV', () => {
  const p = compile(ctu);
  const t = traces(p, ['MAIN.c.CV', 'MAIN.c.Q'], 8, 10, feed('MAIN.cu', [T, T, F, T, F, T, T, T]));
  expectSequence(t['MAIN.c.CV']!, [1, 1, 1, 2, 2, 3, 3, 3], 'CV');
  expectSequence(t['MAIN.c.Q']!, [F, F, F, F, F, T, T, T], 'Q');
});
test('CTU keeps counting past PV, Q stays TRUE', () => {
  const p = compile(ctu);
  const cu = [T, F, T, F, T, F, T, F, T];
  const t = traces(p, ['MAIN.c.CV', 'MAIN.c.Q'], cu.length, 10, feed('MAIN.cu', cu));
  expectSequence(t['MAIN.c.CV']!, [1, 1, 2, 2, 3, 3, 4, 4, 5], 'CV');
  expectSequence(t['MAIN.c.Q']!, [F, F, F, F, T, T, T, T, T], 'Q');
});
test('CTU: R resets CV and Q, and wins over a simultaneous CU edge', () => {
  const p = compile(ctu);
  const cu = [T, F, T, F, T, F, T];
  const r = [F, F, F, F, F, F, T];
  const t = traces(p, ['MAIN.c.CV', 'MAIN.c.Q'], cu.length, 10, (k, x) => {
    x.write('MAIN.cu', cu[k]!);
    x.write('MAIN.r', r[k]!);
  });
  expectSequence(t['MAIN.c.CV']!, [1, 1, 2, 2, 3, 3, 0], 'CV');
  expectSequence(t['MAIN.c.Q']!, [F, F, F, F, T, T, F], 'Q');
});
test('CTU: a CU held TRUE while R drops does not count again', () => {
  const p = compile(ctu);
  const cu = [T, T, T];
  const r = [T, F, F];
  const t = traces(p, ['MAIN.c.CV'], 3, 10, (k, x) => {
    x.write('MAIN.cu', cu[k]!);
    x.write('MAIN.r', r[k]!);
  });
  expectSequence(t['MAIN.c.CV']!, [0, 0, 0], 'CV');
});

// ---- CTD ---------------------------------------------------------------------------------------------
// IEC 61131-3 2nd ed. Table 36 / 3rd ed. Table 45 (CD edge-triggered): IF LD THEN CV := PV;
// ELSIF CD AND (CV > PVmin) THEN CV := CV - 1; END_IF; Q := (CV <= 0). PVmin is the type's minimum
// (INT: -32768), so the standard counts below 0. NOTE: CODESYS/TwinCAT's CTD (PV and CV of type
// WORD, input LOAD) stops at 0: "CV is decremented by 1 as long as CV is greater than 0" (Beckhoff
// InfoSys tcplclib_tc2_standard/74398987.html). This suite follows the standard.
const ctd = main('cd : BOOL; ld : BOOL; c : CTD;', 'c(CD := cd, LD := ld, PV := 2);');
test('CTD: LD loads PV, CD edges count down, Q when CV <= 0', () => {
  const p = compile(ctd);
  const cd = [F, T, F, T, T, F];
  const ld = [T, F, F, F, F, F];
  const t = traces(p, ['MAIN.c.CV', 'MAIN.c.Q'], cd.length, 10, (k, x) => {
    x.write('MAIN.cd', cd[k]!);
    x.write('MAIN.ld', ld[k]!);
  });
  expectSequence(t['MAIN.c.CV']!, [2, 1, 1, 0, 0, 0], 'CV');
  expectSequence(t['MAIN.c.Q']!, [F, F, F, T, T, T], 'Q');
});
test('CTD: LD wins over a simultaneous CD edge', () => {
  const p = compile(ctd);
  const cd = [F, T, F, T];
  const ld = [T, F, F, T];
  const t = traces(p, ['MAIN.c.CV'], cd.length, 10, (k, x) => {
    x.write('MAIN.cd', cd[k]!);
    x.write('MAIN.ld', ld[k]!);
  });
  expectSequence(t['MAIN.c.CV']!, [2, 1, 1, 2], 'CV');
});
test('CTD: without LD, CV starts at 0 and Q is TRUE', () => {
  const p = compile(ctd);
  scan(p, 1);
  expectValues(p, { 'MAIN.c.CV': 0, 'MAIN.c.Q': true });
});
test('CTD: counts below zero down to the type minimum (IEC PVmin)', () => {
  const p = compile(ctd);
  const cd = [F, T, F, T, F, T];
  const ld = [T, F, F, F, F, F];
  const t = traces(p, ['MAIN.c.CV'], cd.length, 10, (k, x) => {
    x.write('MAIN.cd', cd[k]!);
    x.write('MAIN.ld', ld[k]!);
  });
  expectSequence(t['MAIN.c.CV']!, [2, 1, 1, 0, 0, -1], 'CV');
});

// ---- CTUD --------------------------------------------------------------------------------------------
// IEC 61131-3 2nd ed. Table 36 / 3rd ed. Table 45: IF R THEN CV := 0; ELSIF LD THEN CV := PV;
// ELSE IF NOT (CU AND CD) THEN IF CU AND (CV < PVmax) THEN CV := CV + 1; ELSIF CD AND (CV > PVmin)
// THEN CV := CV - 1; END_IF; END_IF; END_IF; QU := (CV >= PV); QD := (CV <= 0); CU, CD edge-triggered.
const ctud = main('cu : BOOL; cd : BOOL; r : BOOL; ld : BOOL; c : CTUD;', 'c(CU := cu, CD := cd, R := r, LD := ld, PV := 2);');
function ctudRun(rows: [boolean, boolean, boolean, boolean][]): Record<string, Value[]> {
  const p = compile(ctud);
  const t = traces(p, ['MAIN.c.CV', 'MAIN.c.QU', 'MAIN.c.QD'], rows.length, 10, (k, x) => {
    const [cu, cd, r, ld] = rows[k]!;
    x.write('MAIN.cu', cu);
    x.write('MAIN.cd', cd);
    x.write('MAIN.r', r);
    x.write('MAIN.ld', ld);
  });
  expectRunning(p);
  return t;
}
test('CTUD counts up and down on edges, QU at PV, QD at 0', () => {
  const t = ctudRun([
    [F, F, F, F],
    [T, F, F, F],
    [F, F, F, F],
    [T, F, F, F],
    [F, T, F, F],
    [F, F, F, F],
    [F, T, F, F],
  ]);
  expectSequence(t['MAIN.c.CV']!, [0, 1, 1, 2, 1, 1, 0], 'CV');
  expectSequence(t['MAIN.c.QU']!, [F, F, F, T, F, F, F], 'QU');
  expectSequence(t['MAIN.c.QD']!, [T, F, F, F, F, F, T], 'QD');
});
test('CTUD: simultaneous CU and CD edges leave CV unchanged', () => {
  const t = ctudRun([
    [T, F, F, F],
    [F, F, F, F],
    [T, T, F, F],
  ]);
  expectSequence(t['MAIN.c.CV']!, [1, 1, 1], 'CV');
});
test('CTUD: R has priority over LD, LD over counting', () => {
  const t = ctudRun([
    [F, F, F, T],
    [T, F, F, T],
    [F, F, T, T],
    [T, F, F, F],
  ]);
  expectSequence(t['MAIN.c.CV']!, [2, 2, 0, 1], 'CV');
  expectSequence(t['MAIN.c.QU']!, [T, T, F, F], 'QU');
});

test.run();
