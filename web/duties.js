// Responsibility for one target (area:CODE, street:CODE, frontage:ID): who
// holds each role now, with their phone, every holder before them (from →
// to), and, for a signed-in user, a form that assigns a person to a role and
// a button that ends a current duty.
//
// Writes go to /duties with the signed-in token. When one lands,
// DUTIES_EVENT goes out on window ({target, role, message}); everything that shows
// duties listens for it and reloads: the section of that target, the
// vacancy layer, the frontage layer and a chain on show.

import { API, getJSON, sendJSON } from './api.js';
import { AUTH_EVENT, refused, signedIn, token } from './auth.js';
import { h, problemBox } from './panel.js';

export const DUTIES_EVENT = 'gridkeeper:duties';

export const ROLE_NAMES = {
  grid_officer: ['网格员', 'Grid officer'],
  street_chief: ['街长', 'Street chief'],
  frontage_owner: ['门前五包责任人', 'Frontage owner'],
  leader: ['包联领导', 'Leader'],
  department: ['责任部门', 'Department'],
};

export function roleLabel(role) {
  const n = ROLE_NAMES[role];
  return n ? `${n[0]} ${n[1]}` : role;
}

// rolesFor lists the roles a person can take on a target, the default first.
export function rolesFor(kind, level) {
  if (kind === 'street') return ['street_chief'];
  if (kind === 'frontage') return ['frontage_owner'];
  if (kind === 'area') return level === 'grid' ? ['grid_officer', 'leader'] : level && level !== 'city' ? ['leader'] : [];
  return [];
}

// required is the role a target must have someone in: without one it is a
// vacancy (red). Other roles are optional: a grid may have a leader too.
export function requiredRole(kind, level) {
  return rolesFor(kind, level)[0];
}

const pad = (n) => String(n).padStart(2, '0');

// formatTime shows an RFC 3339 time as local "YYYY-MM-DD HH:mm".
export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// withZone turns a datetime-local value ("2026-09-11T08:30") into RFC 3339
// with the browser's offset ("2026-09-11T08:30:00+08:00"), as the API wants.
export function withZone(local) {
  const d = new Date(local);
  if (Number.isNaN(d.getTime())) return local; // the server names the problem
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

// holderView shows a person (name, phone) or a department (name, code).
export function holderView(holder) {
  if (!holder) return '';
  if (holder.kind === 'department') {
    return h('span', { class: 'holder' }, h('strong', {}, holder.name), ' ', h('span', { class: 'code' }, holder.code || ''));
  }
  return h('span', { class: 'holder' },
    h('strong', { 'data-field': 'holder-name' }, holder.name),
    holder.phone ? [' ', h('a', { class: 'phone', href: `tel:${holder.phone.replace(/[^+0-9]/g, '')}` }, holder.phone)] : '');
}

function changed(target, role, message) {
  window.dispatchEvent(new CustomEvent(DUTIES_EVENT, { detail: { target, role, message } }));
}

// ---------------------------------------------------------------- the section

// dutiesSection returns a section that loads and shows target's duties.
// options.level: the area's level (which roles apply); options.signal: ends
// its listeners when the panel moves on; options.onTarget(info): called with
// the target's {kind, key, name, level} once loaded; options.onError(err).
export function dutiesSection(target, { level, signal, onTarget, onError } = {}) {
  const section = h('section', { class: 'duties', 'data-target': target, 'data-state': 'loading' });
  const kind = target.split(':')[0];
  let flash = null; // the outcome of the last write, kept across the reload it causes
  let data = null;
  let seq = 0;

  const heading = () => h('h3', {}, '责任人 Responsibility');

  async function load() {
    const mine = ++seq;
    section.dataset.state = 'loading';
    if (!data) section.replaceChildren(heading(), h('p', { class: 'loading' }, '加载中 Loading…'));
    let r;
    try {
      r = await getJSON(`${API}duties?target=${encodeURIComponent(target)}`, signal);
    } catch (err) {
      if (err.name === 'AbortError' || mine !== seq) return;
      section.dataset.state = 'error';
      section.replaceChildren(heading(), problemBox(err, `duties of ${target}`));
      if (onError) onError(err);
      return;
    }
    if (mine !== seq || (signal && signal.aborted)) return;
    data = r;
    if (onTarget && r.target) onTarget(r.target);
    render();
    section.dataset.state = 'loaded';
  }

  function render() {
    const duties = Array.isArray(data.duties) ? data.duties : [];
    const roles = rolesFor(kind, level || (data.target && data.target.level));
    // Roles the target cannot take now but has history in still show.
    for (const d of duties) if (!roles.includes(d.role)) roles.push(d.role);
    const blocks = roles.map((role) => roleBlock(role, duties.filter((d) => d.role === role)));
    const assignable = rolesFor(kind, level || (data.target && data.target.level));
    let tail;
    if (!assignable.length) tail = '';
    else if (signedIn()) {
      tail = assignForm({
        target, roles: assignable, flash,
        onDone: (message) => { flash = message; }, // the DUTIES_EVENT that follows reloads
      });
    } else {
      tail = h('p', { class: 'hint', 'data-field': 'assign-hint' }, '登录后可指派责任人 Sign in (left) to assign someone');
    }
    flash = null;
    section.replaceChildren(heading(), ...blocks, tail);
  }

  function roleBlock(role, duties) {
    const current = duties.filter((d) => d.current);
    const vacant = current.length === 0;
    const required = role === requiredRole(kind, level || (data.target && data.target.level));
    return h('div', { class: 'role', 'data-role': role, 'data-vacant': String(vacant), 'data-required': String(required) },
      h('h4', {}, roleLabel(role)),
      vacant && required ? h('p', { class: 'vacant', 'data-field': 'vacant' }, '空缺 Vacant · 无人负责 nobody answers for it') : '',
      vacant && !required ? h('p', { class: 'none', 'data-field': 'vacant' }, '未指派 None assigned') : '',
      vacant
        ? ''
        : h('ul', { class: 'holders' }, current.map((d) => h('li', { 'data-field': 'holder', 'data-duty': d.id },
          holderView(d.holder),
          h('small', {}, ` 自 since ${formatTime(d.from)}`),
          d.to ? h('small', {}, ` 至 until ${formatTime(d.to)}`) : '',
          signedIn() ? endButton(d) : ''))),
      duties.length
        ? h('details', { class: 'history', open: duties.length <= 4 },
          h('summary', {}, `历史 History (${duties.length})`),
          h('ol', { 'data-field': 'history' }, duties.map((d) => h('li', { class: d.current ? 'current' : '' },
            h('span', { class: 'who' }, d.holder ? d.holder.name : '?'),
            ' ',
            h('span', { class: 'when' }, `${formatTime(d.from)} → ${d.to ? formatTime(d.to) : '至今 now'}`),
            d.note ? h('span', { class: 'note' }, d.note) : '',
            d.created_by ? h('span', { class: 'by' }, `by ${d.created_by}`) : ''))))
        : h('p', { class: 'hint' }, '无记录 No history'));
  }

  // endButton ends a current duty after a second click (no blocking dialog).
  function endButton(d) {
    let armed = null;
    const btn = h('button', {
      type: 'button', class: 'end', title: '结束此任职 End this duty now',
      onclick: async () => {
        if (!armed) {
          btn.textContent = '确认卸任 Confirm';
          btn.classList.add('armed');
          armed = setTimeout(() => {
            armed = null;
            btn.textContent = '卸任 End';
            btn.classList.remove('armed');
          }, 4000);
          return;
        }
        clearTimeout(armed);
        btn.disabled = true;
        try {
          await sendJSON(`${API}duties/${d.id}/end`, {}, { token: token(), signal });
        } catch (err) {
          if (err.name === 'AbortError') return;
          refused(err);
          btn.disabled = false;
          btn.after(problemBox(err, `end duty ${d.id}`));
          return;
        }
        flash = `已结束 Ended: ${d.holder ? d.holder.name : ''} · ${roleLabel(d.role)}`;
        changed(target, d.role, flash); // reloads this section, the vacancies and any chain
      },
    }, '卸任 End');
    return btn;
  }

  // Signing in or out changes what the server shows (holders' phones): reload.
  window.addEventListener(AUTH_EVENT, (e) => { if (data && !e.detail.refused) load(); }, { signal });
  // A write to this target, from this section or from anywhere else on the page.
  window.addEventListener(DUTIES_EVENT, (e) => {
    if (e.detail && e.detail.target === target) load();
  }, { signal });
  load();
  return section;
}

// ---------------------------------------------------------------- assigning

// assignForm: choose a role and a person (typeahead on /people), optionally
// a start time and a note, and POST /duties. onDone(message) after success;
// problems (401, 403, 409, 422) stay in the form, the fields they name marked.
export function assignForm({ target, roles, flash = null, onDone }) {
  const role = h('select', { name: 'role', 'aria-label': '角色 Role' },
    roles.map((r, i) => h('option', { value: r, selected: i === 0 }, roleLabel(r))));
  if (roles.length < 2) role.disabled = true;
  const picker = personPicker();
  const from = h('input', { type: 'datetime-local', name: 'from', step: 60, 'aria-label': '起始时间 From' });
  const note = h('input', { type: 'text', name: 'note', maxlength: 500, placeholder: '可选 optional', 'aria-label': '备注 Note' });
  const out = h('div', { class: 'form-problem' });
  const done = h('p', { class: 'done', role: 'status', 'data-field': 'assign-done' }, flash || '');
  const submit = h('button', { type: 'submit', class: 'primary' }, '指派 Assign');
  const fields = { role, person_id: picker.input, person: picker.input, from, note };

  const form = h('form', {
    class: 'assign', 'data-target': target, 'aria-label': '指派 Assign', novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      out.replaceChildren();
      done.textContent = '';
      for (const el of Object.values(fields)) el.removeAttribute('aria-invalid');
      const person = picker.chosen();
      if (!person) {
        picker.input.setAttribute('aria-invalid', 'true');
        out.replaceChildren(problemBox({ title: '请选择人员 Pick a person', detail: '在搜索结果中点选一人 Search by name and pick one from the list' }, ''));
        picker.input.focus();
        return;
      }
      const body = { role: role.value, target, person_id: person.id };
      if (from.value) body.from = withZone(from.value);
      if (note.value.trim()) body.note = note.value.trim();
      submit.disabled = true;
      submit.textContent = '提交中 Saving…';
      let r;
      try {
        r = await sendJSON(`${API}duties`, body, { token: token() });
      } catch (err) {
        submit.disabled = false;
        submit.textContent = '指派 Assign';
        refused(err);
        for (const [field] of err.params || []) if (fields[field]) fields[field].setAttribute('aria-invalid', 'true');
        out.replaceChildren(problemBox(err, 'POST /duties'));
        return;
      }
      let message;
      if (r && r.unchanged) message = `${person.name} 已担任 already holds ${roleLabel(body.role)}`;
      else {
        message = `已指派 Assigned ${person.name} · ${roleLabel(body.role)}`;
        if (r && r.ended && r.ended.holder) message += `，接替 taking over from ${r.ended.holder.name}`;
      }
      submit.disabled = false;
      submit.textContent = '指派 Assign';
      done.textContent = message;
      if (onDone) onDone(message);
      changed(target, body.role, message);
    },
  },
  h('h4', {}, '指派 Assign'),
  h('label', {}, h('span', {}, '角色 Role'), role),
  h('label', {}, h('span', {}, '人员 Person'), picker.el),
  h('label', {}, h('span', {}, '起始 From'), from),
  h('p', { class: 'hint' }, '不填即从现在起 Empty: from now'),
  h('label', {}, h('span', {}, '备注 Note'), note),
  h('div', { class: 'actions' }, submit),
  out,
  done);
  return form;
}

let pickerSeq = 0;

// personPicker is a combobox: type part of a name, pick from the matches of
// /people?q= (active people), or add a new person of that name.
function personPicker() {
  const id = `people-${++pickerSeq}`;
  const input = h('input', {
    type: 'search', name: 'person', autocomplete: 'off', placeholder: '输入姓名搜索 Search by name',
    role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': id,
  });
  const list = h('ul', { id, role: 'listbox', class: 'people', hidden: true });
  const picked = h('p', { class: 'picked', 'data-field': 'picked', hidden: true });
  let chosen = null;
  let options = [];
  let active = -1;
  let ctrl = null;
  let timer = null;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    active = -1;
  };
  const choose = (p) => {
    chosen = p;
    input.value = p.name;
    picked.hidden = false;
    picked.replaceChildren('已选 Picked: ', h('strong', {}, p.name), p.phone ? ` · ${p.phone}` : '', ` · #${p.id}`);
    input.removeAttribute('aria-invalid');
    close();
  };
  const mark = (i) => {
    active = i;
    options.forEach((o, k) => o.el.setAttribute('aria-selected', String(k === i)));
    if (options[i]) {
      input.setAttribute('aria-activedescendant', options[i].el.id);
      options[i].el.scrollIntoView({ block: 'nearest' });
    }
  };

  async function addPerson(name) {
    list.replaceChildren(h('li', { class: 'loading' }, '新建中 Adding…'));
    try {
      const p = await sendJSON(`${API}people`, { name }, { token: token() });
      choose(p);
    } catch (err) {
      refused(err);
      list.replaceChildren(h('li', { class: 'problem-item' }, problemBox(err, 'POST /people')));
    }
  }

  async function search() {
    if (ctrl) ctrl.abort();
    ctrl = new AbortController();
    const mine = ctrl;
    const q = input.value.trim();
    let r;
    try {
      r = await getJSON(`${API}people?q=${encodeURIComponent(q)}&active=true&limit=8`, mine.signal);
    } catch (err) {
      if (err.name === 'AbortError') return;
      list.replaceChildren(h('li', { class: 'problem-item' }, problemBox(err, 'people search')));
      list.hidden = false;
      return;
    }
    if (mine !== ctrl) return;
    const people = Array.isArray(r) ? r : (r && r.items) || [];
    options = people.map((p, i) => ({
      person: p,
      el: h('li', {
        id: `${id}-${i}`, role: 'option', 'aria-selected': 'false', 'data-person': p.id,
        onmousedown: (e) => e.preventDefault(), // keep the focus in the input
        onclick: () => choose(p),
      },
      h('strong', {}, p.name),
      h('small', {}, [p.title, p.department_name || p.department, p.phone].filter(Boolean).join(' · '))),
    }));
    const items = options.map((o) => o.el);
    if (!items.length) items.push(h('li', { class: 'none' }, q ? `无匹配 No one matches “${q}”` : '尚无人员 No people yet'));
    if (q && !people.some((p) => p.name === q)) {
      const add = {
        person: null,
        add: q,
        el: h('li', {
          id: `${id}-add`, role: 'option', 'aria-selected': 'false', class: 'add',
          onmousedown: (e) => e.preventDefault(),
          onclick: () => addPerson(q),
        }, `＋ 新建人员 Add person “${q}”`),
      };
      options.push(add);
      items.push(add.el);
    }
    list.replaceChildren(...items);
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    mark(-1);
  }

  input.addEventListener('input', () => {
    chosen = null;
    picked.hidden = true;
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  input.addEventListener('focus', () => { if (!chosen) search(); });
  input.addEventListener('blur', () => setTimeout(close, 150));
  input.addEventListener('keydown', (e) => {
    if (list.hidden || !options.length) return;
    if (e.key === 'ArrowDown') mark(Math.min(options.length - 1, active + 1));
    else if (e.key === 'ArrowUp') mark(Math.max(0, active - 1));
    else if (e.key === 'Escape') close();
    else if (e.key === 'Enter' && active >= 0) {
      const o = options[active];
      if (o.person) choose(o.person);
      else addPerson(o.add);
    } else return;
    e.preventDefault();
  });

  return { el: h('span', { class: 'picker' }, input, list, picked), input, chosen: () => chosen };
}
