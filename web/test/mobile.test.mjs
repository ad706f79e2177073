// Browser test of the grid officer's phone page (/m/) in a 390 × 844 touch
// viewport: sign in with a token and pick the officer, open my tasks, start
// a task, resolve it with an after photo (a JPEG the browser generates),
// and see the desktop map's problem panel show that photo; then go
// offline, start another task, come back online and see the queued action
// applied exactly once. Driven against a real gridkeeper with the sample
// city, in the system Chromium.
//
//   GRIDKEEPER_URL=http://127.0.0.1:8080 GRIDKEEPER_TOKEN=gk_… node --test web/test/mobile.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch } from './browser.mjs';
import { interiorPoint } from './geometry.mjs';

const BASE = process.env.GRIDKEEPER_URL;
const TOKEN = process.env.GRIDKEEPER_TOKEN;
const skip = !BASE ? 'GRIDKEEPER_URL is not set (web/test/run.sh sets it)'
  : !TOKEN ? 'GRIDKEEPER_TOKEN is not set (web/test/run.sh creates a supervisor token)' : false;
const TIMEOUT = 360_000; // the desktop map draws in software Chromium: slow on a busy machine
const t0 = Date.now();
const step = (what) => console.log(`# ${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);

let ctx;
let userDataDir;

before(async () => {
  if (skip) return;
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridkeeper-phone-'));
  ctx = await launch(userDataDir, {
    viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2,
  });
});

after(async () => {
  if (ctx) await ctx.close();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

const url = (p) => new URL(p, BASE.endsWith('/') ? BASE : `${BASE}/`).href;

async function api(p, { method = 'GET', body, want = 200 } = {}) {
  const headers = { Authorization: `Bearer ${TOKEN}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url(p), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  assert.equal(res.status, want, `${method} ${p}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

// staffedGrid: a grid whose officer is first in line for a category the
// grid officer answers for, and a point inside it (from the start of the
// grid list and off-centre, away from the points the other tests use).
async function staffedGrid() {
  const cats = await api('api/v1/categories?active=true');
  const cat = (Array.isArray(cats) ? cats : cats.items).find((c) => c.first_in_line === 'grid_officer');
  assert.ok(cat, 'a category the grid officer answers for first');
  const vacant = new Set((await api('api/v1/qa?type=grid_without_officer')).features.map((f) => f.properties.codes[0]));
  const grids = (await api('api/v1/areas?level=grid')).features.filter((f) => !vacant.has(f.properties.code))
    .sort((a, b) => a.properties.code.localeCompare(b.properties.code));
  for (const f of grids.slice(0, 40)) {
    const pt = interiorPoint(f.geometry, 0.7);
    if (!pt) continue;
    const [lon, lat] = pt.map((n) => Number(n.toFixed(6)));
    const chain = await api(`api/v1/responsible?lon=${lon}&lat=${lat}&category=${encodeURIComponent(cat.code)}`);
    const first = chain.chain[0];
    if (first && first.role === 'grid_officer' && !first.vacant && first.target.key === f.properties.code) {
      // The sample's imported hotline tickets fill some worklists: pick an
      // officer whose list has room, so that the new tasks are on it.
      const mine = await api(`api/v1/my/tasks?person=${first.holder.id}`);
      if (mine.tasks.length < 150) return { cat, lon, lat, officer: first.holder };
    }
  }
  assert.fail('no staffed grid found');
}

// watch fails the test on page errors and on requests that leave the server.
function watch(page, allowed = () => false) {
  const origin = new URL(url('')).origin;
  const w = { errors: [], foreign: [] };
  page.on('pageerror', (err) => w.errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error' && !allowed(msg.text())) w.errors.push(`console.error: ${msg.text()}`); });
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (u.origin !== origin && u.protocol !== 'data:' && u.protocol !== 'blob:') w.foreign.push(req.url());
  });
  return w;
}

test('an officer works tasks on the phone: start, resolve with a photo the desktop panel shows, and an offline action sent once', { skip, timeout: TIMEOUT }, async () => {
  const g = await staffedGrid();
  const report = (d) => api('api/v1/problems', {
    method: 'POST', want: 201,
    body: { category: g.cat.code, description: d, lon: g.lon, lat: g.lat, source: 'patrol' },
  });
  const first = await report('手机测试：开始并处置 phone test: start and resolve');
  const second = await report('手机测试：离线开始 phone test: start offline');
  assert.equal(first.assignee && first.assignee.id, g.officer.id, 'the report went to the grid officer');

  const page = await ctx.newPage();
  // Offline, Chromium logs the failed fetches; those are expected.
  const w = watch(page, (text) => /ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(text));
  await page.goto(url('m/'));
  await page.waitForSelector('#signin:not([hidden]) #token');
  await page.fill('#token', TOKEN);
  await page.tap('#token-form button[type="submit"]');
  await page.waitForSelector('#person-form:not([hidden])');
  await page.fill('#person-q', g.officer.name);
  await page.tap('#person-form button[type="submit"]');
  await page.tap(`#people button[data-person="${g.officer.id}"]`);

  // My tasks lists both, as buttons a thumb can hit.
  await page.waitForSelector(`#task-list[data-state="loaded"] button[data-problem="${first.id}"]`, { timeout: 15_000 });
  assert.ok(await page.$(`#task-list button[data-problem="${second.id}"]`), 'the second task is listed');
  const box = await (await page.$(`#task-list button[data-problem="${first.id}"]`)).boundingBox();
  assert.ok(box.height >= 44 && box.width <= 390, `a task is a thumb-sized target inside the screen (${box.width}×${box.height})`);

  step('tasks listed');
  // Start it.
  await page.tap(`#task-list button[data-problem="${first.id}"]`);
  await page.waitForSelector(`#task-body[data-problem="${first.id}"][data-state="loaded"] button[data-action="start"]`, { timeout: 15_000 });
  await page.tap('#task-body button[data-action="start"]');
  await page.waitForSelector('#task-body[data-state="loaded"][data-status="in_progress"]', { timeout: 15_000 });

  step('started');
  // Resolve with an after photo the browser draws and encodes as JPEG.
  const b64 = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 640; c.height = 480;
    const x = c.getContext('2d');
    x.fillStyle = '#3a7'; x.fillRect(0, 0, 640, 480);
    x.fillStyle = '#fff'; x.fillRect(200, 150, 240, 180);
    return c.toDataURL('image/jpeg', 0.85).split(',')[1];
  });
  const jpeg = Buffer.from(b64, 'base64');
  assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff], 'the browser made a JPEG');
  await page.setInputFiles('#after-photo', { name: 'after.jpg', mimeType: 'image/jpeg', buffer: jpeg });
  await page.tap('#task-body button[data-action="resolve"]');
  await page.waitForSelector('#task-body[data-state="loaded"][data-status="resolved"] [data-field="photos"] li[data-kind="after"] img', { timeout: 15_000 });
  const photos = await api(`api/v1/problems/${first.id}/photos`);
  assert.equal(photos.photos.length, 1, 'one photo stored');
  assert.equal(photos.photos[0].kind, 'after');
  assert.equal((await api(`api/v1/problems/${first.id}`)).status, 'resolved');

  step('resolved with a photo');
  // Offline: start the second task; it waits in the queue.
  await page.tap('#back');
  await page.waitForSelector(`#task-list[data-state="loaded"] button[data-problem="${second.id}"]`, { timeout: 15_000 });
  await page.tap(`#task-list button[data-problem="${second.id}"]`);
  await page.waitForSelector(`#task-body[data-problem="${second.id}"][data-state="loaded"] button[data-action="start"]`, { timeout: 15_000 });
  await ctx.setOffline(true);
  await page.waitForSelector('#net[data-online="false"]');
  await page.tap('#task-body button[data-action="start"]');
  await page.waitForSelector('#task-body[data-queued="start"]', { timeout: 10_000 });
  await page.waitForSelector('#queue:not([hidden])[data-count="1"]');
  assert.equal((await api(`api/v1/problems/${second.id}`)).status, 'dispatched', 'nothing reached the server while offline');

  step('queued offline');
  // Back online: the queue is sent once, and the task shows it.
  await ctx.setOffline(false);
  await page.waitForSelector('#queue[hidden][data-count="0"]', { state: 'attached', timeout: 20_000 });
  await page.waitForSelector(`#task-body[data-problem="${second.id}"][data-state="loaded"][data-status="in_progress"]`, { timeout: 15_000 });
  // A second flush (the page's timer, or a reconnect) sends nothing more.
  await page.evaluate(() => window.gridkeeperPhone.flush());
  const d = await api(`api/v1/problems/${second.id}`);
  assert.equal(d.status, 'in_progress');
  assert.equal(d.events.filter((e) => e.action === 'start').length, 1, 'the queued start was applied exactly once');
  // The desktop map's problem panel shows the photo.
  // The desktop map in a desktop browser of its own (not the phone's
  // mobile, touch context).
  const deskDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridkeeper-desk-'));
  const deskCtx = await launch(deskDir);
  const desk = await deskCtx.newPage();
  const dw = watch(desk);
  desk.on('pageerror', (err) => console.log(`desktop page error: ${err.message}`));
  await desk.goto(url(''));
  await desk.waitForFunction(() => window.gridkeeper, null, { timeout: 60_000 });
  await desk.evaluate(() => Promise.race([window.gridkeeper.ready,
    new Promise((_, reject) => setTimeout(() => reject(new Error('the desktop map was not ready within 120 s')), 120_000))]));
  step('desktop map ready');
  await desk.evaluate((id) => window.gridkeeper.select(`problem:${id}`), first.id);
  await desk.waitForSelector(`#panel .problem-view[data-problem="${first.id}"][data-state="loaded"]`, { timeout: 20_000 });
  await desk.waitForSelector('#panel [data-field="photos"][data-state="loaded"] li[data-kind="after"] img', { timeout: 15_000 });
  await desk.waitForFunction(() => {
    const img = document.querySelector('#panel [data-field="photos"] li[data-kind="after"] img');
    return img && img.complete && img.naturalWidth > 0;
  }, null, { timeout: 15_000 });
  assert.deepEqual(dw.errors, [], 'the desktop page runs without errors');
  await deskCtx.close();
  fs.rmSync(deskDir, { recursive: true, force: true });

  step('desktop panel shows the photo');
  assert.deepEqual(w.foreign, [], 'the page asks only its own server');
  assert.deepEqual(w.errors, []);
  await page.close();
});
