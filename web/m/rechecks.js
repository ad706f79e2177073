// A look-back due in the officer's places: held or rebounded, with a photo
// (some categories require one). Sent through queue.js like the actions.

import { HttpError } from './api.js';
import { act } from './queue.js';
import { h } from './dom.js';

export function recheckItem(r, { done }) {
  const photo = h('input', { type: 'file', accept: 'image/jpeg,image/png,image/webp', capture: 'environment', 'data-field': 'recheck-photo' });
  const note = h('input', { type: 'text', placeholder: '情况 What you found', 'data-field': 'recheck-note' });
  const msg = h('p', { class: 'msg', role: 'status' });
  const send = async (result) => {
    const file = photo.files[0];
    try {
      const out = await act({ type: 'recheck', problemId: r.problem_id, recheckId: r.id, result, note: note.value.trim(),
        ...(file ? { photo: file, photoKind: 'recheck' } : {}) });
      if (out.queued) msg.textContent = '已排队，联网后发送 Queued';
      else done();
    } catch (err) {
      msg.classList.add('bad');
      msg.textContent = `未记录 Not recorded (${err instanceof HttpError ? err.status : ''}): ${err.message}`;
    }
  };
  return h('li', { 'data-recheck': r.id },
    h('div', {}, h('strong', {}, `${r.category_name} · ${r.number}`), h('span', { class: 'sub' }, ` ${r.days} 天回头看 · 到期 ${new Date(r.due_at).toLocaleDateString('zh-CN')}`)),
    photo, note,
    h('button', { type: 'button', class: 'primary', 'data-result': 'held', onclick: () => send('held') }, '未反弹 Held'),
    ' ',
    h('button', { type: 'button', class: 'danger', 'data-result': 'rebounded', onclick: () => send('rebounded') }, '反弹 Rebounded'),
    msg);
}
