// The production KPIs as CSV (RFC 4180, comma, one header line): one row for the line, then one
// per station, with the same columns; `prefix` columns (a sweep point's parameters) come first.
// Written beside result.json as kpi.csv, and for a sweep as sweep-kpi.csv (docs/kpi.md).

import type { KpiReport } from './kpi-tracker.ts';

export const KPI_CSV_COLUMNS = [
  'scope', 'id', 'type', 'state', 'bottleneck',
  'pbt_s', 'apt_s', 'aust_s', 'adet_s', 'adot_s',
  'working_share', 'blocked_share', 'starved_share', 'down_share', 'changeover_share',
  'pri_s', 'pq', 'gq', 'reject',
  'availability', 'effectiveness', 'quality_ratio', 'oee',
  'throughput_per_h', 'energy_kwh', 'energy_per_unit_kwh', 'mean_active_period_s',
] as const;

type Cell = string | number | boolean | null;

function cell(x: Cell): string {
  if (x === null || (typeof x === 'number' && !Number.isFinite(x))) return '';
  if (typeof x === 'number') return String(x);
  if (typeof x === 'boolean') return x ? '1' : '0';
  return /[",\r\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x;
}

/** The rows of one report, each a list of cells in KPI_CSV_COLUMNS order. */
export function kpiRows(r: KpiReport): Cell[][] {
  const l = r.line;
  const rows: Cell[][] = [[
    'line', '', 'line', '', '',
    l.pbt, l.apt, null, null, null,
    null, null, null, null, null,
    l.pri, l.pq, l.gq, l.reject,
    l.availability, l.effectiveness, l.qualityRatio, l.oee,
    l.throughput, l.energy, l.energyPerUnit, null,
  ]];
  for (const s of r.stations) {
    rows.push([
      'station', s.id, s.type, s.state, s.bottleneck,
      s.pbt, s.apt, s.aust, s.adet, s.adot,
      s.shares.working, s.shares.blocked, s.shares.starved, s.shares.down, s.shares.changeover,
      s.pri, s.pq, s.gq, s.reject,
      s.availability, s.effectiveness, s.qualityRatio, s.oee,
      s.throughput, s.energy, s.energyPerUnit, s.meanActivePeriod,
    ]);
  }
  return rows;
}

/** CSV of one report, or of several (sweep points) each with its prefix cells. */
export function kpiCsv(reports: readonly { readonly prefix?: Readonly<Record<string, Cell>>; readonly report: KpiReport }[]): string {
  const prefixCols = [...new Set(reports.flatMap((x) => Object.keys(x.prefix ?? {})))];
  const lines = [[...prefixCols, ...KPI_CSV_COLUMNS].map(cell).join(',')];
  for (const { prefix, report } of reports) {
    const pre = prefixCols.map((c) => prefix?.[c] ?? null);
    for (const row of kpiRows(report)) lines.push([...pre, ...row].map(cell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
