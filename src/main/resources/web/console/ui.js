// Small DOM helpers: every element is built with h(), so text is always text (never parsed as HTML).
import { download } from './api.js';

/** h('button', {class: 'x', onclick: f}, 'Text', child...) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key in el && key !== 'list' && key !== 'form') el[key] = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the contents of el. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A message region that screen readers announce when it changes. */
export function notice(kind, ...content) {
  return h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...content);
}

export function bytes(n) {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = -1;
  do {
    value /= 1024;
    unit++;
  } while (value >= 1024 && unit < units.length - 1);
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function count(n) {
  return Number(n).toLocaleString('en');
}

export function when(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return h('time', { dateTime: iso, title: iso }, date.toLocaleString());
}

export function who(user) {
  return user ? user.email : '';
}

export function status(value) {
  return h('span', { class: `status s-${value}` }, value.replaceAll('_', ' '));
}

export function progressBar(label, done, total) {
  const percent = total > 0 ? Math.floor((done * 100) / total) : 0;
  return h(
    'div',
    { class: 'progress' },
    h('progress', { max: 100, value: percent, 'aria-label': label }),
    h('span', {}, `${percent}%`),
  );
}

const FOLD_AT = 120;

/** A value as a cell shows it: long texts folded into a <details> that opens on demand. */
export function value(v) {
  if (v === undefined) return '';
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  if (text.length <= FOLD_AT) return text;
  return h(
    'details',
    { class: 'fold' },
    h('summary', {}, `${text.slice(0, FOLD_AT)}… (${count(text.length)} characters)`),
    h('div', { class: 'full' }, text),
  );
}

/** A table with a caption and a header row; rows are arrays of cells (or <tr> elements). */
export function table(caption, headers, rows, attrs = {}) {
  return h(
    'table',
    attrs,
    caption && h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((name) => h('th', { scope: 'col' }, name)))),
    h(
      'tbody',
      {},
      rows.map((row) => (row instanceof Node ? row : h('tr', {}, row.map((cell) => h('td', {}, cell))))),
    ),
  );
}

/** A page of jobs, newest first: id, status, who, when, then the kind's own `headers` and cells (<td>s). */
export function jobList(page, what, headers, cells, link = null) {
  if (page.count === 0) return h('p', {}, `No ${what} yet.`);
  return table(
    `The latest ${page.results.length} of ${count(page.count)} ${what}`,
    ['Job', 'Status', 'By', 'Started', ...headers],
    page.results.map((job) =>
      h(
        'tr',
        { 'data-job': job.id },
        h('td', {}, link ? h('a', { href: link(job) }, `#${job.id}`) : `#${job.id}`),
        h('td', {}, status(job.status)),
        h('td', {}, who(job.triggered_by)),
        h('td', {}, when(job.triggered)),
        cells(job),
      ),
    ),
    { class: 'jobs' },
  );
}

/**
 * Runs tick() now and then every `ms` while `keepGoing()` holds and the view that started it is
 * still shown; returns a stop function.
 */
export function poll(tick, ms, keepGoing = () => true) {
  let timer = null;
  let stopped = false;
  const run = async () => {
    if (stopped) return;
    try {
      await tick();
    } catch (e) {
      console.warn(e);
    }
    if (!stopped && keepGoing()) timer = setTimeout(run, ms);
  };
  run();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/**
 * A list view's refresh: tick() redraws and answers whether something it shows still runs; it
 * is polled every second until nothing does. restart() after the user started something.
 */
export function watcher(tick) {
  let running = true;
  let stop = () => {};
  const restart = () => {
    stop();
    running = true;
    stop = poll(async () => (running = await tick()), 1000, () => running);
  };
  return { restart, stop: () => stop() };
}

/** A button that downloads a file needing the token; what happened goes to `message`. */
export function downloadButton(path, text, message, attrs = {}) {
  const save = async () => {
    try {
      fill(message, notice('ok', `Downloaded ${await download(path)}.`));
    } catch (e) {
      fill(message, notice('error', `Download refused: ${e.message}`));
    }
  };
  return h('button', { type: 'button', class: 'download', ...attrs, onclick: save }, text);
}
