// Photo evidence in the problem panel: the problem's report, before, after
// and recheck photos as thumbnails, each a link to the full public copy.
// The section loads itself from /problems/{id}/photos once it is on show;
// a signed-in staff token also sees where the camera was (EXIF GPS).

import { API, getJSON } from './api.js';
import { h } from './panel.js';
import { token } from './auth.js';

export const PHOTO_KINDS = {
  report: ['上报', 'Report'], before: ['处置前', 'Before'], after: ['处置后', 'After'], recheck: ['回头看', 'Re-check'],
};

// relative turns the server's /api/v1/... address into one relative to
// this page, so the page keeps working below a path prefix.
const relative = (u) => API + u.replace(/^\/api\/v1\//, '');

async function load(id) {
  const t = token();
  if (!t) return getJSON(`${API}problems/${id}/photos`);
  const res = await fetch(`${API}problems/${id}/photos`, { headers: { Authorization: `Bearer ${t}` } });
  if (!res.ok) return getJSON(`${API}problems/${id}/photos`); // a stale token: the public view
  return res.json();
}

// photosSection is the panel's section for problem id.
export function photosSection(id) {
  const list = h('ul', { class: 'photos', 'data-field': 'photos', 'data-state': 'loading' });
  const section = h('section', { class: 'photos-of', 'data-field': 'problem-photos' },
    h('h3', {}, '照片 Photos'), list);
  load(id).then((r) => {
    const photos = (r && r.photos) || [];
    if (!photos.length) list.replaceChildren(h('li', { class: 'hint' }, '无照片 No photos'));
    else {
      list.replaceChildren(...photos.map((p) => {
        const kind = PHOTO_KINDS[p.kind] || [p.kind, p.kind];
        return h('li', { 'data-photo': p.id, 'data-kind': p.kind },
          h('a', { href: relative(p.url), target: '_blank', rel: 'noopener' },
            h('img', { src: relative(p.thumb_url), alt: `${kind[0]} ${kind[1]}`, loading: 'lazy', width: 96 })),
          h('small', {}, `${kind[0]} ${kind[1]}`),
          p.gps ? h('small', { class: 'gps', title: '拍摄位置 Where the photo was taken' }, `${p.gps.lon.toFixed(5)}, ${p.gps.lat.toFixed(5)}`) : '');
      }));
    }
    list.dataset.state = 'loaded';
  }).catch((err) => {
    list.replaceChildren(h('li', { class: 'hint' }, `照片无法加载 Photos could not load: ${err.message}`));
    list.dataset.state = 'error';
  });
  return section;
}
