// The line KPIs as Sparkplug B node metrics, end to end on Debian's mosquitto started here: the
// assembly model stepped in this thread publishes into a real signal table, LiveKpi samples it
// and the edge node is born with KPI/Throughput, KPI/OEE, KPI/EnergyPerUnit, KPI/Good and
// KPI/Reject, then sends them as they change, equal to GET /api/kpi's figures (LiveKpi.report()).
// The live sampler's last-minute window is checked on the way.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { layoutOf } from '../../core/engine/layout.ts';
import { SparkplugEdgeNode } from '../../core/integration/sparkplug/edge-node.ts';
import { KPI_METRIC_NAMES, kpiStatusMetrics } from '../../core/kpi/kpi-metrics.ts';
import { LiveKpi } from '../../core/kpi/live-kpi.ts';
import { SignalTable } from '../../core/signals.ts';
import { lineSignals, type LineFile } from '../../physics/model.ts';
import { rig } from '../physics/harness.ts';
import { Broker, Host, num, quietLog, settingsFor, until } from '../integration/sparkplug-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'twinloop-kpi-spb-'));
let broker: Broker;

test.before(async () => {
  broker = await Broker.start();
});

test.after(async () => {
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('KPI node metrics: born with the node, then sent as they change, equal to the live report', async () => {
  // The assembly line open-loop: mc1 in auto (no controller), the outfeed belt, nozzle and torch on.
  const line = parse(readFileSync(new URL('../../examples/assembly.yaml', import.meta.url), 'utf8')) as LineFile;
  for (const c of line.components) if (c.id === 'mc1') delete (c as Record<string, unknown>)['control'];
  const r = rig(line);
  r.set('mOut.run', 1);
  r.set('mOut.setpoint', 50); // 0.3 m/s: film and seam within their gates' windows
  r.set('coat1.on', 1);
  r.set('weld1.on', 1);
  const table = SignalTable.create(lineSignals(line));
  const publish = (): void => table.publish(r.values, r.model.tick, r.model.tick * line.dt!);
  publish();
  const kpi = new LiveKpi(table, layoutOf(line), { windowSeconds: 30 });
  kpi.sample();
  assert.is(kpi.stations, 2);
  const host = await Host.connect(broker.url, 'lines');
  const node = new SparkplugEdgeNode({ table, lineName: 'assembly', settings: settingsFor(broker.url, join(dir, 'store')), logger: quietLog(), status: kpiStatusMetrics(kpi) });
  try {
    await until(() => host.of('NBIRTH').length > 0, 10_000, 'NBIRTH');
    const birth = new Map(host.of('NBIRTH')[0]!.payload.metrics!.map((m) => [m.name!, m]));
    for (const name of Object.values(KPI_METRIC_NAMES)) assert.ok(birth.has(name), `${name} born`);
    assert.is(birth.get(KPI_METRIC_NAMES.good)!.type, 'Int32');
    assert.is(birth.get(KPI_METRIC_NAMES.oee)!.type, 'Double');
    assert.is(num(birth.get(KPI_METRIC_NAMES.energyPerUnit)!.value), 0, 'no good item yet: 0');
    // Two minutes of simulated production, sampled every simulated second.
    for (let s = 0; s < 120; s++) {
      r.run(1000);
      publish();
      kpi.sample();
    }
    const rep = kpi.report();
    assert.ok(rep.run.line.gq >= 10, `good items ${rep.run.line.gq}`);
    assert.ok(rep.window !== null && Math.abs(rep.window.to - rep.window.from - 30) < 1e-9, 'a 30 s window');
    const last = (name: string): number | undefined => {
      let v: number | undefined;
      for (const m of host.of('NDATA')) for (const x of m.payload.metrics ?? []) if (x.name === name) v = num(x.value);
      return v;
    };
    await until(() => last(KPI_METRIC_NAMES.good) === rep.run.line.gq, 10_000, `KPI/Good = ${rep.run.line.gq} in an NDATA`);
    assert.is(last(KPI_METRIC_NAMES.reject), undefined, 'no reject: never changed from its birth value 0');
    assert.ok(Math.abs(last(KPI_METRIC_NAMES.throughput)! - rep.run.line.throughput) < 0.1, 'throughput');
    assert.ok(Math.abs(last(KPI_METRIC_NAMES.oee)! - rep.run.line.oee!) < 1e-4, 'OEE');
    assert.ok(Math.abs(last(KPI_METRIC_NAMES.energyPerUnit)! - rep.run.line.energyPerUnit!) / rep.run.line.energyPerUnit! < 1e-3, 'kWh per unit');
  } finally {
    await node.close();
    await host.close();
  }
});

test.run();
