// A modal confirmation for actions that change what the line does (write, force, release,
// reset): says what will happen, to what, from which value to which, and what it means; Cancel
// has the focus, so Enter alone never confirms. One <dialog> per question, removed afterwards.

import { h } from './element.ts';

export interface Question {
  readonly title: string;
  /** Rows of the "what" table: label, value. */
  readonly facts: ReadonlyArray<readonly [string, string]>;
  /** What the action means, in one or two sentences. */
  readonly note: string;
  /** Label of the confirming button (Write, Force, Release ...). */
  readonly ok: string;
}

/** Ask; resolves true only when the confirming button was pressed. */
export function confirmAction(q: Question): Promise<boolean> {
  const ok = h('button', { type: 'button', class: 'confirm-ok', 'data-testid': 'confirm-ok' }, q.ok);
  const cancel = h('button', { type: 'button', 'data-testid': 'confirm-cancel' }, 'Cancel');
  const facts = h('table', { class: 'confirm-facts' }, ...q.facts.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))));
  const dialog = h('dialog', { class: 'confirm-dialog', 'data-testid': 'confirm-dialog', 'aria-labelledby': 'confirm-title' }, h('h2', { id: 'confirm-title' }, q.title), facts, h('p', { class: 'confirm-note' }, q.note), h('div', { class: 'confirm-buttons' }, cancel, ok));
  document.body.append(dialog);
  return new Promise<boolean>((resolve) => {
    let answer = false;
    ok.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    cancel.addEventListener('click', () => dialog.close());
    // Escape closes too (answer stays false).
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(answer);
    });
    dialog.showModal();
    cancel.focus();
  });
}
