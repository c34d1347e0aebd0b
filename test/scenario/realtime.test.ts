// A scenario in real time through the wire: the demo program in a soft PLC behind OPC UA,
// started by the runner on a free port; a real link loss (the process frozen) and a real
// restart (killed, started again on the same port) — examples/scenarios/realtime/. Also: what
// a real-time scenario may not do is refused when compiling.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { ConfigError, formatIssue } from '../../core/config/config-error.ts';
import { parseScenarioFile } from '../../core/scenario/scenario-file.ts';
import { prepareScenario } from '../../core/scenario/scenario-compile.ts';
import { runScenarioTask } from '../../core/scenario/scenario-task.ts';

const FILE = fileURLToPath(new URL('../../examples/scenarios/realtime/opcua-link-loss.yaml', import.meta.url));
const PLANT = fileURLToPath(new URL('../../examples/sorting-opcua.yaml', import.meta.url));

test('set, snapshot and initial are refused against a network PLC', async () => {
  try {
    await prepareScenario(parseScenarioFile('rt.yaml', `name: rt\nplant: ${PLANT}\ninitial: x.snap\nsteps:\n  - set: { signal: m1.run, value: 1 }\n  - snapshot: { file: a.snap }\n`));
    assert.unreachable();
  } catch (err) {
    assert.instance(err, ConfigError);
    const got = (err as ConfigError).issues.map(formatIssue);
    assert.ok(got.includes('rt.yaml: initial: a snapshot start needs the lock-step (built-in) controller; this plant couples a network PLC in real time (line 3)'), got.join('\n'));
    assert.ok(got.some((l) => l.startsWith('rt.yaml: steps[0].set: set needs the lock-step (built-in) controller')), got.join('\n'));
    assert.ok(got.some((l) => l.startsWith('rt.yaml: steps[1].snapshot: snapshot needs the lock-step')), got.join('\n'));
  }
});

test('OPC UA soft PLC: link loss holds the outputs, a restart reconnects, sorting resumes', async () => {
  const r = await runScenarioTask({ file: FILE });
  assert.is(r.status, 'passed', `${r.message}\n${r.steps.map((s) => `${s.status} ${s.label} ${s.message ?? ''}`).join('\n')}`);
  assert.is(r.program, 'sorting.st (opcua, real time)');
  assert.ok(r.steps.every((s) => s.status === 'passed'));
  const hold = r.steps.find((s) => s.label.startsWith('outputs hold while the PLC is unreachable'))!;
  assert.ok(hold.end - hold.start >= 2, 'the link was down for 2 simulated seconds');
});

test.run();
