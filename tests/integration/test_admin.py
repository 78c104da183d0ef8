"""The admin area against the real database: reports, takedowns, suspensions, refunds, metrics.

Every admin service is called as a buyer and a seller too (refused, nothing written); every
action needs a reason and leaves exactly one audit row, committed with the change or not at all.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, text
from sqlmodel import select
from starlette.testclient import TestClient

from tests.fakes.commerce import (
    api_fixture,  # noqa: F401 - the `api` fixture
    make_user,
    post_event,
    process_all,
    publish,
    purchase_status,
    reload,
    stripe_fake_fixture,  # noqa: F401 - the `stripe_fake` fixture
)
from tests.fakes.stripe_server import StripeError, event
from vibecoder.domain.accounts import auth, profiles
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.catalog.browse import BrowseFilters, browse
from vibecoder.domain.commerce import checkout, downloads, refunds
from vibecoder.domain.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ServiceError,
    ValidationFailed,
)
from vibecoder.domain.moderation import admin
from vibecoder.domain.moderation import reports as moderation
from vibecoder.domain.search.index import embed_listing
from vibecoder.domain.search.query import similar_listings
from vibecoder.models.catalog import Listing
from vibecoder.models.commerce import LedgerEntry, License, Notification, Purchase
from vibecoder.models.moderation import AdminAuditEntry, ListingHold, ListingReport
from vibecoder.models.users import Role, User

PASSWORD = "tangerine-bicycle-42"


@pytest.fixture
def people(db):
    return {
        "admin": make_user(db, "admin@example.com", Role.admin),
        "seller": make_user(db, "seller@example.com", Role.seller),
        "buyer": make_user(db, "buyer@example.com"),
    }


def _audit_rows(db) -> list[AdminAuditEntry]:
    db.expire_all()
    return list(db.exec(select(AdminAuditEntry).order_by(AdminAuditEntry.id)))


def _browse_slugs(db) -> list[str]:
    db.expire_all()
    return [card.slug for card in browse(session=db, filters=BrowseFilters()).items]


def _paid_purchase(db, buyer: User, listing: Listing) -> int:
    """A one-time purchase paid through the dummy gateway's own events."""
    from tests.fakes.commerce import configured

    with configured(VIBECODER_PAYMENT_GATEWAY="dummy"):
        start = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
        checkout.pay_dummy_checkout(
            session=db,
            session_ref=start.url.rsplit("/", 1)[1],
            card_number="4242 4242 4242 4242",
            buyer_id=buyer.id,
        )
        db.commit()
        process_all(db)
    assert purchase_status(db, start.purchase_id) == "paid"
    return start.purchase_id


# --- reports -----------------------------------------------------------------------------------


def test_a_signed_in_user_reports_a_listing_once(db, people):
    listing = publish(db, people["seller"])
    report = moderation.report_listing(
        session=db,
        reporter=people["buyer"],
        listing_id=listing.id,
        category="malware",
        details="It uploads ~/.ssh to a pastebin.",
    )
    db.commit()
    assert report.status == "open"
    with pytest.raises(Conflict) as duplicate:
        moderation.report_listing(
            session=db, reporter=people["buyer"], listing_id=listing.id, category="spam"
        )
    assert duplicate.value.code == "already_reported"
    assert "already reported" in duplicate.value.message
    db.rollback()
    with pytest.raises(PermissionDenied):
        moderation.report_listing(session=db, reporter=None, listing_id=listing.id, category="spam")
    with pytest.raises(Conflict) as own:
        moderation.report_listing(
            session=db, reporter=people["seller"], listing_id=listing.id, category="spam"
        )
    assert own.value.code == "own_listing"
    with pytest.raises(ValidationFailed) as bad:
        moderation.report_listing(
            session=db, reporter=people["admin"], listing_id=listing.id, category="boring"
        )
    assert bad.value.field == "category"
    with pytest.raises(ValidationFailed) as vague:
        moderation.report_listing(
            session=db, reporter=people["admin"], listing_id=listing.id, category="other"
        )
    assert vague.value.code == "details_required"
    db.rollback()
    assert db.exec(select(func.count()).select_from(ListingReport)).one() == 1
    # Once the report is closed, the same user may report again.
    admin.dismiss_report(
        session=db, actor=people["admin"], report_id=report.id, reason="Checked, harmless."
    )
    db.commit()
    again = moderation.report_listing(
        session=db, reporter=people["buyer"], listing_id=listing.id, category="spam"
    )
    db.commit()
    assert again.id != report.id


def test_drafts_cannot_be_reported_or_probed(db, people):
    draft = catalog.create_listing(
        session=db,
        seller=people["seller"],
        data={"title": "Secret Draft", "category": "Utilities", "price_cents": 500},
    )
    db.commit()
    with pytest.raises(NotFound):
        moderation.report_listing(
            session=db, reporter=people["buyer"], listing_id=draft.id, category="spam"
        )


def test_the_queue_lists_open_reports_oldest_first_and_pages(db, people):
    listing = publish(db, people["seller"])
    reporters = [make_user(db, f"reporter{i}@example.com") for i in range(admin.PAGE_SIZE + 2)]
    for reporter in reporters:
        moderation.report_listing(
            session=db, reporter=reporter, listing_id=listing.id, category="misleading"
        )
    db.commit()
    rows, total, pages = admin.list_reports(session=db, actor=people["admin"], status="open")
    assert total == admin.PAGE_SIZE + 2 and pages == 2 and len(rows) == admin.PAGE_SIZE
    assert rows[0].reporter == reporters[0].username
    assert rows[0].category_label == "Misleading description"
    assert rows[0].listing_slug == listing.slug
    second, _, _ = admin.list_reports(session=db, actor=people["admin"], status="open", page=2)
    assert [r.reporter for r in second] == [u.username for u in reporters[-2:]]
    admin.resolve_report(
        session=db, actor=people["admin"], report_id=rows[0].id, reason="Description fixed."
    )
    db.commit()
    resolved, total, _ = admin.list_reports(session=db, actor=people["admin"], status="resolved")
    assert total == 1 and resolved[0].resolution_note == "Description fixed."
    with pytest.raises(Conflict):
        admin.dismiss_report(
            session=db, actor=people["admin"], report_id=rows[0].id, reason="Changed my mind"
        )


# --- access control and reasons ----------------------------------------------------------------


def test_buyers_and_sellers_are_refused_by_every_admin_service(db, people):
    listing = publish(db, people["seller"])
    report = moderation.report_listing(
        session=db, reporter=people["buyer"], listing_id=listing.id, category="spam"
    )
    db.commit()
    purchase_id = _paid_purchase(db, people["buyer"], listing)
    calls = {
        "list_reports": lambda actor: admin.list_reports(session=db, actor=actor),
        "resolve_report": lambda actor: admin.resolve_report(
            session=db, actor=actor, report_id=report.id, reason="mine now"
        ),
        "dismiss_report": lambda actor: admin.dismiss_report(
            session=db, actor=actor, report_id=report.id, reason="mine now"
        ),
        "take_down": lambda actor: admin.take_down_listing(
            session=db, actor=actor, listing_id=listing.id, reason="competition"
        ),
        "restore": lambda actor: admin.restore_listing(
            session=db, actor=actor, listing_id=listing.id, reason="because"
        ),
        "suspend": lambda actor: admin.suspend_user(
            session=db, actor=actor, user_id=people["admin"].id, reason="coup"
        ),
        "restore_user": lambda actor: admin.restore_user(
            session=db, actor=actor, user_id=people["admin"].id, reason="coup"
        ),
        "refund": lambda actor: admin.refund_purchase(
            session=db, actor=actor, purchase_id=purchase_id, reason="free money"
        ),
        "metrics": lambda actor: admin.platform_metrics(session=db, actor=actor),
        "listings": lambda actor: admin.search_listings(session=db, actor=actor),
        "users": lambda actor: admin.search_users(session=db, actor=actor),
        "purchases": lambda actor: admin.search_purchases(session=db, actor=actor),
        "audit": lambda actor: admin.audit_log(session=db, actor=actor),
    }
    for name, call in calls.items():
        for who in ("buyer", "seller", None):
            actor = people[who] if who else None
            with pytest.raises(PermissionDenied) as refused:
                call(actor)
            assert refused.value.code == "admin_only", name
            db.rollback()
    # A stale admin object is not enough: the role is read from the database each time.
    demoted = people["admin"]
    db.exec(text("update users set role = 'seller' where id = :id"), params={"id": demoted.id})
    db.commit()
    with pytest.raises(PermissionDenied):
        admin.take_down_listing(session=db, actor=demoted, listing_id=listing.id, reason="stale")
    db.rollback()
    assert _audit_rows(db) == []
    assert reload(db, Listing, listing.id).status == "published"
    assert reload(db, ListingReport, report.id).status == "open"
    assert purchase_status(db, purchase_id) == "paid"


@pytest.mark.parametrize("reason", ["", "  ", "no", "x" * 1001])
def test_every_action_needs_a_reason_and_a_refusal_writes_nothing(db, people, reason):
    listing = publish(db, people["seller"])
    with pytest.raises(ValidationFailed) as refused:
        admin.take_down_listing(
            session=db, actor=people["admin"], listing_id=listing.id, reason=reason
        )
    assert refused.value.field == "reason"
    db.rollback()
    with pytest.raises(ValidationFailed):
        admin.suspend_user(
            session=db, actor=people["admin"], user_id=people["seller"].id, reason=reason
        )
    db.rollback()
    assert _audit_rows(db) == []
    assert reload(db, Listing, listing.id).status == "published"
    assert not reload(db, User, people["seller"].id).is_suspended


def test_audit_log_is_append_only(db, people):
    listing = publish(db, people["seller"])
    admin.take_down_listing(
        session=db, actor=people["admin"], listing_id=listing.id, reason="Malware confirmed."
    )
    db.commit()
    for statement in (
        "UPDATE admin_audit_log SET reason = 'nothing'",
        "DELETE FROM admin_audit_log",
    ):
        with pytest.raises(Exception, match="append-only"):
            db.exec(text(statement))
        db.rollback()
    [entry] = _audit_rows(db)
    assert entry.reason == "Malware confirmed."


# --- takedown and restore ----------------------------------------------------------------------


def test_taken_down_listing_disappears_everywhere_and_buyers_keep_downloads(
    db, people, redis_client
):
    seller, buyer = people["seller"], people["buyer"]
    bad = publish(db, seller, title="Coffee Counter Pro", summary="Counts cups of coffee.")
    other = publish(db, seller, title="Coffee Counter Lite", summary="Counts cups of coffee too.")
    for listing in (bad, other):
        embed_listing(session=db, listing_id=listing.id)
    db.commit()
    purchase_id = _paid_purchase(db, buyer, bad)
    reporter = make_user(db, "reporter@example.com")
    report = moderation.report_listing(
        session=db, reporter=reporter, listing_id=bad.id, category="copyright"
    )
    db.commit()
    from vibecoder.api import build_api

    def search_slugs() -> list[str]:
        with TestClient(build_api()) as client:
            found = client.get("/api/search", params={"q": "coffee counter pro"}).json()
        return [hit["slug"] for hit in found["results"]]

    def similar_slugs() -> list[str]:
        return [c.slug for c in similar_listings(session=db, listing_id=other.id)]

    assert bad.slug in _browse_slugs(db)
    assert bad.slug in search_slugs() and bad.slug in similar_slugs()

    admin.take_down_listing(
        session=db, actor=people["admin"], listing_id=bad.id, reason="Copied from a GPL project."
    )
    db.commit()

    # Browse, the search API, similar listings and the creator's profile no longer show it.
    assert _browse_slugs(db) == [other.slug]
    assert search_slugs() == [other.slug]
    assert bad.slug not in similar_slugs()
    cards, total = profiles.creator_listings(session=db, username=seller.username)
    assert [c.slug for c in cards] == [other.slug] and total == 1
    # Its page: missing for strangers, with a clear notice; the buyer is told they keep it.
    with pytest.raises(NotFound):
        catalog.get_listing_for_viewer(session=db, slug=bad.slug, viewer=reporter)
    assert "has been removed" in moderation.removed_notice(
        session=db, slug=bad.slug, viewer=reporter
    )
    assert "your downloads and license stay" in moderation.removed_notice(
        session=db, slug=bad.slug, viewer=buyer
    )
    version_id = catalog.latest_version(session=db, listing_id=bad.id).id
    link = downloads.create_link(
        session=db, user=buyer, purchase_id=purchase_id, version_id=version_id
    )
    assert f"/api/downloads/{purchase_id}/{version_id}?" in link
    # The report is resolved by the takedown, the seller is told, and one audit row says why.
    assert reload(db, ListingReport, report.id).status == "resolved"
    assert (
        db.exec(
            select(Notification).where(
                Notification.user_id == seller.id, Notification.kind == "moderation"
            )
        )
        .one()
        .body.endswith("Reason: Copied from a GPL project.")
    )
    [entry] = _audit_rows(db)
    assert (entry.actor_id, entry.action, entry.target_type, entry.target_id) == (
        people["admin"].id,
        "listing_taken_down",
        "listing",
        bad.id,
    )
    assert entry.details["prior_status"] == "published"
    assert entry.details["resolved_reports"] == [report.id]
    # The seller cannot republish it themselves.
    with pytest.raises(PermissionDenied):
        catalog.publish_listing(session=db, seller=seller, listing_id=bad.id)
    db.rollback()
    with pytest.raises(Conflict):
        admin.take_down_listing(
            session=db, actor=people["admin"], listing_id=bad.id, reason="again"
        )
    db.rollback()

    admin.restore_listing(
        session=db, actor=people["admin"], listing_id=bad.id, reason="Licence was fine after all."
    )
    db.commit()
    assert sorted(_browse_slugs(db)) == sorted([bad.slug, other.slug])
    assert db.get(ListingHold, bad.id) is None
    assert [e.action for e in _audit_rows(db)] == ["listing_taken_down", "listing_restored"]
    rows, total, _ = admin.audit_log(session=db, actor=people["admin"])
    assert total == 2 and rows[0].action == "listing_restored"
    assert rows[0].actor == people["admin"].username and rows[0].target == f"listing #{bad.id}"
    downs, total, _ = admin.audit_log(
        session=db, actor=people["admin"], action="listing_taken_down"
    )
    assert total == 1 and downs[0].reason == "Copied from a GPL project."
    with pytest.raises(ValidationFailed):
        admin.audit_log(session=db, actor=people["admin"], action="drop_table")
    with pytest.raises(Conflict):
        admin.restore_listing(session=db, actor=people["admin"], listing_id=bad.id, reason="again")


def test_admin_listing_search_pages_and_filters(db, people):
    seller = people["seller"]
    listings = [publish(db, seller, title=f"Widget {i:02d}") for i in range(admin.PAGE_SIZE + 1)]
    publish(db, seller, title="Unrelated Gadget")
    admin.take_down_listing(
        session=db, actor=people["admin"], listing_id=listings[0].id, reason="Spam listing."
    )
    db.commit()
    rows, total, pages = admin.search_listings(session=db, actor=people["admin"], q="widget")
    assert total == admin.PAGE_SIZE + 1 and pages == 2 and len(rows) == admin.PAGE_SIZE
    down, total, _ = admin.search_listings(session=db, actor=people["admin"], status="taken_down")
    assert total == 1 and down[0].id == listings[0].id and down[0].taken_down
    assert down[0].hold_reason == "Spam listing." and down[0].seller == seller.username
    # LIKE wildcards in the query are matched literally.
    assert admin.search_listings(session=db, actor=people["admin"], q="%")[1] == 0
    with pytest.raises(ValidationFailed):
        admin.search_listings(session=db, actor=people["admin"], status="deleted")


# --- suspension --------------------------------------------------------------------------------


def test_suspended_user_cannot_sign_in_loses_sessions_and_listings_are_hidden(
    db, people, redis_client
):
    seller = people["seller"]
    shown = publish(db, seller, title="Log Analyzer")
    taken = publish(db, seller, title="Shady Scraper")
    token = auth.create_session(session=db, user=seller)
    plaintext, _ = auth.create_api_key(session=db, user=seller, name="ci")
    db.commit()
    admin.take_down_listing(
        session=db, actor=people["admin"], listing_id=taken.id, reason="Scrapes without consent."
    )
    db.commit()
    admin.suspend_user(
        session=db, actor=people["admin"], user_id=seller.id, reason="Repeated malware uploads."
    )
    db.commit()

    with pytest.raises(PermissionDenied) as refused:
        auth.authenticate(
            session=db,
            redis_client=redis_client,
            email=seller.email,
            password=PASSWORD,
            ip="127.0.0.1",
        )
    assert refused.value.code == "account_suspended"
    assert auth.user_for_session(session=db, token=token) is None
    assert auth.user_for_api_key(session=db, key=plaintext) is None
    assert _browse_slugs(db) == []
    with pytest.raises(NotFound):
        profiles.creator_profile(session=db, username=seller.username)
    entry = _audit_rows(db)[-1]
    assert entry.action == "user_suspended" and entry.reason == "Repeated malware uploads."
    assert entry.details["sessions_revoked"] == 1
    assert entry.details["listings_hidden"] == 1
    assert entry.details["listings_hidden_ids"] == [shown.id]
    rows, total, _ = admin.search_users(session=db, actor=people["admin"], filter="suspended")
    assert total == 1 and rows[0].username == seller.username
    assert rows[0].suspended_reason == "Repeated malware uploads."
    with pytest.raises(Conflict):
        admin.suspend_user(session=db, actor=people["admin"], user_id=seller.id, reason="again")
    db.rollback()
    with pytest.raises(Conflict):
        admin.suspend_user(
            session=db, actor=people["admin"], user_id=people["admin"].id, reason="oops"
        )
    db.rollback()

    # Restoring the listing alone does not show it while its seller is suspended.
    admin.restore_listing(
        session=db, actor=people["admin"], listing_id=taken.id, reason="Consent obtained."
    )
    db.commit()
    assert _browse_slugs(db) == []
    admin.restore_user(session=db, actor=people["admin"], user_id=seller.id, reason="Appeal won.")
    db.commit()
    assert sorted(_browse_slugs(db)) == sorted([shown.slug, taken.slug])
    assert db.exec(select(func.count()).select_from(ListingHold)).one() == 0
    signed_in = auth.authenticate(
        session=db, redis_client=redis_client, email=seller.email, password=PASSWORD, ip="1.2.3.4"
    )
    assert signed_in.id == seller.id
    # Old sessions stay revoked: the user signs in afresh.
    assert auth.user_for_session(session=db, token=token) is None
    assert [e.action for e in _audit_rows(db)] == [
        "listing_taken_down",
        "user_suspended",
        "listing_restored",
        "user_restored",
    ]
    assert _audit_rows(db)[-1].details["listings_restored_ids"] == sorted([shown.id, taken.id])


def test_a_takedown_outlasts_the_sellers_restore(db, people):
    seller = people["seller"]
    listing = publish(db, seller)
    admin.suspend_user(session=db, actor=people["admin"], user_id=seller.id, reason="Chargebacks.")
    db.commit()
    admin.take_down_listing(
        session=db, actor=people["admin"], listing_id=listing.id, reason="Stolen code."
    )
    db.commit()
    admin.restore_user(session=db, actor=people["admin"], user_id=seller.id, reason="Resolved.")
    db.commit()
    assert reload(db, Listing, listing.id).status == "taken_down"
    admin.restore_listing(
        session=db, actor=people["admin"], listing_id=listing.id, reason="Author confirmed."
    )
    db.commit()
    assert reload(db, Listing, listing.id).status == "published"


# --- refunds -----------------------------------------------------------------------------------


def test_admin_refund_disables_the_licence_writes_the_ledger_and_one_audit_row(
    db, api, stripe_fake, people
):
    seller, buyer = people["seller"], people["buyer"]
    listing = publish(db, seller)

    def paid_by(who: User) -> int:
        start = checkout.begin_checkout(buyer_id=who.id, listing_id=listing.id)
        session = stripe_fake.complete_session(start.url.rsplit("/", 1)[1])
        post_event(api, event("checkout.session.completed", session), stripe_fake.webhook_secret)
        process_all(db)
        assert purchase_status(db, start.purchase_id) == "paid"
        return start.purchase_id

    purchase_id = paid_by(buyer)
    disputed_id = paid_by(make_user(db, "second@example.com"))
    # Past the sellers' refund window: only an admin can still refund.
    db.exec(
        text("update purchases set paid_at = now() - interval '40 days' where id = :id"),
        params={"id": purchase_id},
    )
    db.commit()
    with pytest.raises(PermissionDenied):
        refunds.refund_purchase(session=db, actor=seller, purchase_id=purchase_id)
    db.rollback()

    # The gateway refuses: nothing is written, not even the audit row.
    stripe_fake.fail_next["POST /v1/refunds"] = StripeError(
        400, "invalid_request_error", "This charge has a pending dispute."
    )
    with pytest.raises(ServiceError) as failed:
        admin.refund_purchase(
            session=db, actor=people["admin"], purchase_id=disputed_id, reason="Buyer asked."
        )
    assert failed.value.code == "refund_failed"
    assert "pending dispute" in failed.value.message
    db.rollback()
    assert _audit_rows(db) == []
    assert purchase_status(db, disputed_id) == "paid"
    assert (
        db.exec(
            select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == "refund")
        ).one()
        == 0
    )

    admin.refund_purchase(
        session=db, actor=people["admin"], purchase_id=purchase_id, reason="Buyer scammed."
    )
    db.commit()
    assert purchase_status(db, purchase_id) == "refunded"
    license = db.exec(select(License).where(License.purchase_id == purchase_id)).one()
    assert license.status == "disabled"
    kinds = db.exec(
        select(LedgerEntry.kind, LedgerEntry.amount_cents)
        .where(LedgerEntry.purchase_id == purchase_id)
        .order_by(LedgerEntry.id)
    ).all()
    assert kinds == [("sale", 900), ("platform_fee", -90), ("refund", -900), ("fee_reversal", 90)]
    [entry] = _audit_rows(db)
    assert (entry.action, entry.target_type, entry.target_id, entry.reason) == (
        "purchase_refunded",
        "purchase",
        purchase_id,
        "Buyer scammed.",
    )
    assert entry.details["amount_cents"] == 900
    # A second refund is refused and audits nothing.
    with pytest.raises(Conflict):
        admin.refund_purchase(
            session=db, actor=people["admin"], purchase_id=purchase_id, reason="Again please."
        )
    db.rollback()
    assert len(_audit_rows(db)) == 1
    rows, total, _ = admin.search_purchases(session=db, actor=people["admin"], q=f"#{purchase_id}")
    assert total == 1 and rows[0].status == "refunded" and not rows[0].refundable
    by_email, total, _ = admin.search_purchases(session=db, actor=people["admin"], q="BUYER@EX")
    assert total == 1 and by_email[0].buyer_email == buyer.email and by_email[0].amount == "$9"
    by_listing, total, _ = admin.search_purchases(session=db, actor=people["admin"], q="csv dedup")
    assert total == 2 and {r.id for r in by_listing} == {purchase_id, disputed_id}
    assert admin.search_purchases(session=db, actor=people["admin"], q="nobody@")[1] == 0


# --- metrics -----------------------------------------------------------------------------------


def test_platform_metrics_from_known_sales(db, people):
    seller, buyer = people["seller"], people["buyer"]
    second_buyer = make_user(db, "second@example.com")
    idle_seller = make_user(db, "idle@example.com", Role.seller)
    cheap = publish(db, seller, title="Cheap Tool", price_cents=900)
    dear = publish(db, seller, title="Dear Tool", price_cents=2500)
    # The idle seller's only listing was published 40 days ago: not active in the window.
    old = publish(db, idle_seller, title="Old Tool")
    db.exec(
        text(
            "update listing_versions set published_at = now() - interval '40 days' where "
            "listing_id = :id"
        ),
        params={"id": old.id},
    )
    db.commit()
    _paid_purchase(db, buyer, cheap)
    refunded = _paid_purchase(db, second_buyer, dear)
    _paid_purchase(db, second_buyer, cheap)
    admin.refund_purchase(session=db, actor=people["admin"], purchase_id=refunded, reason="Dupe.")
    db.commit()
    admin.take_down_listing(
        session=db, actor=people["admin"], listing_id=old.id, reason="Abandoned."
    )
    moderation.report_listing(session=db, reporter=buyer, listing_id=dear.id, category="spam")
    db.commit()

    metrics = admin.platform_metrics(session=db, actor=people["admin"])
    # Sales 9 + 25 + 9 = 43; fees 10% = 4.30 minus 2.50 returned; 25 refunded.
    assert metrics.gmv == "$43"
    assert metrics.fees == "$1.80"
    assert metrics.refunds == "$25"
    assert metrics.active_sellers == 1
    assert metrics.published_listings == 2
    assert metrics.buyers == 2
    assert metrics.open_reports == 1
    assert metrics.taken_down_listings == 1
    assert metrics.suspended_users == 0
    # Sales older than the window fall out of the money figures.
    later = admin.platform_metrics(
        session=db, actor=people["admin"], now=datetime.now(UTC) + timedelta(days=31)
    )
    assert (later.gmv, later.fees, later.refunds, later.active_sellers) == ("$0", "$0", "$0", 0)


def test_purchase_lookup_excludes_abandoned_checkouts(db, people):
    listing = publish(db, people["seller"])
    checkout.begin_checkout(buyer_id=people["buyer"].id, listing_id=listing.id)
    db.exec(text("update purchases set status = 'canceled'"))
    db.commit()
    assert db.exec(select(func.count()).select_from(Purchase)).one() == 1
    assert admin.search_purchases(session=db, actor=people["admin"])[1] == 0
