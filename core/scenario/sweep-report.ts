// The self-contained HTML report of a sweep (sweep.html beside sweep.csv): what was swept, the
// points' KPIs with the best of each marked, every KPI plotted against every swept parameter
// (one line per value of the others), the Pareto front of throughput against energy per good
// unit, and two points side by side (the best throughput and the least energy per unit, or any
// two asked for). One file, no script: it can be archived and mailed as it is.

import { xmlEscape as esc } from './junit-report.ts';
import { dirName } from './result-dir.ts';
import type { SweepRow } from './sweep.ts';
import { kpiVsParamSvg, paretoFront, paretoSvg, type KpiSpec, type PlotPoint } from './sweep-plots.ts';

/** The KPIs a sweep compares, with where each comes from (docs/kpi.md, docs/scenarios.md). */
export const SWEEP_KPIS: readonly (KpiSpec & { readonly of: (r: SweepRow) => number | null | undefined })[] = [
  { key: 'throughput', label: 'Throughput', unit: 'items/h', better: 'higher', of: (r) => r.result.production?.line.throughput ?? (r.result.kpiValues ? r.result.kpiValues.throughput * 60 : null) },
  { key: 'oee', label: 'OEE', unit: '', better: 'higher', of: (r) => r.result.production?.line.oee },
  { key: 'energyPerUnit', label: 'Energy per good unit', unit: 'kWh/unit', better: 'lower', of: (r) => r.result.production?.line.energyPerUnit },
  { key: 'energy', label: 'Energy', unit: 'kWh', better: 'lower', of: (r) => r.result.kpiValues?.energy },
  { key: 'rejectRate', label: 'Reject rate', unit: '', better: 'lower', of: (r) => r.result.kpiValues?.rejectRate },
  { key: 'wear', label: 'Drive wear', unit: '', better: 'lower', of: (r) => r.result.kpiValues?.wear },
];

const CSS = `body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:22px}h2{font-size:17px;margin:28px 0 6px}table{border-collapse:collapse;margin:6px 0}
td,th{border:1px solid #ddd;padding:3px 8px;font-size:13px;text-align:right}th{background:#f3f3f3}td.l,th.l{text-align:left}
.best{font-weight:700;color:#1b5e20}.front{color:#c62828;font-weight:700}.plots{display:flex;flex-wrap:wrap;gap:12px}
.plots svg{border:1px solid #eee;background:#fff}.error{color:#ef6c00}.note{color:#555;font-size:13px}`;

export function plotPoints(rows: readonly SweepRow[]): PlotPoint[] {
  return rows.map((r) => {
    const kpis: Record<string, number> = {};
    for (const k of SWEEP_KPIS) {
      const v = r.result.status === 'error' ? null : k.of(r);
      kpis[k.key] = typeof v === 'number' && Number.isFinite(v) ? v : NaN;
    }
    return { n: r.point.index + 1, params: r.point.params, kpis };
  });
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return '';
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(1) : a >= 1 ? x.toFixed(3) : x.toPrecision(3);
}

/** Index of the best point of a KPI (first of equals), or -1 when no point has it. */
function bestOf(points: readonly PlotPoint[], k: KpiSpec): number {
  let best = -1;
  points.forEach((p, i) => {
    const v = p.kpis[k.key]!;
    if (!Number.isFinite(v)) return;
    if (best < 0 || (k.better === 'higher' ? v > points[best]!.kpis[k.key]! : v < points[best]!.kpis[k.key]!)) best = i;
  });
  return best;
}

const paramText = (p: PlotPoint): string => Object.entries(p.params).map(([k, v]) => `${k}=${v}`).join(', ');

/** The two points shown side by side: `pair` (1-based point numbers) or best throughput vs least energy per unit. */
export function sideBySide(points: readonly PlotPoint[], pair?: readonly [number, number]): [number, number] | null {
  if (pair) {
    const a = points.findIndex((p) => p.n === pair[0]);
    const b = points.findIndex((p) => p.n === pair[1]);
    return a >= 0 && b >= 0 ? [a, b] : null;
  }
  const spec = (key: string): KpiSpec => SWEEP_KPIS.find((k) => k.key === key)!;
  const a = bestOf(points, spec('throughput'));
  if (a < 0) return null;
  // When one point is best on both, it is shown beside the best OEE, else beside the grid's
  // first point (the usual baseline), else beside the next best throughput.
  const others = points.map((_, i) => i).filter((i) => i !== a);
  const runnerUp = others.length ? bestOf(others.map((i) => points[i]!), spec('throughput')) : -1;
  const b = [bestOf(points, spec('energyPerUnit')), bestOf(points, spec('oee')), 0, runnerUp >= 0 ? others[runnerUp]! : -1].find((i) => i >= 0 && i !== a);
  return b === undefined ? null : [a, b];
}

export function sweepHtml(name: string, rows: readonly SweepRow[], opts: { readonly pair?: readonly [number, number] } = {}): string {
  const points = plotPoints(rows);
  const params = rows.length ? Object.keys(rows[0]!.point.params) : [];
  const shown = SWEEP_KPIS.filter((k) => points.some((p) => Number.isFinite(p.kpis[k.key]!)));
  // A KPI on which every point is equal has no best point.
  const varies = (k: KpiSpec): boolean => new Set(points.map((p) => p.kpis[k.key]!).filter(Number.isFinite)).size > 1;
  const best = new Map(shown.map((k) => [k.key, varies(k) ? bestOf(points, k) : -1]));
  const up = shown.find((k) => k.key === 'throughput');
  const down = shown.find((k) => k.key === 'energyPerUnit');
  const front = new Set(up && down ? paretoFront(points, up.key, down.key) : []);
  const out: string[] = [`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>sweep ${esc(name)}</title><style>${CSS}</style></head><body>`];
  out.push(`<h1>Sweep ${esc(name)}</h1>`);
  out.push(`<p>${rows.length} points over ${params.map((p) => `<b>${esc(p)}</b> (${[...new Set(rows.map((r) => String(r.point.params[p])))].map(esc).join(', ')})`).join(' × ')}; ${rows[0] ? `${rows[0].point.task.duration} s simulated each, seed ${rows[0].point.task.seed ?? 'default'}` : ''}.</p>`);

  out.push('<h2>Points</h2><table><tr><th>#</th>');
  for (const p of params) out.push(`<th class="l">${esc(p)}</th>`);
  for (const k of shown) out.push(`<th>${esc(k.label)}${k.unit ? `<br><small>${esc(k.unit)}</small>` : ''}<br><small>${k.better} is better</small></th>`);
  out.push('<th class="l">Pareto</th></tr>');
  points.forEach((p, i) => {
    const r = rows[i]!;
    out.push(`<tr data-point="${p.n}"><td>${p.n}</td>`);
    for (const q of params) out.push(`<td class="l">${esc(String(p.params[q]))}</td>`);
    if (r.result.status === 'error') {
      out.push(`<td class="l error" colspan="${shown.length + 1}">error: ${esc(r.result.message ?? '')}</td></tr>`);
      return;
    }
    for (const k of shown) out.push(`<td${best.get(k.key) === i ? ' class="best" title="best of the sweep"' : ''}>${fmt(p.kpis[k.key]!)}${best.get(k.key) === i ? ' ★' : ''}</td>`);
    out.push(`<td class="l${front.has(i) ? ' front' : ''}">${front.has(i) ? 'on the front' : ''}</td></tr>`);
  });
  out.push('</table><p class="note">★ best of the sweep for that KPI. The Pareto front: the points that no other point beats on throughput and energy per good unit at once.</p>');

  const pair = sideBySide(points, opts.pair);
  if (pair) {
    const [a, b] = pair.map((i) => points[i]!) as [PlotPoint, PlotPoint];
    out.push(`<h2>Side by side: #${a.n} and #${b.n}</h2>`);
    out.push(`<table class="pair"><tr><th class="l">KPI</th><th>#${a.n}<br><small>${esc(paramText(a))}</small></th><th>#${b.n}<br><small>${esc(paramText(b))}</small></th><th>#${b.n} − #${a.n}</th></tr>`);
    for (const k of shown) {
      const x = a.kpis[k.key]!;
      const y = b.kpis[k.key]!;
      const d = y - x;
      const rel = Number.isFinite(d) && x !== 0 ? ` (${d >= 0 ? '+' : ''}${((d / Math.abs(x)) * 100).toFixed(1)} %)` : '';
      out.push(`<tr><td class="l">${esc(k.label)}${k.unit ? ` (${esc(k.unit)})` : ''}</td><td>${fmt(x)}</td><td>${fmt(y)}</td><td>${Number.isFinite(d) ? `${d >= 0 ? '+' : ''}${fmt(d)}${rel}` : ''}</td></tr>`);
    }
    out.push(`</table><p class="note">${opts.pair ? 'The two points asked for' : `#${a.n} has the highest throughput; #${b.n} ${points.indexOf(b) === bestOf(points, SWEEP_KPIS[2]!) ? 'the least energy per good unit' : 'for comparison'}`}. Every signal of two runs compared: <code>twinloop compare points/${esc(dirName(rows[pair[0]]!.point.task.name))} points/${esc(dirName(rows[pair[1]]!.point.task.name))}</code>.</p>`);
  }

  if (up && down) out.push(`<h2>Throughput against energy per good unit</h2><div class="plots">${paretoSvg(points, up, down)}</div>`);
  for (const k of shown) {
    out.push(`<h2>${esc(k.label)}${k.unit ? ` (${esc(k.unit)})` : ''}</h2><div class="plots">`);
    for (const p of params) out.push(kpiVsParamSvg(points, k, p, params));
    out.push('</div>');
  }
  out.push('</body></html>');
  return out.join('\n');
}
