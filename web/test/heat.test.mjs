// Browser test of the heatmap, the hotspot layer and the dashboard: file
// problems close together in one grid over several weeks, turn the heatmap
// on, see hexagons drawn with a legend and a recurring outline, click the
// busiest hexagon and see its problems listed (and one open in the problem
// panel), narrow the weeks, turn the hotspots (and their trend) on; then
// open the dashboard and see the ranking table, sort it, and see the trend
// chart and the choropleth drawn. Driven against a real gridkeeper with the
// sample city, in the system Chromium.
//
//   GRIDKEEPER_URL=http://127.0.0.1:8080 GRIDKEEPER_TOKEN=gk_… node --test web/test/
//
// GRIDKEEPER_TOKEN is a supervisor (or admin) token, to file the problems;
// web/test/run.sh creates one. Screenshots go to a fresh temp directory
// whose path the test prints.

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
const TIMEOUT = 180_000;
const PROBLEMS = 30;
const BACKGROUND = 10;
const CATEGORY = 'E01-10'; // 暴露垃圾 exposed litter

let ctx;
let userDataDir;
let shotDir;
let seeded; // {centre, ids, grid}

before(async () => {
  if (skip) return;
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridkeeper-chromium-'));
  shotDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridkeeper-heat-'));
  ctx = await launch(userDataDir);
});

after(async () => {
  if (ctx) await ctx.close();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

function url(p) {
  return new URL(p, BASE.endsWith('/') ? BASE : `${BASE}/`).href;
}

async function api(p, { method = 'GET', body, want = [200], headers = {} } = {}) {
  const h = { ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  if (method !== 'GET') h.Authorization = `Bearer ${TOKEN}`;
  const res = await fetch(url(p), { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  assert.ok(want.includes(res.status), `${method} ${p}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

// seed files PROBLEMS problems within about 120 m of a point that /locate
// puts in a grid, reported over the last eight weeks (so that their cell
// recurs week after week), BACKGROUND more scattered round it, and closes
// a few of the first, for the on-time rate.
// The grid is taken a tenth of the way down the list, away from the middle
// ones the other browser tests click.
async function seed() {
  const fc = await api('api/v1/areas?level=grid');
  const grids = fc.features.sort((a, b) => a.properties.code.localeCompare(b.properties.code));
  let centre = null;
  let grid = null;
  for (const f of grids.slice(Math.floor(grids.length / 10))) {
    const p = interiorPoint(f.geometry);
    if (!p) continue;
    const loc = await api(`api/v1/locate?lon=${p[0]}&lat=${p[1]}`);
    if (loc.areas.some((a) => a.level === 'grid' && a.code === f.properties.code)) {
      centre = p;
      grid = f.properties.code;
      break;
    }
  }
  assert.ok(centre, 'a grid whose interior point /locate puts in it');
  let r = 7;
  const rand = () => {
    r = (r * 48271) % 2147483647;
    return r / 2147483647 - 0.5;
  };
  const now = Date.now();
  const ids = [];
  for (let i = 0; i < PROBLEMS; i++) {
    const days = 1 + ((i * 13) % 56); // spread over eight weeks
    const p = await api('api/v1/problems', {
      method: 'POST',
      want: [201],
      headers: { 'Idempotency-Key': `heat-test-${now}-${i}` },
      body: {
        category: CATEGORY,
        lon: Number((centre[0] + rand() * 0.0025).toFixed(6)),
        lat: Number((centre[1] + rand() * 0.002).toFixed(6)),
        source: 'patrol',
        reported_at: new Date(now - days * 86400e3 - i * 60e3).toISOString(),
        description: `heat test ${i}`,
      },
    });
    ids.push(p.id);
  }
  // A thin background a kilometre or so round, so that the cluster stands
  // out as a hot spot against empty and sparse cells.
  for (let i = 0; i < BACKGROUND; i++) {
    await api('api/v1/problems', {
      method: 'POST',
      want: [201],
      headers: { 'Idempotency-Key': `heat-test-${now}-bg-${i}` },
      body: {
        category: CATEGORY,
        lon: Number((centre[0] + rand() * 0.024).toFixed(6)),
        lat: Number((centre[1] + rand() * 0.02).toFixed(6)),
        source: 'patrol',
        reported_at: new Date(now - (1 + ((i * 17) % 60)) * 86400e3).toISOString(),
        description: `heat test background ${i}`,
      },
    });
  }
  // Close five: resolve, then close (a supervisor may do both).
  for (const id of ids.slice(0, 5)) {
    for (const action of ['resolve', 'close']) {
      const p = await api(`api/v1/problems/${id}`);
      if (!(p.allowed_actions || []).includes(action)) break;
      await api(`api/v1/problems/${id}/actions`, { method: 'POST', headers: { 'If-Match': `"${p.version}"` }, body: { action } });
    }
  }
  return { centre, ids, grid };
}

// watch records what must not happen on a page: script errors, console
// errors, failed responses and requests to any host but the server.
async function watch(page) {
  const origin = new URL(url('')).origin;
  const w = { errors: [], foreign: [], requests: 0 };
  page.on('pageerror', (err) => w.errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') w.errors.push(`console.error: ${msg.text()} ${msg.location().url || ''}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) w.errors.push(`HTTP ${res.status()} ${res.url()}`);
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

const idle = (page) => page.evaluate(() => new Promise((resolve) => {
  const { map } = window.gridkeeper;
  if (map.loaded() && !map.isMoving()) resolve();
  else map.once('idle', resolve);
}));

// pickCell finds the busiest heat cell drawn and a point on it, on the
// map's canvas (not under a box), away from any problem's own point.
function pickCell(page) {
  return page.evaluate(() => {
    const { map } = window.gridkeeper;
    const cells = map.queryRenderedFeatures({ layers: ['heat-fill'] });
    if (!cells.length) return null;
    cells.sort((a, b) => b.properties._v - a.properties._v);
    const rect = map.getContainer().getBoundingClientRect();
    for (const f of cells.slice(0, 3)) {
      const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
      const vs = ring.slice(0, -1);
      const c = [0, 1].map((i) => vs.reduce((a, v) => a + v[i], 0) / vs.length);
      // The centre, then points part of the way to each vertex.
      const tries = [c, ...[0.35, 0.6].flatMap((t) => vs.map((v) => [c[0] + (v[0] - c[0]) * t, c[1] + (v[1] - c[1]) * t]))];
      for (const ll of tries) {
        const p = map.project(ll);
        const x = rect.left + p.x;
        const y = rect.top + p.y;
        if (document.elementFromPoint(x, y) !== map.getCanvas()) continue;
        const here = map.queryRenderedFeatures(p, { layers: ['heat-fill'] });
        if (!here.length || here[0].properties._h3 !== f.properties._h3) continue;
        const near = [[p.x - 8, p.y - 8], [p.x + 8, p.y + 8]];
        if (map.getLayer('problem-point') && map.queryRenderedFeatures(near, { layers: ['problem-point'] }).length) continue;
        return { h3: f.properties._h3, count: f.properties.count, value: f.properties._v, x, y };
      }
    }
    return null;
  });
}

test('the heatmap draws hexagons, a click lists a cell\'s problems; hotspots draw their classes', { skip, timeout: TIMEOUT }, async (t) => {
  const started = Date.now();
  seeded = await seed();
  t.diagnostic(`filed ${seeded.ids.length} problems round ${seeded.centre.map((n) => n.toFixed(5)).join(',')} (grid ${seeded.grid}) in ${Date.now() - started} ms`);

  const page = await ctx.newPage();
  const w = await watch(page);
  await page.goto(url(''));
  await page.waitForFunction(() => window.gridkeeper, null, { timeout: 30_000 });
  await page.evaluate(() => window.gridkeeper.ready);
  assert.equal(await page.getAttribute('body', 'data-heat'), 'off');
  await page.evaluate(([x, y]) => window.gridkeeper.map.jumpTo({ center: [x, y], zoom: 13.6 }), seeded.centre);
  await idle(page);

  // Heatmap on: hexagons drawn, a legend, the recurring cells outlined.
  const t0 = Date.now();
  await page.click('label[for="heat-on"]');
  await page.waitForFunction(() => document.body.dataset.heat === 'loaded'
    && window.gridkeeper.map.queryRenderedFeatures({ layers: ['heat-fill'] }).length > 0, null, { timeout: 30_000, polling: 100 });
  t.diagnostic(`heatmap drawn ${Date.now() - t0} ms after the switch`);
  const drawn = await page.evaluate(() => {
    const { map } = window.gridkeeper;
    return {
      cells: map.queryRenderedFeatures({ layers: ['heat-fill'] }).length,
      recurring: map.queryRenderedFeatures({ layers: ['heat-recurring'] }).length,
      legend: document.querySelectorAll('#heat-legend .ramp li').length,
      note: document.querySelector('#heat-legend [data-field="heat-count"]')?.textContent || '',
    };
  });
  t.diagnostic(`heat: ${JSON.stringify(drawn)}`);
  assert.ok(drawn.cells > 0, 'hexagons are drawn');
  assert.ok(drawn.legend > 0, 'the legend shows the colour classes');
  assert.ok(drawn.recurring > 0, 'a cell with problems in eight different weeks is outlined as recurring');
  assert.match(drawn.note, /H3 res \d+/);
  await idle(page);
  await page.screenshot({ path: path.join(shotDir, 'heat.png') });

  // A click on the busiest hexagon lists its problems in the panel.
  const cell = await pickCell(page);
  assert.ok(cell, 'a point on a drawn hexagon, clear of problem points and boxes');
  t.diagnostic(`clicking cell ${cell.h3} (value ${cell.value}, count ${cell.count}) at ${cell.x.toFixed(0)},${cell.y.toFixed(0)}`);
  await page.mouse.click(cell.x, cell.y);
  await page.waitForSelector('#panel .cell-problems[data-state="loaded"]', { timeout: 20_000 });
  assert.equal(await page.textContent('#panel [data-field="cell-h3"]'), cell.h3);
  const items = await page.$$eval('#panel [data-field="cell-problems"] li', (lis) => lis.map((li) => ({ id: Number(li.dataset.problem), text: li.textContent })));
  assert.ok(items.length > 0, 'the cell lists problems');
  if (typeof cell.count === 'number') assert.equal(items.length, cell.count, 'as many problems listed as the cell counts');
  assert.ok(items.some((i) => seeded.ids.includes(i.id)), 'the listed problems include the filed ones');
  assert.ok(items[0].text.includes(CATEGORY), `number, category, status and date: ${items[0].text}`);
  assert.match(items[0].text, /\d{4}-\d{2}-\d{2}/);
  await idle(page);
  await page.screenshot({ path: path.join(shotDir, 'cell.png') });

  // One of them opens in the problem panel.
  const number = await page.textContent(`#panel [data-field="cell-problems"] li[data-problem="${items[0].id}"] button`);
  await page.click(`#panel [data-field="cell-problems"] li[data-problem="${items[0].id}"] button`);
  await page.waitForFunction((n) => {
    const p = document.getElementById('panel');
    return p.dataset.view === 'problem' && p.textContent.includes(n) && !p.querySelector('[data-state="loading"]');
  }, number, { timeout: 15_000, polling: 100 });

  // One week only: the label names it, and the layer loads again.
  await page.evaluate(() => {
    const from = document.getElementById('heat-week-from');
    const to = document.getElementById('heat-week-to');
    from.value = to.value = String(Number(to.max) - 1);
    to.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await page.waitForFunction(() => document.body.dataset.heat === 'loaded', null, { timeout: 30_000, polling: 100 });
  const weekLabel = await page.textContent('#heat-weeks');
  assert.match(weekLabel, /^\d{4}-W\d{2} \(\d\d-\d\d–\d\d-\d\d\)$/, `one ISO week: ${weekLabel}`);

  // Hotspots with their trend classes, a little further out.
  await page.click('#panel-close');
  await page.evaluate(([x, y]) => window.gridkeeper.map.jumpTo({ center: [x, y], zoom: 13 }), seeded.centre);
  await page.click('label[for="hotspot-on"]');
  await page.waitForFunction(() => document.body.dataset.hotspots === 'loaded'
    && window.gridkeeper.map.queryRenderedFeatures({ layers: ['hotspot-fill'] }).length > 0, null, { timeout: 60_000, polling: 100 });
  await page.click('label[for="heat-on"]'); // heat off, to see the hotspots alone
  await page.click('#hotspot-trend');
  await page.waitForFunction(() => document.body.dataset.hotspots === 'loaded', null, { timeout: 60_000, polling: 100 });
  await idle(page);
  const hot = await page.evaluate(() => {
    const { map } = window.gridkeeper;
    const f = map.queryRenderedFeatures({ layers: ['hotspot-fill'] });
    const classes = {};
    for (const x of f) classes[x.properties._bin] = (classes[x.properties._bin] || 0) + 1;
    return {
      cells: f.length,
      classes,
      trends: [...new Set(f.map((x) => x.properties._trend).filter(Boolean))],
      legend: document.querySelectorAll('#hotspot-legend li[data-bin]').length,
    };
  });
  t.diagnostic(`hotspots: ${JSON.stringify(hot)}`);
  assert.equal(hot.legend, 7, 'the legend names the seven confidence classes');
  assert.ok(hot.cells > 0, 'hotspot cells are drawn');
  assert.ok(Object.keys(hot.classes).some((b) => Number(b) > 0), 'the cluster is a significant hot spot');
  await page.screenshot({ path: path.join(shotDir, 'hotspots.png') });

  assert.deepEqual(w.foreign, [], 'no requests to any host but the server');
  assert.deepEqual(w.errors, [], 'no page errors, console errors or failed responses');
  t.diagnostic(`${w.requests} requests, all to the server; screenshots in ${shotDir}; test took ${Date.now() - started} ms`);
  await page.close();
});

test('the dashboard shows the ranking table, the trend chart and the choropleth', { skip, timeout: TIMEOUT }, async (t) => {
  const started = Date.now();
  const page = await ctx.newPage();
  const w = await watch(page);
  await page.goto(url(''));
  await page.waitForFunction(() => window.gridkeeper, null, { timeout: 30_000 });
  // The map links to the dashboard.
  await Promise.all([page.waitForURL(/dashboard\.html/), page.click('#dashboard-link')]);
  await page.waitForFunction(() => document.body.dataset.ranking === 'loaded', null, { timeout: 30_000, polling: 100 });
  const rows = await page.$$eval('#ranking-table tbody tr', (trs) => trs.map((tr) => tr.dataset.code));
  t.diagnostic(`ranking rows: ${rows.join(' ')}`);
  assert.ok(rows.length >= 1 && rows.every(Boolean), 'the districts are ranked');
  const heads = await page.$$eval('#ranking-table th', (ths) => ths.map((th) => th.dataset.key));
  assert.ok(heads.includes('rank') && heads.includes('name'), `columns: ${heads.join(', ')}`);

  // Sort by name, then the other way round.
  await page.click('#ranking-table th[data-key="name"] button');
  assert.equal(await page.getAttribute('#ranking-table th[data-key="name"]', 'aria-sort'), 'ascending');
  const names = await page.$$eval('#ranking-table tbody td.name', (tds) => tds.map((td) => td.firstChild.textContent));
  assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b, 'zh-CN')));
  await page.click('#ranking-table th[data-key="name"] button');
  assert.equal(await page.getAttribute('#ranking-table th[data-key="name"]', 'aria-sort'), 'descending');

  // The trend chart has a line per district; the choropleth draws grids.
  await page.waitForFunction(() => document.body.dataset.trend === 'loaded' && document.body.dataset.choropleth === 'loaded', null, { timeout: 60_000, polling: 100 });
  const series = await page.$$eval('#trend-chart svg g.series', (gs) => gs.length);
  assert.ok(series >= 1, 'a line per district');
  const grids = await page.evaluate(() => window.dashboard.map.queryRenderedFeatures({ layers: ['grid-fill'] }).length);
  assert.ok(grids > 0, 'grids drawn on the choropleth');
  const rated = await page.evaluate(() => window.dashboard.map.querySourceFeatures('grid').filter((f) => typeof f.properties._rate === 'number').length);
  t.diagnostic(`choropleth: ${grids} grid features drawn, ${rated} with an on-time rate`);

  // The CSV link asks the same ranking as text/csv.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  assert.ok(csv.split('\n').length >= 2, `CSV has a header and rows: ${csv.slice(0, 200)}`);

  await page.screenshot({ path: path.join(shotDir, 'dashboard.png'), fullPage: true });
  assert.deepEqual(w.foreign, [], 'no requests to any host but the server');
  assert.deepEqual(w.errors, [], 'no page errors, console errors or failed responses');
  t.diagnostic(`dashboard test took ${Date.now() - started} ms; screenshot ${path.join(shotDir, 'dashboard.png')}`);
  await page.close();
});
