// api: calls to /api/v1 with the session cookie and the CSRF token, in the
// user's language; errors become ApiError with the server's message.
import { lang } from './i18n.js';

let csrf = null;
let openapi = null;

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function setCsrf(token) { csrf = token; }

export async function api(path, { method = 'GET', body } = {}) {
  const headers = { 'Accept': 'application/json', 'Accept-Language': lang === 'en' ? 'en' : 'vi' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  let resp;
  try {
    resp = await fetch(path, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'network', lang === 'en' ? 'Cannot reach the server.' : 'Không kết nối được máy chủ.');
  }
  let data = null;
  try { data = await resp.json(); } catch (e) { data = null; }
  if (!resp.ok) {
    const err = data && data.error ? data.error : { code: 'http_' + resp.status, message: resp.statusText };
    throw new ApiError(resp.status, err.code, err.message);
  }
  return data;
}

// The OpenAPI document, fetched once: the forms and lists of operations
// that other parts of hoso add appear when their routes exist.
export async function routes() {
  if (!openapi) {
    try { openapi = await api('/api/v1/openapi.json'); } catch (e) { openapi = { paths: {} }; }
  }
  return openapi;
}

export async function hasRoute(method, pattern) {
  const doc = await routes();
  const p = doc.paths[pattern];
  return !!(p && p[method.toLowerCase()]);
}

export function enc(s) { return encodeURIComponent(s); }
