from datetime import datetime

import pytest

from cronx import describe, expand, next_runs


def test_expand_ranges_steps_and_lists():
    assert expand("*/20", 0, 59) == [0, 20, 40]
    assert expand("1-3,5", 0, 6) == [1, 2, 3, 5]


def test_describe_business_hours():
    assert describe("*/15 9-17 * * 1-5") == (
        "every 15 minutes, between 09:00 and 17:59, on Monday, Tuesday, Wednesday, Thursday, Friday"
    )


def test_next_runs_skip_weekend():
    runs = next_runs("0 9 * * 1-5", datetime(2026, 11, 21, 10, 0), count=2)  # a Saturday
    assert [r.strftime("%a %H:%M") for r in runs] == ["Mon 09:00", "Tue 09:00"]


def test_rejects_out_of_range():
    with pytest.raises(ValueError):
        expand("61", 0, 59)
