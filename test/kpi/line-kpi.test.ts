// The KPIs on the real physics model: a machine breakdown (the `down` state) delays a cycle by
// exactly the time it lasts; a fast machine feeding a slow one is blocked (T_slow − T_fast) /
// T_slow of the time, the slow one is the bottleneck and the line's throughput is its rate.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LineKpiTracker } from '../../core/kpi/kpi-tracker.ts';
import { kpiPlan } from '../../core/kpi/station-plan.ts';
import { layoutOf } from '../../core/engine/layout.ts';
import type { ComponentConfig, LineFile } from '../../physics/model.ts';
import { rig } from '../physics/harness.ts';

const DT = 0.001;

function line(stations: ComponentConfig[], first: string): LineFile {
  return {
    name: 'kpi',
    dt: DT,
    seed: 5,
    components: [
      { id: 'm0', type: 'drive', tau: 1e-9 },
      { id: 'feed', type: 'conveyor', length: 1, beltSpeed: 1, drive: 'm0', next: first },
      { id: 'src', type: 'source', conveyor: 'feed', rate: 50, minGap: 0, itemLength: 0.1 },
      ...stations,
      { id: 'out', type: 'bin' },
    ],
  };
}

test('breakdown: a 3 s breakdown in a 2 s cycle ends the cycle 3 s later; the KPIs count 3 s down', () => {
  const l = line([{ id: 'mc', type: 'machine', cycleTime: 2, next: 'out' }], 'mc');
  const r = rig(l);
  r.set('m0.run', 1);
  r.set('m0.setpoint', 50);
  // Wait for the first cycle to start.
  let k = 0;
  while (r.get('mc.busy') === 0 && k++ < 5_000) r.model.step();
  const started = r.model.tick;
  const tracker = new LineKpiTracker(kpiPlan(layoutOf(l), (n) => (r.has(n) ? r.id(n) : -1)));
  tracker.start(r.values, started * DT);
  const sample = (): void => tracker.sample(r.values, r.model.tick * DT);
  for (let i = 0; i < 500; i++) {
    r.model.step();
    sample();
  }
  const fault = r.model.injectFault({ target: 'component', component: 'mc', kind: 'breakdown' });
  for (let i = 0; i < 3_000; i++) {
    r.model.step();
    sample();
    assert.is(r.get('mc.down'), 1);
    assert.is(r.get('mc.busy'), 0);
  }
  r.model.clearFault(fault.id);
  while (r.get('mc.cycles') === 0 && k++ < 10_000) {
    r.model.step();
    sample();
  }
  // Closed form: a cycle of 2000 steps that stood still for 3000 ends 5000 steps after it began
  // (the start step is the cycle's first: 1999 more steps, plus the 3000 stood).
  assert.is(r.model.tick - started, 2_000 - 1 + 3_000);
  assert.is(r.get('mc.down'), 0);
  const s = tracker.report().stations[0]!;
  assert.ok(Math.abs(s.adot - 3) < 1e-9, `ADOT ${s.adot}`);
  assert.ok(Math.abs(s.apt - 1.999) < 1e-9, `APT ${s.apt}`);
  assert.is(s.pq, 1);
});

test('fast machine -> slow machine: the slow one is the bottleneck, the fast one blocked 2/3 of the time', () => {
  const l = line(
    [
      { id: 'fast', type: 'machine', cycleTime: 1, next: 'slow' },
      { id: 'slow', type: 'machine', cycleTime: 3, next: 'out' },
    ],
    'fast',
  );
  const r = rig(l);
  r.set('m0.run', 1);
  r.set('m0.setpoint', 50);
  r.run(10_000); // past the start-up
  const tracker = new LineKpiTracker(kpiPlan(layoutOf(l), (n) => (r.has(n) ? r.id(n) : -1)));
  tracker.start(r.values, r.model.tick * DT);
  // Sample at the controller cycle (10 ms), as the scenario runner's 10 ms trace does.
  for (let i = 0; i < 30_000; i++) {
    r.model.step();
    if (r.model.tick % 10 === 0) tracker.sample(r.values, r.model.tick * DT);
  }
  const rep = tracker.report();
  const fast = rep.stations.find((s) => s.id === 'fast')!;
  const slow = rep.stations.find((s) => s.id === 'slow')!;
  // Hand computation: slow works all but one step per 3 s cycle (its reload); fast works 1 s and
  // then holds its item 2 s until slow takes it.
  assert.ok(Math.abs(slow.shares.working - 1) < 0.01, `slow working ${slow.shares.working}`);
  assert.ok(Math.abs(fast.shares.working - 1 / 3) < 0.01, `fast working ${fast.shares.working}`);
  assert.ok(Math.abs(fast.shares.blocked - 2 / 3) < 0.01, `fast blocked ${fast.shares.blocked}`);
  assert.is(rep.bottleneck, 'slow');
  assert.ok(slow.bottleneck);
  assert.is(rep.line.constraint, 'slow');
  // Line throughput = the bottleneck's rate, 1200 items/h (one per 3 s); OEE of the line
  // = PRI x GQ / PBT -> ~1.
  assert.ok(Math.abs(rep.line.throughput - 1200) / 1200 < 0.01, `line throughput ${rep.line.throughput}/h`);
  assert.ok(rep.line.oee !== null && Math.abs(rep.line.oee - 1) < 0.02, `line OEE ${rep.line.oee}`);
  assert.ok(slow.effectiveness > 0.99 && slow.effectiveness <= 1.001, `slow effectiveness ${slow.effectiveness}`);
  // fast: availability 1/3 (its APT), effectiveness ~1 (each cycle takes its PRI).
  assert.ok(Math.abs(fast.availability - 1 / 3) < 0.01 && Math.abs(fast.effectiveness - 1) < 0.02, `fast A ${fast.availability} E ${fast.effectiveness}`);
});

test.run();
