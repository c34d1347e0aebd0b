// The one-page HTML report of `twinloop history check`: the verdict, what the history covers of
// the model's inputs and compared outputs, a timeline of every tag with its flagged stretches
// (gaps, bad quality, flat-lined, stale; ticks for out-of-range values and outliers), and a
// table of the figures and reasons per tag. Self-contained (inline SVG, no script), in the
// style of the scenario reports. The JSON twin is the ReadinessReport itself.

import { xmlEscape as esc } from '../scenario/junit-report.ts';
import type { ReadinessReport, Stretch, TagCheck } from './readiness.ts';

const CSS = `body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:22px}h2{font-size:17px;margin:22px 0 6px}table{border-collapse:collapse;margin:6px 0}
td,th{border:1px solid #ddd;padding:3px 6px;font-size:12px;text-align:left;vertical-align:top}
.fit{color:#2e7d32;font-weight:600}.usable{color:#ef6c00;font-weight:600}.unfit,.missing{color:#c62828;font-weight:600}small{color:#666}`;

const COLORS = { gap: '#c62828', bad: '#6a1b9a', flat: '#ef6c00', stale: '#f9a825' } as const;

function num(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return 'n/a';
  return Number.isInteger(x) ? String(x) : Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(digits);
}

function timeline(r: ReadinessReport): string {
  const W = 1000;
  const LEFT = 170;
  const ROW = 16;
  const H = r.tags.length * ROW + 34;
  const span = r.span || 1;
  const sx = (t: number): number => LEFT + (t / span) * (W - LEFT - 10);
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`];
  const bar = (list: readonly Stretch[], y: number, color: string, what: string): void => {
    for (const s of list) out.push(`<rect x="${sx(s.from).toFixed(1)}" y="${y + 2}" width="${Math.max(1.5, sx(s.to) - sx(s.from)).toFixed(1)}" height="${ROW - 5}" fill="${color}"><title>${what} ${num(s.from, 6)}–${num(s.to, 6)} s</title></rect>`);
  };
  r.tags.forEach((t, k) => {
    const y = k * ROW + 4;
    out.push(`<text x="4" y="${y + ROW - 5}" class="${t.verdict}">${esc(t.signal)}</text>`);
    out.push(`<rect x="${sx(t.first).toFixed(1)}" y="${y + 2}" width="${Math.max(1, sx(t.last) - sx(t.first)).toFixed(1)}" height="${ROW - 5}" fill="#c8e6c9"/>`);
    bar(t.gaps, y, COLORS.gap, 'gap');
    bar(t.badQuality, y, COLORS.bad, 'bad quality');
    bar(t.flat, y, COLORS.flat, 'flat-lined');
    bar(t.stale, y, COLORS.stale, 'stale');
    for (const at of t.outliers.times) out.push(`<line x1="${sx(at).toFixed(1)}" x2="${sx(at).toFixed(1)}" y1="${y}" y2="${y + ROW - 2}" stroke="#000"><title>outlier ${num(at, 6)} s</title></line>`);
    if (t.outOfRange.first !== null) out.push(`<line x1="${sx(t.outOfRange.first).toFixed(1)}" x2="${sx(t.outOfRange.first).toFixed(1)}" y1="${y}" y2="${y + ROW - 2}" stroke="#1565c0" stroke-width="2"><title>first out-of-range value ${num(t.outOfRange.first, 6)} s</title></line>`);
  });
  const y = r.tags.length * ROW + 16;
  out.push(`<text x="${LEFT}" y="${y}" fill="#666">0 s</text><text x="${W - 10}" y="${y}" text-anchor="end" fill="#666">${num(r.span, 6)} s</text>`);
  out.push(`<text x="${LEFT + 80}" y="${y}"><tspan fill="#81c784">■ samples</tspan> <tspan fill="${COLORS.gap}">■ gap</tspan> <tspan fill="${COLORS.bad}">■ bad quality</tspan> <tspan fill="${COLORS.flat}">■ flat-lined</tspan> <tspan fill="${COLORS.stale}">■ stale</tspan> | outlier <tspan fill="#1565c0">| out of range</tspan></text>`);
  out.push('</svg>');
  return out.join('');
}

function row(t: TagCheck): string {
  const cells = [
    esc(t.signal) + (t.tag !== t.signal ? `<br><small>${esc(t.tag)}</small>` : ''),
    t.role,
    String(t.samples),
    `${num(t.rateHz)} Hz<br><small>jitter σ ${num(t.jitterMs)} ms, p95 ${num(t.jitterP95Ms)} ms</small>`,
    t.gaps.length ? `${t.gaps.length}` : '',
    t.flat.length ? `${t.flat.length}` : '',
    t.stale.length ? `${t.stale.length}` : '',
    t.badShare + t.uncertainShare > 0 ? `${num(100 * (t.badShare + t.uncertainShare))} %` : '',
    t.outOfRange.count ? `${t.outOfRange.count}${t.range ? `<br><small>${esc(t.range.source)}</small>` : ''}` : t.range ? '' : '<small>no range</small>',
    t.outliers.count ? String(t.outliers.count) : '',
    t.clockSteps.length ? String(t.clockSteps.length) : '',
    `${num(t.coveredS, 6)} s`,
    `<span class="${t.verdict}">${t.verdict === 'usable' ? 'usable with limits' : t.verdict}</span>`,
    esc(t.reasons.join('; ')),
  ];
  return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

export function readinessHtml(r: ReadinessReport): string {
  const cover = (rows: ReadinessReport['inputs']): string => rows.map((c) => `<tr><td>${esc(c.signal)}</td><td class="${c.verdict}">${c.verdict === 'usable' ? 'usable with limits' : c.verdict}</td><td>${num(c.coveredS, 6)} s</td><td>${num(100 * c.share)} %</td></tr>`).join('\n');
  const rules = r.rules;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>History check: ${esc(r.source)} — ${r.verdict}</title><style>${CSS}</style></head>
<body><h1>History check — <span class="${r.verdict}">${r.verdict === 'usable' ? 'usable with limits' : r.verdict.toUpperCase()}</span></h1>
<p>${esc(r.source)} · ${r.format} · times ${r.timeFormat}${r.start ? ` · start ${r.start}` : ''} · ${num(r.span, 6)} s · ${r.tags.length} tags${r.unmapped.length ? ` · unmapped: ${esc(r.unmapped.join(', '))}` : ''}</p>
${r.notes.length ? `<p><small>${esc(r.notes.join(' · '))}</small></p>` : ''}
${r.unfitNeeded.length ? `<p class="unfit">Needed tags unfit or missing: ${esc(r.unfitNeeded.join(', '))}</p>` : ''}
<h2>What the history covers</h2>
<table><tr><th>model input (PLC output)</th><th>verdict</th><th>usable</th><th>of the span</th></tr>${cover(r.inputs)}</table>
<table><tr><th>compared output (sensor)</th><th>verdict</th><th>usable</th><th>of the span</th></tr>${cover(r.compared)}</table>
<h2>Timeline</h2>
${timeline(r)}
<h2>Per tag</h2>
<table><tr><th>signal</th><th>role</th><th>samples</th><th>rate</th><th>gaps</th><th>flat</th><th>stale</th><th>bad q.</th><th>out of range</th><th>outliers</th><th>clock steps</th><th>usable</th><th>verdict</th><th>reasons</th></tr>
${r.tags.map(row).join('\n')}
</table>
<p><small>Rules: gap = no sample for more than ${rules.gapFactor}× the median interval and at least ${rules.gapMinS} s; flat-lined = a real tag that changes at ≥ ${100 * rules.liveShare} % of its samples holds one exact value for ≥ ${rules.flatS} s; stale = a tag that usually changes ${rules.staleFactor}× more often than every ${rules.staleS} s does not change for ${rules.staleS} s; out of range = outside the catalog's range with NAMUR NE 43 margins (−1.25 %, +3.125 % of the span); outlier = Hampel filter (window ${rules.outlierWindow}, ${rules.outlierZ}× the robust σ, at a reversal); unfit = bad quality on more than ${100 * rules.maxBadShare} % of samples or usable for less than ${100 * rules.minCoverage} % of the span. docs/validation.md.</small></p>
</body></html>
`;
}
