// The recorder on real runs of the demo line (core/engine startRun, examples/sorting.yaml):
// 1. a stepped run sampled after each step: every recorded frame equals, bit for bit, the
//    snapshot the test took at the same moment;
// 2. a paced run recorded by the timer at 50 Hz for ~1.5 s: a second run of the same line,
//    stepped to each recorded tick, reproduces every recorded value exactly (the run is
//    deterministic; the recording must not have changed a bit of it).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startRun, type StartedRun } from '../../core/engine/engine.ts';
import { Recording, recordRun, TableRecorder } from '../../core/recording/index.ts';

const LINE = new URL('../../examples/sorting.yaml', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'twinloop-rec-live-'));
const runs: StartedRun[] = [];
test.after(async () => {
  for (const r of runs) await r.close().catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

async function open(autoStart: boolean): Promise<StartedRun> {
  const run = await startRun({ linePath: LINE, logger: pino({ level: 'warn' }), statsLogMs: 0, autoStart, realtimePriority: 0, nice: 0 });
  runs.push(run);
  return run;
}

function sameBits(a: Float64Array, b: Float64Array): number {
  const wa = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
  const wb = new Uint32Array(b.buffer, b.byteOffset, b.length * 2);
  for (let i = 0; i < wa.length; i++) if (wa[i] !== wb[i]) return i >> 1;
  return -1;
}

test('stepped run: each recorded frame is the snapshot taken with it', async () => {
  const run = await open(false);
  const rec = new TableRecorder(run.table, { root, id: 'stepped', meta: { line: run.lineName } });
  const kept: { tick: number; values: Float64Array }[] = [];
  const info = { tick: 0, time: 0 };
  for (let i = 0; i < 120; i++) {
    await run.step(25);
    assert.ok(rec.sample(), `sample ${i} written`);
    const v = new Float64Array(run.table.size);
    assert.ok(run.table.snapshot(v, info));
    kept.push({ tick: info.tick, values: v });
  }
  await rec.close();
  const r = Recording.open(join(root, 'stepped'));
  try {
    assert.is(r.summary().frames, kept.length);
    let k = 0;
    for (const f of r.frames(-Infinity, Infinity)) {
      const want = kept[k]!;
      assert.is(f.tick, want.tick);
      const bad = sameBits(f.values, want.values);
      assert.is(bad, -1, bad >= 0 ? `frame ${k}, ${r.signals[bad]!.name}: ${f.values[bad]} vs ${want.values[bad]}` : '');
      k++;
    }
    assert.is(k, kept.length);
    assert.is(r.meta.line, 'sorting');
  } finally {
    r.close();
  }
  await run.close();
});

test('paced run recorded at 50 Hz: a second run stepped to each recorded tick reproduces it exactly', async () => {
  const run = await open(true);
  const rec = recordRun(run, { root, id: 'paced' });
  const until = Date.now() + 1500;
  while (Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  await rec.close();
  await run.close();
  const stats = rec.stats();
  assert.ok(stats.frames >= 30, `frames recorded: ${stats.frames}`);

  const r = Recording.open(join(root, 'paced'));
  const again = await open(false);
  try {
    assert.ok(Array.isArray(r.meta.layout) && r.meta.layout.length > 0, 'layout in the header');
    const v = new Float64Array(again.table.size);
    const info = { tick: 0, time: 0 };
    let frames = 0;
    let moving = 0;
    let prevItems = NaN; // line energy: grows while the drives run
    const energy = r.signalId('line.energy');
    for (const f of r.frames(-Infinity, Infinity)) {
      const ahead = f.tick - again.table.tick;
      if (ahead > 0) await again.step(ahead);
      assert.ok(again.table.snapshot(v, info));
      assert.is(info.tick, f.tick);
      const bad = sameBits(f.values, v);
      assert.is(bad, -1, bad >= 0 ? `tick ${f.tick}, ${r.signals[bad]!.name}: recorded ${f.values[bad]}, re-run ${v[bad]}` : '');
      if (f.values[energy] !== prevItems) moving++;
      prevItems = f.values[energy]!;
      frames++;
    }
    assert.is(frames, r.summary().frames);
    assert.ok(moving > 5, 'the recording is of a line that moves');
  } finally {
    r.close();
  }
});

test.run();
