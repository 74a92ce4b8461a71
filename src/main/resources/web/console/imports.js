// Imports: upload files (with progress), the current job, and the job list, refreshed while jobs run.
import { api, upload, withQuery, ApiError } from './api.js';
import { h, fill, notice, bytes, count, when, who, status, progressBar, table, poll } from './ui.js';

export const RUNNING = ['pending', 'generating_diff', 'applying_changes'];
const FORMATS = '.csv,.json,.yaml,.yml,.xlsx';

export function show(main) {
  const list = h('div', { id: 'import-jobs' });
  const current = h('div', { id: 'current-import' });
  let running = true;
  let stop = () => {};
  // Polls while a job runs; an upload starts it again.
  const watch = () => {
    stop();
    running = true;
    stop = poll(
      async () => {
        const [page, active] = await Promise.all([
          api(withQuery('/api/v2/library/import/', { ordering: '-id', page_size: 20 })),
          api('/api/v2/library/import/current/').catch((e) => {
            if (e instanceof ApiError && e.status === 404) return null;
            throw e;
          }),
        ]);
        running = page.results.some((job) => RUNNING.includes(job.status));
        fill(current, active && currentJob(active));
        fill(list, jobTable(page));
      },
      1000,
      () => running,
    );
  };
  fill(main, h('h1', {}, 'Imports'), current, uploadForm(watch), h('h2', {}, 'Import jobs'), list);
  watch();
  return () => stop();
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
  if (page.count === 0) return h('p', {}, 'No imports yet.');
  return table(
    `The latest ${page.results.length} of ${count(page.count)} import jobs`,
    ['Job', 'Status', 'By', 'Started', 'Format', 'Progress'],
    page.results.map((job) =>
      h(
        'tr',
        { 'data-job': job.id },
        h('td', {}, h('a', { href: `#/imports/${job.id}` }, `#${job.id}`)),
        h('td', {}, status(job.status)),
        h('td', {}, who(job.triggered_by)),
        h('td', {}, when(job.triggered)),
        h('td', {}, job.file_format),
        h('td', {}, jobProgress(job)),
      ),
    ),
    { class: 'jobs' },
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
  const picker = h('input', { id: 'files', type: 'file', multiple: true, accept: FORMATS, class: 'visually-hidden' });
  const chosen = h('ul', { id: 'chosen-files', class: 'files' });
  const send = h('button', { type: 'submit', id: 'upload', disabled: true }, 'Upload and start the import');
  const progress = h('div', { id: 'upload-progress' });
  const result = h('div', { id: 'upload-result' });
  const choose = (list) => {
    files = [...list];
    fill(chosen, files.map((f) => h('li', {}, `${f.name} (${bytes(f.size)})`)));
    send.disabled = files.length === 0;
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
  const form = h('form', { class: 'card', id: 'upload-form' }, h('h2', {}, 'New import'), picker, zone, chosen, send, progress, result);
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
      });
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
