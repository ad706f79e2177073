// Gridkeeper map page: the city's own areas and streets, drawn by MapLibre GL
// JS over a plain background. No basemap, no tiles, no fonts from elsewhere:
// every request goes to the server that served this page, by relative URL.
// Plain ES modules, no build step: api.js (requests and problem+json),
// geometry.js, layers.js (levels, zoom ranges, the MapLibre style and its
// labels), panel.js (the side panel) and this file (start-up, layer switcher,
// status line, loading).
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
//
// Test hook
//   window.gridkeeper = {map, ready, select(code, options)}: `ready` resolves
//   once the whole-city levels have loaded and been drawn. <body data-state> is
//   loading | ready | error; data-grids is off | loading | loaded | error.

/* global maplibregl */

import { API, getFeatures } from './api.js';
import { bboxOf } from './geometry.js';
import { AREAS, STREETS, prepare, style } from './layers.js';
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
    const input = h('input', { type: 'checkbox', id: `layer-${s.key}`, name: 'layer', value: s.key, checked: true });
    const label = h('label', { for: `layer-${s.key}`, 'data-minzoom': s.minzoom },
      input,
      swatch(s.swatch),
      h('span', { class: 'name' }, s.name),
      s.minzoom > 0 ? h('span', { class: 'range', title: `缩放到 ${s.minzoom} 级以上显示 Shown from zoom ${s.minzoom}` }, `≥${s.minzoom}`) : '');
    fieldset.append(label);
  }
  fieldset.addEventListener('change', () => {
    applyVisibility();
    refreshBboxLayers();
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
    if (this.key === 'grid') document.body.dataset.grids = s;
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
];

function refreshBboxLayers() {
  for (const l of bboxLayers) l.refresh();
}

// ---------------------------------------------------------------- clicks

// clickable lists the area fill layers that are switched on.
function clickable() {
  return AREAS.map((a) => `${a.level}-fill`).filter((id) => map.getLayoutProperty(id, 'visibility') !== 'none');
}

function onMapClick(e) {
  const hits = map.queryRenderedFeatures(e.point, { layers: clickable() });
  // The finest level drawn at this zoom wins.
  const rank = (f) => AREAS.findIndex((a) => `${a.level}-fill` === f.layer.id);
  hits.sort((a, b) => rank(b) - rank(a));
  const hit = hits[0];
  if (!hit) {
    panel.close();
    return;
  }
  panel.select(hit.properties.code, { lngLat: e.lngLat });
}

// ---------------------------------------------------------------- start-up

map.on('error', (e) => {
  const msg = (e.error && e.error.message) || String(e.error || e);
  console.error('gridkeeper: map error:', msg); // eslint-disable-line no-console
  lastError = msg;
  renderStatus();
});

const ready = new Promise((resolve, reject) => {
  map.once('load', async () => {
    try {
      buildSwitcher();
      applyVisibility();
      map.on('click', onMapClick);
      map.on('mousemove', (e) => {
        const over = map.queryRenderedFeatures(e.point, { layers: clickable() }).length > 0;
        map.getCanvas().style.cursor = over ? 'pointer' : '';
      });
      map.on('moveend', refreshBboxLayers);

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

document.body.dataset.grids = 'off';
window.gridkeeper = { map, ready, select: (code, options) => panel.select(code, options) };
