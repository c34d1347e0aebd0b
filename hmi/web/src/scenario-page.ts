// The scenario page (#scenarios): the server's scenario files with a Run button (engineers;
// a program can be chosen to test a candidate), and the runs started from the HMI with their
// live progress (step k of n, simulated time), verdict, first failure and a link to the HTML
// report. Runs execute on the server in a worker on their own model; the live line is untouched.

import { h, setText } from './element.ts';
import { countOf } from './format.ts';
import { listRuns, listScenarios, reportUrl, startRun, type ScenarioRunView } from './scenario-api.ts';
import { may, type PageSession } from './session.ts';
import { userBox } from './user-box.ts';
import { sweepSection } from './sweep-section.ts';

const POLL_MS = 500;

export function isScenarioRoute(): boolean {
  return location.hash === '#scenarios';
}

/** The live page's way in. */
export function scenarioLink(): HTMLElement {
  return h('a', { href: '#scenarios', class: 'replay-link', 'data-testid': 'link-scenarios' }, 'Scenarios');
}

/** Reload when the address moves onto or off the scenario page (each page owns the document). */
export function watchScenarioRoute(): void {
  const was = isScenarioRoute();
  addEventListener('hashchange', () => {
    if (isScenarioRoute() !== was) location.reload();
  });
}

/** Build the page in document.body and keep it updated. Never resolves (main.ts awaits it). */
export async function startScenarioPage(session: PageSession): Promise<never> {
  watchScenarioRoute();
  document.body.dataset['page'] = 'scenarios';
  document.body.dataset['role'] = session.role ?? '';
  // Not the live banner: nothing on this page is the live line's state.
  const banner = h('header', { class: 'scenario-strip', 'data-testid': 'scenario-banner' }, h('strong', {}, 'SCENARIOS'), h('span', {}, 'each run uses its own model in a worker; the live line is untouched'), h('a', { href: '#', 'data-testid': 'link-live' }, 'back to live'), userBox(session));
  const files = h('section', { class: 'replay-list panel', 'data-testid': 'scenario-list' }, h('h2', {}, 'Scenarios'));
  const runsPanel = h('section', { class: 'replay-list panel', 'data-testid': 'scenario-runs' }, h('h2', {}, 'Runs'));
  const runsTable = h('table', { class: 'replay-table' });
  const error = h('p', { class: 'ctl-error', 'data-testid': 'scenario-error' });
  runsPanel.append(runsTable);
  document.body.append(banner, files, error, runsPanel, sweepSection(session));

  try {
    const { dir, scenarios, programs } = await listScenarios();
    const canRun = may(session, 'engineer');
    const program = h('select', { 'data-testid': 'scenario-program', title: 'built-in program to test' }, h('option', { value: '' }, "the file's program"), ...programs.map((p) => h('option', { value: p }, p)));
    files.append(h('p', {}, `${countOf(scenarios.length, 'file')} in ${dir}`, canRun ? h('span', {}, ' · program: ', program) : ''));
    const table = h('table', { class: 'replay-table' }, h('tr', {}, ...['file', 'scenario', 'steps', ''].map((c) => h('th', {}, c))));
    for (const s of scenarios) {
      const cell = h('td', {});
      if (s.error !== undefined) cell.append(h('span', { class: 'ctl-error', title: s.error }, 'invalid'));
      else if (canRun) {
        const button = h('button', { type: 'button', 'data-testid': `run-${s.file}` }, 'Run');
        button.addEventListener('click', () => {
          setText(error, '');
          startRun(s.file, program.value || undefined).then(() => void refresh(), (err: Error) => setText(error, `cannot start ${s.file}: ${err.message}`));
        });
        cell.append(button);
      }
      table.append(h('tr', { 'data-testid': 'scenario-row' }, h('td', {}, s.file), h('td', { title: s.description ?? '' }, s.name), h('td', { class: 'num' }, String(s.steps)), cell));
    }
    files.append(table);
  } catch (err) {
    setText(error, `cannot list scenarios: ${(err as Error).message}`);
  }

  const refresh = async (): Promise<void> => {
    try {
      render(runsTable, await listRuns());
    } catch (err) {
      setText(error, `cannot list runs: ${(err as Error).message}`);
    }
  };
  await refresh();
  setInterval(() => void refresh(), POLL_MS);
  return new Promise<never>(() => undefined);
}

export function progressText(r: ScenarioRunView): string {
  if (r.state === 'queued') return 'queued';
  // Steps counted from 1 and never past the last (the index moves on after the last step ends).
  const { step, steps, time } = r.progress;
  if (r.state === 'running') return steps > 0 ? `step ${Math.min(step + 1, steps)} of ${steps}, t = ${time.toFixed(1)} s` : `starting, t = ${time.toFixed(1)} s`;
  const failed = r.steps?.find((s) => s.status === 'failed');
  const passed = r.steps?.filter((s) => s.status === 'passed').length;
  const counted = failed === undefined && passed !== undefined && r.state === 'passed' ? ` · ${passed} of ${r.steps!.length} steps passed` : '';
  return `${time.toFixed(1)} s simulated${r.wallMs !== undefined ? ` in ${(r.wallMs / 1000).toFixed(2)} s` : ''}${failed ? ` · step ${failed.index + 1} failed` : ''}${counted}`;
}

function render(table: HTMLTableElement, runs: ScenarioRunView[]): void {
  // Rebuilt on each poll: a few dozen rows at 2 Hz.
  table.replaceChildren(h('tr', {}, ...['#', 'file', 'program', 'by', 'verdict', 'progress', 'message', ''].map((c) => h('th', {}, c))));
  for (const r of runs) {
    const done = r.state !== 'queued' && r.state !== 'running';
    table.append(
      h(
        'tr',
        { 'data-testid': 'run-row', 'data-state': r.state },
        h('td', { class: 'num' }, String(r.id)),
        h('td', {}, r.file),
        h('td', {}, r.program ?? ''),
        h('td', {}, r.user ?? ''),
        h('td', { class: `scenario-${r.state}` }, r.state),
        h('td', {}, progressText(r)),
        h('td', { class: 'scenario-msg' }, (r.message ?? '').split('\n')[0]!),
        h('td', {}, done ? h('a', { href: reportUrl(r.id), target: '_blank', rel: 'noopener', 'data-testid': `report-${r.id}` }, 'report') : ''),
      ),
    );
  }
}
