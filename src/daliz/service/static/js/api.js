// Calls to the daliz API: the key and the language go with every request; errors arrive as
// RFC 9457 problem details and are thrown as ProblemError.

export class ProblemError extends Error {
  constructor(problem) {
    super(problem.detail || problem.title || 'error');
    this.problem = problem;
  }
}

const KEY_STORE = 'daliz_key';
let apiKey = '';
let language = document.documentElement.lang || 'en';

try {
  apiKey = window.localStorage.getItem(KEY_STORE) || '';
} catch (e) {
  apiKey = '';
}

export function currentKey() {
  return apiKey;
}

export function setKey(key) {
  apiKey = (key || '').trim();
  try {
    if (apiKey) window.localStorage.setItem(KEY_STORE, apiKey);
    else window.localStorage.removeItem(KEY_STORE);
  } catch (e) {
    /* storage may be disabled: the key then lives for this page only */
  }
}

export function setLanguage(lang) {
  language = lang;
}

export async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': language };
  if (apiKey) headers.Authorization = 'Bearer ' + apiKey;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ProblemError({ title: 'Network error', detail: String(e), status: 0 });
  }
  if (response.status === 204) return null;
  const type = response.headers.get('content-type') || '';
  const data = type.includes('json') ? await response.json() : await response.text();
  if (!response.ok) {
    throw new ProblemError(
      typeof data === 'object' && data
        ? data
        : { title: response.statusText, detail: String(data), status: response.status },
    );
  }
  return data;
}
