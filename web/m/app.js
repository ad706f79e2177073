// The grid officer's phone page (/m/): sign in with a token and say who you
// are (a person's token says it itself); "my tasks" (the problems that fall to you, red first, with the
// distance from where you stand when the browser tells); a task page with
// a small map, the chain, the timeline, the photos and the actions you may
// take (start, resolve with an after photo, send back with a reason); the
// look-backs due in your places (held / rebounded, with a photo). Actions
// taken offline wait in queue.js and go out when the network is back.
//
// Plain ES modules, no build step, no inline script or style (the page
// runs under a CSP that allows only this server).

import { Offline, HttpError, get, saveSession, session } from './api.js';
import { QUEUE_EVENT, flush, startQueue } from './queue.js';
import { $, h } from './dom.js';
import { taskView } from './task.js';
import { recheckItem } from './rechecks.js';

const LIGHT = { red: '超期 Overdue', yellow: '将到期 Due soon', green: '正常 On time' };
let position = null; // [lon, lat] when the browser gives one

function show(screen) {
  for (const id of ['signin', 'tasks', 'task']) $(`#${id}`).hidden = id !== screen;
  document.body.dataset.screen = screen;
  const s = session();
  $('#signout').hidden = !s || !s.person;
  $('#who').textContent = s && s.person ? `${s.person.name} · 网格员` : '网格员 Officer';
}

function message(el, text, bad = false) {
  el.textContent = text || '';
  el.classList.toggle('bad', bad);
}

const errText = (err) => (err instanceof Offline ? '无网络 Offline' : `${err.status || ''} ${err.message}`);

// Sign in: the token (checked with /tokens/self); a person's token is that
// person, a city-desk token then picks whose tasks to work.
async function signIn(ev) {
  ev.preventDefault();
  const token = $('#token').value.trim();
  try {
    const self = await get('tokens/self', { token });
    saveSession({ token, role: self.role, tokenName: self.name });
    if (self.person_id) {
      // A person's token: that person is who signs in.
      const p = await get(`people/${self.person_id}`, { token });
      choose(p);
      return;
    }
    $('#token-form').hidden = true;
    $('#person-form').hidden = false;
    message($('#signin-msg'), `令牌有效 Token accepted (${self.role})。请选择你是谁 Now say who you are.`);
    $('#person-q').focus();
  } catch (err) {
    message($('#signin-msg'), `登录失败 Sign-in failed: ${errText(err)}`, true);
  }
}

async function findPeople(ev) {
  ev.preventDefault();
  const q = $('#person-q').value.trim();
  try {
    const r = await get(`people?q=${encodeURIComponent(q)}&limit=20`);
    const list = (r.items || []).filter((p) => p.active !== false);
    $('#people').replaceChildren(...(list.length ? list.map((p) => h('li', {},
      h('button', { type: 'button', 'data-person': p.id, onclick: () => choose(p) },
        h('span', { class: 'dot' }), h('strong', {}, p.name), h('span', { class: 'sub' }, p.title || '')))) : [h('li', { class: 'sub' }, '没有找到 Nobody found')]));
  } catch (err) {
    message($('#signin-msg'), errText(err), true);
  }
}

function choose(p) {
  saveSession({ ...session(), person: { id: p.id, name: p.name } });
  route('#tasks');
}

function locate() {
  if (!navigator.geolocation) return;
  navigator.geolocation.getCurrentPosition((pos) => {
    position = [pos.coords.longitude, pos.coords.latitude];
  }, () => {}, { timeout: 3000, maximumAge: 60_000 });
}

const where = () => (position ? `&lon=${position[0].toFixed(6)}&lat=${position[1].toFixed(6)}` : '');
const distance = (m) => (m === null || m === undefined ? '' : m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(1)} km`);
const dueText = (iso) => (iso ? new Date(iso).toLocaleString('zh-CN', { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' }) : '');

async function loadTasks() {
  const s = session();
  const list = $('#task-list');
  list.dataset.state = 'loading';
  try {
    const r = await get(`my/tasks?person=${s.person.id}${where()}`);
    list.replaceChildren(...(r.tasks.length ? r.tasks.map((t) => h('li', { 'data-light': t.light || 'none' },
      h('button', { type: 'button', 'data-problem': t.id, onclick: () => route(`#task/${t.id}`) },
        h('span', { class: 'dot', title: LIGHT[t.light] || '' }),
        h('strong', {}, `${t.category_name} · ${t.number}`), h('span', { class: 'sub' }, distance(t.distance_m)),
        h('span', { class: 'sub' }, `${t.status === 'in_progress' ? '处置中 In progress' : '待处置 Dispatched'} · 限 ${dueText(t.due_at)}`)))) : [h('li', { class: 'sub' }, '没有任务 No tasks')]));
    list.dataset.state = 'loaded';
    message($('#tasks-msg'), '');
  } catch (err) {
    list.dataset.state = 'error';
    message($('#tasks-msg'), `任务无法加载 Tasks could not load: ${errText(err)}`, true);
  }
}

async function loadRechecks() {
  const s = session();
  const list = $('#recheck-list');
  list.dataset.state = 'loading';
  try {
    const r = await get(`my/rechecks?person=${s.person.id}&days=3${where()}`);
    list.replaceChildren(...(r.rechecks.length ? r.rechecks.map((x) => recheckItem(x, { done: loadRechecks }))
      : [h('li', { class: 'sub' }, '没有到期的回头看 No look-backs due')]));
    list.dataset.state = 'loaded';
  } catch (err) {
    list.dataset.state = 'error';
    message($('#tasks-msg'), errText(err), true);
  }
}

function tab(name) {
  for (const b of document.querySelectorAll('.tabs button')) b.setAttribute('aria-pressed', String(b.dataset.tab === name));
  $('#task-list').hidden = name !== 'tasks';
  $('#recheck-list').hidden = name !== 'rechecks';
  if (name === 'tasks') loadTasks();
  else loadRechecks();
}

async function route(hash) {
  if (hash !== undefined && location.hash !== hash) {
    location.hash = hash;
    return; // hashchange comes back here
  }
  const s = session();
  if (!s || !s.token || !s.person) {
    $('#token-form').hidden = Boolean(s && s.token);
    $('#person-form').hidden = !(s && s.token);
    show('signin');
    return;
  }
  const m = /^#task\/(\d+)$/.exec(location.hash);
  if (m) {
    show('task');
    const body = $('#task-body');
    body.dataset.state = 'loading';
    body.dataset.problem = m[1];
    taskView(body, Number(m[1]));
    return;
  }
  show('tasks');
  tab(document.querySelector('.tabs button[aria-pressed="true"]').dataset.tab);
}

function network() {
  const on = navigator.onLine;
  $('#net').dataset.online = String(on);
  $('#net').textContent = on ? '在线 Online' : '离线 Offline';
}

window.addEventListener(QUEUE_EVENT, (ev) => {
  const { count, conflicts = [], applied = 0 } = ev.detail;
  $('#queue').hidden = count === 0;
  $('#queue').dataset.count = String(count);
  $('#queue-count').textContent = String(count);
  document.body.dataset.queue = String(count);
  if (conflicts.length) {
    const text = conflicts.map((c) => `冲突 Conflict: 问题 ${c.entry.problemId} 的「${c.entry.action || c.entry.result}」未生效 was not applied (${c.status} ${c.message})`).join('\n');
    const msg = document.body.dataset.screen === 'task' ? document.querySelector('#task-body .task-msg') : $('#tasks-msg');
    if (msg) message(msg, text, true);
  }
  if (applied && document.body.dataset.screen !== 'signin') route();
});

$('#token-form').addEventListener('submit', signIn);
$('#person-form').addEventListener('submit', findPeople);
$('#signout').addEventListener('click', () => { saveSession(null); route('#'); });
$('#back').addEventListener('click', () => route('#tasks'));
for (const b of document.querySelectorAll('.tabs button')) b.addEventListener('click', () => tab(b.dataset.tab));
window.addEventListener('hashchange', () => route());
window.addEventListener('online', network);
window.addEventListener('offline', network);
network();
locate();
startQueue();
route();
window.gridkeeperPhone = { flush, HttpError };
