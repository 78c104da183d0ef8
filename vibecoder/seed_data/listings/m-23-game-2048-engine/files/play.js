"use strict";
const { move, spawn, canMove, seeded } = require("./engine.js");

const random = seeded(2048);
let board = spawn(spawn([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], random), random);
let score = 0;
let turns = 0;
const order = ["left", "down", "right", "down"];
while (canMove(board) && turns < 200) {
  const dir = order.find((d) => move(board, d).moved) || "up";
  const result = move(board, dir);
  score += result.score;
  board = spawn(result.board, random);
  turns++;
}
console.log(board.map((r) => r.map((v) => String(v || ".").padStart(5)).join("")).join("\n"));
console.log(`score ${score} after ${turns} moves`);
