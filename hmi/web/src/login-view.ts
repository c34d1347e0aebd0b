// The login form (and, on first start, the setup form that creates the first admin with the
// one-time token from the server's console link `#setup=TOKEN`). Resolves with the session
// once the server accepted the credentials; errors are shown under the form.

import { h, setText } from './element.ts';
import { logIn, setUp, type PageSession } from './session.ts';

/** Show the form in `parent` until a login (or setup) succeeds; then remove it. */
export function showLogin(parent: HTMLElement, setupToken: string | undefined, setupPending = false): Promise<PageSession> {
  const setup = setupToken !== undefined;
  const name = h('input', { name: 'username', autocomplete: 'username', required: '', maxlength: '64', 'data-testid': 'login-name' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: setup ? 'new-password' : 'current-password', required: '', maxlength: '256', 'data-testid': 'login-password' });
  const error = h('p', { class: 'login-error', 'data-testid': 'login-error', role: 'alert' });
  const submit = h('button', { type: 'submit', 'data-testid': 'login-submit' }, setup ? 'Create admin' : 'Log in');
  const form = h(
    'form',
    { class: 'login panel', 'data-testid': 'login-form' },
    h('h2', {}, setup ? 'First start: create the admin' : 'twinloop — log in'),
    h('label', {}, 'user ', name),
    h('label', {}, 'password ', password),
    submit,
    error,
    // No users yet and no setup link followed: say how to get the first admin, not just "log in".
    ...(setupPending && !setup
      ? [h('p', { class: 'login-hint', 'data-testid': 'login-setup-hint' }, 'No users yet. Open the link `twinloop start` printed in its terminal (it ends in #setup=…) to create the first admin, or run: twinloop user add NAME --role admin')]
      : []),
  );
  parent.append(form);
  name.focus();
  return new Promise((resolve) => {
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      submit.disabled = true;
      setText(error, '');
      const done = setup ? setUp(setupToken, name.value, password.value) : logIn(name.value, password.value);
      done.then(
        (session) => {
          if (setup) history.replaceState(null, '', location.pathname); // the token is used up
          form.remove();
          resolve(session);
        },
        (err: Error) => {
          setText(error, err.message);
          password.value = '';
          submit.disabled = false;
        },
      );
    });
  });
}

/** The setup token from the URL fragment, if the page was opened with the first-start link. */
export function setupTokenFromUrl(): string | undefined {
  const m = /^#setup=([A-Za-z0-9_-]{16,128})$/.exec(location.hash);
  return m?.[1];
}
