// Heat and hotspots (热力 · 热点) on the map: H3 hexagons from the server,
// never computed here.
//
//   Heatmap  GET /heatmap?metric=&category=&from=&to=&bbox=&k=3: hexagons
//            coloured by the chosen metric (problems, recurring, rebounds,
//            overdue) in classes that follow the data, a legend, recurring
//            cells outlined thick and dark. The resolution is the server's
//            choice for the box; too many cells (422) asks to zoom in.
//   Hotspots GET /hotspots?category=&from=&to=&bins=week[&trend=true]:
//            Getis-Ord Gi* confidence classes, hot in reds, cold in blues,
//            no significance in grey; with "trend" the emerging hot spot
//            class is a dashed outline and a label.
//
// Both use the tool box's category (the same list as the chain tool's),
// period (the last 30, 90 or 180 days) and, for the heatmap, a range of ISO
// weeks inside the period (two sliders: one week, or from one to another).
// They load for the view (padded by half a screen each way) when switched
// on and again when the view leaves that box, the zoom changes by a level
// or a control changes; a newer request aborts an older one. The browser
// revalidates with the ETag, so an unchanged answer is a 304.
//
// A click on a hexagon (not on a problem's own point) shows the cell in the
// panel: its figures, then its problems for the same filters (GET /problems
// with the cell's bounds, kept when their res-15 cell's parent is this
// cell), each opening in the problem panel.
//
// <body data-heat> and <body data-hotspots>: off | loading | loaded |
// toomany | error.

import { API, getFeatures } from './api.js';
import { bboxOf } from './geometry.js';
import { h, problemBox } from './panel.js';

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
const RECUR_WEEKS = 3;

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
const TRENDS = {
  new: ['新增', 'New'],
  consecutive: ['连续', 'Consecutive'],
  intensifying: ['加剧', 'Intensifying'],
  persistent: ['持续', 'Persistent'],
  diminishing: ['减弱', 'Diminishing'],
  sporadic: ['零星', 'Sporadic'],
  oscillating: ['振荡', 'Oscillating'],
  historical: ['历史', 'Historical'],
};

const STATUS_NAMES = {
  reported: '待立案', registered: '已立案', dispatched: '已派遣', in_progress: '处置中', resolved: '已处置',
  closed: '已结案', parked: '挂账', void: '作废', merged: '已合并',
};

// ---------------------------------------------------------------- H3 and time helpers

// cellRes is the resolution of an H3 index given as its hex string.
export function cellRes(hex) {
  return Number((BigInt(`0x${hex}`) >> 52n) & 15n);
}

// cellParent is the parent at resolution r of an H3 cell (hex string) of a
// finer resolution: the resolution field set to r and the digits below r
// set to 7 (unused).
export function cellParent(hex, r) {
  const x = BigInt(`0x${hex}`);
  const p = (x & ~(15n << 52n)) | (BigInt(r) << 52n) | ((1n << BigInt(3 * (15 - r))) - 1n);
  return p.toString(16);
}

const pad = (n) => String(n).padStart(2, '0');

// rfc3339 writes a Date in local time with the browser's offset.
export function rfc3339(d) {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const a = Math.abs(off);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

// isoWeek names the ISO week of a date: {year, week, monday (local midnight)}.
export function isoWeek(date) {
  const d = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  const day = (d.getDay() + 6) % 7; // Monday 0
  const monday = new Date(d);
  monday.setDate(d.getDate() - day);
  const thursday = new Date(monday);
  thursday.setDate(monday.getDate() + 3);
  const year = thursday.getFullYear();
  const jan4 = new Date(year, 0, 4);
  const week1 = new Date(jan4);
  week1.setDate(jan4.getDate() - ((jan4.getDay() + 6) % 7));
  const week = 1 + Math.round((monday - week1) / (7 * 86400e3));
  return { year, week, monday, label: `${year}-W${pad(week)}` };
}

// weeksOf lists the ISO weeks that overlap the last `days` days, oldest first.
export function weeksOf(days, now = new Date()) {
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate() - days);
  const out = [];
  for (let w = isoWeek(start); w.monday <= now; w = isoWeek(new Date(w.monday.getFullYear(), w.monday.getMonth(), w.monday.getDate() + 7))) {
    out.push(w);
  }
  return { start, weeks: out };
}

const md = (d) => `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

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

function trendLabel(t) {
  if (!t) return '';
  const n = TRENDS[t.key];
  return `${n[0]}${t.hot ? '热点' : '冷点'}`;
}

function trendTitle(t) {
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
function isRecurring(p) {
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
const rampColour = (i, n) => RAMP[RAMP.length - n + i];

const fmt = (x) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

// ---------------------------------------------------------------- layers

const EMPTY = { type: 'FeatureCollection', features: [] };

function addLayers(map) {
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

const HEAT_LAYERS = ['heat-fill', 'heat-line', 'heat-recurring', 'heat-label'];
const HOTSPOT_LAYERS = ['hotspot-fill', 'hotspot-line'];
const TREND_LAYERS = ['hotspot-trend', 'hotspot-label'];

// ---------------------------------------------------------------- the tool

// mountHeat adds the heat and hotspot layers to `map` and fills the tool
// box `box` (a fieldset). categorySelect: the page's category <select>,
// whose options are copied when they arrive; panel: the side panel (a
// clicked cell shows there); openProblem(id): show one problem.
// Returns {handles(e)}: called first by the map's click handler, true when
// the click was a cell's and has been dealt with.
export function mountHeat(map, { box, categorySelect, panel, openProblem }) {
  addLayers(map);

  const heatOn = h('input', { type: 'checkbox', id: 'heat-on', name: 'heat' });
  const hotOn = h('input', { type: 'checkbox', id: 'hotspot-on', name: 'hotspots' });
  const metric = h('select', { id: 'heat-metric', name: 'metric', 'aria-label': '指标 Metric' },
    METRICS.map((m) => h('option', { value: m.key, title: m.title }, m.name)));
  const category = h('select', { id: 'heat-category', name: 'category', 'aria-label': '类别 Category' },
    h('option', { value: '' }, '全部类别 All categories'));
  const period = h('select', { id: 'heat-period', name: 'period', 'aria-label': '时段 Period' },
    PERIODS.map((d) => h('option', { value: d, selected: d === 90 }, `近 ${d} 天 Last ${d} days`)));
  const weekFrom = h('input', { type: 'range', id: 'heat-week-from', name: 'week-from', min: 0, max: 0, step: 1, value: 0, 'aria-label': '起始周 First week' });
  const weekTo = h('input', { type: 'range', id: 'heat-week-to', name: 'week-to', min: 0, max: 0, step: 1, value: 0, 'aria-label': '结束周 Last week' });
  const weekLabel = h('output', { id: 'heat-weeks', for: 'heat-week-from heat-week-to' });
  const trend = h('input', { type: 'checkbox', id: 'hotspot-trend', name: 'trend' });
  // The legends float over the map, beside the left column, while a layer is on.
  const heatLegend = h('div', { class: 'heat-legend', id: 'heat-legend', 'aria-label': '热力图例 Heat legend' });
  const hotLegend = h('div', { class: 'heat-legend', id: 'hotspot-legend', 'aria-label': '热点图例 Hotspot legend' });
  const legendBox = h('div', { id: 'heat-legends', class: 'box', hidden: true }, heatLegend, hotLegend);
  map.getContainer().after(legendBox);
  const controls = h('div', { class: 'heat-controls', hidden: true },
    h('label', { class: 'row', 'data-for': 'heat' }, h('span', {}, '指标'), metric),
    h('label', { class: 'row' }, h('span', {}, '类别'), category),
    h('label', { class: 'row' }, h('span', {}, '时段'), period),
    h('div', { class: 'weeks', 'data-for': 'heat' },
      h('div', { class: 'weeks-head' }, h('span', {}, '周 Weeks'), weekLabel),
      h('div', { class: 'dual' }, weekFrom, weekTo)),
    h('label', { class: 'check', 'data-for': 'hotspot', title: '新增、连续、加剧、持续、减弱、零星、振荡、历史 Emerging hot spot classes over weekly bins' },
      trend, h('span', {}, '显示趋势 Trend (emerging classes)')));
  box.replaceChildren(
    h('legend', {}, '热力与热点 Heat & hotspots'),
    h('label', { class: 'switch', for: 'heat-on', title: '按 H3 六边形统计 Counted on H3 hexagons' }, heatOn, h('span', {}, '热力图 Heatmap')),
    h('label', { class: 'switch', for: 'hotspot-on', title: 'Getis-Ord Gi* 显著性 Significance of clusters' }, hotOn, h('span', {}, '热点 Hotspots')),
    controls,
    h('a', { class: 'dashboard-link', id: 'dashboard-link', href: 'dashboard.html' }, '统计看板 Dashboard →'));

  // The category list: a copy of the page's, once it has loaded.
  const copyCategories = () => {
    const opts = [...categorySelect.children].filter((c) => c.tagName === 'OPTGROUP' || (c.value && c.tagName === 'OPTION'));
    if (!opts.length) return;
    const keep = category.value;
    category.replaceChildren(h('option', { value: '' }, '全部类别 All categories'), ...opts.map((c) => c.cloneNode(true)));
    for (const o of category.querySelectorAll('option')) o.selected = o.value === keep;
  };
  if (categorySelect) {
    copyCategories();
    new MutationObserver(copyCategories).observe(categorySelect, { childList: true });
  }

  // Weeks of the period.
  let weeks = [];
  const setWeeks = () => {
    const w = weeksOf(Number(period.value));
    weeks = w.weeks;
    weekFrom.max = weekTo.max = String(weeks.length - 1);
    weekFrom.value = '0';
    weekTo.value = String(weeks.length - 1);
    renderWeeks();
  };
  const renderWeeks = () => {
    const a = Number(weekFrom.value);
    const b = Number(weekTo.value);
    const wa = weeks[a];
    const wb = weeks[b];
    const sunday = new Date(wb.monday);
    sunday.setDate(sunday.getDate() + 6);
    if (a === 0 && b === weeks.length - 1) {
      weekLabel.textContent = `全部 ${wa.label} – ${wb.label}`;
    } else if (a === b) {
      weekLabel.textContent = `${wa.label} (${md(wa.monday)}–${md(sunday)})`;
    } else {
      weekLabel.textContent = `${wa.label} – ${wb.label} (${md(wa.monday)}–${md(sunday)})`;
    }
  };
  setWeeks();

  // query is the filter shared by both layers; for the heatmap the week
  // range narrows the period.
  const query = (forHeat) => {
    const q = new URLSearchParams();
    if (category.value) q.set('category', category.value);
    const { start } = weeksOf(Number(period.value));
    let from = start;
    let to = null;
    if (forHeat) {
      const a = Number(weekFrom.value);
      const b = Number(weekTo.value);
      if (a > 0) from = weeks[a].monday;
      if (b < weeks.length - 1) {
        to = new Date(weeks[b].monday);
        to.setDate(to.getDate() + 7);
      }
    }
    q.set('from', rfc3339(from));
    if (to) q.set('to', rfc3339(to));
    return q;
  };

  const layers = {
    heat: { on: heatOn, data: new Map(), ctrl: null, box: null, zoom: null, key: '', state: 'heat' },
    hotspot: { on: hotOn, data: new Map(), ctrl: null, box: null, zoom: null, key: '', state: 'hotspots' },
  };
  const state = (l, s) => { document.body.dataset[l.state] = s; };
  state(layers.heat, 'off');
  state(layers.hotspot, 'off');

  const viewBox = () => {
    const v = map.getBounds();
    return [v.getWest(), v.getSouth(), v.getEast(), v.getNorth()];
  };
  const padded = (view) => {
    const dx = (view[2] - view[0]) / 2;
    const dy = (view[3] - view[1]) / 2;
    return [Math.max(-180, view[0] - dx), Math.max(-90, view[1] - dy), Math.min(180, view[2] + dx), Math.min(90, view[3] + dy)]
      .map((n) => Number(n.toFixed(5)));
  };
  const inside = (o, i) => o[0] <= i[0] && o[1] <= i[1] && o[2] >= i[2] && o[3] >= i[3];

  function url(name) {
    const l = layers[name];
    const q = query(name === 'heat');
    const box = padded(viewBox());
    q.set('bbox', box.join(','));
    if (name === 'heat') {
      q.set('metric', metric.value);
      q.set('k', String(RECUR_WEEKS));
    } else {
      q.set('bins', 'week');
      if (trend.checked) q.set('trend', 'true');
    }
    l.nextBox = box;
    return `${API}${name === 'heat' ? 'heatmap' : 'hotspots'}?${q}`;
  }

  // load fetches a layer for the view unless what it holds still covers it.
  async function load(name, force = false) {
    const l = layers[name];
    if (!l.on.checked) return;
    const view = viewBox();
    const key = `${query(name === 'heat')}|${metric.value}|${trend.checked}`;
    if (!force && l.box && l.key === key && inside(l.box, view) && Math.abs(map.getZoom() - l.zoom) < 1) return;
    if (l.ctrl) l.ctrl.abort();
    const ctrl = new AbortController();
    l.ctrl = ctrl;
    state(l, 'loading');
    renderLegend(name, { loading: true });
    const u = url(name);
    let fc;
    try {
      fc = await getFeatures(u, ctrl.signal);
    } catch (err) {
      if (err.name === 'AbortError' || l.ctrl !== ctrl) return;
      l.ctrl = null;
      l.box = null;
      map.getSource(name).setData(EMPTY);
      l.data.clear();
      // Too many cells for the box: not a failure, a request to zoom in.
      state(l, err.status === 422 ? 'toomany' : 'error');
      renderLegend(name, { error: err });
      return;
    }
    if (l.ctrl !== ctrl) return;
    l.ctrl = null;
    l.box = l.nextBox;
    l.zoom = map.getZoom();
    l.key = key;
    l.data.clear();
    if (name === 'heat') prepareHeat(fc);
    else prepareHotspots(fc);
    for (const f of fc.features) l.data.set(f.properties._h3, f);
    map.getSource(name).setData(fc);
    state(l, 'loaded');
    renderLegend(name, { fc });
  }

  let heatBreaks = [];
  let heatExact = false; // every value its own class
  function prepareHeat(fc) {
    for (const f of fc.features) {
      const p = f.properties = f.properties || {};
      p._h3 = String(p.h3 ?? f.id ?? '');
      p._v = valueOf(p, metric.value);
      p._rec = isRecurring(p);
    }
    const values = fc.features.map((f) => f.properties._v);
    heatBreaks = breaks(values);
    heatExact = new Set(values.filter((v) => v > 0)).size === heatBreaks.length;
    const n = heatBreaks.length;
    const colour = n > 1
      ? ['step', ['get', '_v'], rampColour(0, n), ...heatBreaks.slice(1).flatMap((b, i) => [b, rampColour(i + 1, n)])]
      : rampColour(0, Math.max(n, 1));
    map.setPaintProperty('heat-fill', 'fill-color', colour);
  }

  function prepareHotspots(fc) {
    for (const f of fc.features) {
      const p = f.properties = f.properties || {};
      p._h3 = String(p.h3 ?? f.id ?? '');
      p._bin = binOf(p);
      const t = trendOf(p);
      p._trend = t ? trendLabel(t) : '';
      p._trendHot = Boolean(t && t.hot);
    }
  }

  function renderLegend(name, { loading = false, error = null, fc = null } = {}) {
    const el = name === 'heat' ? heatLegend : hotLegend;
    const l = layers[name];
    el.hidden = !l.on.checked;
    if (!l.on.checked) return;
    const title = name === 'heat'
      ? h('strong', {}, (METRICS.find((m) => m.key === metric.value) || METRICS[0]).name)
      : h('strong', {}, '热点 Gi* 置信度 Confidence');
    if (loading) {
      el.replaceChildren(title, h('p', { class: 'note' }, '加载中 Loading…'));
      return;
    }
    if (error) {
      el.replaceChildren(title, error.status === 422
        ? h('p', { class: 'note warn', 'data-field': 'too-many' }, `单元过多，请放大地图 Too many cells: zoom in${error.detail ? ` (${error.detail})` : ''}`)
        : problemBox(error, name === 'heat' ? 'heatmap' : 'hotspots'));
      return;
    }
    const n = fc.features.length;
    const res = n ? cellRes(fc.features[0].properties._h3) : null;
    const meta = h('p', { class: 'note', 'data-field': `${name}-count` },
      n ? `${n} 格 cells · H3 res ${res}` : '视图内无数据 Nothing in view');
    if (name === 'heat') {
      const b = heatBreaks;
      const rows = b.map((lo, i) => {
        const hi = i + 1 < b.length ? b[i + 1] : null;
        let text;
        if (heatExact) text = fmt(lo);
        else if (hi === null) text = i === 0 && b.length === 1 ? fmt(lo) : `≥ ${fmt(lo)}`;
        else if (Number.isInteger(lo) && Number.isInteger(hi) && hi - lo === 1) text = fmt(lo);
        else if (Number.isInteger(lo) && Number.isInteger(hi)) text = `${fmt(lo)}–${fmt(hi - 1)}`;
        else text = `${fmt(lo)}–${fmt(hi)}`;
        return h('li', {}, swatch(rampColour(i, b.length)), h('span', {}, text));
      });
      el.replaceChildren(title,
        rows.length ? h('ul', { class: 'ramp' }, rows) : '',
        h('p', { class: 'rec-key' }, h('span', { class: 'rec-swatch', 'aria-hidden': 'true' }), `粗黑框：复发（≥${RECUR_WEEKS} 周）Thick outline: recurring (${RECUR_WEEKS}+ weeks)`),
        meta);
    } else {
      const present = new Map();
      for (const f of fc.features) if (f.properties._trend) present.set(f.properties._trend, f.properties._trendHot);
      el.replaceChildren(title,
        h('ul', { class: 'classes' }, HOTSPOT_CLASSES.map((c) => h('li', { title: c.name[1], 'data-bin': c.bin }, swatch(c.colour), h('span', {}, c.name[0])))),
        trend.checked
          ? h('p', { class: 'rec-key' }, h('span', { class: 'trend-swatch', 'aria-hidden': 'true' }),
            present.size ? `虚线框：趋势 Dashed: ${[...present.keys()].join('、')}` : '无趋势类别 No emerging pattern')
          : '',
        meta);
    }
  }

  function swatch(colour) {
    const s = h('span', { class: 'swatch' });
    s.style.background = colour;
    return s;
  }

  function visibility() {
    const vis = (ids, on) => ids.forEach((id) => map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none'));
    vis(HEAT_LAYERS, heatOn.checked);
    vis(HOTSPOT_LAYERS, hotOn.checked);
    vis(TREND_LAYERS, hotOn.checked && trend.checked);
    controls.hidden = !heatOn.checked && !hotOn.checked;
    legendBox.hidden = controls.hidden;
    for (const el of controls.querySelectorAll('[data-for="heat"]')) el.hidden = !heatOn.checked;
    for (const el of controls.querySelectorAll('[data-for="hotspot"]')) el.hidden = !hotOn.checked;
    for (const [name, l] of Object.entries(layers)) {
      if (!l.on.checked) {
        if (l.ctrl) l.ctrl.abort();
        l.ctrl = null;
        state(l, 'off');
        renderLegend(name);
      }
    }
  }

  heatOn.addEventListener('change', () => { visibility(); load('heat'); });
  hotOn.addEventListener('change', () => { visibility(); load('hotspot'); });
  trend.addEventListener('change', () => { visibility(); load('hotspot'); });
  metric.addEventListener('change', () => load('heat'));
  category.addEventListener('change', () => { load('heat'); load('hotspot'); });
  period.addEventListener('change', () => { setWeeks(); load('heat'); load('hotspot'); });
  const onWeeks = (e) => {
    // The two thumbs may not cross.
    if (Number(weekFrom.value) > Number(weekTo.value)) {
      if (e.target === weekFrom) weekTo.value = weekFrom.value;
      else weekFrom.value = weekTo.value;
    }
    renderWeeks();
  };
  for (const s of [weekFrom, weekTo]) {
    s.addEventListener('input', onWeeks);
    s.addEventListener('change', (e) => { onWeeks(e); load('heat'); });
  }
  map.on('moveend', () => { load('heat'); load('hotspot'); });
  // A problem filed or changed on this page (problems.js): the cells follow.
  window.addEventListener('gridkeeper:problems', () => { load('heat', true); load('hotspot', true); });
  map.on('mousemove', (e) => {
    if (document.body.dataset.mode) return;
    if (cellAt(e.point)) map.getCanvas().style.cursor = 'pointer';
  });
  visibility();

  // ---------------------------------------------------------------- a click on a cell

  function cellAt(point) {
    const ids = [heatOn.checked ? 'heat-fill' : null, hotOn.checked ? 'hotspot-fill' : null].filter(Boolean);
    if (!ids.length) return null;
    const hit = map.queryRenderedFeatures(point, { layers: ids })[0];
    if (!hit) return null;
    const name = hit.layer.id === 'heat-fill' ? 'heat' : 'hotspot';
    const f = layers[name].data.get(hit.properties._h3);
    return f ? { name, f } : null;
  }

  // A problem's own point wins over the cell under it.
  function onProblem(point) {
    if (!map.getLayer('problem-point') || map.getLayoutProperty('problem-point', 'visibility') === 'none') return false;
    const { x, y } = point;
    return map.queryRenderedFeatures([[x - 3, y - 3], [x + 3, y + 3]], { layers: ['problem-point'] }).length > 0;
  }

  function handles(e) {
    if (document.body.dataset.mode) return false; // chain or report mode
    if (onProblem(e.point)) return false;
    const hit = cellAt(e.point);
    if (!hit) return false;
    showCell(hit.name, hit.f);
    return true;
  }

  function figures(name, p) {
    const row = (dt, dd, field) => (dd === undefined || dd === null || dd === '' ? [] : [h('dt', {}, dt), h('dd', { 'data-field': field }, String(dd))]);
    if (name === 'heat') {
      const top = Array.isArray(p.top_categories) ? p.top_categories : Array.isArray(p.categories) ? p.categories : [];
      return h('dl', {},
        ...row('问题 Problems', p.count, 'cell-count'),
        ...row('周数 Weeks', p.weeks, 'cell-weeks'),
        ...row('复发 Recurring', typeof p.recurring === 'boolean' ? (p.recurring ? '是 yes' : '否 no') : p.recurring, 'cell-recurring'),
        ...row('反弹 Rebounds', p.rebounds, 'cell-rebounds'),
        ...row('未结 Open', p.open, 'cell-open'),
        ...row('超期 Overdue', p.overdue, 'cell-overdue'),
        ...row('主要类别 Top', top.map((c) => (typeof c === 'string' ? c : `${c.name || c.code} ${c.count ?? ''}`.trim())).join('、'), 'cell-top'));
    }
    const cls = HOTSPOT_CLASSES.find((c) => c.bin === p._bin);
    const t = trendOf(p);
    return h('dl', {},
      ...row('类别 Class', cls ? `${cls.name[0]} · ${cls.name[1]}` : '', 'cell-class'),
      ...row('Gi* z', typeof p.z === 'number' ? p.z.toFixed(2) : p.z, 'cell-z'),
      ...row('p', typeof p.p === 'number' ? p.p.toPrecision(2) : p.p, 'cell-p'),
      ...row('问题 Problems', p.count ?? p.value, 'cell-count'),
      ...row('趋势 Trend', trend.checked ? trendTitle(t) : '', 'cell-trend'));
  }

  async function showCell(name, f) {
    const ctrl = panel.begin('cell');
    const p = f.properties;
    const cell = p._h3;
    const res = cellRes(cell);
    panel.mark(null);
    panel.highlight({ type: 'Feature', properties: {}, geometry: f.geometry });
    const list = h('section', { class: 'cell-problems', 'data-state': 'loading' }, h('p', { class: 'loading' }, '加载中 Loading…'));
    panel.open(
      h('h2', { id: 'panel-title' }, name === 'heat' ? '热力单元 Heat cell' : '热点单元 Hotspot cell'),
      h('p', { class: 'cell-id' }, h('span', { class: 'code', 'data-field': 'cell-h3' }, cell), ` · H3 res ${res}`),
      figures(name, p),
      h('h3', {}, '单元内的问题 Problems in this cell'),
      list);
    const q = query(name === 'heat');
    // The cell's bounds, padded: a problem belongs to the cell that is its
    // stored res-15 cell's ancestor, and H3's children stick out a little
    // beyond their parent's hexagon.
    const b = bboxOf(f.geometry);
    const dx = (b[2] - b[0]) * 0.3;
    const dy = (b[3] - b[1]) * 0.3;
    q.set('bbox', [b[0] - dx, b[1] - dy, b[2] + dx, b[3] + dy].map((n) => n.toFixed(6)).join(','));
    q.set('limit', '1000');
    let fc;
    try {
      fc = await getFeatures(`${API}problems?${q}`, ctrl.signal);
    } catch (err) {
      if (err.name === 'AbortError' || panel.current !== ctrl) return;
      list.dataset.state = 'error';
      list.replaceChildren(problemBox(err, 'problems'));
      return;
    }
    if (panel.current !== ctrl) return;
    const mine = fc.features.map((x) => x.properties || {}).filter((x) => x.h3 && cellParent(x.h3, res) === cell);
    list.dataset.state = 'loaded';
    if (!mine.length) {
      list.replaceChildren(h('p', { class: 'hint' }, '所选时段内无问题 No problems in the period'));
      return;
    }
    list.replaceChildren(
      h('p', { class: 'hint', 'data-field': 'cell-problem-count' }, `${mine.length} 件，最新在前 ${mine.length}, newest first`),
      h('ol', { class: 'briefs', 'data-field': 'cell-problems' }, mine.map((x) => h('li', { 'data-problem': x.id },
        h('button', { type: 'button', class: 'linkish code', onclick: () => openProblem(x.id), title: '打开 Open' }, x.number || `#${x.id}`),
        ' ', h('span', { class: 'cat' }, x.category_name || x.category),
        h('small', {}, ` ${x.category} · `, h('span', { class: 'status', 'data-status': x.status }, STATUS_NAMES[x.status] || x.status),
          ` · ${(x.reported_at || '').slice(0, 10)}`)))));
  }

  return { handles };
}
