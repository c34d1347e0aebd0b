// A small production plan laid out as a planner's folder might be: the plan and its sweep in
// plans/, the order book as a CSV in plans/orders/, the line file in a sibling folder lines/ with
// its Structured Text program beside it (the heat line of examples/planning, whose furnace
// setpoint heat.st sets). Every file a queued plan run reads is somewhere else, so a job that
// missed one would fail on the worker. Small enough that a point on the virtual line takes ~2 s.

import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PLANNING = fileURLToPath(new URL('../../examples/planning/', import.meta.url));

export interface PlanFixture {
  readonly root: string;
  readonly plan: string;
  readonly orders: string;
  readonly line: string;
  readonly program: string;
  /** A 4-point sweep (operators x speed) of the plan on the virtual line. */
  readonly onLineSweep: string;
  /** The same grid as the schedule, plus two shift lists and the seeds: 16 points, milliseconds each. */
  readonly scheduleSweep: string;
  /** Two points; the second's break covers its whole shift, so its run throws PLAN_NO_WORKING_TIME. */
  readonly badSweep: string;
}

export function writePlanFixture(root: string): PlanFixture {
  mkdirSync(join(root, 'plans', 'orders'), { recursive: true });
  mkdirSync(join(root, 'lines'), { recursive: true });
  const line = join(root, 'lines', 'heat-st-line.yaml');
  const program = join(root, 'lines', 'heat.st');
  copyFileSync(join(PLANNING, 'heat-st-line.yaml'), line);
  copyFileSync(join(PLANNING, 'heat.st'), program);
  const orders = join(root, 'plans', 'orders', 'week.csv');
  writeFileSync(orders, 'id,product,quantity,due,release\nH01,bolt-m8,300,07:00,06:00\nH02,pin-6,500,08:00,06:00\nH03,bolt-m12,400,09:00,06:00\nH04,pin-6,200,1d 07:00,1d 06:00\n');
  const plan = join(root, 'plans', 'plan.yaml');
  writeFileSync(plan, `name: qplan
line: ../lines/heat-st-line.yaml
seed: 1
rules: [edd, family]
operators: 1
calendar:
  days: 5
  shifts: [{ start: "06:00", end: "08:00" }]
stations:
  - { id: mc1, spread: 0.05, mtbf: 2h, mttr: 10min }
  - id: ht1
orders: orders/week.csv
`);
  const onLineSweep = join(root, 'plans', 'online.yaml');
  writeFileSync(onLineSweep, 'name: qonline\nplan: plan.yaml\nonLine: true\nrule: edd\ngrid:\n  operators: [1, 2]\n  speed: [1, 1.2]\n');
  const scheduleSweep = join(root, 'plans', 'schedule.yaml');
  writeFileSync(scheduleSweep, `name: qschedule
plan: plan.yaml
rule: family
grid:
  operators: [1, 2]
  calendar.shifts:
    - [{ start: "06:00", end: "08:00" }]
    - [{ start: "06:00", end: "08:00" }, { start: "12:00", end: "14:00" }]
  speed: [1, 1.2]
  seed: [1, 2]
`);
  const badSweep = join(root, 'plans', 'bad.yaml');
  writeFileSync(badSweep, `name: qbad
plan: plan.yaml
grid:
  calendar.breaks:
    - []
    - [{ start: "06:00", length: 2h }]
`);
  return { root, plan, orders, line, program, onLineSweep, scheduleSweep, badSweep };
}
