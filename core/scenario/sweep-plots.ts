// The what-if plots of a sweep, as inline SVG (no script): each KPI against each swept
// parameter, one line per value of the other parameters (a 3 x 3 grid of rate and belt speed
// gives, per KPI, a plot over rate with one line per belt speed and one over belt speed with
// one line per rate), and the Pareto front of throughput against energy per good unit: the
// points no other point beats on both at once.

import { xmlEscape as esc } from './junit-report.ts';

export type ParamValue = string | number | boolean;

/** One sweep point as the plots see it. */
export interface PlotPoint {
  /** 1-based, as the table and the CSV number points. */
  readonly n: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly kpis: Readonly<Record<string, number>>;
}

export interface KpiSpec {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
}

const W = 440;
const H = 230;
const L = 62;
const R = 12;
const T = 24;
const B = 44;
const COLOURS = ['#1565c0', '#2e7d32', '#c62828', '#6a1b9a', '#ef6c00', '#00838f', '#5d4037', '#455a64'];

function fmt(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 1 ? x.toFixed(2) : x.toPrecision(3);
}

/** y range of the finite values, widened so that a flat or nearly flat KPI is drawn flat, not as steps. */
function yRange(values: readonly number[]): [number, number] {
  const f = values.filter(Number.isFinite);
  if (f.length === 0) return [0, 1];
  let lo = Math.min(...f);
  let hi = Math.max(...f);
  // Differences below 1 % of the magnitude are noise for a what-if: keep the axis at least that wide.
  const minSpan = Math.max(Math.abs(hi), Math.abs(lo)) * 0.01 || 1;
  if (hi - lo < minSpan) {
    const mid = (hi + lo) / 2;
    lo = mid - minSpan / 2;
    hi = mid + minSpan / 2;
  }
  return [lo, hi];
}

/** The distinct values of a parameter in grid order, numbers ascending. */
function distinct(points: readonly PlotPoint[], param: string): ParamValue[] {
  const vs = [...new Set(points.map((p) => p.params[param]!))];
  return vs.every((v) => typeof v === 'number') ? (vs as number[]).sort((a, b) => a - b) : vs;
}

const label = (k: KpiSpec): string => (k.unit ? `${k.label} (${k.unit})` : k.label);

/** `kpi` over `param`, one line per combination of the other parameters' values. */
export function kpiVsParamSvg(points: readonly PlotPoint[], kpi: KpiSpec, param: string, params: readonly string[]): string {
  const xs = distinct(points, param);
  const numeric = xs.every((v) => typeof v === 'number');
  const x0 = numeric ? (xs[0] as number) : 0;
  const x1 = numeric ? (xs[xs.length - 1] as number) : xs.length - 1;
  const sx = (v: ParamValue): number => L + (((numeric ? (v as number) : xs.indexOf(v)) - x0) / (x1 - x0 || 1)) * (W - L - R);
  const [lo, hi] = yRange(points.map((p) => p.kpis[kpi.key] ?? NaN));
  const sy = (y: number): number => T + (H - T - B) - ((y - lo) / (hi - lo)) * (H - T - B);
  const others = params.filter((p) => p !== param);
  const groups = new Map<string, PlotPoint[]>();
  for (const p of points) {
    const key = others.map((o) => `${o}=${p.params[o]}`).join(', ');
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  // The legend: one entry a row under the axis label (entries name parameters, which can be long).
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H + 4 + groups.size * 15}" font-family="sans-serif" font-size="11" role="img" aria-label="${esc(`${kpi.label} over ${param}`)}">`];
  out.push(`<text x="4" y="14" font-weight="bold">${esc(label(kpi))} over ${esc(param)}</text>`);
  out.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="#f7f7f7" stroke="#ddd"/>`);
  out.push(`<text x="${L - 4}" y="${T + 10}" text-anchor="end" fill="#555">${fmt(hi)}</text><text x="${L - 4}" y="${H - B}" text-anchor="end" fill="#555">${fmt(lo)}</text>`);
  for (const v of xs) out.push(`<text x="${sx(v).toFixed(1)}" y="${H - B + 14}" text-anchor="middle" fill="#555">${esc(String(v))}</text>`);
  out.push(`<text x="${(L + W - R) / 2}" y="${H - B + 30}" text-anchor="middle">${esc(param)}</text>`);
  [...groups.entries()].forEach(([key, ps], g) => {
    const colour = COLOURS[g % COLOURS.length]!;
    const sorted = [...ps].sort((a, b) => sx(a.params[param]!) - sx(b.params[param]!));
    const pts = sorted.filter((p) => Number.isFinite(p.kpis[kpi.key] ?? NaN));
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.6" points="${pts.map((p) => `${sx(p.params[param]!).toFixed(1)},${sy(p.kpis[kpi.key]!).toFixed(1)}`).join(' ')}"/>`);
    for (const p of pts) out.push(`<circle cx="${sx(p.params[param]!).toFixed(1)}" cy="${sy(p.kpis[kpi.key]!).toFixed(1)}" r="3" fill="${colour}"><title>#${p.n} ${esc(Object.entries(p.params).map(([k, v]) => `${k}=${v}`).join(' '))}: ${fmt(p.kpis[kpi.key]!)}</title></circle>`);
    const ly = H + 12 + g * 15;
    out.push(`<rect x="${L}" y="${ly - 5}" width="12" height="3" fill="${colour}"/><text x="${L + 16}" y="${ly}">${esc(key || 'all points')}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}

/**
 * Indices of the points on the Pareto front of maximising `up` while minimising `down`: no
 * other point is at least as good on both and better on one. Points missing either are left out.
 */
export function paretoFront(points: readonly PlotPoint[], up: string, down: string): number[] {
  const ok = points.map((p, i) => ({ i, u: p.kpis[up] ?? NaN, d: p.kpis[down] ?? NaN })).filter((p) => Number.isFinite(p.u) && Number.isFinite(p.d));
  return ok.filter((a) => !ok.some((b) => b.u >= a.u && b.d <= a.d && (b.u > a.u || b.d < a.d))).map((a) => a.i);
}

/** Scatter of every point, `down` on x and `up` on y, the front joined and marked. */
export function paretoSvg(points: readonly PlotPoint[], up: KpiSpec, down: KpiSpec): string {
  const front = new Set(paretoFront(points, up.key, down.key));
  // A margin of a tenth on every side keeps the points and their labels inside the frame.
  const pad = ([lo, hi]: [number, number]): [number, number] => [lo - (hi - lo) * 0.1, hi + (hi - lo) * 0.1];
  const [x0, x1] = pad(yRange(points.map((p) => p.kpis[down.key] ?? NaN)));
  const [y0, y1] = pad(yRange(points.map((p) => p.kpis[up.key] ?? NaN)));
  const w = 560;
  const sx = (x: number): number => L + ((x - x0) / (x1 - x0)) * (w - L - R);
  const sy = (y: number): number => T + (H - T - B) - ((y - y0) / (y1 - y0)) * (H - T - B);
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${H}" font-family="sans-serif" font-size="11" role="img" aria-label="Pareto front">`];
  out.push(`<text x="4" y="14" font-weight="bold">Pareto front: ${esc(label(up))} against ${esc(label(down))} (up and to the left is better)</text>`);
  out.push(`<rect x="${L}" y="${T}" width="${w - L - R}" height="${H - T - B}" fill="#f7f7f7" stroke="#ddd"/>`);
  out.push(`<text x="${L - 4}" y="${T + 10}" text-anchor="end" fill="#555">${fmt(y1)}</text><text x="${L - 4}" y="${H - B}" text-anchor="end" fill="#555">${fmt(y0)}</text>`);
  out.push(`<text x="${L}" y="${H - B + 14}" fill="#555">${fmt(x0)}</text><text x="${w - R}" y="${H - B + 14}" text-anchor="end" fill="#555">${fmt(x1)}</text>`);
  out.push(`<text x="${(L + w - R) / 2}" y="${H - B + 30}" text-anchor="middle">${esc(label(down))}</text>`);
  const onFront = points.map((p, i) => ({ p, i })).filter(({ i }) => front.has(i)).sort((a, b) => a.p.kpis[down.key]! - b.p.kpis[down.key]!);
  out.push(`<polyline fill="none" stroke="#c62828" stroke-width="1.5" stroke-dasharray="5 3" points="${onFront.map(({ p }) => `${sx(p.kpis[down.key]!).toFixed(1)},${sy(p.kpis[up.key]!).toFixed(1)}`).join(' ')}"/>`);
  points.forEach((p, i) => {
    const x = p.kpis[down.key] ?? NaN;
    const y = p.kpis[up.key] ?? NaN;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    const on = front.has(i);
    out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="${on ? 4.5 : 3}" fill="${on ? '#c62828' : '#9e9e9e'}"${on ? ' data-front="1"' : ''}><title>#${p.n} ${esc(Object.entries(p.params).map(([k, v]) => `${k}=${v}`).join(' '))}: ${fmt(y)} ${esc(up.unit)}, ${fmt(x)} ${esc(down.unit)}</title></circle>`);
    out.push(`<text x="${(sx(x) + 6).toFixed(1)}" y="${(sy(y) - 5).toFixed(1)}" fill="${on ? '#c62828' : '#777'}">#${p.n}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}
