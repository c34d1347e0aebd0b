// The self-contained HTML report of a plan run (one file, inline SVG, no script, readable
// printed) and its JSON twin: the rules side by side with the best marked per KPI (ranges over
// the seeds), then per rule the Gantt chart, the stations' OEE and time elements, the WIP curve
// and the order table, all of the rule's first seed.

import { xmlEscape as esc } from '../scenario/junit-report.ts';
import { Calendar } from './calendar.ts';
import { ganttSvg, wipSvg } from './gantt-svg.ts';
import { PLAN_KPIS, showCell, type RuleColumn } from './plan-compare.ts';
import type { PlanSpec } from './plan-spec.ts';
import { formatDuration, formatInstant } from './plan-time.ts';

const CSS = `body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}
h1{font-size:22px}h2{font-size:17px;margin:28px 0 6px}h3{font-size:14px;margin:16px 0 4px}table{border-collapse:collapse;margin:6px 0}
td,th{border:1px solid #ddd;padding:3px 8px;font-size:13px;text-align:left;vertical-align:top}td.n{text-align:right}
.best{font-weight:700;color:#2e7d32}.late{color:#c62828;font-weight:600}small{color:#666}`;

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

function ruleSection(plan: PlanSpec, col: RuleColumn): string {
  const r = col.runs[0]!;
  const k = r.kpis;
  const cal = new Calendar(plan.calendar);
  const out: string[] = [`<h2 id="rule-${esc(col.rule)}">Rule ${esc(col.rule)} <small>(seed ${k.seed})</small></h2>`];
  out.push(`<div>Sequence: ${r.sequence.map((i) => esc(plan.orders[i]!.id)).join(' → ')}</div>`);
  out.push(`<h3>Gantt chart per station</h3>${ganttSvg(plan, r.segments, k.makespan, cal.offWindows(0, k.makespan))}`);
  out.push('<h3>Stations (ISO 22400-2 over the working time of [0, makespan])</h3>');
  out.push('<table><tr><th>station</th><th>OEE</th><th>availability</th><th>effectiveness</th><th>quality</th><th>working h</th><th>changeover h</th><th>down h</th><th>waiting h</th><th>operator wait h</th><th>changeovers</th><th>changeover kWh</th><th>changeover scrap</th><th>breakdowns</th><th>units</th><th>kWh</th></tr>');
  for (const s of k.stations) {
    const h = (x: number): string => (x / 3600).toFixed(2);
    out.push(`<tr><td>${esc(s.id)}${s.id === k.bottleneck ? ' <small>bottleneck</small>' : ''}</td><td class="n">${pct(s.oee)}</td><td class="n">${pct(s.availability)}</td><td class="n">${pct(s.effectiveness)}</td><td class="n">${pct(s.qualityRatio)}</td><td class="n">${h(s.apt)}</td><td class="n">${h(s.aust)}</td><td class="n">${h(s.adot)}</td><td class="n">${h(s.adet)}</td><td class="n">${h(s.operatorWait)}</td><td class="n">${s.changeovers}</td><td class="n">${s.changeoverEnergy.toFixed(1)}</td><td class="n">${s.scrap}</td><td class="n">${s.breakdowns}</td><td class="n">${s.units}</td><td class="n">${s.energy.toFixed(1)}</td></tr>`);
  }
  out.push('</table>');
  out.push(`<h3>WIP over time</h3>${wipSvg(r.wip.t, r.wip.n)}`);
  out.push('<h3>Orders</h3><table><tr><th>order</th><th>product</th><th>qty</th><th>release</th><th>material</th><th>due</th><th>start</th><th>end</th><th>lateness</th></tr>');
  for (const i of r.sequence) {
    const o = k.orders[i]!;
    out.push(`<tr><td>${esc(o.id)}</td><td>${esc(o.product)}</td><td class="n">${o.quantity}</td><td>${formatInstant(o.release)}</td><td>${o.material > 0 ? formatInstant(o.material) : 'on hand'}</td><td>${formatInstant(o.due)}</td><td>${formatInstant(o.start)}</td><td>${formatInstant(o.end)}</td><td class="${o.lateness > 0 ? 'late' : ''}">${o.lateness > 0 ? `${formatDuration(o.lateness)} late` : `${formatDuration(-o.lateness)} early`}</td></tr>`);
  }
  out.push('</table>');
  return out.join('\n');
}

/** How the runs ran, for the title: the schedule, or on the virtual line (the physics model). */
export function planMode(cols: readonly RuleColumn[]): string {
  const on = cols[0]?.runs[0]?.onLine;
  return on === undefined ? 'discrete-event schedule' : `on the virtual line (physics model, ${on.dt} s steps, lock-step, fast)`;
}

export function planHtml(plan: PlanSpec, cols: readonly RuleColumn[], wallMs: number): string {
  const seeds = cols[0]?.runs.length ?? 0;
  const onLine = cols[0]?.runs[0]?.onLine !== undefined;
  const title = `${esc(plan.name)}: production plan${onLine ? ' on the virtual line' : ''}`;
  const head = cols.map((c) => `<th><a href="#rule-${esc(c.rule)}">${esc(c.rule)}</a></th>`).join('');
  const rows = PLAN_KPIS.map((d) => `<tr><td>${esc(d.label)}${d.unit ? ` <small>(${esc(d.unit)})</small>` : ''}</td>${cols.map((c) => { const cell = c.cells[d.key]!; return `<td class="n${cell.best ? ' best' : ''}">${showCell(d, cell)}${cell.best ? ' ★' : ''}</td>`; }).join('')}</tr>`);
  const units = plan.orders.reduce((n, o) => n + o.quantity, 0);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>${CSS}</style></head>
<body><h1>${title}</h1>
<div>${esc(planMode(cols))} · ${esc(plan.file)} · ${plan.orders.length} orders, ${units} units, ${plan.products.length} products, ${plan.stations.length} stations · operators ${plan.operators ?? 'unlimited'} · ${seeds} ${seeds === 1 ? 'seed' : `seeds from ${plan.seed} (mean, and the range min–max)`} · ${(wallMs / 1000).toFixed(2)} s wall · ${new Date().toISOString()}</div>${plan.sources !== undefined ? `\n<div><small>From the line file: ${plan.sources.map(esc).join('; ')}</small></div>` : ''}
<h2>Rules side by side</h2>
<table><tr><th>KPI</th>${head}</tr>
${rows.join('\n')}
</table>
<p><small>★ best per KPI. Makespan: end of the last unit at the last station, from the plan start (Monday 00:00). Lateness: end − due date; tardiness: lateness when positive.
Throughput: units per working hour of [0, makespan]. OEE = availability × effectiveness × quality ratio (ISO 22400-2): APT / PBT × PRI·PQ / APT × GQ / PQ, where PBT is the working time
(shifts without breaks and planned stops) of [0, makespan]. Changeover energy and scrap: changeovers × what each consumes (the station's changeover.consumes); the energy is
in energy per good unit, the scrapped trial pieces are not among the good units nor in the OEE's produced quantity. WIP: units started at the first station and not yet done at the last. See docs/planning.md.</small></p>
${cols.map((c) => ruleSection(plan, c)).join('\n')}
</body></html>
`;
}

/** The JSON twin: every KPI of every run (no Gantt bars: they are in the HTML). */
export function planJson(plan: PlanSpec, cols: readonly RuleColumn[]): string {
  return `${JSON.stringify({
    plan: plan.name,
    file: plan.file,
    mode: planMode(cols),
    ...(plan.sources !== undefined ? { fromLine: plan.sources } : {}),
    // What the line switches per product (signals) and what the report only carries (the rest).
    products: plan.products.map((p) => ({ name: p.name, family: p.family, setpoints: p.setpoints })),
    rules: cols.map((c) => ({
      rule: c.rule,
      best: PLAN_KPIS.filter((d) => c.cells[d.key]!.best).map((d) => d.key),
      summary: Object.fromEntries(PLAN_KPIS.map((d) => [d.key, c.cells[d.key]])),
      runs: c.runs.map((r) => ({ ...r.kpis, sequence: r.sequence.map((i) => plan.orders[i]!.id), wallMs: undefined })),
    })),
  }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}
