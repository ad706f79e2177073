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
import { cellParent, cellRes, monthDay, rfc3339, weeksOf } from './cells.js';
import { bboxOf } from './geometry.js';
import {
  EMPTY, HEAT_LAYERS, HOTSPOT_CLASSES, HOTSPOT_LAYERS, METRICS, PERIODS, RECUR_WEEKS, TREND_LAYERS,
  addLayers, binOf, breaks, fmt, isRecurring, rampColour, trendLabel, trendOf, trendTitle, valueOf,
} from './heatlayers.js';
import { h, problemBox } from './panel.js';
import { statusLabel } from './problems.js';

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
      weekLabel.textContent = `${wa.label} (${monthDay(wa.monday)}–${monthDay(sunday)})`;
    } else {
      weekLabel.textContent = `${wa.label} – ${wb.label} (${monthDay(wa.monday)}–${monthDay(sunday)})`;
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
        h('small', {}, ` ${x.category} · `, h('span', { class: 'status', 'data-status': x.status }, statusLabel(x.status)),
          ` · ${(x.reported_at || '').slice(0, 10)}`)))));
  }

  return { handles };
}
