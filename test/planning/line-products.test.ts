// Products and changeovers from the line file on the schedule and the virtual line: what a
// changeover consumes (N changeovers × the station's consumes: energy in the station's meter and
// energy per good unit, scrap apart), and setpoints the line's own logic switches per product: a
// furnace heats or cools toward the product's temperature (first order, physics/furnace.ts) and
// the changeover ends only once it is within tolerance, measured against the closed form
// t = deadTime + tau · ln(|ΔT| / tol).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadPlanFile } from '../../core/planning/plan-file.ts';
import { runOnLine } from '../../core/planning/on-line-run.ts';
import { buildVirtualLine } from '../../core/planning/on-line-line.ts';
import { runSchedule } from '../../core/planning/schedule.ts';
import { planKpis } from '../../core/planning/plan-kpis.ts';
import { runPlan } from '../../core/planning/plan-run.ts';
import { compareRules } from '../../core/planning/plan-compare.ts';
import { planHtml, planJson } from '../../core/planning/plan-report.ts';

const DT = 0.01;
/** s: a few steps of 10 ms. */
const TOL = 5 * DT;

const dir = mkdtempSync(join(tmpdir(), 'line-products-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

// a: 2 s, b: 3 s on m1; A -> B 60 s, B -> A 40 s; each changeover consumes 2.5 kWh and 3 units.
writeFileSync(join(dir, 'one.yaml'), `name: one
dt: ${DT}
components:
  - { id: src, type: ordersource, next: m1 }
  - id: m1
    type: machine
    busyPower: 3
    idlePower: 0.5
    changeover: { matrix: { A: { B: 60 }, B: { A: 40 } }, consumes: { energy: 2.5, scrap: 3 } }
products:
  - { name: a, family: A, cycleTime: { m1: 2 } }
  - { name: b, family: B, cycleTime: { m1: 3 } }
`);
// EDD runs O1 (a × 10), O2 (b × 10), O3 (a × 5): two changeovers, 160 s.
const ORDERS = `orders:
  - { id: O1, product: a, quantity: 10, due: 100 }
  - { id: O2, product: b, quantity: 10, due: 200 }
  - { id: O3, product: a, quantity: 5, due: 300 }
`;
writeFileSync(join(dir, 'plan.yaml'), `name: hand\nline: one.yaml\nrules: [edd]\nstations: [{ id: m1 }]\n${ORDERS}`);

test('what a changeover consumes: 2 changeovers × (2.5 kWh, 3 units), in the schedule and on the virtual line', () => {
  const p = loadPlanFile(join(dir, 'plan.yaml'));
  // Without consumption: the energy of the machine alone (busy 3 kW over 60 s of cycles, idle 0.5 kW).
  const base = (3 * 60 + 0.5 * (160 - 60)) / 3600;
  const des = planKpis(p, runSchedule(p, 'edd', 1));
  assert.is(des.stations[0]!.changeovers, 2);
  assert.ok(Math.abs(des.changeoverEnergy - 5) < 1e-12, `${des.changeoverEnergy}`);
  assert.is(des.scrap, 6);
  assert.ok(Math.abs(des.energy - (base + 5)) < 1e-9, `schedule energy ${des.energy} vs ${base + 5}`);
  assert.ok(Math.abs(des.energyPerUnit - (base + 5) / 25) < 1e-9);
  const r = runOnLine(p, 'edd', 1);
  const on = planKpis(p, r);
  assert.ok(Math.abs(r.makespan - 160) <= TOL, `makespan ${r.makespan}`);
  assert.is(on.stations[0]!.changeovers, 2);
  assert.ok(Math.abs(on.changeoverEnergy - 5) < 1e-12);
  assert.is(on.scrap, 6);
  // The machine's own meter drew the 5 kWh over the changeovers' 100 s (idle + 2.5 kWh / 60 s, / 40 s).
  const meter = (3 * 60 + 0.5 * (r.makespan - 60)) / 3600 + 5;
  assert.ok(Math.abs(on.stations[0]!.energy - meter) < 1e-6, `on-line energy ${on.stations[0]!.energy} vs ${meter}`);
  assert.ok(Math.abs(on.energyPerUnit - meter / 25) < 1e-7);
  // The report: the station's changeover kWh and scrap, the rows side by side, where they came from.
  const cols = compareRules(['edd'], [runPlan(p, 'edd', 1)]);
  const html = planHtml(p, cols, 0);
  assert.match(html, /<td class="n">2<\/td><td class="n">5\.0<\/td><td class="n">6<\/td>/);
  assert.match(html, /changeover energy <small>\(kWh\)<\/small><\/td><td class="n">5\.0<\/td>/);
  assert.match(html, /From the line file: m1 changeover: [^;<]*one\.yaml; products: [^<]*one\.yaml/);
  const json = JSON.parse(planJson(p, cols)) as { fromLine: string[]; rules: { summary: Record<string, { mean: number }> }[] };
  assert.is(json.rules[0]!.summary['scrap']!.mean, 6);
  assert.is(json.fromLine.length, 2);
  assert.equal((JSON.parse(planJson(p, cols)) as { products: unknown[] }).products[0], { name: 'a', family: 'A', setpoints: {} });
});

// A heat-treatment station ht1 whose furnace f1 must be at the product's temperature: a at 50 %
// heater power (steady 25 + 0.5 · 300 / 0.4 = 400 °C), b at 30 % (250 °C); tau = C / UA = 40 / 0.4 =
// 100 s, dead time 5 s; ht1's changeover ends once f1 is within 5 °C.
const HEAT = (coTime: number): string => `name: heat
dt: ${DT}
components:
  - { id: src, type: ordersource, next: ht1 }
  - id: ht1
    type: machine
    busyPower: 3
    idlePower: 0.5
    changeover: { default: ${coTime}, settle: { f1.temperature: 5 } }
  - { id: f1, type: furnace, capacity: 40, lossCoefficient: 0.4, maxPower: 300, deadTime: 5, ambient: 25 }
products:
  - { name: a, family: A, cycleTime: { ht1: 2 }, setpoints: { f1.power: 50, f1.temperature: 400, recipe: HT-A } }
  - { name: b, family: B, cycleTime: { ht1: 3 }, setpoints: { f1.power: 30, f1.temperature: 250 } }
`;
const HEAT_PLAN = `name: heat
line: heat.yaml
rules: [edd]
stations: [{ id: ht1 }]
orders:
  - { id: O1, product: a, quantity: 1000, due: 3000 }
  - { id: O2, product: b, quantity: 10, due: 4000 }
`;

test('setpoints switched per product: the changeover lasts until the furnace is within tolerance (closed form)', () => {
  writeFileSync(join(dir, 'heat.yaml'), HEAT(60));
  writeFileSync(join(dir, 'heat-plan.yaml'), HEAT_PLAN);
  const p = loadPlanFile(join(dir, 'heat-plan.yaml'));
  const r = runOnLine(p, 'edd', 1);
  const tau = 40 / 0.4, dead = 5, tol = 5;
  // Warm-up from ambient to a's 400 °C before the first unit; then, after a's 2000 s (the furnace at
  // 400 °C to within 1e-8 K), a -> b: 60 s of changeover but 150 K to cool, which takes longer.
  const warm = dead + tau * Math.log((400 - 25) / tol);
  const cool = dead + tau * Math.log((400 - 250) / tol);
  assert.ok(cool > 60);
  const k = planKpis(p, r).stations[0]!;
  assert.is(k.changeovers, 2, 'the warm-up and a -> b');
  assert.ok(Math.abs(k.aust - (warm + cool)) <= TOL, `AUST ${k.aust} vs ${warm + cool}`);
  assert.ok(Math.abs(r.orders[0]!.end - (warm + 2000)) <= TOL, `O1 ends ${r.orders[0]!.end} vs ${warm + 2000}`);
  assert.ok(Math.abs(r.makespan - (warm + 2000 + cool + 30)) <= TOL, `makespan ${r.makespan} vs ${warm + 2000 + cool + 30}`);
  // The schedule does not model the furnace: its changeover is the matrix time.
  const des = runSchedule(p, 'edd', 1);
  assert.ok(Math.abs(des.makespan - (2000 + 60 + 30)) < 1e-9);
  // A longer changeover than the cooling: the matrix time decides, the furnace is ready before.
  writeFileSync(join(dir, 'heat.yaml'), HEAT(600));
  const q = loadPlanFile(join(dir, 'heat-plan.yaml'));
  const r2 = runOnLine(q, 'edd', 1);
  assert.ok(Math.abs(r2.makespan - (warm + 2000 + 600 + 30)) <= TOL, `makespan ${r2.makespan}`);
});

test('the process stations\' energy: a furnace held at one power draws power × time, in energy per good unit', () => {
  // Both products at 50 % of 300 kW: the heater draws 150 kW from the first announcement to the
  // end; no leaps over idle time with a furnace in the line, so its meter sees the whole run.
  writeFileSync(join(dir, 'flat.yaml'), HEAT(60).replace('f1.power: 30, f1.temperature: 250', 'f1.power: 50, f1.temperature: 400'));
  writeFileSync(join(dir, 'flat-plan.yaml'), HEAT_PLAN.replace('line: heat.yaml', 'line: flat.yaml'));
  const p = loadPlanFile(join(dir, 'flat-plan.yaml'));
  const r = runOnLine(p, 'edd', 1);
  const k = planKpis(p, r);
  const expected = (150 * r.makespan) / 3600;
  assert.ok(Math.abs(k.processEnergy - expected) <= (150 * TOL) / 3600, `process energy ${k.processEnergy} kWh vs ${expected}`);
  const stations = k.stations.reduce((e, s) => e + s.energy, 0);
  assert.ok(Math.abs(k.energy - (stations + k.processEnergy)) < 1e-9, 'in the plan\'s energy');
  assert.ok(Math.abs(k.energyPerUnit - k.energy / 1010) < 1e-12, 'and in energy per good unit');
  assert.is(planKpis(p, runSchedule(p, 'edd', 1)).processEnergy, 0, 'the schedule models no process station');
});

let heatRun: { makespan: number; aust: number; operatorWait: number; ends: number[] } | undefined;

test('the heat example: ht1 owns the furnace setpoints; its changeovers are the furnace\'s heating, not the 10 min', () => {
  const p = loadPlanFile('examples/planning/heat.yaml');
  assert.equal(p.products.map((x) => x.name), ['bolt-m8', 'bolt-m12', 'pin-6']);
  assert.equal(p.sources, ['mc1 changeover: examples/planning/heat-line.yaml', 'ht1 changeover: examples/planning/heat-line.yaml', 'products: examples/planning/heat-line.yaml']);
  const vl = buildVirtualLine(p, 1);
  // mc1 writes nothing; ht1 (its changeover settles f1.temperature) writes f1.power per product.
  assert.equal(vl.writes[0]!.map((w) => w.ids.length), [0, 0, 0]);
  assert.equal(vl.writes[1]!.map((w) => Array.from(w.values)), [[81.5], [85.5], [77.5]]);
  const des = planKpis(p, runSchedule(p, 'edd', 1)).stations[1]!;
  const run = runOnLine(p, 'edd', 1);
  const on = planKpis(p, run).stations[1]!;
  heatRun = { makespan: run.makespan, aust: on.aust, operatorWait: on.operatorWait, ends: run.orders.map((o) => o.end) };
  assert.ok(Math.abs(des.aust - 3 * 600) < 1e-6, `schedule ${des.aust}`);
  // Warm-up 25 -> 840 °C, then 40, 80 K, 40 K, 40 K changes (tau 1000 s, dead time 20 s, 5 K), less
  // the part of them spent waiting for the one operator (ADET, not AUST).
  const settle = (dT: number): number => 20 + 1000 * Math.log(dT / 5);
  const sum = settle(815) + 3 * settle(40) + settle(80);
  assert.ok(Math.abs(on.aust + on.operatorWait - sum) < 0.005 * sum, `on-line ${on.aust} + ${on.operatorWait} vs ${sum}`);
});

test('the same setpoints from the line\'s Structured Text program (heat.st reads ht1.product): the same run, a cycle later', () => {
  const p = loadPlanFile('examples/planning/heat-st.yaml');
  const vl = buildVirtualLine(p, 1);
  assert.ok(vl.program !== null && vl.program.drives.has('f1.power'));
  // The program drives f1.power: the run writes nothing (the products name only the temperature).
  assert.equal(vl.writes[1]!.map((w) => w.ids.length), [0, 0, 0]);
  const r = runOnLine(p, 'edd', 1);
  const on = planKpis(p, r).stations[1]!;
  assert.ok(heatRun !== undefined, 'the heat example ran first');
  // The program sees the next product on ht1.product one step after the run would have written
  // it, and writes it at its next scan (10 ms = 1 step): each setpoint change 1-2 steps later.
  assert.ok(Math.abs(r.makespan - heatRun.makespan) <= TOL, `${r.makespan} vs ${heatRun.makespan}`);
  assert.ok(Math.abs(on.aust + on.operatorWait - heatRun.aust - heatRun.operatorWait) <= 5 * TOL, `${on.aust} vs ${heatRun.aust}`);
  r.orders.forEach((o, i) => assert.ok(Math.abs(o.end - heatRun!.ends[i]!) <= TOL, `order ${i}`));
});

test.run();
