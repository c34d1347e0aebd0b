// Plan files refused with precise errors: the path and line of each problem in a YAML plan, the
// line and column in a CSV order book; and a CSV order book read like an inline one.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, formatIssue } from '../../core/config/config-error.ts';
import { parseYaml } from '../../core/config/yaml-document.ts';
import { loadPlanFile, planFrom } from '../../core/planning/plan-file.ts';
import { parseDuration, parseInstant } from '../../core/planning/plan-time.ts';
import { loadLineFile } from '../../core/config/line-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'twinloop-plan-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function issues(file: string, text: string): string[] {
  try {
    planFrom(parseYaml(file, text));
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map(formatIssue);
    throw err;
  }
  return [];
}

test('times and durations', () => {
  assert.is(parseDuration('1h30min'), 5400);
  assert.is(parseDuration('2d'), 172800);
  assert.is(parseDuration(90), 90);
  assert.is(parseDuration('soon'), undefined);
  assert.is(parseInstant('2d 14:30'), 2 * 86400 + 14.5 * 3600);
  assert.is(parseInstant('06:00'), 6 * 3600);
  assert.is(parseInstant('36h'), 36 * 3600);
  assert.is(parseInstant('25:00'), undefined);
});

test('bad references and times are reported with path and line, all at once', () => {
  const got = issues('bad.yaml', `name: bad
stations:
  - id: m1
    changeover: { matrix: { A: { Z: 10min } } }
products:
  - { name: a, family: A, cycleTime: { m1: 10, m9: 5 } }
orders:
  - { id: O1, product: a, quantity: 3, due: 2d 06:00 }
  - { id: O2, product: nope, quantity: 1, due: tomorrow }
sequence: [O1, O1]
rules: [fixed]
`);
  assert.ok(got.includes('bad.yaml: stations[0].changeover.matrix.A.Z: unknown family Z; families: A (line 4)'), got.join('\n'));
  assert.ok(got.includes('bad.yaml: products[0].cycleTime.m9: unknown station m9; stations: m1 (line 6)'), got.join('\n'));
  assert.ok(got.includes('bad.yaml: orders[1].product: unknown product "nope"; products: a (line 9)'), got.join('\n'));
  assert.ok(got.some((g) => g.startsWith('bad.yaml: orders[1].due: must be a time from the plan start') && g.endsWith('(line 9)')), got.join('\n'));
  assert.ok(got.includes('bad.yaml: sequence[1]: order O1 is named twice (line 10)'), got.join('\n'));
  assert.ok(got.some((g) => g.startsWith('bad.yaml: sequence: must name every order once; missing: O2')), got.join('\n'));
});

test('schema errors name the path and what was expected', () => {
  const got = issues('s.yaml', 'name: s\nstations: [{ id: m, speed: 3 }]\nproducts: [{ name: p, cycleTime: { m: 1 } }]\norders: [{ id: O1, product: p, quantity: 0, due: 1 }]\n');
  assert.ok(got.some((g) => g.startsWith('s.yaml: stations[0].speed: is not a known parameter here')), got.join('\n'));
  assert.ok(got.some((g) => g.startsWith('s.yaml: orders[0].quantity: must be >= 1')), got.join('\n'));
});

test('a CSV order book: read like inline orders; errors at line and column', () => {
  writeFileSync(join(dir, 'orders.csv'), '# the week\nid,product,quantity,due,material\nO1,a,3,1d 06:00,\n"O,2",a,2,2d,1d 10:00\n');
  writeFileSync(join(dir, 'plan.yaml'), 'name: c\nstations: [{ id: m }]\nproducts: [{ name: a, cycleTime: { m: 5 } }]\norders: orders.csv\n');
  const p = loadPlanFile(join(dir, 'plan.yaml'));
  assert.equal(p.orders.map((o) => [o.id, o.quantity, o.due, o.material]), [['O1', 3, 86400 + 6 * 3600, 0], ['O,2', 2, 2 * 86400, 86400 + 10 * 3600]]);
  writeFileSync(join(dir, 'orders.csv'), 'id,product,quantity,due\nO1,a,three,1d\nO2,b,1,1x\n');
  try {
    loadPlanFile(join(dir, 'plan.yaml'));
    assert.unreachable('accepted a bad CSV');
  } catch (err) {
    const got = (err as ConfigError).issues.map(formatIssue);
    assert.ok(got.includes('orders.csv: column 6 (quantity): must be a whole number from 1 to 1000000, got "three" (line 2)'), got.join('\n'));
    assert.ok(got.includes('orders.csv: column 4 (product): unknown product "b"; products: a (line 3)'), got.join('\n'));
    assert.ok(got.some((g) => g.startsWith('orders.csv: column 8 (due): must be a time') && g.endsWith('(line 3)')), got.join('\n'));
  }
  writeFileSync(join(dir, 'orders.csv'), 'id,product,quantity,due\nO1,a,1,1d\nO3,a,1\n');
  try {
    loadPlanFile(join(dir, 'plan.yaml'));
    assert.unreachable('accepted a short row');
  } catch (err) {
    assert.equal((err as ConfigError).issues.map(formatIssue), ['orders.csv: column 7: 3 fields, the header (line 1) has 4 (line 3)']);
  }
});

// Products and changeovers in the line file (physics/line-products.ts): the plan takes them; a
// product or changeover both files give must be the same, else an error naming both places.
const LINE = `name: l
dt: 0.01
components:
  - { id: src, type: ordersource, next: m1 }
  - id: m1
    type: machine
    busyPower: 4
    changeover: { default: 20min, matrix: { A: { B: 1h } }, consumes: { energy: 2.5, scrap: 3 } }
products:
  - { name: a, family: A, cycleTime: { m1: 10 }, setpoints: { spindle: 2400 } }
  - { name: b, family: B, cycleTime: { m1: 12 }, energy: { m1: 0.02 } }
`;
const PLAN_ON = (extra = ''): string => `name: p
line: line.yaml
stations: [{ id: m1${extra} }]
orders: [{ id: O1, product: b, quantity: 2, due: 1d }]
`;

test('a plan takes its products and changeovers from the line file', () => {
  writeFileSync(join(dir, 'line.yaml'), LINE);
  writeFileSync(join(dir, 'p.yaml'), PLAN_ON());
  const p = loadPlanFile(join(dir, 'p.yaml'));
  assert.equal(p.products.map((x) => [x.name, x.family, x.cycleTime, x.energy]), [['a', 'A', [10], [NaN]], ['b', 'B', [12], [0.02]]]);
  const s = p.stations[0]!;
  assert.equal([s.changeoverDefault, s.changeoverMatrix, s.changeoverEnergy, s.changeoverScrap, s.busyPower, s.idlePower], [1200, { A: { B: 3600 } }, 2.5, 3, 4, 0.2]);
  assert.equal(p.products[0]!.setpoints, { spindle: 2400 });
  // The same product and changeover in the plan too: accepted; a product only the plan has: added.
  writeFileSync(join(dir, 'p.yaml'), `${PLAN_ON(', changeover: { default: 1200, matrix: { A: { B: 60min } }, consumes: { scrap: 3, energy: 2.5 } }')}products:
  - { name: b, family: B, cycleTime: { m1: 12 }, energy: { m1: 0.02 } }
  - { name: c, family: A, cycleTime: { m1: 7 } }
`);
  const q = loadPlanFile(join(dir, 'p.yaml'));
  assert.equal(q.products.map((x) => x.name), ['a', 'b', 'c']);
  assert.is(q.stations[0]!.changeoverMatrix['A']!['B'], 3600);
});

test('a product or changeover that differs between plan and line is an error naming both', () => {
  writeFileSync(join(dir, 'line.yaml'), LINE);
  writeFileSync(join(dir, 'p.yaml'), `${PLAN_ON(', changeover: { default: 20min, matrix: { A: { B: 50min } } }')}products:
  - { name: b, family: B, cycleTime: { m1: 11 }, energy: { m1: 0.02 } }
`);
  try {
    loadPlanFile(join(dir, 'p.yaml'));
    assert.unreachable('accepted a conflict');
  } catch (err) {
    const got = (err as ConfigError).issues.map(formatIssue);
    const lineName = join(dir, 'line.yaml');
    assert.ok(got.some((g) => g.startsWith(`${join(dir, 'p.yaml')}: stations[0].changeover: differs from ${lineName} components[1].changeover (line 8) at consumes.energy: 0 here, 2.5 there`)), got.join('\n'));
    assert.ok(got.some((g) => g.startsWith(`${join(dir, 'p.yaml')}: products[0]: b differs from ${lineName} products[1] (line 11) at cycleTime.m1: 11 here, 12 there`)), got.join('\n'));
  }
  // Neither file has products.
  writeFileSync(join(dir, 'line.yaml'), 'name: l\ncomponents: [{ id: src, type: ordersource, next: m1 }, { id: m1, type: machine }]\n');
  writeFileSync(join(dir, 'p.yaml'), PLAN_ON());
  try {
    loadPlanFile(join(dir, 'p.yaml'));
    assert.unreachable('accepted no products');
  } catch (err) {
    const got = (err as ConfigError).issues.map(formatIssue);
    assert.ok(got.some((g) => g.includes('products: is required: ') && g.includes('has no products either')), got.join('\n'));
  }
});

test('the line file refuses bad products and changeover blocks with path and line', () => {
  writeFileSync(join(dir, 'bad-line.yaml'), `name: l
components:
  - { id: src, type: ordersource, next: m1 }
  - id: m1
    type: machine
    changeover: { default: 20 minutes, matrix: { A: { Z: 1h } }, initial: Q, settle: { f9.temperature: 5 } }
products:
  - { name: a, family: A, cycleTime: { m1: 10, m7: 3 }, setpoints: { m1.nothing: 3, m1.enable: on } }
  - { name: a, family: A, cycleTime: { m1: 1 } }
`);
  let got: string[] = [];
  try {
    loadLineFile(join(dir, 'bad-line.yaml'));
  } catch (err) {
    got = (err as ConfigError).issues.map(formatIssue);
  }
  const f = join(dir, 'bad-line.yaml');
  assert.ok(got.some((g) => g.startsWith(`${f}: components[1].changeover.default: `) && g.endsWith('(line 6)')), got.join('\n'));
  writeFileSync(f, readFileSync(f, 'utf8').replace('20 minutes', '20min'));
  got = [];
  try {
    loadLineFile(f);
  } catch (err) {
    got = (err as ConfigError).issues.map(formatIssue);
  }
  for (const want of [
    `${f}: components[1].changeover.matrix.A.Z: unknown family Z; families: A (line 6)`,
    `${f}: components[1].changeover.initial: unknown family Q; families: A (line 6)`,
    `${f}: products[0].cycleTime.m7: unknown machine m7; machines: m1 (line 8)`,
    `${f}: products[1].name: duplicate product a; first named by products[0] (line 9)`,
  ]) assert.ok(got.includes(want), `${want}\nin\n${got.join('\n')}`);
  assert.ok(got.some((g) => g.startsWith(`${f}: components[1].changeover.settle.f9.temperature: names no signal of this line`)), got.join('\n'));
  assert.ok(got.some((g) => g.startsWith(`${f}: products[0].setpoints.m1.nothing: names no signal of this line`)), got.join('\n'));
  assert.ok(got.some((g) => g.startsWith(`${f}: products[0].setpoints.m1.enable: must be a number`)), got.join('\n'));
});

test.run();
