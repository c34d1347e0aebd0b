// Where a built-in controller's program comes from and how its I/O is bound: program specs
// (ST file, files, folder, built-in name, none), the line file's io: block and its checks,
// located addresses and case-insensitive addresses in a plant file's tag map, program paths
// relative to their file, `twinloop check` (exit codes, file:line:col with a caret) and ST unit
// tests through `twinloop test` (summary, JUnit).

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadLineFile, parseLineFile } from '../../core/config/line-file.ts';
import { programTagMap } from '../../core/engine/run-catalog.ts';
import { runStTestFile } from '../../core/scenario/st-unit-tests.ts';
import { parseScenarioFile } from '../../core/scenario/scenario-file.ts';
import { prepareScenario } from '../../core/scenario/scenario-compile.ts';
import { runScenario } from '../../core/scenario/runner.ts';
import { absoluteSpec, isSourceSpec, loadProgram, readSources } from '../../plc-adapters/sim/program-source.ts';
import { SimAdapter } from '../../plc-adapters/sim/sim-adapter.ts';
import { StProgram } from '../../plc-adapters/st/st-program.ts';

const dir = mkdtempSync(join(tmpdir(), 'twinloop-spec-'));
const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('specs: built-in names, none and paths; relative paths resolve against their base', () => {
  assert.not.ok(isSourceSpec('sorting'));
  assert.not.ok(isSourceSpec('none'));
  assert.ok(isSourceSpec('my.st'));
  assert.is(absoluteSpec('sorting', '/x'), 'sorting');
  assert.is(absoluteSpec('a.st, lib/b.st', '/x'), '/x/a.st,/x/lib/b.st');
  const line = loadLineFile('examples/sorting.yaml');
  assert.is(line.program, resolve('examples/programs/sorting.st'));
});

test('a folder is its .st files sorted, without unit tests; several files joined by commas compile together', () => {
  const sub = join(dir, 'prog');
  mkdirSync(sub);
  writeFileSync(join(sub, 'b-main.st'), 'PROGRAM MAIN\nVAR_OUTPUT y : INT; END_VAR\ny := Twice(21);\nEND_PROGRAM\n');
  writeFileSync(join(sub, 'a-lib.st'), 'FUNCTION Twice : INT\nVAR_INPUT x : INT; END_VAR\nTwice := x * 2;\nEND_FUNCTION\n');
  writeFileSync(join(sub, 'x.test.st'), 'PROGRAM TEST_X\nTEST_FINISHED();\nEND_PROGRAM\n');
  assert.equal(readSources(sub).sources.map((s) => s.file.split('/').pop()), ['a-lib.st', 'b-main.st']);
  const p = loadProgram(`${join(sub, 'a-lib.st')},${join(sub, 'b-main.st')}`) as StProgram;
  p.scan(new Float64Array(0), new Float64Array(1), 10);
  assert.is(p.read('MAIN.y'), 42);
  assert.throws(() => readSources(join(dir, 'missing.st')), /no such file or folder/);
});

test('a program that does not compile is refused with every error as file:line:col', () => {
  const bad = write('bad.st', 'PROGRAM P\nVAR i : INT; END_VAR\ni := 1.5;\ni := j;\nEND_PROGRAM\n');
  assert.throws(() => loadProgram(bad), (err: Error) => /does not compile/.test(err.message) && err.message.includes(`${bad}:3:6: error: cannot assign a real number to INT (use LREAL_TO_INT)`) && err.message.includes(`${bad}:4:6: error: unknown name j`));
});

const ioProgram = write('io.st', 'PROGRAM P\nVAR_INPUT pe1 : BOOL; lvl AT %IW2 : INT; END_VAR\nVAR_OUTPUT run : BOOL; sp : LREAL := 50.0; END_VAR\nrun := pe1;\nEND_PROGRAM\n');
const lineText = (io: string) => `name: io\nprogram: ${ioProgram}\nio:\n${io}\ncomponents:\n  - { id: m1, type: drive }\n  - { id: pe1, type: photoeye, conveyor: c1, position: 1 }\n  - { id: c1, type: conveyor, length: 2, drive: m1 }\n`;

test('the io: block binds signals to program variables; direction and types follow the variables', () => {
  const line = parseLineFile(join(dir, 'io.yaml'), lineText('  pe1.blocked: P.pe1\n  m1.run: p.RUN\n  m1.setpoint: P.sp'));
  assert.equal(programTagMap(line.program!, line), [
    { signal: 'pe1.blocked', address: 'P.pe1', type: 'bool', direction: 'write' },
    { signal: 'm1.run', address: 'P.run', type: 'bool', direction: 'read' },
    { signal: 'm1.setpoint', address: 'P.sp', type: 'real', direction: 'read' },
  ]);
});

test('a bad io: block names both sides: unknown variable (with a hint), type mismatch, unknown signal', () => {
  const line = parseLineFile(join(dir, 'io.yaml'), lineText('  pe1.blocked: P.pe2\n  m1.run: P.sp\n  pe9.blocked: P.pe1'));
  assert.throws(
    () => programTagMap(line.program!, line),
    (err: Error) =>
      err.message.includes('io.pe1.blocked: P.pe2 is not an input or output of the program') &&
      err.message.includes('did you mean P.pe1?') &&
      err.message.includes('io.m1.run: the signal is bool but P.sp is REAL/LREAL') &&
      err.message.includes('io.pe9.blocked: no such signal in line io; did you mean pe1.blocked?'),
  );
});

test('a plant tag map may address located variables (%IW2) and ignore case; any scalar variable can be read', () => {
  const a = new SimAdapter({ program: ioProgram, cycleMs: 10 });
  const w = a.prepareSync([
    { address: '%IW2', type: 'int', direction: 'write' },
    { address: 'p.PE1', type: 'bool', direction: 'write' },
  ]);
  const r = a.prepareSync([
    { address: 'P.run', type: 'bool', direction: 'read' },
    { address: '%iw2', type: 'int', direction: 'read' }, // not an output: watched as one
  ]);
  void a.connect();
  a.writeSync(w, Float64Array.of(7, 1));
  a.scan();
  const out = new Float64Array(2);
  a.readSync(r, out, new Uint8Array(2));
  assert.equal([...out], [1, 7]);
  assert.throws(() => a.prepareSync([{ address: 'P.nope', type: 'bool', direction: 'write' }]), /not an input of program/);
});

test('the online view shows CONSTANTs but refuses to write them (the code uses their values)', () => {
  const p = loadProgram('examples/programs/sorting.st') as StProgram;
  const row = p.online('SORTING').find((v) => v.name === 'STEP_FAULT')!;
  assert.equal({ value: row.value, constant: row.constant }, { value: '9', constant: true });
  assert.throws(() => p.set('SORTING.STEP_FAULT', '5', false), /SORTING\.STEP_FAULT is a CONSTANT: the program is compiled with its value/);
  assert.is(p.online('SORTING').find((v) => v.name === 'step')!.constant, undefined);
});

test('a scenario on a line without a program runs with no controller (its steps drive the line)', async () => {
  const { program: _p, io: _io, ...bare } = loadLineFile('examples/tank.yaml');
  const lineFile = write('bare-tank.yaml', JSON.stringify(bare));
  const doc = parseScenarioFile(join(dir, 'bare.yaml'), `name: bare\nline: ${lineFile}\nsteps:\n  - set: { signal: vMakeup.open, value: 1 }\n  - expect: { condition: "tank.inflow > 0", within: 5 }\n`);
  const r = await runScenario(await prepareScenario(doc));
  assert.is(r.status, 'passed', r.message);
  assert.is(r.program, 'none');
});

test('twinloop check: exit 0 with a summary, exit 1 with every error, the source line and a caret', () => {
  const ok = spawnSync(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', 'check', 'examples/programs/sorting.st'], { encoding: 'utf8' });
  assert.is(ok.status, 0, ok.stderr);
  assert.match(ok.stderr, 'examples/programs/sorting.st: ok — SORTING; 6 inputs, 6 outputs');
  const bad = write('two-errors.st', 'PROGRAM P\nVAR i : INT; r : REAL; END_VAR\ni := r;\nIF i THEN END_IF;\nEND_PROGRAM\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', 'check', bad], { encoding: 'utf8' });
  assert.is(r.status, 1);
  assert.ok(r.stderr.includes(`${bad}:3:6: error: cannot assign REAL to INT (use REAL_TO_INT)\n 3 | i := r;\n   |      ^`), r.stderr);
  assert.ok(r.stderr.includes(`${bad}:4:4: error: IF needs a BOOL condition, got INT`), r.stderr);
  assert.match(r.stderr, ': 2 errors');
  const emitted = execFileSync(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', 'check', 'examples/programs/tank.st', '--emit'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  assert.match(emitted, 'function P_TANK() {');
});

test('twinloop start refuses a program that does not compile: every error with its caret, no stack trace', () => {
  const bad = write('start-bad.st', 'PROGRAM P\nVAR i : INT; END_VAR\ni := k;\nEND_PROGRAM\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', 'start', '--line', 'examples/tank.yaml', '--program', bad, '--port', '0', '--data', join(dir, 'data')], { encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 1);
  assert.ok(r.stderr.includes(`${bad}:3:6: error: unknown name k\n 3 | i := k;\n   |      ^`), r.stderr);
  assert.match(r.stderr, 'twinloop: refused to start');
  assert.not.match(r.stderr, '    at ');
});

test('ST unit tests: the demo tests pass; against the broken program the three timeout tests fail with file:line, values and scan', () => {
  const good = runStTestFile('examples/programs/tests/sorting.test.st');
  assert.ok(good.length >= 5);
  assert.equal(good.filter((r) => r.status !== 'passed').map((r) => r.message), []);
  const broken = runStTestFile('examples/programs/tests/sorting.test.st', resolve('examples/programs/sorting-broken.st'));
  const failed = broken.filter((r) => r.status === 'failed');
  assert.equal(failed.map((r) => r.name.split(' ')[0]), ['TEST_StopTimeout', 'TEST_ExtendTimeout', 'TEST_RetractTimeout']);
  assert.match(failed[0]!.message!, /^examples\/programs\/tests\/sorting\.test\.st:\d+:\d+: assertion failed in scan \d+: expected 9, got 1/);
});

test('ST unit tests: a test that never finishes fails at the scan limit; a runtime fault and a missing TEST_ program are reported', () => {
  const f = write('own.test.st', 'PROGRAM TEST_Forever\nVAR n : INT; END_VAR\nn := n + 1;\nEND_PROGRAM\nPROGRAM TEST_Div\nVAR z : INT; END_VAR\nz := 1 / z;\nEND_PROGRAM\n');
  const rs = runStTestFile(f);
  assert.equal(rs.map((r) => r.status), ['failed', 'failed']);
  assert.match(rs[0]!.message!, 'did not call TEST_FINISHED() within 6000 scans');
  assert.match(rs[1]!.message!, `${f}:7:8: STOP in scan 0: integer division by zero`);
  const none = runStTestFile(write('none.test.st', 'FUNCTION F : INT\nF := 1;\nEND_FUNCTION\n'));
  assert.is(none[0]!.status, 'error');
  assert.match(none[0]!.message!, 'no PROGRAM TEST_... to run');
});

test('twinloop test runs ST unit tests beside scenarios: summary line and JUnit testcases', () => {
  const out = join(dir, 'results');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', 'test', 'examples/programs/tests/', '--serial', '--out', out], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /\n(\d+) passed, 0 failed, 0 errors/);
  const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
  assert.ok((junit.match(/<testcase /g) ?? []).length >= 10, junit.slice(0, 400));
  assert.match(junit, 'TEST_FifoPushPopOrder');
});

test.run();
