// Runs a sweep's points, serially or in the pool, and writes its outputs: a CSV table, an SVG
// plot and one result directory per point (for `twinloop compare`).

import { sweepHtml } from './sweep-report.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ScenarioPool } from './pool.ts';
import { kpiCsv } from '../kpi/kpi-csv.ts';
import { dirName, writeResultDir } from './result-dir.ts';
import { runSweepPoint } from './sweep-point.ts';
import { sweepCsv, sweepSvg, type SweepPoint, type SweepRow } from './sweep.ts';

export interface SweepRunResult {
  readonly rows: readonly SweepRow[];
  readonly wallMs: number;
}

/** Run every point; `onPoint` is called as each finishes (progress). */
export async function runSweep(points: readonly SweepPoint[], threads: number, onPoint?: (row: SweepRow, done: number) => void): Promise<SweepRunResult> {
  const t0 = performance.now();
  const rows: SweepRow[] = new Array(points.length);
  let done = 0;
  const finished = (k: number, row: SweepRow): void => {
    rows[k] = row;
    onPoint?.(row, ++done);
  };
  if (threads <= 1) {
    for (let k = 0; k < points.length; k++) finished(k, { point: points[k]!, result: await runSweepPoint(points[k]!.task) });
  } else {
    const pool = new ScenarioPool(Math.min(threads, points.length));
    try {
      await Promise.all(points.map(async (point, k) => finished(k, { point, result: await pool.run({ kind: 'sweep-point', task: point.task }) })));
    } finally {
      await pool.close();
    }
  }
  return { rows, wallMs: performance.now() - t0 };
}

/** Write sweep.csv, sweep.svg, sweep.html and points/<name>/ under `dir`; returns the paths written. */
export function writeSweep(dir: string, name: string, rows: readonly SweepRow[]): { csv: string; svg: string; html: string; points: string } {
  mkdirSync(dir, { recursive: true });
  const csv = join(dir, 'sweep.csv');
  const svg = join(dir, 'sweep.svg');
  const html = join(dir, 'sweep.html');
  writeFileSync(csv, sweepCsv(rows));
  writeFileSync(svg, sweepSvg(name, rows));
  writeFileSync(html, sweepHtml(name, rows));
  const points = join(dir, 'points');
  // The production KPIs of every point, its parameters first (docs/kpi.md).
  const kpiRows = rows.flatMap((r) => (r.result.production ? [{ prefix: { point: r.point.task.name, ...r.point.params }, report: r.result.production }] : []));
  if (kpiRows.length > 0) writeFileSync(join(dir, 'sweep-kpi.csv'), kpiCsv(kpiRows));
  for (const r of rows) if (r.result.status !== 'error') writeResultDir(join(points, dirName(r.point.task.name)), r.result, 'sweep-point', r.point.params);
  return { csv, svg, html, points };
}
