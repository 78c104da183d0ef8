"""Seller analytics: known event sets in, the dashboard's numbers out; rollups; access; CSV.

Events are written straight into analytics_events with chosen timestamps (the same rows the
app writes), so bucket edges, DST days and refunds are exact.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select
from starlette.testclient import TestClient

from tests.conftest import wait_for
from tests.fakes.commerce import (
    api_fixture,  # noqa: F401 - the `api` fixture
    post_event,
    process_all,
    publish,
    stripe_fake_fixture,  # noqa: F401 - the `stripe_fake` fixture
)
from tests.fakes.stripe_server import event
from vibecoder.domain.accounts import auth
from vibecoder.domain.analytics.live import channel
from vibecoder.domain.analytics.rollup import rollup_seller, set_timezone
from vibecoder.domain.analytics.scope import resolve_range, scope_for
from vibecoder.domain.analytics.seller import dashboard, listings_table
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.catalog import reviews
from vibecoder.domain.commerce import ledger
from vibecoder.errors import PermissionDenied, ValidationFailed
from vibecoder.models.analytics import AnalyticsEvent, AnalyticsRollupState
from vibecoder.models.commerce import Purchase
from vibecoder.models.users import Profile, Role

PASSWORD = "tangerine-bicycle-42"
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # a Friday afternoon


def make_user(db, email, role=Role.seller):
    user = auth.register(session=db, email=email, password=PASSWORD, role=role)
    db.commit()
    return user


def make_listing(db, seller, title="CSV Deduper", price=900, currency="usd"):
    listing = catalog.create_listing(
        session=db,
        seller=seller,
        data={
            "title": title,
            "summary": "Remove duplicate rows.",
            "category": "Data scripts",
            "pricing_model": "one_time",
            "price_cents": price,
            "currency": currency,
        },
    )
    db.commit()
    return listing


def add(db, listing, kind, at, amount=0, referrer=None, utm=None, currency="usd"):
    db.add(
        AnalyticsEvent(
            kind=kind,
            listing_id=listing.id,
            seller_id=listing.seller_id,
            amount_cents=amount,
            currency=currency,
            referrer=referrer,
            utm_source=utm,
            created_at=at,
        )
    )


def set_tz(db, user, name):
    profile = db.get(Profile, user.id)
    profile.timezone = name
    db.add(profile)
    db.commit()


def card(board, key):
    return next(c for c in board.cards if c.key == key)


def point(board, day: str):
    return next(p for p in board.series if p.label == day)


def both_ways(db, seller, **kwargs):
    """The dashboard from raw events, then from rollups; they must agree."""
    raw = dashboard(session=db, seller=seller, now=NOW, **kwargs)
    rollup_seller(session=db, seller_id=seller.id, now=NOW)
    db.commit()
    rolled = dashboard(session=db, seller=seller, now=NOW, **kwargs)
    assert rolled == raw
    return rolled


# --- aggregation -------------------------------------------------------------------------------


def test_midnight_edges_in_utc(db):
    seller = make_user(db, "s@example.com")
    listing = make_listing(db, seller)
    add(db, listing, "purchase", datetime(2026, 11, 17, 23, 59, 59, tzinfo=UTC), 900)
    add(db, listing, "purchase", datetime(2026, 11, 18, 0, 0, 0, tzinfo=UTC), 900)
    add(db, listing, "view", datetime(2026, 11, 18, 0, 0, 0, tzinfo=UTC))
    # Just outside the 7-day range (it starts 2026-11-14 00:00).
    add(db, listing, "purchase", datetime(2026, 11, 13, 23, 59, 59, tzinfo=UTC), 500)
    db.commit()
    board = both_ways(db, seller, range_key="7d")
    assert (board.start, board.end) == ("2026-11-14", "2026-11-20")
    assert len(board.series) == 7
    assert point(board, "2026-11-17").sales == 1 and point(board, "2026-11-17").revenue == 9.0
    assert point(board, "2026-11-18").sales == 1 and point(board, "2026-11-18").views == 1
    assert board.revenue_total == "$18" and board.sales_total == 2
    # The $5 sale of the 13th is the previous period: revenue doubled, sales went 1 → 2.
    assert card(board, "revenue").change == "+260%"
    assert card(board, "sales").change == "+100%"


def test_new_york_days_across_the_dst_change(db):
    """2026-11-01 in New York lasts 25 hours (EDT → EST); its events stay on that day."""
    seller = make_user(db, "ny@example.com")
    set_tz(db, seller, "America/New_York")
    listing = make_listing(db, seller)
    add(db, listing, "purchase", datetime(2026, 11, 1, 3, 59, tzinfo=UTC), 100)  # Oct 31 23:59 EDT
    add(db, listing, "purchase", datetime(2026, 11, 1, 4, 0, tzinfo=UTC), 200)  # Nov 1 00:00 EDT
    add(db, listing, "purchase", datetime(2026, 11, 2, 4, 30, tzinfo=UTC), 400)  # Nov 1 23:30 EST
    add(db, listing, "purchase", datetime(2026, 11, 2, 5, 0, tzinfo=UTC), 800)  # Nov 2 00:00 EST
    db.commit()
    board = both_ways(db, seller, range_key="custom", start="2026-10-31", end="2026-11-02")
    assert board.timezone == "America/New_York"
    assert [(p.label, p.revenue) for p in board.series] == [
        ("2026-10-31", 1.0),
        ("2026-11-01", 6.0),
        ("2026-11-02", 8.0),
    ]
    # The same events read in UTC land on other days.
    set_tz(db, seller, "UTC")
    utc = dashboard(
        session=db, seller=seller, now=NOW, range_key="custom", start="2026-10-31", end="2026-11-02"
    )
    assert [p.revenue for p in utc.series] == [0.0, 3.0, 12.0]


def test_refunds_are_netted_from_revenue(db):
    seller = make_user(db, "r@example.com")
    listing = make_listing(db, seller)
    day = datetime(2026, 11, 19, 12, tzinfo=UTC)
    for _ in range(3):
        add(db, listing, "purchase", day, 900)
    add(db, listing, "refund", day + timedelta(hours=2), 900)
    add(db, listing, "purchase", day, 2000, currency="eur")  # another currency: not in USD revenue
    db.commit()
    board = both_ways(db, seller, range_key="7d")
    assert card(board, "revenue").value == "$18"
    assert card(board, "sales").value == "4"
    assert card(board, "refunds").value == "1"
    assert point(board, "2026-11-19").revenue == 18.0
    assert board.top[0].revenue_label == "$18"


def test_weekly_buckets_start_on_monday(db):
    seller = make_user(db, "w@example.com")
    listing = make_listing(db, seller)
    add(db, listing, "purchase", datetime(2026, 11, 15, 12, tzinfo=UTC), 100)  # Sunday
    add(db, listing, "purchase", datetime(2026, 11, 16, 12, tzinfo=UTC), 200)  # Monday
    db.commit()
    board = dashboard(
        session=db,
        seller=seller,
        now=NOW,
        range_key="custom",
        start="2026-11-09",
        end="2026-11-20",
        bucket="week",
    )
    assert [(p.label, p.revenue) for p in board.series] == [
        ("2026-11-09", 1.0),
        ("2026-11-16", 2.0),
    ]


def test_empty_range_and_change_without_history(db):
    seller = make_user(db, "e@example.com")
    make_listing(db, seller)
    board = dashboard(session=db, seller=seller, now=NOW, range_key="30d")
    assert len(board.series) == 30 and all(p.revenue == 0 and p.sales == 0 for p in board.series)
    assert board.top == [] and board.referrers == [] and board.utm_sources == []
    assert all(c.change == "—" for c in board.cards)
    assert card(board, "revenue").value == "$0" and card(board, "rating").value == "—"
    assert [s.count for s in board.funnel] == [0, 0, 0, 0, 0, 0]


def test_funnel_conversion_sources_and_rating(db):
    seller = make_user(db, "f@example.com")
    listing = make_listing(db, seller)
    buyer = make_user(db, "b@example.com", role=Role.buyer)
    day = datetime(2026, 11, 19, 9, tzinfo=UTC)
    for i in range(10):
        ref = "https://news.ycombinator.com/item?id=1" if i < 6 else None
        add(db, listing, "view", day, referrer=ref, utm="Newsletter" if i < 3 else None)
    for kind, n in (("sandbox_run", 5), ("checkout_started", 3), ("purchase", 2)):
        for _ in range(n):
            add(db, listing, kind, day, 900 if kind == "purchase" else 0)
    db.add(Purchase(buyer_id=buyer.id, listing_id=listing.id, status="paid", idempotency_key="k1"))
    db.commit()
    review = reviews.upsert_review(
        session=db, buyer=buyer, listing_id=listing.id, rating=4, body="good"
    )
    review.created_at = day  # written inside the range the dashboard looks at
    db.add(review)
    db.commit()
    board = both_ways(db, seller, range_key="7d")
    assert [(s.stage, s.count, s.rate) for s in board.funnel] == [
        ("Views", 10, ""),
        ("Sandbox runs", 5, "50%"),
        ("Checkouts started", 3, "60%"),
        ("Purchases", 2, "67%"),
        # The remix branch: previews as a share of views, purchases as a share of previews.
        ("Variations previewed", 0, "0%"),
        ("Variations → purchase", 0, "—"),
    ]
    assert card(board, "conversion").value == "20.0%"
    assert [(s.name, s.views) for s in board.referrers] == [
        ("news.ycombinator.com", 6),
        ("Direct", 4),
    ]
    assert [(s.name, s.views) for s in board.utm_sources] == [("(none)", 7), ("newsletter", 3)]
    # The review is an event too; the rating card averages the reviews written in the range.
    assert card(board, "rating").value == "4.00 ★"
    kinds = db.exec(select(AnalyticsEvent.kind).where(AnalyticsEvent.kind == "review")).all()
    assert kinds == ["review"]


def test_listings_table_sorts_and_paginates(db):
    seller = make_user(db, "t@example.com")
    listings = [make_listing(db, seller, title=f"Tool {i:02d}") for i in range(12)]
    day = datetime(2026, 11, 19, 9, tzinfo=UTC)
    for i, listing in enumerate(listings):
        for _ in range(i):
            add(db, listing, "view", day)
    add(db, listings[3], "purchase", day, 900)
    db.commit()
    scope = scope_for(session=db, seller=seller)
    rng = resolve_range(key="30d", today=date(2026, 11, 20))
    page1, total = listings_table(session=db, scope=scope, rng=rng, sort="views")
    assert total == 12 and len(page1) == 10
    assert [r.title for r in page1[:2]] == ["Tool 11", "Tool 10"] and page1[0].views == 11
    page2, _ = listings_table(session=db, scope=scope, rng=rng, sort="views", page=2)
    assert [r.title for r in page2] == ["Tool 01", "Tool 00"]
    by_revenue, _ = listings_table(session=db, scope=scope, rng=rng, sort="revenue")
    assert by_revenue[0].title == "Tool 03" and by_revenue[0].revenue == "$9"
    assert by_revenue[0].conversion == "33.3%" and by_revenue[0].status == "draft"
    ascending, _ = listings_table(session=db, scope=scope, rng=rng, sort="title", descending=False)
    assert ascending[0].title == "Tool 00"
    with pytest.raises(ValidationFailed):
        listings_table(session=db, scope=scope, rng=rng, sort="password_hash")


def test_bad_ranges_are_refused_with_a_reason():
    today = date(2026, 11, 20)
    for args, message in (
        ({"key": "custom", "start": "2026-11-10", "end": "2026-11-01"}, "after the end"),
        ({"key": "custom", "start": "2026-11-10", "end": "2026-11-21"}, "future"),
        ({"key": "custom", "start": "2024-01-01", "end": "2026-11-20"}, "366"),
        ({"key": "custom", "start": "yesterday", "end": "2026-11-20"}, "YYYY-MM-DD"),
        ({"key": "5y"}, "custom range"),
    ):
        with pytest.raises(ValidationFailed, match=message):
            resolve_range(today=today, **args)


# --- rollups -----------------------------------------------------------------------------------


def _rollup_rows(db, seller_id):
    return db.execute(
        text(
            "select day, listing_id, kind, currency, events, amount_cents from analytics_daily "
            "where seller_id = :s order by 1, 2, 3, 4"
        ),
        {"s": seller_id},
    ).all()


def test_rollup_is_idempotent_and_picks_up_late_events(db):
    seller = make_user(db, "i@example.com")
    listing = make_listing(db, seller)
    add(db, listing, "purchase", datetime(2026, 11, 18, 10, tzinfo=UTC), 900)
    add(db, listing, "view", datetime(2026, 11, 19, 10, tzinfo=UTC))
    add(db, listing, "view", datetime(2026, 11, 20, 10, tzinfo=UTC))  # today: stays raw
    db.commit()
    rollup_seller(session=db, seller_id=seller.id, now=NOW)
    db.commit()
    first = _rollup_rows(db, seller.id)
    assert [(r.day, r.kind, r.events) for r in first] == [
        (date(2026, 11, 18), "purchase", 1),
        (date(2026, 11, 19), "view", 1),
    ]
    rollup_seller(session=db, seller_id=seller.id, now=NOW)
    db.commit()
    assert _rollup_rows(db, seller.id) == first
    # A view written late for yesterday (a worker ran behind) is folded in on the next run.
    add(db, listing, "view", datetime(2026, 11, 19, 23, tzinfo=UTC))
    db.commit()
    rollup_seller(session=db, seller_id=seller.id, now=NOW + timedelta(hours=1))
    db.commit()
    assert (date(2026, 11, 19), "view", 2) in [
        (r.day, r.kind, r.events) for r in _rollup_rows(db, seller.id)
    ]
    board = dashboard(session=db, seller=seller, now=NOW, range_key="7d")
    assert card(board, "views").value == "3"
    state = db.get(AnalyticsRollupState, seller.id)
    assert state.closed_before == date(2026, 11, 20) and state.timezone == "UTC"


def test_timezone_change_rebuilds_rollups_and_is_validated(db, celery_worker):
    seller = make_user(db, "tz@example.com")
    listing = make_listing(db, seller)
    recent = datetime.now(UTC) - timedelta(days=2)
    add(db, listing, "purchase", recent.replace(hour=2), 900)
    db.commit()
    rollup_seller(session=db, seller_id=seller.id)
    db.commit()
    with pytest.raises(ValidationFailed, match="timezone"):
        set_timezone(session=db, user=seller, timezone="Mars/Olympus_Mons")
    db.rollback()
    assert db.get(Profile, seller.id).timezone == "UTC"
    set_timezone(session=db, user=seller, timezone="Asia/Tokyo")
    db.commit()

    # The worker rebuilds the seller's rollups in the new timezone, enqueued after commit.
    def rebuilt() -> bool:
        db.expire_all()
        state = db.get(AnalyticsRollupState, seller.id)
        return state is not None and state.timezone == "Asia/Tokyo"

    wait_for(
        rebuilt,
        timeout=60,
        interval=0.3,
        message="the worker did not rebuild the rollups in the new timezone",
    )
    tokyo_day = (recent.replace(hour=2) + timedelta(hours=9)).date()
    assert [(r.day, r.kind) for r in _rollup_rows(db, seller.id)] == [(tokyo_day, "purchase")]


def test_beat_task_rolls_up_every_seller_through_the_worker(db, celery_worker):
    from workers.analytics import rollup_all_task

    sellers = [make_user(db, f"seller{i}@example.com") for i in range(3)]
    for seller in sellers:
        listing = make_listing(db, seller, title=f"Tool of {seller.username}")
        add(db, listing, "view", datetime.now(UTC) - timedelta(days=3))
    db.commit()
    rollup_all_task.delay()
    wait_for(
        lambda: db.execute(text("select count(*) from analytics_rollup_state")).scalar() == 3,
        timeout=60,
        interval=0.3,
        message="the rollups of all three sellers did not run",
    )
    rows = db.execute(text("select seller_id, events from analytics_daily order by 1")).all()
    assert rows == [(s.id, 1) for s in sellers]
    # A second run (a redelivery, or the next beat tick) changes nothing.
    before = db.execute(text("select max(updated_at) from analytics_rollup_state")).scalar()
    rollup_all_task.delay()

    def all_rerun() -> bool:
        db.rollback()
        oldest = db.execute(text("select min(updated_at) from analytics_rollup_state")).scalar()
        return oldest > before

    wait_for(
        all_rerun, timeout=60, interval=0.3, message="the second run did not reach every seller"
    )
    assert (
        db.execute(text("select seller_id, events from analytics_daily order by 1")).all() == rows
    )


# --- access --------------------------------------------------------------------------------------


def test_sellers_see_only_their_own_data(db):
    alice, bob = make_user(db, "alice@example.com"), make_user(db, "bob@example.com")
    buyer = make_user(db, "buyer@example.com", role=Role.buyer)
    a_listing, b_listing = make_listing(db, alice, "Alice tool"), make_listing(db, bob, "Bob tool")
    day = datetime(2026, 11, 19, 9, tzinfo=UTC)
    add(db, a_listing, "purchase", day, 900)
    add(db, b_listing, "purchase", day, 5000)
    db.commit()
    board = dashboard(session=db, seller=alice, now=NOW, range_key="7d")
    assert board.revenue_total == "$9" and [t.title for t in board.top] == ["Alice tool"]
    own = dashboard(session=db, seller=alice, now=NOW, range_key="7d", listing_slug=a_listing.slug)
    assert own.sales_total == 1
    with pytest.raises(PermissionDenied, match="not one of yours"):
        dashboard(session=db, seller=alice, now=NOW, listing_slug=b_listing.slug)
    with pytest.raises(PermissionDenied):
        dashboard(session=db, seller=buyer, now=NOW)
    with pytest.raises(PermissionDenied):
        dashboard(session=db, seller=None, now=NOW)


def _sale(db, listing, buyer, amount, ref):
    purchase = Purchase(
        buyer_id=buyer.id,
        listing_id=listing.id,
        status="paid",
        amount_cents=amount,
        currency="usd",
        platform_fee_cents=amount // 10,
        idempotency_key=ref,
        paid_at=datetime(2026, 11, 19, 9, tzinfo=UTC),
    )
    db.add(purchase)
    db.flush()
    ledger.record_sale(
        session=db,
        purchase=purchase,
        seller_id=listing.seller_id,
        gross_cents=amount,
        currency="usd",
        source_ref=f"dummy:purchase:{purchase.id}",
        payment_ref=None,
        transferred=False,
        description=f"Sale of {listing.title}",
        fee_percent=10,
    )
    db.commit()
    return purchase


def test_csv_exports_hold_only_the_signed_in_sellers_rows(db):
    from vibecoder.api import build_api

    alice, bob = make_user(db, "alice@example.com"), make_user(db, "bob@example.com")
    buyer = make_user(db, "buyer@example.com", role=Role.buyer)
    a_listing = make_listing(db, alice, '=HYPERLINK("http://evil")')
    b_listing = make_listing(db, bob, "Bob tool")
    mine = _sale(db, a_listing, buyer, 900, "a1")
    _sale(db, b_listing, buyer, 5000, "b1")
    tokens = {}
    for user in (alice, buyer):
        tokens[user.id] = auth.create_session(session=db, user=user, ip="1.2.3.4", user_agent="t")
    db.commit()
    client = TestClient(build_api())

    client.cookies.set("vc_session", tokens[alice.id])
    sales = client.get("/api/exports/sales.csv")
    assert sales.status_code == 200 and sales.headers["content-type"].startswith("text/csv")
    assert "attachment" in sales.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(sales.text)))
    assert [(r["order_id"], r["amount"], r["platform_fee"]) for r in rows] == [
        (str(mine.id), "9.00", "0.90")
    ]
    assert rows[0]["listing_title"].startswith("'=")  # not a formula in a spreadsheet
    ledger_rows = list(csv.DictReader(io.StringIO(client.get("/api/exports/ledger.csv").text)))
    assert [(r["kind"], r["amount"], r["balance"]) for r in ledger_rows] == [
        ("sale", "9.00", "9.00"),
        ("platform_fee", "-0.90", "8.10"),
    ]

    client.cookies.set("vc_session", tokens[buyer.id])
    refused = client.get("/api/exports/sales.csv")
    assert refused.status_code == 403 and refused.json()["error"] == "not_a_seller"
    client.cookies.clear()
    assert client.get("/api/exports/ledger.csv").status_code == 401
    client.cookies.set("vc_session", "forged-token")
    assert client.get("/api/exports/sales.csv").status_code == 401
    client.cookies.set("vc_session", tokens[alice.id])
    assert client.get("/api/exports/passwords.csv").status_code == 404


# --- live ----------------------------------------------------------------------------------------


def test_a_review_is_announced_to_the_sellers_channel_after_commit(db, redis_client):
    seller = make_user(db, "live@example.com")
    buyer = make_user(db, "buyer@example.com", role=Role.buyer)
    listing = make_listing(db, seller)
    db.add(Purchase(buyer_id=buyer.id, listing_id=listing.id, status="paid", idempotency_key="k"))
    db.commit()
    pubsub = redis_client.pubsub()
    pubsub.subscribe(channel(seller.id))
    pubsub.get_message(timeout=1)  # the subscribe confirmation
    reviews.upsert_review(session=db, buyer=buyer, listing_id=listing.id, rating=5, body="great")
    assert pubsub.get_message(timeout=0.5) is None  # nothing before commit
    db.commit()
    message = pubsub.get_message(timeout=5)
    assert message and json.loads(message["data"]) == {"kind": "review", "listing_id": listing.id}
    pubsub.close()


# --- subscriptions: every paid cycle is revenue --------------------------------------------------


def test_subscription_renewals_count_as_revenue_but_not_as_new_sales(db, api, stripe_fake):
    """Through the real path: Stripe invoice webhooks → fulfilment → events → the dashboard."""
    from vibecoder.domain.commerce import checkout

    seller = make_user(db, "subs@example.com")
    buyer = make_user(db, "buyer@example.com", role=Role.buyer)
    listing = publish(db, seller, pricing_model="subscription_monthly", price_cents=500)
    start = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    session = stripe_fake.complete_session(start.url.rsplit("/", 1)[1])
    secret = stripe_fake.webhook_secret
    post_event(api, event("checkout.session.completed", session), secret)
    first = stripe_fake.renew_subscription(session["subscription"], first=True)
    post_event(api, event("invoice.paid", first), secret)
    process_all(db)
    for _ in range(2):  # two monthly renewals
        renewal = stripe_fake.renew_subscription(session["subscription"])
        post_event(api, event("invoice.paid", renewal), secret)
        process_all(db)
    board = dashboard(session=db, seller=seller, range_key="7d")
    assert board.revenue_total == "$15"  # the first month and two renewals
    assert card(board, "sales").value == "1"
    kinds = db.exec(select(AnalyticsEvent.kind).order_by(AnalyticsEvent.id)).all()
    assert kinds.count("purchase") == 1 and kinds.count("renewal") == 2


def test_partial_refunds_net_revenue_and_a_full_refund_adds_only_the_rest(db, api, stripe_fake):
    """Refunds made in the Stripe dashboard: $4 of $10 back, then the rest, then a replay."""
    from vibecoder.domain.commerce import checkout

    seller = make_user(db, "partial@example.com")
    buyer = make_user(db, "buyer@example.com", role=Role.buyer)
    listing = publish(db, seller, price_cents=1000)
    start = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    session = stripe_fake.complete_session(start.url.rsplit("/", 1)[1])
    secret = stripe_fake.webhook_secret
    post_event(api, event("checkout.session.completed", session), secret)
    process_all(db)
    assert dashboard(session=db, seller=seller, range_key="7d").revenue_total == "$10"

    partial = stripe_fake.refund_in_dashboard(session["payment_intent"], amount=400)
    post_event(api, event("charge.refunded", partial), secret)
    process_all(db)
    board = dashboard(session=db, seller=seller, range_key="7d")
    assert board.revenue_total == "$6"
    assert card(board, "refunds").value == "1"

    rest = stripe_fake.refund_in_dashboard(session["payment_intent"])
    post_event(api, event("charge.refunded", rest), secret)
    post_event(api, event("charge.refunded", rest), secret)  # a replay under a new event id
    process_all(db)
    board = dashboard(session=db, seller=seller, range_key="7d")
    assert board.revenue_total == "$0"
    refunds = db.exec(
        select(AnalyticsEvent.amount_cents)
        .where(AnalyticsEvent.kind == "refund")
        .order_by(AnalyticsEvent.id)
    ).all()
    assert refunds == [400, 600]
