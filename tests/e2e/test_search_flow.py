"""A visitor describes what they want in their own words and finds it, with why it matched."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect
from sqlalchemy import text

from tests.e2e.conftest import ARTIFACTS, wait_for_app


def _wait_for_embeddings(live_app, timeout: float = 120) -> None:
    # The seed queued one embedding task per listing; the app's worker computes them. Drafts
    # other tests leave behind (e.g. "Sell this") are embedded when published, not before.
    deadline = time.monotonic() + timeout
    missing = None
    while time.monotonic() < deadline:
        with live_app.engine.connect() as conn:
            missing = conn.execute(
                text(
                    "SELECT count(*) FROM listings WHERE embedding IS NULL AND status = 'published'"
                )
            ).scalar_one()
        if missing == 0:
            return
        time.sleep(0.5)
    raise AssertionError(f"{missing} listings still without embeddings\n{live_app.log_tail()}")


def test_visitor_finds_listings_by_meaning_as_they_type(page, live_app):
    _wait_for_embeddings(live_app)
    page.goto(live_app.frontend_url + "/search")
    wait_for_app(page)
    # Empty box: suggestions instead of a blank page.
    expect(page.locator("#search-suggestions")).to_be_visible()

    page.fill("#search-input", "something to rename my holiday pictures")
    # Other e2e tests share this database and may list their own photo tools, so the seeded
    # match must be among the first results rather than necessarily the first.
    top = page.locator("#search-results .listing-card").filter(has_text="Exif Date Renamer")
    expect(top).to_have_count(1, timeout=30_000)
    position = page.locator("#search-results .listing-card").evaluate_all(
        "cards => cards.findIndex(c => c.textContent.includes('Exif Date Renamer'))"
    )
    assert 0 <= position < 3, position
    expect(top.locator(".match-reasons")).to_contain_text("similar meaning")
    assert "q=something" in page.url  # shareable address

    # A filter that excludes the match leaves the empty state with suggestions.
    page.locator("#filter-category").click()
    page.get_by_role("option", name="Games").click()
    expect(page.locator("#no-results")).to_be_visible(timeout=15_000)
    page.get_by_role("button", name="Clear filters").first.click()
    expect(top).to_have_count(1, timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "search-results.png"), full_page=True)

    # The listing page suggests neighbours, never itself.
    top.click()
    expect(page.locator("#listing-title")).to_have_text("Exif Date Renamer", timeout=30_000)
    similar = page.locator("#similar-listings")
    expect(similar).to_be_visible(timeout=15_000)
    expect(similar).not_to_contain_text("Exif Date Renamer")


def test_navbar_search_box_opens_the_search_page(page, live_app):
    page.goto(live_app.frontend_url + "/")
    wait_for_app(page)
    box = page.get_by_role("textbox", name="Search listings").first
    box.fill("verify webhook signatures")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=verify"), timeout=30_000)
    expect(page.locator("#search-results .listing-card").first).to_contain_text(
        "Webhook Signature Verifier", timeout=30_000
    )
