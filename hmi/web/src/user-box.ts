// Who is logged in, with which role, and the logout button; part of the banner row.

import { h } from './element.ts';
import { logOut, type PageSession } from './session.ts';

export function userBox(session: PageSession): HTMLElement {
  const out = h('button', { type: 'button', 'data-testid': 'btn-logout', title: 'Log out' }, 'Log out');
  out.addEventListener('click', () => {
    out.disabled = true;
    void logOut().finally(() => location.reload());
  });
  return h(
    'span',
    { class: 'user-box' },
    h('span', { class: 'label' }, 'user'),
    h('span', { 'data-testid': 'user-name' }, session.user ?? ''),
    h('span', { class: 'role', 'data-testid': 'user-role' }, session.role ?? ''),
    out,
  );
}
