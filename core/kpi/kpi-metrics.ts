// The line's production KPIs as Sparkplug B node metrics (appended to the edge node's status
// metrics, core/integration/sparkplug/status-metrics.ts), under the names a plant overview reads:
// KPI/Throughput (items/h), KPI/OEE (0..1), KPI/EnergyPerUnit (kWh per good item), KPI/Good,
// KPI/Reject — over the run so far. Rounded, so a figure that moves in its last digits is not sent
// every second. A Sparkplug metric must be born with the node, so a figure that does not exist
// yet is sent as 0 (EnergyPerUnit before the first good item), and KPI/OEE is left out for a line
// without stations (it has no planned run time per item): docs/kpi.md.

import type { StatusMetric } from '../integration/sparkplug/payloads.ts';
import type { LiveKpi } from './live-kpi.ts';

export const KPI_METRIC_NAMES = {
  throughput: 'KPI/Throughput',
  oee: 'KPI/OEE',
  energyPerUnit: 'KPI/EnergyPerUnit',
  good: 'KPI/Good',
  reject: 'KPI/Reject',
} as const;

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** The status-metric source for the edge node (its `extra`). */
export function kpiStatusMetrics(kpi: LiveKpi): () => readonly StatusMetric[] {
  return () => {
    const l = kpi.report().run.line;
    return [
      { name: KPI_METRIC_NAMES.throughput, type: 'Double', value: round(l.throughput, 1) },
      ...(kpi.stations > 0 ? [{ name: KPI_METRIC_NAMES.oee, type: 'Double' as const, value: round(l.oee ?? 0, 4) }] : []),
      { name: KPI_METRIC_NAMES.energyPerUnit, type: 'Double', value: l.energyPerUnit === null ? 0 : Number(l.energyPerUnit.toPrecision(4)) },
      { name: KPI_METRIC_NAMES.good, type: 'Int32', value: l.gq },
      { name: KPI_METRIC_NAMES.reject, type: 'Int32', value: l.reject },
    ];
  };
}
