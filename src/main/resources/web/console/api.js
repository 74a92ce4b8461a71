// The API as the console uses it: the token from sessionStorage in the header the API expects.

const KEY = 'freight.token';

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (value) => sessionStorage.setItem(KEY, value),
  clear: () => sessionStorage.removeItem(KEY),
};

/** A refused request: the HTTP status and the API's {"detail": ...}. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

function headers(extra = {}, key = token.get()) {
  return key ? { Authorization: `Token ${key}`, ...extra } : extra;
}

async function failure(response) {
  let detail = `${response.status} ${response.statusText}`;
  try {
    detail = (await response.json()).detail || detail;
  } catch {
    // not JSON: keep the status line
  }
  if (response.status === 401) window.dispatchEvent(new CustomEvent('freight:unauthorized'));
  return new ApiError(response.status, detail);
}

/** GET (or another method with a JSON body); answers the parsed JSON. */
export async function api(path, { method = 'GET', body, key } = {}) {
  const response = await fetch(path, {
    method,
    headers: headers(body ? { 'Content-Type': 'application/json' } : {}, key),
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw await failure(response);
  return response.json();
}

/** A path with its query: query({page: 2, op: 'update', id: null}) leaves out empty values. */
export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value != null && value !== '') query.set(name, value);
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * Uploads files as multipart/form-data, with the form `fields` first; onProgress(loaded, total)
 * as the bytes go out. XMLHttpRequest, because fetch reports no upload progress.
 */
export function upload(path, field, files, onProgress, fields = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    for (const file of files) form.append(field, file, file.name);
    xhr.open('POST', path);
    xhr.setRequestHeader('Authorization', `Token ${token.get()}`);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded, e.total);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(xhr.response);
      else {
        if (xhr.status === 401) window.dispatchEvent(new CustomEvent('freight:unauthorized'));
        reject(new ApiError(xhr.status, xhr.response?.detail || `${xhr.status} ${xhr.statusText}`));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'The upload did not reach the server.'));
    xhr.send(form);
  });
}

/**
 * Downloads a file that needs the token: fetched, then saved under the name the server gives
 * (a plain link cannot send the Authorization header).
 */
export async function download(path) {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) throw await failure(response);
  const disposition = response.headers.get('Content-Disposition') || '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] || 'download';
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}
