// Users (superusers): the list, a new user (its token shown once), a new token for a user.
import { api, withQuery } from './api.js';
import { h, fill, notice, count, table } from './ui.js';

export function show(main) {
  const list = h('div', { id: 'users' });
  const secret = h('div', { id: 'new-token', 'aria-live': 'polite' });
  let page = 1;
  const load = async () => {
    const users = await api(withQuery('/api/v2/users/', { page, page_size: 50 }));
    fill(
      list,
      table(
        `${count(users.count)} users`,
        ['Id', 'Email', 'Name', 'Superuser', 'Active', ''],
        users.results.map((u) =>
          h(
            'tr',
            { 'data-user': u.id },
            h('td', {}, u.id),
            h('td', {}, u.email),
            h('td', {}, `${u.first_name} ${u.last_name}`.trim()),
            h('td', {}, u.is_superuser ? 'yes' : 'no'),
            h('td', {}, u.is_active ? 'yes' : 'no'),
            h('td', {}, h('button', { type: 'button', class: 'secondary', onclick: () => rotate(u) }, 'New token')),
          ),
        ),
      ),
      h(
        'nav',
        { class: 'pager', 'aria-label': 'Pages' },
        h('button', { type: 'button', disabled: !users.previous, onclick: () => (page--, load()) }, '← Previous'),
        h('button', { type: 'button', disabled: !users.next, onclick: () => (page++, load()) }, 'Next →'),
      ),
    );
  };
  const rotate = async (user) => {
    if (!confirm(`Issue a new token for ${user.email}? Their current token stops working.`)) return;
    try {
      const { token } = await api(`/api/v2/users/${user.id}/token/`, { method: 'POST' });
      fill(secret, shownOnce(`New token for ${user.email}`, token));
    } catch (e) {
      fill(secret, notice('error', `Refused: ${e.message}`));
    }
  };
  fill(main, h('h1', {}, 'Users'), createForm(secret, load), secret, list);
  load().catch((e) => fill(list, notice('error', e.message)));
}

function createForm(secret, reload) {
  const field = (name, text, attrs = {}) => [h('label', { for: `user-${name}` }, text), h('input', { id: `user-${name}`, name, ...attrs })];
  const form = h(
    'form',
    { class: 'card', id: 'user-form' },
    h('h2', {}, 'New user'),
    h(
      'div',
      { class: 'grid' },
      field('email', 'Email', { type: 'email', required: true, maxLength: 254 }),
      field('first_name', 'First name', { maxLength: 150 }),
      field('last_name', 'Last name', { maxLength: 150 }),
    ),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'is_superuser', id: 'user-is_superuser' }), ' Superuser'),
    h('button', { type: 'submit' }, 'Create user'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    try {
      const user = await api('/api/v2/users/', {
        method: 'POST',
        body: {
          email: data.get('email'),
          first_name: data.get('first_name'),
          last_name: data.get('last_name'),
          is_superuser: data.get('is_superuser') === 'on',
        },
      });
      form.reset();
      fill(secret, shownOnce(`Token for ${user.email}`, user.token));
      reload();
    } catch (err) {
      fill(secret, notice('error', `Refused: ${err.message}`));
    }
  });
  return form;
}

/** A secret the server shows only once, with a button that copies it. */
function shownOnce(title, token) {
  const text = h('input', { id: 'shown-token', readOnly: true, value: token, 'aria-label': title, class: 'secret' });
  const status = h('span', { role: 'status' });
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token);
    } catch {
      // Clipboard API needs a secure context (https or localhost): fall back to the selection.
      text.select();
      document.execCommand('copy');
    }
    status.textContent = 'Copied.';
  };
  return h(
    'div',
    { class: 'card secret-box' },
    h('p', {}, h('strong', {}, title), ': shown only now; copy it and keep it safe.'),
    text,
    h('button', { type: 'button', id: 'copy-token', onclick: copy }, 'Copy'),
    status,
  );
}
