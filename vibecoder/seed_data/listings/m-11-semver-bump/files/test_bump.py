import pytest

from bump import bump, bump_kind


def test_kinds():
    assert bump_kind(["fix: a", "feat: b"]) == "minor"
    assert bump_kind(["refactor!: drop py3.8"]) == "major"
    assert bump_kind(["docs: only"]) is None


def test_bump_rules_including_zero_major():
    assert bump("1.4.2", "minor") == "1.5.0"
    assert bump("0.3.1", "major") == "0.4.0"
    with pytest.raises(ValueError):
        bump("v1", "patch")
