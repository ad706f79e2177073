// The offline queue: actions taken without a network wait here (IndexedDB,
// so a photo waits with its action) and are sent, oldest first, when the
// network is back. Each entry records the problem's version it was taken
// on; the action API checks it (If-Match), so a replay is safe: an entry
// whose first attempt did land is recognised from the problem's log and
// dropped, and a real conflict (someone else changed the problem) is kept
// out of the queue and shown, never applied blindly.

import { HttpError, Offline, get, sendJSON, upload } from './api.js';

const DB = 'gridkeeper-m';
const STORE = 'queue';
export const QUEUE_EVENT = 'gridkeeper:queue';

function open() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'qid', autoIncrement: true });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx(mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const out = fn(t.objectStore(STORE));
    t.oncomplete = () => resolve(out && out.result !== undefined ? out.result : out);
    t.onerror = () => reject(t.error);
  });
}

export const entries = () => tx('readonly', (s) => s.getAll());
const put = (e) => tx('readwrite', (s) => s.put(e));
const remove = (qid) => tx('readwrite', (s) => s.delete(qid));

function changed(extra = {}) {
  entries().then((list) => window.dispatchEvent(new CustomEvent(QUEUE_EVENT, { detail: { count: list.length, ...extra } })));
}

// send performs one entry: its photo first (once), then its action.
async function send(e) {
  if (e.photo && !e.photoDone) {
    await upload(e.problemId, e.photoKind, e.photo, e.recheckId);
    e.photoDone = true;
    if (e.qid) await put(e);
  }
  if (e.type === 'recheck') {
    return sendJSON(`rechecks/${e.recheckId}`, { result: e.result, note: e.note || '' });
  }
  return sendJSON(`problems/${e.problemId}/actions`, { action: e.action, note: e.note || '' }, { 'If-Match': `"${e.version}"` });
}

// landed says whether entry e already took effect: the problem's log has
// its action, by anyone, after the version it was taken on.
async function landed(e) {
  const d = await get(`problems/${e.problemId}`);
  if (e.type === 'recheck') {
    const r = (d.rechecks || []).find((x) => x.id === e.recheckId);
    return Boolean(r && r.status !== 'pending');
  }
  const since = d.events.filter((ev) => ev.action === e.action && new Date(ev.at) >= new Date(e.queuedAt) - 5 * 60_000);
  return d.version > e.version && since.length > 0;
}

// act performs an action now, or queues it when there is no network. It
// returns {done: answer} or {queued: true}; an HTTP refusal throws.
export async function act(entry) {
  const e = { ...entry, queuedAt: new Date().toISOString(), photoDone: false };
  try {
    return { done: await send(e) };
  } catch (err) {
    if (!(err instanceof Offline)) throw err;
    await put(e);
    changed();
    return { queued: true };
  }
}

let flushing = false;

// flush sends what waits, oldest first; it stops at the first entry that
// still cannot reach the server. Conflicts are reported with QUEUE_EVENT.
export async function flush() {
  if (flushing || !navigator.onLine) return;
  flushing = true;
  const conflicts = [];
  let applied = 0;
  try {
    for (const e of await entries()) {
      try {
        await send(e);
        await remove(e.qid);
        applied++;
      } catch (err) {
        if (err instanceof Offline) break;
        const replay = err instanceof HttpError && (err.status === 412 || (e.type === 'recheck' && err.status === 409));
        if (replay && await landed(e).catch(() => false)) {
          await remove(e.qid); // its first attempt landed; the answer was lost
          applied++;
          continue;
        }
        await remove(e.qid);
        conflicts.push({ entry: e, status: err.status || 0, message: err.message });
      }
    }
  } finally {
    flushing = false;
    changed({ applied, conflicts });
  }
}

export function startQueue() {
  window.addEventListener('online', () => flush());
  setInterval(() => flush(), 15_000);
  flush();
  changed();
}
