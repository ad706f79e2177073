// The report form of report mode: a problem at a clicked point, POSTed
// once with the signed-in token and one Idempotency-Key per form, so that a
// double click or a retry files it once.

import { API, getJSON, sendJSON } from './api.js';
import { refused, token } from './auth.js';
import { h, problemBox } from './panel.js';
import { SOURCE_NAMES, categoryList, categoryOptions, sourceLabel } from './problems.js';

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

const STAFF_SOURCES = ['patrol', 'supervision', 'inspection', 'api'];

// reportForm files a problem at lngLat: category (default `category`),
// description, source (patrol by default), address. It shows where the
// point falls (/locate) before anything is sent. onCreated(problem,
// created) after the server stored it (created false: a retry found the
// stored one).
export function reportForm(lngLat, { category = '', onCreated, signal }) {
  const lon = Number(lngLat.lng.toFixed(7));
  const lat = Number(lngLat.lat.toFixed(7));
  const key = newKey(); // one per form: a second submit returns the first problem
  const categories = categoryList();
  const cat = h('select', { name: 'category', required: true, 'aria-label': '问题类别 Category' },
    categories.length ? categoryOptions(categories, category || categories[0].code) : h('option', { value: '' }, '类别未加载 No categories'));
  const description = h('textarea', { name: 'description', rows: 3, maxlength: 2000, placeholder: '看到了什么 What is there', 'aria-label': '描述 Description' });
  const source = h('select', { name: 'source', 'aria-label': '来源 Source' },
    Object.keys(SOURCE_NAMES).map((s) => h('option', { value: s, selected: s === 'patrol' }, sourceLabel(s))));
  const sourceHint = h('p', { class: 'hint', 'data-field': 'source-hint' });
  const address = h('input', { type: 'text', name: 'address', maxlength: 500, placeholder: '可选 optional', 'aria-label': '地址 Address' });
  const where = h('dl', { class: 'report-where', 'data-field': 'report-where' },
    h('dt', {}, '经纬度 Lon, lat'), h('dd', { class: 'code' }, `${lon.toFixed(6)}, ${lat.toFixed(6)}`),
    h('dt', {}, '网格 Grid'), h('dd', { 'data-field': 'report-grid', class: 'loading' }, '…'));
  const out = h('div', { class: 'form-problem' });
  const submit = h('button', { type: 'submit', class: 'primary' }, '上报 Report');
  const fields = { category: cat, description, source, address, lon: where, lat: where };

  const hint = () => {
    sourceHint.textContent = STAFF_SOURCES.includes(source.value)
      ? '立即立案并派遣给责任人 Registered and dispatched at once'
      : '待核实立案后派遣 Waits for verification and registration';
  };
  source.addEventListener('change', hint);
  hint();

  (async () => {
    const dd = where.querySelector('[data-field="report-grid"]');
    try {
      const r = await getJSON(`${API}locate?lon=${lon}&lat=${lat}`, signal);
      const grid = (r.areas || []).find((a) => a.level === 'grid');
      dd.classList.remove('loading');
      dd.replaceChildren(grid ? `${grid.name} (${grid.code})` : h('span', { class: 'overdue' }, '不在任何网格内，将等待派遣 Outside every grid: it will wait for a dispatcher'));
      if (r.street) where.append(h('dt', {}, '道路 Street'), h('dd', {}, `${r.street.name} · ${Math.round(r.street.distance_m)} m`));
    } catch (err) {
      if (err.name === 'AbortError') return;
      dd.classList.remove('loading');
      dd.replaceChildren(problemBox(err, 'locate'));
    }
  })();

  const form = h('form', {
    class: 'report', 'aria-label': '上报问题 Report a problem', novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      out.replaceChildren();
      for (const el of Object.values(fields)) el.removeAttribute('aria-invalid');
      if (!cat.value) {
        cat.setAttribute('aria-invalid', 'true');
        out.replaceChildren(problemBox({ title: '请选择问题类别 Pick a category', detail: '' }, ''));
        return;
      }
      const body = { category: cat.value, description: description.value.trim(), source: source.value, lon, lat };
      if (address.value.trim()) body.address = address.value.trim();
      submit.disabled = true;
      submit.textContent = '提交中 Sending…';
      let p;
      try {
        p = await sendJSON(`${API}problems`, body, { token: token(), headers: { 'Idempotency-Key': key } });
      } catch (err) {
        submit.disabled = false;
        submit.textContent = '上报 Report';
        refused(err);
        for (const [field] of err.params || []) if (fields[field]) fields[field].setAttribute('aria-invalid', 'true');
        out.replaceChildren(problemBox(err, 'POST /problems'));
        return;
      }
      submit.textContent = '已上报 Reported';
      onCreated(p);
    },
  },
  where,
  h('label', {}, h('span', {}, '类别 Category'), cat),
  h('label', {}, h('span', {}, '描述 Description'), description),
  h('label', {}, h('span', {}, '来源 Source'), source),
  sourceHint,
  h('label', {}, h('span', {}, '地址 Address'), address),
  h('div', { class: 'actions' }, submit),
  out);
  return form;
}
