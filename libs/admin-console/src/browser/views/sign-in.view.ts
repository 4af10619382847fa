import type { AdminConsoleConfig } from '@support-desk/contracts';
import { ApiError, type AdminApi } from '../api';
import { h, replaceChildren } from '../dom';

export type SignInOptions = {
  api: AdminApi;
  main: HTMLElement;
  /** Why the admin is here: signed out, or the token stopped working. */
  notice: string | null;
  onSignedIn(token: string, config: AdminConsoleConfig): void;
};

/** The sign-in page: one password field for the admin token, checked against the server before it is kept. */
export function renderSignIn({ api, main, notice, onSignedIn }: SignInOptions): void {
  const input = h('input', {
    id: 'admin-token',
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'admin-token-hint',
  });
  const error = h('p', { id: 'sign-in-error', class: 'error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const heading = h('h1', { id: 'sign-in-title' }, 'Sign in');
  const form = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-title', novalidate: true },
    heading,
    notice ? h('p', { class: 'notice', role: 'status' }, notice) : null,
    h('label', { for: 'admin-token' }, 'Admin token'),
    input,
    h(
      'p',
      { id: 'admin-token-hint', class: 'hint' },
      'The token npm start printed (kept in DATA_DIR/admin-token), or one of ADMIN_TOKEN. It stays in this tab only.',
    ),
    button,
    error,
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) {
      showError('Enter the admin token.');
      return;
    }
    button.disabled = true;
    button.textContent = 'Signing in…';
    error.textContent = '';
    api
      .checkToken(token)
      .then((config) => {
        input.value = '';
        onSignedIn(token, config);
      })
      .catch((e: unknown) => {
        showError(e instanceof ApiError && e.isAuthFailure ? 'That admin token is not valid.' : e instanceof Error ? e.message : 'Sign-in failed.');
      })
      .finally(() => {
        button.disabled = false;
        button.textContent = 'Sign in';
      });
  });

  function showError(message: string): void {
    error.textContent = message;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-errormessage', 'sign-in-error');
    input.focus();
  }

  document.title = 'Sign in · Support Desk admin';
  replaceChildren(main, form);
  input.focus();
}
