// The responsibility chain at a point for a category (GET /responsible): who
// answers, in order — the category's first in line, then frontage owner →
// street chief → grid officer → community, sub-district and district
// leaders → department. Vacancies are red; a signed-in user can fill one on
// the spot with the assign form of duties.js.

import { signedIn } from './auth.js';
import { assignForm, formatTime, holderView, roleLabel } from './duties.js';
import { LEVEL_NAMES } from './layers.js';
import { h } from './panel.js';

const KIND_NAMES = { frontage: '门前 Frontage', street: '道路 Street', category: '类别 Category' };

function kindBadge(target) {
  const n = target.kind === 'area' ? LEVEL_NAMES[target.level] : null;
  const text = n ? `${n[0]} ${n[1]}` : KIND_NAMES[target.kind] || target.kind;
  return h('span', { class: 'badge', 'data-level': target.level || target.kind }, text);
}

// targetRef is what Panel.select takes for a chain link's target, or null
// when it has no page of its own (the category's department).
export function targetRef(target) {
  if (target.kind === 'area') return target.key;
  if (target.kind === 'street' || target.kind === 'frontage') return `${target.kind}:${target.key}`;
  return null;
}

// chainView shows a /responsible answer r (or a problem's chain as it was
// reported). open(ref): show a target; flash: the outcome of an assignment
// just made here; assign: offer to fill vacancies (not in a past chain).
export function chainView(r, { open, flash = '', assign = true }) {
  const cat = r.category || {};
  const links = Array.isArray(r.chain) ? r.chain : [];
  const vacancies = links.filter((l) => l.vacant).length;
  return [
    h('p', { class: 'chain-category', 'data-field': 'category' },
      h('strong', {}, cat.name || cat.code), ' ', h('span', { class: 'code' }, cat.code || ''),
      cat.first_in_line ? h('span', { class: 'first-note' }, ` · 首责 first in line: ${roleLabel(cat.first_in_line)}`) : ''),
    h('dl', {},
      h('dt', {}, '经纬度 Lon, lat'), h('dd', { class: 'code' }, `${Number(r.lon).toFixed(6)}, ${Number(r.lat).toFixed(6)}`),
      h('dt', {}, '时间 At'), h('dd', {}, formatTime(r.at)),
      h('dt', {}, '空缺 Vacant'), h('dd', { 'data-field': 'vacancies', class: vacancies ? 'bad' : 'good' },
        vacancies ? `${vacancies} / ${links.length}` : `0 / ${links.length} 全部有人 all held`)),
    flash ? h('p', { class: 'done', role: 'status' }, flash) : '',
    links.length
      ? h('ol', { class: 'chain', 'data-field': 'chain' }, links.map((l) => linkView(l, cat, open, assign)))
      : h('p', { class: 'hint' }, '此处无人负责 Nobody answers here'),
  ];
}

function linkView(l, cat, open, assign) {
  const ref = targetRef(l.target);
  const li = h('li', {
    class: 'link', 'data-role': l.role, 'data-vacant': String(Boolean(l.vacant)),
    'data-first': String(l.role === cat.first_in_line),
  });
  const assignable = assign && l.vacant && ref && l.role !== 'department' && signedIn();
  const slot = h('div', { class: 'inline-assign' });
  li.append(
    h('div', { class: 'link-head' },
      h('span', { class: 'pos' }, String(l.position)),
      h('span', { class: 'role' }, roleLabel(l.role)),
      l.role === cat.first_in_line ? h('span', { class: 'first' }, '首责 First') : ''),
    h('div', { class: 'link-target' },
      ref
        ? h('button', { type: 'button', class: 'linkish', title: '查看并指派 Show and assign', onclick: () => open(ref) }, l.target.name || l.target.key)
        : h('span', {}, l.target.name || l.target.key),
      ' ', kindBadge(l.target)),
    h('div', { class: 'link-holder', 'data-field': 'link-holder' },
      l.vacant
        ? h('span', { class: 'vacant' }, '空缺 Vacant')
        : [holderView(l.holder), l.since ? h('small', {}, ` 自 since ${formatTime(l.since)}`) : '']),
    l.reason ? h('p', { class: 'reason' }, l.reason) : '',
    assignable
      ? h('button', {
        type: 'button', class: 'fill',
        onclick: (e) => {
          const on = slot.childElementCount === 0;
          slot.replaceChildren(on ? assignForm({ target: `${l.target.kind}:${l.target.key}`, roles: [l.role] }) : '');
          e.currentTarget.textContent = on ? '收起 Close' : '指派 Assign…';
          if (on) slot.querySelector('input[name="person"]').focus();
        },
      }, '指派 Assign…')
      : '',
    slot);
  return li;
}
