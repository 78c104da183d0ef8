from life import from_rle, step


def test_blinker_oscillates():
    blinker = {(0, 1), (1, 1), (2, 1)}
    assert step(step(blinker)) == blinker and step(blinker) == {(1, 0), (1, 1), (1, 2)}


def test_glider_moves_diagonally():
    glider = from_rle("bob$2bo$3o!")
    later = glider
    for _ in range(4):
        later = step(later)
    assert later == {(x + 1, y + 1) for x, y in glider}


def test_wraparound():
    assert len(step({(0, 0), (0, 1), (0, 2)}, wrap=(3, 3))) > 0
