// The Gantt chart of one run as inline SVG (no script): one row per station over [0, makespan],
// work bars coloured by product family, changeovers dark, breakdowns red, waits for an operator
// orange, non-working time (nights, breaks, planned stops) shaded; a <title> on each bar names
// the order and the times, which a browser shows on hover and print ignores.

import { xmlEscape as esc } from '../scenario/junit-report.ts';
import type { Window } from './calendar.ts';
import type { PlanSpec } from './plan-spec.ts';
import { SEG_CHANGEOVER, SEG_DOWN, SEG_WAIT_OPERATOR, SEGMENT_KINDS, type Segment } from './schedule.ts';
import { formatInstant } from './plan-time.ts';

const W = 960;
const LEFT = 90;
const RIGHT = 10;
const ROW = 24;
const TOP = 20;
const PALETTE = ['#4e79a7', '#59a14f', '#edc948', '#b07aa1', '#76b7b2', '#9c755f', '#bab0ac', '#ff9da7'];
const KIND_COLOUR: Readonly<Record<number, string>> = { [SEG_CHANGEOVER]: '#333', [SEG_DOWN]: '#d62728', [SEG_WAIT_OPERATOR]: '#f28e2b' };

export function ganttSvg(plan: PlanSpec, segments: readonly Segment[], makespan: number, off: readonly Window[]): string {
  const families = [...new Set(plan.products.map((p) => p.family))];
  const colour = (order: number): string => PALETTE[families.indexOf(plan.products[plan.orders[order]!.product]!.family) % PALETTE.length]!;
  const K = plan.stations.length;
  const h = TOP + K * ROW + 34;
  const span = makespan > 0 ? makespan : 1;
  const x = (t: number): number => LEFT + ((W - LEFT - RIGHT) * t) / span;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="system-ui,sans-serif" font-size="11">`];
  // Day ticks (at most ~14 labels).
  const day = 86400;
  const step = Math.max(1, Math.ceil(span / day / 14)) * day;
  for (let t = 0; t <= span && t / step < 100; t += step) {
    out.push(`<line x1="${x(t).toFixed(1)}" y1="${TOP}" x2="${x(t).toFixed(1)}" y2="${TOP + K * ROW}" stroke="#ccc"/>`);
    out.push(`<text x="${x(t).toFixed(1)}" y="${TOP - 6}" text-anchor="middle">${esc(formatInstant(t))}</text>`);
  }
  plan.stations.forEach((s, k) => out.push(`<text x="4" y="${TOP + k * ROW + 16}">${esc(s.id)}</text>`));
  for (const g of segments) {
    const y = TOP + g.station * ROW + 3;
    const fill = g.kind in KIND_COLOUR ? KIND_COLOUR[g.kind]! : colour(g.order);
    const o = plan.orders[g.order]!;
    const tip = `${plan.stations[g.station]!.id}: ${SEGMENT_KINDS[g.kind]} ${o.id} (${plan.products[o.product]!.name}) ${formatInstant(g.start)} – ${formatInstant(g.end)}`;
    out.push(`<rect x="${x(g.start).toFixed(1)}" y="${y}" width="${Math.max(0.6, x(g.end) - x(g.start)).toFixed(1)}" height="${ROW - 6}" fill="${fill}"><title>${esc(tip)}</title></rect>`);
  }
  // Non-working time over the bars (a bar spans a night when its work resumes in the morning).
  for (const w of off) out.push(`<rect x="${x(w.start).toFixed(1)}" y="${TOP}" width="${Math.max(0.5, x(w.end) - x(w.start)).toFixed(1)}" height="${K * ROW}" fill="#fff" fill-opacity="0.75"/>`);
  // Legend.
  let lx = LEFT;
  const ly = TOP + K * ROW + 18;
  const legend: [string, string][] = [...families.map((f, i): [string, string] => [PALETTE[i % PALETTE.length]!, `family ${f}`]), ['#333', 'changeover'], ['#d62728', 'breakdown'], ['#f28e2b', 'operator wait'], ['#eee', 'not working time']];
  for (const [c, label] of legend) {
    out.push(`<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${c}" stroke="#999" stroke-width="0.5"/><text x="${lx + 14}" y="${ly}">${esc(label)}</text>`);
    lx += 24 + label.length * 6;
  }
  out.push('</svg>');
  return out.join('\n');
}

/** WIP over time, a step polyline. */
export function wipSvg(t: readonly number[], n: readonly number[]): string {
  const w = 640, h = 120, left = 40, top = 10, bottom = 20;
  const tMax = Math.max(1, t[t.length - 1] ?? 1);
  const nMax = Math.max(1, ...n);
  const x = (v: number): string => (left + ((w - left - 10) * v) / tMax).toFixed(1);
  const y = (v: number): string => (top + (h - top - bottom) * (1 - v / nMax)).toFixed(1);
  const pts: string[] = [];
  for (let i = 0; i < t.length; i++) {
    if (i > 0) pts.push(`${x(t[i]!)},${y(n[i - 1]!)}`);
    pts.push(`${x(t[i]!)},${y(n[i]!)}`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="system-ui,sans-serif" font-size="10">
<line x1="${left}" y1="${h - bottom}" x2="${w - 10}" y2="${h - bottom}" stroke="#999"/><line x1="${left}" y1="${top}" x2="${left}" y2="${h - bottom}" stroke="#999"/>
<text x="${left - 4}" y="${top + 8}" text-anchor="end">${nMax}</text><text x="${left - 4}" y="${h - bottom}" text-anchor="end">0</text>
<text x="${w - 10}" y="${h - 4}" text-anchor="end">${esc(formatInstant(tMax))}</text><text x="${left}" y="${h - 4}">units in the line (WIP)</text>
<polyline fill="none" stroke="#4e79a7" stroke-width="1.2" points="${pts.join(' ')}"/></svg>`;
}
