// One import job: its state and actions, then its diff (paged, side by side) or its errors.
import { api, withQuery } from './api.js';
import { h, fill, notice, count, when, who, status, progressBar, table, value, poll } from './ui.js';
import { RUNNING } from './imports.js';

const OPS = ['add', 'update', 'delete'];
const PAGE_SIZES = [20, 50, 100, 200];

/** What a user may ask of a job in each state (the server's table, for showing buttons only). */
const ACTIONS = {
  accept_changes: ['ready_for_review'],
  cancel: ['pending', 'generating_diff', 'ready_for_review', 'applying_changes'],
  retry: ['fail', 'cancel'],
};

export function show(main, { id }) {
  const path = `/api/v2/library/import/${id}/`;
  const head = h('div', { id: 'job' });
  const actions = h('div', { id: 'actions', class: 'actions' });
  const message = h('div', { id: 'action-result' });
  const body = h('div', { id: 'review' });
  let job = null;
  let shown = null; // the status the body was drawn for
  let stop = () => {};
  // Asked for together with the job: the first view of a diff needs both.
  let summaryAhead = api(`${path}diff/`).catch((e) => e);

  const draw = (latest) => {
    job = latest;
    fill(head, jobHead(job));
    fill(actions, buttons(job, act));
    if (job.status !== shown) {
      shown = job.status;
      fill(body);
      drawBody(body, job, path, summaryAhead);
      summaryAhead = null;
    }
  };
  const watch = () => {
    stop();
    stop = poll(
      async () => {
        try {
          draw(await api(path));
        } catch (e) {
          fill(message, notice('error', e.message));
        }
      },
      1000,
      () => job && RUNNING.includes(job.status),
    );
  };
  async function act(action) {
    if (action === 'accept_changes' && !confirm(`Accept import #${id}? Its changes are applied to the library.`)) return;
    fill(message);
    try {
      draw(await api(path, { method: 'PATCH', body: { status: action } }));
      fill(message, notice('ok', `Import #${id} is now ${job.status.replaceAll('_', ' ')}.`));
      watch();
    } catch (e) {
      fill(message, notice('error', `Refused: ${e.message}`));
    }
  }

  fill(main, h('p', {}, h('a', { href: '#/imports' }, '← All imports')), h('h1', {}, `Import #${id}`), head, actions, message, body);
  watch();
  return () => stop();
}

function jobHead(job) {
  return h(
    'div',
    { class: 'facts' },
    h('p', {}, 'Status: ', status(job.status), ` · ${job.file_format} · started by ${who(job.triggered_by)} `, when(job.triggered)),
    job.accepted && h('p', {}, `Accepted by ${who(job.accepted_by)} `, when(job.accepted)),
    job.completed && h('p', {}, 'Completed ', when(job.completed)),
    RUNNING.includes(job.status) &&
      h('div', {}, progressBar(`Import #${job.id} read`, job.progress.bytes_read, job.progress.bytes_total), ` ${count(job.progress.rows_read)} rows read`),
  );
}

function buttons(job, act) {
  const labels = { accept_changes: 'Accept changes', cancel: 'Cancel import', retry: 'Retry' };
  return Object.entries(ACTIONS)
    .filter(([, states]) => states.includes(job.status))
    .map(([action]) =>
      h('button', { type: 'button', id: `action-${action}`, class: action === 'cancel' ? 'secondary' : '', onclick: () => act(action) }, labels[action]),
    );
}

/** Draws into a part of body of its own: a redraw for a newer status drops it even mid-way. */
async function drawBody(body, job, path, summaryAhead) {
  const part = h('div');
  body.append(part);
  if (job.errors) part.append(errors(job.errors));
  if (['pending', 'generating_diff', 'fail'].includes(job.status)) return;
  const summary = await (summaryAhead || api(`${path}diff/`).catch((e) => e));
  if (summary instanceof Error) {
    if (summary.status !== 409) part.append(notice('error', summary.message));
    return;
  }
  part.append(
    table(
      'Diff summary',
      ['Content model', 'Add', 'Update', 'Delete', 'Unchanged'],
      summary.results.map((m) => [m.content_model, count(m.add), count(m.update), count(m.delete), count(m.unchanged)]),
      { id: 'diff-summary', class: 'summary' },
    ),
  );
  for (const model of summary.results) part.append(modelDiff(path, model));
}

/** A failed job's problems: per content model, each bad value or file problem. */
function errors(errs) {
  const section = h('section', { id: 'errors', 'aria-labelledby': 'errors-title' }, h('h2', { id: 'errors-title' }, 'Errors'));
  for (const problem of errs.job || []) section.append(notice('error', problem.message));
  for (const [model, problems] of Object.entries(errs)) {
    if (model === 'totals' || model === 'job') continue;
    const total = errs.totals?.[model] ?? problems.length;
    section.append(
      table(
        `${count(total)} problems in ${model}${total > problems.length ? ` (the first ${count(problems.length)} shown)` : ''}`,
        ['File', 'Entry', 'Field', 'Value', 'Message'],
        problems.map((p) => [p.file, p.entry ?? (p.line ? `line ${p.line}` : ''), p.field ?? '', value(p.value), p.message]),
        { class: 'errors' },
      ),
    );
  }
  return section;
}

/** One content model's diff: a tab per operation, a filter by id, pages as the API gives them. */
function modelDiff(path, model) {
  const state = { op: OPS.find((op) => model[op] > 0) || 'add', page: 1, size: 50, id: '' };
  const results = h('div', { class: 'diff-page', 'aria-live': 'polite' });
  const tabs = h('div', { class: 'tabs', role: 'group', 'aria-label': `${model.content_model}: operation` });
  const filter = h('input', { id: `filter-${model.content_model}`, type: 'search', name: 'id', maxLength: 64 });
  const size = h('select', { id: `size-${model.content_model}` }, PAGE_SIZES.map((n) => h('option', { value: n, selected: n === state.size }, n)));
  let latest = 0; // answers to earlier clicks that arrive late are dropped
  const load = async () => {
    const mine = ++latest;
    fill(tabs, OPS.map((op) => h('button', { type: 'button', 'data-op': op, 'aria-pressed': String(op === state.op), onclick: () => ((state.op = op), (state.page = 1), load()) }, `${label(op)} (${count(model[op])})`)));
    results.setAttribute('aria-busy', 'true');
    try {
      const page = await api(
        withQuery(`${path}diff/${encodeURIComponent(model.content_model)}/`, { op: state.op, page: state.page, page_size: state.size, id: state.id }),
      );
      if (mine === latest) fill(results, pager(page, state, load), diffTable(state.op, page[state.op], state), pager(page, state, load));
    } catch (e) {
      if (mine === latest) fill(results, notice('error', e.message));
    }
    results.removeAttribute('aria-busy');
  };
  const form = h(
    'form',
    { class: 'filter' },
    h('label', { for: filter.id }, 'Item id'),
    filter,
    h('button', { type: 'submit' }, 'Filter'),
    h('button', { type: 'button', class: 'secondary', onclick: () => ((filter.value = ''), form.requestSubmit()) }, 'Clear'),
    h('label', { for: size.id }, 'Rows per page'),
    size,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    state.id = filter.value.trim();
    state.page = 1;
    load();
  });
  size.addEventListener('change', () => ((state.size = Number(size.value)), (state.page = 1), load()));
  load();
  return h('section', { class: 'model-diff', 'data-model': model.content_model }, h('h2', {}, `Changes to ${model.content_model}`), tabs, form, results);
}

function label(op) {
  return { add: 'Added', update: 'Updated', delete: 'Deleted' }[op];
}

function pager(page, state, load) {
  const pages = Math.max(1, Math.ceil(page.count / state.size));
  const go = (n) => () => ((state.page = n), load());
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    h('button', { type: 'button', class: 'prev', disabled: !page.previous, onclick: go(state.page - 1) }, '← Previous'),
    h('span', { class: 'page-of' }, `Page ${count(state.page)} of ${count(pages)} · ${count(page.count)} ${state.op === 'update' ? 'updates' : label(state.op).toLowerCase()}`),
    h('button', { type: 'button', class: 'next', disabled: !page.next, onclick: go(state.page + 1) }, 'Next →'),
  );
}

function diffTable(op, items, state) {
  if (items.length === 0) return h('p', { class: 'empty' }, state.id ? `No ${op} of id ${state.id}.` : 'Nothing here.');
  if (op === 'update') {
    return table(
      'Each update, original and new side by side; changed fields are marked',
      ['Entry', 'Id', 'Fields'],
      items.map((item) =>
        h('tr', { 'data-entry': item.entry, 'data-id': item.new.id }, h('td', {}, item.entry), h('th', { scope: 'row' }, item.new.id), h('td', {}, sideBySide(item))),
      ),
      { class: 'diff updates' },
    );
  }
  const key = op === 'add' ? 'new' : 'original';
  const fields = Object.keys(items[0][key]);
  return table(
    op === 'add' ? 'Items the import adds' : 'Items the import deletes',
    ['Entry', ...fields],
    items.map((item) => h('tr', { 'data-entry': item.entry, 'data-id': item[key].id }, h('td', {}, item.entry), fields.map((f) => h('td', {}, value(item[key][f]))))),
    { class: `diff ${op}s` },
  );
}

/** Original and new side by side: the changed fields first and marked, the others folded. */
function sideBySide(item) {
  const changed = new Set(item.changed_fields || []);
  const fields = Object.keys({ ...item.original, ...item.new });
  const same = fields.filter((f) => !changed.has(f));
  const rows = (list) =>
    h(
      'table',
      { class: 'sides' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Original'), h('th', { scope: 'col' }, 'New'))),
      h(
        'tbody',
        {},
        list.map((f) =>
          h(
            'tr',
            { 'data-field': f, class: changed.has(f) ? 'changed' : null },
            h('th', { scope: 'row' }, f, changed.has(f) && h('span', { class: 'visually-hidden' }, ' (changed)')),
            h('td', { class: 'original' }, value(item.original[f])),
            h('td', { class: 'new' }, value(item.new[f])),
          ),
        ),
      ),
    );
  return [
    rows(fields.filter((f) => changed.has(f))),
    same.length > 0 && h('details', { class: 'unchanged' }, h('summary', {}, `${same.length} unchanged fields`), rows(same)),
  ];
}
