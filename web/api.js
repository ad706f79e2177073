// API access: JSON from the server that served the page, with errors turned
// into ApiError from the RFC 9457 problem+json the server sends. Writes and
// reads carry the bearer token the user signed in with (auth.js).

export const API = 'api/v1/'; // relative, so the page also works below a path prefix

// ApiError carries an RFC 9457 problem (title, detail, status) or a network failure.
export class ApiError extends Error {
  constructor({ title, detail = '', status = 0, url = '', params = [] }) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'ApiError';
    Object.assign(this, { title, detail, status, url, params });
  }
}

// Reads carry the signed-in token too (auth.js sets the source): the
// server then includes what that token's scope may see — people's and
// holders' phones, reporters' contacts. Anonymous reads see the rest.
let readToken = () => '';
export function useToken(source) {
  readToken = source;
}

async function fetchRead(url, signal, headers = {}) {
  const tok = readToken();
  const withToken = tok ? { ...headers, Authorization: `Bearer ${tok}` } : headers;
  // A token the server does not know reads as anonymous (writes still
  // show the refusal).
  return fetch(url, { signal, headers: withToken });
}

export async function getJSON(url, signal) {
  let res;
  try {
    res = await fetchRead(url, signal);
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError({ title: '网络错误 Network error', detail: err.message, url });
  }
  if (!res.ok) throw await problem(res, url);
  try {
    return await res.json();
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError({ title: '响应无法解析 Bad response', detail: err.message, status: res.status, url });
  }
}

// sendJSON sends a JSON body (POST by default) with `Authorization: Bearer
// token` and any extra `headers` (If-Match, Idempotency-Key) and returns the
// parsed JSON answer (null for an empty one); an error response becomes an
// ApiError, as for getJSON.
export async function sendJSON(url, body, { method = 'POST', token = '', signal, headers: extra = {} } = {}) {
  const headers = { Accept: 'application/json', ...extra };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError({ title: '网络错误 Network error', detail: err.message, url });
  }
  if (!res.ok) throw await problem(res, url);
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError({ title: '响应无法解析 Bad response', detail: err.message, status: res.status, url });
  }
}

// getBlob fetches url asking for `accept` (text/csv, say) and returns the
// body as a Blob, for a download.
export async function getBlob(url, accept, signal) {
  let res;
  try {
    res = await fetchRead(url, signal, { Accept: accept });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError({ title: '网络错误 Network error', detail: err.message, url });
  }
  if (!res.ok) throw await problem(res, url);
  return res.blob();
}

// problem turns an error response into an ApiError, reading problem+json when offered.
async function problem(res, url) {
  const fallback = `HTTP ${res.status} ${res.statusText}`.trim();
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try {
      const p = await res.json();
      // Per-field reasons: accept the common spellings of the extension member.
      const list = p.errors || p['invalid-params'] || p.invalid_params || [];
      const params = Array.isArray(list)
        ? list.map((e) => [e.field || e.name || e.pointer || e.parameter || '', e.reason || e.detail || e.message || ''])
        : [];
      return new ApiError({ title: p.title || fallback, detail: p.detail || '', status: p.status || res.status, url, params });
    } catch {
      // not JSON after all: fall through
    }
  }
  const text = (await res.text().catch(() => '')).slice(0, 300);
  return new ApiError({ title: fallback, detail: text, status: res.status, url });
}

// getFeatures fetches a FeatureCollection, following `next` links on the
// same origin for up to maxPages pages; when a next link is left unfollowed
// the answer says `truncated: true`.
export async function getFeatures(url, signal, { maxPages = 200 } = {}) {
  const features = [];
  for (let page = 0; url && page < maxPages; page++) {
    const fc = await getJSON(url, signal);
    if (!fc || !Array.isArray(fc.features)) {
      throw new ApiError({ title: '响应不是 FeatureCollection', detail: 'expected a GeoJSON FeatureCollection', url });
    }
    features.push(...fc.features);
    const next = (fc.links || []).find((l) => l.rel === 'next');
    url = null;
    if (next && next.href) {
      const u = new URL(next.href, location.href);
      if (u.origin !== location.origin) {
        throw new ApiError({ title: '拒绝跨站链接 Refused a foreign link', detail: u.href });
      }
      url = u.href;
    }
  }
  return url ? { type: 'FeatureCollection', features, truncated: true } : { type: 'FeatureCollection', features };
}
