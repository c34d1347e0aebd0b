// Inline SVG of model against measured for one signal over a time range (the reports' overlays):
// measured in blue, model in orange, stretches left out of the metrics shaded grey. At most two
// points per pixel column per series (min and max), as core/scenario/svg-chart.ts decimates, so a
// full hour stays a few kB.

import { xmlEscape } from '../scenario/junit-report.ts';
import type { Stretch } from '../history/readiness.ts';

const W = 760;
const H = 120;
const LEFT = 56;
const RIGHT = 10;
const TOP = 18;
const BOTTOM = 18;

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

/** Indices of samples in [from, to], decimated to min/max per column. */
function columns(t: ArrayLike<number>, y: ArrayLike<number>, from: number, to: number, cols: number): number[] {
  const out: number[] = [];
  let lo = -1;
  let hi = -1;
  let col = -1;
  const flush = (): void => {
    if (lo < 0) return;
    if (lo === hi) out.push(lo);
    else out.push(Math.min(lo, hi), Math.max(lo, hi));
  };
  for (let k = 0; k < t.length; k++) {
    const x = t[k]!;
    if (x < from || x > to || !Number.isFinite(y[k]!)) continue;
    const c = Math.floor(((x - from) / (to - from || 1)) * cols);
    if (c !== col) {
      flush();
      col = c;
      lo = hi = k;
    } else {
      if (y[k]! < y[lo]!) lo = k;
      if (y[k]! > y[hi]!) hi = k;
    }
  }
  flush();
  return out;
}

export interface OverlayInput {
  readonly title: string;
  readonly unit: string;
  readonly t: ArrayLike<number>;
  readonly measured: ArrayLike<number>;
  readonly model: ArrayLike<number>;
  readonly from: number;
  readonly to: number;
  readonly masked?: readonly Stretch[];
  /** Step lines (discrete signals). */
  readonly step?: boolean;
}

export function overlaySvg(o: OverlayInput): string {
  const cols = W - LEFT - RIGHT;
  const im = columns(o.t, o.measured, o.from, o.to, cols);
  const ih = columns(o.t, o.model, o.from, o.to, cols);
  let lo = Infinity;
  let hi = -Infinity;
  for (const k of im) {
    lo = Math.min(lo, o.measured[k]!);
    hi = Math.max(hi, o.measured[k]!);
  }
  for (const k of ih) {
    lo = Math.min(lo, o.model[k]!);
    hi = Math.max(hi, o.model[k]!);
  }
  if (!(hi >= lo)) lo = hi = 0;
  if (hi === lo) {
    hi += 1;
    lo -= o.step ? 0 : 1;
  }
  const sx = (x: number): number => LEFT + ((x - o.from) / (o.to - o.from || 1)) * cols;
  const sy = (y: number): number => TOP + (H - TOP - BOTTOM) * (1 - (y - lo) / (hi - lo));
  const line = (idx: number[], y: ArrayLike<number>): string => {
    const pts: string[] = [];
    for (let j = 0; j < idx.length; j++) {
      const k = idx[j]!;
      if (o.step && j > 0) pts.push(`${sx(o.t[k]!).toFixed(1)},${sy(y[idx[j - 1]!]!).toFixed(1)}`);
      pts.push(`${sx(o.t[k]!).toFixed(1)},${sy(y[k]!).toFixed(1)}`);
    }
    return pts.join(' ');
  };
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`];
  out.push(`<rect x="${LEFT}" y="${TOP}" width="${cols}" height="${H - TOP - BOTTOM}" fill="#fafafa" stroke="#ddd"/>`);
  for (const m of o.masked ?? []) {
    const a = Math.max(o.from, m.from);
    const b = Math.min(o.to, m.to);
    if (b < a) continue;
    out.push(`<rect x="${sx(a).toFixed(1)}" y="${TOP}" width="${Math.max(1, sx(b) - sx(a)).toFixed(1)}" height="${H - TOP - BOTTOM}" fill="#e0e0e0"><title>left out ${fmt(m.from)}-${fmt(m.to)} s</title></rect>`);
  }
  out.push(`<text x="4" y="12" font-weight="bold">${xmlEscape(o.title)}${o.unit ? ` (${xmlEscape(o.unit)})` : ''}</text>`);
  out.push(`<text x="${W - RIGHT}" y="12" text-anchor="end"><tspan fill="#1565c0">━ measured</tspan>  <tspan fill="#ef6c00">━ model</tspan>  <tspan fill="#9e9e9e">■ left out</tspan></text>`);
  out.push(`<text x="${LEFT - 4}" y="${TOP + 9}" text-anchor="end" fill="#666">${fmt(hi)}</text><text x="${LEFT - 4}" y="${H - BOTTOM}" text-anchor="end" fill="#666">${fmt(lo)}</text>`);
  out.push(`<polyline fill="none" stroke="#1565c0" stroke-width="1.2" points="${line(im, o.measured)}"/>`);
  out.push(`<polyline fill="none" stroke="#ef6c00" stroke-width="1.2" stroke-dasharray="${o.step ? '4 2' : 'none'}" points="${line(ih, o.model)}"/>`);
  out.push(`<text x="${LEFT}" y="${H - 4}" fill="#666">${fmt(o.from)} s</text><text x="${W - RIGHT}" y="${H - 4}" text-anchor="end" fill="#666">${fmt(o.to)} s</text>`);
  out.push('</svg>');
  return out.join('');
}
