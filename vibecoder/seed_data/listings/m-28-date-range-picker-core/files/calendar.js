"use strict";
// UTC-safe calendar helpers for a date range picker.

const DAY = 86400000;
const iso = (d) => d.toISOString().slice(0, 10);
const parse = (s) => { const d = new Date(`${s}T00:00:00Z`); if (isNaN(d)) throw new RangeError(`bad date ${s}`); return d; };

function monthGrid(year, month, weekStartsOn = 1) {
  const first = new Date(Date.UTC(year, month, 1));
  const offset = (first.getUTCDay() - weekStartsOn + 7) % 7;
  const start = new Date(first.getTime() - offset * DAY);
  return Array.from({ length: 6 }, (_, w) =>
    Array.from({ length: 7 }, (_, d) => {
      const date = new Date(start.getTime() + (w * 7 + d) * DAY);
      return { date: iso(date), inMonth: date.getUTCMonth() === month };
    }));
}

function preset(name, today) {
  const end = parse(today);
  const days = { "last 7 days": 7, "last 30 days": 30, "last 90 days": 90 }[name];
  if (days) return { start: iso(new Date(end.getTime() - (days - 1) * DAY)), end: today };
  if (name === "this month") return { start: today.slice(0, 8) + "01", end: today };
  throw new RangeError(`unknown preset ${name}`);
}

function selectable(date, { min, max, disabled = [] } = {}) {
  return (!min || date >= min) && (!max || date <= max) && !disabled.includes(date);
}

function select(range, date) {
  if (!range.start || range.end) return { start: date, end: null };
  return date < range.start ? { start: date, end: range.start } : { start: range.start, end: date };
}

module.exports = { monthGrid, preset, selectable, select };

if (require.main === module) {
  const grid = monthGrid(2026, 10);
  console.log("November 2026 (Mon first):");
  for (const week of grid) console.log(week.map((c) => (c.inMonth ? c.date.slice(8) : "  ")).join(" "));
  console.log(preset("last 30 days", "2026-11-23"));
}
