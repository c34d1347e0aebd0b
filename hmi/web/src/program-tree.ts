// The instance tree of the online view, as CODESYS and TwinCAT show it in online mode: one
// table row per variable (programs, then their variables, FB instances, structs and arrays one
// level deeper each), expanded on demand; live values of the rows that are on screen; forced
// values marked with a red F and a highlighted value. For engineers each scalar row has a
// prepared value and Write / Force / Release, each confirmed in a dialog first.
// The tree holds no timer: the page polls the paths it asks for (visiblePaths) and hands the
// answers to update(); rows are kept and only their texts change, so nothing flickers.

import { confirmAction } from './confirm-dialog.ts';
import { h, setText } from './element.ts';
import { ApiError, releaseForces, setVar, type OnlineVar } from './program-api.ts';

interface Node {
  v: OnlineVar;
  readonly depth: number;
  expanded: boolean;
  /** Null until first listed. */
  children: Node[] | null;
  readonly row: HTMLTableRowElement;
  readonly value: HTMLElement;
  readonly toggle: HTMLButtonElement | null;
  readonly prepared: HTMLInputElement | HTMLSelectElement | null;
  readonly release: HTMLButtonElement | null;
}

const EXPANDED_KEY = 'twinloop.program.expanded';
const SECTION_TAG: Readonly<Record<string, string>> = { VAR_INPUT: 'IN', VAR_OUTPUT: 'OUT', VAR_IN_OUT: 'IN_OUT', VAR_GLOBAL: 'GLOBAL', VAR_EXTERNAL: 'EXT', VAR_TEMP: 'TEMP', VAR_STAT: 'STAT' };

/** A hint of what to type for a type (the server parses and says what it expected anyway). */
function placeholderFor(type: string): string {
  const t = type.toUpperCase();
  if (/^L?TIME$/.test(t)) return 'e.g. T#1s500ms';
  if (/^L?REAL$/.test(t)) return 'e.g. 1.5';
  if (/^W?STRING/.test(t)) return "e.g. 'text'";
  if (/^(U?[SDL]?INT|BYTE|L?D?WORD)$/.test(t)) return 'e.g. 42';
  return 'a value';
}

export interface TreeHost {
  /** Show a message (an answer or a refusal) near the tree. */
  say(text: string, error: boolean): void;
  /** Something was written: poll now rather than at the next tick. */
  changed(): void;
  /** A row was expanded: list its children now. */
  expand(path: string): void;
}

export class ProgramTree {
  readonly root: HTMLElement;
  readonly #body = h('tbody', {});
  readonly #byPath = new Map<string, Node>();
  readonly #expanded: Set<string>;
  readonly #canWrite: boolean;
  readonly #host: TreeHost;
  #roots: Node[] = [];

  constructor(canWrite: boolean, host: TreeHost) {
    this.#canWrite = canWrite;
    this.#host = host;
    this.#expanded = new Set(this.#loadExpanded());
    const heads = ['Expression', 'Type', 'Value', ...(canWrite ? ['Prepared value', ''] : [])];
    this.root = h(
      'table',
      { class: 'ptree', 'data-testid': 'program-tree', 'data-write': String(canWrite) },
      h('colgroup', {}, h('col', { class: 'c-expr' }), h('col', { class: 'c-type' }), h('col', { class: 'c-value' }), ...(canWrite ? [h('col', { class: 'c-prep' }), h('col', { class: 'c-act' })] : [])),
      h('thead', {}, h('tr', {}, ...heads.map((t) => h('th', {}, t)))),
      this.#body,
    );
  }

  /**
   * Paths whose children are on screen and must be polled: the root listing (undefined) and
   * every expanded row whose ancestors are expanded too.
   */
  visiblePaths(): (string | undefined)[] {
    const out: (string | undefined)[] = [undefined];
    const walk = (nodes: readonly Node[]): void => {
      for (const n of nodes) {
        if (!n.expanded) continue;
        out.push(n.v.path);
        if (n.children !== null) walk(n.children);
      }
    };
    walk(this.#roots);
    return out;
  }

  /** The children of `path` (undefined: the roots) as the server listed them just now. */
  update(path: string | undefined, rows: readonly OnlineVar[]): void {
    const parent = path === undefined ? null : this.#byPath.get(path);
    if (parent === undefined) return; // collapsed or rebuilt meanwhile
    const old = parent === null ? this.#roots : parent.children;
    const same = old !== null && old.length === rows.length && old.every((n, i) => n.v.path === rows[i]!.path && n.v.type === rows[i]!.type);
    if (same) {
      old.forEach((n, i) => this.#show(n, rows[i]!));
      return;
    }
    for (const n of old ?? []) this.#drop(n);
    const depth = parent === null ? 0 : parent.depth + 1;
    const nodes = rows.map((r) => this.#node(r, depth));
    if (parent === null) this.#roots = nodes;
    else parent.children = nodes;
    this.#layout();
  }

  /** Forget every row (the program went away). */
  clear(): void {
    for (const n of this.#roots) this.#drop(n);
    this.#roots = [];
    this.#layout();
  }

  #node(v: OnlineVar, depth: number): Node {
    const leaf = v.kind === 'scalar';
    const toggle = leaf ? null : h('button', { type: 'button', class: 'pt-toggle', 'data-testid': `expand-${v.path}`, 'aria-expanded': 'false', title: `expand ${v.path}` }, '▸');
    const expr = h('td', { class: 'pt-expr' }, toggle ?? h('span', { class: 'pt-leaf' }), h('span', { class: 'pt-name' }, v.name));
    expr.style.setProperty('--depth', String(depth)); // CSSOM, not an inline style attribute: CSP allows it
    const tag = v.section !== undefined ? SECTION_TAG[v.section] : undefined;
    if (tag !== undefined) expr.append(h('span', { class: 'pt-section', title: v.section ?? '' }, tag));
    const value = h('span', { class: 'pt-text', 'data-testid': `value-${v.path}` });
    const badge = h('span', { class: 'pt-forced', 'data-testid': `forced-${v.path}`, title: 'forced: held every scan until released' }, 'F');
    const row = h('tr', { 'data-testid': `var-${v.path}`, 'data-kind': v.kind }, expr, h('td', { class: 'pt-type' }, v.type), h('td', { class: 'pt-value' }, badge, value));
    let prepared: Node['prepared'] = null;
    let release: Node['release'] = null;
    if (v.constant) expr.append(h('span', { class: 'pt-section', title: 'CONSTANT: compiled into the program; not written online' }, 'CONST'));
    if (this.#canWrite) {
      const prep = h('td', { class: 'pt-prep' });
      const act = h('td', { class: 'pt-act' });
      if (leaf && v.constant !== true) {
        prepared =
          v.type.toUpperCase() === 'BOOL'
            ? h('select', { 'data-testid': `prepare-${v.path}`, 'aria-label': `prepared value of ${v.path}` }, h('option', { value: '' }, '—'), h('option', { value: 'TRUE' }, 'TRUE'), h('option', { value: 'FALSE' }, 'FALSE'))
            : h('input', { 'data-testid': `prepare-${v.path}`, 'aria-label': `prepared value of ${v.path}`, placeholder: placeholderFor(v.type), maxlength: '300', spellcheck: 'false' });
        prep.append(prepared);
        const button = (label: string, kind: 'write' | 'force' | 'release', title: string): HTMLButtonElement => {
          const b = h('button', { type: 'button', 'data-testid': `${kind}-${v.path}`, title }, label);
          b.addEventListener('click', () => void this.#act(node, kind, b));
          return b;
        };
        release = button('Release', 'release', 'release the force: the program writes it again');
        act.append(button('Write', 'write', 'write the prepared value once'), button('Force', 'force', 'hold the prepared value every scan until released'), release);
        if (prepared instanceof HTMLInputElement) {
          prepared.addEventListener('keydown', (e) => {
            if (e.key !== 'Enter') return;
            // Else the same Enter's keypress would reach the dialog's focused Cancel and answer it.
            e.preventDefault();
            void this.#act(node, 'write', null);
          });
        }
      }
      row.append(prep, act);
    }
    const node: Node = { v, depth, expanded: false, children: null, row, value, toggle, prepared, release };
    toggle?.addEventListener('click', () => this.#toggle(node));
    this.#byPath.set(v.path, node);
    this.#show(node, v);
    // Rows the engineer had open stay open (across polls, reloads and a STOP).
    if (toggle !== null && this.#expanded.has(v.path)) this.#open(node, true);
    return node;
  }

  #show(n: Node, v: OnlineVar): void {
    n.v = v;
    setText(n.value, v.value ?? '');
    if (n.row.dataset['forced'] !== String(v.forced)) n.row.dataset['forced'] = String(v.forced);
    if (n.release !== null) n.release.hidden = !v.forced;
  }

  #toggle(n: Node): void {
    this.#open(n, !n.expanded);
    this.#saveExpanded();
    this.#layout();
  }

  #open(n: Node, open: boolean): void {
    n.expanded = open;
    n.toggle?.setAttribute('aria-expanded', String(open));
    if (n.toggle !== null) setText(n.toggle, open ? '▾' : '▸');
    if (open) this.#expanded.add(n.v.path);
    else this.#expanded.delete(n.v.path);
    if (open) this.#host.expand(n.v.path);
  }

  #drop(n: Node): void {
    for (const c of n.children ?? []) this.#drop(c);
    if (this.#byPath.get(n.v.path) === n) this.#byPath.delete(n.v.path);
    n.row.remove();
  }

  /** Put the visible rows in tree order; rows under collapsed nodes leave the table. */
  #layout(): void {
    const rows: HTMLTableRowElement[] = [];
    const hidden: Node[] = [];
    const walk = (nodes: readonly Node[], visible: boolean): void => {
      for (const n of nodes) {
        if (visible) rows.push(n.row);
        else hidden.push(n);
        if (n.children !== null) walk(n.children, visible && n.expanded);
      }
    };
    walk(this.#roots, true);
    for (const n of hidden) n.row.remove();
    // replaceChildren moves the kept rows: their inputs keep what the engineer typed.
    const focused = document.activeElement;
    this.#body.replaceChildren(...rows);
    if (focused instanceof HTMLElement && focused !== document.activeElement && this.#body.contains(focused)) focused.focus();
  }

  async #act(n: Node, kind: 'write' | 'force' | 'release', button: HTMLButtonElement | null): Promise<void> {
    const path = n.v.path;
    const text = n.prepared?.value.trim() ?? '';
    if (kind !== 'release' && text === '') {
      this.#host.say(`${path}: choose or type a prepared value first`, true);
      n.prepared?.focus();
      return;
    }
    const facts: Array<[string, string]> = [
      ['variable', path],
      ['type', n.v.type],
      ['current value', `${n.v.value ?? ''}${n.v.forced ? ' (forced)' : ''}`],
    ];
    if (kind !== 'release') facts.push([kind === 'force' ? 'force to' : 'write', text]);
    const question =
      kind === 'write'
        ? { title: `Write ${path}?`, note: 'Written once, now. The program may overwrite it in its next scan; a forced value wins over it.', ok: 'Write' }
        : kind === 'force'
          ? { title: `Force ${path}?`, note: 'Held at this value before and after every scan, whatever the program computes, until released. Marked F for everyone watching.', ok: 'Force' }
          : { title: `Release the force on ${path}?`, note: 'The variable keeps its value until the program (or the line, for an input) writes it again.', ok: 'Release' };
    if (!(await confirmAction({ ...question, facts }))) return;
    if (button !== null) button.disabled = true;
    try {
      if (kind === 'release') await releaseForces(path);
      else await setVar(path, text, kind === 'force');
      this.#host.say(kind === 'release' ? `${path}: force released` : `${path} ${kind === 'force' ? 'forced to' : ':='} ${text}`, false);
      this.#host.changed();
    } catch (err) {
      this.#host.say(err instanceof ApiError ? `${err.code} — ${err.message}` : (err as Error).message, true);
    } finally {
      if (button !== null) button.disabled = false;
    }
  }

  #loadExpanded(): string[] {
    try {
      const v = JSON.parse(sessionStorage.getItem(EXPANDED_KEY) ?? '[]') as unknown;
      return Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string') : [];
    } catch {
      return [];
    }
  }

  #saveExpanded(): void {
    try {
      sessionStorage.setItem(EXPANDED_KEY, JSON.stringify([...this.#expanded]));
    } catch {
      // storage full or denied: the tree still works, it just forgets on reload
    }
  }
}
