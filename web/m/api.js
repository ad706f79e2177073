// Requests from the phone page to the server that served it, with the
// signed-in token. A request that cannot reach the server throws
// Offline, so that the caller queues the action; an answer with an error
// status throws HttpError with the server's problem+json.

export const API = '../api/v1/';

export class Offline extends Error {
  constructor(msg) { super(msg); this.name = 'Offline'; }
}

export class HttpError extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || `HTTP ${status}`);
    this.name = 'HttpError';
    this.status = status;
    this.body = body || {};
  }
}

const KEY = 'gridkeeper.m';

export function session() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || 'null');
  } catch {
    return null;
  }
}

export function saveSession(s) {
  if (s) localStorage.setItem(KEY, JSON.stringify(s));
  else localStorage.removeItem(KEY);
}

async function request(path, { method = 'GET', body, headers = {}, token } = {}) {
  const t = token || (session() || {}).token;
  const h = { Accept: 'application/json', ...headers };
  if (t) h.Authorization = `Bearer ${t}`;
  let res;
  if (!navigator.onLine) throw new Offline('no network');
  try {
    res = await fetch(API + path, { method, headers: h, body });
  } catch (err) {
    throw new Offline(err.message);
  }
  const text = await res.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = { detail: text }; }
  if (!res.ok) throw new HttpError(res.status, parsed);
  return { body: parsed, etag: res.headers.get('ETag') };
}

export const get = async (path, opts) => (await request(path, opts)).body;

export const sendJSON = async (path, value, headers = {}) => (await request(path, {
  method: 'POST', body: JSON.stringify(value), headers: { 'Content-Type': 'application/json', ...headers },
})).body;

// upload sends a photo of problem id as multipart (file, kind, recheck_id).
export async function upload(id, kind, blob, recheckId) {
  const fd = new FormData();
  fd.append('kind', kind);
  if (recheckId) fd.append('recheck_id', String(recheckId));
  fd.append('file', blob, blob.name || `${kind}.jpg`);
  return (await request(`problems/${id}/photos`, { method: 'POST', body: fd })).body;
}

// photoURL makes the server's /api/v1/... address relative to this page.
export const photoURL = (u) => API + u.replace(/^\/api\/v1\//, '');
