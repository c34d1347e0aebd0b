// ST programs in the loop: the demo's sorting.st lock-stepped with the sorting line gives the same
// values as the TypeScript reference program at every step, runs are identical per seed, a runtime
// fault puts the controller in STOP (outputs 0) while the physics goes on and a reset recovers,
// an endless loop is stopped by the watchdog, and a scan allocates nothing.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadLineFile } from '../../core/config/line-file.ts';
import { defaultTagMap, runSignals } from '../../core/engine/engine.ts';
import { Lockstep } from '../../core/engine/lockstep.ts';
import type { LineFile } from '../../physics/model.ts';
import { SimAdapter } from '../../plc-adapters/sim/sim-adapter.ts';
import { loadProgram } from '../../plc-adapters/sim/program-source.ts';
import type { ControlProgram } from '../../plc-adapters/sim/program.ts';
import { StProgram } from '../../plc-adapters/st/st-program.ts';

const demo = loadLineFile('examples/sorting.yaml');
const dir = mkdtempSync(join(tmpdir(), 'twinloop-st-'));

async function build(line: LineFile, program: string) {
  const controller = { name: 'plc1', protocol: 'sim', program, cycleMs: 10 };
  const tagMap = defaultTagMap(controller, line);
  const defs = runSignals(line, tagMap);
  const ls = await Lockstep.create(line, defs, controller, tagMap);
  const id = (n: string) => defs.findIndex((d) => d.name === n);
  return { ls, defs, id, program: (ls.exchange!.adapter as SimAdapter).program };
}

function stFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

test('sorting.st gives the TypeScript program\'s values at every step for 60 s, and the same run twice', async () => {
  assert.ok(demo.program!.endsWith('examples/programs/sorting.st'), demo.program);
  const st = await build(demo, demo.program!);
  const st2 = await build(demo, demo.program!);
  const ts = await build(demo, 'sorting');
  assert.ok(st.program instanceof StProgram);
  // The same catalog (the io block binds exactly the signals the TS program's image names).
  assert.equal(st.defs.map((d) => d.name), ts.defs.map((d) => d.name));
  for (let t = 0; t < 60_000; t += 10) {
    st.ls.run(10);
    st2.ls.run(10);
    ts.ls.run(10);
    for (let k = 0; k < st.ls.values.length; k++) {
      if (!Object.is(st.ls.values[k], ts.ls.values[k])) assert.unreachable(`tick ${st.ls.tick}: ${st.defs[k]!.name} ST ${st.ls.values[k]} TS ${ts.ls.values[k]}`);
      if (!Object.is(st.ls.values[k], st2.ls.values[k])) assert.unreachable(`tick ${st.ls.tick}: ${st.defs[k]!.name} differs between two ST runs`);
    }
  }
  assert.ok(st.ls.values[st.id('binTall.count')]! > 0, 'tall items were sorted');
});

/** Run the line until its program stops (at most 120 simulated s); the program, in STOP. */
function untilStop(r: Awaited<ReturnType<typeof build>>): StProgram {
  const p = r.program as StProgram;
  for (let steps = 0; p.status === 'run' && steps < 120_000; steps += 10) r.ls.run(10);
  assert.is(p.status, 'stop');
  return p;
}

const faulty = `
PROGRAM P
VAR_INPUT pe1 : BOOL; END_VAR
VAR_OUTPUT run : BOOL; sp : REAL; END_VAR
VAR a : ARRAY[1..3] OF INT; k : INT := 1; seen : R_TRIG; END_VAR
run := TRUE;
sp := 50.0;
seen(CLK := pe1);
IF seen.Q THEN k := k + 1; END_IF;
a[k] := k;   (* the third item at pe1 takes k to 4 *)
END_PROGRAM
`;

test('an index out of range puts the controller in STOP: outputs 0, the physics runs on, reset recovers', async () => {
  const line: LineFile = { ...demo, program: stFile('faulty.st', faulty), io: { 'pe1.blocked': 'P.pe1', 'm1.run': 'P.run', 'm1.setpoint': 'P.sp', 'm2.run': 'P.run', 'm2.setpoint': 'P.sp' } };
  const r = await build(line, line.program!);
  const p = untilStop(r);
  assert.equal({ kind: p.fault!.kind, line: p.fault!.line, col: p.fault!.col, pou: p.fault!.pou }, { kind: 'index', line: 10, col: 3, pou: 'P' });
  assert.match(p.fault!.message, 'array index 4 is outside 1..3');
  const time = r.ls.time;
  r.ls.run(1000);
  assert.is(r.ls.values[r.id('m1.run')], 0, 'outputs are 0 in STOP');
  assert.ok(r.ls.time > time, 'the physics goes on');
  assert.ok(r.ls.values[r.id('m1.speed')]! < 40, 'the belt runs down without its run command');
  r.ls.exchange!.restart();
  r.ls.run(100);
  assert.is(p.status, 'run');
  assert.is(r.ls.values[r.id('m1.run')], 1);
});

test('an endless loop is stopped by the watchdog; the line goes on', async () => {
  const text = 'PROGRAM W\nVAR_INPUT pe1 : BOOL; END_VAR\nVAR_OUTPUT run : BOOL; sp : REAL := 50.0; END_VAR\nVAR n : DINT; END_VAR\nrun := TRUE;\nWHILE pe1 DO\n  n := n + 1;\nEND_WHILE;\nEND_PROGRAM\n';
  const line: LineFile = { ...demo, program: stFile('endless.st', text), io: { 'pe1.blocked': 'W.pe1', 'm1.run': 'W.run', 'm1.setpoint': 'W.sp', 'm2.run': 'W.run', 'm2.setpoint': 'W.sp' } };
  const r = await build(line, line.program!);
  const p = untilStop(r);
  assert.is(p.fault!.kind, 'watchdog');
  assert.is(p.fault!.line, 6);
  assert.match(p.fault!.message, 'watchdog of 100 ms');
  r.ls.run(100);
  assert.is(r.ls.values[r.id('m1.run')], 0);
});

function newSpaceUsed(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_used_size;
}

/** Median new-space bytes per scan over chunks that saw no collection. */
async function bytesPerScan(p: ControlProgram): Promise<number> {
  const i = new Float64Array(p.io.inputs.length);
  const q = new Float64Array(p.io.outputs.length);
  let gcs = 0;
  const obs = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  obs.observe({ entryTypes: ['gc'] });
  const rates: number[] = [];
  for (let chunk = 0; chunk < 12; chunk++) {
    await new Promise((r) => setTimeout(r, 10));
    const before = gcs;
    const used = newSpaceUsed();
    for (let s = 0; s < 20_000; s++) {
      // Inputs change now and then, so the program walks its branches.
      if (s % 37 === 0) for (let k = 0; k < i.length; k++) i[k] = ((s / 37 + k) & 3) === 0 ? 1 : 0;
      p.scan(i, q, 10);
    }
    const grown = newSpaceUsed() - used;
    await new Promise((r) => setTimeout(r, 10));
    if (gcs === before && grown >= 0) rates.push(grown / 20_000);
  }
  obs.disconnect();
  rates.sort((a, b) => a - b);
  assert.ok(rates.length >= 3, `too few clean chunks (${rates.length})`);
  return rates[Math.floor(rates.length / 2)]!;
}

test('a scan of each demo program allocates nothing, in both scans (new-space bytes per scan over clean chunks)', async () => {
  for (const name of ['sorting', 'furnace', 'assembly']) {
    for (const mode of ['observed', 'unobserved'] as const) {
      const p = loadProgram(`examples/programs/${name}.st`) as StProgram;
      p.scanMode = mode;
      const median = await bytesPerScan(p);
      assert.ok(median < 1, `${name}, ${mode} scan: ${median.toFixed(2)} bytes per scan`);
    }
  }
});

test('nor with forces held (a BOOL and a REAL) and a watched variable', async () => {
  const p = loadProgram('examples/programs/sorting.st') as StProgram;
  p.force('SORTING.tallSeen', false);
  p.force('SORTING.m1Setpoint', 40.5);
  p.watch('SORTING.step');
  const median = await bytesPerScan(p);
  assert.ok(median < 1, `${median.toFixed(2)} bytes per scan`);
  assert.is(p.read('SORTING.m1Setpoint'), 40.5);
});

test.run();
