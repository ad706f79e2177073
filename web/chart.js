// A line chart in plain SVG, no library: one line per series over shared
// x labels (months), a y axis with round ticks, a legend, and a <title> on
// every point so that hovering shows its value. A missing value (null)
// breaks the line.

const SVG = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== '') el.append(c instanceof Node ? c : String(c));
  return el;
}

// PALETTE: distinguishable line colours (ColorBrewer Dark2 and Set1).
export const PALETTE = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#377eb8', '#e41a1c', '#666666'];

// niceTicks returns about n round tick values covering [lo, hi].
export function niceTicks(lo, hi, n = 5) {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw) || 10 * mag;
  const out = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  if (out[out.length - 1] < hi) out.push(Number((out[out.length - 1] + step).toPrecision(12)));
  return out;
}

// lineChart draws {labels, series: [{name, values, colour?}]} and returns
// the <svg>. Options: width, height, format(v) for the axis and titles,
// min/max to fix the y range (a rate: 0 and 1), title for the chart's
// accessible name.
export function lineChart({ labels, series }, { width = 640, height = 300, format = String, min, max, title = '' } = {}) {
  const m = { top: 14, right: 16, bottom: 0, left: 52 };
  const w = width - m.left - m.right;
  // Legend entries flow left to right and wrap; their widths are guessed
  // from the text (a CJK character is about as wide as the font size).
  const place = [];
  let lx = 0;
  let row = 0;
  for (const ser of series) {
    const tw = 22 + [...ser.name].reduce((a, ch) => a + (ch.charCodeAt(0) > 0x2e80 ? 12 : 7), 0) + 14;
    if (lx > 0 && lx + tw > w) {
      lx = 0;
      row++;
    }
    place.push([lx, row]);
    lx += tw;
  }
  m.bottom = 28 + (series.length ? (row + 1) * 18 : 0);
  const ht = height - m.top - m.bottom;
  const all = series.flatMap((x) => x.values).filter((v) => typeof v === 'number' && Number.isFinite(v));
  let lo = min ?? Math.min(0, ...all);
  let hi = max ?? Math.max(...all, lo + 1);
  const ticks = niceTicks(lo, hi, 5);
  lo = min ?? ticks[0];
  hi = max ?? ticks[ticks.length - 1];
  const x = (i) => m.left + (labels.length > 1 ? (i * w) / (labels.length - 1) : w / 2);
  const y = (v) => m.top + ht - ((v - lo) / (hi - lo || 1)) * ht;

  const svg = s('svg', {
    class: 'chart', viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-label': title,
    preserveAspectRatio: 'xMidYMid meet',
  });
  if (title) svg.append(s('title', {}, title));
  // Grid lines and y ticks.
  const grid = s('g', { class: 'grid' });
  for (const t of ticks.filter((v) => v >= lo && v <= hi)) {
    grid.append(
      s('line', { x1: m.left, x2: m.left + w, y1: y(t), y2: y(t) }),
      s('text', { x: m.left - 6, y: y(t), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, format(t)));
  }
  svg.append(grid);
  // X labels: all when they fit, else every other one.
  const every = labels.length > 8 && w / labels.length < 48 ? 2 : 1;
  const xaxis = s('g', { class: 'x-axis' }, s('line', { x1: m.left, x2: m.left + w, y1: m.top + ht, y2: m.top + ht }));
  labels.forEach((l, i) => {
    if ((labels.length - 1 - i) % every === 0) {
      xaxis.append(s('text', { x: x(i), y: m.top + ht + 16, 'text-anchor': 'middle' }, l));
    }
  });
  svg.append(xaxis);
  // Lines, broken where a value is missing, and points with titles.
  series.forEach((ser, k) => {
    const colour = ser.colour || PALETTE[k % PALETTE.length];
    const g = s('g', { class: 'series', 'data-series': ser.name });
    let d = '';
    let pen = false;
    ser.values.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    if (d) g.append(s('path', { d, fill: 'none', stroke: colour, 'stroke-width': 2.2, 'stroke-linejoin': 'round' }));
    ser.values.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) return;
      g.append(s('circle', { cx: x(i), cy: y(v), r: 3.2, fill: colour, stroke: '#fff', 'stroke-width': 1 },
        s('title', {}, `${ser.name} · ${labels[i]} · ${format(v)}`)));
    });
    svg.append(g);
  });
  // Legend under the axis.
  const legend = s('g', { class: 'legend' });
  series.forEach((ser, k) => {
    const lx = m.left + place[k][0];
    const ly = m.top + ht + 34 + place[k][1] * 18;
    legend.append(
      s('rect', { x: lx, y: ly - 2, width: 16, height: 4, fill: ser.colour || PALETTE[k % PALETTE.length] }),
      s('text', { x: lx + 22, y: ly, 'dominant-baseline': 'middle' }, ser.name));
  });
  svg.append(legend);
  if (!all.length) {
    svg.append(s('text', { class: 'empty', x: m.left + w / 2, y: m.top + ht / 2, 'text-anchor': 'middle' }, '无数据 No data'));
  }
  return svg;
}
