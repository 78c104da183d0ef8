"""A seller with seeded sales opens /dashboard: the revenue chart and the right net total; a new
sale made by a buyer in another browser appears without a reload; others are refused.

The seeded seller `lukasplays` sells nothing in the other e2e tests, so their numbers are only
what this test writes: analytics events for the last weeks (the rows fulfilment writes), then
one real purchase through the test gateway and the Celery worker.
"""

from __future__ import annotations

import csv
import io
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import text
from sqlmodel import Session

from tests.e2e.conftest import ARTIFACTS, sign_in, wait_for_app
from vibecoder.domain.accounts import auth

PASSWORD = "amber-lighthouse-2026"
SELLER_EMAIL = "lukas.weber@example.com"


def _sign_in(page, live_app, email: str, next_path: str) -> None:
    sign_in(page, live_app, email, PASSWORD, next_path)


def _seed_sales(live_app) -> None:
    now = datetime.now(UTC)
    with live_app.engine.begin() as conn:
        seller_id, listing_id = conn.execute(
            text("select l.seller_id, l.id from listings l where l.slug = 'game-2048-engine'")
        ).one()
        events = [
            ("purchase", 800, now - timedelta(days=1)),
            ("purchase", 800, now - timedelta(days=3)),
            ("purchase", 800, now - timedelta(days=10)),
            ("refund", 800, now - timedelta(days=2)),
            ("purchase", 800, now - timedelta(days=60)),  # before the 30-day range
        ] + [("view", 0, now - timedelta(days=d % 20, hours=1)) for d in range(40)]
        for kind, amount, at in events:
            conn.execute(
                text(
                    "insert into analytics_events "
                    "(kind, listing_id, seller_id, amount_cents, currency, created_at) "
                    "values (:k, :l, :s, :a, 'usd', :t)"
                ),
                {"k": kind, "l": listing_id, "s": seller_id, "a": amount, "t": at},
            )


def _wait_for_view(live_app, utm_source: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with live_app.engine.connect() as conn:
            if conn.execute(
                text("select 1 from analytics_events where kind = 'view' and utm_source = :u"),
                {"u": utm_source},
            ).first():
                return
        time.sleep(0.3)
    raise AssertionError(f"no view with utm_source={utm_source} was recorded")


def test_dashboard_shows_seeded_revenue_and_updates_live(browser, page, live_app):
    buyer_email = f"fan-{uuid.uuid4().hex[:8]}@example.com"
    with Session(live_app.engine) as session:
        auth.register(session=session, email=buyer_email, password=PASSWORD)
        session.execute(
            text("update users set password_hash = :h where email = :e"),
            {"h": auth.hash_password(PASSWORD), "e": SELLER_EMAIL},
        )
        session.commit()
    _seed_sales(live_app)

    # --- the seller's dashboard: 3 sales of $8, one refunded, in the last 30 days -----------
    _sign_in(page, live_app, SELLER_EMAIL, "/dashboard")
    expect(page.locator("#revenue-total")).to_have_text("$16")
    expect(page.locator("#card-sales .metric-value")).to_have_text("3")
    expect(page.locator("#card-refunds .metric-value")).to_have_text("1")
    chart = page.locator("#revenue-chart")
    expect(chart.locator(".recharts-surface").first).to_be_visible()
    expect(chart.locator(".recharts-area-area")).to_have_count(1)
    expect(chart.locator(".recharts-bar-rectangle").first).to_be_attached()
    expect(page.locator("#listings-table")).to_contain_text("2048 Engine")
    expect(page.locator("#nav-dashboard")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

    # The 90-day range includes the older sale; the chart's total follows the range.
    page.get_by_role("radio", name="90 days").click()
    expect(page.locator("#revenue-total")).to_have_text("$24")
    page.get_by_role("radio", name="30 days").click()
    expect(page.locator("#revenue-total")).to_have_text("$16")

    # --- a buyer in another browser pays for snake-engine ($6); the dashboard follows -------
    buyer = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
    # They arrive from a newsletter link: the view keeps the referrer host and utm_source.
    buyer.goto(
        f"{live_app.frontend_url}/listing/snake-engine?utm_source=spring-news",
        referer="https://news.example.org/issue/12",
    )
    wait_for_app(buyer)
    # The page reports its referrer in a second event after it loaded: let it arrive before
    # the buyer clicks on (a visitor who leaves within that moment is not counted).
    _wait_for_view(live_app, "spring-news")
    _sign_in(buyer, live_app, buyer_email, "/listing/snake-engine")
    buyer.locator("#buy-button").click()
    buyer.wait_for_url(re.compile(r".*/api/checkout/dummy/cs_dummy_\w+$"))
    buyer.fill("#card-number", "4242 4242 4242 4242")
    buyer.click("#pay-button")
    buyer.wait_for_url(re.compile(r".*/library\?purchase=\d+$"))
    buyer.context.close()
    expect(page.locator("#revenue-total")).to_have_text("$22", timeout=30_000)
    expect(page.locator("#live-badge")).to_have_text("New sale")
    expect(page.locator("#card-sales .metric-value")).to_have_text("4")
    page.screenshot(path=str(ARTIFACTS / "dashboard-live.png"), full_page=True)

    # The newsletter view (recorded by the worker) shows under traffic sources.
    _wait_for_view(live_app, "spring-news")
    page.reload()
    wait_for_app(page)
    expect(page.locator("#referrers")).to_contain_text("news.example.org")
    expect(page.locator("#utm-sources")).to_contain_text("spring-news")

    # --- the timezone setting: an unknown zone is refused, a real one applies ---------------
    page.fill("#tz-input", "Mars/Olympus_Mons")
    page.click("#tz-save")
    expect(page.locator("#tz-message")).to_contain_text("Choose a timezone")
    expect(page.locator("#range-label")).to_contain_text("Europe/Berlin")
    page.fill("#tz-input", "Asia/Tokyo")
    page.click("#tz-save")
    expect(page.locator("#tz-message")).to_contain_text("Days are now counted in Asia/Tokyo")
    expect(page.locator("#range-label")).to_contain_text("Asia/Tokyo")
    expect(page.locator("#revenue-total")).to_have_text("$22")

    # --- the sales CSV on the payouts page holds the new order -------------------------------
    page.goto(f"{live_app.frontend_url}/sell/payouts")
    wait_for_app(page)
    with page.expect_download() as download_info:
        page.click("#export-sales")
    rows = list(csv.DictReader(io.StringIO(Path(download_info.value.path()).read_text())))
    assert [
        (r["amount"], r["status"])
        for r in rows
        if r["listing_slug"] == "snake-engine" and r["buyer"].startswith("fan-")
    ] == [("6.00", "paid")]

    # --- one listing's page; another seller's listing is refused ------------------------------
    page.goto(f"{live_app.frontend_url}/dashboard/listings/game-2048-engine")
    wait_for_app(page)
    expect(page.locator("#revenue-total")).to_have_text("$16")
    page.goto(f"{live_app.frontend_url}/dashboard/listings/csv-dedupe")
    wait_for_app(page)
    expect(page.locator("#refused")).to_contain_text("not one of yours")
    expect(page.locator("#revenue-total")).to_have_count(0)

    # --- readable on a phone ------------------------------------------------------------------
    page.goto(f"{live_app.frontend_url}/dashboard")
    page.set_viewport_size({"width": 375, "height": 812})
    wait_for_app(page)
    expect(page.locator("#revenue-total")).to_have_text("$22")
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(ARTIFACTS / "dashboard-mobile.png"), full_page=True)
    assert width <= 375, f"the dashboard scrolls sideways on a phone ({width}px)"


def test_dashboard_refuses_buyers_at_the_server(page, live_app):
    email = f"just-buying-{uuid.uuid4().hex[:8]}@example.com"
    with Session(live_app.engine) as session:
        auth.register(session=session, email=email, password=PASSWORD)
        session.commit()
    _sign_in(page, live_app, email, "/dashboard")
    expect(page.locator("#refused")).to_contain_text("for sellers")
    expect(page.locator("#metric-cards")).to_have_count(0)
    expect(page.locator("#nav-dashboard")).to_have_count(0)
