// Each step kind against the demo line and its built-in controller, in-thread: its verdict,
// its effect on the run, and the failure message and trend of a failing step. Plus
// determinism per seed and starting from a snapshot.
import { test } from 'uvu';
import { gcRounds } from '../gc-rounds.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeTrace } from '../../core/scenario/trace-file.ts';
import { runText, DEMO_LINE } from './helpers.ts';
import { parseScenarioFile } from '../../core/scenario/scenario-file.ts';
import { prepareScenario } from '../../core/scenario/scenario-compile.ts';
import { runScenario } from '../../core/scenario/runner.ts';

const tmp = mkdtempSync(join(tmpdir(), 'twinloop-steps-'));

test('wait and waitUntil: pass when true, fail at the timeout with the values', async () => {
  const ok = await runText('steps:\n  - wait: 2\n  - waitUntil: { condition: "binShort.count + binTall.count >= 1", timeout: 40 }\n');
  assert.is(ok.status, 'passed');
  assert.is(ok.steps[0]!.end, 2);
  assert.ok(ok.steps[1]!.end > 2 && ok.steps[1]!.end < 40, `first item binned at ${ok.steps[1]!.end}`);
  const bad = await runText('steps:\n  - waitUntil: { condition: "binTall.count >= 100", timeout: 3 }\n  - wait: 1\n');
  assert.is(bad.status, 'failed');
  assert.is(bad.steps[0]!.status, 'failed');
  assert.is(bad.steps[0]!.message, 'timed out waiting for binTall.count >= 100 within 3 s; at t=3.000 s: binTall.count = 0');
  assert.is(bad.steps[1]!.status, 'skipped');
  assert.ok(bad.failure, 'a failure carries a trend window');
  assert.equal(bad.failure!.trend.signals, ['binTall.count']);
  assert.is(bad.failure!.trend.marker, 3);
  const last = bad.failure!.trend.times[bad.failure!.trend.times.length - 1]!;
  assert.ok(last >= 3.9 && last <= 4.01, `the trend runs on a second past the failure (to ${last})`);
});

test('expect within and for', async () => {
  const r = await runText(`steps:
  - expect: { condition: "ctl.fault == 0" }
  - expect: { condition: "m1.run == 1", within: 0.1 }
  - expect: { condition: "ctl.fault == 0 && m2.run == 1", for: 5 }
  - expect: { condition: "binTall.count >= 1", for: 1 }
`);
  assert.equal(r.steps.map((s) => s.status), ['passed', 'passed', 'passed', 'failed']);
  assert.is(r.steps[1]!.end, 0.001, 'm1.run is 1 after the first scan and step');
  assert.is(r.steps[2]!.end, 5.001);
  assert.match(r.steps[3]!.message!, /^expected binTall\.count >= 1 to hold for 1 s; false at t=5\.001 s \(after 0\.000 s\): binTall\.count = 0$/);
});

test('set writes once; force holds until release', async () => {
  // m1.setpoint is a controller output: a set is overwritten at the next scan, a force is not.
  const r = await runText(`steps:
  - wait: 1
  - set: { signal: m1.setpoint, value: 20 }
  - expect: { condition: "m1.setpoint == 20", within: 0 }
  - expect: { condition: "m1.setpoint == 50", within: 0.02 }
  - force: { signal: m1.setpoint, value: 20 }
  - expect: { condition: "m1.setpoint == 20", for: 2 }
  - expect: { condition: "m1.speed < 21", within: 2 }
  - release: { signal: m1.setpoint }
  - expect: { condition: "m1.setpoint == 50", within: 0.02 }
`);
  assert.is(r.status, 'passed', r.message);
});

test('inject and clear: a signal fault and a component fault', async () => {
  const r = await runText(`steps:
  - wait: 1
  - inject: { signal: pe1.blocked, kind: stuck, value: 1, as: eye }
  - expect: { condition: "pe1.blocked == 1", for: 1 }
  - clear: eye
  - expect: { condition: "pe1.blocked == 0", within: 0.01 }
  - inject: { component: sorter, kind: jam, as: jam }
  - expect: { condition: "sorter.speed == 0", within: 0.002 }
  - expect: { condition: "sorter.speed == 0", for: 1 }
  - clear: jam
  - expect: { condition: "sorter.speed > 0", within: 0.1 }
`);
  assert.is(r.status, 'passed', r.message);
});

test('link-loss: outputs hold with bad quality, the controller does not scan; clear resumes', async () => {
  // pu1.extend is commanded while a tall item is pushed; a link loss in the middle of the
  // stroke holds the command, so the pusher stays out; without the link it would retract.
  const r = await runText(`steps:
  - waitUntil: { condition: "pu1.extend == 1", timeout: 60 }
  - expect: { condition: "quality(pu1.extend) == 0" }
  - inject: { comm: link-loss }
  - expect: { condition: "pu1.extend == 1 && m2.run == 0 && quality(pu1.extend) == 2", within: 0.01 }
  - expect: { condition: "pu1.extend == 1 && m2.run == 0 && quality(pu1.extend) == 2", for: 3 }
  - expect: { condition: "ctl.fault == 0", within: 0 }
  - clear: link-loss
  - expect: { condition: "pu1.extend == 0 && quality(pu1.extend) == 0", within: 0.1 }
  - expect: { condition: "m2.run == 1", within: 1 }
`);
  assert.is(r.status, 'passed', r.message);
});

test('plc-restart: outputs 0 while down, then a cold restart', async () => {
  const r = await runText(`steps:
  - wait: 5
  - expect: { condition: "m1.run == 1" }
  - inject: { comm: plc-restart, downtime: 0.5 }
  - expect: { condition: "m1.run == 0 && m2.run == 0", within: 0.02 }
  - expect: { condition: "m1.run == 0", for: 0.45 }
  - expect: { condition: "m1.run == 1", within: 0.1 }
`);
  assert.is(r.status, 'passed', r.message);
});

test('snapshot, then a scenario that starts from it continues the line', async () => {
  const a = await runText('steps:\n  - wait: 30\n  - snapshot: { file: s.snap }\n');
  assert.is(a.snapshots.length, 1);
  const snap = join(tmp, 's.snap');
  writeFileSync(snap, a.snapshots[0]!.bytes);
  const doc = parseScenarioFile(join(tmp, 'b.yaml'), `name: b\nline: ${DEMO_LINE}\ninitial: s.snap\nsteps:\n  - expect: { condition: "binShort.count + binTall.count >= 1" }\n  - wait: 1\n`);
  const b = await runScenario(await prepareScenario(doc));
  assert.is(b.status, 'passed', b.message);
  assert.is(b.simTime, 1, 'scenario time starts at 0 after the restore');
});

test('the alarms KPI counts process alarms: a jammed sorter trips its drive and the controller faults', async () => {
  const healthy = await runText('steps:\n  - wait: 30\nkpis:\n  alarms: { max: 0 }\n');
  assert.is(healthy.status, 'passed', healthy.message);
  assert.is(healthy.kpiValues?.alarms, 0);
  const jam = await runText('steps:\n  - wait: 5\n  - inject: { component: sorter, kind: jam }\n  - wait: 30\nkpis:\n  alarms: { max: 0 }\n');
  // The drive's overload trips (m2.tripped) and the controller stops the line (ctl.fault).
  assert.ok((jam.kpiValues?.alarms ?? 0) >= 1, `alarms ${jam.kpiValues?.alarms}`);
  const verdict = jam.kpis.find((k) => k.name === 'alarms');
  assert.is(verdict?.status, 'failed');
  assert.match(verdict?.message ?? '', /alarms \d+ is above max 0/);
});

test('a run is bounded in wall time: past its budget the step fails', async () => {
  const r = await runText('steps:\n  - wait: 3600\n', undefined, { maxWallMs: 1 });
  assert.is(r.status, 'failed');
  assert.match(r.steps[0]!.message!, /wait 3600 s: the scenario ran out of its wall-clock budget at t=65\.536 s/);
});

test('the hot path allocates nothing: 600k ticks of a condition with doubles, arithmetic and time', async () => {
  // An evaluation boxing one double would allocate ~10 MB here: several young-generation GCs.
  const body = 'sampleMs: 1000\nsteps:\n  - expect: { condition: "ctl.fault == 0 && abs(m1.speed - m1.setpoint) < 100 && time * 2 >= 0 && m1.current / 2 < 100", for: 600 }\n';
  await runText(body); // warm up: JIT
  let r: Awaited<ReturnType<typeof runText>> | undefined;
  const rounds = await gcRounds(async () => {
    r = await runText(body);
  }, 3, 1);
  assert.is(r?.status, 'passed', r?.message);
  assert.ok(rounds.at(-1)! <= 1, `garbage collections per 600k ticks: ${rounds.join(', ')} (setup may take one)`);
});

test('runs are deterministic per seed: same seed same trace and KPIs, another seed differs', async () => {
  const body = (seed: number): string => `seed: ${seed}\nsteps:\n  - wait: 40\n  - expect: { condition: "binTall.count >= 0" }\n`;
  const a = await runText(body(7));
  const b = await runText(body(7));
  const c = await runText(body(8));
  assert.equal(Buffer.from(decodeTraceBytes(a.trace!)), Buffer.from(decodeTraceBytes(b.trace!)));
  assert.equal(a.kpiValues, b.kpiValues);
  assert.is.not(Buffer.from(decodeTraceBytes(a.trace!)).equals(Buffer.from(decodeTraceBytes(c.trace!))), true);
  assert.is(a.seed, 7);
});

function decodeTraceBytes(gz: Uint8Array): Float64Array {
  const t = decodeTrace(gz);
  const parts = [...t.changes.values()].flatMap((c) => [Float64Array.from(c.at), c.values]);
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
