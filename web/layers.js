// The map's look: levels, zoom ranges, colours and the MapLibre style. The
// style has no `glyphs` URL, so MapLibre draws every label character with the
// browser's own fonts (TinySDF): Chinese, Latin and digits alike, and there
// are no glyph files to serve.

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
// the finer level takes over; `label`: the zoom range of its names; `line`,
// `width`, `text`: outline colour and width, label size. Every level comes
// as vector tiles (TILE_SOURCES).
export const AREAS = [
  { level: 'district', name: '区县 Districts', minzoom: 0, fade: [10, 11.5], label: [0, 11.5], line: '#5b21b6', width: 2.6, text: 16 },
  { level: 'subdistrict', name: '街道 Subdistricts', minzoom: 10, fade: [11.5, 13], label: [10.5, 13], line: '#0f766e', width: 1.8, text: 14 },
  { level: 'community', name: '社区 Communities', minzoom: 11.5, fade: [13, 14.5], label: [12.5, 14.5], line: '#b45309', width: 1.3, text: 13 },
  { level: 'grid', name: '网格 Grids', minzoom: 13, fade: null, label: [14.5, 24], line: '#1d4ed8', width: 0.9, text: 12 },
];
export const STREETS = { minzoom: 12, label: 14, line: '#78716c' };
// Vacancies (GET /qa): grids without an officer in red, streets without a
// chief in dashed red, at every zoom: the city's staffing at a glance.
export const VACANCIES = { minzoom: 0, line: '#dc2626' };
// Frontage units (门前五包) and their zones, at street zoom levels; a zone
// with no owner is amber, with an owner green.
export const FRONTAGES = { minzoom: 16, label: 17, owned: '#059669', unowned: '#d97706', unit: '#0f766e' };

// Problems (vector tiles /tiles/problems): points coloured by what they
// need (the deadline light while a handler has them) from zoom `points`
// on, cells with their counts below it (choose "Overdue" in the filter bar
// to count the overdue ones). `kinds` is also the legend, in its order.
export const PROBLEMS = {
  minzoom: 0,
  points: 15,
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

// Soft fills; neighbours (consecutive numbers) get different colours: a
// code's last three digits modulo the palette's length (8 divides 1000, so
// the code itself modulo 8), worked out by the style.
const PALETTE = ['#fde68a', '#bfdbfe', '#bbf7d0', '#fecaca', '#ddd6fe', '#fed7aa', '#a5f3fc', '#f5d0fe'];
const FILL = ['to-color', ['at', ['%', ['to-number', ['get', 'code'], 0], PALETTE.length], ['literal', PALETTE]]];

// tileURL is the URL template of a tile layer served by Gridkeeper
// (absolute: MapLibre's workers fetch it), with the query q.
export function tileURL(layer, q = '') {
  const base = new URL('tiles/', document.baseURI).href;
  return `${base}${layer}/{z}/{x}/{y}.mvt${q ? `?${q}` : ''}`;
}

// The problem layer's colours from the clock: a point carries its status
// and deadlines (due; warn: when it turns yellow) as epoch seconds, so
// that the tile does not change as time passes; app.js sets `now` again
// every minute. problemKindExpr(now) is problemKind as a style expression.
export function problemKindExpr(now) {
  const withHandler = ['in', ['get', 'status'], ['literal', ['dispatched', 'in_progress']]];
  return ['case',
    ['all', withHandler, ['has', 'due'], ['<=', ['get', 'due'], now]], 'red',
    ['all', withHandler, ['has', 'warn'], ['<=', ['get', 'warn'], now]], 'yellow',
    withHandler, 'green',
    ['in', ['get', 'status'], ['literal', ['closed', 'void', 'merged']]], 'done',
    ['==', ['get', 'status'], 'resolved'], 'resolved',
    'waiting'];
}

// problemKindOf is the colour key of a tile's problem point at epoch
// second now (what problemKindExpr computes).
export function problemKindOf(p, now) {
  const withHandler = p.status === 'dispatched' || p.status === 'in_progress';
  if (withHandler && p.due !== undefined && p.due <= now) return 'red';
  if (withHandler && p.warn !== undefined && p.warn <= now) return 'yellow';
  return problemKind({ status: p.status });
}

// problemPaint is the paint of the problem layers at epoch second now.
export function problemPaint(now) {
  const overdue = ['all', ['has', 'due'], ['<=', ['get', 'due'], now]];
  return {
    'problem-point': {
      'circle-color': ['match', problemKindExpr(now), ...PROBLEMS.kinds.flatMap((k) => [k.key, k.colour]), PROBLEMS.cluster_colour],
      'circle-stroke-color': ['case', overdue, '#7f1d1d', '#ffffff'],
    },
    // Cells carry counts only.
    'problem-cluster': { 'circle-color': PROBLEMS.cluster_colour },
  };
}

// The vector tile sources (internal/tiles): areas, streets and frontages
// through their TileJSON; problems by URL, since their filters are in it.
export const TILE_SOURCES = {
  district: 'districts', subdistrict: 'subdistricts', community: 'communities', grid: 'grids',
  street: 'streets', frontage: 'frontages', problem: 'problems',
};

export const EMPTY = { type: 'FeatureCollection', features: [] };

// style is the map's style; problemQuery: the problem layer's filter.
export function style(problemQuery = '') {
  const tilejson = (name) => ({ type: 'vector', url: new URL(`tiles/${name}.json`, document.baseURI).href });
  const sources = {
    selection: { type: 'geojson', data: EMPTY },
    vacancy: { type: 'geojson', data: EMPTY },
    point: { type: 'geojson', data: EMPTY },
    street: tilejson('streets'),
    frontage: tilejson('frontages'),
    problem: { type: 'vector', tiles: [tileURL('problems', problemQuery)], minzoom: 0, maxzoom: 18 },
  };
  for (const a of AREAS) sources[`area-${a.level}`] = tilejson(TILE_SOURCES[a.level]);
  const paint = problemPaint(Math.floor(Date.now() / 1000));
  const halo = { 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 };
  const layers = [{ id: 'background', type: 'background', paint: { 'background-color': '#eef1ea' } }];
  for (const a of AREAS) {
    const opacity = a.fade
      ? ['interpolate', ['linear'], ['zoom'], a.fade[0], 0.45, a.fade[1], 0.06]
      : 0.5;
    layers.push({
      id: `${a.level}-fill`, type: 'fill', source: `area-${a.level}`, 'source-layer': TILE_SOURCES[a.level], minzoom: a.minzoom,
      paint: { 'fill-color': FILL, 'fill-opacity': opacity },
    });
  }
  layers.push({
    id: 'street-line', type: 'line', source: 'street', 'source-layer': 'streets', minzoom: STREETS.minzoom,
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
      id: `${a.level}-line`, type: 'line', source: `area-${a.level}`, 'source-layer': TILE_SOURCES[a.level], minzoom: a.minzoom,
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
      id: 'frontage-zone-fill', type: 'fill', source: 'frontage', 'source-layer': 'frontage_zones', minzoom: FRONTAGES.minzoom,
      paint: { 'fill-color': ['case', ['get', 'owned'], FRONTAGES.owned, FRONTAGES.unowned], 'fill-opacity': 0.28 },
    },
    {
      id: 'frontage-zone-line', type: 'line', source: 'frontage', 'source-layer': 'frontage_zones', minzoom: FRONTAGES.minzoom,
      paint: { 'line-color': ['case', ['get', 'owned'], FRONTAGES.owned, FRONTAGES.unowned], 'line-width': 1, 'line-dasharray': [3, 2] },
    },
    {
      id: 'frontage-unit-fill', type: 'fill', source: 'frontage', 'source-layer': 'frontages', minzoom: FRONTAGES.minzoom,
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': FRONTAGES.unit, 'fill-opacity': 0.55, 'fill-outline-color': '#134e4a' },
    },
    {
      id: 'frontage-unit-point', type: 'circle', source: 'frontage', 'source-layer': 'frontages', minzoom: FRONTAGES.minzoom,
      filter: ['==', ['geometry-type'], 'Point'],
      paint: {
        'circle-color': FRONTAGES.unit, 'circle-radius': ['interpolate', ['linear'], ['zoom'], 16, 4, 19, 8],
        'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5,
      },
    },
    { id: 'selection-fill', type: 'fill', source: 'selection', paint: { 'fill-color': '#f97316', 'fill-opacity': 0.25 } },
    { id: 'selection-line', type: 'line', source: 'selection', paint: { 'line-color': '#c2410c', 'line-width': 3 } },
    {
      id: 'street-label', type: 'symbol', source: 'street', 'source-layer': 'streets', minzoom: STREETS.label,
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
      id: `${a.level}-label`, type: 'symbol', source: `area-${a.level}`, 'source-layer': TILE_SOURCES[a.level],
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
      id: 'frontage-label', type: 'symbol', source: 'frontage', 'source-layer': 'frontages', minzoom: FRONTAGES.label,
      layout: {
        'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': 11, 'text-max-width': 7,
        'text-offset': [0, 1.1], 'text-anchor': 'top', 'text-optional': true,
      },
      paint: { 'text-color': '#134e4a', ...halo },
    },
    {
      // Below zoom 15 the tiles hold cells: a point per non-empty cell with
      // its problems' count (and the id of a lone one).
      id: 'problem-cluster', type: 'circle', source: 'problem', 'source-layer': 'problems', minzoom: PROBLEMS.minzoom,
      filter: ['==', ['get', 'cell'], true],
      paint: {
        ...paint['problem-cluster'],
        'circle-opacity': 0.85,
        'circle-radius': ['step', ['get', 'count'], 7, 2, 11, 10, 14, 100, 18, 1000, 23],
        'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2,
      },
    },
    {
      id: 'problem-cluster-count', type: 'symbol', source: 'problem', 'source-layer': 'problems', minzoom: PROBLEMS.minzoom,
      filter: ['all', ['==', ['get', 'cell'], true], ['>', ['get', 'count'], 1]],
      layout: {
        'text-field': ['to-string', ['get', 'count']], 'text-font': FONT, 'text-size': 12,
        'text-allow-overlap': true, 'text-ignore-placement': true,
      },
      paint: { 'text-color': '#ffffff' },
    },
    {
      id: 'problem-point', type: 'circle', source: 'problem', 'source-layer': 'problems', minzoom: PROBLEMS.minzoom,
      filter: ['!=', ['get', 'cell'], true],
      paint: {
        ...paint['problem-point'],
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 4, 15, 6, 18, 9],
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
