from evals import compare, score

CASES = [{"id": "a", "check": "exact", "expected": "yes"}, {"id": "b", "check": "json_field", "expected": "x.y=1"}]


def test_scoring():
    assert score(CASES, [" yes ", '{"x": {"y": 1}}'])["rate"] == 1.0
    assert score(CASES, ["no", "not json"])["passed"] == 0


def test_compare_reports_flips():
    assert compare(CASES, ["yes", "{}"], ["no", '{"x": {"y": 1}}'])["changed"] == ["a", "b"]
