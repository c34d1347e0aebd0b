// The planning core against hand computation: two products on one machine with a known
// changeover matrix (each rule's makespan is the hand sum), EDD's maximum lateness and SPT's
// mean flow time against brute force over every permutation (the single-machine theorems of
// Jackson 1955 and Smith 1956), a late delivery, a shift break and a one-operator pool.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseYaml } from '../../core/config/yaml-document.ts';
import { planFrom } from '../../core/planning/plan-file.ts';
import type { PlanSpec, Rule } from '../../core/planning/plan-spec.ts';
import { runSchedule, SEG_WORK } from '../../core/planning/schedule.ts';
import { planKpis } from '../../core/planning/plan-kpis.ts';

const plan = (yaml: string): PlanSpec => planFrom(parseYaml('test.yaml', yaml));

const TWO = `
name: two
stations:
  - id: m1
    changeover: { matrix: { A: { B: 100 }, B: { A: 50 } } }
products:
  - { name: a, family: A, cycleTime: { m1: 10 } }
  - { name: b, family: B, cycleTime: { m1: 20 } }
orders:
  - { id: O1, product: a, quantity: 3, due: 200 }
  - { id: O2, product: b, quantity: 2, due: 100 }
  - { id: O3, product: a, quantity: 1, due: 500 }
sequence: [O3, O2, O1]
`;

test('two products, one machine: each rule makespan is the hand sum', () => {
  const p = plan(TWO);
  // fifo O1 O2 O3: 30 + 100 (A→B) + 40 + 50 (B→A) + 10
  // edd O2 O1 O3: 40 + 50 + 30 + 10; family: B (earliest due 100) first, then A by due: the same
  // spt O3 O1 O2 (10, 30, 40 s of work): 10 + 30 + 100 + 40
  // fixed O3 O2 O1: 10 + 100 + 40 + 50 + 30
  const want: Record<Rule, [number, string[]]> = { fifo: [230, ['O1', 'O2', 'O3']], edd: [130, ['O2', 'O1', 'O3']], family: [130, ['O2', 'O1', 'O3']], spt: [180, ['O3', 'O1', 'O2']], fixed: [230, ['O3', 'O2', 'O1']] };
  for (const [rule, [makespan, seq]] of Object.entries(want) as [Rule, [number, string[]]][]) {
    const run = runSchedule(p, rule, 1);
    assert.is(run.makespan, makespan, rule);
    assert.equal(run.sequence.map((i) => p.orders[i]!.id), seq, rule);
  }
  // EDD: O2 ends 40 (due 100), O1 at 120 (due 200), O3 at 130: nothing late.
  const k = planKpis(p, runSchedule(p, 'edd', 1));
  assert.is(k.ordersLate, 0);
  assert.is(k.maxLateness, -60); // max(40 − 100, 120 − 200, 130 − 500)
  // fifo: O2 ends 170 (due 100): 70 s late.
  const f = planKpis(p, runSchedule(p, 'fifo', 1));
  assert.is(f.ordersLate, 1);
  assert.is(f.totalTardiness, 70);
  // OEE of the machine under EDD: APT 80 s of 130 s, changeover 50 s, ideal speed, all good.
  const s = k.stations[0]!;
  assert.is(s.apt, 80);
  assert.is(s.aust, 50);
  assert.is(s.adet, 0);
  assert.ok(Math.abs(s.availability - 80 / 130) < 1e-12);
  assert.ok(Math.abs(s.effectiveness - 1) < 1e-12);
  assert.ok(Math.abs(s.oee - 80 / 130) < 1e-12);
  assert.is(k.changeoverTime, 50);
  // Energy: 2 kW over 80 s of work, 0.2 kW (idle, the default) over the other 50 s; 6 units.
  const kwh = (2 * 80 + 0.2 * 50) / 3600;
  assert.ok(Math.abs(k.energy - kwh) < 1e-12);
  assert.ok(Math.abs(k.energyPerUnit - kwh / 6) < 1e-12);
  assert.ok(Math.abs(k.throughput - (6 * 3600) / 130) < 1e-9);
  // WIP on one machine: at most the unit in work.
  assert.is(k.wipMax, 1);
});

/** A seeded instance: n orders of one product family on one machine, random sizes and due dates. */
function instance(seed: number, n: number): PlanSpec {
  let s = seed;
  const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  const orders = Array.from({ length: n }, (_, i) => `  - { id: O${i}, product: p, quantity: ${1 + Math.floor(rnd() * 9)}, due: ${Math.floor(rnd() * 300)} }`);
  return plan(`name: r\nstations: [{ id: m }]\nproducts: [{ name: p, cycleTime: { m: 7 } }]\norders:\n${orders.join('\n')}\n`);
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const rest of permutations(n - 1)) for (let i = 0; i <= rest.length; i++) out.push([...rest.slice(0, i), n - 1, ...rest.slice(i)]);
  return out;
}

test('one machine: EDD minimizes the maximum lateness, SPT the mean flow time (brute force, n = 5)', () => {
  const perms = permutations(5);
  for (let seed = 1; seed <= 12; seed++) {
    const p = instance(seed, 5);
    const edd = planKpis(p, runSchedule(p, 'edd', 1));
    const spt = planKpis(p, runSchedule(p, 'spt', 1));
    let bestL = Infinity, bestF = Infinity;
    for (const perm of perms) {
      const k = planKpis({ ...p, sequence: perm }, runSchedule({ ...p, sequence: perm }, 'fixed', 1));
      bestL = Math.min(bestL, k.maxLateness);
      bestF = Math.min(bestF, k.meanFlowTime);
    }
    assert.is(edd.maxLateness, bestL, `seed ${seed} Lmax`);
    assert.ok(Math.abs(spt.meanFlowTime - bestF) < 1e-9, `seed ${seed} mean flow ${spt.meanFlowTime} vs ${bestF}`);
    // And the other rule is not better at the other's goal (a sanity check, not a theorem).
    assert.ok(edd.meanFlowTime >= bestF - 1e-9);
  }
});

const DELIVERY = `
name: d
stations: [{ id: m }]
products: [{ name: p, cycleTime: { m: 10 } }]
orders:
  - { id: O1, product: p, quantity: 5, due: 100 }
  - { id: O2, product: p, quantity: 5, due: 200 }
  - { id: O3, product: p, quantity: 5, due: 300 }
`;

test('a late delivery shifts exactly the orders that need it', () => {
  const before = planKpis(plan(DELIVERY), runSchedule(plan(DELIVERY), 'edd', 1));
  assert.equal(before.orders.map((o) => o.end), [50, 100, 150]);
  const late = plan(`${DELIVERY}events: [{ order: O2, delivery: 400 }]\n`);
  const after = planKpis(late, runSchedule(late, 'edd', 1));
  // O2 waits for its material (400 s) and takes 50 s; O3 moves up into O2's place.
  assert.equal(after.orders.map((o) => o.end), [50, 450, 100]);
  assert.is(after.orders[1]!.start, 400);
  // The first station stood idle 300 s (100..400) for material only.
  assert.is(after.materialWait, 300);
  // The fixed sequence waits instead of reordering: O2 and O3 both shift.
  const fixed = { ...late, sequence: [0, 1, 2] };
  assert.equal(planKpis(fixed, runSchedule(fixed, 'fixed', 1)).orders.map((o) => o.end), [50, 450, 500]);
});

test('a shift break stops production for its length', () => {
  const yaml = (breaks: string): string => `
name: s
calendar: { days: 7, shifts: [{ start: "06:00", end: "14:00" }], breaks: [${breaks}] }
stations: [{ id: m }]
products: [{ name: p, cycleTime: { m: 30 } }]
orders: [{ id: O1, product: p, quantity: 600, due: 1d }]
`;
  const without = plan(yaml(''));
  const withBreak = plan(yaml('{ start: "10:00", length: 30min }'));
  const a = runSchedule(without, 'edd', 1);
  const b = runSchedule(withBreak, 'edd', 1);
  // 600 × 30 s = 5 h from 06:00: 11:00 without the break, 11:30 with it.
  assert.is(a.makespan, 11 * 3600);
  assert.is(b.makespan, 11.5 * 3600);
  assert.is(b.orders[0]!.start, 6 * 3600);
  // The work is one bar across the break; the KPIs count the break as planned down time.
  assert.is(b.segments.filter((s) => s.kind === SEG_WORK).length, 1);
  const k = planKpis(withBreak, b);
  assert.is(k.stations[0]!.pbt, 5 * 3600);
  assert.ok(Math.abs(k.stations[0]!.availability - 1) < 1e-12);
  // A unit that would run into the break pauses and resumes: 610 units end at 11:35.
  const more = plan(yaml('{ start: "10:00", length: 30min }').replace('quantity: 600', 'quantity: 610'));
  assert.is(runSchedule(more, 'edd', 1).makespan, 11.5 * 3600 + 300);
  // Past the shift's end, work resumes the next morning.
  const long = plan(yaml('').replace('quantity: 600', 'quantity: 1000'));
  assert.is(runSchedule(long, 'edd', 1).makespan, 86400 + 6 * 3600 + (1000 * 30 - 8 * 3600));
});

test('one operator for two stations needing a changeover at once makes one wait', () => {
  const yaml = (ops: number): string => `
name: o
operators: ${ops}
stations:
  - { id: s1, changeover: { default: 600, initial: A } }
  - { id: s2, changeover: { default: 600, initial: A } }
products: [{ name: a, family: A, cycleTime: { s1: 10, s2: 10 } }, { name: b, family: B, cycleTime: { s1: 10, s2: 10 } }]
orders: [{ id: O1, product: b, quantity: 1, due: 1h }]
`;
  const one = planKpis(plan(yaml(1)), runSchedule(plan(yaml(1)), 'edd', 1));
  const two = planKpis(plan(yaml(2)), runSchedule(plan(yaml(2)), 'edd', 1));
  // One operator: s1 changes over 0..600 and works 600..610; s2 waits for the operator until
  // 600, changes over 600..1200 and works 1200..1210.
  assert.equal(one.stations.map((s) => s.operatorWait), [0, 600]);
  assert.is(one.makespan, 1210);
  // Two: both change over 0..600; s2 takes the unit at 610 and is done at 620.
  assert.equal(two.stations.map((s) => s.operatorWait), [0, 0]);
  assert.is(two.makespan, 620);
  assert.is(one.operatorWait, 600);
});

test('a product that passes a station untouched needs no changeover there', () => {
  const p = plan(`
name: u
stations:
  - { id: s1, changeover: { default: 100 } }
  - { id: s2, changeover: { default: 100 } }
products: [{ name: a, cycleTime: { s1: 10, s2: 10 } }, { name: b, cycleTime: { s1: 10 } }, { name: c, cycleTime: { s2: 5 } }]
orders: [{ id: O1, product: a, quantity: 1, due: 1h }, { id: O2, product: b, quantity: 1, due: 2h }, { id: O3, product: c, quantity: 2, due: 3h }]
`);
  const k = planKpis(p, runSchedule(p, 'edd', 1));
  // s1: a (0..10), changeover a→b (10..110), b (110..120); s2: a (10..20), changeover a→c (20..120), c c.
  assert.equal(k.stations.map((s) => s.changeovers), [1, 1]);
  assert.equal(k.stations.map((s) => s.units), [2, 3]);
  assert.equal(k.orders.map((o) => o.end), [20, 120, 130]);
  // O3 starts with its changeover at s2, the first station it visits.
  assert.equal(k.orders.map((o) => o.start), [0, 10, 20]);
});

test('breakdowns and cycle spread: deterministic per seed, different across seeds', () => {
  const yaml = `
name: b
operators: 1
stations: [{ id: m, spread: 0.1, mtbf: 2h, mttr: 20min }]
products: [{ name: p, cycleTime: { m: 30 } }]
orders: [{ id: O1, product: p, quantity: 2000, due: 1d }]
`;
  const p = plan(yaml);
  const a = runSchedule(p, 'edd', 7), b = runSchedule(p, 'edd', 7), c = runSchedule(p, 'edd', 8);
  assert.is(a.makespan, b.makespan);
  assert.equal(a.segments, b.segments);
  assert.is.not(a.makespan, c.makespan);
  const k = planKpis(p, a);
  // 2000 × 30 s ≈ 16.7 h of work: about 8 breakdowns of 20 min at a 2 h MTBF.
  assert.ok(k.stations[0]!.breakdowns >= 3 && k.stations[0]!.breakdowns <= 16, String(k.stations[0]!.breakdowns));
  assert.ok(Math.abs(k.stations[0]!.adot - k.stations[0]!.breakdowns * 1200) < 1e-6);
  // The time elements add up to PBT.
  const s = k.stations[0]!;
  assert.ok(Math.abs(s.apt + s.aust + s.adot + s.adet - s.pbt) < 1e-6);
});

test.run();
