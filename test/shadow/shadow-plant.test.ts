// The plant file's shadow-mode parts: the example loads with its defaults; shadow implies
// read-only; each kind of mistake is refused with the file, the path in it, what was
// expected and the line; existing (virtual) plant files are unchanged.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadPlantFile, parsePlantFile } from '../../core/config/plant-file.ts';
import { ConfigError, type ConfigIssue } from '../../core/config/config-error.ts';

const FILE = 'plant.yaml';
const HEAD = `line: sorting.yaml
mode: shadow
controllers:
  - name: plc1
    protocol: opcua
    endpoint: opc.tcp://127.0.0.1:4841
    tags:
      - { signal: m1.run, address: ns=1;s=m1.run, direction: read, type: bool }
`;

function refuse(text: string): ConfigError {
  try {
    parsePlantFile(FILE, text);
  } catch (err) {
    assert.instance(err, ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected the file to be refused');
}

function issue(err: ConfigError, path: string): ConfigIssue {
  const found = err.issues.find((i) => i.path === path);
  assert.ok(found, `an issue at ${path}; got:\n${err.message}`);
  return found!;
}

test('the shadow example loads: mode, read-only, rules with defaults, soft line', () => {
  const p = loadPlantFile(new URL('../../examples/sorting-shadow.yaml', import.meta.url).pathname);
  const c = p.controllers[0]!;
  assert.is(c.mode, 'shadow');
  assert.is(c.readOnly, true, 'shadow implies read-only');
  assert.ok(c.tags.every((t) => t.direction === 'read'));
  assert.equal(c.softLine!.faults, [{ component: 'sorter', kind: 'slip', severity: 0.5, at: 30 }]);
  assert.ok(c.softLine!.line.endsWith('examples/sorting.yaml'));
  const s = p.shadow!;
  assert.is(s.staleMs, 1500);
  const pe2 = s.compare.find((r) => r.name === 'pe2-edge')!;
  assert.equal(pe2, { name: 'pe2-edge', signal: 'pe2.blocked', priority: 2, cause: 'jam or belt slip on the sorter?', kind: 'discrete', edge: 'both', windowS: 0.5, holdS: 10 });
  assert.equal(s.resync[1], { kind: 'stroke', sensor: 'pu1.retracted', component: 'pu1', captureM: 0.3, stroke: 0 });
  const winding = p.maintenance!.find((r) => r.name === 'm2-winding')!;
  assert.equal(winding, { name: 'm2-winding', signal: 'm2.temperature.measured', priority: 3, action: winding.action, escalation: { afterS: 600, priority: 2 }, kind: 'trend', limit: 120, windowS: 120, horizonS: 3600, sampleS: 1 });
});

test('shadow defaults when the section is absent; virtual plants have no shadow section', () => {
  const p = parsePlantFile(FILE, HEAD);
  assert.equal(p.shadow, { staleMs: 500, recoverS: 5, warmupS: 2, compare: [], resync: [] });
  const v = loadPlantFile(new URL('../../examples/sorting-opcua.yaml', import.meta.url).pathname);
  assert.is(v.controllers[0]!.mode, 'virtual');
  assert.is(v.controllers[0]!.readOnly, false);
  assert.is(v.shadow, undefined);
});

test('a write tag in shadow mode is refused at its line', () => {
  const text = HEAD + '      - { signal: pe1.blocked, address: ns=1;s=pe1.blocked, direction: write, type: bool }\n';
  const i = issue(refuse(text), 'controllers[0].tags[1].direction');
  assert.match(i.message, 'in shadow mode (read-only): write tags are not allowed; a measured sensor is a read tag');
  assert.is(i.line, 9);
});

test('compare rules: unknown kind, bad window, missing tolerance, duplicate name', () => {
  const text = `${HEAD}shadow:
  compare:
    - { name: a, kind: analogue, signal: m1.speed }
    - { name: b, kind: discrete, signal: pe1.blocked, window: 0 }
    - { name: c, kind: analog, signal: m1.speed }
    - { name: c, kind: rate, signal: binShort.count, window: 60 }
`;
  const err = refuse(text);
  assert.match(issue(err, 'shadow.compare[0].kind').message, /analog/);
  assert.match(issue(err, 'shadow.compare[1].window').message, /> 0/);
  assert.ok(err.message.includes('plant.yaml'), err.message);
  // Cross-checks run once the schema passes.
  const err2 = refuse(`${HEAD}shadow:
  compare:
    - { name: c, kind: analog, signal: m1.speed }
    - { name: c, kind: rate, signal: binShort.count, window: 60 }
`);
  assert.match(issue(err2, 'shadow.compare[0]').message, 'analog rule c needs a tolerance: abs, rel or both');
  const dup = issue(err2, 'shadow.compare[1].name');
  assert.match(dup.message, 'rule c is defined twice (first at shadow.compare[0])');
  assert.is(dup.line, 12);
});

test('maintenance rules: required fields, priorities, escalation', () => {
  const err = refuse(`${HEAD}maintenance:
  - { name: t, kind: trend, signal: m1.temperature, window: 60, horizon: 600, action: "cool it" }
  - { name: o, kind: count, signal: m1.overloads, max: 2, window: 60, action: "x", priority: 5 }
  - { name: e, kind: count, signal: m1.overloads, max: 2, window: 60, action: "x", escalation: { after: 60 } }
`);
  assert.equal(issue(err, 'maintenance[0].limit'), { file: FILE, path: 'maintenance[0].limit', line: 10, message: 'is required' });
  assert.match(issue(err, 'maintenance[1].priority').message, 'must be one of 1, 2, 3, 4, got 5');
  assert.match(issue(err, 'maintenance[2].escalation.priority').message, 'is required');
});

test('soft line: only in shadow mode; a fault names exactly one of component and signal, with a fitting kind', () => {
  const virt = refuse(HEAD.replace('mode: shadow\n', '') + '    softLine: { line: sorting.yaml }\n');
  assert.match(issue(virt, 'controllers[0].softLine').message, 'not in shadow mode');
  const err = refuse(`${HEAD}    softLine:
      line: sorting.yaml
      faults:
        - { component: sorter, signal: pe1.blocked, kind: jam }
        - { component: sorter, kind: stuck }
        - { signal: pe1.blocked, kind: slip }
`);
  assert.match(issue(err, 'controllers[0].softLine.faults[0]').message, 'exactly one of component and signal');
  assert.match(issue(err, 'controllers[0].softLine.faults[1].kind').message, 'stuck is a signal fault');
  assert.match(issue(err, 'controllers[0].softLine.faults[2].kind').message, 'slip is a component fault');
});

test.run();
