// The production KPIs' hot path: LineKpiTracker.sample (core/kpi) per sample and per station, on
// the assembly line (2 stations) and on a synthetic line of 200 machines; baselines in the same
// run: the scenario KPIs' KpiTracker.sample (core/scenario/kpis.ts) on the same values, and the
// assembly model's 10 physics steps that one 10 ms scenario sample stands for. Also the report
// (GET /api/kpi's work), which allocates and runs on request only.
// Runs alone with `npm run bench -- kpi`.

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { layoutOf } from '../core/engine/layout.ts';
import { LineKpiTracker } from '../core/kpi/kpi-tracker.ts';
import { kpiPlan, type ComponentInfo } from '../core/kpi/station-plan.ts';
import { KpiTracker, kpiSignals } from '../core/scenario/kpis.ts';
import { Model, lineSignals, type LineFile } from '../physics/model.ts';

const SAMPLES = 2_000_000;

/** ns per call of fn(k), best of 3 rounds of n calls. */
function nsPer(n: number, fn: (k: number) => void): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const t = performance.now();
    for (let k = 0; k < n; k++) fn(k);
    best = Math.min(best, ((performance.now() - t) * 1e6) / n);
  }
  return best;
}

export async function kpiBench(log: (s: string) => void): Promise<void> {
  // The assembly line, run for a minute so its values are those of production.
  const line = parse(readFileSync(new URL('../examples/assembly.yaml', import.meta.url), 'utf8')) as LineFile;
  for (const c of line.components) if (c.id === 'mc1') delete (c as Record<string, unknown>)['control'];
  const defs = lineSignals(line);
  const ids = new Map(defs.map((d, i) => [d.name, i]));
  const values = new Float64Array(defs.length);
  const model = new Model(line, (n) => ids.get(n)!, values);
  values[ids.get('mOut.run')!] = 1;
  values[ids.get('mOut.setpoint')!] = 50;
  for (let k = 0; k < 60_000; k++) model.step();
  const stepNs = nsPer(100_000, () => model.step());

  const plan = kpiPlan(layoutOf(line), (n) => ids.get(n) ?? -1);
  const tracker = new LineKpiTracker(plan);
  tracker.start(values, 0);
  const lineNs = nsPer(SAMPLES, (k) => tracker.sample(values, 0.01 * (k + 1)));
  const k0 = kpiSignals(line, (n) => ids.has(n));
  const idsOf = (names: readonly string[]): Int32Array => Int32Array.from(names, (n) => ids.get(n)!);
  const old = new KpiTracker({ binned: idsOf(k0.binned), rejects: idsOf(k0.rejects), wear: idsOf(k0.wear), energy: k0.energy ? ids.get(k0.energy)! : -1, fault: -1, alarms: idsOf(k0.alarms) });
  old.start(values, 0);
  const oldNs = nsPer(SAMPLES, (k) => old.sample(values, 0.01 * (k + 1)));
  log(`assembly line (${plan.stations.length} stations): LineKpiTracker.sample ${lineNs.toFixed(1)} ns; baselines: scenario KpiTracker.sample ${oldNs.toFixed(1)} ns, 10 physics steps (one 10 ms sample) ${(stepNs * 10).toFixed(0)} ns`);
  const reportUs = nsPer(20_000, () => tracker.report()) / 1000;
  log(`assembly line: report() ${reportUs.toFixed(2)} µs (on request: GET /api/kpi, a scrape, a Sparkplug status read)`);

  // 200 machines, states changing every sample (the worst case for the active-period counting).
  const N = 200;
  const comps: ComponentInfo[] = Array.from({ length: N }, (_, k) => ({ id: `m${k}`, type: 'machine', params: { cycleTime: 1 + (k % 7) } }));
  const fields = ['busy', 'blocked', 'starved', 'items', 'down', 'cycles', 'energy'];
  const wideIds = new Map(comps.flatMap((c) => fields.map((f) => `${c.id}.${f}`)).map((n, i) => [n, i]));
  const wide = new Float64Array(wideIds.size);
  const wideTracker = new LineKpiTracker(kpiPlan(comps, (n) => wideIds.get(n) ?? -1));
  wideTracker.start(wide, 0);
  const wideNs = nsPer(SAMPLES / 20, (k) => {
    const m = k % N;
    wide[m * fields.length] = k & 1; // busy toggles on one machine per sample
    wideTracker.sample(wide, 0.01 * (k + 1));
  });
  log(`200 machines: LineKpiTracker.sample ${wideNs.toFixed(0)} ns (${(wideNs / N).toFixed(2)} ns per station); report() ${(nsPer(2_000, () => wideTracker.report()) / 1000).toFixed(1)} µs`);
}

if (import.meta.url === `file://${process.argv[1]}`) await kpiBench((s) => console.log(s));
