from tictactoe import best_move, winner


def test_takes_the_win():
    assert best_move("XX.OO....", "X") == 2


def test_blocks_the_threat():
    assert best_move("OO.X.X...", "X") == 2


def test_perfect_selfplay_draws():
    board, player = "." * 9, "X"
    while not winner(board):
        move = best_move(board, player)
        board = board[:move] + player + board[move + 1:]
        player = "O" if player == "X" else "X"
    assert winner(board) == "draw"
