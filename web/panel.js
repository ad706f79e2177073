// The side panel: one area's code, name, level and parents, or a street or
// frontage unit; who answers for it and who did before (duties.js); what the
// server finds at the clicked point; the responsibility chain at a point
// (chain.js); one problem (problem.js) and the form that reports one
// (report.js); and API errors (problem+json title and detail) in place of
// silence.

import { API, getJSON } from './api.js';
import { AUTH_EVENT } from './auth.js';
import { chainView } from './chain.js';
import { DUTIES_EVENT, dutiesSection } from './duties.js';
import { bboxOf } from './geometry.js';
import { EMPTY, LEVEL_NAMES } from './layers.js';
import { problemView } from './problem.js';
import { PROBLEMS_EVENT, changed } from './problems.js';
import { reportForm } from './report.js';

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

const KINDS = {
  street: { badge: '道路 Street', what: '道路 street' },
  frontage: { badge: '门前五包 Frontage', what: '门前五包单位 frontage unit' },
};

// Panel drives the panel for one map; the map must have `selection` and
// `point` sources.
export class Panel {
  constructor(map) {
    this.map = map;
    this.current = null; // AbortController of the selection being shown
    this.lastChain = null; // {lngLat, category} of the chain shown last
    $('#panel-close').addEventListener('click', () => this.close());
  }

  open(...content) {
    $('#panel-body').replaceChildren(...content.flat());
    $('#panel').hidden = false;
  }

  close() {
    $('#panel').hidden = true;
    $('#panel-body').replaceChildren();
    delete $('#panel').dataset.view;
    this.highlight(null);
    this.mark(null);
    if (this.current) this.current.abort();
    this.current = null;
  }

  // begin starts a new view: the old one's requests and listeners end.
  begin(view) {
    if (this.current) this.current.abort();
    const ctrl = new AbortController();
    this.current = ctrl;
    $('#panel').dataset.view = view;
    return ctrl;
  }

  highlight(feature) {
    const ok = feature && (feature.geometry || feature.type === 'FeatureCollection');
    this.map.getSource('selection').setData(ok ? feature : EMPTY);
  }

  // mark puts a pin on the map at lngLat (null: none); ring: a ring round a
  // selected problem instead, so that its colour shows.
  mark(lngLat, { ring = false } = {}) {
    this.map.getSource('point').setData(lngLat
      ? { type: 'Feature', properties: { ring }, geometry: { type: 'Point', coordinates: [lngLat.lng, lngLat.lat] } }
      : EMPTY);
  }

  // drawn finds a street's or frontage unit's geometry among the features
  // the map holds (they may be cut at tile edges: all pieces are kept).
  drawn(kind, key) {
    const source = kind === 'street' ? 'street' : 'frontage';
    const sourceLayer = kind === 'street' ? 'streets' : 'frontages';
    const filter = kind === 'street'
      ? ['==', ['get', 'code'], key]
      : ['==', ['to-string', ['get', 'id']], key];
    if (!this.map.getSource(source)) return null;
    const features = this.map.querySourceFeatures(source, { sourceLayer, filter });
    return features.length ? { type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', properties: {}, geometry: f.geometry })) } : null;
  }

  // back: a button to the problem or the chain this view was opened from, if any.
  back(options) {
    if (options.fromProblem) {
      return h('button', { type: 'button', class: 'back', onclick: () => this.problem(options.fromProblem, { fly: true }) }, '← 返回问题 Back to the problem');
    }
    if (!options.fromChain || !this.lastChain) return '';
    const { lngLat, category } = this.lastChain;
    return h('button', { type: 'button', class: 'back', onclick: () => this.chain(lngLat, category) }, '← 返回责任链 Back to the chain');
  }

  // select shows one area by code, a street or frontage unit by
  // "street:CODE" or "frontage:ID", or a problem by "problem:ID".
  // options.lngLat: the clicked point, also looked up with /locate;
  // options.fit: zoom the map to the area; options.feature: the map's
  // feature, to highlight (streets, frontages); options.fromChain,
  // options.fromProblem (its id): offer a way back.
  async select(code, options = {}) {
    const pr = /^problem:(\d+)$/.exec(code);
    if (pr) return this.problem(Number(pr[1]), options);
    const m = /^(street|frontage):(.+)$/.exec(code);
    if (m) return this.selectTarget(m[1], m[2], options);
    const ctrl = this.begin('area');
    const stale = () => this.current !== ctrl;
    const { lngLat, fit } = options;
    if (!options.fromChain) this.mark(null);
    const where = h('section', { class: 'where' });
    const back = this.back(options);
    this.open(back, h('h2', { id: 'panel-title' }, '加载中 Loading…'), h('dl', {}, codeRow(code)), where);
    if (lngLat) this.locate(lngLat, where, ctrl);

    let f;
    try {
      f = await getJSON(`${API}areas/${encodeURIComponent(code)}`, ctrl.signal);
    } catch (err) {
      if (err.name === 'AbortError' || stale()) return;
      this.highlight(null);
      this.open(
        back,
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
      back,
      h('h2', { id: 'panel-title' }, p.name || code),
      h('dl', {},
        codeRow(p.code || code),
        h('dt', {}, '层级 Level'), h('dd', { 'data-field': 'level' }, levelBadge(p.level)),
        h('dt', {}, '上级 Parent'),
        h('dd', { 'data-field': 'parent' }, parent ? `${parent.name} (${parent.code})` : p.parent || '—')),
      p.level === 'city' ? '' : dutiesSection(`area:${p.code || code}`, { level: p.level, signal: ctrl.signal }),
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

  // selectTarget shows a street or a frontage unit: its name and code (from
  // the duties answer), its holders and history, the assign form.
  selectTarget(kind, key, options = {}) {
    const ctrl = this.begin(kind);
    const { lngLat, feature } = options;
    if (!options.fromChain) this.mark(null);
    this.highlight(feature || this.drawn(kind, key));
    const k = KINDS[kind];
    const title = h('h2', { id: 'panel-title' }, '加载中 Loading…');
    const where = h('section', { class: 'where' });
    const facts = h('dl', {},
      codeRow(key),
      h('dt', {}, '类型 Kind'), h('dd', { 'data-field': 'level' }, h('span', { class: 'badge', 'data-level': kind }, k.badge)));
    const duties = dutiesSection(`${kind}:${key}`, {
      signal: ctrl.signal,
      onTarget: (info) => { title.textContent = info.name || key; },
      onError: () => { title.textContent = `无法显示 Cannot show ${k.what}`; },
    });
    this.open(this.back(options), title, facts, duties, where);
    if (lngLat) this.locate(lngLat, where, ctrl);
    if (kind === 'frontage') this.frontageFacts(key, facts, ctrl);
  }

  // frontageFacts adds a frontage unit's street, licence, contact and zone
  // to `facts`, and highlights the unit and its zone.
  async frontageFacts(id, facts, ctrl) {
    let f;
    try {
      f = await getJSON(`${API}frontages/${encodeURIComponent(id)}`, ctrl.signal);
    } catch (err) {
      if (err.name === 'AbortError' || this.current !== ctrl) return;
      facts.after(problemBox(err, `frontage ${id}`));
      return;
    }
    if (this.current !== ctrl) return;
    const p = f.properties || {};
    const row = (dt, dd, field) => (dd === null || dd === undefined || dd === '' ? [] : [h('dt', {}, dt), h('dd', { 'data-field': field }, dd)]);
    facts.append(
      ...row('道路 Street', p.street_name ? `${p.street_name} (${p.street})` : p.street, 'street-name'),
      ...row('执照 Licence', p.licence, 'licence'),
      ...row('联系人 Contact', p.contact, 'contact'),
      ...row('责任区 Zone', p.zone_area_m2 ? `${p.zone_area_m2} m² · 宽 width ${p.width_m} m` : null, 'zone'));
    const parts = [f.geometry, p.zone].filter(Boolean).map((g) => ({ type: 'Feature', properties: {}, geometry: g }));
    if (parts.length) this.highlight({ type: 'FeatureCollection', features: parts });
  }

  // chain shows who answers at lngLat for a category, and keeps it current
  // when duties change anywhere on the page.
  async chain(lngLat, category) {
    const ctrl = this.begin('chain');
    this.lastChain = { lngLat, category };
    this.highlight(null);
    this.mark(lngLat);
    const lon = lngLat.lng.toFixed(6);
    const lat = lngLat.lat.toFixed(6);
    const title = h('h2', { id: 'panel-title' }, '责任链 Who answers here');
    const body = h('section', { class: 'chain-view', 'data-state': 'loading' }, h('p', { class: 'loading' }, `${lon}, ${lat} …`));
    this.open(title, body);
    const open = (ref) => this.select(ref, { fromChain: true, fit: !/^(street|frontage):/.test(ref) });
    let seq = 0;
    const load = async (flash) => {
      const mine = ++seq;
      body.dataset.state = 'loading';
      let r;
      try {
        r = await getJSON(`${API}responsible?lon=${lon}&lat=${lat}&category=${encodeURIComponent(category)}`, ctrl.signal);
      } catch (err) {
        if (err.name === 'AbortError' || mine !== seq) return;
        body.dataset.state = 'error';
        body.replaceChildren(problemBox(err, 'responsible'));
        return;
      }
      if (mine !== seq || ctrl.signal.aborted) return;
      body.replaceChildren(...chainView(r, { open, flash }));
      body.dataset.state = 'loaded';
    };
    window.addEventListener(DUTIES_EVENT, (e) => load(e.detail && e.detail.message), { signal: ctrl.signal });
    window.addEventListener(AUTH_EVENT, (e) => { if (!e.detail.refused) load(); }, { signal: ctrl.signal });
    await load();
  }

  // problem shows problem `id` (problems.js: facts, actions, the chain when
  // it was reported, timeline, re-checks, recurrences) and keeps it current
  // when a write to it lands anywhere on the page. options.fly: bring it
  // into view; options.flash: a message on top.
  async problem(id, options = {}) {
    const ctrl = this.begin('problem');
    this.highlight(null);
    this.mark(null);
    const body = h('section', { class: 'problem-view', 'data-problem': id, 'data-state': 'loading' },
      h('h2', { id: 'panel-title' }, '加载中 Loading…'));
    this.open(this.back(options), body);
    let d = null;
    let flash = options.flash || '';
    let fly = Boolean(options.fly);
    let seq = 0;
    const open = (ref) => this.select(ref, { fromProblem: id, fit: !/^(street|frontage):/.test(ref) });
    const openProblem = (other) => this.problem(other, { fly: true });
    const render = () => {
      body.replaceChildren(...problemView(d, { open, openProblem, onChanged, reload: () => load(), flash }).flat().filter((c) => c !== ''));
    };
    const load = async () => {
      const mine = ++seq;
      body.dataset.state = 'loading';
      let r;
      try {
        r = await getJSON(`${API}problems/${id}`, ctrl.signal);
      } catch (err) {
        if (err.name === 'AbortError' || mine !== seq) return;
        body.dataset.state = 'error';
        body.replaceChildren(h('h2', { id: 'panel-title' }, `无法显示问题 Cannot show problem #${id}`), problemBox(err, `problem ${id}`));
        return;
      }
      if (mine !== seq || ctrl.signal.aborted) return;
      d = r;
      render();
      body.dataset.state = 'loaded';
      this.mark({ lng: d.lon, lat: d.lat }, { ring: true });
      if (fly) {
        fly = false;
        this.fly([d.lon, d.lat]);
      }
    };
    // An action taken here: show the reply at once, tell the page, then
    // fetch the timeline that goes with it. A re-check recorded here
    // (reply null) reloads through its own PROBLEMS_EVENT.
    function onChanged(reply, message) {
      flash = message || '';
      if (!reply) return;
      d = { ...d, ...reply };
      render();
      changed({ id, problem: reply, message, origin: ctrl });
      load();
    }
    window.addEventListener(PROBLEMS_EVENT, (e) => {
      const x = e.detail || {};
      if (x.origin !== ctrl && x.id === id) load();
    }, { signal: ctrl.signal });
    window.addEventListener(AUTH_EVENT, (e) => { if (d && !e.detail.refused) render(); }, { signal: ctrl.signal });
    await load();
  }

  // fly brings a point into view at street zoom, in the middle of the map
  // left clear by the boxes over it (the left column and the lists beside
  // it, the filter bar, the panel).
  fly(lonlat) {
    const c = this.map.getContainer().getBoundingClientRect();
    let [left, top, right, bottom] = [c.left, c.top, c.right, c.bottom];
    for (const el of document.querySelectorAll('body > .box:not([hidden]), #left')) {
      const r = el.getBoundingClientRect();
      if (!r.width || el.id === 'status') continue;
      if (r.width > 2 * r.height && r.top < c.top + c.height / 3) top = Math.max(top, r.bottom); // a bar along the top
      else if (r.left + r.width / 2 < c.left + c.width / 2) left = Math.max(left, r.right);
      else right = Math.min(right, r.left);
    }
    if (right - left < 80) [left, right] = [c.left, c.right];
    if (bottom - top < 80) [top, bottom] = [c.top, c.bottom];
    const offset = [(left + right) / 2 - (c.left + c.right) / 2, (top + bottom) / 2 - (c.top + c.bottom) / 2];
    this.map.easeTo({ center: lonlat, zoom: Math.max(this.map.getZoom(), 16), offset, duration: 500 });
  }

  // report shows the form that files a problem at lngLat (category: the
  // one to offer first); once filed, the problem itself, with its grid and
  // assignee.
  report(lngLat, category) {
    const ctrl = this.begin('report');
    this.highlight(null);
    this.mark(lngLat);
    const form = reportForm(lngLat, {
      category,
      signal: ctrl.signal,
      onCreated: (p) => {
        const message = `已上报 Reported: ${p.number}`;
        changed({ id: p.id, problem: p, created: true, message });
        if (this.current === ctrl) this.problem(p.id, { flash: message });
      },
    });
    this.open(
      h('h2', { id: 'panel-title' }, '上报问题 Report a problem'),
      h('p', { class: 'hint' }, '在此处上报，服务器按位置定网格并派遣 The server finds the grid and who answers here, and dispatches'),
      form);
    const first = form.querySelector('textarea');
    if (first) first.focus({ preventScroll: true });
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
