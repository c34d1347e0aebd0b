// Item sensors (photo-eye, classifier, proximity) walk their conveyor's items only when what
// they see may have changed (items.ts coverMargin, the lanes' travel and epoch). This checks,
// after every step of long runs, that each of them reports exactly what a walk over every item
// would: items entering, leaving, diverted, handed over and hanging back across a belt end,
// accumulating behind a stopped belt, jams, slip, re-sync moves, snapshot/restore and reset,
// on the model's shared code and on its own compiled kernels. Sources skip their look for room
// the same way (source.ts): a blocked source must never stay blocked once its belt has room. So
// do quality gates (quality.ts): an item whose centre has reached a gate must have been judged.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentConfig, ItemView, LineFile } from '../../physics/model.ts';
import { rig, sortingLine } from './harness.ts';
import type { Rig } from './harness.ts';

/** A belt handing over to a slower one, sensors near both ends, a pusher, two item classes. */
function watchedLine(): LineFile {
  const components: ComponentConfig[] = [
    { id: 'm1', type: 'drive' },
    { id: 'm2', type: 'drive' },
    { id: 'c1', type: 'conveyor', length: 3, beltSpeed: 0.5, drive: 'm1', next: 'c2' },
    { id: 'c2', type: 'conveyor', length: 2, beltSpeed: 0.35, drive: 'm2', next: 'bEnd' },
    { id: 'bEnd', type: 'bin' },
    { id: 'bPush', type: 'bin' },
    {
      id: 's1',
      type: 'source',
      conveyor: 'c1',
      rate: 3,
      minGap: 0.02,
      itemLength: 0.25,
      classes: [
        { name: 'short', height: 0.05, probability: 0.5 },
        { name: 'tall', height: 0.15, probability: 0.5 },
      ],
    },
    { id: 'pe1', type: 'photoeye', conveyor: 'c1', position: 0.5 },
    { id: 'pe2', type: 'photoeye', conveyor: 'c1', position: 2.95 },
    { id: 'pe3', type: 'photoeye', conveyor: 'c1', position: 3 },
    { id: 'pe4', type: 'photoeye', conveyor: 'c2', position: 1 },
    { id: 'pe5', type: 'photoeye', conveyor: 'c2', position: 0 },
    { id: 'hs1', type: 'classifier', conveyor: 'c1', position: 2.9, threshold: 0.1 },
    { id: 'hs2', type: 'classifier', conveyor: 'c2', position: 0.05, threshold: 0.1 },
    { id: 'px1', type: 'proximity', conveyor: 'c1', position: 1.5, range: 0.01, detects: 'tall' },
    { id: 'px2', type: 'proximity', conveyor: 'c1', position: 2, range: 0.05 },
    { id: 'px3', type: 'proximity', conveyor: 'c2', position: 1.9, range: 0 },
    { id: 'pu1', type: 'pusher', conveyor: 'c1', position: 2.2, width: 0.3, extendTime: 0.2, retractTime: 0.2, bin: 'bPush' },
    { id: 'q1', type: 'quality', conveyor: 'c1', position: 1.6, attribute: 'height', min: 0.1 },
  ];
  return { name: 'watched', dt: 0.001, seed: 7, components };
}

interface Watched {
  id: string;
  type: 'photoeye' | 'classifier' | 'proximity';
  conveyor: string;
  next: string | undefined;
  cfg: ComponentConfig;
}

function sensorsOf(line: LineFile): Watched[] {
  const byId = new Map(line.components.map((c) => [c.id, c]));
  return line.components.flatMap((cfg) => {
    if (cfg.type !== 'photoeye' && cfg.type !== 'classifier' && cfg.type !== 'proximity') return [];
    const conveyor = cfg['conveyor'] as string;
    const next = byId.get(conveyor)!['next'] as string | undefined;
    return [{ id: cfg.id, type: cfg.type, conveyor, next: next !== undefined && byId.get(next)!.type === 'conveyor' ? next : undefined, cfg }];
  });
}

/** What each sensor must report, from every item's position (the documented semantics, no cache). */
function expected(line: LineFile, sensors: Watched[], items: ItemView[], counts: Counts): Map<string, number[]> {
  const on = (c: string): ItemView[] => items.filter((it) => it.conveyor === c);
  const lengthOf = new Map(line.components.filter((c) => c.type === 'conveyor').map((c) => [c.id, c['length'] as number]));
  const out = new Map<string, number[]>();
  for (const w of sensors) {
    const mine = on(w.conveyor);
    if (w.type === 'proximity') {
      const pos = w.cfg['position'] as number;
      const range = (w.cfg['range'] as number | undefined) ?? 0.008;
      const wants = w.cfg['detects'] as string | undefined;
      const hit = mine.some((it) => it.front >= pos - range && it.front - it.length <= pos + range && (wants === undefined || it.className === wants));
      out.set(w.id, [hit ? 1 : 0]);
      continue;
    }
    const x = w.cfg['position'] as number;
    let cover = mine.find((it) => it.front >= x && it.front - it.length <= x);
    if (cover === undefined && w.next !== undefined) {
      const theirs = on(w.next);
      const rear = theirs[theirs.length - 1];
      if (rear !== undefined && rear.front - rear.length + lengthOf.get(w.conveyor)! <= x) {
        cover = rear;
        counts.hangs++;
      }
    }
    if (w.type === 'photoeye') out.set(w.id, [cover ? 1 : 0]);
    else {
      const h = cover ? cover.height : 0;
      out.set(w.id, [h > ((w.cfg['threshold'] as number | undefined) ?? 0.1) ? 1 : 0, h]);
    }
  }
  return out;
}

function reported(r: Rig, w: Watched): number[] {
  if (w.type === 'photoeye') return [r.get(`${w.id}.blocked`)];
  if (w.type === 'proximity') return [r.get(`${w.id}.detected`)];
  return [r.get(`${w.id}.high`), r.get(`${w.id}.height`)];
}

/** Step `steps` times with `each(step)` before every step; after every step every sensor must match the walk. */
/** Sensor output changes seen, and sensor-steps covered by an item hanging back from the next conveyor. */
interface Counts {
  changes: number;
  hangs: number;
  /** Steps that ended with a source blocked for room. */
  blocked?: number;
  /** Item-steps with an item's centre at or past a quality gate (each must have been judged). */
  judged?: number;
}

/** Quality gates of the line on belts: conveyor and position. */
function gatesOf(line: LineFile): { id: string; conveyor: string; position: number }[] {
  return line.components.flatMap((cfg) => (cfg.type === 'quality' ? [{ id: cfg.id, conveyor: cfg['conveyor'] as string, position: cfg['position'] as number }] : []));
}

/** Sources of the line on belts, with the room each needs behind the last item (itemLength + minGap). */
function sourcesOf(line: LineFile): { id: string; conveyor: string; room: number }[] {
  return line.components.flatMap((cfg) => {
    if (cfg.type !== 'source') return [];
    const room = ((cfg['itemLength'] as number | undefined) ?? 0.2) + ((cfg['minGap'] as number | undefined) ?? 0.3);
    return [{ id: cfg.id, conveyor: cfg['conveyor'] as string, room }];
  });
}

function check(r: Rig, line: LineFile, steps: number, each: (k: number) => void, counts: Counts): void {
  const sensors = sensorsOf(line);
  const sources = sourcesOf(line);
  const gates = gatesOf(line);
  const prev = new Map<string, string>();
  for (let k = 0; k < steps; k++) {
    each(k);
    r.model.step();
    const items = r.model.inspectItems();
    const want = expected(line, sensors, items, counts);
    for (const s of sources) {
      if (r.get(`${s.id}.blocked`) !== 1) continue;
      // Blocked means due without room: the last item's rear must still be short of the room.
      let rear = Infinity;
      for (const it of items) if (it.conveyor === s.conveyor && it.front - it.length < rear) rear = it.front - it.length;
      if (!(rear < s.room)) assert.unreachable(`tick ${r.model.tick}: ${s.id} reports blocked, but its belt has room (last rear at ${rear} m, needs ${s.room} m)`);
      counts.blocked = (counts.blocked ?? 0) + 1;
    }
    // No process slice here: a gate looks every step, so every item whose centre has reached it is judged.
    for (const g of gates) {
      for (const it of items) {
        if (it.conveyor !== g.conveyor || it.front - it.length / 2 < g.position) continue;
        if (it.quality === 'unknown') assert.unreachable(`tick ${r.model.tick}: ${g.id} has not judged the item with its centre at ${it.front - it.length / 2} m`);
        counts.judged = (counts.judged ?? 0) + 1;
      }
    }
    for (const w of sensors) {
      const got = reported(r, w);
      if (got.join() !== want.get(w.id)!.join()) {
        assert.unreachable(`tick ${r.model.tick}: ${w.id} reports ${got.join()}, the items say ${want.get(w.id)!.join()}`);
      }
      if (prev.get(w.id) !== got.join()) counts.changes++;
      prev.set(w.id, got.join());
    }
  }
}

function driveWatched(r: Rig, k: number): void {
  // Belts run, stop and change speed on a fixed pattern: hand-overs, accumulation behind a
  // stopped c2, items hanging back over c1's end while c2 is slower.
  r.set('m1.run', 1);
  r.set('m1.setpoint', k % 7000 < 5000 ? 50 : 20);
  r.set('m2.run', k % 9000 < 6500 ? 1 : 0);
  r.set('m2.setpoint', 50);
  r.set('pu1.extend', k % 2600 < 400 ? 1 : 0);
}

for (const compiled of [false, true]) {
  const path = compiled ? 'own compiled kernels' : 'shared code';

  test(`sensors match the items every step: hand-over, accumulation, pusher, jam, slip, re-sync (${path})`, () => {
    const line = watchedLine();
    const r = rig(line);
    if (compiled) r.model.compileKernels();
    const counts: Counts = { changes: 0, hangs: 0 };
    let jam = -1;
    let slip = -1;
    check(r, line, 30_000, (k) => {
      driveWatched(r, k);
      if (k === 8_000) jam = r.model.injectFault({ target: 'component', component: 'c1', kind: 'jam' }).id;
      if (k === 9_500) r.model.clearFault(jam);
      if (k === 12_000) slip = r.model.injectFault({ target: 'component', component: 'c2', kind: 'slip', severity: 0.3 }).id;
      if (k === 20_000) r.model.clearFault(slip);
      // Shadow re-sync: move the nearest item, or place one, now and then.
      if (k % 1_777 === 0) r.model.alignItem('c1', 1.49 + (k % 3) * 0.01, 0.3);
      if (k % 2_333 === 0) r.model.alignItem('c2', 0.6, 0.5);
      // ...and pull the item just placed forward, which makes room for the source at once (the lane's epoch, not its travel).
      if (k % 1_111 === 0) r.model.alignItem('c1', 0.6, 0.45);
    }, counts);
    // The run saw plenty of edges, and items hanging back over c1's end (a cache that never
    // changes its answer, or ignores the next belt, would fail above).
    assert.ok(counts.changes > 200, `${counts.changes} sensor changes`);
    assert.ok(counts.hangs > 100, `${counts.hangs} sensor-steps covered from the next belt`);
    assert.ok((counts.blocked ?? 0) > 1000, `${counts.blocked} steps with the source blocked`);
    assert.ok((counts.judged ?? 0) > 10_000, `${counts.judged} item-steps past the quality gate`);
  });

  test(`sensors match the items after snapshot/restore and reset (${path})`, () => {
    const line = watchedLine();
    const a = rig(line);
    if (compiled) a.model.compileKernels();
    const counts: Counts = { changes: 0, hangs: 0 };
    check(a, line, 6_000, (k) => driveWatched(a, k), counts);
    const snap = a.model.snapshot();
    check(a, line, 3_000, (k) => driveWatched(a, 6_000 + k), counts);
    // Back to the snapshot in the same model (its sensors' caches are from later), and into a fresh one.
    a.model.restore(snap);
    check(a, line, 3_000, (k) => driveWatched(a, 6_000 + k), counts);
    const b = rig(line);
    if (compiled) b.model.compileKernels();
    b.model.restore(snap);
    check(b, line, 3_000, (k) => driveWatched(b, 6_000 + k), counts);
    a.model.reset();
    check(a, line, 4_000, (k) => driveWatched(a, k), counts);
    assert.ok(counts.changes > 100);
  });
}

test('the demo line: every sensor matches the items over two simulated minutes with its pusher cycling', () => {
  const line = sortingLine();
  const r = rig(line);
  const counts: Counts = { changes: 0, hangs: 0 };
  check(r, line, 120_000, (k) => {
    r.set('m1.run', 1);
    r.set('m1.setpoint', 50);
    r.set('m2.run', k % 30_000 < 25_000 ? 1 : 0);
    r.set('m2.setpoint', 50);
    r.set('pu1.extend', k % 3_000 < 500 ? 1 : 0);
  }, counts);
  assert.ok(counts.changes > 100, `${counts.changes} sensor changes`);
});

test.run();
