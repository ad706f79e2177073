// The map's look: levels, zoom ranges, colours and the MapLibre style. The
// style has no `glyphs` URL, so MapLibre draws every label character with the
// browser's own fonts (TinySDF): Chinese, Latin and digits alike, and there
// are no glyph files to serve.

import { interiorPoint } from './geometry.js';

// Label font: the browser picks the first one installed.
const FONT = ['Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', 'PingFang SC', 'sans-serif'];

export const LEVEL_NAMES = {
  city: ['市', 'City'],
  district: ['区/县', 'District'],
  subdistrict: ['街道/镇', 'Subdistrict'],
  community: ['社区/村', 'Community'],
  grid: ['网格', 'Grid'],
};

// The area levels, coarse to fine. `name`: in the layer switcher; `minzoom`:
// where the level appears; `fade`: the zooms over which its fill fades out as
// the finer level takes over; `label`: the zoom range of its names; `load`:
// whole city once, or by bbox (see app.js); `line`, `width`, `text`: outline
// colour and width, label size.
export const AREAS = [
  { level: 'district', name: '区县 Districts', minzoom: 0, fade: [10, 11.5], label: [0, 11.5], load: 'whole', line: '#5b21b6', width: 2.6, text: 16 },
  { level: 'subdistrict', name: '街道 Subdistricts', minzoom: 10, fade: [11.5, 13], label: [10.5, 13], load: 'whole', line: '#0f766e', width: 1.8, text: 14 },
  { level: 'community', name: '社区 Communities', minzoom: 11.5, fade: [13, 14.5], label: [12.5, 14.5], load: 'whole', line: '#b45309', width: 1.3, text: 13 },
  { level: 'grid', name: '网格 Grids', minzoom: 13, fade: null, label: [14.5, 24], load: 'bbox', line: '#1d4ed8', width: 0.9, text: 12 },
];
export const STREETS = { minzoom: 12, label: 14, line: '#78716c' };
// Vacancies (GET /qa): grids without an officer in red, streets without a
// chief in dashed red, at every zoom: the city's staffing at a glance.
export const VACANCIES = { minzoom: 0, line: '#dc2626' };
// Frontage units (门前五包) and their zones, at street zoom levels; a zone
// with no owner is amber, with an owner green.
export const FRONTAGES = { minzoom: 16, label: 17, owned: '#059669', unowned: '#d97706', unit: '#0f766e' };

// Problems (GET /problems): points coloured by what they need (the
// deadline light while a handler has them), clustered up to `cluster` zoom;
// a cluster is red when it holds an overdue problem, yellow when one is
// nearly due. `kinds` is also the legend, in its order.
export const PROBLEMS = {
  minzoom: 0,
  cluster: 13,
  kinds: [
    { key: 'green', name: ['正常', 'On time'], colour: '#16a34a' },
    { key: 'yellow', name: ['临期', 'Nearly due'], colour: '#eab308' },
    { key: 'red', name: ['超期', 'Overdue'], colour: '#dc2626' },
    { key: 'waiting', name: ['待立案', 'Waiting'], colour: '#3b82f6', title: '待立案、待派遣或挂账 Reported, registered or parked: waiting for the desk' },
    { key: 'resolved', name: ['待核查', 'To verify'], colour: '#8b5cf6', title: '已处置，待核查结案 Resolved, to be verified and closed' },
    { key: 'done', name: ['已结案', 'Closed'], colour: '#9ca3af', title: '已结案、作废或已合并 Closed, void or merged' },
  ],
  cluster_colour: '#334155',
};

// problemKind is the colour key of a problem (see PROBLEMS.kinds).
export function problemKind(p) {
  if (p.light === 'green' || p.light === 'yellow' || p.light === 'red') return p.light;
  switch (p.status) {
    case 'closed': case 'void': case 'merged': return 'done';
    case 'resolved': return 'resolved';
    case 'reported': case 'registered': case 'parked': return 'waiting';
    default: return 'green'; // with a handler and no time limit: nothing late
  }
}

// The properties the map keeps of a problem: enough to style, label and
// open it (the panel fetches the rest).
const PROBLEM_KEEP = ['id', 'number', 'category', 'category_name', 'status', 'light', 'overdue', 'grid', 'due_at'];

// prepareProblems slims each problem feature to what the map needs and adds
// its colour key `_kind`.
export function prepareProblems(fc) {
  for (const f of fc.features) {
    const p = f.properties || {};
    const slim = {};
    for (const k of PROBLEM_KEEP) if (p[k] !== undefined && p[k] !== null) slim[k] = p[k];
    slim.id = p.id ?? f.id;
    slim._kind = problemKind(p);
    f.properties = slim;
    f.id = slim.id;
  }
  return fc;
}

// prepareVacancies flattens each finding's codes into `code` (MapLibre
// hands arrays back from queries as JSON text).
export function prepareVacancies(fc) {
  for (const f of fc.features) {
    f.properties = f.properties || {};
    const codes = Array.isArray(f.properties.codes) ? f.properties.codes : [];
    f.properties.code = codes[0] || '';
  }
  return fc;
}

// prepareFrontages flattens owner, street and id into plain properties for
// styling and queries.
export function prepareFrontages(fc) {
  for (const f of fc.features) {
    const p = f.properties = f.properties || {};
    const owner = p.owner && typeof p.owner === 'object' ? p.owner : null;
    p._owned = Boolean(owner);
    p._owner = owner ? owner.name || '' : '';
    p._id = String(p.frontage_id ?? f.id ?? '');
    p._street = p.street_name || p.street || '';
  }
  return fc;
}

// Soft fills; neighbours (consecutive numbers) get different colours.
const PALETTE = ['#fde68a', '#bfdbfe', '#bbf7d0', '#fecaca', '#ddd6fe', '#fed7aa', '#a5f3fc', '#f5d0fe'];

function colourFor(code) {
  const n = Number(String(code).slice(-3));
  if (Number.isFinite(n)) return PALETTE[n % PALETTE.length];
  let h = 0;
  for (const ch of String(code)) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

// prepare gives each area its fill colour and returns its label points.
export function prepare(fc) {
  const labels = [];
  for (const f of fc.features) {
    f.properties = f.properties || {};
    f.properties._fill = colourFor(f.properties.code ?? f.id);
    const p = interiorPoint(f.geometry);
    if (p) {
      labels.push({
        type: 'Feature',
        properties: { code: f.properties.code, name: f.properties.name || '' },
        geometry: { type: 'Point', coordinates: p },
      });
    }
  }
  return { type: 'FeatureCollection', features: labels };
}

function kindColour(key) {
  return PROBLEMS.kinds.find((k) => k.key === key).colour;
}

export const EMPTY = { type: 'FeatureCollection', features: [] };

export function style() {
  const sources = {
    street: { type: 'geojson', data: EMPTY },
    selection: { type: 'geojson', data: EMPTY },
    vacancy: { type: 'geojson', data: EMPTY },
    frontage: { type: 'geojson', data: EMPTY },
    point: { type: 'geojson', data: EMPTY },
    problem: {
      type: 'geojson', data: EMPTY, cluster: true, clusterMaxZoom: PROBLEMS.cluster, clusterRadius: 40,
      clusterProperties: {
        red: ['+', ['case', ['==', ['get', '_kind'], 'red'], 1, 0]],
        yellow: ['+', ['case', ['==', ['get', '_kind'], 'yellow'], 1, 0]],
      },
    },
  };
  for (const a of AREAS) {
    sources[`area-${a.level}`] = { type: 'geojson', data: EMPTY };
    sources[`label-${a.level}`] = { type: 'geojson', data: EMPTY };
  }
  const halo = { 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 };
  const layers = [{ id: 'background', type: 'background', paint: { 'background-color': '#eef1ea' } }];
  for (const a of AREAS) {
    const opacity = a.fade
      ? ['interpolate', ['linear'], ['zoom'], a.fade[0], 0.45, a.fade[1], 0.06]
      : 0.5;
    layers.push({
      id: `${a.level}-fill`, type: 'fill', source: `area-${a.level}`, minzoom: a.minzoom,
      paint: { 'fill-color': ['get', '_fill'], 'fill-opacity': opacity },
    });
  }
  layers.push({
    id: 'street-line', type: 'line', source: 'street', minzoom: STREETS.minzoom,
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: {
      'line-color': STREETS.line,
      'line-width': ['interpolate', ['linear'], ['zoom'], 12, 1, 16, 4, 18, 8],
    },
  });
  const isGrid = ['==', ['get', 'type'], 'grid_without_officer'];
  const ring = ['==', ['get', 'ring'], true];
  layers.push({
    id: 'vacancy-fill', type: 'fill', source: 'vacancy', minzoom: VACANCIES.minzoom, filter: isGrid,
    paint: { 'fill-color': VACANCIES.line, 'fill-opacity': ['interpolate', ['linear'], ['zoom'], 10, 0.5, 15, 0.32] },
  });
  // Outlines: finest first, so that coarser boundaries are drawn on top.
  for (const a of [...AREAS].reverse()) {
    layers.push({
      id: `${a.level}-line`, type: 'line', source: `area-${a.level}`, minzoom: a.minzoom,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': a.line,
        'line-width': ['interpolate', ['linear'], ['zoom'], 8, a.width * 0.7, 16, a.width * 1.6],
        'line-opacity': 0.85,
      },
    });
  }
  layers.push(
    {
      id: 'vacancy-line', type: 'line', source: 'vacancy', minzoom: VACANCIES.minzoom, filter: isGrid,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': VACANCIES.line, 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.6, 16, 2] },
    },
    {
      id: 'vacancy-street', type: 'line', source: 'vacancy', minzoom: VACANCIES.minzoom,
      filter: ['==', ['get', 'type'], 'street_without_chief'],
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': VACANCIES.line,
        'line-width': ['interpolate', ['linear'], ['zoom'], 10, 1.2, 16, 4, 18, 7],
        'line-dasharray': [2, 1.5],
      },
    },
    {
      id: 'frontage-zone-fill', type: 'fill', source: 'frontage', minzoom: FRONTAGES.minzoom,
      filter: ['==', ['get', 'kind'], 'zone'],
      paint: { 'fill-color': ['case', ['get', '_owned'], FRONTAGES.owned, FRONTAGES.unowned], 'fill-opacity': 0.28 },
    },
    {
      id: 'frontage-zone-line', type: 'line', source: 'frontage', minzoom: FRONTAGES.minzoom,
      filter: ['==', ['get', 'kind'], 'zone'],
      paint: { 'line-color': ['case', ['get', '_owned'], FRONTAGES.owned, FRONTAGES.unowned], 'line-width': 1, 'line-dasharray': [3, 2] },
    },
    {
      id: 'frontage-unit-fill', type: 'fill', source: 'frontage', minzoom: FRONTAGES.minzoom,
      filter: ['all', ['==', ['get', 'kind'], 'unit'], ['==', ['geometry-type'], 'Polygon']],
      paint: { 'fill-color': FRONTAGES.unit, 'fill-opacity': 0.55, 'fill-outline-color': '#134e4a' },
    },
    {
      id: 'frontage-unit-point', type: 'circle', source: 'frontage', minzoom: FRONTAGES.minzoom,
      filter: ['all', ['==', ['get', 'kind'], 'unit'], ['==', ['geometry-type'], 'Point']],
      paint: {
        'circle-color': FRONTAGES.unit, 'circle-radius': ['interpolate', ['linear'], ['zoom'], 16, 4, 19, 8],
        'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5,
      },
    },
    { id: 'selection-fill', type: 'fill', source: 'selection', paint: { 'fill-color': '#f97316', 'fill-opacity': 0.25 } },
    { id: 'selection-line', type: 'line', source: 'selection', paint: { 'line-color': '#c2410c', 'line-width': 3 } },
    {
      id: 'street-label', type: 'symbol', source: 'street', minzoom: STREETS.label,
      layout: {
        'symbol-placement': 'line', 'text-field': ['get', 'name'], 'text-font': FONT,
        'text-size': 12, 'text-padding': 8, 'symbol-spacing': 300,
      },
      paint: { 'text-color': '#44403c', ...halo },
    },
  );
  // Labels: coarse levels last, so they are placed first when labels collide.
  for (const a of [...AREAS].reverse()) {
    layers.push({
      id: `${a.level}-label`, type: 'symbol', source: `label-${a.level}`,
      minzoom: Math.max(a.minzoom, a.label[0]), maxzoom: a.label[1],
      layout: {
        'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': a.text,
        'text-max-width': 8, 'text-padding': 4,
      },
      paint: { 'text-color': a.line, ...halo },
    });
  }
  layers.push(
    {
      id: 'frontage-label', type: 'symbol', source: 'frontage', minzoom: FRONTAGES.label,
      filter: ['==', ['get', 'kind'], 'unit'],
      layout: {
        'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': 11, 'text-max-width': 7,
        'text-offset': [0, 1.1], 'text-anchor': 'top', 'text-optional': true,
      },
      paint: { 'text-color': '#134e4a', ...halo },
    },
    {
      id: 'problem-cluster', type: 'circle', source: 'problem', minzoom: PROBLEMS.minzoom, filter: ['has', 'point_count'],
      paint: {
        'circle-color': ['case', ['>', ['get', 'red'], 0], kindColour('red'), ['>', ['get', 'yellow'], 0], kindColour('yellow'), PROBLEMS.cluster_colour],
        'circle-opacity': 0.85,
        'circle-radius': ['step', ['get', 'point_count'], 11, 10, 14, 100, 18, 1000, 23],
        'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2,
      },
    },
    {
      id: 'problem-cluster-count', type: 'symbol', source: 'problem', minzoom: PROBLEMS.minzoom, filter: ['has', 'point_count'],
      layout: {
        'text-field': ['get', 'point_count_abbreviated'], 'text-font': FONT, 'text-size': 12,
        'text-allow-overlap': true, 'text-ignore-placement': true,
      },
      // Dark figures on yellow, white on red and slate.
      paint: { 'text-color': ['case', ['all', ['==', ['get', 'red'], 0], ['>', ['get', 'yellow'], 0]], '#422006', '#ffffff'] },
    },
    {
      id: 'problem-point', type: 'circle', source: 'problem', minzoom: PROBLEMS.minzoom, filter: ['!', ['has', 'point_count']],
      paint: {
        'circle-color': ['match', ['get', '_kind'], ...PROBLEMS.kinds.flatMap((k) => [k.key, k.colour]), PROBLEMS.cluster_colour],
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 4, 15, 6, 18, 9],
        'circle-stroke-color': ['case', ['==', ['get', 'overdue'], true], '#7f1d1d', '#ffffff'],
        'circle-stroke-width': 1.5,
      },
    },
    {
      // A pin at a clicked point; a ring round a selected problem, whose colour shows through.
      id: 'point-marker', type: 'circle', source: 'point',
      paint: {
        'circle-color': ['case', ring, 'rgba(0, 0, 0, 0)', '#c2410c'],
        'circle-radius': ['case', ring, 12, 7],
        'circle-stroke-color': ['case', ring, '#c2410c', '#ffffff'],
        'circle-stroke-width': ['case', ring, 3.5, 2.5],
      },
    },
  );
  return { version: 8, name: 'Gridkeeper', sources, layers };
}
