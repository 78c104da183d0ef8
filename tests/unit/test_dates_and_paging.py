"""The one date formatter and the one page arithmetic every list uses."""

from __future__ import annotations

from datetime import UTC, datetime

from vibecoder.domain import dates
from vibecoder.domain.paging import page_count, page_offset, paging


def test_a_late_evening_sale_in_berlin_is_listed_on_berlins_day():
    at = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    assert dates.local(at, dates.zone("Europe/Berlin")) == "2026-03-02 00:30"
    assert dates.local(at, None, dates.DATE) == "2026-03-01"


def test_naive_timestamps_read_as_utc_and_missing_ones_show_the_placeholder():
    assert dates.local(datetime(2026, 7, 1, 12, 0), dates.zone("America/New_York")) == (
        "2026-07-01 08:00"
    )
    assert dates.local(None, dates.zone("UTC"), empty="never") == "never"


def test_an_unknown_zone_falls_back_to_utc():
    assert dates.zone("Mars/Olympus_Mons").key == "UTC"
    assert dates.zone("").key == "UTC"


def test_pages_of_a_list():
    assert page_count(0, 10) == 1  # an empty list still has its (empty) first page
    assert page_count(10, 10) == 1
    assert page_count(11, 10) == 2
    assert page_offset(3, 12) == 24
    assert page_offset(0, 12) == 0
    # A stale link past the end shows the last page, not "page 7 of 3".
    at = paging(total=25, page=7, page_size=10)
    assert (at.page, at.pages, at.offset, at.limit) == (3, 3, 20, 10)
