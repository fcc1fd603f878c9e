// The /v1 API with the operator's key. The key lives in sessionStorage only (gone when the tab closes), is sent as a
// bearer header, and never appears in a URL.

const KEY = 'agentfleet.apiKey';

export const apiKey = {
  get: () => sessionStorage.getItem(KEY),
  set: (value) => sessionStorage.setItem(KEY, value),
  clear: () => sessionStorage.removeItem(KEY),
};

/** A refusal of the API: its status and the error, field and reason of its body. */
export class ApiError extends Error {
  constructor(status, body) {
    super(`${status} ${body.error || ''}: ${body.reason || ''}`);
    this.status = status;
    this.error = body.error;
    this.field = body.field;
    this.reason = body.reason;
  }
}

let onRejectedKey = () => {};

/** Called when the API answers 401 or 403 for the key: the console forgets it and asks again. */
export function whenKeyRejected(listener) {
  onRejectedKey = listener;
}

export function authHeaders(extra) {
  const key = apiKey.get();
  if (!key) {
    throw new ApiError(401, {error: 'unauthorized', field: 'Authorization', reason: 'no API key entered'});
  }
  return {Authorization: 'Bearer ' + key, ...extra};
}

export function rejected(status) {
  if (status === 401 || status === 403) onRejectedKey();
}

/** Calls the API; resolves to the parsed JSON body, or rejects with an ApiError. */
export async function call(method, path, body) {
  const headers = authHeaders({Accept: 'application/json'});
  const init = {method, headers, cache: 'no-store', credentials: 'omit'};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch (e) {
    parsed = null;
  }
  if (!response.ok) {
    const forbidden = response.status === 403 && parsed && parsed.field === 'Authorization';
    if (response.status === 401 || forbidden) rejected(response.status);
    throw new ApiError(response.status, parsed || {error: 'http_' + response.status, reason: text.slice(0, 200)});
  }
  return parsed;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body === undefined ? {} : body);
export const del = (path, body) => call('DELETE', path, body);

/** Encodes one path segment (agent types and run ids are plain names, but a URL is no place to trust that). */
export const seg = (value) => encodeURIComponent(value);
