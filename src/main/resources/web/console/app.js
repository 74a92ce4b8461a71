// The console: sign in, then one view per section, chosen by the URL's hash (#/imports/12).
import { api, token, ApiError } from './api.js';
import { h, fill, notice } from './ui.js';
import * as imports from './imports.js';
import * as review from './review.js';
import * as exports from './exports.js';
import * as users from './users.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const whoBox = document.getElementById('who');
let me = null;
let leaveView = () => {};

/** Sections, in menu order; `may` says who sees them. */
const SECTIONS = [
  { path: 'imports', label: 'Imports', may: (user) => user.is_superuser, view: imports },
  { path: 'exports', label: 'Exports', may: () => true, view: exports },
  { path: 'users', label: 'Users', may: (user) => user.is_superuser, view: users },
];

function route() {
  const [section, id] = location.hash.replace(/^#\/?/, '').split('/');
  const allowed = SECTIONS.filter((s) => s.may(me));
  const chosen = allowed.find((s) => s.path === section);
  if (!chosen) {
    location.replace(`#/${allowed[0].path}`);
    return;
  }
  leaveView();
  for (const link of nav.querySelectorAll('a')) {
    if (link.dataset.path === chosen.path) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const view = chosen === SECTIONS[0] && id ? review : chosen.view;
  fill(main);
  leaveView = view.show(main, { me, id }) || (() => {});
  document.title = `${chosen.label}${id ? ` #${id}` : ''} · Freight console`;
}

function signedIn(user) {
  me = user;
  fill(
    nav,
    SECTIONS.filter((s) => s.may(me)).map((s) => h('a', { href: `#/${s.path}`, 'data-path': s.path }, s.label)),
  );
  nav.hidden = false;
  fill(
    whoBox,
    h('span', { id: 'signed-in-as' }, `${me.email}${me.is_superuser ? ' (superuser)' : ''}`),
    h('button', { type: 'button', id: 'sign-out', class: 'secondary', onclick: signOut }, 'Sign out'),
  );
  route();
}

function signOut() {
  token.clear();
  me = null;
  leaveView();
  leaveView = () => {};
  nav.hidden = true;
  fill(nav);
  fill(whoBox);
  history.replaceState(null, '', location.pathname);
  signInForm();
}

function signInForm(message) {
  const input = h('input', {
    id: 'token',
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    required: true,
    'aria-describedby': 'token-help',
  });
  const result = h('div', { id: 'sign-in-result' }, message && notice('error', message));
  const form = h(
    'form',
    { id: 'sign-in', class: 'card narrow' },
    h('h1', {}, 'Sign in'),
    h('label', { for: 'token' }, 'API token'),
    input,
    h('p', { id: 'token-help', class: 'help' }, 'The token Freight printed at first start, or one a superuser gave you. It is kept in this tab only.'),
    h('button', { type: 'submit' }, 'Sign in'),
    result,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    try {
      const user = await api('/api/v2/users/me/', { key });
      token.set(key);
      signedIn(user);
    } catch (e) {
      const text =
        e instanceof ApiError && e.status === 401
          ? 'That token is not valid. Check it and try again.'
          : `Could not sign in: ${e.message}`;
      fill(result, notice('error', text));
      input.select();
      input.focus();
    }
  });
  fill(main, form);
  input.focus();
}

window.addEventListener('hashchange', () => me && route());
// A token rotated or revoked elsewhere: back to the sign-in form, saying why.
window.addEventListener('freight:unauthorized', () => {
  if (!me) return;
  signOut();
  signInForm('Your token is no longer valid. Sign in again.');
});

(async function start() {
  if (!token.get()) return signInForm();
  try {
    signedIn(await api('/api/v2/users/me/'));
  } catch {
    token.clear();
    signInForm();
  }
})();
