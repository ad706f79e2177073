// Browser test of the pages under Gridkeeper's Content-Security-Policy:
// the map, the dashboard and the API docs page must work with no CSP
// violation (MapLibre's blob: workers and data:/blob: images included),
// and the API docs page must render the server's OpenAPI document.
//
//   GRIDKEEPER_URL=http://127.0.0.1:8080 node --test web/test/   (web/test/run.sh sets it up)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch } from './browser.mjs';

const BASE = process.env.GRIDKEEPER_URL;
const skip = BASE ? false : 'GRIDKEEPER_URL is not set (web/test/run.sh sets it)';
const TIMEOUT = 120_000;

let ctx;
let userDataDir;

before(async () => {
  if (skip) return;
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridkeeper-chromium-'));
  ctx = await launch(userDataDir);
});

after(async () => {
  if (ctx) await ctx.close();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

function url(p) {
  return new URL(p, BASE.endsWith('/') ? BASE : `${BASE}/`).href;
}

// open loads a page and records every CSP violation it reports.
async function open(p) {
  const page = await ctx.newPage();
  const violations = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.exposeFunction('__cspViolation', (v) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__cspViolation(`${e.violatedDirective} blocked ${e.blockedURI}`));
  });
  const res = await page.goto(url(p));
  return { page, res, violations };
}

test('every page is served with the CSP, nosniff, Referrer-Policy and frame-ancestors none', { skip, timeout: TIMEOUT }, async () => {
  for (const p of ['', 'dashboard.html', 'api.html', 'api', 'api/v1/areas?level=district']) {
    const res = await fetch(url(p));
    const csp = res.headers.get('content-security-policy') || '';
    assert.match(csp, /default-src 'self'/, `${p}: CSP ${csp}`);
    assert.match(csp, /frame-ancestors 'none'/, `${p}: CSP ${csp}`);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', p);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer', p);
  }
});

test('the map draws its areas under the CSP without a violation', { skip, timeout: TIMEOUT }, async () => {
  const { page, violations } = await open('');
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60_000 });
  // MapLibre renders into a WebGL canvas from blob: workers; a drawn canvas
  // with rendered features means the workers ran.
  await page.waitForSelector('canvas.maplibregl-canvas', { timeout: 30_000 });
  assert.deepEqual(violations, [], 'CSP violations on the map page');
  await page.close();
});

test('the dashboard works under the CSP without a violation', { skip, timeout: TIMEOUT }, async () => {
  const { page, violations } = await open('dashboard.html');
  await page.waitForSelector('canvas.maplibregl-canvas', { timeout: 60_000 });
  await page.waitForTimeout(1500);
  assert.deepEqual(violations, [], 'CSP violations on the dashboard');
  await page.close();
});

test('the API docs page renders every tag of the OpenAPI document under the CSP', { skip, timeout: TIMEOUT }, async () => {
  const { page, res, violations } = await open('api.html');
  assert.equal(res.status(), 200);
  await page.waitForSelector('.opblock-tag', { timeout: 60_000 });
  const doc = await (await fetch(url('api'))).json();
  const tags = new Set();
  for (const item of Object.values(doc.paths)) for (const op of Object.values(item)) for (const t of op.tags || []) tags.add(t);
  const shown = await page.$$eval('.opblock-tag', (els) => els.map((e) => e.getAttribute('data-tag')));
  for (const t of tags) assert.ok(shown.includes(t), `tag ${t} not rendered; shown ${shown}`);
  // Every tag is expanded: the operations' paths come from the document.
  await page.waitForSelector('.opblock-summary-path', { timeout: 10_000 });
  const paths = await page.$$eval('.opblock-summary-path', (els) => els.map((e) => e.textContent.replace(/\u200b/g, '')));
  for (const p of Object.keys(doc.paths)) assert.ok(paths.includes(p), `${p} not rendered`);
  assert.deepEqual(violations, [], 'CSP violations on the API docs page');
  await page.close();
});
