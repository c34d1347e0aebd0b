// TON, TOF, TP on the scan clock: during scan k the controller time is k * cycleMs, so each test
// knows the exact scan where Q changes.

import { test } from 'uvu';
import { compile, confTrace, expectRunning, expectSequence, expectValues, main, scan, scanUntil, trace, traces } from '../harness.ts';

const ton = (pt: string): string => main('in : BOOL; t : TON;', `t(IN := in, PT := ${pt});`);
const tof = (pt: string): string => main('in : BOOL; t : TOF;', `t(IN := in, PT := ${pt});`);
const tp = (pt: string): string => main('in : BOOL; t : TP;', `t(IN := in, PT := ${pt});`);
/** IN is TRUE during the scans in `on` (0-based), FALSE otherwise. */
const inDuring = (on: (k: number) => boolean) => (k: number, p: { write(path: string, v: boolean): void }): void => p.write('MAIN.in', on(k));

// ---- TON ---------------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. 6.6.3.5.5, Table 46 / Figure 15 (TON timing: Q rises PT after IN rises and
// falls with IN; ET counts from 0 to PT and stays there; IN FALSE -> ET = 0). CODESYS Standard
// library "TON": "Q: TRUE PT after a rising edge of IN; ET: elapsed time since the rising edge,
// remains at PT". Scan-clock decision: ET = 0 in the scan where IN rises, + one cycle per scan,
// Q = ET >= PT — so PT = 50 ms at 10 ms first gives Q in scan 5.
confTrace('TON: Q first TRUE in scan 5 for PT = 50 ms, cycle 10 ms', ton('T#50ms'), 'MAIN.t.Q', [false, false, false, false, false, true, true, true], inDuring(() => true));
confTrace('TON: ET counts 0, 10, ... and holds at PT', ton('T#50ms'), 'MAIN.t.ET', [0, 10, 20, 30, 40, 50, 50, 50], inDuring(() => true));
confTrace('TON: IN rising in scan 3 gives Q in scan 8', ton('T#50ms'), 'MAIN.t.Q', [false, false, false, false, false, false, false, false, true, true], inDuring((k) => k >= 3));
confTrace('TON: ET starts at 0 in the scan where IN rises', ton('T#50ms'), 'MAIN.t.ET', [0, 0, 0, 0, 10, 20, 30, 40, 50, 50], inDuring((k) => k >= 3));
confTrace('TON: IN FALSE resets Q in the same scan', ton('T#50ms'), 'MAIN.t.Q', [false, false, false, false, false, true, true, false, false], inDuring((k) => k < 7));
confTrace('TON: IN FALSE resets ET to 0 in the same scan', ton('T#50ms'), 'MAIN.t.ET', [0, 10, 20, 30, 40, 50, 50, 0, 0], inDuring((k) => k < 7));
confTrace('TON: an IN pulse shorter than PT never sets Q, the next rise starts over', ton('T#50ms'), 'MAIN.t.Q', [false, false, false, false, false, false, false, false, false, true], inDuring((k) => k < 3 || k >= 4));
confTrace('TON: PT = T#0ms gives Q in the first scan', ton('T#0ms'), 'MAIN.t.Q', [true, true], inDuring(() => true));
confTrace('TON: PT = 25 ms at 10 ms cycles: Q in scan 3', ton('T#25ms'), 'MAIN.t.Q', [false, false, false, true, true], inDuring(() => true));
confTrace('TON: PT = 25 ms at 10 ms cycles: ET holds at 25', ton('T#25ms'), 'MAIN.t.ET', [0, 10, 20, 25, 25], inDuring(() => true));
confTrace('TON: cycle 20 ms, PT = 50 ms: Q in scan 3, ET 0, 20, 40, 50', ton('T#50ms'), 'MAIN.t.ET', [0, 20, 40, 50, 50], inDuring(() => true), 20);

test('TON: cycle 1 ms, PT = T#1s: Q first TRUE in scan 1000', () => {
  const p = compile(ton('T#1s'));
  p.write('MAIN.in', true);
  const ran = scanUntil(p, (x) => x.read('MAIN.t.Q') === true, 2000, 1);
  if (ran !== 1001) throw new Error(`Q rose after ${ran} scans, expected 1001 (scan index 1000)`);
  expectValues(p, { 'MAIN.t.ET': 1000 });
});

confTrace('TON: output arguments Q => done, ET => el', main('done : BOOL; el : TIME; t : TON;', 't(IN := TRUE, PT := T#20ms, Q => done, ET => el);'), 'MAIN.done', [false, false, true, true]);
confTrace('TON: ET compared with a TIME literal in the program', main('t : TON; reached : BOOL;', 't(IN := TRUE, PT := T#100ms); reached := t.ET >= T#30ms;'), 'MAIN.reached', [false, false, false, true, true]);
confTrace('TON chain: t2 (20 ms) started by t1.Q (30 ms) is done in scan 5', main('t1 : TON; t2 : TON;', 't1(IN := TRUE, PT := T#30ms); t2(IN := t1.Q, PT := T#20ms);'), 'MAIN.t2.Q', [false, false, false, false, false, true, true]);
test('TON as a self-resetting clock: Q in scans 3, 8, 13, 18', () => {
  const p = compile(main('t : TON; n : INT;', 't(IN := NOT t.Q, PT := T#30ms); IF t.Q THEN n := n + 1; END_IF;'));
  const q = trace(p, 'MAIN.t.Q', 20);
  expectSequence(q, Array.from({ length: 20 }, (_, k) => k % 5 === 3));
  expectValues(p, { 'MAIN.n': 4 });
});

// ---- TOF ---------------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. Table 46 / Figure 15 (TOF: Q follows IN's rising edge at once; after IN falls
// Q stays TRUE for PT; ET counts while IN is FALSE and holds at PT; IN TRUE -> ET = 0). CODESYS
// Standard library "TOF": "Q: FALSE PT after a falling edge of IN".
confTrace('TOF: Q stays TRUE for PT after IN falls (falls in scan 3, Q FALSE from scan 8)', tof('T#50ms'), 'MAIN.t.Q', [true, true, true, true, true, true, true, true, false, false], inDuring((k) => k < 3));
confTrace('TOF: ET counts from the falling edge and holds at PT', tof('T#50ms'), 'MAIN.t.ET', [0, 0, 0, 0, 10, 20, 30, 40, 50, 50], inDuring((k) => k < 3));
confTrace('TOF: Q is FALSE while IN has never been TRUE', tof('T#50ms'), 'MAIN.t.Q', [false, false, false], inDuring(() => false));
confTrace('TOF: Q rises in the same scan as IN', tof('T#50ms'), 'MAIN.t.Q', [false, false, true, true], inDuring((k) => k >= 2));
test('TOF: IN TRUE again during the delay keeps Q and resets ET', () => {
  const p = compile(tof('T#50ms'));
  const t = traces(p, ['MAIN.t.Q', 'MAIN.t.ET'], 11, 10, inDuring((k) => k === 0 || k === 4));
  expectSequence(t['MAIN.t.Q']!, [true, true, true, true, true, true, true, true, true, true, false], 'Q');
  expectSequence(t['MAIN.t.ET']!, [0, 0, 10, 20, 0, 0, 10, 20, 30, 40, 50], 'ET');
  expectRunning(p);
});

// ---- TP ----------------------------------------------------------------------------------------------
// IEC 61131-3 3rd ed. Table 46 / Figure 15 (TP: a rising IN starts a pulse of length PT that IN
// cannot retrigger or shorten; ET runs to PT and holds while IN stays TRUE, then returns to 0).
// Beckhoff InfoSys "TP" (Tc2_Standard): "If IN = FALSE and Q = FALSE, ET = 0. As soon as IN is
// TRUE, Q = TRUE and remains TRUE for the pulse duration PT ... irrespective of the state of IN";
// CODESYS "TP": "ET ... will then remain constant after PT is reached".
confTrace('TP: Q TRUE in scans 0..4 for PT = 50 ms', tp('T#50ms'), 'MAIN.t.Q', [true, true, true, true, true, false, false], inDuring(() => true));
confTrace('TP: ET counts to PT and holds while IN stays TRUE', tp('T#50ms'), 'MAIN.t.ET', [0, 10, 20, 30, 40, 50, 50], inDuring(() => true));
confTrace('TP: ET returns to 0 when IN is FALSE after the pulse', tp('T#50ms'), 'MAIN.t.ET', [0, 10, 20, 30, 40, 50, 50, 0, 0], inDuring((k) => k < 7));
confTrace('TP: a one-scan IN still gives the full pulse', tp('T#50ms'), 'MAIN.t.Q', [true, true, true, true, true, false, false], inDuring((k) => k === 0));
confTrace('TP: rising edges during the pulse do not retrigger it', tp('T#50ms'), 'MAIN.t.Q', [true, true, true, true, true, false, false, false], inDuring((k) => k === 0 || k === 2 || k === 4));
confTrace('TP: a new rising edge after the pulse starts a new pulse', tp('T#50ms'), 'MAIN.t.Q', [true, true, true, true, true, false, false, false, true, true], inDuring((k) => k < 7 || k >= 8));
confTrace('TP: ET of the second pulse starts at 0', tp('T#50ms'), 'MAIN.t.ET', [0, 10, 20, 30, 40, 50, 50, 0, 0, 10], inDuring((k) => k < 7 || k >= 8));

// ---- the scan clock restarts with reset() ---------------------------------------------------------------
// The API's decision: during scan k counted since start/reset the clock reads k * cycleMs.
test('reset(): a TON starts from scratch on the restarted clock', () => {
  const p = compile(ton('T#30ms'));
  p.write('MAIN.in', true);
  scan(p, 7);
  expectValues(p, { 'MAIN.t.Q': true, 'MAIN.t.ET': 30 });
  p.reset();
  expectValues(p, { 'MAIN.in': false, 'MAIN.t.Q': false, 'MAIN.t.ET': 0 });
  const q = trace(p, 'MAIN.t.Q', 6, 10, inDuring((k) => k >= 1));
  expectSequence(q, [false, false, false, false, true, true]);
});

test.run();
