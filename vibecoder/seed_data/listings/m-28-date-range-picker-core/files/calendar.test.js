const test = require("node:test");
const assert = require("node:assert");
const { monthGrid, preset, select } = require("./calendar.js");

test("grid starts on Monday and covers the month", () => {
  const grid = monthGrid(2026, 10);
  assert.strictEqual(grid[0][0].date, "2026-10-26");
  assert.ok(grid.flat().filter((c) => c.inMonth).length === 30);
});

test("presets are inclusive", () => {
  assert.deepStrictEqual(preset("last 7 days", "2026-11-23"), { start: "2026-11-17", end: "2026-11-23" });
});

test("selecting an earlier end swaps the range", () => {
  assert.deepStrictEqual(select({ start: "2026-11-10", end: null }, "2026-11-02"), { start: "2026-11-02", end: "2026-11-10" });
});
