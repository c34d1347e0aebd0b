// The engine end to end in its worker thread: pause, single-step, resume, pace, reset, close;
// tick statistics reported; a bad line refused before a worker starts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pino } from 'pino';
import { startRun } from '../../core/engine/engine.ts';
import { loadLineFile } from '../../core/config/line-file.ts';
import { ConfigError } from '../../core/config/config-error.ts';
import { isTwinloopError } from '../../core/errors.ts';

const quiet = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('paused start, single steps, resume, pause holds the tick', async () => {
  const run = await startRun({ linePath: 'examples/sorting.yaml', autoStart: false, logger: quiet, statsLogMs: 0 });
  try {
    assert.is(run.status().state, 'paused');
    assert.is(run.table.tick, 0);
    await run.step(25);
    assert.is(run.table.tick, 25);
    await run.step(); // one controller cycle = 10 ms / 1 ms
    assert.is(run.table.tick, 35);
    await run.resume();
    await sleep(300);
    const t1 = run.table.tick;
    assert.ok(t1 > 100, `ticks advance in real time (${t1})`);
    await run.pause();
    const t2 = run.table.tick;
    await sleep(150);
    assert.is(run.table.tick, t2, 'tick holds while paused');
    const s = run.status();
    assert.is(s.state, 'paused');
    assert.is(s.mode, 'virtual');
    assert.ok(s.stats.wakes > 50, 'lateness measured per wake');
    assert.is(s.controllers[0]?.state, 'connected');
    assert.ok((s.controllers[0]?.cycles ?? 0) >= t2 / 10 - 1);
  } finally {
    await run.close();
  }
});

test('fast pace runs far ahead of the wall clock; reset goes back to tick 0', async () => {
  const run = await startRun({ linePath: 'examples/sorting.yaml', pace: { kind: 'fast' }, logger: quiet, statsLogMs: 0 });
  try {
    await sleep(400);
    assert.ok(run.table.time > 10, `fast: ${run.table.time.toFixed(1)} s simulated in ~0.4 s`);
    assert.equal(run.status().pace, { kind: 'fast' });
    await run.pause();
    await run.reset();
    assert.is(run.table.tick, 0);
    await run.setPace({ kind: 'realtime', factor: 10 });
    assert.equal(run.status().pace, { kind: 'realtime', factor: 10 });
    // Paced runs put the physics thread under SCHED_FIFO where the process may (root here);
    // fast runs never hold it.
    if (process.getuid?.() === 0) assert.is(run.scheduling, 'SCHED_FIFO 10');
    await run.setPace({ kind: 'fast' });
    if (process.getuid?.() === 0) assert.is(run.scheduling, 'SCHED_OTHER');
  } finally {
    await run.close();
  }
});

test('bad run requests are refused with a reason', async () => {
  const run = await startRun({ linePath: 'examples/sorting.yaml', autoStart: false, logger: quiet, statsLogMs: 0 });
  try {
    await run.setPace({ kind: 'realtime', factor: -1 }).then(() => assert.unreachable(), (e: unknown) => {
      assert.ok(isTwinloopError(e, 'RUN_BAD_REQUEST'));
      assert.match((e as Error).message, /pace factor must be from 0.01 to 10000, got -1/);
    });
    await run.step(0).then(() => assert.unreachable(), (e: unknown) => assert.ok(isTwinloopError(e, 'RUN_BAD_REQUEST')));
  } finally {
    await run.close();
  }
});

test('force overrides an actuator and a sensor until released; bad forces are refused', async () => {
  const run = await startRun({ linePath: 'examples/sorting.yaml', autoStart: false, logger: quiet, statsLogMs: 0 });
  try {
    // A look at one value each time: the table's current buffer changes with every publish.
    const v = (i: number): number => run.table.values[i]!;
    const m1run = run.table.id('m1.run');
    const pe2 = run.table.id('pe2.blocked');
    await run.step(20);
    assert.is(v(m1run), 1, 'the controller runs m1');
    await run.force('m1.run', 0);
    await run.force('pe2.blocked', 1);
    await run.step(50);
    assert.is(v(m1run), 0, 'forced actuator wins over the controller');
    assert.is(v(pe2), 1, 'forced sensor wins over the model');
    assert.equal(run.forcedSignals(), [{ signal: 'm1.run', value: 0 }, { signal: 'pe2.blocked', value: 1 }]);
    await run.release('m1.run');
    await run.release('pe2.blocked');
    await run.step(20);
    assert.is(v(pe2), 0, 'the model writes the sensor again');
    await run.force('m1.run', 0.5).then(() => assert.unreachable(), (e: unknown) => assert.ok(isTwinloopError(e, 'SIG_TYPE')));
    await run.force('nope.signal', 1).then(() => assert.unreachable(), (e: unknown) => assert.ok(isTwinloopError(e, 'SIG_UNKNOWN')));
  } finally {
    await run.close();
  }
});

test('faults are injected into the running model, listed, and cleared', async () => {
  const run = await startRun({ linePath: 'examples/sorting.yaml', autoStart: false, logger: quiet, statsLogMs: 0 });
  try {
    const pe1 = run.table.id('pe1.blocked');
    await run.step(10);
    assert.is(run.table.values[pe1], 0);
    const f = await run.injectFault({ target: 'signal', signal: 'pe1.blocked', kind: 'stuck', value: 1 });
    assert.is(f.spec.kind, 'stuck');
    assert.is(f.tick, 10);
    await run.step(10);
    assert.is(run.table.values[pe1], 1, 'stuck at 1');
    assert.equal(run.faults().map((x) => x.id), [f.id]);
    await run.clearFault(f.id);
    await run.step(10);
    assert.is(run.table.values[pe1], 0, 'the model writes the sensor again');
    assert.is(run.faults().length, 0);
    await run.clearFault(f.id).then(() => assert.unreachable(), (e: unknown) => assert.ok(isTwinloopError(e, 'RUN_BAD_REQUEST')));
    const wb = await run.injectFault({ target: 'signal', signal: 'pe1.blocked', kind: 'wirebreak' });
    await run.step(10);
    assert.is(run.table.quality[pe1], 2, 'a wire break makes the quality bad');
    await run.clearFault(wb.id);
    assert.is(run.table.quality[pe1], 0, 'and good again when cleared');
    await run.injectFault({ target: 'signal', signal: 'pe2.blocked', kind: 'stuck', value: 1 });
    await run.reset();
    assert.is(run.faults().length, 0, 'a reset clears injected faults');
  } finally {
    await run.close();
  }
});

test('a line without a program runs with no controller, driven by forces (and --program none does the same)', async () => {
  // The tank line without its program: (program and io stripped, as a user's first line file).
  const { program: _p, io: _io, ...bare } = loadLineFile('examples/tank.yaml');
  for (const options of [{ line: bare }, { linePath: 'examples/tank.yaml', controller: { name: 'plc1', protocol: 'sim', program: 'none', cycleMs: 10 } }]) {
    const run = await startRun({ ...options, autoStart: false, logger: quiet, statsLogMs: 0 });
    try {
      assert.equal(run.status().controllers, []);
      assert.is(run.program, undefined);
      await run.force!('vMakeup.open', 1);
      await run.step(5000);
      const v = new Float64Array(run.table.size);
      run.table.snapshot(v, { tick: 0, time: 0 });
      assert.is(v[run.table.id('vMakeup.open')], 1);
      assert.ok(v[run.table.id('tank.inflow')]! > 0, 'the forced valve fills the tank');
    } finally {
      await run.close();
    }
  }
});

test('an ST program\'s STOP shows in the run status with its fault', async () => {
  const run = await startRun({ linePath: 'test/hmi/fixtures/divzero.yaml', pace: { kind: 'fast' }, logger: quiet, statsLogMs: 0 });
  try {
    const deadline = Date.now() + 20_000;
    let program = run.status().controllers[0]?.program;
    while (program?.status !== 'stop' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      program = run.status().controllers[0]?.program;
    }
    assert.is(program?.status, 'stop');
    assert.equal({ kind: program!.fault!.kind, file: program!.fault!.file.split('/').pop(), pou: program!.fault!.pou }, { kind: 'divzero', file: 'divzero.st', pou: 'MAIN' });
    // Paused, so the program (which divides by zero again after 2 simulated s) stays in RUN.
    await run.pause();
    await run.reset();
    await new Promise((r) => setTimeout(r, 600));
    assert.is(run.status().controllers[0]?.program?.status, 'run', 'a reset restarts the program');
  } finally {
    await run.close();
  }
});

test('an invalid line file is refused before any worker starts', async () => {
  try {
    await startRun({ linePath: 'test/fixtures/no-such-line.yaml', logger: quiet });
    assert.unreachable();
  } catch (err) {
    assert.instance(err, ConfigError);
    assert.match((err as Error).message, /no-such-line\.yaml: cannot read: file not found/);
  }
});

test.run();
