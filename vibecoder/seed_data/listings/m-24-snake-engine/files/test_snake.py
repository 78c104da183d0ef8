from snake import Snake


def test_wall_collision_kills():
    game = Snake(width=4, height=3)
    for _ in range(3):
        game.tick()
    assert not game.alive


def test_cannot_reverse_into_itself():
    game = Snake()
    game.turn("left")
    assert game.direction == "right"


def test_eating_grows_and_scores():
    game = Snake()
    game.food = (3, game.height // 2)
    game.tick()
    assert game.score == 1 and len(game.body) == 4
