// One import job: its state and actions, then its diff (paged, side by side) or its errors.
// In review, the reviewer may leave operations or single entries out of the accept.
import { api, withQuery } from './api.js';
import { h, fill, notice, count, when, who, status, progressBar, table, value, poll, downloadButton } from './ui.js';
import { RUNNING } from './imports.js';

const OPS = ['add', 'update', 'delete'];
const PAGE_SIZES = [20, 50, 100, 200];
/** The API's cap on `exclude_entries`. */
const MAX_LEFT_OUT = 10_000;

/** What a user may ask of a job in each state (the server's table, for showing buttons only). */
const ACTIONS = {
  accept_changes: ['ready_for_review'],
  cancel: ['pending', 'generating_diff', 'ready_for_review', 'applying_changes'],
  retry: ['fail', 'cancel'],
  revert: ['success'],
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
  // What the accept applies: the operations ticked, less the entries left out by hand (entry → op).
  const choice = { ops: new Set(OPS), leftOut: new Map(), summary: null, message };
  // Asked for together with the job: the first view of a diff needs both.
  let summaryAhead = api(`${path}diff/`).catch((e) => e);

  const draw = (latest) => {
    job = latest;
    fill(head, jobHead(job));
    fill(actions, buttons(job, act));
    if (job.status !== shown) {
      shown = job.status;
      fill(body);
      drawBody(body, job, path, summaryAhead, job.status === 'ready_for_review' && choice);
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
    if (action === 'revert') return askRevert(path, id, message);
    if (action === 'accept_changes' && !confirm(acceptQuestion(id, job, choice))) return;
    fill(message);
    try {
      draw(await api(path, { method: 'PATCH', body: action === 'accept_changes' ? acceptBody(choice) : { status: action } }));
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
  const perModel = (counts, text) => Object.entries(counts).map(([model, c]) => `${model}: ${text(c)}`).join('; ');
  return h(
    'div',
    { class: 'facts' },
    h('p', {}, 'Status: ', status(job.status), ` · ${job.file_format} · started by ${who(job.triggered_by)} `, when(job.triggered)),
    job.reverts && h('p', { id: 'reverts' }, 'Reverts ', h('a', { href: `#/imports/${job.reverts}` }, `import #${job.reverts}`)),
    job.options && h('p', { id: 'job-options' }, `Options: ${describeOptions(job.options)}`),
    job.ignored_columns && h('p', { id: 'ignored-columns' }, `Ignored columns: ${perModel(job.ignored_columns, (c) => c.join(', '))}`),
    job.accepted && h('p', {}, `Accepted by ${who(job.accepted_by)} `, when(job.accepted)),
    job.applied && h('p', { id: 'applied' }, `Applied: ${perModel(job.applied, (c) => `${count(c.add)} added, ${count(c.update)} updated, ${count(c.delete)} deleted`)}`),
    job.completed && h('p', {}, 'Completed ', when(job.completed)),
    RUNNING.includes(job.status) &&
      h('div', {}, progressBar(`Import #${job.id} read`, job.progress.bytes_read, job.progress.bytes_total), ` ${count(job.progress.rows_read)} rows read`),
  );
}

function describeOptions(options) {
  const said = [];
  if (options.skip_invalid) said.push('skip invalid rows');
  if (options.mode) said.push(`mode ${options.mode}`);
  if (options.ignore_unknown_columns) said.push('ignore unknown columns');
  if (options.column_mapping) said.push(`column mapping ${JSON.stringify(options.column_mapping)}`);
  return said.join(', ');
}

function buttons(job, act) {
  const labels = { accept_changes: 'Accept changes', cancel: 'Cancel import', retry: 'Retry', revert: 'Revert…' };
  return Object.entries(ACTIONS)
    .filter(([, states]) => states.includes(job.status))
    .map(([action]) =>
      h('button', { type: 'button', id: `action-${action}`, class: action === 'cancel' ? 'secondary' : '', onclick: () => act(action) }, labels[action]),
    );
}

/**
 * Draws into a part of body of its own: a redraw for a newer status drops it even mid-way.
 * `choice` (in review only) holds what the reviewer leaves out.
 */
async function drawBody(body, job, path, summaryAhead, choice) {
  const part = h('div');
  body.append(part);
  if (job.errors) part.append(errors(job, path));
  if (['pending', 'generating_diff', 'fail'].includes(job.status)) return;
  const summary = await (summaryAhead || api(`${path}diff/`).catch((e) => e));
  if (summary instanceof Error) {
    if (summary.status !== 409) part.append(notice('error', summary.message));
    return;
  }
  const skipped = summary.results.some((m) => m.skipped != null);
  part.append(
    table(
      'Diff summary',
      ['Content model', 'Add', 'Update', 'Delete', 'Unchanged', skipped && 'Skipped'].filter(Boolean),
      summary.results.map((m) => [m.content_model, count(m.add), count(m.update), count(m.delete), count(m.unchanged), skipped && count(m.skipped ?? 0)].filter((c) => c !== false)),
      { id: 'diff-summary', class: 'summary' },
    ),
  );
  if (choice) {
    choice.summary = summary;
    part.append(operationChoice(choice));
  }
  for (const model of summary.results) part.append(modelDiff(path, model, choice));
}

/** Which operations the accept applies: one checkbox each, all ticked at first. */
function operationChoice(choice) {
  const totals = operationTotals(choice.summary);
  return h(
    'fieldset',
    { id: 'apply-operations', class: 'row' },
    h('legend', {}, 'Apply on accept'),
    OPS.map((op) =>
      h(
        'label',
        { class: 'check' },
        h('input', {
          type: 'checkbox',
          id: `apply-${op}`,
          checked: choice.ops.has(op),
          onchange: (e) => (e.target.checked ? choice.ops.add(op) : choice.ops.delete(op)),
        }),
        ` ${label(op)} (${count(totals[op])})`,
      ),
    ),
    h('span', { class: 'help' }, 'To keep single entries out, tick their "leave out" box below.'),
  );
}

function operationTotals(summary) {
  const totals = { add: 0, update: 0, delete: 0 };
  for (const m of summary?.results || []) for (const op of OPS) totals[op] += m[op];
  return totals;
}

/** The accept's confirmation: what will be applied, and what is left out. */
function acceptQuestion(id, job, choice) {
  const totals = operationTotals(choice.summary);
  for (const op of choice.leftOut.values()) totals[op]--;
  const applied = OPS.filter((op) => choice.ops.has(op)).map((op) => `${count(totals[op])} ${op}s`);
  const leftOut = OPS.filter((op) => !choice.ops.has(op)).map((op) => `every ${op}`);
  const byHand = [...choice.leftOut.values()].filter((op) => choice.ops.has(op)).length;
  if (byHand) leftOut.push(`${count(byHand)} ${byHand === 1 ? 'entry' : 'entries'} chosen by hand`);
  if (job.reverts) leftOut.push('the entries marked "left out" (conflicts)');
  return (
    `Accept import #${id}? Applied to the library: ${applied.join(', ') || 'nothing'}.` +
    (leftOut.length ? ` Left out: ${leftOut.join('; ')}.` : '')
  );
}

function acceptBody(choice) {
  const body = { status: 'accept_changes' };
  if (choice.ops.size < OPS.length) body.operations = OPS.filter((op) => choice.ops.has(op));
  if (choice.leftOut.size) body.exclude_entries = [...choice.leftOut.keys()];
  return body;
}

/** The revert's confirmation, inline: it offers to apply the conflicts too. */
function askRevert(path, id, message) {
  const include = h('input', { type: 'checkbox', id: 'revert-include_conflicts' });
  const revert = async () => {
    try {
      const job = await api(`${path}revert/`, { method: 'POST', body: { include_conflicts: include.checked } });
      location.hash = `#/imports/${job.id}`;
    } catch (e) {
      fill(message, notice('error', `Refused: ${e.message}`));
    }
  };
  fill(
    message,
    h(
      'div',
      { class: 'card', id: 'revert-confirm', role: 'group', 'aria-labelledby': 'revert-title' },
      h('p', { id: 'revert-title' }, `Revert import #${id}? A new import puts back every item it changed; you review and accept it as any import.`),
      h('label', { class: 'check' }, include, ' Include conflicts: also overwrite items changed since'),
      h('div', { class: 'actions' }, h('button', { type: 'button', id: 'revert-go', onclick: revert }, `Revert import #${id}`), h('button', { type: 'button', class: 'secondary', onclick: () => fill(message) }, 'Keep it')),
    ),
  );
  message.querySelector('#revert-go').focus();
}

/**
 * A job's problems (a failed job's, or the rows a partial import skipped): per content model, each
 * bad value or file problem, and the rows with problems as a file to fix.
 */
function errors(job, path) {
  const errs = job.errors;
  const saved = h('div', { class: 'errors-file-result' });
  const section = h('section', { id: 'errors', 'aria-labelledby': 'errors-title' }, h('h2', { id: 'errors-title' }, 'Errors'), saved);
  const settled = !RUNNING.includes(job.status) && job.status !== 'cancel';
  for (const problem of errs.job || []) section.append(notice('error', problem.message));
  for (const [model, problems] of Object.entries(errs)) {
    if (model === 'totals' || model === 'job') continue;
    const total = errs.totals?.[model] ?? problems.length;
    if (settled && problems.some((p) => p.entry)) {
      section.append(
        downloadButton(withQuery(`${path}errors/download/`, { content_model: model }), `Download the rows with problems in ${model} as a file to fix`, saved, { id: `errors-file-${model}` }),
      );
    }
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
function modelDiff(path, model, choice) {
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
      if (mine === latest) fill(results, pager(page, state, load), diffTable(state.op, page[state.op], state, choice), pager(page, state, load));
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

function diffTable(op, items, state, choice) {
  if (items.length === 0) return h('p', { class: 'empty' }, state.id ? `No ${op} of id ${state.id}.` : 'Nothing here.');
  const entry = (item) => h('td', { class: 'entry' }, item.entry, marks(item), choice && !item.excluded && leaveOut(item, op, choice));
  if (op === 'update') {
    return table(
      'Each update, original and new side by side; changed fields are marked',
      ['Entry', 'Id', 'Fields'],
      items.map((item) =>
        h('tr', { 'data-entry': item.entry, 'data-id': item.new.id }, entry(item), h('th', { scope: 'row' }, item.new.id), h('td', {}, sideBySide(item))),
      ),
      { class: 'diff updates' },
    );
  }
  const key = op === 'add' ? 'new' : 'original';
  const fields = Object.keys(items[0][key]);
  return table(
    op === 'add' ? 'Items the import adds' : 'Items the import deletes',
    ['Entry', ...fields],
    items.map((item) => h('tr', { 'data-entry': item.entry, 'data-id': item[key].id }, entry(item), fields.map((f) => h('td', {}, value(item[key][f]))))),
    { class: `diff ${op}s` },
  );
}

/** What the server says about an entry, in words (not colour only). */
function marks(item) {
  return [
    item.excluded && h('span', { class: 'mark excluded' }, 'left out'),
    item.conflict && h('span', { class: 'mark conflict', title: 'Changed since the reverted import; "original" is the item as it is now' }, 'conflict: changed since'),
    item.reason === 'absent' && h('span', { class: 'mark absent', title: 'Sync: the file does not name this item' }, 'absent from the file'),
  ];
}

/** A checkbox that leaves one entry out of the accept; kept across pages. */
function leaveOut(item, op, choice) {
  const box = h('input', { type: 'checkbox', class: 'leave-out', checked: choice.leftOut.has(item.entry), 'aria-label': `Leave out entry ${item.entry}` });
  box.addEventListener('change', () => {
    if (!box.checked) return choice.leftOut.delete(item.entry);
    if (choice.leftOut.size >= MAX_LEFT_OUT) {
      box.checked = false;
      fill(choice.message, notice('error', `At most ${count(MAX_LEFT_OUT)} entries can be left out by hand; untick an operation to leave out all of its entries.`));
      return;
    }
    choice.leftOut.set(item.entry, op);
  });
  return h('label', { class: 'check leave' }, box, ' leave out');
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
