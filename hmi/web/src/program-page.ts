// The program page (#program): the online view of the built-in controller's Structured Text
// program, as engineers know it from CODESYS / TwinCAT online mode. The live banner on top (fed
// by the WebSocket like the live page: link, mode, run state, and the program's RUN/STOP);
// under it the program's name and a large RUN / STOP, the fault that stopped it (message,
// file:line:col, POU, scan) with the hint that Reset restarts it, the active forces with
// "Release all" (engineers), and the instance tree whose expanded rows are polled ~3 times a
// second over REST. Viewers and operators see values and forces, no write controls.

import { Banner } from './banner.ts';
import { confirmAction } from './confirm-dialog.ts';
import { h, setText } from './element.ts';
import { ApiError, baseName, programInfo, programVars, releaseForces, resetRun, type ProgramInfo } from './program-api.ts';
import { ProgramTree } from './program-tree.ts';
import { may, type PageSession } from './session.ts';
import { liveBanner } from './live-banner.ts';
import { userBox } from './user-box.ts';

/** Values refresh period: ~3 Hz, what online views offer and a person can read. */
const POLL_MS = 300;

export function isProgramRoute(): boolean {
  return location.hash === '#program';
}

/** The live page's way in. */
export function programLink(): HTMLElement {
  return h('a', { href: '#program', class: 'replay-link', 'data-testid': 'link-program', title: "the controller program's online view" }, 'Program');
}

/** Reload when the address moves onto or off the program page (each page owns the document). */
export function watchProgramRoute(): void {
  const was = isProgramRoute();
  addEventListener('hashchange', () => {
    if (isProgramRoute() !== was) location.reload();
  });
}

/** Build the page in document.body and keep it updated. Never resolves (main.ts awaits it). */
export async function startProgramPage(session: PageSession): Promise<never> {
  watchProgramRoute();
  document.body.dataset['page'] = 'program';
  document.body.dataset['role'] = session.role ?? '';
  const canWrite = may(session, 'engineer');

  const banner = new Banner();
  const nav = h('nav', { class: 'page-links' }, h('a', { href: '#', class: 'replay-link', 'data-testid': 'link-live' }, 'Live'), h('a', { href: '#replay', class: 'replay-link' }, 'Recordings'), h('a', { href: '#scenarios', class: 'replay-link' }, 'Scenarios'));
  banner.root.append(nav, userBox(session));
  const view = new ProgramView(canWrite);
  document.body.append(banner.root, view.root);
  liveBanner(banner);
  await view.start();
  return new Promise<never>(() => undefined);
}

class ProgramView {
  readonly root: HTMLElement;
  readonly #canWrite: boolean;
  readonly #name = h('span', { class: 'prog-name', 'data-testid': 'program-name' }, '—');
  readonly #status = h('span', { class: 'prog-status', 'data-testid': 'program-status' }, '…');
  readonly #forceCount = h('span', { class: 'prog-forced', 'data-testid': 'force-count' });
  readonly #forceList = h('span', { class: 'prog-force-list', 'data-testid': 'force-list' });
  readonly #releaseAll: HTMLButtonElement | null;
  readonly #fault = h('section', { class: 'prog-fault', 'data-testid': 'program-fault', role: 'alert' });
  readonly #message = h('p', { class: 'prog-message', 'data-testid': 'program-message', role: 'status' });
  readonly #none = h('p', { class: 'prog-none', 'data-testid': 'program-none' });
  readonly #tree: ProgramTree;
  #info: ProgramInfo | null = null;
  #polling = false;
  #again = false;
  /** The last poll failed and said so: the next good one clears the message. */
  #pollFailed = false;

  constructor(canWrite: boolean) {
    this.#canWrite = canWrite;
    this.#tree = new ProgramTree(canWrite, {
      say: (text, error) => this.#say(text, error),
      changed: () => void this.#poll(),
      expand: (path) => void this.#list(path),
    });
    this.#releaseAll = canWrite ? h('button', { type: 'button', 'data-testid': 'release-all', title: 'release every forced variable' }, 'Release all') : null;
    this.#releaseAll?.addEventListener('click', () => void this.#onReleaseAll());
    this.#fault.hidden = true;
    this.#none.hidden = true;
    const head = h(
      'header',
      { class: 'prog-head' },
      h('h2', {}, 'Program online'),
      this.#name,
      this.#status,
      h('span', { class: 'prog-forces' }, this.#forceCount, this.#forceList, ...(this.#releaseAll ? [this.#releaseAll] : [])),
      h('span', { class: 'prog-rate' }, canWrite ? 'values of open rows, 3 per second' : `values of open rows, 3 per second · view only`),
    );
    this.root = h('main', { class: 'prog panel', 'data-testid': 'program-view' }, head, this.#fault, this.#none, this.#message, h('div', { class: 'ptree-wrap' }, this.#tree.root));
  }

  async start(): Promise<void> {
    await this.#poll();
    setInterval(() => {
      if (!document.hidden) void this.#poll();
    }, POLL_MS);
  }

  /** One refresh: state and forces, then every listing on screen. One at a time. */
  async #poll(): Promise<void> {
    if (this.#polling) {
      this.#again = true; // an action asked for fresh values while a poll was out
      return;
    }
    this.#polling = true;
    try {
      const info = await programInfo();
      this.#render(info);
      if (info.program === null) return;
      const paths = this.#tree.visiblePaths();
      const lists = await Promise.all(paths.map((p) => programVars(p).then((rows) => ({ p, rows }), (err: unknown) => ({ p, err }))));
      for (const l of lists) {
        if ('rows' in l) this.#tree.update(l.p, l.rows);
        else if (l.p === undefined) throw l.err;
        // A listing of a row that went away (a program changed under us) is dropped quietly.
      }
      if (this.#pollFailed) this.#say('', false);
      this.#pollFailed = false;
    } catch (err) {
      this.#pollFailed = true;
      this.#say(`cannot read the program: ${err instanceof ApiError ? `${err.code} — ${err.message}` : (err as Error).message}`, true);
    } finally {
      this.#polling = false;
      if (this.#again) {
        this.#again = false;
        void this.#poll();
      }
    }
  }

  async #list(path: string): Promise<void> {
    try {
      this.#tree.update(path, await programVars(path));
    } catch (err) {
      this.#say(`${path}: ${(err as Error).message}`, true);
    }
  }

  #render(info: ProgramInfo): void {
    this.#info = info;
    const p = info.program;
    this.#none.hidden = p !== null;
    this.#tree.root.hidden = p === null;
    if (p === null) {
      setText(this.#none, "This run's controller is not a Structured Text program, so there is nothing to show online. Start twinloop with --program FILE.st (or program: in the line file).");
      setText(this.#name, '—');
      setText(this.#status, '—');
      this.#status.dataset['status'] = 'none';
      this.#tree.clear();
      this.#fault.hidden = true;
      return;
    }
    setText(this.#name, baseName(p.name));
    if (this.#name.title !== p.name) this.#name.title = p.name;
    setText(this.#status, p.status === 'run' ? 'RUN' : 'STOP');
    this.#status.dataset['status'] = p.status;
    const forced = info.forces.length;
    setText(this.#forceCount, forced === 0 ? 'no forces' : `FORCED ${forced}`);
    this.#forceCount.dataset['forced'] = String(forced > 0);
    setText(this.#forceList, info.forces.map((f) => `${f.path} := ${f.text}`).join(' · '));
    if (this.#releaseAll !== null) this.#releaseAll.disabled = forced === 0;
    this.#renderFault(p);
  }

  #renderFault(p: NonNullable<ProgramInfo['program']>): void {
    const f = p.fault;
    this.#fault.hidden = p.status === 'run';
    if (p.status === 'run') return;
    const key = f === null ? 'stop' : `${f.kind}|${f.file}|${f.line}|${f.col}|${f.scan}`;
    if (this.#fault.dataset['key'] === key) return; // built once per fault, not per poll
    this.#fault.dataset['key'] = key;
    const where = f === null ? [] : [h('p', { class: 'prog-where', 'data-testid': 'fault-where' }, h('span', { title: f.file }, `${baseName(f.file)}:${f.line}:${f.col}`), ` in ${f.pou}, scan ${f.scan} (${f.kind})`)];
    const hint = h('p', { class: 'prog-hint' }, 'The outputs are held at 0 (FALSE); the line runs on. Reset restarts the program from its initial values (forces stay).');
    const reset = this.#canWrite ? [this.#resetButton()] : [];
    this.#fault.replaceChildren(h('h3', {}, h('span', { class: 'prog-stop' }, 'STOP'), ' ', h('span', { 'data-testid': 'fault-message' }, f?.message ?? 'the program is stopped')), ...where, h('div', { class: 'prog-hint-row' }, hint, ...reset));
  }

  #resetButton(): HTMLButtonElement {
    const b = h('button', { type: 'button', 'data-testid': 'program-reset', title: 'reset the run: model and program start over' }, 'Reset');
    b.addEventListener('click', () => {
      void (async () => {
        const ok = await confirmAction({
          title: 'Reset the run?',
          facts: [['program', this.#info?.program?.name ?? '']],
          note: 'The model returns to its initial state and the program restarts (cold) from its initial values. Forces stay until released.',
          ok: 'Reset',
        });
        if (!ok) return;
        b.disabled = true;
        try {
          await resetRun();
          this.#say('run reset: the program restarts', false);
        } catch (err) {
          this.#say(err instanceof ApiError ? `${err.code} — ${err.message}` : (err as Error).message, true);
        } finally {
          b.disabled = false;
        }
      })();
    });
    return b;
  }

  async #onReleaseAll(): Promise<void> {
    const forces = this.#info?.forces ?? [];
    const ok = await confirmAction({
      title: `Release all ${forces.length} forces?`,
      facts: forces.map((f) => [f.path, f.text] as const),
      note: 'Every forced variable keeps its value until the program (or the line, for an input) writes it again.',
      ok: 'Release all',
    });
    if (!ok) return;
    try {
      const r = await releaseForces();
      this.#say(`released ${r.released.length} force${r.released.length === 1 ? '' : 's'}`, false);
      await this.#poll();
    } catch (err) {
      this.#say(err instanceof ApiError ? `${err.code} — ${err.message}` : (err as Error).message, true);
    }
  }

  #say(text: string, error: boolean): void {
    setText(this.#message, text);
    this.#message.dataset['error'] = String(error);
  }
}
