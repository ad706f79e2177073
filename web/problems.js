// Problems (问题), what the views of them share: the names of statuses,
// sources and actions, the signed-in user's role, the categories, the event
// that says a problem changed, and the filter bar over the problems layer
// (category, status, source, dates, "N shown", CSV export). One problem in
// the panel is problem.js; the report form is report.js; the due re-checks
// list is rechecks.js.
//
// When a write to a problem lands anywhere on the page, PROBLEMS_EVENT goes
// out on window ({id, problem, created, message, origin}); whatever shows
// problems reloads: the layer, the re-checks list, a problem in the panel.

import { API, getBlob, sendJSON } from './api.js';
import { refused, token } from './auth.js';
import { withZone } from './duties.js';
import { h } from './panel.js';

export const PROBLEMS_EVENT = 'gridkeeper:problems';

export const STATUS_NAMES = {
  reported: ['待立案', 'Reported'],
  registered: ['已立案', 'Registered'],
  dispatched: ['已派遣', 'Dispatched'],
  in_progress: ['处置中', 'In progress'],
  resolved: ['已处置', 'Resolved'],
  closed: ['已结案', 'Closed'],
  parked: ['挂账', 'Parked'],
  void: ['作废', 'Void'],
  merged: ['已合并', 'Merged'],
};
export const OPEN_STATUSES = ['reported', 'registered', 'dispatched', 'in_progress', 'resolved', 'parked'];

export const SOURCE_NAMES = {
  patrol: ['巡查', 'Patrol'],
  supervision: ['督导', 'Supervision'],
  inspection: ['检查', 'Inspection'],
  citizen: ['市民', 'Citizen'],
  hotline: ['12345 热线', 'Hotline'],
  api: ['接口', 'API'],
};

export const ACTION_NAMES = {
  report: ['上报', 'Report'],
  register: ['立案', 'Register'],
  dispatch: ['派遣', 'Dispatch'],
  start: ['开始处置', 'Start'],
  resolve: ['处置完成', 'Resolve'],
  close: ['核查结案', 'Close'],
  rework: ['返工', 'Rework'],
  send_back: ['回退', 'Send back'],
  extend: ['延期', 'Extend'],
  park: ['挂账', 'Park'],
  void: ['作废', 'Void'],
  merge: ['合并', 'Merge'],
};

export const LIGHT_NAMES = { green: ['绿灯', 'Green'], yellow: ['黄灯', 'Yellow'], red: ['红灯', 'Red'] };

// ACTION_ROLES mirrors the server's table (internal/problem/workflow.go), so
// that a signed-in user sees only the buttons their role may press; the
// server decides either way (403). Admins may take every action.
const ACTION_ROLES = {
  register: ['dispatcher', 'supervisor'],
  dispatch: ['dispatcher', 'supervisor'],
  start: ['officer', 'dispatcher', 'supervisor'],
  resolve: ['officer', 'dispatcher', 'supervisor'],
  close: ['supervisor', 'dispatcher'],
  rework: ['supervisor', 'dispatcher'],
  send_back: ['officer', 'dispatcher', 'supervisor'],
  extend: ['dispatcher', 'supervisor'],
  park: ['dispatcher', 'supervisor'],
  void: ['dispatcher', 'supervisor'],
  merge: ['dispatcher', 'supervisor'],
};
// The roles that may report a problem or record a re-check.
export const FIELD_ROLES = ['admin', 'supervisor', 'dispatcher', 'officer'];
// nameOf is "中文 English" for key in a NAMES table.
export const nameOf = (names, key) => {
  const n = names[key];
  return n ? `${n[0]} ${n[1]}` : key || '';
};
export const statusLabel = (s) => nameOf(STATUS_NAMES, s);
export const actionLabel = (a) => nameOf(ACTION_NAMES, a);
export const sourceLabel = (s) => nameOf(SOURCE_NAMES, s);

export function changed(detail) {
  window.dispatchEvent(new CustomEvent(PROBLEMS_EVENT, { detail }));
}

// ---------------------------------------------------------------- the signed-in role

let self = { token: '', promise: null };

// role resolves to the signed-in token's role ('' when signed out or
// unknown), asked of /tokens/self once per token and only when a view needs it.
export function role() {
  const t = token();
  if (!t) return Promise.resolve('');
  if (self.token !== t) {
    self = {
      token: t,
      promise: sendJSON(`${API}tokens/self`, undefined, { method: 'GET', token: t })
        .then((r) => (r && r.role) || '', (err) => {
          refused(err);
          return '';
        }),
    };
  }
  return self.promise;
}

// may: can a token of role r take action a? An unknown role ('') may try.
export function may(r, a) {
  return !r || r === 'admin' || (ACTION_ROLES[a] || []).includes(r);
}

// ---------------------------------------------------------------- categories

let categories = [];

// setCategories keeps the categories app.js loaded, for the forms and the chain.
export function setCategories(list) {
  categories = list;
}

export function categoryList() {
  return categories;
}

export function categoryOf(code) {
  return categories.find((c) => c.code === code);
}

const KIND_GROUPS = { event: '事件 Event', component: '部件 Component' };

// categoryOptions lists categories as <optgroup>s by kind and big class.
export function categoryOptions(list, selected = '') {
  const groups = new Map();
  for (const c of list) {
    const key = `${c.kind}|${c.big_class}`;
    if (!groups.has(key)) {
      groups.set(key, h('optgroup', { label: `${KIND_GROUPS[c.kind] || c.kind} ${c.big_class} ${c.big_class_name || ''}`.trim() }));
    }
    groups.get(key).append(h('option', { value: c.code, 'data-first': c.first_in_line, selected: c.code === selected }, `${c.name} · ${c.code}`));
  }
  return [...groups.values()];
}

// ---------------------------------------------------------------- the filter bar

const STATUS_FILTERS = [
  { key: 'open', name: '未结 Open', q: { status: OPEN_STATUSES.join(',') } },
  { key: 'all', name: '全部 All', q: {} },
  { key: 'waiting', name: '待立案派遣 To register', q: { status: 'reported,registered' } },
  { key: 'handling', name: '处置中 With a handler', q: { status: 'dispatched,in_progress' } },
  { key: 'overdue', name: '超期 Overdue', q: { overdue: 'true' } },
  { key: 'resolved', name: '待核查 To verify', q: { status: 'resolved' } },
  { key: 'parked', name: '挂账 Parked', q: { status: 'parked' } },
  { key: 'closed', name: '已结案 Closed', q: { status: 'closed' } },
  { key: 'void', name: '作废/合并 Void, merged', q: { status: 'void,merged' } },
];

// dayStart is the local midnight that starts date ("2026-09-11") plus
// `days`, in RFC 3339 with the browser's offset.
function dayStart(date, days = 0) {
  const d = new Date(`${date}T00:00`);
  d.setDate(d.getDate() + days);
  const pad = (n) => String(n).padStart(2, '0');
  return withZone(`${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T00:00`);
}

// mountFilters fills the filter bar `form`. onChange() runs when the
// filters change; bbox() gives the view's box for the CSV export. Returns
// {params, setCategories, shown}: params() is the list query without bbox
// and limit (the last good one while the dates are the wrong way round).
export function mountFilters(form, { onChange, bbox }) {
  // Category and source say what they are in their first option (quiet:
  // no word before them); status needs one.
  const field = (name, text, control, quiet = false) => h('label', { class: 'filter', 'data-filter': name, title: text },
    quiet ? '' : h('span', {}, text.split(' ')[0]), control);
  const category = h('select', { name: 'category', id: 'f-category', disabled: true, 'aria-label': '类别 Category' }, h('option', { value: '' }, '全部类别 All categories'));
  const status = h('select', { name: 'status', id: 'f-status' },
    STATUS_FILTERS.map((s, i) => h('option', { value: s.key, selected: i === 0 }, s.name)));
  const source = h('select', { name: 'source', id: 'f-source', 'aria-label': '来源 Source' },
    h('option', { value: '' }, '全部来源 All sources'),
    Object.keys(SOURCE_NAMES).map((s) => h('option', { value: s }, sourceLabel(s))));
  const from = h('input', { type: 'date', name: 'from', id: 'f-from', 'aria-label': '上报起 Reported from' });
  const to = h('input', { type: 'date', name: 'to', id: 'f-to', 'aria-label': '上报止 Reported until (inclusive)' });
  const count = h('output', { id: 'problem-count', 'data-field': 'problem-count' }, '');
  const csv = h('button', { type: 'button', id: 'problem-csv', title: '下载视图内的筛选结果 Download the filtered problems in the view as CSV' }, '导出 CSV');
  let note = '';
  let last = null; // the last good query, kept while the dates are the wrong way round

  const params = () => {
    if (from.value && to.value && to.value < from.value && last) return new URLSearchParams(last);
    const q = new URLSearchParams();
    if (category.value) q.set('category', category.value);
    const s = STATUS_FILTERS.find((x) => x.key === status.value) || STATUS_FILTERS[0];
    for (const [k, v] of Object.entries(s.q)) q.set(k, v);
    if (source.value) q.set('source', source.value);
    if (from.value) q.set('from', dayStart(from.value));
    if (to.value && !(from.value && to.value < from.value)) q.set('to', dayStart(to.value, 1)); // the whole "to" day
    last = q.toString();
    return q;
  };

  form.replaceChildren(
    h('strong', { class: 'title' }, '问题 Problems'),
    field('category', '类别 Category', category, true),
    field('status', '状态 Status', status),
    field('source', '来源 Source', source, true),
    h('span', { class: 'filter dates', 'data-filter': 'dates' }, h('span', {}, '上报'), from, h('span', { 'aria-hidden': 'true' }, '–'), to),
    count,
    csv);
  form.addEventListener('submit', (e) => e.preventDefault());
  form.addEventListener('change', () => {
    const bad = from.value && to.value && to.value < from.value;
    to.toggleAttribute('aria-invalid', Boolean(bad));
    if (bad) {
      count.textContent = '起止日期颠倒 From is after To';
      count.className = 'bad';
      return;
    }
    onChange();
  });

  csv.addEventListener('click', async () => {
    const q = params();
    q.set('bbox', bbox());
    q.set('limit', '10000');
    csv.disabled = true;
    try {
      const blob = await getBlob(`${API}problems?${q}`, 'text/csv');
      const a = h('a', { href: URL.createObjectURL(blob), download: `problems-${new Date().toISOString().slice(0, 10)}.csv` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch (err) {
      count.textContent = `导出失败 Export failed: ${err.title || err.message}`;
      count.className = 'bad';
    } finally {
      csv.disabled = false;
    }
  });

  return {
    params,
    setCategories(list) {
      category.append(...categoryOptions(list));
      category.disabled = !list.length;
    },
    // shown says how many problems the layer holds; truncated: more match.
    shown(n, truncated) {
      count.className = truncated ? 'truncated' : '';
      count.title = truncated ? '只取了最新的一部分：放大地图或缩小筛选范围可看全 Only the newest are shown: zoom in or narrow the filters to see all' : '';
      note = truncated ? ' · 仅最新 newest only' : '';
      count.textContent = `显示 ${n} 条 ${n} shown${note}`;
    },
  };
}
