// Several rules (and seeds) side by side: each KPI per rule as the mean over the seeds with its
// range, and the best rule per KPI marked (ties: every rule that reaches the best value).

import type { PlanKpis } from './plan-kpis.ts';
import type { PlanResult } from './plan-run.ts';

export interface KpiDef {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  /** Lower is better (else higher). */
  readonly lower: boolean;
  readonly get: (k: PlanKpis) => number;
  readonly show: (x: number) => string;
}

const hours = (x: number): string => (Number.isFinite(x) ? (x / 3600).toFixed(2) : 'n/a');
const fixed = (d: number) => (x: number): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

export const PLAN_KPIS: readonly KpiDef[] = [
  { key: 'makespan', label: 'makespan', unit: 'h', lower: true, get: (k) => k.makespan, show: hours },
  { key: 'ordersLate', label: 'orders late', unit: '', lower: true, get: (k) => k.ordersLate, show: fixed(0) },
  { key: 'totalTardiness', label: 'total tardiness', unit: 'h', lower: true, get: (k) => k.totalTardiness, show: hours },
  { key: 'maxLateness', label: 'maximum lateness', unit: 'h', lower: true, get: (k) => k.maxLateness, show: hours },
  { key: 'meanFlowTime', label: 'mean flow time', unit: 'h', lower: true, get: (k) => k.meanFlowTime, show: hours },
  { key: 'throughput', label: 'throughput', unit: 'units/h', lower: false, get: (k) => k.throughput, show: fixed(1) },
  { key: 'bottleneckOee', label: 'OEE of the bottleneck', unit: '%', lower: false, get: (k) => 100 * (k.stations.find((s) => s.id === k.bottleneck)?.oee ?? 0), show: fixed(1) },
  { key: 'changeoverTime', label: 'changeover time', unit: 'h', lower: true, get: (k) => k.changeoverTime, show: hours },
  { key: 'operatorWait', label: 'waiting for operators', unit: 'h', lower: true, get: (k) => k.operatorWait, show: hours },
  { key: 'materialWait', label: 'waiting for material', unit: 'h', lower: true, get: (k) => k.materialWait, show: hours },
  { key: 'processEnergy', label: 'process energy', unit: 'kWh', lower: true, get: (k) => k.processEnergy, show: fixed(1) },
  { key: 'changeoverEnergy', label: 'changeover energy', unit: 'kWh', lower: true, get: (k) => k.changeoverEnergy, show: fixed(1) },
  { key: 'scrap', label: 'changeover scrap', unit: 'units', lower: true, get: (k) => k.scrap, show: fixed(0) },
  { key: 'energyPerUnit', label: 'energy per good unit', unit: 'kWh/unit', lower: true, get: (k) => k.energyPerUnit, show: fixed(3) },
  { key: 'wipMean', label: 'WIP, mean', unit: 'units', lower: true, get: (k) => k.wipMean, show: fixed(1) },
  { key: 'wipMax', label: 'WIP, maximum', unit: 'units', lower: true, get: (k) => k.wipMax, show: fixed(0) },
];

export interface Cell {
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly best: boolean;
}

export interface RuleColumn {
  readonly rule: string;
  /** One result per seed, in seed order. */
  readonly runs: readonly PlanResult[];
  readonly cells: Readonly<Record<string, Cell>>;
}

/** Group results by rule (in the order given) and mark the best rule per KPI. */
export function compareRules(rules: readonly string[], results: readonly PlanResult[]): RuleColumn[] {
  const cols = rules.map((rule) => {
    const runs = results.filter((r) => r.kpis.rule === rule);
    const cells: Record<string, { mean: number; min: number; max: number; best: boolean }> = {};
    for (const d of PLAN_KPIS) {
      const xs = runs.map((r) => d.get(r.kpis));
      cells[d.key] = { mean: xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length), min: Math.min(...xs), max: Math.max(...xs), best: false };
    }
    return { rule, runs, cells };
  });
  if (cols.length > 1) {
    for (const d of PLAN_KPIS) {
      const means = cols.map((c) => c.cells[d.key]!.mean).filter(Number.isFinite);
      if (means.length === 0) continue;
      const best = d.lower ? Math.min(...means) : Math.max(...means);
      // Relative tolerance: figures equal to display precision count as tied.
      for (const c of cols) {
        const m = c.cells[d.key]!.mean;
        if (Math.abs(m - best) <= 1e-9 * Math.max(1, Math.abs(best))) (c.cells[d.key] as { best: boolean }).best = true;
      }
    }
  }
  return cols;
}

/** `12.34` or `12.34 (11.90–13.10)` when the seeds differ. */
export function showCell(d: KpiDef, c: Cell): string {
  return c.min === c.max ? d.show(c.mean) : `${d.show(c.mean)} (${d.show(c.min)}–${d.show(c.max)})`;
}

/** The console table: KPI rows, rule columns, the best marked with *. */
export function compareTable(cols: readonly RuleColumn[]): string {
  const rows: string[][] = [['KPI', ...cols.map((c) => c.rule)]];
  for (const d of PLAN_KPIS) rows.push([`${d.label}${d.unit ? ` (${d.unit})` : ''}`, ...cols.map((c) => `${showCell(d, c.cells[d.key]!)}${c.cells[d.key]!.best ? ' *' : ''}`)]);
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  return rows.map((r) => r.map((x, j) => (j === 0 ? x.padEnd(widths[j]!) : x.padStart(widths[j]!))).join('  ')).join('\n');
}
