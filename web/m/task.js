// One task on the phone: a small map, the facts, the actions the officer
// may take now, the chain, the timeline and the photos. Actions go through
// queue.js, so one taken offline waits and is sent later.

import { HttpError, get, photoURL } from './api.js';
import { act } from './queue.js';
import { h } from './dom.js';

const STATUS = {
  dispatched: '待处置 Dispatched', in_progress: '处置中 In progress', resolved: '已处置待核查 Resolved',
  closed: '已结案 Closed', registered: '已立案 Registered', reported: '待核实 Reported', parked: '挂账 Parked',
};
const ACTION = { start: '开始处置 Start', resolve: '处置完成 Resolve', send_back: '回退 Send back' };
const KIND = { report: '上报 Report', before: '处置前 Before', after: '处置后 After', recheck: '回头看 Re-check' };
const PHONE_ACTIONS = ['start', 'resolve', 'send_back'];

let map = null;

function minimap(el, d) {
  if (map) { map.remove(); map = null; }
  if (!window.maplibregl) return;
  try {
    map = new window.maplibregl.Map({
      container: el, center: [d.lon, d.lat], zoom: 15, interactive: false, attributionControl: false,
      style: { version: 8, sources: {}, layers: [{ id: 'bg', type: 'background', paint: { 'background-color': '#e5e9ee' } }] },
    });
  } catch {
    return; // no WebGL: the facts still say where
  }
  map.on('load', async () => {
    if (d.grid) {
      try {
        const grid = await get(`areas/${encodeURIComponent(d.grid)}`);
        map.addSource('grid', { type: 'geojson', data: grid });
        map.addLayer({ id: 'grid-fill', type: 'fill', source: 'grid', paint: { 'fill-color': '#1565c0', 'fill-opacity': 0.08 } });
        map.addLayer({ id: 'grid-line', type: 'line', source: 'grid', paint: { 'line-color': '#1565c0', 'line-width': 2 } });
      } catch { /* the point alone */ }
    }
    map.addSource('task', { type: 'geojson', data: { type: 'Point', coordinates: [d.lon, d.lat] } });
    map.addLayer({ id: 'task', type: 'circle', source: 'task', paint: { 'circle-radius': 8, 'circle-color': '#d32f2f', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } });
    el.dataset.state = 'loaded';
  });
}

function chainList(chain) {
  const links = Array.isArray(chain) ? chain : [];
  if (!links.length) return h('p', { class: 'sub' }, '无责任链 No chain');
  return h('ol', { class: 'chain', 'data-field': 'chain' }, links.map((l) => h('li', { 'data-role': l.role },
    `${(l.target && l.target.name) || ''} · ${l.role}: `, l.holder ? h('strong', {}, l.holder.name || l.holder.code) : h('em', {}, '空缺 vacant'))));
}

function timeline(events) {
  return h('ol', { class: 'timeline', 'data-field': 'events' }, (events || []).map((e) => h('li', { 'data-action': e.action },
    `${new Date(e.at).toLocaleString('zh-CN')} ${e.action} · ${e.actor}`, e.note ? h('div', { class: 'sub' }, e.note) : '')));
}

function photoList(photos) {
  if (!photos.length) return h('p', { class: 'sub', 'data-field': 'photos' }, '无照片 No photos');
  return h('ul', { class: 'photos', 'data-field': 'photos' }, photos.map((p) => h('li', { 'data-kind': p.kind, 'data-photo': p.id },
    h('img', { src: photoURL(p.thumb_url), alt: KIND[p.kind] || p.kind }), h('small', {}, KIND[p.kind] || p.kind))));
}

// taskView renders problem id into body and keeps it current after actions.
export async function taskView(body, id, note = '') {
  let d;
  let photos;
  try {
    [d, photos] = await Promise.all([get(`problems/${id}`), get(`problems/${id}/photos`)]);
  } catch (err) {
    body.replaceChildren(h('p', { class: 'msg bad' }, `无法加载 Could not load: ${err.message}`));
    body.dataset.state = 'error';
    return;
  }
  const msg = h('p', { class: 'msg task-msg', role: 'status' }, note);
  const mapEl = h('div', { id: 'minimap', 'data-state': 'loading' });
  const run = async (action, extra = {}) => {
    for (const b of body.querySelectorAll('.actions button')) b.disabled = true;
    try {
      const r = await act({ type: 'action', problemId: id, action, version: d.version, ...extra });
      if (r.queued) {
        body.dataset.queued = action;
        msg.textContent = `已排队「${ACTION[action]}」，联网后发送 Queued: sent when the network is back`;
        msg.classList.remove('bad');
        return;
      }
      taskView(body, id, `已提交 Done: ${ACTION[action]}`);
    } catch (err) {
      for (const b of body.querySelectorAll('.actions button')) b.disabled = false;
      msg.classList.add('bad');
      if (err instanceof HttpError && err.status === 412) {
        msg.replaceChildren(`冲突 Conflict: 问题已被他人更改 the problem changed (version ${d.version} → ${err.body.current_version}). `,
          h('button', { type: 'button', onclick: () => taskView(body, id) }, '重新加载 Reload'));
      } else {
        msg.textContent = `未执行 Not done (${err.status || ''}): ${err.message}`;
      }
    }
  };
  const allowed = (d.allowed_actions || []).filter((a) => PHONE_ACTIONS.includes(a));
  const photoInput = h('input', { type: 'file', id: 'after-photo', accept: 'image/jpeg,image/png,image/webp', capture: 'environment' });
  const reason = h('textarea', { id: 'sendback-note', rows: 2, placeholder: '回退原因 Why (wrong handler, not ours, …)' });
  const actions = h('section', { class: 'actions', 'data-field': 'actions' },
    allowed.length ? '' : h('p', { class: 'sub' }, '现在没有可做的 Nothing to do now'),
    allowed.includes('start') ? h('button', { type: 'button', class: 'primary', 'data-action': 'start', onclick: () => run('start') }, ACTION.start) : '',
    allowed.includes('resolve') ? [h('label', { for: 'after-photo' }, '处置后照片 After photo'), photoInput,
      h('button', { type: 'button', class: 'primary', 'data-action': 'resolve', onclick: () => {
        const file = photoInput.files[0];
        run('resolve', file ? { photo: file, photoKind: 'after' } : {});
      } }, ACTION.resolve)] : '',
    allowed.includes('send_back') ? [h('label', { for: 'sendback-note' }, '回退 Send back'), reason,
      h('button', { type: 'button', class: 'danger', 'data-action': 'send_back', onclick: () => {
        if (!reason.value.trim()) { msg.textContent = '请写明回退原因 Say why'; msg.classList.add('bad'); return; }
        run('send_back', { note: reason.value.trim() });
      } }, ACTION.send_back)] : '');
  body.replaceChildren(
    h('h2', {}, `${d.category_name} · ${d.number}`),
    h('p', {}, h('span', { class: 'status', 'data-field': 'status', 'data-status': d.status }, STATUS[d.status] || d.status),
      d.light ? h('span', { 'data-light': d.light }, ' ', h('span', { class: 'dot' })) : ''),
    mapEl,
    h('dl', { class: 'facts' },
      h('dt', {}, '期限 Due'), h('dd', {}, d.due_at ? new Date(d.due_at).toLocaleString('zh-CN') : '—'),
      h('dt', {}, '地点 Place'), h('dd', {}, [d.address, d.street, d.grid].filter(Boolean).join(' · ') || `${d.lon}, ${d.lat}`),
      h('dt', {}, '描述 What'), h('dd', {}, d.description || '—'),
      h('dt', {}, '处置人 Handler'), h('dd', {}, d.assignee ? d.assignee.name : '—')),
    msg, actions,
    h('h3', {}, '照片 Photos'), photoList(photos.photos || []),
    h('h3', {}, '责任链 Chain'), chainList(d.chain),
    h('h3', {}, '过程 Timeline'), timeline(d.events));
  body.dataset.state = 'loaded';
  body.dataset.status = d.status;
  delete body.dataset.queued;
  minimap(mapEl, d);
}
