// Browser test of problems on the map page: a signed-in supervisor turns on
// report mode, clicks the map inside a staffed grid, files a problem whose
// category the grid officer answers for first, and sees its panel with its
// number, grid and assignee (the grid's officer), and the new point in the
// problems layer; resolves and closes it from the panel, so that its
// look-back re-checks are scheduled; a stale action (the problem changed
// behind the page's back) shows the server's 412 and reloads; the filter
// bar narrows the layer and exports CSV; the due re-checks list shows the
// re-checks, records one as held and flies to another's problem. Driven
// against a real gridkeeper with the sample city, in the system Chromium.
//
//   GRIDKEEPER_URL=http://127.0.0.1:8080 GRIDKEEPER_TOKEN=gk_… node --test web/test/
//
// GRIDKEEPER_TOKEN is a supervisor (or admin) token; web/test/run.sh
// creates one. Screenshots go to a fresh temp directory whose path the test
// prints.

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
const TIMEOUT = 150_000;

let ctx;
let userDataDir;
let shotDir;

before(async () => {
  if (skip) return;
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridkeeper-chromium-'));
  shotDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridkeeper-problems-'));
  ctx = await launch(userDataDir, { acceptDownloads: true });
});

after(async () => {
  if (ctx) await ctx.close();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

function url(p) {
  return new URL(p, BASE.endsWith('/') ? BASE : `${BASE}/`).href;
}

// api calls the server as the test's supervisor; `etag` returns the ETag too.
async function api(p, { method = 'GET', body, want = 200, headers = {} } = {}) {
  const h = { ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  if (method !== 'GET') h.Authorization = `Bearer ${TOKEN}`;
  const res = await fetch(url(p), { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  assert.equal(res.status, want, `${method} ${p}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

// act takes a workflow action on problem p through the API (If-Match: its version).
const act = (p, action) => api(`api/v1/problems/${p.id}/actions`, {
  method: 'POST', body: { action }, headers: { 'If-Match': `"${p.version}"` },
});


// pickCategory: an active category whose first in line is the grid officer.
async function pickCategory() {
  const r = await api('api/v1/categories?active=true');
  const list = Array.isArray(r) ? r : r.items;
  const cat = list.find((c) => c.first_in_line === 'grid_officer');
  assert.ok(cat, 'the sample has a category the grid officer answers for first');
  return cat;
}

// pickStaffedGrid finds a grid with an officer (not among /qa's vacancies)
// and a point that /locate places in it, whose chain for `cat` starts with
// that officer. It starts at the end of the grid list and off the grid's
// middle line, away from the points the other browser tests click.
async function pickStaffedGrid(cat) {
  const vacant = new Set((await api('api/v1/qa?type=grid_without_officer')).features.map((f) => f.properties.codes[0]));
  const grids = (await api('api/v1/areas?level=grid')).features
    .filter((f) => !vacant.has(f.properties.code))
    .sort((a, b) => b.properties.code.localeCompare(a.properties.code));
  assert.ok(grids.length > 0, 'the sample city has staffed grids');
  for (const f of grids.slice(0, 15)) {
    const code = f.properties.code;
    const point = interiorPoint(f.geometry, 0.35);
    if (!point) continue;
    const [lon, lat] = point.map((n) => Number(n.toFixed(6)));
    const loc = await api(`api/v1/locate?lon=${lon}&lat=${lat}`);
    if (!loc.areas.some((a) => a.level === 'grid' && a.code === code)) continue;
    const chain = await api(`api/v1/responsible?lon=${lon}&lat=${lat}&category=${encodeURIComponent(cat.code)}`);
    const first = chain.chain[0];
    if (first && first.role === 'grid_officer' && !first.vacant && first.target.key === code) {
      return { code, name: f.properties.name, point: [lon, lat], officer: first.holder };
    }
  }
  assert.fail('no staffed grid among the 15 tried has an interior point whose chain starts with its officer');
}

async function watch(page, { expect = () => false } = {}) {
  const origin = new URL(url('')).origin;
  const w = { errors: [], foreign: [], requests: 0 };
  page.on('pageerror', (err) => w.errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location().url || '';
    if (!expect(where, msg.text())) w.errors.push(`console.error: ${msg.text()} ${where}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && !expect(res.url(), res.status())) w.errors.push(`HTTP ${res.status()} ${res.url()}`);
  });
  await page.route('**/*', (route) => {
    const u = route.request().url();
    w.requests++;
    if (new URL(u).origin === origin) return route.continue();
    w.foreign.push(u);
    return route.abort('blockedbyclient');
  });
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (u.origin !== origin && u.protocol !== 'data:' && u.protocol !== 'blob:' && !w.foreign.includes(req.url())) {
      w.foreign.push(req.url());
    }
  });
  return w;
}

// until polls fn in the page until it returns something truthy, awaiting
// what it returns (page.waitForFunction takes a promise for a truthy value).
async function until(page, fn, arg, { timeout = 15_000, what = 'a condition' } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await page.evaluate(fn, arg);
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const idle = (page) => page.evaluate(() => new Promise((resolve) => {
  const { map } = window.gridkeeper;
  if (map.loaded() && !map.isMoving()) resolve();
  else map.once('idle', resolve);
}));

// sourceIds: the ids of the problem points in the layer's loaded tiles.
const sourceIds = (page) => page.evaluate(() => window.gridkeeper.map
  .querySourceFeatures('problem', { sourceLayer: 'problems', filter: ['!=', ['get', 'cell'], true] })
  .map((f) => Number(f.properties.id)));

test('a supervisor reports a problem by clicking the map; it shows with its grid and assignee, and its re-checks are listed once closed', { skip, timeout: TIMEOUT }, async (t) => {
  const started = Date.now();
  const cat = await pickCategory();
  const grid = await pickStaffedGrid(cat);
  const [lon, lat] = grid.point;
  t.diagnostic(`category ${cat.code} ${cat.name} (look-back days ${cat.lookback_days}); grid ${grid.code} ${grid.name}, officer ${grid.officer.name}; point ${lon},${lat}`);

  const page = await ctx.newPage();
  // Expected failure: the stale action's 412.
  const w = await watch(page, { expect: (u, what) => /\/api\/v1\/problems\/\d+\/actions/.test(u) && (what === 412 || typeof what === 'string') });
  await page.goto(url(''));
  await page.waitForFunction(() => window.gridkeeper, null, { timeout: 30_000 });
  await page.evaluate(() => window.gridkeeper.ready);
  await page.waitForFunction(() => document.body.dataset.problems === 'loaded', null, { timeout: 15_000 });
  await page.evaluate(() => { window.notReloaded = true; });

  // Signed out, report mode is not on offer.
  assert.equal(await page.isDisabled('#report-mode'), true, 'no report mode when signed out');
  await page.fill('#token', TOKEN);
  await page.click('#signin button[type="submit"]');
  await page.waitForSelector('#signin-box [data-auth="signed-in"]');
  assert.equal(await page.isDisabled('#report-mode'), false);

  await page.evaluate(([x, y]) => window.gridkeeper.map.jumpTo({ center: [x, y], zoom: 16 }), [lon, lat]);
  await page.waitForFunction(([x, y, code]) => {
    const { map } = window.gridkeeper;
    if (document.body.dataset.grids !== 'loaded' || document.body.dataset.problems !== 'loaded') return false;
    return map.queryRenderedFeatures(map.project([x, y]), { layers: ['grid-fill'] }).some((f) => f.properties.code === code);
  }, [lon, lat, grid.code], { timeout: 30_000, polling: 100 });
  await idle(page);
  const before = await sourceIds(page);

  // Report mode: a click on the map opens the form for that point.
  await page.click('#report-mode');
  await page.waitForSelector('body[data-mode="report"]', { timeout: 10_000 });
  assert.equal(await page.getAttribute('#report-mode', 'aria-pressed'), 'true');
  const at = await page.evaluate(([x, y]) => {
    const { map } = window.gridkeeper;
    const p = map.project([x, y]);
    const r = map.getContainer().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, [lon, lat]);
  await page.mouse.click(at.x, at.y);
  const form = '#panel form.report';
  await page.waitForSelector(form, { timeout: 10_000 });
  // The form says where the point is before anything is sent.
  await page.waitForFunction((code) => {
    const dd = document.querySelector('#panel [data-field="report-grid"]');
    return dd && dd.textContent.includes(code);
  }, grid.code, { timeout: 10_000 });
  assert.equal(await page.inputValue(`${form} select[name="source"]`), 'patrol', 'patrol is the default source');
  await page.selectOption(`${form} select[name="category"]`, cat.code);
  const description = `浏览器测试 browser test ${Date.now().toString(36)}`;
  await page.fill(`${form} textarea[name="description"]`, description);
  await page.screenshot({ path: path.join(shotDir, 'report-form.png') });
  await page.click(`${form} button[type="submit"]`);

  // The panel shows the new problem: number, grid, assignee.
  await page.waitForSelector('#panel .problem-view[data-state="loaded"]', { timeout: 15_000 });
  const id = Number(await page.getAttribute('#panel .problem-view', 'data-problem'));
  assert.ok(id > 0, 'the panel names the problem');
  const p = await api(`api/v1/problems/${id}`);
  t.diagnostic(`problem ${p.id} ${p.number}: ${p.status}, grid ${p.grid}, assignee ${p.assignee && p.assignee.name}, due ${p.due_at}`);
  assert.equal(p.category, cat.code);
  assert.equal(p.description, description);
  assert.equal(p.source, 'patrol');
  assert.equal(p.grid, grid.code, 'the server put it in the grid');
  assert.equal(p.status, 'dispatched', 'a patrol report is dispatched at once');
  assert.equal(p.assignee.role, 'grid_officer');
  assert.equal(p.assignee.name, grid.officer.name, 'dispatched to the grid officer');
  assert.equal(await page.textContent('#panel [data-field="number"]'), p.number);
  assert.ok((await page.textContent('#panel [data-field="grid"]')).includes(grid.code), 'the panel shows the grid code');
  assert.ok((await page.textContent('#panel [data-field="grid"]')).includes(grid.name), 'and its name');
  assert.equal(await page.textContent('#panel [data-field="assignee-name"]'), p.assignee.name);
  assert.match(await page.textContent('#panel [data-field="problem-flash"]'), new RegExp(`已上报 Reported: ${p.number}`));
  assert.match(await page.textContent('#panel [data-field="status"]'), /已派遣 Dispatched/);
  const events = await page.$$eval('#panel [data-field="events"] li', (lis) => lis.map((li) => li.dataset.action));
  assert.deepEqual(events, ['report', 'register', 'dispatch'], 'the timeline');
  const chain = await page.$$eval('#panel [data-field="problem-chain"] li.link', (lis) => lis.map((li) => li.dataset.role));
  assert.equal(chain[0], 'grid_officer', 'the chain when reported starts with the grid officer');
  assert.equal(await page.$('#panel [data-field="problem-chain"] button.fill'), null, 'no assigning in a past chain');

  // Report mode is over; the layer has the new point, drawn where it was clicked.
  assert.equal(await page.getAttribute('body', 'data-mode'), null);
  await page.waitForFunction((pid) => document.body.dataset.problems === 'loaded'
    && window.gridkeeper.map.queryRenderedFeatures({ layers: ['problem-point'] }).some((f) => Number(f.properties.id) === pid), id, { timeout: 15_000, polling: 100 });
  const after = await sourceIds(page);
  assert.ok(after.includes(id) && !before.includes(id), 'the problems layer has the new feature');
  const drawn = await page.evaluate(([x, y, pid]) => {
    const { map } = window.gridkeeper;
    const q = map.project([x, y]);
    return map.queryRenderedFeatures([[q.x - 3, q.y - 3], [q.x + 3, q.y + 3]], { layers: ['problem-point'] })
      .filter((f) => Number(f.properties.id) === pid).map((f) => window.gridkeeper.kindOf(f.properties));
  }, [lon, lat, id]);
  assert.deepEqual(drawn, [p.light || 'green'], 'drawn at the point in the colour of its light');
  assert.ok(await page.evaluate(() => window.notReloaded === true), 'the page was not reloaded');
  await idle(page);
  await page.screenshot({ path: path.join(shotDir, 'reported.png') });

  // Out of report mode, a click on the point opens the problem again.
  await page.click('#panel-close');
  await page.mouse.click(at.x, at.y);
  await page.waitForSelector(`#panel .problem-view[data-problem="${id}"][data-state="loaded"]`, { timeout: 15_000 });
  assert.equal(await page.textContent('#panel [data-field="number"]'), p.number);
  assert.equal(await page.$('#panel form.report'), null, 'no second report');

  // The panel's actions: resolve, then close; each reply re-renders the panel.
  await page.click('#panel button[data-action="resolve"]');
  await page.waitForSelector('#panel .problem-view[data-state="loaded"] .badge.status[data-status="resolved"]', { timeout: 15_000 });
  await page.click('#panel button[data-action="close"]');
  await page.waitForSelector('#panel .problem-view[data-state="loaded"] .badge.status[data-status="closed"]', { timeout: 15_000 });
  await page.waitForSelector('#panel [data-field="rechecks"] li[data-status="pending"]', { timeout: 15_000 });
  const scheduled = await page.$$eval('#panel [data-field="rechecks"] li', (lis) => lis.map((li) => Number(li.dataset.recheck)));
  assert.equal(scheduled.length, cat.lookback_days.length, 'a re-check per look-back day');
  const closedEvents = await page.$$eval('#panel [data-field="events"] li', (lis) => lis.map((li) => li.dataset.action));
  assert.deepEqual(closedEvents.slice(-2), ['resolve', 'close']);
  assert.match(await page.textContent('#panel [data-field="on-time"]'), /按时结案 Closed on time/);
  await page.screenshot({ path: path.join(shotDir, 'closed.png') });

  // Another problem, closed through the API but for the last step, which
  // happens behind the page's back: the page's close is stale (412).
  const [lon2, lat2] = [Number((lon + 0.0004).toFixed(6)), lat];
  let q = await api('api/v1/problems', {
    method: 'POST', want: 201, headers: { 'Idempotency-Key': `browser-${Date.now()}` },
    body: { category: cat.code, description: '浏览器测试 API', lon: lon2, lat: lat2, source: 'patrol' },
  });
  q = await act(q, 'resolve');
  await page.evaluate((pid) => window.gridkeeper.select(`problem:${pid}`), q.id);
  await page.waitForSelector(`#panel .problem-view[data-problem="${q.id}"][data-state="loaded"] button[data-action="close"]`, { timeout: 15_000 });
  q = await act(q, 'close');
  await page.click('#panel button[data-action="close"]');
  await page.waitForSelector('#panel .problem-actions .problem', { timeout: 10_000 });
  assert.match(await page.textContent('#panel .problem-actions .problem'), /412/);
  await page.click('#panel .problem-actions button.reload');
  await page.waitForSelector(`#panel .problem-view[data-problem="${q.id}"][data-state="loaded"] .badge.status[data-status="closed"]`, { timeout: 15_000 });
  assert.equal(await page.$('#panel .problem-actions'), null, 'a closed problem offers no actions');

  // The filter bar: closed problems only, then CSV of what the view shows.
  await page.selectOption('#f-status', 'closed');
  await until(page, async ([a, b]) => {
    if (document.body.dataset.problems !== 'loaded') return false;
    const fc = { features: window.gridkeeper.problems() };
    const ids = fc.features.map((f) => Number(f.properties.id));
    return document.body.dataset.problems === 'loaded'
      && ids.includes(a) && ids.includes(b) && fc.features.every((f) => f.properties.status === 'closed');
  }, [id, q.id], { what: 'the layer to hold the closed problems only' });
  // The bar is rewritten once the map is idle: wait for it to count what is drawn.
  const counted = await page.waitForFunction(() => {
    const n = new Set(window.gridkeeper.map.queryRenderedFeatures({ layers: ['problem-point'] })
      .map((f) => f.properties.id)).size;
    return n > 0 && document.getElementById('problem-count').textContent.includes(`显示 ${n} 条`);
  }, null, { timeout: 15_000, polling: 200 }).then(() => true, () => false);
  const shownText = await page.textContent('#problem-count');
  const inView = await page.evaluate(() => new Set(window.gridkeeper.map.queryRenderedFeatures({ layers: ['problem-point'] })
    .map((f) => f.properties.id)).size);
  assert.ok(counted, `the bar says how many the view shows: ${shownText} (${inView})`);
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), page.click('#problem-csv')]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  assert.ok(csv.split('\n')[0].includes('number'), 'a CSV header');
  assert.ok(csv.includes(p.number) && csv.includes(q.number), 'the CSV has both closed problems');
  await page.selectOption('#f-status', 'open');
  await until(page, async (a) => {
    if (document.body.dataset.problems !== 'loaded') return false;
    const fc = { features: window.gridkeeper.problems() };
    return document.body.dataset.problems === 'loaded' && !fc.features.some((f) => Number(f.properties.id) === a);
  }, id, { what: 'the layer to hold open problems again' });

  // The due re-checks list has both problems' re-checks, soonest first.
  // (Other tests may close problems meanwhile: the list is not compared
  // with a snapshot of its own.)
  const pending = (await api('api/v1/rechecks?status=pending')).items;
  const mine = pending.filter((r) => r.problem_id === id || r.problem_id === q.id);
  assert.equal(mine.length, 2 * cat.lookback_days.length, 'the API lists the re-checks');
  await page.click('#rechecks-toggle');
  await page.waitForFunction(() => document.body.dataset.rechecks === 'loaded', null, { timeout: 15_000 });
  const listed = await page.$$eval('#rechecks li[data-recheck]', (lis) => lis.map((li) => ({ id: Number(li.dataset.recheck), due: Date.parse(li.dataset.due) })));
  for (const r of mine) assert.ok(listed.some((l) => l.id === r.id), `re-check ${r.id} listed`);
  for (let i = 1; i < listed.length; i++) assert.ok(listed[i - 1].due <= listed[i].due, 'due soonest first');
  t.diagnostic(`${listed.length} pending re-checks listed`);
  await page.screenshot({ path: path.join(shotDir, 'rechecks.png') });

  // Held: recorded, and gone from the list.
  const first = mine.find((r) => r.problem_id === id);
  // Not due yet: the supervisor says why it is checked early.
  await page.fill(`#rechecks li[data-recheck="${first.id}"] input[name="note"]`, '督导组提前复查');
  await page.click(`#rechecks li[data-recheck="${first.id}"] button[data-result="held"]`);
  await page.waitForFunction((rid) => document.body.dataset.rechecks === 'loaded'
    && !document.querySelector(`#rechecks li[data-recheck="${rid}"]`), first.id, { timeout: 15_000, polling: 100 });
  assert.match(await page.textContent('#rechecks .flash'), new RegExp(`已记录未反弹 Held: ${p.number}`));
  const held = (await api(`api/v1/problems/${id}`)).rechecks.find((r) => r.id === first.id);
  assert.equal(held.status, 'held');

  // A click on an item flies the map to its problem and opens it.
  const other = mine.find((r) => r.problem_id === q.id);
  await page.click(`#rechecks li[data-recheck="${other.id}"] button.go`);
  await page.waitForSelector(`#panel .problem-view[data-problem="${q.id}"][data-state="loaded"]`, { timeout: 15_000 });
  await idle(page);
  const centre = await page.evaluate(([x, y]) => {
    const { map } = window.gridkeeper;
    const pt = map.project([x, y]);
    const c = map.getContainer();
    return { inside: pt.x > 0 && pt.y > 0 && pt.x < c.clientWidth && pt.y < c.clientHeight, zoom: map.getZoom() };
  }, [lon2, lat2]);
  assert.ok(centre.inside && centre.zoom >= 16, `the map shows the problem: ${JSON.stringify(centre)}`);
  assert.equal(await page.textContent('#panel [data-field="number"]'), q.number);
  await page.screenshot({ path: path.join(shotDir, 'recheck-fly.png') });

  // Rebounded, from the problem's own re-checks (a second click confirms):
  // the server opens a new problem there, which the panel links to.
  const back = `#panel [data-field="rechecks"] li[data-recheck="${other.id}"]`;
  await page.fill(`${back} input[name="note"]`, '督导组提前复查');
  await page.click(`${back} button[data-result="rebounded"]`);
  assert.match(await page.textContent(`${back} button[data-result="rebounded"]`), /确认反弹 Confirm/);
  await page.click(`${back} button[data-result="rebounded"]`);
  await page.waitForSelector(`#panel .problem-view[data-state="loaded"] ${back.slice(7)}[data-status="rebounded"] button.linkish`, { timeout: 15_000 });
  assert.match(await page.textContent('#panel [data-field="problem-flash"]'), /反弹，已立新案 Rebounded: new problem/);
  const rebound = (await api(`api/v1/problems/${q.id}`)).rechecks.find((r) => r.id === other.id).rebound_problem_id;
  assert.ok(rebound, 'the server opened a rebound problem');
  await page.click(`${back} button.linkish`);
  await page.waitForSelector(`#panel .problem-view[data-problem="${rebound}"][data-state="loaded"] [data-field="rebound-of"]`, { timeout: 15_000 });
  assert.equal(await page.textContent('#panel [data-field="rebound-of"]'), `#${q.id}`);
  await until(page, async (r) => {
    const fc = { features: window.gridkeeper.problems() };
    return fc.features.some((f) => Number(f.properties.id) === r);
  }, rebound, { what: 'the rebound problem in the layer' });
  await page.waitForFunction((rid) => document.body.dataset.rechecks === 'loaded'
    && !document.querySelector(`#rechecks li[data-recheck="${rid}"]`), other.id, { timeout: 15_000, polling: 100 });
  await page.screenshot({ path: path.join(shotDir, 'rebound.png') });

  assert.deepEqual(w.foreign, [], 'no requests to any host but the server');
  assert.deepEqual(w.errors, [], 'no page errors, console errors or failed responses but the expected 412');
  t.diagnostic(`screenshots: ${['report-form', 'reported', 'closed', 'rechecks', 'recheck-fly', 'rebound'].map((n) => path.join(shotDir, `${n}.png`)).join(' ')}`);
  t.diagnostic(`${w.requests} requests; test took ${Date.now() - started} ms`);
  await page.close();
});
