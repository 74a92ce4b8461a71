// Exports: start a library export or a list export (v1), watch them, download them.
import { api, withQuery } from './api.js';
import { h, fill, notice, count, when, status, progressBar, table, jobList, watcher, downloadButton } from './ui.js';

/** The content models a library export can hold (the library's registry). */
const MODELS = ['standard'];
const FORMATS = ['csv', 'json', 'yaml', 'xlsx'];
const RUNNING = ['pending', 'in_progress'];
const V1_RUNNING = ['waiting', 'processing'];
/** The lists a v1 export can start from; `superuser`: only superusers may export it. */
const LISTS = [
  { path: '/api/v2/library/standards/export/', label: 'Standards' },
  { path: '/api/v2/library/import/export/', label: 'Import jobs', superuser: true },
  { path: '/api/v2/library/export/export/', label: 'Library export jobs', superuser: true },
];
const V1_FORMATS = { csv: 'csv', xls: 'xlsx (Excel)', json: 'json' };

export function show(main, { me }) {
  const jobs = h('div', { id: 'export-jobs' });
  const v1 = h('div', { id: 'v1-exports' });
  const message = h('div', { id: 'export-result' });
  const watch = watcher(async () => {
    const [page, mine] = await Promise.all([
      api(withQuery('/api/v2/library/export/', { ordering: '-id', page_size: 20 })),
      api(withQuery('/api/v1/exports/', { page_size: 50 })),
    ]);
    const own = mine.results.filter((e) => e.requested_by === me.uuid);
    fill(jobs, jobTable(page, message, watch.restart));
    fill(v1, v1Table(own, message));
    return page.results.some((j) => RUNNING.includes(j.status)) || own.some((e) => V1_RUNNING.includes(e.status));
  });
  fill(
    main,
    h('h1', {}, 'Exports'),
    startForm(message, watch.restart),
    message,
    h('h2', {}, 'Library exports'),
    jobs,
    h('h2', {}, 'Your list exports (v1)'),
    listForm(me, message, watch.restart),
    v1,
  );
  watch.restart();
  return watch.stop;
}

/** A v1 export of a list the user may see, in the chosen format and header language. */
function listForm(me, message, watch) {
  const list = h('select', { id: 'list-export-list' }, LISTS.filter((l) => me.is_superuser || !l.superuser).map((l) => h('option', { value: l.path }, l.label)));
  const format = h('select', { id: 'list-export-format' }, Object.entries(V1_FORMATS).map(([v, text]) => h('option', { value: v }, text)));
  const language = h('select', { id: 'list-export-language' }, h('option', { value: 'en' }, 'English'), h('option', { value: 'de' }, 'Deutsch'));
  const form = h(
    'form',
    { class: 'card', id: 'list-export-form' },
    h('h3', {}, 'New list export'),
    h('div', { class: 'row' }, h('label', { for: list.id }, 'List'), list, h('label', { for: format.id }, 'Format'), format, h('label', { for: language.id }, 'Headers in'), language),
    h('button', { type: 'submit', id: 'start-list-export' }, 'Start list export'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api(list.value, { method: 'POST', body: { format_type: format.value, language: language.value } });
      fill(message, notice('ok', `List export of ${list.selectedOptions[0].text.toLowerCase()} started.`));
      watch();
    } catch (err) {
      fill(message, notice('error', `Refused: ${err.message}`));
    }
  });
  return form;
}

function startForm(message, watch) {
  const type = h('select', { id: 'export-type', name: 'type' }, h('option', { value: 'full' }, 'Full: every item'), h('option', { value: 'template' }, 'Template: a file to fill in'));
  const format = h('select', { id: 'export-format', name: 'file_format' }, FORMATS.map((f) => h('option', { value: f }, f)));
  const models = MODELS.map((m) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'content_models', value: m, checked: true }), ` ${m}`));
  const form = h(
    'form',
    { class: 'card', id: 'export-form' },
    h('h2', {}, 'New library export'),
    h('div', { class: 'row' }, h('label', { for: type.id }, 'Type'), type, h('label', { for: format.id }, 'Format'), format),
    h('fieldset', {}, h('legend', {}, 'Content models'), models),
    h('button', { type: 'submit', id: 'start-export' }, 'Start export'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const chosen = [...form.querySelectorAll('input[name=content_models]:checked')].map((c) => c.value);
    try {
      const job = await api('/api/v2/library/export/', {
        method: 'POST',
        body: { type: type.value, file_format: format.value, content_models: chosen },
      });
      fill(message, notice('ok', `Export #${job.id} started.`));
      watch();
    } catch (err) {
      fill(message, notice('error', `Refused: ${err.message}`));
    }
  });
  return form;
}

function jobTable(page, message, watch) {
  const patch = (job, action) => async () => {
    try {
      await api(`/api/v2/library/export/${job.id}/`, { method: 'PATCH', body: { status: action } });
      watch();
    } catch (e) {
      fill(message, notice('error', `Refused: ${e.message}`));
    }
  };
  return jobList(page, 'library exports', ['What', 'Progress', ''], (job) => [
    h('td', {}, `${job.type}, ${job.file_format}, ${job.content_models.join(', ')}`),
    h('td', {}, job.status === 'in_progress' ? progressBar(`Export #${job.id}`, job.progress.rows_written, job.progress.rows_total) : `${count(job.progress.rows_written)} rows`),
    h(
      'td',
      { class: 'actions' },
      job.status === 'success' && downloadButton(`/api/v2/library/export/${job.id}/download/`, `Download export #${job.id}`, message),
      RUNNING.includes(job.status) && h('button', { type: 'button', class: 'secondary', onclick: patch(job, 'cancel') }, 'Cancel'),
      job.can_retry && h('button', { type: 'button', class: 'secondary', onclick: patch(job, 'retry') }, 'Retry'),
    ),
  ]);
}

function v1Table(exports, message) {
  if (exports.length === 0) return h('p', {}, 'None of your latest list exports.');
  return table(
    'Your latest list exports',
    ['Requested', 'List', 'Format', 'Status', 'Rows', ''],
    exports.map((e) =>
      h(
        'tr',
        { 'data-export': e.id },
        h('td', {}, when(e.created_date)),
        h('td', {}, e.request_path),
        h('td', {}, e.format_type),
        h('td', {}, status(e.status), e.error_message && ` ${e.error_message}`),
        h('td', {}, `${count(e.collected_count)} of ${count(e.total_count)}${e.fail_count ? `, ${count(e.fail_count)} left out` : ''}`),
        h('td', {}, e.status === 'completed' && downloadButton(`/api/v1/exports/${e.id}/download/`, 'Download', message)),
      ),
    ),
    { class: 'jobs' },
  );
}
