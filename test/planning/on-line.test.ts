// The order book on the virtual line (core/planning/on-line-run.ts) against hand computation and
// against the discrete-event schedule: two products on one machine with a known changeover matrix
// (makespan = the hand sum), the changeover state reaching the KPI tracker (AUST), a shift break
// that stops production for its length, a late delivery that moves exactly the order that needs
// it, one operator for two stations changing over at once (one waits), and determinism per seed.
// Tolerance: the physics moves in whole steps of 10 ms; the first unit enters one step after its
// release and each changeover or cycle lasts exactly its rounded steps, so the virtual line ends
// within TOL of the hand sum (a few steps in all, not per unit, on these cycle times).

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseYaml } from '../../core/config/yaml-document.ts';
import { planFrom } from '../../core/planning/plan-file.ts';
import type { PlanSpec } from '../../core/planning/plan-spec.ts';
import { runOnLine } from '../../core/planning/on-line-run.ts';
import { runSchedule } from '../../core/planning/schedule.ts';
import { planKpis } from '../../core/planning/plan-kpis.ts';

const DT = 0.01;
/** s: a few steps of 10 ms. */
const TOL = 5 * DT;

const dir = mkdtempSync(join(tmpdir(), 'on-line-'));
const ONE = join(dir, 'one.yaml');
writeFileSync(ONE, `name: one
dt: ${DT}
components:
  - { id: src, type: ordersource, next: m1 }
  - { id: m1, type: machine, cycleTime: 1, busyPower: 3, idlePower: 0.5 }
`);
const TWO = join(dir, 'two.yaml');
writeFileSync(TWO, `name: two
dt: ${DT}
components:
  - { id: src, type: ordersource, next: m1 }
  - { id: m1, type: machine, cycleTime: 1, next: buf }
  - { id: buf, type: buffer, capacity: 1000, next: m2 }
  - { id: m2, type: machine, cycleTime: 1 }
`);

const plan = (yaml: string): PlanSpec => planFrom(parseYaml(join(dir, 'plan.yaml'), yaml));

// a: 2 s, b: 3 s; A -> B 60 s, B -> A 40 s. EDD runs O1 (a × 10), O2 (b × 10), O3 (a × 5):
// 20 + 60 + 30 + 40 + 10 = 160 s.
const BASE = `
name: hand
line: ${ONE}
rules: [edd]
stations:
  - id: m1
    busyPower: 3
    idlePower: 0.5
    changeover: { matrix: { A: { B: 60 }, B: { A: 40 } } }
products:
  - { name: a, family: A, cycleTime: { m1: 2 } }
  - { name: b, family: B, cycleTime: { m1: 3 } }
orders:
  - { id: O1, product: a, quantity: 10, due: 100 }
  - { id: O2, product: b, quantity: 10, due: 200 }
  - { id: O3, product: a, quantity: 5, due: 300 }
`;

test('two products, one machine: the makespan is the hand sum, and the schedule\'s', () => {
  const p = plan(BASE);
  const r = runOnLine(p, 'edd', 1);
  const des = runSchedule(p, 'edd', 1);
  assert.equal(r.sequence, [0, 1, 2]);
  assert.ok(Math.abs(r.makespan - 160) <= TOL, `makespan ${r.makespan}`);
  assert.ok(Math.abs(r.makespan - des.makespan) <= TOL);
  // Each order's end: 20, 20 + 60 + 30, 160.
  for (const [i, e] of [[0, 20], [1, 110], [2, 160]] as const) assert.ok(Math.abs(r.orders[i]!.end - e) <= TOL, `order ${i} ends ${r.orders[i]!.end}`);
  // The changeover state reaches the KPI tracker: AUST = 60 + 40 s, APT = 20 + 30 + 10 s (the
  // machine shows busy on every step it works, a cycle's last too: effectiveness never above 1).
  const k = planKpis(p, r);
  const m1 = k.stations[0]!;
  assert.ok(Math.abs(m1.aust - 100) <= TOL, `aust ${m1.aust}`);
  assert.equal(m1.changeovers, 2);
  assert.ok(Math.abs(m1.apt - 60) <= TOL, `apt ${m1.apt}`);
  assert.is(m1.units, 25);
  // Energy from the machine's meter: 3 kW over the 60 s of cycles (every step of a cycle draws
  // busy power), 0.5 kW otherwise.
  const kwh = (3 * 60 + 0.5 * (r.makespan - 60)) / 3600;
  assert.ok(Math.abs(m1.energy - kwh) < 1e-6, `energy ${m1.energy} vs ${kwh}`);
});

test('a shift break stops production for its length', () => {
  const cal = (breaks: string): string => `${BASE}calendar:\n  days: 7\n  shifts: [{ start: "06:00", end: "22:00" }]\n  breaks: [${breaks}]\n`;
  const rel = (y: string): string => y.replace(/due: (\d+)/g, (_m, d: string) => `release: "06:00", due: ${21600 + Number(d)}`);
  const without = runOnLine(plan(rel(cal(''))), 'edd', 1);
  const withBreak = runOnLine(plan(rel(cal('{ start: "06:01", length: 30min }'))), 'edd', 1);
  assert.ok(Math.abs(without.makespan - (21600 + 160)) <= TOL, `without ${without.makespan - 21600}`);
  assert.ok(Math.abs(withBreak.makespan - without.makespan - 1800) <= 2 * DT, `with ${withBreak.makespan} without ${without.makespan}`);
  // The units done before 06:01 (O1's ten, by 06:00:20) did not move; every later one is 30 min later
  // (the changeover to B, 06:00:20-06:01:20, paused over the break).
  for (let j = 0; j < 25; j++) assert.ok(Math.abs(withBreak.left[j]! - without.left[j]! - (j < 10 ? 0 : 1800)) <= 2 * DT, `unit ${j}`);
});

test('a late delivery moves exactly the order that needs it', () => {
  const base = runOnLine(plan(BASE), 'edd', 1);
  const late = runOnLine(plan(`${BASE}events:\n  - { order: O3, delivery: 1000 }\n`), 'edd', 1);
  assert.is(late.orders[0]!.end, base.orders[0]!.end);
  assert.is(late.orders[1]!.end, base.orders[1]!.end);
  // O3 waits for its material: 1000 + 40 (B -> A) + 5 × 2.
  assert.ok(Math.abs(late.orders[2]!.end - 1050) <= TOL, `O3 ends ${late.orders[2]!.end}`);
  // The station stood starved from the end of O2 (110 s) to the delivery.
  assert.ok(Math.abs(late.materialWait - 890) <= TOL, `material wait ${late.materialWait}`);
});

// Two stations, both changing over from A to B (60 s) when O2 comes: one operator serves m1 first,
// m2 waits for it from the end of its last A unit (21 s) to 80 s.
const OPS = (operators: number): string => `
name: ops
line: ${TWO}
operators: ${operators}
stations:
  - { id: m1, changeover: { default: 60 } }
  - { id: m2, changeover: { default: 60 } }
products:
  - { name: a, family: A, cycleTime: { m1: 2, m2: 1 } }
  - { name: b, family: B, cycleTime: { m1: 2, m2: 1 } }
orders:
  - { id: O1, product: a, quantity: 10, due: 100 }
  - { id: O2, product: b, quantity: 10, due: 200 }
`;

test('one operator for two stations changing over at once: one waits', () => {
  const one = plan(OPS(1));
  const r = runOnLine(one, 'edd', 1);
  const k = planKpis(one, r);
  assert.ok(k.stations[0]!.operatorWait <= TOL, `m1 waited ${k.stations[0]!.operatorWait}`);
  assert.ok(Math.abs(k.stations[1]!.operatorWait - 59) <= TOL, `m2 waited ${k.stations[1]!.operatorWait}`);
  // m2 changes over 80..140, then 10 units of 1 s.
  assert.ok(Math.abs(r.makespan - 150) <= TOL, `makespan ${r.makespan}`);
  const des = runSchedule(one, 'edd', 1);
  assert.ok(Math.abs(r.makespan - des.makespan) <= TOL);
  assert.ok(Math.abs(k.operatorWait - des.stations.reduce((s, x) => s + x.operatorWait, 0)) <= TOL);
  // Two operators: nobody waits; m1 ends B at 20 + 60 + 20 = 100, m2 one unit later.
  const two = plan(OPS(2));
  const r2 = runOnLine(two, 'edd', 1);
  assert.ok(planKpis(two, r2).operatorWait <= TOL);
  assert.ok(Math.abs(r2.makespan - 101) <= TOL, `makespan ${r2.makespan}`);
});

test('two runs with one seed give identical results (spread and breakdowns on)', () => {
  const noisy = plan(OPS(1).replace('{ id: m1, changeover: { default: 60 } }', '{ id: m1, spread: 0.1, mtbf: 30, mttr: 5, changeover: { default: 60 } }').replace(/quantity: 10/g, 'quantity: 40'));
  const a = runOnLine(noisy, 'edd', 7);
  const b = runOnLine(noisy, 'edd', 7);
  const c = runOnLine(noisy, 'edd', 8);
  assert.equal(planKpis(noisy, a), planKpis(noisy, b));
  assert.equal(Array.from(a.left), Array.from(b.left));
  assert.ok(a.stations[0]!.breakdowns > 0, 'breakdowns happened');
  assert.is.not(a.makespan, c.makespan);
});

test('an empty line waiting for a release is leapt over, not stepped; its idle time and energy still count', () => {
  // No calendar: the line works around the clock, and the orders are released at 10 h.
  const p = plan(BASE.replace(/due: (\d+)/g, (_m, d: string) => `release: 36000, due: ${36000 + Number(d)}`));
  const r = runOnLine(p, 'edd', 1);
  assert.ok(Math.abs(r.makespan - 36160) <= TOL, `makespan ${r.makespan}`);
  assert.ok(r.ticks < 20_000, `${r.ticks} steps`);
  assert.ok(Math.abs(r.leapt - 36000) <= 2 * DT, `leapt ${r.leapt}`);
  const m1 = planKpis(p, r).stations[0]!;
  // The tracker saw the whole working time: PBT = makespan; the meter plus the leap: 0.5 kW idle.
  assert.ok(Math.abs(m1.pbt - r.makespan) <= DT);
  const kwh = (3 * 60 + 0.5 * (r.makespan - 60)) / 3600;
  assert.ok(Math.abs(m1.energy - kwh) < 1e-6, `energy ${m1.energy} vs ${kwh}`);
  assert.equal(r.orders.map((o) => Math.round(o.end - 36000)), [20, 110, 160]);
});

test('a line that cannot run the plan is refused with PLAN_LINE_MISMATCH', () => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, `name: bad\ncomponents:\n  - { id: m1, type: machine }\n`);
  assert.throws(() => runOnLine(plan(BASE), 'edd', 1, { line: bad }), (e: Error & { code?: string }) => e.code === 'PLAN_LINE_MISMATCH' && /order source/.test(e.message));
});

test.run();
