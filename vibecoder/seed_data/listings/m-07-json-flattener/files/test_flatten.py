from flatten import flatten, unflatten

DOC = {"user": {"name": "Ana", "tags": ["a", "b"]}, "active": True, "empty": {}}


def test_flatten_uses_dotted_keys():
    assert flatten(DOC) == {"user.name": "Ana", "user.tags.0": "a", "user.tags.1": "b", "active": True, "empty": {}}


def test_round_trip():
    assert unflatten(flatten(DOC)) == DOC
