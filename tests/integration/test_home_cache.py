"""The home page's listings are shared by every visitor and reused for `home_cache_seconds` per
process: a busy hour computes them once per interval, and a new listing still shows within it."""

from __future__ import annotations

import time

from tests.fakes.commerce import configured, make_user, publish
from vibecoder.domain.catalog.home import forget_home_page, home_page
from vibecoder.models.users import Role


def _newest_titles(db) -> list[str]:
    _, view = home_page(session=db)
    return [card.title for card in view.newest]


def test_a_new_listing_shows_once_the_interval_has_passed(db):
    seller = make_user(db, "seller@example.com", Role.seller)
    publish(db, seller, title="First shelf")
    forget_home_page()
    try:
        with configured(VIBECODER_HOME_CACHE_SECONDS="0.5"):
            assert "First shelf" in _newest_titles(db)
            publish(db, seller, title="Second shelf")
            # Within the interval every visitor gets the same page, computed once.
            assert "Second shelf" not in _newest_titles(db)
            time.sleep(0.6)
            assert _newest_titles(db)[0] == "Second shelf"
    finally:
        forget_home_page()


def test_without_a_cache_every_visit_reads_the_catalog(db):
    seller = make_user(db, "seller@example.com", Role.seller)
    forget_home_page()
    with configured(VIBECODER_HOME_CACHE_SECONDS="0"):
        publish(db, seller, title="Only shelf")
        assert _newest_titles(db) == ["Only shelf"]
        publish(db, seller, title="Next shelf")
        assert _newest_titles(db)[0] == "Next shelf"


def test_a_visitor_changing_their_copy_changes_nobody_elses(db):
    seller = make_user(db, "seller@example.com", Role.seller)
    publish(db, seller, title="Shared shelf")
    forget_home_page()
    try:
        with configured(VIBECODER_HOME_CACHE_SECONDS="30"):
            featured, view = home_page(session=db)
            featured.clear()
            view.newest.clear()
            again_featured, again = home_page(session=db)
            assert again_featured and [c.title for c in again.newest] == ["Shared shelf"]
    finally:
        forget_home_page()
