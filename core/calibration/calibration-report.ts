// The calibration's outputs: the parameter overlay (YAML a line file includes), and the
// before/after report as JSON and as one self-contained HTML page (no script, no CDN, readable
// printed): the fitted parameters beside the line's, the objective on the training and held-out
// windows, each signal's error before and after (with a bar drawn to scale), and the held-out
// validation's verdicts.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CalibrationReport, ValidationSummary, WindowComparison } from './calibrate.ts';
import { writeOverlay } from './overlay.ts';

export interface CalibrationFiles {
  readonly overlay: string;
  readonly json: string;
  readonly html: string;
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const num = (v: number, d = 4): string => (Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(d)) : '—');

/** Significant digits enough for the fit (1e-6 of the bound range), without float noise. */
export function roundFitted(v: number, min: number, max: number): number {
  const step = (max - min) * 1e-6;
  const digits = Math.max(0, Math.ceil(-Math.log10(step)));
  return Number(v.toFixed(Math.min(12, digits)));
}

function bar(before: number, after: number, scale: number): string {
  const w = 160;
  const b = scale > 0 ? Math.min(w, (before / scale) * w) : 0;
  const a = scale > 0 ? Math.min(w, (after / scale) * w) : 0;
  return `<svg width="${w}" height="14" role="img" aria-label="before ${num(before)}, after ${num(after)}"><rect x="0" y="1" width="${b.toFixed(1)}" height="5" fill="#b0b0b0"/><rect x="0" y="8" width="${a.toFixed(1)}" height="5" fill="#2a6f97"/></svg>`;
}

function windowTable(name: string, w: WindowComparison): string {
  const after = new Map(w.after.signals.map((s) => [s.signal, s] as const));
  const scale = Math.max(1e-12, ...w.before.signals.map((s) => s.term), ...w.after.signals.map((s) => s.term));
  const rows = w.before.signals
    .map((b) => {
      const a = after.get(b.signal);
      const unit = b.kind === 'discrete' ? 's (RMS edge-time error of paired edges)' : '(RMSE, signal unit)';
      const edges = b.kind === 'discrete' ? ` · paired/missing/extra ${b.matched}/${b.missing}/${b.extra} → ${a?.matched}/${a?.missing}/${a?.extra}` : '';
      return `<tr><td>${esc(b.signal)}</td><td>${b.kind}</td><td class="n">${num(b.term)}</td><td class="n">${num(a?.term ?? NaN)}</td><td>${bar(b.term, a?.term ?? 0, scale)}</td><td class="n">${num(b.error)} → ${num(a?.error ?? NaN)} ${unit}${edges}</td></tr>`;
    })
    .join('\n');
  return `<h2>${esc(name)} window ${num(w.from, 1)}..${num(w.to, 1)} s</h2>
<p>Objective (mean of the squares of the signals' terms): <b>${num(w.before.objective)}</b> before, <b>${num(w.after.objective)}</b> after.</p>
<table><thead><tr><th>signal</th><th>kind</th><th>term before</th><th>term after</th><th>grey before, blue after</th><th>error</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

function verdictLine(label: string, v: ValidationSummary): string {
  return `<tr><td>${label}</td><td class="v-${v.verdict}">${v.verdict.toUpperCase()}</td><td class="n">${v.passed}</td><td class="n">${v.failed}</td><td class="n">${v.skipped}</td><td>${esc(v.failedSignals.join(', ') || '—')}</td></tr>`;
}

export function calibrationHtml(r: CalibrationReport, overlayName: string): string {
  const params = r.parameters
    .map((p) => `<tr><td>${esc(p.path)}</td><td class="n">${num(p.min)} .. ${num(p.max)}</td><td class="n">${num(p.before, 6)}</td><td class="n"><b>${num(p.after, 6)}</b></td><td class="n">${(p.change * 100).toFixed(2)} %</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Calibration: ${esc(r.line.name)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 24px; color: #222; max-width: 1100px; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border-bottom: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }
th { font-weight: 400; color: #666; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.v-pass { color: #1b7a3a; font-weight: 600; } .v-fail { color: #b3261e; font-weight: 600; }
.note { color: #555; font-size: 12px; }
</style></head><body>
<h1>Calibration of ${esc(r.line.name)} — held-out validation <span class="v-${r.verdict}">${r.verdict.toUpperCase()}</span></h1>
<p class="note">Created ${esc(r.created)} · line ${esc(r.line.file ?? '—')} · plant ${esc(r.plant ?? '—')} · history ${esc(r.history.source)} (${num(r.history.span, 1)} s) · fit file ${esc(r.fit)}</p>
<h2>Parameters</h2>
<table><thead><tr><th>parameter</th><th>bounds</th><th>before (line)</th><th>fitted</th><th>change</th></tr></thead><tbody>
${params}
</tbody></table>
<p>Overlay: <code>${esc(overlayName)}</code> — include it from the line file with <code>overlay: ${esc(overlayName)}</code>.</p>
<h2>Held-out validation (<code>model validate</code>, without re-sync)</h2>
<table><thead><tr><th>model</th><th>verdict</th><th>passed</th><th>failed</th><th>skipped</th><th>failed signals</th></tr></thead><tbody>
${verdictLine('before (line values)', r.validation.before)}
${verdictLine('after (fitted values)', r.validation.after)}
</tbody></table>
${windowTable('Training', r.train)}
${windowTable('Held-out', r.holdout)}
<h2>Search</h2>
<p>${esc(r.optimizer.method)}; ${r.optimizer.starts.length} starts, at most ${r.optimizer.maxEvaluations} evaluations each; ${r.optimizer.evaluations} model runs in ${r.optimizer.rounds} rounds ${r.optimizer.threads > 0 ? `on ${r.optimizer.threads} pool threads` : 'in one thread'}; search ${(r.searchMs / 1000).toFixed(1)} s, all ${(r.wallMs / 1000).toFixed(1)} s.</p>
<p class="note">Terms: an analog signal's term is its RMSE divided by the measured range in the window (normalized RMSE); a discrete signal's is the RMS of its edge-time errors (model and measured edges paired one to one within the edge window, a missing or extra edge counting as one edge window; an end switch the model nearly reached is charged the time it still needed) divided by the edge window. The objective is the mean of their squares; the search minimises it on the training window only.</p>
</body></html>
`;
}

/** Write overlay.yaml, calibration.json and calibration.html into `dir`. */
export function writeCalibration(dir: string, r: CalibrationReport): CalibrationFiles {
  mkdirSync(dir, { recursive: true });
  const files = { overlay: join(dir, 'overlay.yaml'), json: join(dir, 'calibration.json'), html: join(dir, 'calibration.html') };
  writeOverlay(
    files.overlay,
    new Map(r.parameters.map((p) => [p.path, roundFitted(p.after, p.min, p.max)] as const)),
    { created: r.created, history: r.history.source, train: `${r.train.from}..${r.train.to}`, holdout: `${r.holdout.from}..${r.holdout.to}`, verdict: r.verdict },
  );
  writeFileSync(files.json, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(files.html, calibrationHtml(r, 'overlay.yaml'));
  return files;
}
