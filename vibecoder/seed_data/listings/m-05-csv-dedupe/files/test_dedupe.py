import pytest

from dedupe import dedupe

ROWS = [
    {"email": "ana@example.com", "updated": "2026-01-01"},
    {"email": " ANA@example.com", "updated": "2026-03-01"},
    {"email": "bo@example.com", "updated": "2026-02-01"},
]


def test_keeps_first_by_default():
    assert [r["updated"] for r in dedupe(ROWS, ["email"])] == ["2026-01-01", "2026-02-01"]


def test_newest_by_column():
    assert dedupe(ROWS, ["email"], newest_by="updated")[0]["updated"] == "2026-03-01"


def test_missing_key_column():
    with pytest.raises(KeyError):
        dedupe(ROWS, ["phone"])
