const test = require("node:test");
const assert = require("node:assert");
const { lint } = require("./commitlint.js");

test("accepts conventional commits", () => {
  assert.deepStrictEqual(lint("feat(api): add pagination"), []);
  assert.deepStrictEqual(lint("fix!: drop node 18\n\nBREAKING CHANGE: needs node 20"), []);
});

test("suggests a fix for free-form messages", () => {
  assert.match(lint("Fixed the bug.")[0], /e\.g\. "fix: fixed the bug"/);
});

test("style rules", () => {
  assert.deepStrictEqual(lint("feat: Add thing."), ["subject should not end with a period", "subject should start lowercase"]);
});
