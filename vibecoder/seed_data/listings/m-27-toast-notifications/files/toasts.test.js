const test = require("node:test");
const assert = require("node:assert");
const { ToastQueue } = require("./toasts.js");

test("dedupes and counts", () => {
  const q = new ToastQueue({ now: () => 0 });
  q.push("Saved"); q.push("Saved");
  assert.deepStrictEqual(q.visible().map((t) => t.count), [1 + 1]);
});

test("errors stay and come first", () => {
  let t = 0;
  const q = new ToastQueue({ now: () => t });
  q.push("hi"); q.push("boom", "error");
  assert.strictEqual(q.visible()[0].kind, "error");
  t = 100000;
  assert.deepStrictEqual(q.visible().map((x) => x.message), ["boom"]);
});
