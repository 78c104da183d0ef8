"""Tic-tac-toe with a perfect minimax player."""

import sys
from functools import lru_cache

LINES = [(0, 1, 2), (3, 4, 5), (6, 7, 8), (0, 3, 6), (1, 4, 7), (2, 5, 8), (0, 4, 8), (2, 4, 6)]


def winner(board):
    for a, b, c in LINES:
        if board[a] != "." and board[a] == board[b] == board[c]:
            return board[a]
    return "draw" if "." not in board else None


@lru_cache(maxsize=None)
def minimax(board, player):
    """Score from X's point of view and the best move for `player`."""
    result = winner(board)
    if result:
        return {"X": 1, "O": -1, "draw": 0}[result], None
    best = (-2, None) if player == "X" else (2, None)
    for move in (i for i, cell in enumerate(board) if cell == "."):
        score, _ = minimax(board[:move] + player + board[move + 1:], "O" if player == "X" else "X")
        if (player == "X" and score > best[0]) or (player == "O" and score < best[0]):
            best = (score, move)
    return best


def best_move(board, player):
    return minimax(board, player)[1]


def show(board):
    return "\n".join(" ".join(board[r * 3:r * 3 + 3]) for r in range(3))


if __name__ == "__main__":
    board, player = "." * 9, "X"
    while not winner(board):
        move = best_move(board, player)
        board = board[:move] + player + board[move + 1:]
        player = "O" if player == "X" else "X"
    print(show(board))
    print("result:", winner(board), "(perfect play always draws)")
