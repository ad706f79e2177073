// Browser test of the map page: drives the real page, served by a real
// gridkeeper with the sample city, in the system Chromium.
//
//   GRIDKEEPER_URL=http://127.0.0.1:8080 node --test web/test/
//
// web/test/run.sh builds that setup (fresh database, free port) and runs this.
// Screenshots go to a fresh temp directory whose path the test prints.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch } from './browser.mjs';
import { interiorPoint } from './geometry.mjs';

const BASE = process.env.GRIDKEEPER_URL;
const skip = BASE ? false : 'GRIDKEEPER_URL is not set (web/test/run.sh sets it)';
const TIMEOUT = 120_000;

let ctx;
let userDataDir;
let shotDir;

before(async () => {
  if (skip) return;
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridkeeper-chromium-'));
  shotDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridkeeper-map-'));
  ctx = await launch(userDataDir);
});

after(async () => {
  if (ctx) await ctx.close();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

// url resolves a path against the server, keeping any path prefix it has.
function url(p) {
  return new URL(p, BASE.endsWith('/') ? BASE : `${BASE}/`).href;
}

async function api(p) {
  const res = await fetch(url(p));
  const body = await res.text();
  assert.equal(res.status, 200, `GET ${p}: ${body.slice(0, 300)}`);
  return JSON.parse(body);
}

// pickGrid finds a grid and a point that the server itself places in it, so
// that a click there must land on that grid.
async function pickGrid() {
  const fc = await api('api/v1/areas?level=grid');
  assert.ok(fc.features.length > 0, 'the sample city has grids');
  const grids = fc.features.sort((a, b) => a.properties.code.localeCompare(b.properties.code));
  // Start in the middle of the list: away from the city's edge.
  const order = [...grids.slice(grids.length >> 1), ...grids.slice(0, grids.length >> 1)];
  for (const f of order.slice(0, 10)) {
    const point = interiorPoint(f.geometry);
    if (!point) continue;
    const loc = await api(`api/v1/locate?lon=${point[0]}&lat=${point[1]}`);
    if (loc.areas.some((a) => a.level === 'grid' && a.code === f.properties.code)) {
      return { code: f.properties.code, name: f.properties.name, point };
    }
  }
  assert.fail('no grid among the first 10 tried contains its own interior point according to /locate');
}

// watch records what must not happen on a page: script errors, console
// errors, failed responses and requests to any host but the server.
async function watch(page, { expect = () => false } = {}) {
  const origin = new URL(url('')).origin;
  const w = { errors: [], foreign: [], requests: 0 };
  page.on('pageerror', (err) => w.errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location().url || '';
    if (!expect(where)) w.errors.push(`console.error: ${msg.text()} ${where}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && !expect(res.url())) w.errors.push(`HTTP ${res.status()} ${res.url()}`);
  });
  await page.route('**/*', (route) => {
    const u = route.request().url();
    w.requests++;
    if (new URL(u).origin === origin) return route.continue();
    w.foreign.push(u);
    return route.abort('blockedbyclient');
  });
  // Requests that routing never sees (data:, blob: and anything else odd).
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (u.origin !== origin && u.protocol !== 'data:' && u.protocol !== 'blob:' && !w.foreign.includes(req.url())) {
      w.foreign.push(req.url());
    }
  });
  return w;
}

async function openMap(page) {
  await page.goto(url(''));
  await page.waitForFunction(() => window.gridkeeper, null, { timeout: 30_000 });
  await page.evaluate(() => window.gridkeeper.ready);
}

const idle = (page) => page.evaluate(() => new Promise((resolve) => {
  const { map } = window.gridkeeper;
  if (map.loaded() && !map.isMoving()) resolve();
  else map.once('idle', resolve);
}));

test('a click on a grid shows its code and its parents in the panel', { skip, timeout: TIMEOUT }, async (t) => {
  const started = Date.now();
  const grid = await pickGrid();
  const [lon, lat] = grid.point;
  t.diagnostic(`grid ${grid.code} ${grid.name}, point ${lon.toFixed(6)},${lat.toFixed(6)}`);

  const page = await ctx.newPage();
  const w = await watch(page);
  await openMap(page);
  t.diagnostic(`map ready in ${Date.now() - started} ms`);
  assert.equal(await page.getAttribute('body', 'data-state'), 'ready');

  // The first view shows the districts.
  await idle(page);
  const districts = await page.evaluate(() =>
    window.gridkeeper.map.queryRenderedFeatures({ layers: ['district-fill'] }).length);
  assert.ok(districts > 0, 'districts are drawn at the first view');
  await page.screenshot({ path: path.join(shotDir, 'city.png') });

  // Zoom in on the point; wait until the grid layer has drawn that grid there.
  await page.evaluate(([x, y]) => window.gridkeeper.map.jumpTo({ center: [x, y], zoom: 15 }), [lon, lat]);
  await page.waitForFunction(([x, y, code]) => {
    const { map } = window.gridkeeper;
    if (document.body.dataset.grids !== 'loaded') return false;
    return map.queryRenderedFeatures(map.project([x, y]), { layers: ['grid-fill'] })
      .some((f) => f.properties.code === code);
  }, [lon, lat, grid.code], { timeout: 30_000, polling: 100 });

  // Click it where the map draws it.
  const at = await page.evaluate(([x, y]) => {
    const { map } = window.gridkeeper;
    const p = map.project([x, y]);
    const r = map.getContainer().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, [lon, lat]);
  await page.mouse.click(at.x, at.y);

  await page.waitForSelector('#panel [data-field="ancestors"]', { timeout: 15_000 });
  assert.equal(await page.textContent('#panel [data-field="code"]'), grid.code);
  assert.equal(await page.getAttribute('#panel [data-field="level"] .badge', 'data-level'), 'grid');
  assert.equal(await page.textContent('#panel-title'), grid.name);
  const ancestors = await page.textContent('#panel [data-field="ancestors"]');
  assert.ok(ancestors.includes(grid.code.slice(0, 6)), `district ${grid.code.slice(0, 6)} among parents: ${ancestors}`);
  assert.ok(ancestors.includes(grid.code.slice(0, 12)), `community ${grid.code.slice(0, 12)} among parents: ${ancestors}`);
  await page.waitForSelector('#panel [data-field="street"], #panel .where .problem', { timeout: 15_000 });

  await idle(page);
  const shot = path.join(shotDir, 'grid.png');
  await page.screenshot({ path: shot });
  t.diagnostic(`screenshots: ${path.join(shotDir, 'city.png')} ${shot}`);

  // The layer switcher hides and shows the grids.
  await page.click('label[for="layer-grid"]');
  assert.equal(await page.evaluate(() => window.gridkeeper.map.getLayoutProperty('grid-fill', 'visibility')), 'none');
  await page.click('label[for="layer-grid"]');
  assert.equal(await page.evaluate(() => window.gridkeeper.map.getLayoutProperty('grid-fill', 'visibility')), 'visible');

  assert.deepEqual(w.foreign, [], 'no requests to any host but the server');
  assert.deepEqual(w.errors, [], 'no page errors, console errors or failed responses');
  assert.ok(w.requests > 0);
  t.diagnostic(`${w.requests} requests, all to the server; test took ${Date.now() - started} ms`);
  await page.close();
});

test('an unknown area code shows the server problem in the panel', { skip, timeout: TIMEOUT }, async () => {
  const code = '999999999999999';
  const page = await ctx.newPage();
  const w = await watch(page, { expect: (u) => u.includes(`/api/v1/areas/${code}`) });
  await openMap(page);
  await page.evaluate((c) => window.gridkeeper.select(c), code);
  await page.waitForSelector('#panel .problem', { timeout: 15_000 });
  const text = await page.textContent('#panel .problem');
  assert.ok(text.includes('404'), `status shown: ${text}`);
  assert.ok(text.includes(code), `detail or URL names the code: ${text}`);
  assert.equal(await page.textContent('#panel [data-field="code"]'), code);
  assert.deepEqual(w.foreign, [], 'no requests to any host but the server');
  assert.deepEqual(w.errors, [], 'no errors but the expected 404');
  await page.close();
});
