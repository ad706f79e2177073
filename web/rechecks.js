// Look-back re-checks (回头看): closing a problem schedules inspections of
// the place after the category's look-back days. The list (a box in the
// left column, toggled from the tools box) shows the pending ones, due
// soonest first, overdue ones in red; a click on one flies the map there and
// opens its problem. A signed-in user records what the inspector found:
// held (未反弹, the problem stayed fixed) or rebounded (反弹: the server
// opens a new problem at the place, linked to the old one). Recording sends
// PROBLEMS_EVENT ({id, recheck, rebound, message}), so the layer, the list
// and a problem on show reload.

import { API, getJSON, sendJSON } from './api.js';
import { AUTH_EVENT, refused, signedIn, token } from './auth.js';
import { formatTime } from './duties.js';
import { h, problemBox } from './panel.js';
import { PROBLEMS_EVENT, categoryOf, changed } from './problems.js';

export const RECHECK_NAMES = {
  pending: ['待查', 'Pending'],
  held: ['未反弹', 'Held'],
  rebounded: ['反弹', 'Rebounded'],
};

// recheckButtons: "held" and "rebounded" (a second click confirms a
// rebound, which opens a new problem) for pending re-check r. options.number:
// the problem's number, for the message; onDone(answer, message) after the
// server recorded it; onOpen(id): show a problem (the rebound).
export function recheckButtons(r, { number = '', onDone }) {
  const out = h('div', { class: 'form-problem' });
  const wrap = h('div', { class: 'recheck-buttons', 'data-recheck': r.id });
  // Before it is due, a re-check is recorded only by a supervisor with a reason.
  const early = r.due_at && Date.parse(r.due_at) > Date.now();
  const note = early ? h('input', { name: 'note', maxlength: 2000, placeholder: '提前复查原因 Why check early (supervisor)' }) : null;
  let armed = null;
  const record = async (result) => {
    for (const b of wrap.querySelectorAll('button')) b.disabled = true;
    out.replaceChildren();
    let answer;
    try {
      answer = await sendJSON(`${API}rechecks/${r.id}`, { result, note: note && note.value.trim() ? note.value.trim() : undefined }, { token: token() });
    } catch (err) {
      refused(err);
      for (const b of wrap.querySelectorAll('button')) b.disabled = false;
      out.replaceChildren(problemBox(err, `POST /rechecks/${r.id}`));
      return;
    }
    const rebound = answer && answer.rebound;
    const message = result === 'held'
      ? `已记录未反弹 Held: ${number || r.number || `#${r.problem_id}`}`
      : `反弹，已立新案 Rebounded: new problem ${rebound ? rebound.number : ''}`;
    if (onDone) onDone(answer, message);
    changed({ id: r.problem_id, recheck: answer && answer.recheck, rebound, created: Boolean(rebound), problem: rebound || undefined, message });
  };
  const held = h('button', { type: 'button', class: 'held', 'data-result': 'held', title: '问题未再出现 The problem has not come back', onclick: () => record('held') }, '未反弹 Held');
  const back = h('button', {
    type: 'button', class: 'rebounded', 'data-result': 'rebounded', title: '问题又出现了：将立新案 It is back: a new problem is opened',
    onclick: () => {
      if (!armed) {
        back.textContent = '确认反弹 Confirm';
        back.classList.add('armed');
        armed = setTimeout(() => {
          armed = null;
          back.textContent = '反弹 Rebounded';
          back.classList.remove('armed');
        }, 4000);
        return;
      }
      clearTimeout(armed);
      armed = null;
      record('rebounded');
    },
  }, '反弹 Rebounded');
  wrap.append(...(note ? [note] : []), held, back, out);
  return wrap;
}

const DUE = [
  { key: '', name: '全部待查 All pending' },
  { key: '7', name: '7 天内到期 Due within 7 days' },
  { key: '0', name: '已到期 Due now' },
];

// mountRechecks fills `box` (hidden until toggled) with the list. fly(r):
// show re-check r's problem on the map. Returns {show(on), reload()}.
export function mountRechecks(box, { fly, onOpen }) {
  const due = h('select', { name: 'due', 'aria-label': '到期 Due' }, DUE.map((d) => h('option', { value: d.key }, d.name)));
  const count = h('span', { class: 'count', 'data-field': 'recheck-count' });
  const list = h('ol', { class: 'recheck-list', 'data-field': 'recheck-list' });
  const flash = h('div', { class: 'flash', role: 'status' });
  const close = h('button', { type: 'button', class: 'close', title: '关闭 Close', 'aria-label': '关闭 Close' }, '×');
  box.replaceChildren(
    h('div', { class: 'head' }, h('strong', {}, '回头看 Due re-checks'), count, close),
    due, flash, list);
  let ctrl = null;
  let items = [];

  const state = (s) => { document.body.dataset.rechecks = s; };

  async function reload() {
    if (box.hidden) return;
    if (ctrl) ctrl.abort();
    const mine = new AbortController();
    ctrl = mine;
    state('loading');
    const q = new URLSearchParams({ status: 'pending' });
    if (due.value) q.set('due_before', new Date(Date.now() + Number(due.value) * 86_400_000).toISOString());
    let r;
    try {
      r = await getJSON(`${API}rechecks?${q}`, mine.signal);
    } catch (err) {
      if (err.name === 'AbortError' || ctrl !== mine) return;
      state('error');
      list.replaceChildren(h('li', { class: 'problem-item' }, problemBox(err, 'rechecks')));
      return;
    }
    if (ctrl !== mine) return;
    ctrl = null;
    items = (r && r.items) || [];
    render();
    state('loaded');
  }

  function render() {
    count.textContent = `${items.length}`;
    const now = Date.now();
    if (!items.length) {
      list.replaceChildren(h('li', { class: 'none' }, '暂无待查 Nothing pending'));
      return;
    }
    list.replaceChildren(...items.map((r) => {
      const late = new Date(r.due_at).getTime() < now;
      const cat = categoryOf(r.category);
      return h('li', { 'data-recheck': r.id, 'data-problem': r.problem_id, 'data-due': r.due_at, class: late ? 'late' : '' },
        h('button', { type: 'button', class: 'linkish go', title: '在地图上查看 Show on the map', onclick: () => fly(r) },
          h('span', { class: 'code' }, r.number || `#${r.problem_id}`), ' ', cat ? cat.name : r.category),
        h('small', {},
          `第 ${r.days} 天 Day ${r.days} · `,
          h('span', { class: 'due' }, `${late ? '已到期 due ' : '到期 due '}${formatTime(r.due_at)}`),
          r.grid ? ` · ${r.grid}` : ''),
        signedIn() ? recheckButtons(r, { onDone: (answer, message) => showFlash(message, answer && answer.rebound) }) : '');
    }));
  }

  function showFlash(message, rebound) {
    flash.replaceChildren(h('p', { class: 'done' }, message,
      rebound ? [' ', h('button', { type: 'button', class: 'linkish', onclick: () => onOpen(rebound.id) }, '查看 Show')] : ''));
  }

  due.addEventListener('change', () => {
    flash.replaceChildren();
    reload();
  });
  close.addEventListener('click', () => show(false));
  window.addEventListener(AUTH_EVENT, (e) => { if (!e.detail.refused && !box.hidden) render(); });
  // Closing a problem schedules re-checks; recording one removes it.
  window.addEventListener(PROBLEMS_EVENT, () => reload());

  function show(on) {
    box.hidden = !on;
    const toggle = document.getElementById('rechecks-toggle');
    if (toggle) toggle.setAttribute('aria-pressed', String(on));
    if (on) reload();
    else {
      if (ctrl) ctrl.abort();
      ctrl = null;
      state('off');
    }
  }
  state('off');
  return { show, reload, shown: () => !box.hidden };
}
