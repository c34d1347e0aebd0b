// Inline SVG charts for the self-contained reports (no script, no external file): stacked trend
// panels of the signals involved around a failure, and small panels of a KPI over sweep points.

import { xmlEscape } from './junit-report.ts';
import type { TrendWindow } from './trend-ring.ts';

const W = 640;
const PANEL_H = 54;
const LEFT = 150;
const RIGHT = 12;

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

/**
 * At most two points (min and max) per pixel column: a 2,000-sample window becomes ~1,000
 * points without losing a spike, which keeps the report small.
 */
function decimate(xs: ArrayLike<number>, ys: ArrayLike<number>, columns: number): { xs: number[]; ys: number[] } {
  const n = xs.length;
  if (n <= 2 * columns) return { xs: Array.from(xs), ys: Array.from(ys) };
  const ox: number[] = [];
  const oy: number[] = [];
  const per = n / columns;
  for (let c = 0; c < columns; c++) {
    const a = Math.floor(c * per);
    const b = Math.min(n, Math.floor((c + 1) * per));
    let lo = a;
    let hi = a;
    for (let k = a; k < b; k++) {
      if (ys[k]! < ys[lo]!) lo = k;
      if (ys[k]! > ys[hi]!) hi = k;
    }
    for (const k of lo <= hi ? [lo, hi] : [hi, lo]) {
      if (ox.length && ox[ox.length - 1] === xs[k]) continue;
      ox.push(xs[k]!);
      oy.push(ys[k]!);
    }
  }
  return { xs: ox, ys: oy };
}

/** Polyline points of (xs, ys) scaled into a panel at `top`. */
function path(xs: ArrayLike<number>, ys: ArrayLike<number>, x0: number, x1: number, y0: number, y1: number, top: number, h: number, step: boolean): string {
  const sx = (x: number): number => LEFT + ((x - x0) / (x1 - x0 || 1)) * (W - LEFT - RIGHT);
  const sy = (y: number): number => top + h - 4 - ((y - y0) / (y1 - y0 || 1)) * (h - 8);
  const pts: string[] = [];
  for (let k = 0; k < xs.length; k++) {
    const y = Number.isFinite(ys[k]!) ? ys[k]! : y0;
    // Step lines for sampled discrete signals: the value holds until the next sample.
    if (step && k > 0) pts.push(`${sx(xs[k]!).toFixed(1)},${sy(Number.isFinite(ys[k - 1]!) ? ys[k - 1]! : y0).toFixed(1)}`);
    pts.push(`${sx(xs[k]!).toFixed(1)},${sy(y).toFixed(1)}`);
  }
  return pts.join(' ');
}

/** One panel per signal, a shared time axis, a red line at the failure. */
export function trendSvg(w: TrendWindow): string {
  const n = w.signals.length;
  if (n === 0 || w.times.length < 2) return '<p>(no samples)</p>';
  const t0 = w.times[0]!;
  const t1 = w.times[w.times.length - 1]!;
  const H = n * PANEL_H + 34;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`];
  w.signals.forEach((name, k) => {
    const ys = w.values[k]!;
    let lo = Infinity;
    let hi = -Infinity;
    let discrete = true;
    for (const y of ys) {
      if (!Number.isFinite(y)) continue;
      lo = Math.min(lo, y);
      hi = Math.max(hi, y);
      if (!Number.isInteger(y)) discrete = false;
    }
    if (!(hi >= lo)) lo = hi = 0;
    if (hi === lo) {
      // A constant: show it against 0 (a bool at 0 or 1 sits on an edge of its panel).
      if (discrete) {
        lo = Math.min(lo, 0);
        hi = Math.max(hi, lo + 1);
      } else {
        hi += 1;
        lo -= 1;
      }
    }
    const top = k * PANEL_H + 16;
    out.push(`<rect x="${LEFT}" y="${top}" width="${W - LEFT - RIGHT}" height="${PANEL_H - 6}" fill="#f7f7f7" stroke="#ddd"/>`);
    out.push(`<text x="4" y="${top + 20}">${xmlEscape(name)}</text><text x="${LEFT - 4}" y="${top + 10}" text-anchor="end" fill="#666">${fmt(hi)}</text><text x="${LEFT - 4}" y="${top + PANEL_H - 8}" text-anchor="end" fill="#666">${fmt(lo)}</text>`);
    const d = decimate(w.times, ys, W - LEFT - RIGHT);
    out.push(`<polyline fill="none" stroke="#1565c0" stroke-width="1.3" points="${path(d.xs, d.ys, t0, t1, lo, hi, top, PANEL_H - 6, discrete)}"/>`);
  });
  const mx = LEFT + ((w.marker - t0) / (t1 - t0 || 1)) * (W - LEFT - RIGHT);
  out.push(`<line x1="${mx.toFixed(1)}" y1="14" x2="${mx.toFixed(1)}" y2="${n * PANEL_H + 12}" stroke="#c62828" stroke-dasharray="4 3"/>`);
  out.push(`<text x="${Math.min(mx, W - 60).toFixed(1)}" y="11" text-anchor="middle" fill="#c62828">failure ${w.marker.toFixed(2)} s</text>`);
  out.push(`<text x="${LEFT}" y="${H - 6}" fill="#666">${t0.toFixed(2)} s</text><text x="${W - RIGHT}" y="${H - 6}" text-anchor="end" fill="#666">${t1.toFixed(2)} s</text>`);
  out.push('</svg>');
  return out.join('');
}

/** Small multiples: one panel per series of y values over the same points (labels on x). */
export function seriesSvg(title: string, labels: readonly string[], series: readonly { name: string; unit: string; values: readonly number[] }[]): string {
  const n = series.length;
  const H = n * 110 + 40;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`, `<text x="4" y="14" font-weight="bold">${xmlEscape(title)}</text>`];
  const xs = labels.map((_, i) => i);
  series.forEach((s, k) => {
    const finite = s.values.filter(Number.isFinite);
    let lo = finite.length ? Math.min(...finite) : 0;
    let hi = finite.length ? Math.max(...finite) : 1;
    if (hi === lo) {
      hi += Math.abs(hi) * 0.1 || 1;
      lo -= Math.abs(lo) * 0.1 || 0;
    }
    const top = 24 + k * 110;
    const h = 96;
    out.push(`<rect x="${LEFT}" y="${top}" width="${W - LEFT - RIGHT}" height="${h}" fill="#f7f7f7" stroke="#ddd"/>`);
    out.push(`<text x="4" y="${top + 40}">${xmlEscape(s.name)}${s.unit ? ` (${xmlEscape(s.unit)})` : ''}</text><text x="${LEFT - 4}" y="${top + 10}" text-anchor="end" fill="#666">${fmt(hi)}</text><text x="${LEFT - 4}" y="${top + h - 2}" text-anchor="end" fill="#666">${fmt(lo)}</text>`);
    out.push(`<polyline fill="none" stroke="#2e7d32" stroke-width="1.5" points="${path(xs, s.values, 0, Math.max(1, xs.length - 1), lo, hi, top, h, false)}"/>`);
    xs.forEach((x) => {
      const cx = LEFT + (x / Math.max(1, xs.length - 1)) * (W - LEFT - RIGHT);
      const v = s.values[x]!;
      const cy = top + h - 4 - ((Number.isFinite(v) ? v - lo : 0) / (hi - lo)) * (h - 8);
      out.push(`<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="2.5" fill="#2e7d32"><title>${xmlEscape(`${labels[x]}: ${fmt(v)}`)}</title></circle>`);
    });
  });
  out.push(`<text x="${LEFT}" y="${H - 4}" fill="#666">point 1 … ${labels.length} (hover a dot for its parameters)</text></svg>`);
  return out.join('');
}
