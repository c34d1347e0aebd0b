// Snapshot and restore of a whole lock-step run, the built-in controller included: a run
// restored (into a fresh Lockstep, and rewound in place) continues bit-identically — values,
// signal quality and the program's steps, timers and counters — for the sorting line (divert
// sequence and FIFO in flight), the furnace line (PI integral, door timers) and the assembly
// line (roller zones, machine mid-cycle with its random stream, buffer, pick-and-place step).

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadLineFile } from '../../core/config/line-file.ts';
import { defaultTagMap, runSignals } from '../../core/engine/engine.ts';
import { Lockstep } from '../../core/engine/lockstep.ts';
import { isTwinloopError } from '../../core/errors.ts';
import { SimAdapter } from '../../plc-adapters/sim/sim-adapter.ts';
import { hashValues } from './harness.ts';

async function run(file: string, program: string): Promise<Lockstep> {
  const controller = { name: 'plc1', protocol: 'sim', program, cycleMs: 10 } as const;
  const line = loadLineFile(file);
  const tagMap = defaultTagMap(controller);
  return Lockstep.create(line, runSignals(line, tagMap), controller, tagMap);
}

/** Hashes of values and quality every 50 steps, and the controller's saved state at the end. */
function trace(ls: Lockstep, steps: number): { hashes: number[]; ctrl: number[] } {
  const hashes: number[] = [];
  for (let k = 0; k < steps; k++) {
    ls.step();
    // Snapshot at an odd tick so the controller's scan phase matters.
    if (k % 50 === 0) hashes.push(hashValues(ls.values), hashValues(new Float64Array(ls.quality)));
  }
  const sim = ls.exchange!.adapter as SimAdapter;
  return { hashes, ctrl: [...sim.saveState()!] };
}

for (const [file, program, warm] of [
  ['examples/sorting.yaml', 'sorting', 61_003],
  ['examples/furnace.yaml', 'furnace', 200_007],
  ['examples/assembly.yaml', 'assembly', 150_003],
] as const) {
  test(`${program}: a restored run continues bit-identically, controller included`, async () => {
    const a = await run(file, program);
    a.run(warm);
    const bytes = a.snapshot();
    const ref = trace(a, 30_000);

    const b = await run(file, program);
    b.restore(bytes);
    assert.is(b.tick, warm);
    assert.equal(trace(b, 30_000), ref, 'fresh run continues identically');

    a.restore(bytes);
    assert.equal(trace(a, 30_000), ref, 'rewound run continues identically');
  });
}

test('assembly: reset gives the identical run again (stations, random cycle times)', async () => {
  const a = await run('examples/assembly.yaml', 'assembly');
  const first = trace(a, 90_000);
  a.reset();
  assert.equal(trace(a, 90_000), first);
});

test('without the controller state the continuation differs (the test can fail)', async () => {
  const a = await run('examples/sorting.yaml', 'sorting');
  a.run(61_003);
  const bytes = a.snapshot();
  const ref = trace(a, 30_000);
  const b = await run('examples/sorting.yaml', 'sorting');
  b.model.restore(a.model.snapshot()); // any model state: the point is the cold controller
  b.restore(bytes);
  (b.exchange!.adapter as SimAdapter).restart();
  assert.not.equal(trace(b, 30_000).hashes, ref.hashes);
});

test('a snapshot of another line or program is refused and changes nothing', async () => {
  const a = await run('examples/sorting.yaml', 'sorting');
  a.run(5_000);
  const f = await run('examples/furnace.yaml', 'furnace');
  f.run(1_000);
  const before = hashValues(f.values);
  const ctrl = [...(f.exchange!.adapter as SimAdapter).saveState()!];
  for (const bytes of [a.snapshot(), new Uint8Array(10), a.snapshot().subarray(0, 100)]) {
    try {
      f.restore(bytes);
      assert.unreachable('restored a foreign snapshot');
    } catch (err) {
      assert.ok(isTwinloopError(err) && err.code === 'SNAPSHOT_INVALID', String(err));
    }
  }
  assert.is(hashValues(f.values), before);
  assert.equal([...(f.exchange!.adapter as SimAdapter).saveState()!], ctrl);
  assert.is(f.tick, 1_000);
});

test.run();
