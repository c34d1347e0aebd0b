// The production KPIs as a piece of self-contained HTML for the reports: a table of the line and
// each station (OEE with its ISO 22400-2 factors, throughput, good/reject, kWh per good item) and
// one stacked bar per station of its working/blocked/starved/down/changeover shares, inline SVG,
// the bottleneck marked. No script, no external resource.

import type { KpiReport } from './kpi-tracker.ts';
import { STATE_NAMES } from './station-plan.ts';

/** Colours of the five states, shared with the HMI page (hmi/web/src/kpi-page.ts). */
export const STATE_COLOURS: Readonly<Record<(typeof STATE_NAMES)[number], string>> = {
  working: '#2e7d32',
  blocked: '#f9a825',
  starved: '#90a4ae',
  down: '#c62828',
  changeover: '#6a1b9a',
};

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function pct(x: number | null): string {
  return x === null || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(1)} %`;
}

function fix(x: number | null, digits: number): string {
  return x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits);
}

/** One stacked bar (inline SVG, width px) of a station's state shares. */
export function shareBar(shares: Readonly<Record<(typeof STATE_NAMES)[number], number>>, width = 240): string {
  let x = 0;
  const rects: string[] = [];
  for (const s of STATE_NAMES) {
    const w = shares[s] * width;
    if (w > 0) rects.push(`<rect x="${x.toFixed(2)}" y="0" width="${w.toFixed(2)}" height="14" fill="${STATE_COLOURS[s]}"><title>${s} ${pct(shares[s])}</title></rect>`);
    x += w;
  }
  return `<svg width="${width}" height="14" role="img" aria-label="state shares">${rects.join('')}</svg>`;
}

/** The KPI section of a report. */
export function kpiHtml(r: KpiReport): string {
  const l = r.line;
  const out: string[] = [];
  out.push(`<p>Production KPIs over ${(r.to - r.from).toFixed(1)} s (ISO 22400-2: Availability = APT/PBT, Effectiveness = PRI×PQ/APT, Quality ratio = GQ/PQ, OEE = their product; bottleneck: largest mean active period, Roser et al. 2001; docs/kpi.md).</p>`);
  out.push('<table><tr><th>unit</th><th>OEE</th><th>availability</th><th>effectiveness</th><th>quality ratio</th><th>throughput (items/h)</th><th>good</th><th>reject</th><th>kWh/unit</th><th>working / blocked / starved / down / changeover</th></tr>');
  out.push(`<tr><td><b>line</b>${l.constraint ? ` <small>(PRI of ${esc(l.constraint)})</small>` : ''}</td><td>${pct(l.oee)}</td><td>${pct(l.availability)}</td><td>${pct(l.effectiveness)}</td><td>${pct(l.qualityRatio)}</td><td>${fix(l.throughput, 1)}</td><td>${l.gq}</td><td>${l.reject}</td><td>${fix(l.energyPerUnit, 4)}</td><td></td></tr>`);
  for (const s of r.stations) {
    const mark = s.bottleneck ? ' <b>bottleneck</b>' : '';
    out.push(`<tr><td>${esc(s.id)}${mark}</td><td>${pct(s.oee)}</td><td>${pct(s.availability)}</td><td>${pct(s.effectiveness)}</td><td>${pct(s.qualityRatio)}</td><td>${fix(s.throughput, 1)}</td><td>${s.gq}</td><td>${s.reject}</td><td>${fix(s.energyPerUnit, 4)}</td><td>${shareBar(s.shares)}</td></tr>`);
  }
  out.push('</table>');
  out.push(`<p><small>${STATE_NAMES.map((s) => `<span style="color:${STATE_COLOURS[s]}">■</span> ${s}`).join(' · ')}</small></p>`);
  return out.join('\n');
}
