const test = require("node:test");
const assert = require("node:assert");
const { slideRow, move, canMove } = require("./engine.js");

test("merges once per move, left to right", () => {
  assert.deepStrictEqual(slideRow([2, 2, 2, 2]), { row: [4, 4, 0, 0], score: 8 });
  assert.deepStrictEqual(slideRow([4, 0, 4, 8]).row, [8, 8, 0, 0]);
});

test("moving up transposes correctly", () => {
  const b = [[2, 0, 0, 0], [2, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];
  assert.strictEqual(move(b, "up").board[0][0], 4);
});

test("a full board without pairs is game over", () => {
  assert.strictEqual(canMove([[2, 4, 2, 4], [4, 2, 4, 2], [2, 4, 2, 4], [4, 2, 4, 2]]), false);
});
