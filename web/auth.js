// Signing in. The page has no login of its own: a user pastes a bearer
// token (gk_…, from `gridkeeper token create` or the one `make run` prints)
// into the sign-in box; it is kept in localStorage and sent on writes and
// reads (reads then show the phones and contacts the token's scope covers;
// anonymous reads show the public map without them).
// The server names no role for a token until a write is refused (401: the
// token is unknown or revoked; 403: its role may not do that), so the box
// says "signed in", not as whom, and shows a refusal when one comes back.
//
// Whoever cares about the state listens for AUTH_EVENT on window
// (detail: {signedIn, refused}).

import { useToken } from './api.js';
import { h } from './panel.js';

const KEY = 'gridkeeper.token';
export const AUTH_EVENT = 'gridkeeper:auth';

let refusal = null; // the last 401 for the stored token, shown in the box
let memory = null; // the token when localStorage is blocked: this page only

function read() {
  if (memory !== null) return memory;
  try {
    return localStorage.getItem(KEY) || '';
  } catch {
    return '';
  }
}

export function token() {
  return read();
}
useToken(read);

export function signedIn() {
  return Boolean(read());
}

// changed tells listeners; detail.refused is set when only the refusal
// changed (still signed in: forms on show keep their state).
function changed(refusedOnly = false) {
  window.dispatchEvent(new CustomEvent(AUTH_EVENT, { detail: { signedIn: signedIn(), refused: refusedOnly } }));
}

export function signIn(t) {
  try {
    localStorage.setItem(KEY, t);
    memory = null;
  } catch {
    memory = t; // storage blocked: signed in until the page is left
  }
  refusal = null;
  changed();
}

export function signOut() {
  memory = null;
  try {
    localStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
  refusal = null;
  changed();
}

// refused reports an ApiError from a write: a 401 means the stored token is
// no good, which the sign-in box then says until the user signs in again.
export function refused(err) {
  if (err && err.status === 401 && signedIn()) {
    refusal = err.detail || err.title;
    changed(true);
  }
}

// mountSignIn fills `box` with the sign-in form or the signed-in state and
// keeps it current.
export function mountSignIn(box) {
  const render = () => {
    if (signedIn()) {
      const t = read();
      box.replaceChildren(
        h('p', { class: 'signed-in', 'data-auth': refusal ? 'refused' : 'signed-in' },
          h('span', { class: 'dot', 'aria-hidden': 'true' }),
          h('span', {}, '已登录 Signed in'),
          h('span', { class: 'code', title: '令牌前缀 Token prefix' }, `${t.slice(0, 7)}…`),
          h('button', { type: 'button', id: 'signout', onclick: signOut }, '退出 Sign out')),
        refusal
          ? h('p', { class: 'refusal', role: 'alert' }, `令牌被拒绝 Token refused: ${refusal}`)
          : '');
      return;
    }
    const input = h('input', {
      type: 'password', id: 'token', name: 'token', autocomplete: 'off', spellcheck: 'false',
      placeholder: 'gk_…', 'aria-label': '令牌 Bearer token',
    });
    const note = h('p', { class: 'hint', id: 'token-hint' }, '粘贴令牌后可指派责任人 Paste a token to assign duties');
    const form = h('form', {
      id: 'signin', 'aria-label': '登录 Sign in',
      onsubmit: (e) => {
        e.preventDefault();
        const t = input.value.trim();
        if (!/^gk_\S+$/.test(t)) {
          note.textContent = '令牌以 gk_ 开头 A token starts with gk_';
          note.classList.add('bad');
          input.setAttribute('aria-invalid', 'true');
          input.focus();
          return;
        }
        signIn(t);
      },
    },
    h('div', { class: 'row' }, input, h('button', { type: 'submit' }, '登录 Sign in')),
    note);
    box.replaceChildren(form);
  };
  window.addEventListener(AUTH_EVENT, render);
  // Another tab signing in or out.
  window.addEventListener('storage', (e) => {
    if (e.key === KEY) {
      refusal = null;
      changed();
    }
  });
  render();
}
