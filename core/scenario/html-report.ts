// The self-contained HTML report of a suite: a summary, then per scenario each step's verdict,
// the KPIs, and inline SVG trends of the involved signals around the first failure. One file,
// no script and no external resource, so it can be archived and mailed as it is.

import { xmlEscape as esc } from './junit-report.ts';
import { KPI_UNITS } from './kpis.ts';
import { kpiHtml } from '../kpi/kpi-html.ts';
import type { ScenarioResult } from './runner.ts';
import { trendSvg } from './svg-chart.ts';

const CSS = `body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}
h1{font-size:22px}h2{font-size:17px;margin:28px 0 6px}table{border-collapse:collapse;margin:6px 0}
td,th{border:1px solid #ddd;padding:3px 8px;font-size:13px;text-align:left;vertical-align:top}
.passed{color:#2e7d32;font-weight:600}.failed{color:#c62828;font-weight:600}.skipped{color:#888}.error{color:#ef6c00;font-weight:600}
.msg{font-family:monospace;font-size:12px;white-space:pre-wrap}.sum td{font-size:14px}`;

function num(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return 'n/a';
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}

function scenarioSection(r: ScenarioResult, k: number): string {
  const out: string[] = [`<h2 id="s${k}"><span class="${r.status}">${r.status.toUpperCase()}</span> ${esc(r.name)}</h2>`];
  out.push(`<div>${esc(r.file)} · program <b>${esc(r.program)}</b> · seed ${r.seed} · ${r.simTime.toFixed(2)} s simulated in ${r.wallMs.toFixed(0)} ms</div>`);
  if (r.status === 'error') {
    out.push(`<p class="msg error">${esc(r.message ?? '')}</p>`);
    return out.join('\n');
  }
  out.push('<table><tr><th>#</th><th>step</th><th>verdict</th><th>t (s)</th><th>message</th></tr>');
  for (const s of r.steps) {
    out.push(`<tr><td>${s.index + 1}</td><td>${esc(s.label)}${s.line !== undefined ? ` <small>(line ${s.line})</small>` : ''}</td><td class="${s.status}">${s.status}</td><td>${s.start.toFixed(2)}–${s.end.toFixed(2)}</td><td class="msg">${esc(s.message ?? '')}</td></tr>`);
  }
  out.push('</table>');
  if (r.kpiValues) {
    const bounds = new Map(r.kpis.map((x) => [x.name, x]));
    out.push('<table><tr><th>KPI</th><th>value</th><th>bound</th><th>verdict</th></tr>');
    const v = r.kpiValues;
    const rows: [keyof typeof KPI_UNITS, number | null][] = [['throughput', v.throughput], ['cycleTime', v.cycleTime], ['energy', v.energy], ['rejectRate', v.rejectRate], ['wear', v.wear], ['controllerFaults', v.controllerFaults], ['alarms', v.alarms]];
    for (const [name, value] of rows) {
      const b = bounds.get(name);
      const bound = b ? [b.min !== undefined ? `≥ ${b.min}` : '', b.max !== undefined ? `≤ ${b.max}` : ''].filter(Boolean).join(', ') : '';
      const verdict = b ? `<span class="${b.status}">${b.status}</span>${b.message ? ` <span class="msg">${esc(b.message)}</span>` : ''}` : '';
      const shown = num(value);
      out.push(`<tr><td>${name}</td><td>${shown}${shown === 'n/a' ? '' : ` ${KPI_UNITS[name]}`}</td><td>${bound}</td><td>${verdict}</td></tr>`);
    }
    out.push('</table>');
  }
  if (r.production) out.push(kpiHtml(r.production));
  if (r.failure) {
    out.push(`<p>Signals involved, ${(r.failure.trend.times[0] ?? 0).toFixed(2)}–${(r.failure.trend.times[r.failure.trend.times.length - 1] ?? 0).toFixed(2)} s, around the failure of step ${r.failure.step + 1}:</p>`);
    out.push(trendSvg(r.failure.trend));
  }
  return out.join('\n');
}

export function htmlReport(results: readonly ScenarioResult[], title: string, wallMs: number): string {
  const count = (s: string): number => results.filter((r) => r.status === s).length;
  const rows = results.map((r, k) => `<tr><td><a href="#s${k}">${esc(r.name)}</a></td><td class="${r.status}">${r.status}</td><td>${esc(r.program)}</td><td>${r.simTime.toFixed(1)}</td><td class="msg">${esc((r.message ?? '').split('\n')[0]!)}</td></tr>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${CSS}</style></head>
<body><h1>${esc(title)}</h1>
<table class="sum"><tr><td>${results.length} scenarios</td><td class="passed">${count('passed')} passed</td><td class="failed">${count('failed')} failed</td><td class="error">${count('error')} errors</td><td>${(wallMs / 1000).toFixed(2)} s wall</td><td>${new Date().toISOString()}</td></tr></table>
<table><tr><th>scenario</th><th>verdict</th><th>program</th><th>sim s</th><th>first failure</th></tr>
${rows.join('\n')}
</table>
${results.map(scenarioSection).join('\n')}
</body></html>
`;
}
