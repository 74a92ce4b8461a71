// Imports: upload files (with progress), the current job, and the job list, refreshed while jobs run.
import { api, upload, withQuery, ApiError } from './api.js';
import { h, fill, notice, bytes, count, when, who, status, progressBar, jobList, watcher } from './ui.js';

export const RUNNING = ['pending', 'generating_diff', 'applying_changes'];
const FORMATS = '.csv,.json,.yaml,.yml,.xlsx';

export function show(main) {
  const list = h('div', { id: 'import-jobs' });
  const current = h('div', { id: 'current-import' });
  const jobs = watcher(async () => {
    const [page, active] = await Promise.all([
      api(withQuery('/api/v2/library/import/', { ordering: '-id', page_size: 20 })),
      api('/api/v2/library/import/current/').catch((e) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }),
    ]);
    fill(current, active && currentJob(active));
    fill(list, jobTable(page));
    return page.results.some((job) => RUNNING.includes(job.status));
  });
  fill(main, h('h1', {}, 'Imports'), current, uploadForm(jobs.restart), h('h2', {}, 'Import jobs'), list);
  jobs.restart();
  return jobs.stop;
}

function currentJob(job) {
  return h(
    'section',
    { class: 'card current', 'aria-labelledby': 'current-title' },
    h('h2', { id: 'current-title' }, 'Current job'),
    h(
      'p',
      {},
      h('a', { href: `#/imports/${job.id}` }, `Import #${job.id}`),
      ' ',
      status(job.status),
      ` by ${who(job.triggered_by)}, `,
      when(job.triggered),
    ),
    job.status === 'generating_diff' &&
      progressBar(`Import #${job.id} read`, job.progress.bytes_read, job.progress.bytes_total),
  );
}

function jobTable(page) {
  return jobList(
    page,
    'import jobs',
    ['Format', 'Progress'],
    (job) => [h('td', {}, job.reverts ? `revert of #${job.reverts}` : job.file_format), h('td', {}, jobProgress(job))],
    (job) => `#/imports/${job.id}`,
  );
}

function jobProgress(job) {
  const { rows_read, bytes_read, bytes_total } = job.progress;
  if (job.status === 'generating_diff' || job.status === 'pending') {
    return h('span', {}, progressBar(`Import #${job.id} read`, bytes_read, bytes_total), ` ${count(rows_read)} rows`);
  }
  return `${count(rows_read)} rows, ${bytes(bytes_total)}`;
}

/** Drop or pick files (one per content model, named after it), then upload with a progress bar. */
function uploadForm(onUploaded) {
  let files = [];
  let options = null;
  const picker = h('input', { id: 'files', type: 'file', multiple: true, accept: FORMATS, class: 'visually-hidden' });
  const chosen = h('ul', { id: 'chosen-files', class: 'files' });
  const send = h('button', { type: 'submit', id: 'upload', disabled: true }, 'Upload and start the import');
  const progress = h('div', { id: 'upload-progress' });
  const result = h('div', { id: 'upload-result' });
  const choose = (list) => {
    files = [...list];
    fill(chosen, files.map((f) => h('li', {}, `${f.name} (${bytes(f.size)})`)));
    send.disabled = files.length === 0 || !options?.valid();
    fill(result);
  };
  picker.addEventListener('change', () => choose(picker.files));
  const zone = h(
    'label',
    { for: 'files', class: 'dropzone', id: 'dropzone' },
    h('strong', {}, 'Drop files here or choose them'),
    h('span', { class: 'help' }, `One file per content model, named after it (standard.csv); all in one format: ${FORMATS}.`),
  );
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    choose(e.dataTransfer.files);
  });
  options = uploadOptions((valid) => (send.disabled = !valid || files.length === 0));
  const form = h('form', { class: 'card', id: 'upload-form' }, h('h2', {}, 'New import'), picker, zone, chosen, options.fieldset, send, progress, result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    send.disabled = true;
    const bar = h('progress', { max: 100, value: 0, 'aria-label': 'Upload' });
    const label = h('span', { id: 'upload-bytes' });
    fill(progress, h('div', { class: 'progress' }, bar, label));
    try {
      const job = await upload('/api/v2/library/import/', 'files', files, (loaded, total) => {
        const percent = Math.floor((loaded * 100) / total);
        bar.value = percent;
        label.textContent = `${bytes(loaded)} of ${bytes(total)} (${percent}%)`;
      }, options.fields());
      bar.value = 100;
      choose([]);
      fill(result, notice('ok', 'Uploaded: ', h('a', { href: `#/imports/${job.id}` }, `import #${job.id}`), ' is ', status(job.status), '.'));
      onUploaded();
    } catch (e) {
      fill(result, notice('error', `Upload refused: ${e.message}`));
      send.disabled = false;
    }
  });
  return form;
}

/**
 * The create's optional fields: skip invalid rows, merge or sync, unknown columns, a column
 * mapping (JSON, checked as it is typed). onValidity(valid) when the mapping turns (in)valid.
 */
function uploadOptions(onValidity) {
  const skip = h('input', { type: 'checkbox', id: 'opt-skip_invalid', name: 'skip_invalid' });
  const mode = h('select', { id: 'opt-mode', name: 'mode' }, h('option', { value: 'merge' }, 'Merge: keep items the file does not name'), h('option', { value: 'sync' }, 'Sync: delete items the file does not name'));
  const unknown = h('input', { type: 'checkbox', id: 'opt-ignore_unknown_columns', name: 'ignore_unknown_columns' });
  const mapping = h('textarea', { id: 'opt-column_mapping', name: 'column_mapping', rows: 3, cols: 50, spellcheck: false, placeholder: '{"Name": "title", "Body": "text"}', 'aria-describedby': 'mapping-help mapping-problem' });
  const problem = h('p', { id: 'mapping-problem', class: 'help', 'aria-live': 'polite' });
  const why = h('p', { id: 'sync-skip', class: 'help' }, 'Sync cannot skip invalid rows: a skipped row would become a delete.');
  const mappingError = () => {
    const text = mapping.value.trim();
    if (!text) return null;
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {
      return 'Not JSON: write an object such as {"Name": "title"}.';
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'The mapping must be a JSON object: file column → field.';
    const bad = Object.entries(parsed).find(([, field]) => typeof field !== 'string');
    return bad ? `The field of column "${bad[0]}" must be a text (a field name).` : null;
  };
  const valid = () => mappingError() === null;
  // The server refuses sync with skip_invalid (400): the form does not offer them together.
  const exclusive = () => {
    skip.disabled = mode.value === 'sync';
    mode.querySelector('[value=sync]').disabled = skip.checked;
  };
  skip.addEventListener('change', exclusive);
  mode.addEventListener('change', exclusive);
  mapping.addEventListener('input', () => {
    const error = mappingError();
    problem.textContent = error || '';
    problem.classList.toggle('invalid', !!error);
    mapping.setAttribute('aria-invalid', String(!!error));
    onValidity(!error);
  });
  // Folded: most uploads need none of them, and the job list stays in view.
  const fieldset = h(
    'details',
    { class: 'options', id: 'upload-options' },
    h('summary', {}, 'Options: skip invalid rows, sync, column mapping'),
    h('label', { class: 'check' }, skip, ' Skip invalid rows: review the valid ones, get the others as a file to fix'),
    h('div', { class: 'row' }, h('label', { for: mode.id }, 'Mode'), mode),
    why,
    h('label', { class: 'check' }, unknown, ' Ignore columns that match no field (listed on the job)'),
    h('label', { for: mapping.id }, 'Column mapping'),
    h('p', { id: 'mapping-help', class: 'help' }, 'Optional JSON object, column in the file → field. Columns are matched ignoring case and surrounding spaces.'),
    mapping,
    problem,
  );
  const fields = () => {
    const given = {};
    if (skip.checked) given.skip_invalid = 'true';
    if (mode.value === 'sync') given.mode = 'sync';
    if (unknown.checked) given.ignore_unknown_columns = 'true';
    if (mapping.value.trim()) given.column_mapping = mapping.value.trim();
    return given;
  };
  return { fieldset, fields, valid };
}
