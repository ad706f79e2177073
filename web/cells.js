// H3 indexes and ISO weeks in the browser, for the heat layers: no H3
// library, only the bit arithmetic of an index (as h3_parent in
// migrations/008_h3.sql), and weeks in the browser's local time.

// cellRes is the resolution of an H3 index given as its hex string.
export function cellRes(hex) {
  return Number((BigInt(`0x${hex}`) >> 52n) & 15n);
}

// cellParent is the parent at resolution r of an H3 cell (hex string) of a
// finer resolution: the resolution field set to r and the digits below r
// set to 7 (unused).
export function cellParent(hex, r) {
  const x = BigInt(`0x${hex}`);
  const p = (x & ~(15n << 52n)) | (BigInt(r) << 52n) | ((1n << BigInt(3 * (15 - r))) - 1n);
  return p.toString(16);
}

const pad = (n) => String(n).padStart(2, '0');

// rfc3339 writes a Date in local time with the browser's offset.
export function rfc3339(d) {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const a = Math.abs(off);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

// isoWeek names the ISO week of a date: {year, week, monday (local midnight)}.
export function isoWeek(date) {
  const d = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  const day = (d.getDay() + 6) % 7; // Monday 0
  const monday = new Date(d);
  monday.setDate(d.getDate() - day);
  const thursday = new Date(monday);
  thursday.setDate(monday.getDate() + 3);
  const year = thursday.getFullYear();
  const jan4 = new Date(year, 0, 4);
  const week1 = new Date(jan4);
  week1.setDate(jan4.getDate() - ((jan4.getDay() + 6) % 7));
  const week = 1 + Math.round((monday - week1) / (7 * 86400e3));
  return { year, week, monday, label: `${year}-W${pad(week)}` };
}

// weeksOf lists the ISO weeks that overlap the last `days` days, oldest first.
export function weeksOf(days, now = new Date()) {
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate() - days);
  const out = [];
  for (let w = isoWeek(start); w.monday <= now; w = isoWeek(new Date(w.monday.getFullYear(), w.monday.getMonth(), w.monday.getDate() + 7))) {
    out.push(w);
  }
  return { start, weeks: out };
}

// monthDay writes a date as MM-DD.
export const monthDay = (d) => `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
