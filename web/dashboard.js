// The dashboard (dashboard.html): the monthly ranking (一月一次评比) at a
// chosen level, a chart of each district's monthly trend, and a map of the
// on-time closure rate by grid.
//
//   ranking      GET /rankings?level=&month=YYYY-MM: rows with their
//                measures, score, rank and change since the previous
//                month; a sortable table (any column; ▲ up, ▼ down). The
//                "下载 CSV" link asks the same URL with Accept: text/csv.
//   trend        the same rankings for districts over the twelve months up
//                to the chosen one, one line per district, for the measure
//                chosen above the chart (drawn by chart.js, plain SVG).
//   choropleth   the month's on-time closure rate by grid (choropleth.js).
//
// The level and month live in the URL (?level=&month=), so that a view can
// be shared. <body data-ranking | data-trend>: loading | loaded | error.
// window.dashboard.map is the choropleth's map, for the browser test.

import { API, ApiError, getJSON } from './api.js';
import { PALETTE, lineChart } from './chart.js';
import { mountChoropleth } from './choropleth.js';
import { h, problemBox } from './panel.js';

const $ = (sel) => document.querySelector(sel);

// ---------------------------------------------------------------- measures

// MEASURES names the measures /rankings and /stats/areas send, in table
// order; `main` ones are the table's columns unless "all measures" is on.
// A rate or share (0…1) shows as a percentage; a measure not listed here
// shows under its key.
const MEASURES = [
  ['score', '得分', 'Score', true],
  ['problems', '问题数', 'Problems', true],
  ['closed', '结案', 'Closed', true],
  ['closed_on_time', '按时结案', 'On time', true],
  ['open_overdue', '超期未结', 'Open overdue', true],
  ['on_time_closure_rate', '按时结案率', 'On-time rate', true],
  ['mean_hours_to_close', '平均结案时长', 'Mean hours', false],
  ['p90_hours_to_close', 'P90 结案时长', 'P90 hours', false],
  ['handled', '已处置', 'Handled', false],
  ['reworked', '返工', 'Reworked', false],
  ['rework_rate', '返工率', 'Rework rate', true],
  ['came_back', '反弹', 'Came back', false],
  ['rebound_rate', '反弹率', 'Rebound rate', true],
  ['found_by_patrol', '巡查发现', 'By patrol', false],
  ['reported_by_public', '群众上报', 'By public', false],
  ['other_source', '其他来源', 'Other', false],
  ['patrol_share', '巡查发现占比', 'Patrol share', true],
  ['public_share', '群众上报占比', 'Public share', false],
  ['problems_per_km2', '每平方公里', 'Per km²', true],
  ['problems_per_km_street', '每公里道路', 'Per street km', true],
  ['public_per_km2', '群众上报/km²', 'Public per km²', false],
  ['public_per_km_street', '群众上报/km', 'Public per km', false],
  ['previous_score', '上月得分', 'Last month', false],
  ['score_change', '得分变化', 'Score change', false],
];
const NOT_MEASURES = new Set(['rank', 'code', 'name', 'id', 'level', 'parent', 'month', 'previous_rank', 'rank_change',
  'area_km2', 'street_km']);

const isRate = (key) => /(_rate|accuracy|_share|_ratio)$/.test(key);

function measureName(key) {
  const m = MEASURES.find((x) => x[0] === key);
  return m ? [m[1], m[2]] : [key, ''];
}

const isMain = (key) => (MEASURES.find((x) => x[0] === key) || [])[3] === true;

function format(key, v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v !== 'number') return String(v);
  if (isRate(key)) return `${(v * 100).toFixed(1)}%`;
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) < 10 ? v.toFixed(2) : v.toFixed(1);
}

// measuresOf picks a row's (or an area's) measures: its numeric (or null)
// fields but the rank and the codes.
function measuresOf(row) {
  const out = {};
  for (const [k, v] of Object.entries(row)) {
    if (NOT_MEASURES.has(k) || k.startsWith('_')) continue;
    if (typeof v === 'number' || v === null) out[k] = v;
  }
  return out;
}

// changeOf is how many places a row climbed since last month (negative:
// fell): previous_rank − rank, null when either month left it unranked.
function changeOf(row) {
  if (typeof row.rank_change === 'number') return row.rank_change;
  if (typeof row.previous_rank === 'number' && typeof row.rank === 'number') return row.previous_rank - row.rank;
  return null;
}

function rowsOf(r) {
  return r && Array.isArray(r.rows) ? r.rows : [];
}

// ---------------------------------------------------------------- the pickers and the URL

const pad = (n) => String(n).padStart(2, '0');

function thisMonth() {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`;
}

function addMonths(month, k) {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(y, m - 1 + k, 1);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`;
}

const params = new URLSearchParams(location.search);
const levelSel = $('#level');
const monthIn = $('#month');
levelSel.value = [...levelSel.options].some((o) => o.value === params.get('level')) ? params.get('level') : 'district';
monthIn.value = /^\d{4}-\d{2}$/.test(params.get('month') || '') ? params.get('month') : thisMonth();
monthIn.max = thisMonth();

function state() {
  return { level: levelSel.value, month: monthIn.value || thisMonth() };
}

function rankingURL({ level, month }) {
  return `${API}rankings?${new URLSearchParams({ level, month })}`;
}

// ---------------------------------------------------------------- the ranking table

let rows = [];
let columns = [];
let sort = { key: 'rank', dir: 1 };
let rankingCtrl = null;

async function loadRanking() {
  const s = state();
  history.replaceState(null, '', `?${new URLSearchParams(s)}`);
  $('#csv').href = rankingURL(s);
  $('#csv').setAttribute('download', `rankings-${s.level}-${s.month}.csv`);
  if (rankingCtrl) rankingCtrl.abort();
  const ctrl = new AbortController();
  rankingCtrl = ctrl;
  document.body.dataset.ranking = 'loading';
  $('#ranking-note').textContent = '加载中 Loading…';
  let r;
  try {
    r = await getJSON(rankingURL(s), ctrl.signal);
  } catch (err) {
    if (err.name === 'AbortError' || rankingCtrl !== ctrl) return;
    document.body.dataset.ranking = 'error';
    $('#ranking-note').replaceChildren(problemBox(err, 'rankings'));
    $('#ranking-table thead').replaceChildren();
    $('#ranking-table tbody').replaceChildren();
    return;
  }
  if (rankingCtrl !== ctrl) return;
  rows = rowsOf(r).map((row) => ({ row, m: measuresOf(row), change: changeOf(row) }));
  setColumns();
  renderTable();
  document.body.dataset.ranking = 'loaded';
  const month = r && r.month ? r.month : s.month;
  $('#ranking-note').textContent = rows.length
    ? `${month} · ${rows.length} 项 rows · 点击列标题排序 Click a heading to sort`
    : `${month} · 本月无排名 Nothing ranked this month`;
}

// setColumns picks the table's columns: rank, change, name, then the main
// measures (every measure with "all measures" on) that some row has a
// value for, in MEASURES order, unknown ones last.
function setColumns() {
  const all = $('#all-measures').checked;
  const keys = [];
  for (const x of rows) {
    for (const [k, v] of Object.entries(x.m)) if (v !== null && !keys.includes(k) && (all || isMain(k))) keys.push(k);
  }
  const order = (k) => {
    const i = MEASURES.findIndex((m) => m[0] === k);
    return i < 0 ? MEASURES.length : i;
  };
  keys.sort((a, b) => order(a) - order(b));
  columns = [
    { key: 'rank', name: ['名次', 'Rank'], num: true, get: (x) => x.row.rank },
    { key: 'change', name: ['变化', 'Change'], num: true, get: (x) => x.change },
    { key: 'name', name: ['名称', 'Name'], num: false, get: (x) => x.row.name || String(x.row.code ?? '') },
    ...keys.map((k) => ({ key: k, name: measureName(k), num: true, get: (x) => x.m[k] })),
  ];
  if (!columns.some((c) => c.key === sort.key)) sort = { key: 'rank', dir: 1 };
}

$('#all-measures').addEventListener('change', () => {
  setColumns();
  renderTable();
});

function compare(col) {
  return (a, b) => {
    const x = col.get(a);
    const y = col.get(b);
    const nx = x === null || x === undefined || x === '';
    const ny = y === null || y === undefined || y === '';
    if (nx || ny) return nx && ny ? 0 : nx ? 1 : -1; // blanks last either way
    if (col.num) return (x - y) * sort.dir;
    return String(x).localeCompare(String(y), 'zh-CN') * sort.dir;
  };
}

function changeCell(x) {
  const c = x.change;
  if (x.row.rank === null || x.row.rank === undefined) return h('td', { class: 'change same', title: '本月无问题，未排名 No problems this month: not ranked' }, '—');
  if (c === null || c === undefined) return h('td', { class: 'change new', title: '上月未排名 Not ranked last month' }, '新 new');
  if (c > 0) return h('td', { class: 'change up', title: `上升 ${c} 位 Up ${c}` }, `▲ ${c}`);
  if (c < 0) return h('td', { class: 'change down', title: `下降 ${-c} 位 Down ${-c}` }, `▼ ${-c}`);
  return h('td', { class: 'change same', title: '持平 Unchanged' }, '–');
}

function renderTable() {
  const thead = $('#ranking-table thead');
  const tbody = $('#ranking-table tbody');
  thead.replaceChildren(h('tr', {}, columns.map((c) => {
    const dir = sort.key === c.key ? (sort.dir > 0 ? 'ascending' : 'descending') : 'none';
    return h('th', { scope: 'col', 'aria-sort': dir, 'data-key': c.key, class: c.num ? 'num' : '' },
      h('button', {
        type: 'button',
        title: '排序 Sort',
        onclick: () => {
          // Names sort A→Z first, numbers high→low first (but rank 1 first).
          const first = c.num && c.key !== 'rank' ? -1 : 1;
          sort = sort.key === c.key ? { key: c.key, dir: -sort.dir } : { key: c.key, dir: first };
          renderTable();
        },
      }, h('span', {}, c.name[0]), c.name[1] ? h('small', {}, c.name[1]) : '', h('span', { class: 'arrow', 'aria-hidden': 'true' }, dir === 'ascending' ? '↑' : dir === 'descending' ? '↓' : '')));
  })));
  const col = columns.find((c) => c.key === sort.key) || columns[0];
  const sorted = [...rows].sort(compare(col));
  if (!sorted.length) {
    tbody.replaceChildren(h('tr', {}, h('td', { colspan: columns.length, class: 'none' }, '无数据 No rows')));
    return;
  }
  tbody.replaceChildren(...sorted.map((x) => h('tr', { 'data-code': x.row.code ?? x.row.id ?? '' },
    columns.map((c) => {
      if (c.key === 'change') return changeCell(x);
      if (c.key === 'name') {
        // A person's code is their id; the roles say in which duties they were dispatched.
        const roles = Array.isArray(x.row.roles) && x.row.roles.length ? ` · ${x.row.roles.join(', ')}` : '';
        return h('td', { class: 'name' }, c.get(x), x.row.code && x.row.name ? h('small', { class: 'code' }, `${x.row.code}${roles}`) : '');
      }
      const v = c.get(x);
      return h('td', { class: `num${c.key === 'score' ? ' score' : ''}` }, c.key === 'rank' ? format('', v) : format(c.key, v));
    }))));
}

// The CSV link: the same URL asked for text/csv, saved under a good name.
$('#csv').addEventListener('click', async (e) => {
  e.preventDefault();
  const a = e.currentTarget;
  const s = state();
  a.setAttribute('aria-busy', 'true');
  try {
    const res = await fetch(rankingURL(s), { headers: { Accept: 'text/csv' } });
    if (!res.ok) throw new ApiError({ title: `HTTP ${res.status}`, detail: (await res.text()).slice(0, 300), status: res.status, url: res.url });
    const blob = await res.blob();
    const link = h('a', { href: URL.createObjectURL(blob), download: `rankings-${s.level}-${s.month}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  } catch (err) {
    $('#ranking-note').replaceChildren(problemBox(err, 'rankings CSV'));
  } finally {
    a.removeAttribute('aria-busy');
  }
});

// ---------------------------------------------------------------- the trend chart

const TREND_MONTHS = 12;
const trendMeasure = $('#trend-measure');
const monthCache = new Map(); // month → Promise of district rows
let trendSeq = 0;

function districtRows(month) {
  if (!monthCache.has(month)) {
    const p = getJSON(rankingURL({ level: 'district', month })).then(rowsOf);
    p.catch(() => monthCache.delete(month));
    monthCache.set(month, p);
  }
  return monthCache.get(month);
}

async function loadTrend() {
  const mine = ++trendSeq;
  const end = state().month;
  const months = Array.from({ length: TREND_MONTHS }, (_, i) => addMonths(end, i - TREND_MONTHS + 1));
  document.body.dataset.trend = 'loading';
  let data;
  try {
    data = await Promise.all(months.map(districtRows));
  } catch (err) {
    if (mine !== trendSeq) return;
    document.body.dataset.trend = 'error';
    $('#trend-chart').replaceChildren(problemBox(err, 'rankings (district, by month)'));
    return;
  }
  if (mine !== trendSeq) return;
  // The measures on offer: those the rows have, the on-time rate first.
  const keys = [];
  for (const list of data) for (const row of list) for (const k of Object.keys(measuresOf(row))) if (isMain(k) && !keys.includes(k)) keys.push(k);
  const preferred = ['on_time_closure_rate', 'score', 'problems', 'open_overdue'];
  const rank = (k) => (preferred.includes(k) ? preferred.indexOf(k) : preferred.length + MEASURES.findIndex((m) => m[0] === k));
  keys.sort((a, b) => rank(a) - rank(b));
  const keep = trendMeasure.value;
  trendMeasure.replaceChildren(...keys.map((k) => {
    const n = measureName(k);
    return h('option', { value: k }, `${n[0]} ${n[1]}`.trim());
  }));
  trendMeasure.value = keys.includes(keep) ? keep : keys[0] || '';
  drawTrend(months, data);
  document.body.dataset.trend = 'loaded';
}

let lastTrend = null;

function drawTrend(months, data) {
  lastTrend = { months, data };
  const key = trendMeasure.value;
  const districts = new Map();
  data.forEach((list, i) => {
    for (const row of list) {
      const code = String(row.code ?? row.id ?? row.name);
      if (!districts.has(code)) districts.set(code, { name: row.name || code, values: Array(months.length).fill(null) });
      const v = row[key];
      districts.get(code).values[i] = typeof v === 'number' ? v : null;
    }
  });
  const series = [...districts.entries()].sort((a, b) => a[0].localeCompare(b[0]))
    .map(([, d], k) => ({ ...d, colour: PALETTE[k % PALETTE.length] }));
  const rate = isRate(key);
  const box = $('#trend-chart');
  const width = Math.max(360, Math.min(900, box.clientWidth || 640));
  const n = measureName(key);
  box.replaceChildren(lineChart({ labels: months.map((m) => m.slice(2)), series }, {
    width, height: 300, min: rate ? 0 : undefined, max: rate ? 1 : undefined,
    format: (v) => (rate ? `${Math.round(v * 100)}%` : format(key, v)),
    title: `${n[0]} ${n[1]} · ${months[0]} – ${months[months.length - 1]}`,
  }));
}

trendMeasure.addEventListener('change', () => {
  if (lastTrend) drawTrend(lastTrend.months, lastTrend.data);
});

// ---------------------------------------------------------------- the choropleth

const choropleth = mountChoropleth({ container: 'choro-map', legend: $('#choro-legend'), note: $('#choropleth-note') });

// ---------------------------------------------------------------- start-up

function loadAll() {
  loadRanking();
  loadTrend();
  choropleth.load(state().month);
}

levelSel.addEventListener('change', loadRanking);
monthIn.addEventListener('change', () => {
  if (!/^\d{4}-\d{2}$/.test(monthIn.value)) return;
  loadAll();
});
$('#pickers').addEventListener('submit', (e) => e.preventDefault());
let resizeTimer = null;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => lastTrend && drawTrend(lastTrend.months, lastTrend.data), 150);
});
loadAll();

window.dashboard = { map: choropleth.map };
