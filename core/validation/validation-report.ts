// The reports of `twinloop model validate`: one self-contained HTML page (summary, a table of
// every signal's metrics against its limits, then per signal the model-vs-measured overlay over
// the whole window and the worst stretch zoomed), the JSON report (ValidationReport as is), and
// JUnit XML for CI (one testcase per compared signal).

import { xmlEscape as esc } from '../scenario/junit-report.ts';
import { overlaySvg } from './overlay-chart.ts';
import type { MetricCheck } from './signal-metrics.ts';
import type { SignalResult, SignalTrace, ValidationReport } from './validate.ts';

const CSS = `body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}
h1{font-size:22px}h2{font-size:17px;margin:26px 0 6px}table{border-collapse:collapse;margin:6px 0}
td,th{border:1px solid #ddd;padding:3px 8px;font-size:13px;text-align:left;vertical-align:top}
.passed,.pass{color:#2e7d32;font-weight:600}.failed,.fail{color:#c62828;font-weight:600}.skipped{color:#888}
.msg{font-family:monospace;font-size:12px;white-space:pre-wrap}small{color:#666}`;

function num(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  return Number.isInteger(x) ? String(x) : Math.abs(x) >= 1000 ? x.toFixed(0) : x.toPrecision(digits);
}

/** The figures worth a column, by class. */
function figures(r: SignalResult): string {
  const m = r.metrics;
  if (!m) return '';
  if (r.class === 'analog') return `RMSE ${num(m.rmse)} ${esc(r.unit)} · CV(RMSE) ${num(m.cvRmse, 3)} % · NMBE ${num(m.nmbe, 3)} % · max error ${num(m.maxError)} at ${num(m.maxErrorAt, 5)} s · Theil U ${num(m.theilU, 3)} <small>(${m.intervals} intervals)</small>`;
  if (r.class === 'discrete') return `edges ${m.edgesModel} model / ${m.edgesMeasured} measured${m.edgeTiming === 'step' ? ' (model at step resolution: recorded on change)' : ''} · |edge error| p50 ${num(m.edgeP50, 3)} s, p95 ${num(m.edgeP95, 3)} s, max ${num(m.edgeMax, 3)} s (mean lag ${num(m.meanLag, 3)} s) · missing ${m.missing}, extra ${m.extra} · rate ${num(m.rateModel, 3)} / ${num(m.rateMeasured, 3)} per min · cycles ${num(m.cycleMeanModel, 3)} / ${num(m.cycleMeanMeasured, 3)} s, KS D ${num(m.ksD, 3)} p ${num(m.ksP, 3)}`;
  return `increase ${num(m.rateModel, 3)} model / ${num(m.rateMeasured, 3)} measured per min · rate error ${num(m.rateError, 3)}`;
}

function checkText(c: MetricCheck): string {
  return `<span class="${c.status}">${esc(c.metric)} ${num(c.value, 3)} ${c.op} ${c.limit}</span>`;
}

function section(r: SignalResult, trace: SignalTrace | undefined, rep: ValidationReport, k: number): string {
  const out = [`<h2 id="s${k}"><span class="${r.status}">${r.status.toUpperCase()}</span> ${esc(r.signal)} <small>${r.class}, tag ${esc(r.tag)}${r.dataVerdict ? `, data ${r.dataVerdict}` : ''}</small></h2>`];
  if (r.reason) out.push(`<p class="msg">${esc(r.reason)}</p>`);
  if (r.metrics) out.push(`<p>${figures(r)}</p>`);
  if (r.checks.length) out.push(`<p>${r.checks.map(checkText).join(' · ')}</p>`);
  if (trace) {
    const masked = [...r.masked, ...rep.inputMask];
    const step = r.class !== 'analog';
    out.push(overlaySvg({ title: `${r.signal}: ${num(rep.window.from)}–${num(rep.window.to)} s`, unit: r.unit, t: trace.t, measured: trace.measured, model: trace.model, from: rep.window.from, to: rep.window.to, masked, step }));
    if (r.worst) out.push(overlaySvg({ title: `${r.signal}: worst stretch ${num(r.worst.from, 6)}–${num(r.worst.to, 6)} s`, unit: r.unit, t: trace.t, measured: trace.measured, model: trace.model, from: r.worst.from, to: r.worst.to, masked, step }));
  }
  return out.join('\n');
}

export function validationHtml(rep: ValidationReport, traces: ReadonlyMap<string, SignalTrace>): string {
  const th = rep.thresholds;
  const rows = rep.signals.map((r, k) => `<tr><td><a href="#s${k}">${esc(r.signal)}</a></td><td>${r.class}</td><td class="${r.status}">${r.status}</td><td>${r.checks.map(checkText).join('<br>')}</td><td class="msg">${esc(r.status === 'skipped' ? r.reason : '')}</td></tr>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Model validation: ${esc(rep.line.name)} — ${rep.verdict.toUpperCase()}</title><style>${CSS}</style></head>
<body><h1>Model validation: ${esc(rep.line.name)} — <span class="${rep.verdict}">${rep.verdict.toUpperCase()}</span></h1>
<table><tr><td>line</td><td>${esc(rep.line.file ?? rep.line.name)}</td></tr><tr><td>plant</td><td>${esc(rep.plant ?? '(none)')}</td></tr>
<tr><td>history</td><td>${esc(rep.history.source)} (${rep.history.format}, times ${rep.history.timeFormat}${rep.history.start ? `, start ${rep.history.start}` : ''}, ${num(rep.history.span, 6)} s)</td></tr>
<tr><td>window</td><td>${num(rep.window.from, 6)}–${num(rep.window.to, 6)} s</td></tr>
<tr><td>model</td><td>${rep.model.steps} steps of ${rep.model.dt} s in ${num(rep.model.replayMs, 4)} ms; re-sync ${rep.model.resync ? `on (${rep.model.corrections} corrections)` : 'off'}</td></tr>
<tr><td>signals</td><td><span class="passed">${rep.summary.passed} passed</span>, <span class="failed">${rep.summary.failed} failed</span>, <span class="skipped">${rep.summary.skipped} skipped</span></td></tr>
<tr><td>data</td><td>readiness ${rep.readiness.verdict}${rep.readiness.unfitNeeded.length ? `; unfit or missing: ${esc(rep.readiness.unfitNeeded.join(', '))}` : ''}; inputs left out ${rep.inputMask.length ? rep.inputMask.map((m) => `${num(m.from, 6)}–${num(m.to, 6)} s`).join(', ') : 'nowhere'} (settle ${th.settle} s)</td></tr>
<tr><td>thresholds</td><td>${esc(th.file ?? 'defaults')}: analog CV(RMSE) ≤ ${th.defaults.cvRmse} %, |NMBE| ≤ ${th.defaults.nmbe} % (ASHRAE Guideline 14, n − p with p = ${th.p}) on ${th.interval} s means; edges |error| p95 ≤ ${th.defaults.edgeP95} s, max ≤ ${th.defaults.edgeMax} s, missing/extra ≤ ${th.defaults.missing}/${th.defaults.extra}; rates ±${th.defaults.rateError} over ${th.countWindow} s windows; cycle times KS p ≥ ${th.defaults.alpha}</td></tr></table>
<p><small>Errors are measured − model. CV(RMSE) = 100·√(Σ(y−ŷ)²/(n−p))/ȳ; NMBE = 100·Σ(y−ŷ)/((n−p)·ȳ); Theil U1 = √mean((y−ŷ)²)/(√mean(y²)+√mean(ŷ²)); edge error = measured edge time − paired model edge time. Grey: left out (data readiness and inputs' gaps). docs/validation.md.</small></p>
<table><tr><th>signal</th><th>class</th><th>verdict</th><th>checks</th><th>note</th></tr>
${rows.join('\n')}
</table>
${rep.signals.map((r, k) => section(r, traces.get(r.signal), rep, k)).join('\n')}
</body></html>
`;
}

/** JUnit XML: one testcase per compared signal; skipped signals as <skipped>. */
export function validationJunit(rep: ValidationReport): string {
  const n = rep.signals.length;
  const failures = rep.summary.failed;
  const time = (rep.wallMs / 1000).toFixed(3);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="twinloop" tests="${n}" failures="${failures}" errors="0" time="${time}">`];
  out.push(`  <testsuite name="${esc(`validate ${rep.line.name}`)}" tests="${n}" failures="${failures}" errors="0" skipped="${rep.summary.skipped}" time="${time}" timestamp="${rep.created.slice(0, 19)}">`);
  for (const r of rep.signals) {
    out.push(`    <testcase name="${esc(r.signal)}" classname="${esc(`validation.${r.class}`)}" time="0">`);
    if (r.status === 'failed') out.push(`      <failure message="${esc(r.reason)}" type="ValidationFailed">${esc(r.checks.map((c) => `${c.status} ${c.metric} ${c.value ?? 'n/a'} ${c.op} ${c.limit}`).join('\n'))}</failure>`);
    else if (r.status === 'skipped') out.push(`      <skipped message="${esc(r.reason)}"/>`);
    out.push(`      <system-out>${esc(r.checks.map((c) => `${c.status} ${c.metric} ${c.value ?? 'n/a'} ${c.op} ${c.limit}`).join('\n'))}</system-out>`);
    out.push('    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>', '');
  return out.join('\n');
}
