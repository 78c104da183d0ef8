const test = require("node:test");
const assert = require("node:assert");
const { Standup } = require("./standup.js");

test("nudges only incomplete members", () => {
  const s = new Standup(["a", "b"]);
  ["x", "y", "none"].forEach((t, i) => s.answer("a", i, t));
  assert.deepStrictEqual(s.toNudge(), ["b"]);
});

test("blockers are flagged in the digest", () => {
  const s = new Standup(["a"]);
  s.answer("a", 2, "CI is red");
  assert.match(s.digest(), /needs help/);
});

test("unknown members are rejected", () => {
  assert.throws(() => new Standup(["a"]).answer("z", 0, "hi"), /not on this team/);
});
