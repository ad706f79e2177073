// Browser test of responsibility on the map page: sign in with a token,
// click a grid nobody answers for, see it vacant in the panel and in the
// vacancy layer, find a person by name and assign them, and see the panel
// and the vacancy layer change without a reload; an unknown token's 401 and
// an overlapping period's 409 show in the form; chain mode lists who
// answers at a point for a category, a vacant street chief in red, and
// filling that vacancy from the chain updates the chain in place. Driven
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
const TIMEOUT = 120_000;

let ctx;
let userDataDir;
let shotDir;

before(async () => {
  if (skip) return;
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridkeeper-chromium-'));
  shotDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridkeeper-duties-'));
  ctx = await launch(userDataDir);
});

after(async () => {
  if (ctx) await ctx.close();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

function url(p) {
  return new URL(p, BASE.endsWith('/') ? BASE : `${BASE}/`).href;
}

async function api(p, { method = 'GET', body, want = 200 } = {}) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers.Authorization = `Bearer ${TOKEN}`;
  const res = await fetch(url(p), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  assert.equal(res.status, want, `${method} ${p}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

// pickVacantGrid finds a grid without an officer (per /qa) and a point that
// /locate places in it, away from streets so that a click there is the
// grid's and not a street's.
async function pickVacantGrid() {
  const fc = await api('api/v1/qa?type=grid_without_officer');
  assert.ok(fc.features.length > 0, 'the sample city has grids without an officer');
  const grids = fc.features.sort((a, b) => a.properties.codes[0].localeCompare(b.properties.codes[0]));
  const order = [...grids.slice(grids.length >> 1), ...grids.slice(0, grids.length >> 1)];
  for (const f of order.slice(0, 15)) {
    const code = f.properties.codes[0];
    const point = interiorPoint(f.geometry);
    if (!point) continue;
    const loc = await api(`api/v1/locate?lon=${point[0]}&lat=${point[1]}`);
    const inside = loc.areas.some((a) => a.level === 'grid' && a.code === code);
    if (inside && (!loc.street || loc.street.distance_m > 40)) {
      return { code, name: f.properties.name, point, vacancies: fc.features.length };
    }
  }
  assert.fail('no vacant grid among the first 15 tried has an interior point away from streets');
}

// pickVacantStreet finds a street without a chief (per /qa) and the middle
// of one of its segments, inside a grid, that /locate gives that street for.
async function pickVacantStreet() {
  const fc = await api('api/v1/qa?type=street_without_chief');
  assert.ok(fc.features.length > 0, 'the sample city has streets without a chief');
  const streets = fc.features.sort((a, b) => a.properties.codes[0].localeCompare(b.properties.codes[0]));
  for (const f of streets.slice(0, 15)) {
    const code = f.properties.codes[0];
    const line = f.geometry.type === 'LineString' ? f.geometry.coordinates : f.geometry.coordinates[0];
    const i = Math.max(0, (line.length >> 1) - 1);
    const point = [(line[i][0] + line[i + 1][0]) / 2, (line[i][1] + line[i + 1][1]) / 2];
    const loc = await api(`api/v1/locate?lon=${point[0]}&lat=${point[1]}`);
    if (loc.street && loc.street.code === code && loc.areas.some((a) => a.level === 'grid')) {
      return { code, name: f.properties.name, point };
    }
  }
  assert.fail('no street without a chief among the first 15 tried has a midpoint in a grid that /locate puts on it');
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
  return w;
}

// until polls an async check in the page: waitForFunction treats the
// promise an async function returns as truthy and would not wait.
async function until(page, fn, arg, timeout = 15_000) {
  const end = Date.now() + timeout;
  for (;;) {
    if (await page.evaluate(fn, arg)) return;
    if (Date.now() > end) throw new Error('timed out waiting for the page');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const idle = (page) => page.evaluate(() => new Promise((resolve) => {
  const { map } = window.gridkeeper;
  if (map.loaded() && !map.isMoving()) resolve();
  else map.once('idle', resolve);
}));

// vacancyAt: does the vacancy layer draw grid `code` at the point?
const vacancyAt = (page, point, code) => page.evaluate(([x, y, c]) => {
  const { map } = window.gridkeeper;
  return map.queryRenderedFeatures(map.project([x, y]), { layers: ['vacancy-fill'] }).some((f) => f.properties.code === c);
}, [...point, code]);

// vacancySource: the codes of the grids in the vacancy layer's data.
const vacancySource = (page) => page.evaluate(async () => {
  const fc = await window.gridkeeper.map.getSource('vacancy').getData();
  return fc.features.filter((f) => f.properties.type === 'grid_without_officer').map((f) => f.properties.code);
});

test('a supervisor assigns a grid officer from the map; the panel and the vacancy layer follow', { skip, timeout: TIMEOUT }, async (t) => {
  const started = Date.now();
  const grid = await pickVacantGrid();
  const [lon, lat] = grid.point;
  // Someone to assign, with a name no one else has, found by part of it.
  const tag = Date.now().toString(36).slice(-5);
  const person = await api('api/v1/people', {
    method: 'POST', want: 201, body: { name: `测试网格员${tag}`, phone: '0534-1234567', title: '网格员' },
  });
  t.diagnostic(`grid ${grid.code} ${grid.name}, point ${lon.toFixed(6)},${lat.toFixed(6)}; person ${person.id} ${person.name}`);

  const page = await ctx.newPage();
  // Expected failures: the bogus token's 401 and the overlapping period's 409.
  const w = await watch(page, {
    expect: (u, what) => u.includes('/api/v1/duties') && (what === 401 || what === 409 || typeof what === 'string'),
  });
  await page.goto(url(''));
  await page.waitForFunction(() => window.gridkeeper, null, { timeout: 30_000 });
  await page.evaluate(() => window.gridkeeper.ready);
  await page.evaluate(() => { window.notReloaded = true; }); // gone if the page reloads

  // The vacancy layer, switched on, contains the grid.
  await page.check('#layer-vacancy');
  await page.waitForFunction(() => document.body.dataset.vacancies === 'loaded', null, { timeout: 15_000 });
  assert.ok((await vacancySource(page)).includes(grid.code), 'the vacancy layer has the grid');
  await page.evaluate(([x, y]) => window.gridkeeper.map.jumpTo({ center: [x, y], zoom: 15 }), [lon, lat]);
  await page.waitForFunction(([x, y, code]) => {
    const { map } = window.gridkeeper;
    if (document.body.dataset.grids !== 'loaded') return false;
    return map.queryRenderedFeatures(map.project([x, y]), { layers: ['grid-fill'] }).some((f) => f.properties.code === code);
  }, [lon, lat, grid.code], { timeout: 30_000, polling: 100 });
  await idle(page);
  assert.ok(await vacancyAt(page, grid.point, grid.code), 'the vacancy layer draws the grid in red at the point');

  // Signed out, the panel shows the vacancy but offers no form.
  const click = async ([x0, y0] = grid.point) => {
    const at = await page.evaluate(([x, y]) => {
      const { map } = window.gridkeeper;
      const p = map.project([x, y]);
      const r = map.getContainer().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    }, [x0, y0]);
    await page.mouse.click(at.x, at.y);
  };
  await click();
  await page.waitForSelector('#panel .duties[data-state="loaded"]', { timeout: 15_000 });
  assert.equal(await page.textContent('#panel-title'), grid.name);
  assert.equal(await page.textContent('#panel [data-field="code"]'), grid.code);
  const officer = '#panel .duties .role[data-role="grid_officer"]';
  assert.equal(await page.getAttribute(officer, 'data-vacant'), 'true');
  assert.match(await page.textContent(`${officer} [data-field="vacant"]`), /空缺 Vacant/);
  assert.equal(await page.$('#panel form.assign'), null, 'no assign form when signed out');
  assert.ok(await page.$('#panel [data-field="assign-hint"]'), 'a hint to sign in');
  await idle(page);
  await page.screenshot({ path: path.join(shotDir, 'vacant.png') });

  // A token the server does not know: the 401 shows in the form and in the sign-in box.
  await page.fill('#token', 'gk_not-a-real-token');
  await page.click('#signin button[type="submit"]');
  await page.waitForSelector('#panel form.assign', { timeout: 5_000 });
  await page.fill('#panel form.assign input[name="person"]', tag);
  const pick = `li[role="option"][data-person="${person.id}"]`; // the person in the search results
  const option = `#panel form.assign ${pick}`;
  await page.waitForSelector(option, { timeout: 10_000 });
  await page.click(option);
  await page.click('#panel form.assign button[type="submit"]');
  await page.waitForSelector('#panel form.assign .problem', { timeout: 10_000 });
  const unauthorized = await page.textContent('#panel form.assign .problem');
  assert.match(unauthorized, /Unauthorized/);
  assert.match(unauthorized, /401/);
  await page.waitForSelector('#signin-box [data-auth="refused"]', { timeout: 5_000 });
  await page.click('#signout');

  // Signed in with the supervisor token: search the person by part of the name and assign.
  await page.fill('#token', TOKEN);
  await page.click('#signin button[type="submit"]');
  await page.waitForSelector('#signin-box [data-auth="signed-in"]');
  await page.waitForSelector('#panel form.assign', { timeout: 5_000 });
  assert.equal(await page.inputValue('#panel form.assign select[name="role"]'), 'grid_officer', 'a grid defaults to its grid officer');
  await page.fill('#panel form.assign input[name="person"]', tag);
  await page.waitForSelector(option, { timeout: 10_000 });
  await page.screenshot({ path: path.join(shotDir, 'search.png') });
  await page.click(option);
  assert.match(await page.textContent('#panel form.assign [data-field="picked"]'), new RegExp(person.name));
  await page.click('#panel form.assign button[type="submit"]');

  // The panel shows the holder, with phone and history.
  await page.waitForSelector(`${officer}[data-vacant="false"] [data-field="holder"]`, { timeout: 15_000 });
  assert.equal(await page.textContent(`${officer} [data-field="holder-name"]`), person.name);
  assert.match(await page.textContent(`${officer} [data-field="holder"]`), /0534-1234567/);
  assert.match(await page.textContent(`${officer} [data-field="history"]`), new RegExp(`${person.name}.*至今 now`));
  assert.match(await page.textContent('#panel [data-field="assign-done"]'), /已指派 Assigned/);

  // The vacancy layer has fetched again and no longer has the grid; the others stay.
  await until(page, async (code) => {
    if (document.body.dataset.vacancies !== 'loaded') return false;
    const fc = await window.gridkeeper.map.getSource('vacancy').getData();
    return !fc.features.some((f) => f.properties.code === code);
  }, grid.code);
  const left = await vacancySource(page);
  assert.equal(left.length, grid.vacancies - 1, 'one vacancy fewer');
  await idle(page);
  assert.equal(await vacancyAt(page, grid.point, grid.code), false, 'the vacancy layer no longer draws the grid');
  assert.ok(await page.evaluate(() => window.notReloaded === true), 'the page was not reloaded');
  await page.screenshot({ path: path.join(shotDir, 'assigned.png') });

  // A period that overlaps the holder's: the 409 names the holder, in the form.
  await page.fill('#panel form.assign input[name="person"]', tag);
  await page.waitForSelector(option, { timeout: 10_000 });
  await page.click(option);
  await page.fill('#panel form.assign input[name="from"]', '2020-01-01T08:00');
  await page.click('#panel form.assign button[type="submit"]');
  await page.waitForSelector('#panel form.assign .problem', { timeout: 10_000 });
  const conflict = await page.textContent('#panel form.assign .problem');
  assert.match(conflict, /409/);
  assert.ok(conflict.includes(person.name), `the conflict names the holder: ${conflict}`);
  assert.equal(await page.getAttribute(officer, 'data-vacant'), 'false');

  // Chain mode: who answers at the point for a category the grid officer answers first.
  const cats = await api('api/v1/categories?active=true');
  const list = Array.isArray(cats) ? cats : cats.items;
  const cat = list.find((c) => c.first_in_line === 'grid_officer') || list[0];
  await page.waitForFunction(() => document.body.dataset.categories === 'loaded');
  await page.selectOption('#category', cat.code);
  await page.click('#chain-mode');
  assert.equal(await page.getAttribute('#chain-mode', 'aria-pressed'), 'true');
  await click();
  await page.waitForSelector('#panel .chain-view[data-state="loaded"]', { timeout: 15_000 });
  const links = await page.$$eval('#panel ol.chain li.link', (lis) => lis.map((li) => ({
    role: li.dataset.role, vacant: li.dataset.vacant, first: li.dataset.first, text: li.textContent,
  })));
  t.diagnostic(`chain for ${cat.code} ${cat.name}: ${links.map((l) => `${l.role}${l.vacant === 'true' ? ' (vacant)' : ''}`).join(' → ')}`);
  const roles = links.map((l) => l.role);
  assert.equal(roles[0], cat.first_in_line, 'the first in line leads');
  assert.equal(links[0].first, 'true');
  for (const r of ['grid_officer', 'leader', 'department']) assert.ok(roles.includes(r), `${r} in the chain: ${roles}`);
  const gridLink = links.find((l) => l.role === 'grid_officer');
  assert.equal(gridLink.vacant, 'false');
  assert.ok(gridLink.text.includes(person.name), `the grid officer link names ${person.name}: ${gridLink.text}`);
  assert.ok(gridLink.text.includes(grid.name));
  await idle(page);
  await page.screenshot({ path: path.join(shotDir, 'chain.png') });

  // On a street nobody answers for, the chain has the street chief, vacant, in red.
  const street = await pickVacantStreet();
  t.diagnostic(`street ${street.code} ${street.name}, point ${street.point.map((n) => n.toFixed(6)).join(',')}`);
  await page.evaluate((p) => window.gridkeeper.map.jumpTo({ center: p, zoom: 15 }), street.point);
  await page.waitForFunction(() => document.body.dataset.streets === 'loaded' && document.body.dataset.grids === 'loaded', null, { timeout: 30_000 });
  await idle(page);
  await click(street.point);
  const chief = '#panel ol.chain li.link[data-role="street_chief"]';
  await page.waitForSelector('#panel .chain-view[data-state="loaded"] li.link[data-role="street_chief"]', { timeout: 15_000 });
  assert.equal(await page.getAttribute(chief, 'data-vacant'), 'true');
  assert.ok((await page.textContent(chief)).includes(street.name), 'the link names the street');
  const colours = await page.$$eval('#panel ol.chain li.link', (lis) => lis.map((li) => [li.dataset.vacant, getComputedStyle(li).borderLeftColor]));
  for (const [vacant, colour] of colours) {
    assert.equal(colour === 'rgb(220, 38, 38)', vacant === 'true', `a link is red exactly when vacant: ${vacant} ${colour}`);
  }
  await page.screenshot({ path: path.join(shotDir, 'chain-vacant.png') });

  // Filling the vacancy from the chain: the chain updates in place.
  await page.click(`${chief} button.fill`);
  await page.fill(`${chief} form.assign input[name="person"]`, tag);
  await page.waitForSelector(`${chief} ${pick}`, { timeout: 10_000 });
  await page.click(`${chief} ${pick}`);
  await page.click(`${chief} form.assign button[type="submit"]`);
  await page.waitForSelector(`${chief}[data-vacant="false"]`, { timeout: 15_000 });
  assert.ok((await page.textContent(chief)).includes(person.name), 'the street chief is the person assigned');
  assert.match(await page.textContent('#panel .chain-view .done'), /已指派 Assigned/);
  await until(page, async (code) => {
    if (document.body.dataset.vacancies !== 'loaded') return false;
    const fc = await window.gridkeeper.map.getSource('vacancy').getData();
    return !fc.features.some((f) => f.properties.code === code);
  }, street.code);
  await idle(page);
  await page.keyboard.press('Escape');
  assert.equal(await page.getAttribute('#chain-mode', 'aria-pressed'), 'false');

  assert.deepEqual(w.foreign, [], 'no requests to any host but the server');
  assert.deepEqual(w.errors, [], 'no page errors, console errors or failed responses but the expected 401 and 409');
  t.diagnostic(`screenshots: ${['vacant', 'search', 'assigned', 'chain', 'chain-vacant'].map((n) => path.join(shotDir, `${n}.png`)).join(' ')}`);
  t.diagnostic(`${w.requests} requests; test took ${Date.now() - started} ms`);
  await page.close();
});
