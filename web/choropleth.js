// The dashboard's map (dashboard.html): the on-time closure rate of every
// grid for a month, on a small MapLibre map of its own.
//
//   GET /stats/areas?level=grid&month=YYYY-MM: grids with their measures;
//   the rate is closed on time / (closed + still open and overdue), null
//   when nothing was due (grey). District outlines come from /areas, once.
//   A click on a grid shows its rate and the counts behind it.
//
// <body data-choropleth>: loading | loaded | error.

/* global maplibregl */

import { API, getFeatures } from './api.js';
import { bboxOf } from './geometry.js';
import { h, problemBox } from './panel.js';

// Diverging ramp: red (nothing on time) through yellow to green (all on time).
export const RATE_STOPS = [[0, '#d73027'], [0.5, '#fc8d59'], [0.7, '#fee08b'], [0.85, '#d9ef8b'], [0.95, '#91cf60'], [1, '#1a9850']];
export const NO_DATA = '#e5e7eb';

const EMPTY = { type: 'FeatureCollection', features: [] };

const rateOf = (p) => (typeof p.on_time_closure_rate === 'number' && Number.isFinite(p.on_time_closure_rate) ? p.on_time_closure_rate : null);
const count = (v) => (typeof v === 'number' ? String(v) : '—');

// mountChoropleth draws the map in `container`, its legend in `legend`,
// and what it shows (or why it cannot) in `note`. Returns {map, load(month)}.
export function mountChoropleth({ container, legend, note }) {
  const map = new maplibregl.Map({
    container,
    style: {
      version: 8,
      sources: { grid: { type: 'geojson', data: EMPTY }, district: { type: 'geojson', data: EMPTY } },
      layers: [
        { id: 'background', type: 'background', paint: { 'background-color': '#f3f4f1' } },
        {
          id: 'grid-fill', type: 'fill', source: 'grid',
          paint: {
            'fill-color': ['case', ['==', ['typeof', ['get', '_rate']], 'number'],
              ['interpolate', ['linear'], ['get', '_rate'], ...RATE_STOPS.flat()], NO_DATA],
            'fill-opacity': 0.85,
          },
        },
        { id: 'grid-line', type: 'line', source: 'grid', paint: { 'line-color': '#ffffff', 'line-width': 0.6 } },
        { id: 'district-line', type: 'line', source: 'district', paint: { 'line-color': '#5b21b6', 'line-width': 1.8 } },
      ],
    },
    center: [116.4, 37.45],
    zoom: 9,
    dragRotate: false,
    pitchWithRotate: false,
    attributionControl: { compact: true, customAttribution: 'Gridkeeper' },
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  const loaded = new Promise((resolve) => map.once('load', resolve));

  // The grids' own properties by code, for the popup (a rendered feature
  // drops the nulls).
  let byCode = new Map();
  const popup = new maplibregl.Popup({ closeButton: true, maxWidth: '260px' });
  map.on('click', 'grid-fill', (e) => {
    const p = byCode.get(e.features[0].properties.code);
    if (!p) return;
    const rate = rateOf(p);
    popup.setLngLat(e.lngLat).setDOMContent(h('div', { class: 'popup' },
      h('strong', {}, p.name || p.code), h('div', { class: 'code' }, p.code),
      h('div', {}, `按时结案率 On-time: ${rate === null ? '— 无到期 nothing due' : `${(rate * 100).toFixed(1)}%`}`),
      h('div', {}, `按时结案 ${count(p.closed_on_time)} / (结案 ${count(p.closed)} + 超期未结 ${count(p.open_overdue)})`),
      h('div', {}, `问题 Problems ${count(p.problems)}`))).addTo(map);
  });
  map.on('mouseenter', 'grid-fill', () => { map.getCanvas().style.cursor = 'pointer'; });
  map.on('mouseleave', 'grid-fill', () => { map.getCanvas().style.cursor = ''; });

  const bar = h('div', { class: 'ramp' });
  bar.style.background = `linear-gradient(to right, ${RATE_STOPS.map(([v, c]) => `${c} ${v * 100}%`).join(', ')})`;
  const none = h('span', { class: 'swatch' });
  none.style.background = NO_DATA;
  legend.replaceChildren(h('span', {}, '0%'), bar, h('span', {}, '100%'), h('span', { class: 'nodata' }, none, '无到期 Nothing due'));

  let districts = null;
  let fitted = false;
  let seq = 0;

  async function load(month) {
    const mine = ++seq;
    document.body.dataset.choropleth = 'loading';
    note.textContent = `${month} · 加载中 Loading…`;
    let grids;
    try {
      await loaded;
      [grids, districts] = await Promise.all([
        getFeatures(`${API}stats/areas?${new URLSearchParams({ level: 'grid', month })}`),
        districts || getFeatures(`${API}areas?level=district`),
      ]);
    } catch (err) {
      if (mine !== seq) return;
      document.body.dataset.choropleth = 'error';
      note.replaceChildren(problemBox(err, 'stats/areas'));
      return;
    }
    if (mine !== seq) return;
    byCode = new Map();
    let due = 0;
    for (const f of grids.features) {
      const p = f.properties = f.properties || {};
      p._rate = rateOf(p);
      if (p._rate !== null) due++;
      byCode.set(p.code, p);
    }
    map.getSource('grid').setData(grids);
    map.getSource('district').setData(districts);
    if (!fitted) {
      const b = districts.features.map((f) => bboxOf(f.geometry)).filter(Boolean)
        .reduce((a, x) => [Math.min(a[0], x[0]), Math.min(a[1], x[1]), Math.max(a[2], x[2]), Math.max(a[3], x[3])],
          [Infinity, Infinity, -Infinity, -Infinity]);
      if (b[0] <= b[2]) map.fitBounds(b, { padding: 20, duration: 0 });
      fitted = true;
    }
    // Loaded once drawn, so that a query finds the grids.
    await new Promise((resolve) => (map.loaded() ? resolve() : map.once('idle', resolve)));
    if (mine !== seq) return;
    note.textContent = `${month} · ${grids.features.length} 个网格 grids · ${due} 个有到期问题 with problems due`;
    document.body.dataset.choropleth = 'loaded';
  }

  return { map, load };
}
