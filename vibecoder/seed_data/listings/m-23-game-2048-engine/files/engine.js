"use strict";
// 2048 rules as pure functions on a 4x4 array of numbers (0 = empty).

function slideRow(row) {
  const tiles = row.filter(Boolean);
  const out = [];
  let score = 0;
  for (let i = 0; i < tiles.length; i++) {
    if (tiles[i] === tiles[i + 1]) { out.push(tiles[i] * 2); score += tiles[i] * 2; i++; }
    else out.push(tiles[i]);
  }
  while (out.length < 4) out.push(0);
  return { row: out, score };
}

const transpose = (b) => b[0].map((_, c) => b.map((r) => r[c]));
const reverse = (b) => b.map((r) => [...r].reverse());

function move(board, direction) {
  let b = board;
  if (direction === "up" || direction === "down") b = transpose(b);
  if (direction === "right" || direction === "down") b = reverse(b);
  let score = 0;
  b = b.map((r) => { const s = slideRow(r); score += s.score; return s.row; });
  if (direction === "right" || direction === "down") b = reverse(b);
  if (direction === "up" || direction === "down") b = transpose(b);
  return { board: b, score, moved: JSON.stringify(b) !== JSON.stringify(board) };
}

function spawn(board, random = Math.random) {
  const empty = [];
  board.forEach((r, y) => r.forEach((v, x) => v || empty.push([y, x])));
  if (!empty.length) return board;
  const [y, x] = empty[Math.floor(random() * empty.length)];
  const next = board.map((r) => [...r]);
  next[y][x] = random() < 0.9 ? 2 : 4;
  return next;
}

const canMove = (b) => ["left", "right", "up", "down"].some((d) => move(b, d).moved);
const won = (b) => b.some((r) => r.includes(2048));

function seeded(seed) {
  return () => ((seed = (seed * 1664525 + 1013904223) % 4294967296) / 4294967296);
}

module.exports = { slideRow, move, spawn, canMove, won, seeded };
