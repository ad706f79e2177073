// Browser test of the map on vector tiles: on a database of at least
// 100,000 problems (web/test/run.sh serves the sample city with its
// generated year of hotline tickets), the map zooms from the whole city to
// a street, draws problems at every step (cells with counts far out,
// points close in), and a click on a point opens it in the panel.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch } from './browser.mjs';

const BASE = process.env.GRIDKEEPER_URL;
const skip = BASE ? false : 'GRIDKEEPER_URL is not set (web/test/run.sh sets it)';
const TIMEOUT = 180_000;

let ctx;
let userDataDir;
let shotDir;

before(async () => {
  if (skip) return;
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridkeeper-chromium-'));
  shotDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridkeeper-tiles-'));
  ctx = await launch(userDataDir);
});

after(async () => {
  if (ctx) await ctx.close();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

function url(p) {
  return new URL(p, BASE.endsWith('/') ? BASE : `${BASE}/`).href;
}

async function api(p) {
  const res = await fetch(url(p));
  const body = await res.text();
  assert.equal(res.status, 200, `GET ${p}: ${body.slice(0, 300)}`);
  return JSON.parse(body);
}

// drawn: what the problem layers draw in the view now.
const drawn = (page) => page.evaluate(() => {
  const { map } = window.gridkeeper;
  const fs = map.queryRenderedFeatures({ layers: ['problem-cluster', 'problem-point'] });
  const points = new Set(fs.filter((f) => !f.properties.cell).map((f) => f.properties.id));
  const cells = fs.filter((f) => f.properties.cell);
  return { points: points.size, cells: cells.length, counted: cells.reduce((n, f) => n + Number(f.properties.count), 0) + points.size };
});

const settled = (page) => page.waitForFunction(() => {
  const { map } = window.gridkeeper;
  return document.body.dataset.problems === 'loaded' && map.loaded() && !map.isMoving() && map.areTilesLoaded();
}, null, { timeout: 60_000, polling: 200 });

test('the map draws every problem from tiles at every zoom, from the city to a street, and a click opens one', { skip, timeout: TIMEOUT }, async (t) => {
  // The heat rollup's count of the last 400 days (void and merged problems
  // left out): the map, showing every status, must count at least as many.
  const since = new Date(Date.now() - 400 * 86400e3).toISOString().slice(0, 10);
  const cells = await api(`api/v1/heatmap?res=7&format=h3&from=${since}`);
  const total = cells.reduce((n, c) => n + c.count, 0);
  t.diagnostic(`${total} problems in the heat rollup since ${since}`);
  assert.ok(total >= 100_000, `at least 100,000 problems in the database (${total})`);

  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('response', (res) => { if (res.status() >= 400) errors.push(`HTTP ${res.status()} ${res.url()}`); });
  const tiles = { ok: 0, notModified: 0 };
  page.on('response', (res) => {
    if (!res.url().includes('/tiles/problems/')) return;
    if (res.status() === 200) tiles.ok++;
    if (res.status() === 304) tiles.notModified++;
  });
  await page.goto(url(''));
  await page.waitForFunction(() => window.gridkeeper, null, { timeout: 30_000 });
  await page.evaluate(() => window.gridkeeper.ready);
  await page.selectOption('#f-status', 'all');
  await settled(page);

  // The whole city: cells, whose counts add up to every problem.
  const city = await drawn(page);
  const z0 = await page.evaluate(() => window.gridkeeper.map.getZoom());
  t.diagnostic(`zoom ${z0.toFixed(1)}: ${city.cells} cells counting ${city.counted} problems`);
  assert.ok(city.cells > 0, 'cells drawn over the city');
  assert.ok(city.counted >= total, `the city's cells count every problem: ${city.counted}, the rollup ${total}`);
  // The busiest cell drawn: where the zoom ends.
  const [lon, lat] = await page.evaluate(() => window.gridkeeper.map.queryRenderedFeatures({ layers: ['problem-cluster'] })
    .sort((a, b) => b.properties.count - a.properties.count)[0].geometry.coordinates);
  await page.screenshot({ path: path.join(shotDir, 'city.png') });

  for (const z of [11, 12.5, 14, 15.5, 17]) {
    await page.evaluate(([x, y, zz]) => window.gridkeeper.map.jumpTo({ center: [x, y], zoom: zz }), [lon, lat, z]);
    await settled(page);
    const d = await drawn(page);
    t.diagnostic(`zoom ${z}: ${d.cells} cells, ${d.points} points, ${d.counted} problems`);
    assert.ok(d.counted > 0, `problems drawn at zoom ${z}`);
    if (z >= 15) assert.ok(d.points > 0 && d.cells === 0, `points, not cells, at street zoom ${z}`);
    else assert.ok(d.cells > 0, `cells at zoom ${z}`);
    const bar = await page.textContent('#problem-count');
    assert.ok(bar.includes(`显示 ${d.counted} 条`), `the filter bar counts what is drawn: ${bar}`);
    await page.screenshot({ path: path.join(shotDir, `z${z}.png`) });
  }

  // A filter asks for the tiles again: only closed problems are drawn.
  await page.selectOption('#f-status', 'closed');
  await settled(page);
  await page.waitForFunction(() => {
    const pts = window.gridkeeper.map.queryRenderedFeatures({ layers: ['problem-point'] });
    return pts.length > 0 && pts.every((f) => f.properties.status === 'closed');
  }, null, { timeout: 30_000, polling: 200 });

  // Click the point nearest the centre: the problem opens in the panel.
  const target = await page.evaluate(() => {
    const { map } = window.gridkeeper;
    const c = map.getContainer();
    const mid = { x: c.clientWidth / 2, y: c.clientHeight / 2 };
    const pts = map.queryRenderedFeatures({ layers: ['problem-point'] })
      .map((f) => ({ id: f.properties.id, p: map.project(f.geometry.coordinates) }))
      .sort((a, b) => Math.hypot(a.p.x - mid.x, a.p.y - mid.y) - Math.hypot(b.p.x - mid.x, b.p.y - mid.y));
    const r = c.getBoundingClientRect();
    return { ...pts[0], x: r.left + pts[0].p.x, y: r.top + pts[0].p.y };
  });
  await page.mouse.click(target.x, target.y);
  await page.waitForSelector('#panel .problem-view[data-state="loaded"]', { timeout: 15_000 });
  const opened = Number(await page.getAttribute('#panel .problem-view', 'data-problem'));
  const p = await api(`api/v1/problems/${opened}`);
  assert.equal(p.status, 'closed', 'the problem clicked is one the filter shows');
  assert.equal(await page.textContent('#panel [data-field="number"]'), p.number);
  await page.screenshot({ path: path.join(shotDir, 'clicked.png') });

  t.diagnostic(`problem tiles: ${tiles.ok} × 200, ${tiles.notModified} × 304; screenshots in ${shotDir}`);
  assert.deepEqual(errors, [], 'no page errors or failed responses');
  await page.close();
});
