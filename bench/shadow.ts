// Shadow mode: compare + alarm evaluation cost per signal pair per evaluation at 1k and 10k
// pairs (analog rules, half of them deviating so the reporter's activate path runs), beside a
// bare loop over the same arrays in the same run; and detection latency from fault injection
// to alarm (simulated time, in-thread rig of examples/sorting-shadow.yaml).

import { CompareEngine } from '../core/shadow/compare-engine.ts';
import { AlarmReporter } from '../core/shadow/alarm-reporter.ts';
import type { CompareRule } from '../core/shadow/rules.ts';
import type { AlarmCondition, AlarmSink } from '../core/alarms/alarm-sink.ts';
import { loadPlantFile } from '../core/config/plant-file.ts';
import { loadLineFile } from '../core/config/line-file.ts';
import { InThreadRig } from '../core/shadow/in-thread-rig.ts';
import type { FaultSpec } from '../physics/fault-spec.ts';

class CountingSink implements AlarmSink {
  n = 0;
  activate(_c: AlarmCondition, _at: number): void {
    this.n++;
  }
  deactivate(_key: string, _at: number): void {
    this.n++;
  }
}

function pairs(n: number, log: (s: string) => void, report = true): void {
  const rules: CompareRule[] = Array.from({ length: n }, (_, k) => ({ name: `r${k}`, kind: 'analog', signal: `s${k}`, abs: 0.5, rel: 0.05, filterS: 0.1, persistenceS: 0.05, priority: 3, cause: '' }));
  const values = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    values[2 * k] = 10;
    values[2 * k + 1] = k % 2 === 0 ? 10.1 : 20; // half deviate
  }
  const engine = new CompareEngine(rules, (name) => (name.endsWith('.measured') ? 2 * Number(name.slice(1, -9)) + 1 : 2 * Number(name.slice(1))));
  const sink = new CountingSink();
  const reporter = new AlarmReporter(sink, rules.map((r) => ({ key: `deviation:${r.name}`, source: 'deviation', priority: 3 })), (k) => engine.describe(k));
  const evals = Math.max(200, Math.round(4_000_000 / n));
  // Warm up (JIT, and the first activation builds each condition once).
  for (let e = 0; e < 100; e++) {
    engine.evaluate(values, e * 0.01);
    reporter.report(engine.active, e * 10);
  }
  let t = performance.now();
  for (let e = 100; e < 100 + evals; e++) {
    engine.evaluate(values, e * 0.01);
    reporter.report(engine.active, e * 10);
  }
  const nsCompare = ((performance.now() - t) * 1e6) / (evals * n);
  t = performance.now();
  for (let e = 100 + evals; e < 100 + 2 * evals; e++) engine.evaluate(values, e * 0.01);
  const nsOnly = ((performance.now() - t) * 1e6) / (evals * n);
  // Bare loop: the same arrays, an abs difference and a threshold per pair, nothing else.
  const flags = new Uint8Array(n);
  let acc = 0;
  t = performance.now();
  for (let e = 0; e < evals; e++) {
    for (let k = 0; k < n; k++) {
      const d = Math.abs(values[2 * k + 1]! - values[2 * k]!);
      flags[k] = d > 0.5 ? 1 : 0;
      acc += flags[k]!;
    }
  }
  const nsBare = ((performance.now() - t) * 1e6) / (evals * n);
  if (report) log(`compare+alarm ${String(n).padStart(6)} pairs: ${nsCompare.toFixed(1)} ns/pair/evaluation (${((nsCompare * n) / 1000).toFixed(1)} µs per evaluation; compare alone ${nsOnly.toFixed(1)} ns); bare loop ${nsBare.toFixed(2)} ns/pair  [${acc > 0 ? 'ok' : ''}; ${sink.n} sink calls]`);
}

async function latency(log: (s: string) => void): Promise<void> {
  const plant = loadPlantFile(new URL('../examples/sorting-shadow.yaml', import.meta.url).pathname);
  const line = loadLineFile(plant.line!);
  const cases: [string, FaultSpec, string][] = [
    ['belt slip 50 %', { target: 'component', component: 'sorter', kind: 'slip', severity: 0.5 }, 'deviation:pe2-edge'],
    ['jam (sorter)', { target: 'component', component: 'sorter', kind: 'jam' }, 'deviation:m2-load'],
    ['slow cylinder (end switch +0.6 s)', { target: 'signal', signal: 'pu1.extended', kind: 'delay', value: 0.6 }, 'deviation:pu1-stroke'],
    ['hot motor (+0.5 K/s)', { target: 'signal', signal: 'm2.temperature', kind: 'drift', value: 0.5 }, 'maintenance:m2-winding'],
  ];
  for (const [name, spec, key] of cases) {
    let at = -1;
    const sink: AlarmSink = {
      activate: (c, ms) => {
        if (c.key === key && at < 0) at = ms;
      },
      deactivate: () => undefined,
    };
    const rig = await InThreadRig.create({ line, tags: plant.controllers[0]!.tags, shadow: plant.shadow!, maintenance: plant.maintenance!, sink });
    rig.run(60);
    const t0 = rig.inject(spec).time;
    rig.run(300, () => at >= 0);
    log(`detection ${name.padEnd(34)} -> ${key}: ${at >= 0 ? (at / 1000 - t0).toFixed(2) + ' s (sim)' : 'not within 300 s'}`);
  }
}

export async function shadowBench(log: (s: string) => void): Promise<void> {
  pairs(1000, log, false); // warm-up run: the first measurement otherwise includes JIT tiers
  pairs(1000, log);
  pairs(10_000, log);
  await latency(log);
}

if (import.meta.url === `file://${process.argv[1]}`) await shadowBench(console.log);
