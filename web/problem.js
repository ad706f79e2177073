// One problem in the panel: its facts, the workflow actions its status and
// the user's role allow, the chain of responsibility as it was when the
// problem was reported, its timeline, re-checks, recurrences and merged
// duplicates. Panel.problem (panel.js) loads it and keeps it current.
//
// Actions carry the signed-in token and the version on show in If-Match: a
// problem changed meanwhile is refused (412) and offers a reload.

import { API, sendJSON } from './api.js';
import { refused, signedIn, token } from './auth.js';
import { chainView } from './chain.js';
import { formatTime, roleLabel, withZone } from './duties.js';
import { PROBLEMS, problemKind } from './layers.js';
import { h, problemBox } from './panel.js';
import {
  ACTION_NAMES, LIGHT_NAMES, actionLabel, categoryOf, may, nameOf, role, sourceLabel, statusLabel,
} from './problems.js';
import { RECHECK_NAMES, recheckButtons } from './rechecks.js';
import { photosSection } from './photos.js';

// Actions that ask "are you sure?" with a second click.
const CONFIRM = ['void', 'merge'];

const pad2 = (n) => String(n).padStart(2, '0');

// localInput is an RFC 3339 time as a datetime-local value.
function localInput(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

function statusBadge(status) {
  return h('span', { class: 'badge status', 'data-status': status }, statusLabel(status));
}

function lightChip(p) {
  if (!p.light) return '';
  const n = LIGHT_NAMES[p.light];
  return h('span', { class: 'light', 'data-light': p.light, title: '时限灯：80% 时限内绿，80-100% 黄，超期红 Deadline light' },
    h('span', { class: 'dot', 'aria-hidden': 'true' }), n ? `${n[0]} ${n[1]}` : p.light);
}

// colourOf is a problem's colour on the map.
function colourOf(p) {
  const k = PROBLEMS.kinds.find((x) => x.key === problemKind(p));
  return k ? k.colour : PROBLEMS.cluster_colour;
}

function assigneeView(a) {
  if (!a) return h('span', { class: 'none' }, '未派遣 Not dispatched');
  return h('span', { class: 'holder' },
    h('strong', { 'data-field': 'assignee-name' }, a.name || a.code || `#${a.id}`),
    a.kind === 'department' && a.code ? [' ', h('span', { class: 'code' }, a.code)] : '',
    a.role ? h('small', {}, ` · ${roleLabel(a.role)}`) : '');
}

// placeNames finds the names of the problem's places in its chain.
function placeNames(chain) {
  const names = {};
  for (const l of Array.isArray(chain) ? chain : []) {
    const t = l.target || {};
    if (t.kind === 'area') names[t.level] = t.name;
    else if (t.kind === 'street' || t.kind === 'frontage') names[t.kind] = t.name;
  }
  return names;
}

// problemView shows a /problems/{id} answer d. open(ref): show an area,
// "street:CODE" or "frontage:ID" (Panel.select); openProblem(id): show
// another problem; onChanged(problem, message): an action landed (the
// panel re-renders with the reply); reload(): fetch the problem anew;
// flash: the outcome of the last write, on top.
export function problemView(d, { open, openProblem, onChanged, reload, flash = '' }) {
  const names = placeNames(d.chain);
  const row = (dt, dd, field, cls) => (dd === null || dd === undefined || dd === '' ? [] : [h('dt', {}, dt), h('dd', { 'data-field': field, class: cls }, dd)]);
  const place = (code, name, ref) => {
    if (!code) return null;
    const text = name ? `${name} (${code})` : code;
    return h('button', { type: 'button', class: 'linkish', title: '查看 Show', onclick: () => open(ref) }, text);
  };
  const problemLink = (id, text) => (id ? h('button', { type: 'button', class: 'linkish', onclick: () => openProblem(id) }, text || `#${id}`) : null);
  const due = d.due_at
    ? [formatTime(d.due_at), d.overdue ? h('span', { class: 'overdue' }, ' 已超期 overdue') : '',
      d.time_limit_hours ? h('small', {}, ` · 时限 limit ${d.time_limit_hours} 工作小时 working h`) : '']
    : null;
  const dot = h('span', { class: 'kind-dot', 'aria-hidden': 'true' });
  dot.style.background = colourOf(d);

  return [
    h('h2', { id: 'panel-title' }, dot, d.category_name || d.category),
    h('p', { class: 'problem-head' }, statusBadge(d.status), ' ', lightChip(d)),
    flash ? h('p', { class: 'done', role: 'status', 'data-field': 'problem-flash' }, flash) : '',
    h('dl', { class: 'facts' },
      ...row('编号 Number', d.number, 'number', 'code'),
      ...row('类别 Category', [d.category_name, ' ', h('span', { class: 'code' }, d.category)], 'category'),
      ...row('状态 Status', statusLabel(d.status), 'status'),
      ...row('截止 Due', due, 'due'),
      ...row('处置人 Assignee', assigneeView(d.assignee), 'assignee'),
      ...row('来源 Source', [sourceLabel(d.source), d.source_ref ? h('span', { class: 'code' }, ` ${d.source_ref}`) : ''], 'source'),
      ...row('上报 Reported', formatTime(d.reported_at), 'reported'),
      ...row('地址 Address', d.address, 'address'),
      ...row('描述 Description', d.description, 'description', 'description'),
      ...row('网格 Grid', d.grid ? place(d.grid, names.grid, d.grid) : h('span', { class: 'overdue' }, '不在任何网格内 Outside every grid'), 'grid'),
      ...row('社区 Community', place(d.community, names.community, d.community), 'community'),
      ...row('街道 Subdistrict', place(d.subdistrict, names.subdistrict, d.subdistrict), 'subdistrict'),
      ...row('道路 Street', d.street
        ? [place(d.street, names.street, `street:${d.street}`), d.street_distance_m !== null && d.street_distance_m !== undefined ? h('small', {}, ` · ${Math.round(d.street_distance_m)} m`) : '']
        : null, 'street'),
      ...row('门前 Frontage', d.frontage_id ? place(String(d.frontage_id), names.frontage, `frontage:${d.frontage_id}`) : null, 'frontage'),
      ...row('按时 On time', d.on_time === null || d.on_time === undefined ? null : (d.on_time ? '按时结案 Closed on time' : '超时结案 Closed late'), 'on-time', d.on_time ? 'good' : 'bad'),
      ...row('派遣 Dispatches', d.dispatch_count > 1 ? String(d.dispatch_count) : null, 'dispatch-count'),
      ...row('返工 Reworks', d.rework_count > 0 ? String(d.rework_count) : null, 'rework-count'),
      ...row('延期 Extensions', d.extension_count > 0 ? String(d.extension_count) : null, 'extension-count'),
      ...row('复发自 Recurs', problemLink(d.recurs_of), 'recurs-of'),
      ...row('反弹自 Rebound of', problemLink(d.rebound_of), 'rebound-of'),
      ...row('疑似重复 Duplicate of', problemLink(d.duplicate_of), 'duplicate-of'),
      ...row('已并入 Merged into', problemLink(d.merged_into), 'merged-into')),
    actionsSection(d, { onChanged, reload }),
    h('h3', {}, '责任链 Chain (上报时 when reported)'),
    h('section', { class: 'chain-view', 'data-field': 'problem-chain' },
      Array.isArray(d.chain) && d.chain.length
        ? chainView({
          category: { code: d.category, name: d.category_name, first_in_line: (categoryOf(d.category) || {}).first_in_line },
          chain: d.chain, lon: d.lon, lat: d.lat, at: d.reported_at,
        }, { open, assign: false })
        : h('p', { class: 'hint' }, '无责任链 No chain')),
    h('h3', {}, '处理过程 Timeline'),
    timeline(d.events),
    photosSection(d.id),
    recheckSection(d, { openProblem, onChanged }),
    briefs('复发链 Recurrences at this place', 'recurrences', d.recurrences, d.id, openProblem, 2),
    briefs('已合并的重复 Merged duplicates', 'merged', d.merged, d.id, openProblem, 1),
  ];
}

function timeline(events) {
  const list = Array.isArray(events) ? events : [];
  if (!list.length) return h('p', { class: 'hint' }, '无记录 No events');
  return h('ol', { class: 'timeline', 'data-field': 'events' }, list.map((e) => {
    const data = e.data || {};
    const extra = [];
    if (e.action === 'dispatch' && data.role) extra.push(`→ ${roleLabel(data.role)}`);
    if (data.auto) extra.push('自动 auto');
    if (data.due_at) extra.push(`截止 due ${formatTime(data.due_at)}`);
    if (data.merge_into) extra.push(`并入 into #${data.merge_into}`);
    return h('li', { 'data-action': e.action },
      h('div', { class: 'ev-head' },
        h('strong', {}, actionLabel(e.action)),
        h('span', { class: 'when' }, formatTime(e.at))),
      h('div', { class: 'ev-body' },
        e.to ? h('span', { class: 'states' }, e.from ? `${statusLabel(e.from)} → ${statusLabel(e.to)}` : statusLabel(e.to)) : '',
        extra.length ? h('span', { class: 'extra' }, ` · ${extra.join(' · ')}`) : '',
        e.actor ? h('span', { class: 'by' }, ` · ${e.actor}`) : ''),
      e.note ? h('p', { class: 'note' }, e.note) : '');
  }));
}

function recheckSection(d, { openProblem, onChanged }) {
  const list = Array.isArray(d.rechecks) ? d.rechecks : [];
  if (!list.length) {
    return d.status === 'closed' ? [h('h3', {}, '回头看 Re-checks'), h('p', { class: 'hint' }, '未安排 None scheduled')] : '';
  }
  return [
    h('h3', {}, '回头看 Re-checks'),
    h('ol', { class: 'rechecks-of', 'data-field': 'rechecks' }, list.map((r) => h('li', { 'data-recheck': r.id, 'data-status': r.status },
      h('div', {},
        h('strong', {}, `第 ${r.days} 天 Day ${r.days}`), ' ',
        h('span', { class: 'recheck-status' }, nameOf(RECHECK_NAMES, r.status))),
      h('small', {}, r.checked_at
        ? `${formatTime(r.checked_at)}${r.checked_by ? ` · ${r.checked_by}` : ''}`
        : `到期 due ${formatTime(r.due_at)}`),
      r.note ? h('p', { class: 'note' }, r.note) : '',
      r.rebound_problem_id ? h('div', {}, '新案 New problem ', h('button', { type: 'button', class: 'linkish', onclick: () => openProblem(r.rebound_problem_id) }, `#${r.rebound_problem_id}`)) : '',
      r.status === 'pending' && signedIn()
        ? recheckButtons(r, { number: d.number, onDone: (answer, message) => onChanged(null, message, answer) })
        : ''))),
  ];
}

function briefs(title, field, list, self, openProblem, min) {
  if (!Array.isArray(list) || list.length < min) return '';
  return [
    h('h3', {}, title),
    h('ol', { class: 'briefs', 'data-field': field }, list.map((b) => h('li', { class: b.id === self ? 'self' : '' },
      b.id === self
        ? h('strong', { class: 'code' }, b.number)
        : h('button', { type: 'button', class: 'linkish code', 'data-problem': b.id, onclick: () => openProblem(b.id) }, b.number || `#${b.id}`),
      ' ', statusBadge(b.status),
      h('small', {}, ` ${formatTime(b.reported_at)}${b.closed_at ? ` → ${formatTime(b.closed_at)}` : ''}`)))),
  ];
}

// actionsSection: a button per allowed action the user's role may take,
// with a note, a new due time (extend) and the problem to merge into.
function actionsSection(p, { onChanged, reload }) {
  const allowed = Array.isArray(p.allowed_actions) ? p.allowed_actions : [];
  const heading = h('h3', {}, '处置 Actions');
  if (!allowed.length) return '';
  if (!signedIn()) return [heading, h('p', { class: 'hint', 'data-field': 'actions-hint' }, `可${allowed.map((a) => ACTION_NAMES[a] ? ACTION_NAMES[a][0] : a).join('、')} · 登录后可处置 Sign in (left) to act on it`)];

  const note = h('input', { type: 'text', name: 'note', maxlength: 2000, placeholder: '备注（可选）Note, optional', 'aria-label': '备注 Note' });
  const due = h('input', { type: 'datetime-local', name: 'due_at', step: 60, 'aria-label': '新截止时间 New due time', value: p.due_at ? localInput(p.due_at) : '' });
  const into = h('input', { type: 'number', name: 'merge_into', min: 1, step: 1, 'aria-label': '并入问题编号 Merge into problem id', value: p.duplicate_of || '' });
  const out = h('div', { class: 'form-problem' });
  const buttons = h('div', { class: 'action-buttons' });
  const form = h('form', {
    class: 'problem-actions', 'data-field': 'actions', 'aria-label': '处置 Actions', novalidate: true,
    onsubmit: (e) => e.preventDefault(),
  },
  h('label', {}, h('span', {}, '备注 Note'), note),
  allowed.includes('extend') ? h('label', {}, h('span', {}, '延期至 Extend to'), due) : '',
  allowed.includes('merge') ? h('label', {}, h('span', {}, '并入 Into #'), into) : '',
  buttons,
  out);

  let busy = false;
  async function act(action, btn) {
    if (busy) return;
    out.replaceChildren();
    for (const el of [note, due, into]) el.removeAttribute('aria-invalid');
    const body = { action };
    if (note.value.trim()) body.note = note.value.trim();
    if (action === 'extend') {
      if (!due.value) {
        due.setAttribute('aria-invalid', 'true');
        out.replaceChildren(problemBox({ title: '请填写新的截止时间 Give the new due time', detail: '' }, ''));
        return;
      }
      body.due_at = withZone(due.value);
    }
    if (action === 'merge') {
      const n = Number(into.value);
      if (!Number.isInteger(n) || n <= 0) {
        into.setAttribute('aria-invalid', 'true');
        out.replaceChildren(problemBox({ title: '请填写要并入的问题 id Give the id of the problem to merge into', detail: '' }, ''));
        return;
      }
      body.merge_into = n;
    }
    busy = true;
    for (const b of buttons.querySelectorAll('button')) b.disabled = true;
    btn.textContent = '提交中 Saving…';
    let r;
    try {
      r = await sendJSON(`${API}problems/${p.id}/actions`, body, { token: token(), headers: { 'If-Match': `"${p.version}"` } });
    } catch (err) {
      busy = false;
      refused(err);
      for (const b of buttons.querySelectorAll('button')) b.disabled = false;
      btn.textContent = actionLabel(action);
      for (const [field] of err.params || []) {
        const el = { note, due_at: due, merge_into: into }[field];
        if (el) el.setAttribute('aria-invalid', 'true');
      }
      out.replaceChildren(problemBox(err, `${actionLabel(action)} · POST /problems/${p.id}/actions`),
        err.status === 412 || err.status === 409
          ? h('button', { type: 'button', class: 'reload', onclick: reload }, '重新加载 Reload the problem')
          : '');
      return;
    }
    busy = false;
    onChanged(r, `已${ACTION_NAMES[action] ? ACTION_NAMES[action][0] : action} Done: ${actionLabel(action)}`);
  }

  const make = (action) => {
    let armed = null;
    const btn = h('button', {
      type: 'button', class: `act${CONFIRM.includes(action) ? ' risky' : ''}`, 'data-action': action,
      onclick: () => {
        if (CONFIRM.includes(action) && !armed) {
          btn.textContent = `确认${ACTION_NAMES[action][0]} Confirm`;
          btn.classList.add('armed');
          armed = setTimeout(() => {
            armed = null;
            btn.textContent = actionLabel(action);
            btn.classList.remove('armed');
          }, 4000);
          return;
        }
        clearTimeout(armed);
        armed = null;
        act(action, btn);
      },
    }, actionLabel(action));
    return btn;
  };
  buttons.append(...allowed.map(make));
  // Hide what the role may not do, once the role is known.
  role().then((r) => {
    if (!r) return;
    let left = 0;
    for (const b of buttons.querySelectorAll('button[data-action]')) {
      b.hidden = !may(r, b.dataset.action);
      if (!b.hidden) left++;
    }
    if (!left) form.replaceChildren(h('p', { class: 'hint' }, `角色 ${r} 无可用处置 Role ${r} may take none of: ${allowed.join(', ')}`));
  });
  return [heading, form];
}
