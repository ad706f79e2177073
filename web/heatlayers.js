// What the heat and hotspot cells mean and look like: the heatmap's
// metrics and colour classes, the hotspot confidence and trend classes as
// the API spells them, and the MapLibre sources and layers (heat.js adds
// them to the map and drives them).

const FONT = ['Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', 'PingFang SC', 'sans-serif'];

// METRICS: the heat API's metric, its name, and the property that holds it.
export const METRICS = [
  { key: 'count', name: '问题数 Problems', prop: 'count', title: '期间上报的问题 Problems reported in the period' },
  { key: 'recurring', name: '复发 Recurring', prop: 'recurring', title: '同类问题在多个周内反复出现 The same category in several distinct weeks' },
  { key: 'rebound', name: '反弹 Rebounds', prop: 'rebounds', title: '结案后又出现的问题 Problems that came back after closure' },
  { key: 'overdue', name: '超期 Overdue', prop: 'overdue', title: '仍未结案且已超期 Still open and past the time limit' },
];
export const PERIODS = [30, 90, 180];
// The week count that makes a cell recurring (the API's k).
export const RECUR_WEEKS = 3;

// Sequential ramp (ColorBrewer YlOrRd), light to dark.
export const RAMP = ['#ffffb2', '#fed976', '#feb24c', '#fd8d3c', '#f03b20', '#bd0026'];

// Hotspot confidence classes, Gi_Bin style: sign of z times 3 (99 %), 2
// (95 %), 1 (90 %); 0 none.
export const HOTSPOT_CLASSES = [
  { bin: 3, colour: '#b2182b', name: ['热点 99%', 'Hot spot, 99 % confidence'] },
  { bin: 2, colour: '#e34a33', name: ['热点 95%', 'Hot spot, 95 % confidence'] },
  { bin: 1, colour: '#fc9272', name: ['热点 90%', 'Hot spot, 90 % confidence'] },
  { bin: 0, colour: '#d1d5db', name: ['不显著', 'Not significant'] },
  { bin: -1, colour: '#9ecae1', name: ['冷点 90%', 'Cold spot, 90 % confidence'] },
  { bin: -2, colour: '#4292c6', name: ['冷点 95%', 'Cold spot, 95 % confidence'] },
  { bin: -3, colour: '#08519c', name: ['冷点 99%', 'Cold spot, 99 % confidence'] },
];

// Emerging hot spot classes (ArcGIS's names), short Chinese labels.
export const TRENDS = {
  new: ['新增', 'New'],
  consecutive: ['连续', 'Consecutive'],
  intensifying: ['加剧', 'Intensifying'],
  persistent: ['持续', 'Persistent'],
  diminishing: ['减弱', 'Diminishing'],
  sporadic: ['零星', 'Sporadic'],
  oscillating: ['振荡', 'Oscillating'],
  historical: ['历史', 'Historical'],
};

// ---------------------------------------------------------------- classes and values

// binOf reads a hotspot cell's confidence class in -3…3, whatever the
// spelling: gi_bin / bin / class as a number, or "hot_99", "cold-95", "none".
export function binOf(p) {
  for (const k of ['gi_bin', 'bin', 'class', 'confidence', 'level']) {
    const v = p[k];
    if (typeof v === 'number' && Number.isFinite(v)) return Math.max(-3, Math.min(3, Math.trunc(v)));
    if (typeof v === 'string' && v) {
      const m = /^(hot|cold)\D*(90|95|99)/i.exec(v);
      if (m) return (m[1].toLowerCase() === 'hot' ? 1 : -1) * { 90: 1, 95: 2, 99: 3 }[m[2]];
      if (/^-?\d$/.test(v)) return Number(v);
      return 0;
    }
  }
  return 0;
}

// trendOf reads the emerging class ("new_hot_spot", "Persistent Cold Spot")
// as {key, hot} or null for none.
export function trendOf(p) {
  const v = p.pattern ?? p.trend ?? p.emerging ?? p.category ?? '';
  if (typeof v !== 'string' || !v) return null;
  const m = /^(new|consecutive|intensifying|persistent|diminishing|sporadic|oscillating|historical)[\s_-]*(hot|cold)/i.exec(v);
  return m ? { key: m[1].toLowerCase(), hot: m[2].toLowerCase() === 'hot' } : null;
}

export function trendLabel(t) {
  if (!t) return '';
  const n = TRENDS[t.key];
  return `${n[0]}${t.hot ? '热点' : '冷点'}`;
}

export function trendTitle(t) {
  if (!t) return '无趋势 No pattern detected';
  const n = TRENDS[t.key];
  return `${trendLabel(t)} ${n[1]} ${t.hot ? 'hot' : 'cold'} spot`;
}

// valueOf is a heat cell's value for a metric: the API's `value` when it
// sends one, else the metric's own property (a boolean counts as 1).
export function valueOf(p, metric) {
  if (typeof p.value === 'number') return p.value;
  const m = METRICS.find((x) => x.key === metric) || METRICS[0];
  const v = p[m.prop];
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (Array.isArray(v)) return v.length;
  return 0;
}

// isRecurring: the API's flag (or count), else the cell's weeks against k.
export function isRecurring(p) {
  const r = p.recurring;
  if (typeof r === 'boolean') return r;
  if (typeof r === 'number') return r > 0;
  return Number(p.weeks) >= RECUR_WEEKS;
}

// breaks cuts positive values into up to RAMP.length classes: each value
// its own class when there are few, else quantiles rounded to integers.
// Returns the ascending lower bounds, the first being the smallest value.
export function breaks(values) {
  const v = values.filter((x) => x > 0).sort((a, b) => a - b);
  if (!v.length) return [];
  const distinct = [...new Set(v)];
  if (distinct.length <= RAMP.length) return distinct;
  const out = [v[0]];
  for (let i = 1; i < RAMP.length; i++) {
    const q = v[Math.floor((i * v.length) / RAMP.length)];
    const b = Number.isInteger(q) ? q : Number(q.toPrecision(2));
    if (b > out[out.length - 1]) out.push(b);
  }
  return out;
}

// rampColour is the colour of class i of n: the darker end of the ramp
// when there are fewer classes than colours.
export const rampColour = (i, n) => RAMP[RAMP.length - n + i];

export const fmt = (x) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

// ---------------------------------------------------------------- layers

export const EMPTY = { type: 'FeatureCollection', features: [] };

export function addLayers(map) {
  map.addSource('heat', { type: 'geojson', data: EMPTY });
  map.addSource('hotspot', { type: 'geojson', data: EMPTY });
  // Above the areas' fills and lines, below the selection, labels and problems.
  const before = map.getLayer('selection-fill') ? 'selection-fill' : undefined;
  const layers = [
    {
      id: 'hotspot-fill', type: 'fill', source: 'hotspot', layout: { visibility: 'none' },
      paint: {
        'fill-color': ['match', ['get', '_bin'], ...HOTSPOT_CLASSES.flatMap((c) => [c.bin, c.colour]), '#d1d5db'],
        'fill-opacity': ['case', ['==', ['get', '_bin'], 0], 0.35, 0.72],
      },
    },
    {
      id: 'hotspot-line', type: 'line', source: 'hotspot', layout: { visibility: 'none' },
      paint: { 'line-color': '#ffffff', 'line-width': 0.6, 'line-opacity': 0.8 },
    },
    {
      id: 'hotspot-trend', type: 'line', source: 'hotspot', filter: ['!=', ['get', '_trend'], ''], layout: { visibility: 'none', 'line-join': 'round' },
      paint: {
        'line-color': ['case', ['get', '_trendHot'], '#7f1d1d', '#1e3a8a'],
        'line-width': ['interpolate', ['linear'], ['zoom'], 10, 1.5, 15, 3],
        'line-dasharray': [2, 1.2],
      },
    },
    {
      id: 'heat-fill', type: 'fill', source: 'heat', filter: ['>', ['get', '_v'], 0], layout: { visibility: 'none' },
      paint: { 'fill-color': RAMP[0], 'fill-opacity': 0.72 },
    },
    {
      id: 'heat-line', type: 'line', source: 'heat', filter: ['>', ['get', '_v'], 0], layout: { visibility: 'none' },
      paint: { 'line-color': '#ffffff', 'line-width': 0.6, 'line-opacity': 0.9 },
    },
    {
      // Recurring cells: a thick dark outline.
      id: 'heat-recurring', type: 'line', source: 'heat', filter: ['==', ['get', '_rec'], true], layout: { visibility: 'none', 'line-join': 'round' },
      paint: { 'line-color': '#111827', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1.8, 14, 3.5, 17, 5] },
    },
  ];
  for (const l of layers) map.addLayer(l, before);
  // Labels go with the other labels, above everything but the problems.
  const labelBefore = map.getLayer('problem-cluster') ? 'problem-cluster' : undefined;
  map.addLayer({
    id: 'heat-label', type: 'symbol', source: 'heat', minzoom: 13, filter: ['>', ['get', '_v'], 0], layout: {
      visibility: 'none', 'text-field': ['to-string', ['get', '_v']], 'text-font': FONT, 'text-size': 12,
    },
    paint: { 'text-color': '#1f2933', 'text-halo-color': '#ffffff', 'text-halo-width': 1.4 },
  }, labelBefore);
  map.addLayer({
    id: 'hotspot-label', type: 'symbol', source: 'hotspot', minzoom: 12, filter: ['!=', ['get', '_trend'], ''], layout: {
      visibility: 'none', 'text-field': ['get', '_trend'], 'text-font': FONT, 'text-size': 11, 'text-max-width': 5,
    },
    paint: { 'text-color': ['case', ['get', '_trendHot'], '#7f1d1d', '#1e3a8a'], 'text-halo-color': '#ffffff', 'text-halo-width': 1.4 },
  }, labelBefore);
}

export const HEAT_LAYERS = ['heat-fill', 'heat-line', 'heat-recurring', 'heat-label'];
export const HOTSPOT_LAYERS = ['hotspot-fill', 'hotspot-line'];
export const TREND_LAYERS = ['hotspot-trend', 'hotspot-label'];
