// `twinloop sweep FILE` over a production plan (core/planning/plan-sweep.ts): the grid of
// operators, shift lists and speed expands to every combination; each point's plan is the file
// with the point's values put in (hand-computed makespans: one machine, a known changeover);
// the command prints the points side by side and writes sweep.csv / .html / .json; a point can
// run on the virtual line and gives the schedule's makespan within a few steps.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sweepCommand } from '../../core/cli/sweep-command.ts';
import { expandPlanGrid, isPlanSweepFile, loadPlanSweepFile, planOfPoint } from '../../core/planning/plan-sweep.ts';
import { runSchedule } from '../../core/planning/schedule.ts';
import { runOnLine } from '../../core/planning/on-line-run.ts';

const dir = mkdtempSync(join(tmpdir(), 'twinloop-plansweep-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function sink(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const w = new Writable({ write(chunk: Buffer, _e, cb) { text += chunk.toString(); cb(); } });
  return { stream: w as unknown as NodeJS.WriteStream, text: () => text };
}

writeFileSync(join(dir, 'line.yaml'), `name: l
dt: 0.01
components:
  - { id: src, type: ordersource, next: m1 }
  - { id: m1, type: machine, next: buf }
  - { id: buf, type: buffer, capacity: 1000, next: m2 }
  - { id: m2, type: machine }
`);
// m1: a 2 s, b 2 s; m2: 1 s each; A -> B 60 s at both. Released 06:00, one shift 06:00-06:10.
writeFileSync(join(dir, 'plan.yaml'), `name: p
line: line.yaml
rules: [edd]
operators: 1
calendar: { days: 7, shifts: [{ start: "06:00", end: "06:10" }] }
stations:
  - { id: m1, changeover: { default: 60 } }
  - { id: m2, changeover: { default: 60 } }
products:
  - { name: a, family: A, cycleTime: { m1: 2, m2: 1 } }
  - { name: b, family: B, cycleTime: { m1: 2, m2: 1 } }
orders:
  - { id: O1, product: a, quantity: 10, release: "06:00", due: 100000 }
  - { id: O2, product: b, quantity: 10, release: "06:00", due: 200000 }
`);
const SWEEP = join(dir, 'sweep.yaml');
writeFileSync(SWEEP, `name: what-if
plan: plan.yaml
grid:
  operators: [1, 2]
  calendar.shifts:
    - [{ start: "06:00", end: "06:10" }]
    - [{ start: "06:00", end: "06:10" }, { start: "07:00", end: "07:10" }]
  speed: [1, 2]
`);

const h6 = 6 * 3600;

test('the grid expands to every combination; each point is the plan with its values', () => {
  assert.ok(isPlanSweepFile(SWEEP));
  assert.not.ok(isPlanSweepFile(join(dir, 'plan.yaml')));
  const spec = loadPlanSweepFile(SWEEP);
  const points = expandPlanGrid(spec);
  assert.is(points.length, 8);
  assert.is(points[0]!.label, 'operators=1 shifts=06:00-06:10 speed=1');
  // One operator: m2 waits 59 s for it (m1 changes over 20..80 s), then 80..140 and 10 units: 150 s.
  const p1 = planOfPoint(spec.plan, points[0]!.values);
  assert.is(runSchedule(p1, 'edd', 1).makespan, h6 + 150);
  // Two operators: 20 + 60 + 20 at m1, one more second at m2.
  assert.is(runSchedule(planOfPoint(spec.plan, points[4]!.values), 'edd', 1).makespan, h6 + 101);
  // Twice as fast: units of 1 s and 0.5 s; m1 ends A at 10 s, m2 at 10.5 s; one operator: m1
  // changes over 10..70, m2 70..130, then 10 units of 0.5 s.
  assert.is(runSchedule(planOfPoint(spec.plan, points[1]!.values), 'edd', 1).makespan, h6 + 135);
  // A second shift the same day changes nothing when the work fits the first (150 s < 10 min).
  assert.is(runSchedule(planOfPoint(spec.plan, points[2]!.values), 'edd', 1).makespan, h6 + 150);
});

test('a shift too short for the work: the rest moves to the next shift', () => {
  const spec = loadPlanSweepFile(SWEEP);
  const short = planOfPoint(spec.plan, { 'calendar.shifts': [{ start: '06:00', end: '06:01' }, { start: '07:00', end: '07:10' }] });
  // 60 s in the first shift, 90 s in the second: ends at 07:01:30.
  assert.is(runSchedule(short, 'edd', 1).makespan, 7 * 3600 + 90);
  const r = runOnLine(short, 'edd', 1);
  assert.ok(Math.abs(r.makespan - (7 * 3600 + 90)) <= 0.05, `on-line ${r.makespan - 7 * 3600}`);
});

test('twinloop sweep on a plan sweep file: the points side by side, CSV, HTML, JSON', async () => {
  const o = sink();
  assert.is(await sweepCommand([SWEEP, '--serial', '--out', join(dir, 'out')], o.stream), 0);
  assert.match(o.text(), /twinloop sweep what-if: 8 point\(s\) of plan p \(schedule\), serial/);
  assert.match(o.text(), /#8: operators=2 shifts=06:00-06:10 07:00-07:10 speed=2/);
  const csv = readFileSync(join(dir, 'out', 'sweep.csv'), 'utf8').trim().split('\n');
  assert.is(csv.length, 9);
  assert.match(csv[0]!, /^point,operators,calendar.shifts,speed,makespan \(h\)/);
  assert.match(readFileSync(join(dir, 'out', 'sweep.html'), 'utf8'), /<svg/);
  const j = JSON.parse(readFileSync(join(dir, 'out', 'sweep.json'), 'utf8')) as { rules: { rule: string }[] };
  assert.is(j.rules.length, 8);
});

test('on the virtual line (onLine: true): the same makespans as the schedule within a few steps', async () => {
  const file = join(dir, 'online.yaml');
  writeFileSync(file, `name: on\nplan: plan.yaml\nonLine: true\ngrid:\n  operators: [1, 2]\n`);
  const o = sink();
  assert.is(await sweepCommand([file, '--serial', '--out', join(dir, 'on')], o.stream), 0);
  const j = JSON.parse(readFileSync(join(dir, 'on', 'sweep.json'), 'utf8')) as { mode: string; rules: { runs: { makespan: number }[] }[] };
  assert.match(j.mode, /^on the virtual line/);
  assert.ok(Math.abs(j.rules[0]!.runs[0]!.makespan - (h6 + 150)) <= 0.05);
  assert.ok(Math.abs(j.rules[1]!.runs[0]!.makespan - (h6 + 101)) <= 0.05);
});

test.run();
