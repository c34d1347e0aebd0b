// The unobserved scan's read cache (plc-adapters/st/unobserved/read-cache.ts): a cell read again
// with no store between is read from a JavaScript local. Each case below writes a cell in a way
// the cache must notice (a bit, an array element at a computed index, a function through
// VAR_IN_OUT or a global, a function's output copy, a RETURN, a loop, a struct copy) and reads it
// again; it runs as a twin (unobserved-twin.ts: the observed scan, which has no cache, beside the
// unobserved one, compared scan by scan with the whole memory) and its values are checked by hand.

import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileSt } from '../../plc-adapters/st/compile.ts';
import type { StProgram } from '../../plc-adapters/st/st-program.ts';
import { main } from './harness.ts';
import { twin } from './unobserved-twin.ts';

/** The program as a twin of its two scans (throws at the first scan where they differ). */
function twinOf(text: string): StProgram {
  const r = compileSt([{ file: 'case.st', text }], { checkUnobserved: true });
  if (r.instantiate === null) throw new Error(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n'));
  return twin(r.instantiate);
}

function run(p: StProgram, n: number): StProgram {
  const i = new Float64Array(p.io.inputs.length);
  const q = new Float64Array(p.io.outputs.length);
  for (let k = 0; k < n; k++) p.scan(i, q, 10);
  return p;
}

function expect(p: StProgram, values: Record<string, number | boolean>): void {
  for (const [path, v] of Object.entries(values)) assert.equal(p.read(path), v, path);
}

test('a bit written, then the whole word read, in the next statement and in the same one', () => {
  // w is read before it is written in a scan: it stays in memory (not a local of the scan).
  const p = run(twinOf(main('w : WORD; x : WORD; y : INT; n : INT;', 'n := n + 1; y := WORD_TO_INT(w); w.3 := n MOD 2 = 0; x := w; w.0 := x > 0 OR w.3; y := y * 100 + WORD_TO_INT(w) * 10 + WORD_TO_INT(x);')), 3);
  // Scan 2 leaves w = 9; scan 3 clears bit 3 (w = 1, x = 1) and sets bit 0 again.
  expect(p, { 'MAIN.x': 1, 'MAIN.y': 911 });
});

test('an array element read at a constant index, written at a computed one, read again', () => {
  const p = run(twinOf(main('a : ARRAY[1..3] OF INT; i : INT; r1 : INT; r2 : INT; s : INT; n : INT;', 'n := n + 1; i := 1 + n MOD 2; a[1] := 5; a[2] := 6; r1 := a[1] + a[2]; a[i] := 7 + n; r2 := a[1] * 100 + a[2]; s := a[i];')), 4);
  // n = 4: i = 1, a[1] = 11.
  expect(p, { 'MAIN.r1': 11, 'MAIN.r2': 1106, 'MAIN.s': 11 });
});

test('a function that writes its VAR_IN_OUT and a global: reads after the call in the same statement see the writes', () => {
  const text = `VAR_GLOBAL g : INT; END_VAR
FUNCTION F_Inc : INT
VAR_IN_OUT v : INT; END_VAR
v := v + 1;
g := g + 10;
F_Inc := 100;
END_FUNCTION
${main('x : INT; y : INT; z : INT;', 'x := 1; g := 0; y := x + F_Inc(x) + x; z := g + x + g;')}`;
  const p = run(twinOf(text), 2);
  // Left to right, as the observed scan evaluates it: 1 + 100 + 2.
  expect(p, { 'MAIN.y': 103, 'MAIN.z': 22 });
});

test('a function output copied back in an expression, and a call behind AND_THEN', () => {
  const text = `VAR_GLOBAL g : INT; END_VAR
FUNCTION F_Out : INT
VAR_INPUT a : INT; END_VAR
VAR_OUTPUT o : INT; END_VAR
o := a * 2;
g := a;
F_Out := a + 1;
END_FUNCTION
${main('z : INT; y : INT; c : BOOL; b : BOOL; k : INT; n : INT;', 'n := n + 1; c := n MOD 2 = 0; z := 1; y := F_Out(n, o => z) + z; g := -1; b := c AND_THEN F_Out(3, o => k) > 0; k := k + g;')}`;
  const p = twinOf(text);
  run(p, 3); // n = 3: c FALSE, the call behind AND_THEN does not run: k = 9 (scan 2) - 1
  expect(p, { 'MAIN.y': 10, 'MAIN.b': false, 'MAIN.k': 8 });
  run(p, 1); // n = 4: it runs (k := 6, g := 3)
  expect(p, { 'MAIN.y': 13, 'MAIN.b': true, 'MAIN.k': 9 });
});

test('a function output copied back inside SEL: not a write on every path (the liveness analysis)', () => {
  const text = `FUNCTION F_Half : INT
VAR_INPUT a : INT; END_VAR
VAR_OUTPUT o : INT; END_VAR
o := a;
F_Half := a / 2;
END_FUNCTION
${main('k : INT; y : INT; n : INT;', 'n := n + 1; y := SEL(n MOD 2 = 0, 0, F_Half(n, o => k)); k := k + 1;')}`;
  const p = run(twinOf(text), 3);
  // Scan 2 copies o (2) to k, scans 1 and 3 do not: 0 + 1, 2 + 1, + 1.
  expect(p, { 'MAIN.k': 4, 'MAIN.y': 0 });
});

test('an FB with a RETURN in a branch: its outputs and state read after the call', () => {
  const text = `FUNCTION_BLOCK FB_Step
VAR_INPUT go : BOOL; END_VAR
VAR_OUTPUT q : INT; END_VAR
VAR m : INT; END_VAR
q := m;
IF NOT go THEN RETURN; END_IF;
m := m + 1;
q := m * 10;
END_FUNCTION_BLOCK
${main('f : FB_Step; n : INT; y : INT; z : INT;', 'n := n + 1; f(go := n MOD 3 <> 0); y := f.q; f(go := FALSE, q => z); y := y + z;')}`;
  const p = run(twinOf(text), 5);
  // Scans 1, 2, 4, 5 count: m = 4; in scan 5 the first call gives 40, the second 4.
  expect(p, { 'MAIN.y': 44, 'MAIN.z': 4 });
});

test('an FB output written only after its RETURN, read after a call that returned early', () => {
  const text = `FUNCTION_BLOCK FB_Cnt
VAR_INPUT go : BOOL; END_VAR
VAR_OUTPUT cnt : INT; END_VAR
IF NOT go THEN RETURN; END_IF;
cnt := cnt + 1;
END_FUNCTION_BLOCK
${main('f : FB_Cnt; g : FB_Cnt; n : INT; y : INT; z : INT;', 'n := n + 1; f(go := n MOD 2 = 1); y := f.cnt * 10 + n; g(go := n MOD 3 = 1, cnt => z); z := z * 10 + n;')}`;
  const p = run(twinOf(text), 4);
  // f counts in scans 1 and 3, g in scans 1 and 4.
  expect(p, { 'MAIN.y': 24, 'MAIN.z': 24 });
});

test('IF/ELSIF and CASE chains that write the variable their conditions read', () => {
  const p = twinOf(main('x : INT; s : INT; y : INT; t : INT;', 'IF x = 0 THEN x := 1; ELSIF x = 1 THEN x := 2; ELSIF x = 2 THEN x := 0; y := y + 1; END_IF; CASE s OF 0: s := 1; 1: s := 2; t := t + s; ELSE s := 0; END_CASE; y := y + x * 0; t := t + s * 0;'));
  run(p, 7);
  expect(p, { 'MAIN.x': 1, 'MAIN.y': 2, 'MAIN.s': 1, 'MAIN.t': 4 });
});

test('loops: a variable carried from one iteration to the next and read after the loop', () => {
  const p = run(twinOf(main('n : INT; k : INT; y : INT; i : INT; r : INT;', 'n := 0; k := 0; WHILE n < 5 DO n := n + 1; k := k + n; END_WHILE; y := n + k; r := 0; FOR i := 1 TO 3 DO r := r * 10 + i; END_FOR; REPEAT r := r + 1; UNTIL r MOD 5 = 0 END_REPEAT; y := y + r;')), 2);
  expect(p, { 'MAIN.y': 145, 'MAIN.r': 125 });
});

test('a struct copied over a field that was read, then the field read again', () => {
  const text = `TYPE ST_P : STRUCT a : INT; b : BOOL; END_STRUCT END_TYPE
${main('p1 : ST_P; p2 : ST_P; y : INT; n : INT;', 'n := n + 1; p1.a := n; p2.a := 100; y := p2.a; p2 := p1; p1.a := 50; y := y + p2.a + p1.a;')}`;
  const p = run(twinOf(text), 3);
  expect(p, { 'MAIN.y': 153 });
});

test('an FB instance in an array, called at a computed index outside a loop', () => {
  const text = `FUNCTION_BLOCK FB_Count
VAR_INPUT go : BOOL; END_VAR
VAR_OUTPUT q : INT; END_VAR
IF go THEN q := q + 1; END_IF;
END_FUNCTION_BLOCK
${main('fbs : ARRAY[1..2] OF FB_Count; k : INT := 1; n : INT; y : INT;', 'n := n + 1; fbs[k](go := TRUE); y := fbs[k].q * 100 + fbs[1].q * 10 + fbs[2].q; k := n MOD 2 + 1;')}`;
  const p = run(twinOf(text), 5);
  // k alternates 1, 2, 1, 2, 1 (read before it is written: a memory cell): fbs[1] counts 3, fbs[2] 2.
  expect(p, { 'MAIN.y': 332 });
});

test('an FB input read from the same instance\'s output in its own call', () => {
  const text = main('t : TON; r : R_TRIG; n : INT; q : INT;', 't(IN := NOT t.Q, PT := T#20ms); r(CLK := NOT r.Q AND t.Q); IF r.Q THEN n := n + 1; END_IF; q := TIME_TO_INT(t.ET);');
  const p = run(twinOf(text), 12);
  assert.ok((p.read('MAIN.n') as number) > 0, 'the timer restarts itself and the edge counts');
});

test('sorting.st: the unobserved scan reads its step variable once a scan where it can', () => {
  const r = compileSt([{ file: 'sorting.st', text: readFileSync('examples/programs/sorting.st', 'utf8') }]);
  const js = r.js!;
  const scanU = js.slice(js.indexOf('function scanU'));
  // SORTING.step sits at byte 72 (I16[36]); it is read by the FIFO call, three timers, the CASE
  // and four outputs, and written in the CASE.
  const reads = scanU.match(/I16\[36\](?! =)/g) ?? [];
  assert.equal(reads.length, 1, `reads of I16[36] in scanU:\n${scanU}`);
  assert.ok(/I16\[36\] = m\$i16\$72 = 1;/.test(scanU), 'a store sets the local too');
});

test.run();
