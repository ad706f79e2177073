// The side panel: one area's code, name, level and parents, what the server
// finds at the clicked point, and API errors (problem+json title and detail)
// in place of silence.

import { API, getJSON } from './api.js';
import { bboxOf } from './geometry.js';
import { EMPTY, LEVEL_NAMES } from './layers.js';

const $ = (sel) => document.querySelector(sel);

// h builds an element; text children become text nodes, so names from the
// server are never parsed as HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k === 'checked') el.checked = Boolean(v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined && c !== '') el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

function levelBadge(level) {
  const n = LEVEL_NAMES[level];
  return h('span', { class: 'badge', 'data-level': level }, n ? `${n[0]} ${n[1]}` : level || '?');
}

// problemBox shows an ApiError (or any error); `what` names the request.
export function problemBox(err, what) {
  return h('div', { class: 'problem', role: 'alert' },
    h('strong', {}, err.title || err.name || '错误 Error'),
    err.detail ? h('p', {}, err.detail) : (!err.title ? h('p', {}, err.message) : ''),
    // Per-field reasons, unless the detail already says the only one.
    err.params && (err.params.length > 1 || (err.params.length === 1 && !err.detail))
      ? h('ul', {}, err.params.map(([field, reason]) => h('li', {}, field ? `${field}: ${reason}` : reason)))
      : '',
    h('small', {}, [what, err.status ? `HTTP ${err.status}` : '', err.url].filter(Boolean).join(' · ')));
}

const codeRow = (code) => [h('dt', {}, '编码 Code'), h('dd', { class: 'code', 'data-field': 'code' }, code)];

// Panel drives the panel for one map; the map must have a `selection` source.
export class Panel {
  constructor(map) {
    this.map = map;
    this.current = null; // AbortController of the selection being shown
    $('#panel-close').addEventListener('click', () => this.close());
  }

  open(...content) {
    $('#panel-body').replaceChildren(...content.flat());
    $('#panel').hidden = false;
  }

  close() {
    $('#panel').hidden = true;
    $('#panel-body').replaceChildren();
    this.highlight(null);
    if (this.current) this.current.abort();
    this.current = null;
  }

  highlight(feature) {
    this.map.getSource('selection').setData(feature && feature.geometry ? feature : EMPTY);
  }

  // select shows one area. options.lngLat: the clicked point, also looked up
  // with /locate; options.fit: zoom the map to the area.
  async select(code, options = {}) {
    if (this.current) this.current.abort();
    const ctrl = new AbortController();
    this.current = ctrl;
    const stale = () => this.current !== ctrl;
    const { lngLat, fit } = options;
    const where = h('section', { class: 'where' });
    this.open(h('h2', { id: 'panel-title' }, '加载中 Loading…'), h('dl', {}, codeRow(code)), where);
    if (lngLat) this.locate(lngLat, where, ctrl);

    let f;
    try {
      f = await getJSON(`${API}areas/${encodeURIComponent(code)}`, ctrl.signal);
    } catch (err) {
      if (err.name === 'AbortError' || stale()) return;
      this.highlight(null);
      this.open(
        h('h2', { id: 'panel-title' }, '无法显示 Cannot show area'),
        h('dl', {}, codeRow(code)),
        problemBox(err, `area ${code}`),
        where);
      return;
    }
    if (stale()) return;
    const p = f.properties || {};
    const ancestors = Array.isArray(p.ancestors) ? p.ancestors : [];
    const parent = ancestors[ancestors.length - 1];
    this.highlight(f);
    this.open(
      h('h2', { id: 'panel-title' }, p.name || code),
      h('dl', {},
        codeRow(p.code || code),
        h('dt', {}, '层级 Level'), h('dd', { 'data-field': 'level' }, levelBadge(p.level)),
        h('dt', {}, '上级 Parent'),
        h('dd', { 'data-field': 'parent' }, parent ? `${parent.name} (${parent.code})` : p.parent || '—')),
      h('h3', {}, '所属 Part of'),
      ancestors.length
        ? h('ol', { class: 'ancestors', 'data-field': 'ancestors' }, ancestors.map((a) => h('li', {},
          h('button', { type: 'button', title: '查看 Show', onclick: () => this.select(a.code, { fit: true }) }, a.name || a.code),
          ' ', h('span', { class: 'code' }, a.code), ' ', levelBadge(a.level))))
        : h('p', { class: 'loading' }, '无上级 Top level'),
      where);
    if (fit) {
      const b = bboxOf(f.geometry);
      // Keep the area clear of the panel on the right.
      const right = Math.min($('#panel').offsetWidth + 40, this.map.getContainer().clientWidth / 2);
      if (b) this.map.fitBounds(b, { padding: { top: 60, bottom: 60, left: 60, right }, maxZoom: 16, duration: 400 });
    }
  }

  // locate fills `where` with what the server finds at the clicked point.
  async locate(lngLat, where, ctrl) {
    const lon = lngLat.lng.toFixed(6);
    const lat = lngLat.lat.toFixed(6);
    const heading = () => h('h3', {}, '点击位置 Clicked point');
    where.replaceChildren(heading(), h('p', { class: 'loading' }, `${lon}, ${lat} …`));
    let r;
    try {
      r = await getJSON(`${API}locate?lon=${lon}&lat=${lat}`, ctrl.signal);
    } catch (err) {
      if (err.name === 'AbortError' || this.current !== ctrl) return;
      where.replaceChildren(heading(), problemBox(err, 'locate'));
      return;
    }
    if (this.current !== ctrl) return;
    const s = r.street;
    where.replaceChildren(heading(),
      h('dl', {},
        h('dt', {}, '经纬度 Lon, lat'), h('dd', { class: 'code' }, `${lon}, ${lat}`),
        h('dt', {}, '最近道路 Street'),
        h('dd', { 'data-field': 'street' },
          s ? `${s.name} (${s.code}) · ${Math.round(s.distance_m)} m` : '附近无道路 None nearby')));
  }
}
