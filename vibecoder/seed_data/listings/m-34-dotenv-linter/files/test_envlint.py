from envlint import compare, parse


def test_problems_are_found():
    _, problems = parse("OK=1\nok=2\nbad key=3\nQ=\"open\nNOEQUALS")
    messages = " ".join(m for _, m in problems)
    assert "duplicate key ok" in messages
    assert "UPPER_SNAKE_CASE" in messages
    assert "unterminated quote" in messages
    assert "missing '='" in messages


def test_compare_with_example():
    entries, _ = parse("A=1\nB=2")
    assert compare(entries, ["A", "C"]) == (["C"], ["B"])
