// Scenario files are refused with precise errors: file, path, what was expected, line. Both the
// schema's errors and the checks after it (one kind per step, fault fields, clear names,
// unknown signals and bad conditions found when compiling against the line).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, formatIssue } from '../../core/config/config-error.ts';
import { parseScenarioFile, loadScenarioFile } from '../../core/scenario/scenario-file.ts';
import { prepareScenario } from '../../core/scenario/scenario-compile.ts';
import { scenario, SUITE } from './helpers.ts';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function issues(text: string): string[] {
  try {
    parseScenarioFile('s.yaml', text);
  } catch (err) {
    assert.instance(err, ConfigError);
    return (err as ConfigError).issues.map(formatIssue);
  }
  throw new Error('no error');
}

async function compileIssues(text: string): Promise<string[]> {
  try {
    await prepareScenario(parseScenarioFile('s.yaml', text));
  } catch (err) {
    assert.instance(err, ConfigError);
    return (err as ConfigError).issues.map(formatIssue);
  }
  throw new Error('no error');
}

test('every example scenario loads and compiles', async () => {
  const files = readdirSync(SUITE).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 8, `${files.length} example scenarios`);
  for (const f of files) {
    const p = await prepareScenario(loadScenarioFile(join(SUITE, f)));
    assert.ok(p.steps.length > 0, f);
  }
});

test('schema errors: unknown keys, types, required, with the line', () => {
  const got = issues(`name: x
steps:
  - wait: 1
  - waitUntil: { condition: "a.b == 1" }
  - expect: { condition: "a.b == 1", whithin: 2 }
  - wait: "5 s"
  - jump: 3
kpis:
  speed: { min: 1 }
`);
  assert.ok(got.includes('s.yaml: steps[1].waitUntil.timeout: is required (line 4)'), got.join('\n'));
  assert.ok(got.includes('s.yaml: steps[2].expect.whithin: is not a known parameter here; known: condition, for, within (line 5)'), got.join('\n'));
  assert.ok(got.includes('s.yaml: steps[3].wait: must be number, got string "5 s" (line 6)'), got.join('\n'));
  assert.ok(got.some((l) => l.startsWith('s.yaml: steps[4].jump: is not a known parameter here; known: clear, expect, force, inject, name, release, set, snapshot, wait, waitUntil (line 7)')), got.join('\n'));
  assert.ok(got.some((l) => l.startsWith('s.yaml: kpis.speed: is not a known parameter here; known: alarms, controllerFaults, cycleTime, energy, rejectRate, throughput, wear (line 9)')), got.join('\n'));
  assert.equal(issues('steps: []\n'), ['s.yaml: name: is required (line 1)', 's.yaml: steps: must NOT have fewer than 1 items, got a list (line 1)']);
});

test('checks after the schema: one kind per step, fault fields, clear names, KPI bounds', () => {
  const got = issues(`name: x
steps:
  - wait: 1
    set: { signal: m1.run, value: 1 }
  - name: nothing
  - inject: { signal: pe1.blocked, component: sorter, kind: stuck }
  - inject: { signal: pe1.blocked, kind: jam }
  - inject: { component: sorter, kind: jam, value: 3, as: j }
  - inject: { comm: link-loss, kind: stuck }
  - inject: { comm: plc-restart, as: r }
  - clear: nope
  - expect: { condition: "x == 1", within: 1, for: 2 }
kpis:
  throughput: { min: 10, max: 5 }
`);
  const want = [
    's.yaml: steps[0].wait: a step has one kind; this one has set and wait: split it into 2 steps (line 3)',
    's.yaml: steps[1]: needs one step kind: set, force, release, waitUntil, expect, inject, clear, wait, snapshot (line 5)',
    's.yaml: steps[2].inject: needs exactly one of signal, component, comm; got signal, component (line 6)',
    's.yaml: steps[3].inject.kind: jam is not a signal fault; one of stuck, offset, drift, noise, wirebreak, intermittent, delay (line 7)',
    's.yaml: steps[4].inject.value: applies to signal faults; a component fault takes severity (line 8)',
    's.yaml: steps[5].inject.kind: does not apply to a communication fault (line 9)',
    's.yaml: steps[6].inject.as: a plc-restart is over by itself; there is nothing to clear (line 10)',
    's.yaml: steps[7].clear: no earlier inject step is named "nope" (inject ... as: NAME); injected: j, link-loss (line 11)',
    's.yaml: steps[8].expect.for: give within (becomes true in time) or for (holds the whole time), not both (line 12)',
    's.yaml: kpis.throughput: min 10 is above max 5 (line 14)',
  ];
  for (const w of want) assert.ok(got.includes(w), `missing:\n${w}\ngot:\n${got.join('\n')}`);
});

test('compile errors: unknown signals and bad conditions, with the line', async () => {
  const got = await compileIssues(scenario(`steps:
  - set: { signal: m1.runn, value: 1 }
  - waitUntil: { condition: "binTall.count >= ", timeout: 5 }
  - expect: { condition: "pe9.blocked == 1" }
  - inject: { signal: ctl.fault, kind: stuck, value: 1 }
  - inject: { component: pe1, kind: jam }
  - inject: { component: conv9, kind: slip }
  - snapshot: { file: ../x.snap }
`));
  const want = [
    's.yaml: steps[0].set.signal: unknown signal "m1.runn"; signals of m1: m1.run, m1.setpoint, m1.speed, m1.running, m1.current, m1.power, m1.energy, m1.temperature, m1.reverse, m1.reset, m1.tripped, m1.overloads, m1.wear, m1.vibration (line 4)',
    's.yaml: steps[1].waitUntil.condition: condition "binTall.count >= ": expected a signal, number or "(" at column 18, got end of condition (line 5)',
    's.yaml: steps[2].expect.condition: condition "pe9.blocked == 1": unknown signal pe9.blocked at column 1 (line 6)',
    's.yaml: steps[3].inject.signal: ctl.fault is a controller output the model does not know; a signal fault acts on a model signal (line 7)',
    's.yaml: steps[4].inject.kind: jam applies to a conveyor; pe1 is a photoeye (line 8)',
    's.yaml: steps[6].snapshot.file: must be a plain file name (it is written into the run\'s result directory), got "../x.snap" (line 10)',
  ];
  for (const w of want) assert.ok(got.includes(w), `missing:\n${w}\ngot:\n${got.join('\n')}`);
  assert.ok(got.some((l) => l.startsWith('s.yaml: steps[5].inject.component: unknown component "conv9"; components: m1, m2, infeed')), got.join('\n'));
});

test('not YAML and missing files are CFG_READ with the line', () => {
  const got = issues('name: [unclosed\n');
  assert.match(got[0]!, /^s\.yaml: not valid YAML/);
  try {
    loadScenarioFile('/nonexistent/x.yaml');
    assert.unreachable();
  } catch (err) {
    assert.is((err as ConfigError).code, 'CFG_READ');
    assert.match((err as Error).message, /x\.yaml: cannot read: file not found/);
  }
});

test.run();
