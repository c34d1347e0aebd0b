// The two scans of an ST program (plc-adapters/st/unobserved/): which variables the unobserved
// scan keeps in JavaScript locals (a sound liveness analysis: in doubt, memory), and when
// StProgram switches between the observed scan and the unobserved one (watch on and off, force
// and release, one-off reads, snapshots, reset, faults).

import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileSt } from '../../plc-adapters/st/compile.ts';
import { OBSERVE_HOLD_SCANS, type StProgram } from '../../plc-adapters/st/st-program.ts';
import { main } from './harness.ts';

function compile(text: string): StProgram {
  const r = compileSt([{ file: 'case.st', text }]);
  if (r.program === null) throw new Error(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n'));
  return r.program;
}

function scans(p: StProgram, n: number, input?: Float64Array): Float64Array {
  const i = input ?? new Float64Array(p.io.inputs.length);
  const q = new Float64Array(p.io.outputs.length);
  for (let k = 0; k < n; k++) p.scan(i, q, 10);
  return q;
}

const sorting = () => compile(readFileSync('examples/programs/sorting.st', 'utf8'));

// ---- the liveness analysis ----------------------------------------------------------------------

test('sorting.st: temporaries, inputs copied from the image and FB inputs set by every call live in locals', () => {
  const locals = new Set(sorting().unobservedLocals);
  for (const v of ['SORTING.pe1', 'SORTING.itemLeftEntry', 'SORTING.entryClass', 'SORTING.tStopTimeout.IN', 'SORTING.tStopTimeout.PT', 'SORTING.tStopTimeout.ET', 'SORTING.fifo.Push', 'SORTING.fifo.PopClass', 'SORTING.pe2Rising.CLK', 'SORTING.pe2Rising.Q']) {
    assert.ok(locals.has(v), `${v} should live in a local`);
  }
});

test('sorting.st: state read by the next scan and FB internals stay in memory; an output written every scan goes to the image from a local', () => {
  const locals = new Set(sorting().unobservedLocals);
  // pe1Last/tallSeen/step: read before written; TON.Q is not written on every path; running,
  // start, the FIFO's ring and R_TRIG.M carry over.
  for (const v of ['SORTING.pe1Last', 'SORTING.tallSeen', 'SORTING.step', 'SORTING.unknownItems', 'SORTING.tStopTimeout.Q', 'SORTING.tStopTimeout.running', 'SORTING.tStopTimeout.start', 'SORTING.fifo.head', 'SORTING.fifo.queued', 'SORTING.pe2Rising.M']) {
    assert.not.ok(locals.has(v), `${v} must stay in memory`);
  }
  // m1Run is assigned on every path before the output copy reads it for the image.
  assert.ok(locals.has('SORTING.m1Run'), 'SORTING.m1Run in a local');
});

test('a PROGRAM output not written on every path stays in memory (the image takes last scan\'s value)', () => {
  const p = compile(`PROGRAM MAIN
VAR_INPUT c : BOOL; END_VAR
VAR_OUTPUT q : BOOL; r : BOOL; END_VAR
IF c THEN q := TRUE; END_IF;
r := NOT c;
END_PROGRAM`);
  const locals = new Set(p.unobservedLocals);
  assert.not.ok(locals.has('MAIN.q'), 'q keeps its value when c is false');
  assert.ok(locals.has('MAIN.r'), 'r is written every scan');
});

test('a variable read before it is written in the scan stays in memory', () => {
  const p = compile(main('x : INT; y : INT;', 'y := x; x := 5;'));
  assert.equal(p.unobservedLocals, ['MAIN.y']);
});

test('an FB input not set in every call path stays in memory; one set in every call lives in a local', () => {
  const p = compile(main('c : BOOL; t : TON; u : TON;', 'IF c THEN t(IN := TRUE, PT := T#1s); ELSE t(PT := T#1s); END_IF; u(IN := c, PT := T#1s);'));
  const locals = new Set(p.unobservedLocals);
  assert.not.ok(locals.has('MAIN.t.IN'));
  assert.ok(locals.has('MAIN.t.PT'));
  assert.ok(locals.has('MAIN.u.IN'));
});

test('a variable written only inside a FOR or WHILE body and read after it stays in memory (the body may not run)', () => {
  const p = compile(main('n : INT; i : INT; s : INT; r : INT; w : INT; z : INT;', 'FOR i := 1 TO n DO s := i; END_FOR; r := s; WHILE n > 0 DO w := 1; n := n - 1; END_WHILE; z := w;'));
  const locals = new Set(p.unobservedLocals);
  assert.not.ok(locals.has('MAIN.s'));
  assert.not.ok(locals.has('MAIN.w'));
  assert.ok(locals.has('MAIN.i'), 'the FOR variable is set before the loop reads it');
  assert.ok(locals.has('MAIN.r'));
});

test('IF without ELSE, CASE without a match and an early RETURN do not assign on every path', () => {
  const p = compile(main('c : BOOL; k : INT; a : INT; b : INT; d : INT; e : INT; f : INT; g : INT;', 'IF c THEN a := 1; END_IF; b := a; CASE k OF 1: d := 1; END_CASE; e := d; f := 1; IF c THEN RETURN; END_IF; g := f;'));
  const locals = new Set(p.unobservedLocals);
  for (const v of ['MAIN.a', 'MAIN.d']) assert.not.ok(locals.has(v), v);
  for (const v of ['MAIN.b', 'MAIN.e', 'MAIN.f', 'MAIN.g']) assert.ok(locals.has(v), v);
});

test('a variable passed to a VAR_IN_OUT stays in memory (it is reached through a pointer)', () => {
  const text = `FUNCTION SWAP2 : BOOL
VAR_IN_OUT a : INT; b : INT; END_VAR
VAR t : INT; END_VAR
t := a; a := b; b := t; SWAP2 := TRUE;
END_FUNCTION
${main('x : INT; y : INT; r : INT; ok : BOOL;', 'x := 1; y := 2; ok := SWAP2(x, y); r := x;')}`;
  const p = compile(text);
  const locals = new Set(p.unobservedLocals);
  assert.not.ok(locals.has('MAIN.x'));
  assert.not.ok(locals.has('MAIN.y'));
  p.scanMode = 'unobserved';
  scans(p, 1);
  assert.is(p.read('MAIN.x'), 2);
  assert.is(p.read('MAIN.y'), 1);
});

test('FB instances in an array are called, not inlined: their variables stay in memory', () => {
  const p = compile(main('ts : ARRAY[1..2] OF TON; i : INT;', 'FOR i := 1 TO 2 DO ts[i](IN := TRUE, PT := T#20ms); END_FOR;'));
  assert.ok(p.unobservedLocals.every((v) => !v.startsWith('MAIN.ts')));
  p.scanMode = 'unobserved';
  scans(p, 3);
  assert.is(p.read('MAIN.ts[2].Q'), true);
});

test('a local holds what its memory cell would: a comparison as 0/1, DINT_TO_REAL rounded to single precision, SINT wrapped', () => {
  const text = `PROGRAM MAIN
VAR_INPUT d : DINT; END_VAR
VAR_OUTPUT rm : REAL; ok1 : BOOL; ok2 : BOOL; ok3 : BOOL; n : DINT; END_VAR
VAR_TEMP i : INT; r : REAL; s : SINT; END_VAR
i := BOOL_TO_INT(d > 0);
ok1 := (i = 1) = (d > 0);
r := DINT_TO_REAL(d);
rm := DINT_TO_REAL(d);
ok2 := r = rm;
s := DINT_TO_SINT(d);
ok3 := s = DINT_TO_SINT(d);
n := SINT_TO_DINT(s) + INT_TO_DINT(i);
END_PROGRAM`;
  const r = compileSt([{ file: 'case.st', text }]);
  const a = r.instantiate!();
  const b = r.instantiate!();
  assert.ok(['MAIN.i', 'MAIN.r', 'MAIN.s'].every((v) => b.unobservedLocals.includes(v)));
  a.scanMode = 'observed';
  b.scanMode = 'unobserved';
  for (const d of [16777217, 300, -129, 0, 2147483647]) {
    const qa = scans(a, 1, Float64Array.of(d));
    const qb = scans(b, 1, Float64Array.of(d));
    assert.equal([...qb], [...qa], `d = ${d}`);
    assert.equal([...qa.subarray(1, 4)], [1, 1, 1], `d = ${d}`);
  }
});

test('a FOR counter wraps at its type in a local as in memory (SINT 120 TO 127 does not end by itself)', () => {
  const text = 'PROGRAM MAIN\nVAR_OUTPUT n : DINT; END_VAR\nVAR i : SINT; END_VAR\nn := 0; FOR i := 120 TO 127 DO n := n + 1; IF n > 20 THEN EXIT; END_IF; END_FOR;\nEND_PROGRAM\n';
  for (const mode of ['observed', 'unobserved'] as const) {
    const p = compile(text);
    p.scanMode = mode;
    if (mode === 'unobserved') assert.ok(p.unobservedLocals.includes('MAIN.i'));
    assert.is(scans(p, 1)[0], 21, mode);
  }
});

test('an integer input outside its type wraps in a local as in memory', () => {
  const text = 'PROGRAM MAIN\nVAR_INPUT x : INT; END_VAR\nVAR_OUTPUT y : DINT; END_VAR\ny := INT_TO_DINT(x);\nEND_PROGRAM\n';
  const r = compileSt([{ file: 'case.st', text }]);
  const a = r.instantiate!();
  const b = r.instantiate!();
  assert.ok(b.unobservedLocals.includes('MAIN.x'));
  a.scanMode = 'observed';
  b.scanMode = 'unobserved';
  assert.is(scans(a, 1, Float64Array.of(70000))[0], 4464);
  assert.is(scans(b, 1, Float64Array.of(70000))[0], 4464);
});

// ---- switching between the two scans -------------------------------------------------------------

test('auto: the observed scan runs for OBSERVE_HOLD_SCANS scans after start, then the unobserved one', () => {
  const p = sorting();
  assert.is(p.scanMode, 'auto');
  assert.not.ok(p.unobserved);
  scans(p, OBSERVE_HOLD_SCANS - 1);
  assert.not.ok(p.unobserved);
  scans(p, 1);
  assert.ok(p.unobserved);
});

test('a read of program state switches nothing; a one-off read of a variable in a local switches to the observed scan', () => {
  const p = sorting();
  p.scanMode = 'auto';
  scans(p, OBSERVE_HOLD_SCANS);
  assert.ok(p.unobserved);
  p.read('SORTING.step');
  p.format('SORTING.tallSeen');
  assert.ok(p.unobserved, 'state is exact in both scans');
  p.read('SORTING.tStopTimeout.IN');
  assert.not.ok(p.unobserved, 'the next scan is the observed one');
  scans(p, OBSERVE_HOLD_SCANS - 1);
  assert.not.ok(p.unobserved);
  scans(p, 1);
  assert.ok(p.unobserved, 'back after OBSERVE_HOLD_SCANS scans without such a read');
});

test('a one-off read of a variable in a local shows its value from the last observed scan, exact from the next scan', () => {
  const p = compile(main('n : INT; sq : INT;', 'n := n + 1; sq := n * n;'));
  assert.equal(p.unobservedLocals, ['MAIN.sq']);
  scans(p, OBSERVE_HOLD_SCANS); // the last of them observed
  assert.is(p.read('MAIN.n'), OBSERVE_HOLD_SCANS);
  const last = OBSERVE_HOLD_SCANS * OBSERVE_HOLD_SCANS;
  assert.ok(p.unobserved);
  scans(p, 5);
  assert.is(p.read('MAIN.n'), OBSERVE_HOLD_SCANS + 5, 'state is exact');
  assert.is(p.read('MAIN.sq'), ((last & 0xffff) << 16) >> 16, 'stale: the value of the last observed scan');
  scans(p, 1);
  const n = OBSERVE_HOLD_SCANS + 6;
  assert.is(p.read('MAIN.sq'), (((n * n) & 0xffff) << 16) >> 16, 'exact from the next scan on');
});

test('online(): rows with variables in locals hold the observed scan', () => {
  const p = sorting();
  scans(p, OBSERVE_HOLD_SCANS);
  assert.ok(p.unobserved);
  p.online('SORTING.tStopTimeout');
  assert.not.ok(p.unobserved);
});

test('watch: the observed scan for as long as the watch exists; the watched value is exact every scan', () => {
  const p = compile(main('n : INT; sq : INT;', 'n := n + 1; sq := n * n;'));
  scans(p, OBSERVE_HOLD_SCANS);
  assert.ok(p.unobserved);
  const at = p.watch('MAIN.sq');
  assert.not.ok(p.unobserved);
  const i = new Float64Array(p.io.inputs.length);
  const q = new Float64Array(p.io.outputs.length);
  for (let k = 1; k <= 2 * OBSERVE_HOLD_SCANS; k += 997) {
    p.scan(i, q, 10);
    assert.not.ok(p.unobserved);
  }
  p.scan(i, q, 10);
  const n = p.read('MAIN.n') as number;
  assert.is(q[at], (((n * n) & 0xffff) << 16) >> 16);
});

test('force: the observed scan while forced; after release it holds OBSERVE_HOLD_SCANS scans, then unobserved', () => {
  const p = sorting();
  scans(p, OBSERVE_HOLD_SCANS);
  assert.ok(p.unobserved);
  p.force('SORTING.tStopTimeout.IN', true);
  assert.not.ok(p.unobserved);
  scans(p, OBSERVE_HOLD_SCANS + 10);
  assert.not.ok(p.unobserved);
  assert.is(p.read('SORTING.tStopTimeout.IN'), true);
  p.release();
  assert.not.ok(p.unobserved);
  scans(p, OBSERVE_HOLD_SCANS);
  assert.ok(p.unobserved);
});

test('a write of a variable in a local changes nothing in either scan (it is written before it is read)', () => {
  const text = 'PROGRAM MAIN\nVAR_OUTPUT out : INT; END_VAR\nVAR n : INT; sq : INT; END_VAR\nn := n + 1; sq := n * n; out := sq + 1;\nEND_PROGRAM\n';
  const a = compile(text);
  const b = compile(text);
  assert.ok(b.unobservedLocals.includes('MAIN.sq'));
  a.scanMode = 'observed';
  b.scanMode = 'unobserved';
  scans(a, 3);
  scans(b, 3);
  a.write('MAIN.sq', 1234);
  b.write('MAIN.sq', 1234);
  const qa = scans(a, 1);
  const qb = scans(b, 1);
  assert.is(qa[0], 17);
  assert.is(qb[0], 17);
});

test('saveState holds the observed scan; a snapshot taken in either scan restores to the same run', () => {
  const p = sorting();
  const i = new Float64Array(p.io.inputs.length);
  i[0] = 1; // pe1
  scans(p, OBSERVE_HOLD_SCANS + 3, i);
  assert.ok(p.unobserved);
  const s = p.saveState();
  assert.not.ok(p.unobserved);
  const r = sorting();
  r.restoreState(s);
  r.scanMode = 'observed';
  p.scanMode = 'unobserved';
  const qa = scans(p, 50, i);
  const qb = scans(r, 50, i);
  assert.equal([...qa], [...qb]);
  assert.is(r.read('SORTING.tallSeen'), p.read('SORTING.tallSeen'));
});

test('reset() restarts in the observed scan', () => {
  const p = sorting();
  scans(p, OBSERVE_HOLD_SCANS);
  assert.ok(p.unobserved);
  p.reset();
  assert.not.ok(p.unobserved);
});

test('a runtime fault stops both scans alike: same kind, file, line, column, POU and scan', () => {
  const text = `FUNCTION_BLOCK FB_Pick
VAR_INPUT k : INT; END_VAR
VAR_OUTPUT v : INT; END_VAR
VAR a : ARRAY[1..3] OF INT := [1, 2, 3]; END_VAR
v := a[k];
END_FUNCTION_BLOCK
${main('n : INT; f : FB_Pick; v : INT; d : INT;', 'n := n + 1; f(k := n, v => v); d := 10 / (4 - n);')}`;
  for (const mode of ['observed', 'unobserved'] as const) {
    const p = compile(text);
    p.scanMode = mode;
    scans(p, 5);
    assert.is(p.status, 'stop');
    assert.equal({ ...p.fault, message: '' }, { kind: 'index', message: '', file: 'case.st', line: 5, col: 8, pou: 'FB_Pick', scan: 3 }, mode);
  }
});

test('a program with nothing to keep in locals still has an unobserved scan (FBs inlined), and no read switches it', () => {
  const p = compile(main('n : INT; t : TON;', 'n := n + 1; t(IN := n > 2, PT := T#20ms); IF t.Q THEN n := 0; END_IF;'));
  assert.equal(p.unobservedLocals.filter((v) => !v.startsWith('MAIN.t.')), []);
  p.scanMode = 'auto';
  scans(p, OBSERVE_HOLD_SCANS);
  assert.ok(p.unobserved);
  p.read('MAIN.n');
  assert.ok(p.unobserved);
});

test.run();
