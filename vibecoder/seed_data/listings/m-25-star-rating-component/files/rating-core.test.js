const test = require("node:test");
const assert = require("node:assert");
const { clamp, keyToValue, stars } = require("./rating-core.js");

test("values snap to half steps within range", () => {
  assert.strictEqual(clamp(3.3, 5, 0.5), 3.5);
  assert.strictEqual(clamp(9, 5, 0.5), 5);
  assert.strictEqual(clamp("nope", 5, 0.5), 0);
});

test("keyboard follows the ARIA slider pattern", () => {
  assert.strictEqual(keyToValue("ArrowRight", 3, 5, 0.5), 3.5);
  assert.strictEqual(keyToValue("Home", 3, 5, 0.5), 0);
  assert.strictEqual(keyToValue("End", 3, 5, 0.5), 5);
});

test("half stars render", () => {
  assert.deepStrictEqual(stars(2.5, 4), ["full", "full", "half", "empty"]);
});
