// Gridkeeper map page: the city's own areas and streets, drawn by MapLibre GL
// JS over a plain background. No basemap, no tiles, no fonts from elsewhere:
// every request goes to the server that served this page, by relative URL.
// Plain ES modules, no build step: api.js (requests and problem+json),
// geometry.js, layers.js (levels, zoom ranges, the MapLibre style and its
// labels), panel.js (the side panel), duties.js (holders, history, the
// assign form), chain.js (the responsibility chain), auth.js (the sign-in
// box and its token) and this file (start-up, layer switcher, tools, status
// line, loading, clicks).
//
// Data loading
//   Districts, subdistricts and communities are few (tens to a few hundred per
//   city): each level is fetched whole, once, at start-up.
//   Grids and street segments are many (a large city has tens of thousands of
//   grids): they are fetched for the visible box on `moveend`, only while the
//   map is zoomed in far enough to show them and their layer is switched on.
//   The box is padded by half a screen each way, so panning inside it fetches
//   nothing; a newer request aborts an older one still in flight. A paged
//   response (OGC-style `links: [{rel: "next", href}]`) is followed.
//   Frontage units and zones load the same way from street zoom (16) on.
//   Vacancies (/qa: grids without an officer, streets without a chief) load
//   for the whole city when their layer is switched on, and again whenever a
//   duty changes on the page, so an assignment shows without a reload.
//
// Clicks
//   A frontage unit, else a street line, else a frontage zone, else the
//   finest area drawn (a red vacancy counts as its grid) opens in the panel.
//   In chain mode (the "Who answers here" button) a click anywhere shows the
//   responsibility chain there for the chosen category instead.
//
// Test hook
//   window.gridkeeper = {map, ready, select(code, options)}: `ready` resolves
//   once the whole-city levels have loaded and been drawn; select also takes
//   "street:CODE" and "frontage:ID". <body data-state> is loading | ready |
//   error; data-grids, data-streets, data-frontages and data-vacancies are
//   off | loading | loaded | error; data-categories is loading | loaded |
//   error; data-mode is chain while chain mode is on.

/* global maplibregl */

import { API, getFeatures, getJSON } from './api.js';
import { mountSignIn } from './auth.js';
import { DUTIES_EVENT } from './duties.js';
import { bboxOf } from './geometry.js';
import { mountHeat } from './heat.js';
import { AREAS, FRONTAGES, STREETS, VACANCIES, prepare, prepareFrontages, prepareVacancies, style } from './layers.js';
import { Panel, h, problemBox } from './panel.js';

// Dezhou's centre: the view until the districts have loaded and been fitted.
const START = { center: [116.4, 37.45], zoom: 9.5 };

// The layer switcher: each entry shows or hides the map layers it names.
const SWITCHES = [
  ...AREAS.map((a) => ({
    key: a.level,
    name: a.name,
    minzoom: a.minzoom,
    swatch: a.line,
    layers: [`${a.level}-fill`, `${a.level}-line`, `${a.level}-label`],
  })),
  { key: 'street', name: '道路 Streets', minzoom: STREETS.minzoom, swatch: STREETS.line, layers: ['street-line', 'street-label'] },
  {
    key: 'frontage', name: '门前五包 Frontages', minzoom: FRONTAGES.minzoom, swatch: FRONTAGES.owned,
    layers: ['frontage-zone-fill', 'frontage-zone-line', 'frontage-unit-fill', 'frontage-unit-point', 'frontage-label'],
  },
  {
    key: 'vacancy', name: '空缺 Vacancies', minzoom: VACANCIES.minzoom, swatch: VACANCIES.line, off: true,
    title: '无网格员的网格（红色）与无街长的道路（红色虚线） Grids without an officer (red), streets without a chief (dashed red)',
    layers: ['vacancy-fill', 'vacancy-line', 'vacancy-street'],
  },
  { key: 'labels', name: '标注 Labels', minzoom: 0, swatch: null, layers: [] },
];

const $ = (sel) => document.querySelector(sel);

const map = new maplibregl.Map({
  container: 'map',
  style: style(),
  center: START.center,
  zoom: START.zoom,
  minZoom: 5,
  maxZoom: 19,
  dragRotate: false,
  pitchWithRotate: false,
  touchPitch: false,
  attributionControl: { compact: true, customAttribution: 'Gridkeeper' },
});
map.touchZoomRotate.disableRotation();
map.keyboard.disableRotation();
map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'bottom-right');
map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
const panel = new Panel(map);

// ---------------------------------------------------------------- status line

const counts = {};
const loading = new Set();
let lastError = null;

function renderStatus() {
  const el = $('#status');
  const parts = [`缩放 Zoom ${map.getZoom().toFixed(1)}`];
  for (const s of SWITCHES) {
    if (counts[s.key] !== undefined) parts.push(`${s.name.split(' ')[0]} ${counts[s.key]}`);
  }
  if (loading.size) parts.push('加载中 Loading…');
  if (lastError) parts.push(`⚠ ${lastError}`);
  el.textContent = parts.join(' · ');
  el.classList.toggle('error', Boolean(lastError));
}

// ---------------------------------------------------------------- layer switcher

function switchOn(key) {
  const box = document.getElementById(`layer-${key}`);
  return !box || box.checked;
}

function applyVisibility() {
  for (const s of SWITCHES) {
    for (const id of s.layers) {
      const on = switchOn(s.key) && (!id.endsWith('-label') || switchOn('labels'));
      map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
    }
  }
}

function swatch(colour) {
  const el = h('span', { class: 'swatch' });
  if (colour) el.style.background = colour; // CSSOM, not a style attribute: fine under a strict CSP
  return el;
}

function buildSwitcher() {
  const fieldset = $('#layers fieldset');
  for (const s of SWITCHES) {
    const input = h('input', { type: 'checkbox', id: `layer-${s.key}`, name: 'layer', value: s.key, checked: !s.off });
    const label = h('label', { for: `layer-${s.key}`, 'data-minzoom': s.minzoom, title: s.title },
      input,
      swatch(s.swatch),
      h('span', { class: 'name' }, s.name),
      s.minzoom > 0 ? h('span', { class: 'range', title: `缩放到 ${s.minzoom} 级以上显示 Shown from zoom ${s.minzoom}` }, `≥${s.minzoom}`) : '');
    fieldset.append(label);
  }
  fieldset.addEventListener('change', (e) => {
    applyVisibility();
    refreshBboxLayers();
    if (e.target.value === 'vacancy') loadVacancies();
  });
  const marks = () => {
    const z = map.getZoom();
    for (const label of fieldset.querySelectorAll('label')) {
      label.classList.toggle('out-of-range', z < Number(label.dataset.minzoom));
    }
    renderStatus();
  };
  map.on('zoom', marks);
  marks();
}

// ---------------------------------------------------------------- loading

// reportLoadErrors shows failed loads, [[what, error], ...], in the status line and the panel.
function reportLoadErrors(failures) {
  const [what, err] = failures[0];
  lastError = `${what}: ${err.title || err.message}`;
  renderStatus();
  for (const [w, e] of failures) console.error(`gridkeeper: loading ${w} failed:`, e.message); // eslint-disable-line no-console
  panel.open(h('h2', { id: 'panel-title' }, '加载失败 Loading failed'), failures.map(([w, e]) => problemBox(e, w)));
}

function setArea(level, fc) {
  const labels = prepare(fc); // before setData: it adds the fill colours
  map.getSource(`area-${level}`).setData(fc);
  map.getSource(`label-${level}`).setData(labels);
  counts[level] = fc.features.length;
  renderStatus();
}

async function loadWhole(level) {
  loading.add(level);
  renderStatus();
  try {
    const fc = await getFeatures(`${API}areas?level=${level}`);
    setArea(level, fc);
    return fc;
  } finally {
    loading.delete(level);
    renderStatus();
  }
}

// BboxLayer keeps one source filled with the features around the view.
class BboxLayer {
  constructor(key, name, minzoom, url, apply) {
    Object.assign(this, { key, name, minzoom, url, apply, box: null, ctrl: null });
  }

  state(s) {
    document.body.dataset[`${this.key}s`] = s;
  }

  // reload drops what is loaded, so that the next refresh fetches anew.
  reload() {
    this.box = null;
    this.refresh();
  }

  refresh() {
    if (!switchOn(this.key) || map.getZoom() < this.minzoom) {
      if (!this.ctrl) this.state(this.box ? 'loaded' : 'off');
      return;
    }
    const v = map.getBounds();
    const view = [v.getWest(), v.getSouth(), v.getEast(), v.getNorth()];
    if (this.box && contains(this.box, view)) return;
    const dx = (view[2] - view[0]) / 2;
    const dy = (view[3] - view[1]) / 2;
    const box = [
      Math.max(-180, view[0] - dx), Math.max(-90, view[1] - dy),
      Math.min(180, view[2] + dx), Math.min(90, view[3] + dy),
    ].map((n) => Number(n.toFixed(5)));
    if (this.ctrl) this.ctrl.abort();
    const ctrl = new AbortController();
    this.ctrl = ctrl;
    loading.add(this.key);
    this.state('loading');
    renderStatus();
    getFeatures(this.url(box.join(',')), ctrl.signal)
      .then((fc) => {
        if (this.ctrl !== ctrl) return;
        this.box = box;
        this.apply(fc);
        counts[this.key] = fc.features.length;
        if (lastError && lastError.startsWith(this.name)) lastError = null;
        this.state('loaded');
      })
      .catch((err) => {
        if (err.name === 'AbortError' || this.ctrl !== ctrl) return;
        this.state('error');
        reportLoadErrors([[this.name, err]]);
      })
      .finally(() => {
        if (this.ctrl !== ctrl) return;
        this.ctrl = null;
        loading.delete(this.key);
        renderStatus();
      });
  }
}

function contains(outer, inner) {
  return outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3];
}

const bboxLayers = [
  new BboxLayer('grid', '网格 Grids', AREAS.find((a) => a.level === 'grid').minzoom,
    (bbox) => `${API}areas?level=grid&bbox=${bbox}`, (fc) => setArea('grid', fc)),
  new BboxLayer('street', '道路 Streets', STREETS.minzoom,
    (bbox) => `${API}streets?bbox=${bbox}`, (fc) => map.getSource('street').setData(fc)),
  new BboxLayer('frontage', '门前五包 Frontages', FRONTAGES.minzoom,
    (bbox) => `${API}frontages?bbox=${bbox}`, (fc) => map.getSource('frontage').setData(prepareFrontages(fc))),
];
const frontageLayer = bboxLayers.find((l) => l.key === 'frontage');

// ---------------------------------------------------------------- vacancies

let vacancyCtrl = null;

// loadVacancies fetches the city's vacancies while their layer is on.
async function loadVacancies() {
  if (vacancyCtrl) vacancyCtrl.abort();
  vacancyCtrl = null;
  if (!switchOn('vacancy')) {
    if (document.body.dataset.vacancies !== 'loaded') document.body.dataset.vacancies = 'off';
    loading.delete('vacancy');
    renderStatus();
    return;
  }
  const ctrl = new AbortController();
  vacancyCtrl = ctrl;
  document.body.dataset.vacancies = 'loading';
  loading.add('vacancy');
  renderStatus();
  try {
    const fc = await getFeatures(`${API}qa?type=grid_without_officer,street_without_chief`, ctrl.signal);
    if (vacancyCtrl !== ctrl) return;
    map.getSource('vacancy').setData(prepareVacancies(fc));
    counts.vacancy = fc.features.length;
    if (lastError && lastError.startsWith('空缺')) lastError = null;
    document.body.dataset.vacancies = 'loaded';
  } catch (err) {
    if (err.name === 'AbortError' || vacancyCtrl !== ctrl) return;
    document.body.dataset.vacancies = 'error';
    reportLoadErrors([['空缺 Vacancies', err]]);
  } finally {
    if (vacancyCtrl === ctrl) {
      vacancyCtrl = null;
      loading.delete('vacancy');
      renderStatus();
    }
  }
}

// A duty changed somewhere on the page: what shows duties on the map follows.
window.addEventListener(DUTIES_EVENT, (e) => {
  const target = (e.detail && e.detail.target) || '';
  if (switchOn('vacancy') && /^(area|street):/.test(target)) loadVacancies();
  if (target.startsWith('frontage:')) frontageLayer.reload();
});

// ---------------------------------------------------------------- tools: categories and chain mode

const CATEGORY_KEY = 'gridkeeper.category';
const KIND_GROUPS = { event: '事件 Event', component: '部件 Component' };

function chainMode() {
  return document.body.dataset.mode === 'chain';
}

function setChainMode(on) {
  if (on) document.body.dataset.mode = 'chain';
  else delete document.body.dataset.mode;
  $('#chain-mode').setAttribute('aria-pressed', String(on));
  $('#chain-hint').hidden = !on;
  map.getCanvas().style.cursor = on ? 'crosshair' : '';
}

async function loadCategories() {
  const select = $('#category');
  document.body.dataset.categories = 'loading';
  let r;
  try {
    r = await getJSON(`${API}categories?active=true`);
  } catch (err) {
    document.body.dataset.categories = 'error';
    select.replaceChildren(h('option', { value: '' }, '无法加载 Could not load'));
    $('#chain-tool').append(problemBox(err, 'categories'));
    return;
  }
  const list = Array.isArray(r) ? r : (r && r.items) || [];
  const groups = new Map();
  for (const c of list) {
    const key = `${c.kind}|${c.big_class}`;
    if (!groups.has(key)) {
      groups.set(key, h('optgroup', { label: `${KIND_GROUPS[c.kind] || c.kind} ${c.big_class} ${c.big_class_name || ''}`.trim() }));
    }
    groups.get(key).append(h('option', { value: c.code, 'data-first': c.first_in_line }, `${c.name} · ${c.code}`));
  }
  select.replaceChildren(...groups.values());
  if (!list.length) select.replaceChildren(h('option', { value: '' }, '尚无类别 No categories'));
  let saved = '';
  try {
    saved = localStorage.getItem(CATEGORY_KEY) || '';
  } catch {
    // storage blocked
  }
  if (saved && list.some((c) => c.code === saved)) select.value = saved;
  select.disabled = !list.length;
  document.body.dataset.categories = 'loaded';
}

function buildTools() {
  const select = $('#category');
  select.addEventListener('change', () => {
    try {
      localStorage.setItem(CATEGORY_KEY, select.value);
    } catch {
      // storage blocked: the choice lasts for this page only
    }
    // A chain on show follows the category.
    const last = panel.lastChain;
    if (last && $('#panel').dataset.view === 'chain' && select.value) panel.chain(last.lngLat, select.value);
  });
  $('#chain-mode').addEventListener('click', () => setChainMode(!chainMode()));
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && chainMode()) setChainMode(false);
  });
  mountSignIn($('#signin-box'));
  loadCategories();
}

function refreshBboxLayers() {
  for (const l of bboxLayers) l.refresh();
}

// ---------------------------------------------------------------- clicks

const shown = (ids) => ids.filter((id) => map.getLayoutProperty(id, 'visibility') !== 'none');

// clickable lists the area fill layers that are switched on (a vacancy
// stands for its grid).
function clickable() {
  return shown([...AREAS.map((a) => `${a.level}-fill`), 'vacancy-fill']);
}

const UNIT_LAYERS = ['frontage-unit-fill', 'frontage-unit-point'];
const STREET_SLOP = 2; // pixels either side of a street line that still hit it

// plain copies a rendered feature into GeoJSON for the selection source.
const plain = (f) => ({ type: 'Feature', properties: { ...f.properties }, geometry: f.geometry });

function onMapClick(e) {
  if (heat && heat.handles(e)) return; // a heat or hotspot cell (not a problem on it)
  if (chainMode()) {
    const category = $('#category').value;
    if (!category) {
      panel.open(h('h2', { id: 'panel-title' }, '责任链 Who answers here'),
        problemBox({ title: '请先选择问题类别 Pick a category first', detail: '类别列表为空或未加载 The category list is empty or failed to load' }, 'categories'));
      return;
    }
    panel.chain(e.lngLat, category);
    return;
  }
  const { x, y } = e.point;
  const near = [[x - STREET_SLOP, y - STREET_SLOP], [x + STREET_SLOP, y + STREET_SLOP]];
  const unit = map.queryRenderedFeatures(near, { layers: shown(UNIT_LAYERS) })[0];
  if (unit) {
    panel.select(`frontage:${unit.properties._id}`, { lngLat: e.lngLat, feature: plain(unit) });
    return;
  }
  const street = map.queryRenderedFeatures(near, { layers: shown(['street-line']) })[0];
  if (street) {
    panel.select(`street:${street.properties.code}`, { lngLat: e.lngLat, feature: plain(street) });
    return;
  }
  const zone = map.queryRenderedFeatures(e.point, { layers: shown(['frontage-zone-fill']) })[0];
  if (zone) {
    panel.select(`frontage:${zone.properties._id}`, { lngLat: e.lngLat, feature: plain(zone) });
    return;
  }
  const hits = map.queryRenderedFeatures(e.point, { layers: clickable() });
  // The finest level drawn at this zoom wins; a vacancy is a grid.
  const rank = (f) => (f.layer.id === 'vacancy-fill' ? AREAS.length - 1 : AREAS.findIndex((a) => `${a.level}-fill` === f.layer.id));
  hits.sort((a, b) => rank(b) - rank(a));
  const hit = hits[0];
  if (!hit) {
    panel.close();
    return;
  }
  panel.select(hit.properties.code, { lngLat: e.lngLat });
}

function overClickable(point) {
  const { x, y } = point;
  const near = [[x - STREET_SLOP, y - STREET_SLOP], [x + STREET_SLOP, y + STREET_SLOP]];
  return map.queryRenderedFeatures(near, { layers: shown([...UNIT_LAYERS, 'street-line']) }).length > 0
    || map.queryRenderedFeatures(point, { layers: [...clickable(), ...shown(['frontage-zone-fill'])] }).length > 0;
}

// ---------------------------------------------------------------- start-up

map.on('error', (e) => {
  const msg = (e.error && e.error.message) || String(e.error || e);
  console.error('gridkeeper: map error:', msg); // eslint-disable-line no-console
  lastError = msg;
  renderStatus();
});

let heat = null; // heat.js, once the map has loaded

const ready = new Promise((resolve, reject) => {
  map.once('load', async () => {
    try {
      buildSwitcher();
      applyVisibility();
      buildTools();
      loadVacancies();
      map.on('click', onMapClick);
      map.on('mousemove', (e) => {
        if (chainMode()) return; // crosshair
        map.getCanvas().style.cursor = overClickable(e.point) ? 'pointer' : '';
      });
      map.on('moveend', refreshBboxLayers);
      // Heat and hotspot layers (heat.js): after the handlers above, so that
      // its pointer cursor over a cell wins.
      heat = mountHeat(map, {
        box: $('#heat-tool'), categorySelect: $('#category'), panel, openProblem: (id) => panel.problem(id, { fly: true }),
      });

      const whole = AREAS.filter((a) => a.load === 'whole');
      const results = await Promise.allSettled(whole.map((a) => loadWhole(a.level)));
      const failed = results.map((r, i) => [whole[i], r.reason]).filter((x) => x[1]);
      if (failed.length) reportLoadErrors(failed.map(([a, err]) => [a.name, err]));
      // Fit the city to its districts; whatever did load is shown even when a level failed.
      const d = results[whole.findIndex((a) => a.level === 'district')];
      const b = (d.status === 'fulfilled' ? d.value.features : [])
        .map((f) => bboxOf(f.geometry)).filter(Boolean)
        .reduce((acc, x) => [Math.min(acc[0], x[0]), Math.min(acc[1], x[1]), Math.max(acc[2], x[2]), Math.max(acc[3], x[3])],
          [Infinity, Infinity, -Infinity, -Infinity]);
      if (b[0] <= b[2]) map.fitBounds(b, { padding: 40, duration: 0 });
      else if (!failed.length) lastError = '尚无区划数据 No areas loaded';
      refreshBboxLayers();
      renderStatus();
      if (failed.length) throw failed[0][1];
      // Ready once the loaded levels have been drawn, so that a click can hit them.
      await new Promise((r) => map.once('idle', r));
      document.body.dataset.state = 'ready';
      resolve();
    } catch (err) {
      document.body.dataset.state = 'error';
      reject(err);
    }
  });
});
ready.catch(() => {}); // reported in the panel; keep it from being an unhandled rejection

for (const l of bboxLayers) l.state('off');
document.body.dataset.vacancies = 'off';
window.gridkeeper = { map, ready, select: (code, options) => panel.select(code, options) };
