// Gridkeeper map page: the city's own areas and streets, drawn by MapLibre GL
// JS over a plain background. No basemap, no tiles, no fonts from elsewhere:
// every request goes to the server that served this page, by relative URL.
// Plain ES modules, no build step: api.js (requests and problem+json),
// geometry.js, layers.js (levels, zoom ranges, the MapLibre style and its
// labels), panel.js (the side panel), duties.js (holders, history, the
// assign form), chain.js (the responsibility chain), problems.js (what the
// problem views share, and the filter bar), problem.js (a problem in the
// panel), report.js (the report form), rechecks.js (the due re-checks
// list), auth.js (the sign-in box and its token) and this file (start-up,
// layer switcher, tools, status line, loading, clicks).
//
// Data loading
//   Areas (every level), streets, frontage units and their zones, and
//   problems are vector tiles cut by the server (/tiles/{layer}/{z}/{x}/{y}.mvt,
//   internal/tiles); MapLibre asks for the tiles of the view and the server
//   answers a tile it has already sent with a 304 (strong ETags). Problems
//   are points from zoom 15 on and cells with their counts below, so every
//   problem that matches the filter bar counts at every zoom; a filter
//   change, or a problem reported or changed on the page, asks for the
//   problem tiles again. Vacancies (/qa: grids without an officer, streets
//   without a chief) load as GeoJSON for the whole city when their layer is
//   switched on, and again whenever a duty changes on the page; frontage
//   tiles are asked for again then too (their owners).
//
// Clicks
//   A problem (a cell of several zooms in), else a frontage unit, else a street
//   line, else a frontage zone, else the finest area drawn (a red vacancy
//   counts as its grid) opens in the panel. In chain mode (the "Who answers
//   here" button) a click anywhere shows the responsibility chain there for
//   the chosen category instead; in report mode (signed in, "Report a
//   problem") it opens the report form for that point.
//
// Test hook
//   window.gridkeeper = {map, ready, select(code, options)}: `ready` resolves
//   once the whole-city levels have loaded and been drawn; select also takes
//   "street:CODE", "frontage:ID" and "problem:ID". <body data-state> is
//   loading | ready | error; data-grids, data-streets, data-frontages,
//   data-vacancies, data-problems and data-rechecks are off | loading |
//   loaded | error; data-categories is loading | loaded | error; data-mode
//   is chain or report while that mode is on.

/* global maplibregl */

import { API, getFeatures, getJSON } from './api.js';
import { AUTH_EVENT, mountSignIn, signedIn } from './auth.js';
import { DUTIES_EVENT } from './duties.js';
import { mountHeat } from './heat.js';
import {
  AREAS, FRONTAGES, PROBLEMS, STREETS, VACANCIES, prepareVacancies, problemKindOf, problemPaint, style, tileURL,
} from './layers.js';
import { Panel, h, problemBox } from './panel.js';
import { FIELD_ROLES, PROBLEMS_EVENT, categoryOptions, mountFilters, role, setCategories } from './problems.js';
import { mountRechecks } from './rechecks.js';

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
  {
    key: 'problem', name: '问题 Problems', minzoom: PROBLEMS.minzoom, swatch: PROBLEMS.kinds[2].colour,
    title: '按时限灯着色，15 级以下按格汇总 Coloured by deadline light, counted in cells below zoom 15',
    layers: ['problem-cluster', 'problem-cluster-count', 'problem-point'],
  },
  { key: 'labels', name: '标注 Labels', minzoom: 0, swatch: null, layers: [] },
];

const $ = (sel) => document.querySelector(sel);

// The filter bar comes first: the problem tiles' URL carries its query.
const filters = mountFilters($('#filters'), {
  onChange: () => setProblemTiles(),
  bbox: () => {
    const v = map.getBounds();
    return [v.getWest(), v.getSouth(), v.getEast(), v.getNorth()].map((n) => n.toFixed(5)).join(',');
  },
});

// problemQuery is the filter bar's query as the problem tiles take it:
// "overdue" becomes due_before the current minute, so that a tile's URL
// says all it depends on.
function problemQuery() {
  const q = filters.params();
  if (q.get('overdue') === 'true') {
    q.delete('overdue');
    q.set('status', 'dispatched,in_progress');
    const now = new Date();
    now.setSeconds(0, 0);
    q.set('due_before', now.toISOString());
  }
  return q.toString();
}

const map = new maplibregl.Map({
  container: 'map',
  style: style(problemQuery()),
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

// problemLegend names the problem colours, under the problems switch.
function problemLegend() {
  return h('ul', { class: 'legend', id: 'problem-legend', 'aria-label': '问题图例 Problem colours' },
    PROBLEMS.kinds.map((k) => h('li', { title: k.title || `${k.name[0]} ${k.name[1]}`, 'data-kind': k.key },
      swatch(k.colour), h('span', {}, k.name[0]), h('small', {}, k.name[1]))));
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
    if (s.key === 'problem') fieldset.append(problemLegend());
  }
  fieldset.addEventListener('change', (e) => {
    applyVisibility();
    tileStates();
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

// The tile layers whose loading the page reports in <body data-…>:
// off (switched off or out of their zooms), loading, loaded or error.
const TILED = [
  { key: 'grid', source: 'area-grid', minzoom: AREAS.find((a) => a.level === 'grid').minzoom },
  { key: 'street', source: 'street', minzoom: STREETS.minzoom },
  { key: 'frontage', source: 'frontage', minzoom: FRONTAGES.minzoom },
  { key: 'problem', source: 'problem', minzoom: PROBLEMS.minzoom },
];
const tileErrors = new Set();

function tileStates() {
  for (const t of TILED) {
    let s = 'loading';
    if (!switchOn(t.key) || map.getZoom() < t.minzoom) s = 'off';
    else if (tileErrors.has(t.source)) s = 'error';
    else if (map.getSource(t.source) && map.isSourceLoaded(t.source)) s = 'loaded';
    document.body.dataset[`${t.key}s`] = s;
    if (s === 'loading') loading.add(t.key);
    else loading.delete(t.key);
  }
  renderStatus();
}

// countProblems sums what the problem layers draw in the view: cells carry
// their counts (a problem is in one cell of one tile), points are counted
// once however many tiles hold them in their buffers.
function countProblems() {
  if (!switchOn('problem')) return;
  const ids = new Set();
  let n = 0;
  for (const f of map.queryRenderedFeatures({ layers: ['problem-cluster', 'problem-point'] })) {
    if (f.properties.cell) n += Number(f.properties.count) || 0;
    else if (!ids.has(f.properties.id)) {
      ids.add(f.properties.id);
      n++;
    }
  }
  counts.problem = n;
  filters.shown(n, false);
  renderStatus();
}

// ---------------------------------------------------------------- problems

// setProblemTiles points the problem layer at the filter bar's query and
// asks for its tiles again (unchanged ones come back as 304s).
function setProblemTiles() {
  tileErrors.delete('problem');
  map.getSource('problem').setTiles([tileURL('problems', problemQuery())]);
}

// reloadTiles asks for a tile source's tiles again.
function reloadTiles(id) {
  const src = map.getSource(id);
  if (src && src.tiles) src.setTiles([...src.tiles]);
}

// The problem colours follow the clock: deadlines pass without a write.
function repaintProblems() {
  for (const [layer, paint] of Object.entries(problemPaint(Math.floor(Date.now() / 1000)))) {
    for (const [k, v] of Object.entries(paint)) map.setPaintProperty(layer, k, v);
  }
}

// A problem reported or changed anywhere on the page: the problem tiles are
// asked for again (the write is on disk, so they hold it).
window.addEventListener(PROBLEMS_EVENT, (e) => {
  const x = e.detail || {};
  if (x.created && mode() === 'report') setMode(null);
  setProblemTiles();
});

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
  if (target.startsWith('frontage:')) reloadTiles('frontage');
});

// ---------------------------------------------------------------- tools: categories and chain mode

const CATEGORY_KEY = 'gridkeeper.category';

// The click modes: chain (who answers here) and report (a problem here);
// at most one is on.
function mode() {
  return document.body.dataset.mode || null;
}

function chainMode() {
  return mode() === 'chain';
}

function setMode(m) {
  if (m) document.body.dataset.mode = m;
  else delete document.body.dataset.mode;
  $('#chain-mode').setAttribute('aria-pressed', String(m === 'chain'));
  $('#chain-hint').hidden = m !== 'chain';
  $('#report-mode').setAttribute('aria-pressed', String(m === 'report'));
  renderReportHint();
  map.getCanvas().style.cursor = m ? 'crosshair' : '';
}

function renderReportHint() {
  const hint = $('#report-hint');
  const button = $('#report-mode');
  button.disabled = !signedIn();
  button.title = signedIn() ? '开启后，点击地图上报问题 When on, click the map where the problem is' : '登录后可用 Sign in first';
  if (!signedIn()) hint.textContent = '登录后可上报 Sign in to report';
  else if (mode() === 'report') hint.textContent = '点击问题所在处 · Esc 退出 Click where the problem is · Esc to stop';
  else hint.textContent = '';
  hint.hidden = !hint.textContent;
}

// toggleReportMode turns report mode on for a role that may report (the
// server is asked once per token), or off.
async function toggleReportMode() {
  if (mode() === 'report') {
    setMode(null);
    return;
  }
  const r = await role();
  if (r && !FIELD_ROLES.includes(r)) {
    panel.open(h('h2', { id: 'panel-title' }, '上报问题 Report a problem'),
      problemBox({ title: `角色 ${r} 不能上报问题 Role ${r} may not report problems`, detail: `需要 needs one of: ${FIELD_ROLES.join(', ')}` }, 'tokens/self'));
    return;
  }
  if (signedIn()) setMode('report');
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
  setCategories(list);
  filters.setCategories(list);
  select.replaceChildren(...categoryOptions(list));
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
  $('#chain-mode').addEventListener('click', () => setMode(chainMode() ? null : 'chain'));
  $('#report-mode').addEventListener('click', toggleReportMode);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && mode()) setMode(null);
  });
  window.addEventListener(AUTH_EVENT, () => {
    if (!signedIn() && mode() === 'report') setMode(null);
    renderReportHint();
  });
  mountSignIn($('#signin-box'));
  renderReportHint();
  loadCategories();
  const rechecks = mountRechecks($('#rechecks'), {
    fly: (r) => panel.problem(r.problem_id, { fly: true }),
    onOpen: (id) => panel.problem(id, { fly: true }),
  });
  $('#rechecks-toggle').addEventListener('click', () => rechecks.show(!rechecks.shown()));
}

// ---------------------------------------------------------------- clicks

const shown = (ids) => ids.filter((id) => map.getLayoutProperty(id, 'visibility') !== 'none');

// clickable lists the area fill layers that are switched on (a vacancy
// stands for its grid).
function clickable() {
  return shown([...AREAS.map((a) => `${a.level}-fill`), 'vacancy-fill']);
}

const UNIT_LAYERS = ['frontage-unit-fill', 'frontage-unit-point'];
const PROBLEM_LAYERS = ['problem-point', 'problem-cluster'];
const STREET_SLOP = 2; // pixels either side of a street line that still hit it
const POINT_SLOP = 3; // pixels round a problem's circle that still hit it

// problemAt is the problem (or cluster) drawn at a point, points first.
function problemAt(point) {
  const { x, y } = point;
  const hits = map.queryRenderedFeatures([[x - POINT_SLOP, y - POINT_SLOP], [x + POINT_SLOP, y + POINT_SLOP]], { layers: shown(PROBLEM_LAYERS) });
  return hits.find((f) => f.layer.id === 'problem-point') || hits[0] || null;
}

// openProblemHit opens a problem (a point, or a cell of one), or zooms
// into a cell of several: two levels, up to where problems are points.
async function openProblemHit(f) {
  if (f.layer.id === 'problem-point' || (f.properties.id !== undefined && Number(f.properties.count) === 1)) {
    panel.problem(Number(f.properties.id));
    return;
  }
  const z = map.getZoom();
  map.easeTo({ center: f.geometry.coordinates, zoom: Math.min(Math.max(z + 2, Math.min(z + 4, PROBLEMS.points)), map.getMaxZoom()), duration: 400 });
}

// plain copies a rendered feature into GeoJSON for the selection source.
const plain = (f) => ({ type: 'Feature', properties: { ...f.properties }, geometry: f.geometry });

function onMapClick(e) {
  if (mode() === 'report') {
    if (!signedIn()) {
      setMode(null);
      return;
    }
    panel.report(e.lngLat, $('#category').value);
    return;
  }
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
  if (heat && heat.handles(e)) return; // a heat or hotspot cell (not a problem on it)
  const problem = problemAt(e.point);
  if (problem) {
    openProblemHit(problem).catch((err) => reportLoadErrors([['问题聚合 Problem cluster', err]]));
    return;
  }
  const { x, y } = e.point;
  const near = [[x - STREET_SLOP, y - STREET_SLOP], [x + STREET_SLOP, y + STREET_SLOP]];
  const unit = map.queryRenderedFeatures(near, { layers: shown(UNIT_LAYERS) })[0];
  if (unit) {
    panel.select(`frontage:${unit.properties.id}`, { lngLat: e.lngLat, feature: plain(unit) });
    return;
  }
  const street = map.queryRenderedFeatures(near, { layers: shown(['street-line']) })[0];
  if (street) {
    panel.select(`street:${street.properties.code}`, { lngLat: e.lngLat, feature: plain(street) });
    return;
  }
  const zone = map.queryRenderedFeatures(e.point, { layers: shown(['frontage-zone-fill']) })[0];
  if (zone) {
    panel.select(`frontage:${zone.properties.id}`, { lngLat: e.lngLat, feature: plain(zone) });
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
  return Boolean(problemAt(point))
    || map.queryRenderedFeatures(near, { layers: shown([...UNIT_LAYERS, 'street-line']) }).length > 0
    || map.queryRenderedFeatures(point, { layers: [...clickable(), ...shown(['frontage-zone-fill'])] }).length > 0;
}

// ---------------------------------------------------------------- start-up

map.on('error', (e) => {
  if (e.sourceId) tileErrors.add(e.sourceId);
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
        if (mode()) return; // crosshair
        map.getCanvas().style.cursor = overClickable(e.point) ? 'pointer' : '';
      });
      map.on('data', (e) => { if (e.dataType === 'source') tileStates(); });
      map.on('zoomend', tileStates);
      map.on('idle', () => {
        tileStates();
        countProblems();
      });
      repaintProblems();
      setInterval(repaintProblems, 60_000);
      // Heat and hotspot layers (heat.js): after the handlers above, so that
      // its pointer cursor over a cell wins.
      heat = mountHeat(map, {
        box: $('#heat-tool'), categorySelect: $('#category'), panel, openProblem: (id) => panel.problem(id, { fly: true }),
      });

      // Fit the city: the districts' TileJSON has the extent of the data
      // (and no centre when nothing is loaded).
      let doc = null;
      try {
        doc = await getJSON(new URL('tiles/districts.json', document.baseURI).href);
      } catch (err) {
        reportLoadErrors([['区县 Districts', err]]);
        throw err;
      }
      // Clear of the filter bar along the top.
      if (doc.center) {
        const b = doc.bounds;
        map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: { top: 30 + $('#filters').offsetHeight, bottom: 40, left: 40, right: 40 }, duration: 0 });
      } else lastError = '尚无区划数据 No areas loaded';
      tileStates();
      renderStatus();
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

for (const t of TILED) document.body.dataset[`${t.key}s`] = 'off';
document.body.dataset.vacancies = 'off';
window.gridkeeper = {
  map, ready, select: (code, options) => panel.select(code, options),
  // problems: the problem points in the loaded tiles (those of several
  // tiles' buffers once each).
  problems: () => [...new Map(map.querySourceFeatures('problem', { sourceLayer: 'problems', filter: ['!=', ['get', 'cell'], true] })
    .map((f) => [f.properties.id, f])).values()],
  // kindOf: the colour key the map gives a rendered problem point now.
  kindOf: (props) => problemKindOf(props, Date.now() / 1000),
};
