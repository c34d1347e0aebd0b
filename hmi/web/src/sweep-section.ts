// The scenario page's what-if part: the sweep files with a Run button (engineers), the sweeps
// run from here with their progress in points, and for a finished one its report (KPIs over the
// parameters, the Pareto front of throughput against energy per unit) and a choice of any two
// of its points to see side by side.

import { h, setText } from './element.ts';
import { countOf } from './format.ts';
import { listSweepRuns, listSweeps, startSweep, sweepReportUrl, type SweepRunView } from './sweep-api.ts';
import { may, type PageSession } from './session.ts';

const POLL_MS = 1000;

const pointLabel = (p: { n: number; params: Record<string, string | number | boolean> }): string => `#${p.n} ${Object.entries(p.params).map(([k, v]) => `${k.replace(/^components\[(.+?)\]\./, '$1.')}=${v}`).join(' ')}`;

/** The sweeps panel, filled and kept up to date. */
export function sweepSection(session: PageSession): HTMLElement {
  const panel = h('section', { class: 'replay-list panel', 'data-testid': 'sweep-list' }, h('h2', {}, 'What-if sweeps'));
  const error = h('p', { class: 'ctl-error', 'data-testid': 'sweep-error' });
  const runsTable = h('table', { class: 'replay-table', 'data-testid': 'sweep-runs' });
  panel.append(error);
  const canRun = may(session, 'engineer');
  // Rows of finished runs are kept while their choice of points is being made.
  const rows = new Map<number, { state: string; row: HTMLTableRowElement }>();

  const render = (runs: SweepRunView[]): void => {
    if (runs.length === 0) return;
    if (runsTable.rows.length === 0) runsTable.append(h('tr', {}, ...['#', 'sweep', 'by', 'state', 'points', 'report', 'side by side'].map((c) => h('th', {}, c))));
    for (const r of [...runs].reverse()) {
      const known = rows.get(r.id);
      if (known && known.state === r.state && r.state === 'done') continue;
      const row = sweepRow(r);
      if (known) known.row.replaceWith(row);
      else runsTable.rows[0]!.after(row);
      rows.set(r.id, { state: r.state, row });
    }
  };

  void (async () => {
    try {
      const { dir, sweeps } = await listSweeps();
      panel.append(h('p', {}, `${countOf(sweeps.length, 'sweep file')} in ${dir}`));
      const table = h('table', { class: 'replay-table' }, h('tr', {}, ...['file', 'sweep', 'points', 'parameters', ''].map((c) => h('th', {}, c))));
      for (const s of sweeps) {
        const cell = h('td', {});
        if (s.error !== undefined) cell.append(h('span', { class: 'ctl-error', title: s.error }, 'invalid'));
        else if (canRun) {
          const button = h('button', { type: 'button', 'data-testid': `sweep-run-${s.file}` }, 'Run');
          button.addEventListener('click', () => {
            setText(error, '');
            startSweep(s.file).then(() => void refresh(), (err: Error) => setText(error, `cannot start ${s.file}: ${err.message}`));
          });
          cell.append(button);
        }
        table.append(h('tr', { 'data-testid': 'sweep-row' }, h('td', {}, s.file), h('td', {}, s.name), h('td', { class: 'num' }, String(s.points)), h('td', {}, s.params.join(' × ')), cell));
      }
      panel.append(table, h('h3', {}, 'Sweep runs'), runsTable);
    } catch (err) {
      setText(error, `cannot list sweeps: ${(err as Error).message}`);
    }
  })();

  const refresh = async (): Promise<void> => {
    try {
      render(await listSweepRuns());
    } catch (err) {
      setText(error, `cannot list sweep runs: ${(err as Error).message}`);
    }
  };
  void refresh();
  setInterval(() => void refresh(), POLL_MS);
  return panel;
}

function sweepRow(r: SweepRunView): HTMLTableRowElement {
  const progress = r.state === 'queued' ? 'queued' : `${r.done} of ${r.points}${r.failed ? ` (${r.failed} failed)` : ''}`;
  const report = r.state === 'done' ? h('a', { href: sweepReportUrl(r.id), target: '_blank', rel: 'noopener', 'data-testid': `sweep-report-${r.id}` }, 'report') : h('span', { class: 'scenario-msg' }, r.message ?? '');
  const compare = h('td', {});
  if (r.state === 'done' && r.pointList && r.pointList.length > 1) {
    const select = (k: number, testId: string): HTMLSelectElement => {
      const s = h('select', { 'data-testid': testId }, ...r.pointList!.map((p) => h('option', { value: String(p.n) }, pointLabel(p))));
      s.value = String(r.pointList![k]!.n);
      return s;
    };
    const a = select(0, `sweep-a-${r.id}`);
    const b = select(r.pointList.length - 1, `sweep-b-${r.id}`);
    const open = h('button', { type: 'button', 'data-testid': `sweep-compare-${r.id}` }, 'Compare');
    open.addEventListener('click', () => void window.open(sweepReportUrl(r.id, [Number(a.value), Number(b.value)]), '_blank', 'noopener'));
    compare.append(a, ' vs ', b, ' ', open);
  }
  return h('tr', { 'data-testid': 'sweep-run-row', 'data-state': r.state }, h('td', { class: 'num' }, String(r.id)), h('td', {}, r.name), h('td', {}, r.user ?? ''), h('td', { class: `scenario-${r.state === 'done' ? 'passed' : r.state}` }, r.state), h('td', {}, progress), h('td', {}, report), compare) as HTMLTableRowElement;
}
