const test = require("node:test");
const assert = require("node:assert");
const { fit } = require("./memory.js");

const sys = { role: "system", content: "be nice" };
const turn = (i) => [{ role: "user", content: "q".repeat(40) + i }, { role: "assistant", content: "a".repeat(40) + i }];

test("keeps the newest pairs and summarises the rest", () => {
  const out = fit([sys, ...turn(1), ...turn(2), ...turn(3)], 70);
  assert.strictEqual(out[0], sys);
  assert.match(out[1].content, /^Earlier: /);
  assert.ok(out.at(-1).content.endsWith("3"));
  assert.strictEqual(out.filter((m) => m.role === "user").length, out.filter((m) => m.role === "assistant").length);
});

test("refuses an impossible budget", () => {
  assert.throws(() => fit([sys], 1), RangeError);
});
