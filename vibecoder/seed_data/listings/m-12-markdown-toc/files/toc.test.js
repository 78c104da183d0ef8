const test = require("node:test");
const assert = require("node:assert");
const { toc, slugify } = require("./toc.js");

test("nested headings become a nested list", () => {
  assert.strictEqual(toc("## A\n### B c\n## D"), "- [A](#a)\n  - [B c](#b-c)\n- [D](#d)");
});

test("duplicate headings get numbered anchors", () => {
  const seen = new Map();
  assert.deepStrictEqual([slugify("Notes", seen), slugify("Notes", seen)], ["notes", "notes-1"]);
});

test("headings inside code fences are ignored", () => {
  assert.strictEqual(toc("```\n## not a heading\n```\n## Real"), "- [Real](#real)");
});
