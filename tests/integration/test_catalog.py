"""Catalog rules: ownership, visibility, versions, publishing, reviews, import."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlmodel import select

from vibecoder.domain.accounts import auth
from vibecoder.domain.catalog import files as listing_files
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.catalog import reviews
from vibecoder.domain.catalog.browse import BrowseFilters, browse
from vibecoder.domain.catalog.detail import listing_view
from vibecoder.domain.catalog.importer import import_lines
from vibecoder.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from vibecoder.models.catalog import AiMetadata, Listing, ListingVersion, Review, VersionFile
from vibecoder.models.commerce import Purchase
from vibecoder.models.users import Role

PASSWORD = "tangerine-bicycle-42"
LISTING = {
    "title": "CSV Deduper",
    "summary": "Remove duplicate rows from CSV files by key columns.",
    "description": "# CSV Deduper\n\nFast and careful.",
    "category": "Data scripts",
    "technologies": ["Python", "csv"],
    "license_type": "personal",
    "pricing_model": "one_time",
    "price_cents": 900,
}


def make_user(db, email, role=Role.seller):
    user = auth.register(session=db, email=email, password=PASSWORD, role=role)
    db.commit()
    return user


def zip_bytes(files: dict[str, str]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    buffer.seek(0)
    return buffer


def publish_listing(db, seller, files=None, version="1.0.0", **overrides):
    listing = catalog.create_listing(session=db, seller=seller, data={**LISTING, **overrides})
    outcome = listing_files.add_uploaded_version(
        session=db,
        seller=seller,
        listing_id=listing.id,
        version=version,
        changelog="- first release",
        uploads=[("code.zip", zip_bytes(files or {"dedupe.py": "print('hi')\n"}))],
        ai_metadata={
            "model": "claude-sonnet-4-5",
            "provider": "anthropic",
            "prompt_history": [{"role": "user", "content": "write a csv deduper"}],
            "token_input": 1200,
            "token_output": 3400,
            "temperature": 0.2,
        },
    )
    listing_files.publish_scanned_version(session=db, seller=seller, version_id=outcome.version_id)
    db.commit()
    return listing


def test_buyer_cannot_create_listing(db):
    buyer = make_user(db, "buyer@example.com", role=Role.buyer)
    with pytest.raises(PermissionDenied):
        catalog.create_listing(session=db, seller=buyer, data=LISTING)


def test_slug_is_generated_unique_and_stable(db):
    seller = make_user(db, "s@example.com")
    first = catalog.create_listing(session=db, seller=seller, data=LISTING)
    second = catalog.create_listing(session=db, seller=seller, data=LISTING)
    assert (first.slug, second.slug) == ("csv-deduper", "csv-deduper-2")
    catalog.update_listing(
        session=db, seller=seller, listing_id=first.id, data={**LISTING, "title": "Renamed tool"}
    )
    assert first.slug == "csv-deduper"
    with pytest.raises(Conflict):
        catalog.create_listing(session=db, seller=seller, data={**LISTING, "slug": "csv-deduper"})


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"pricing_model": "free", "price_cents": 500}, "invalid_price"),
        ({"pricing_model": "one_time", "price_cents": 0}, "invalid_price"),
        ({"license_type": "mit"}, "invalid_license"),
        ({"category": "Nonsense"}, "invalid_input"),
        ({"title": "x"}, "invalid_input"),
        ({"price_cents": -5}, "invalid_input"),
        ({"currency": "doge"}, "invalid_input"),
    ],
)
def test_invalid_listing_input_is_refused_and_nothing_stored(db, overrides, code):
    seller = make_user(db, "s@example.com")
    with pytest.raises(ValidationFailed) as err:
        catalog.create_listing(session=db, seller=seller, data={**LISTING, **overrides})
    assert err.value.code == code
    db.rollback()
    assert db.exec(select(Listing)).first() is None


def test_seller_cannot_touch_another_sellers_listing(db):
    owner = make_user(db, "owner@example.com")
    intruder = make_user(db, "intruder@example.com")
    listing = catalog.create_listing(session=db, seller=owner, data=LISTING)
    db.commit()
    for action in (
        lambda: catalog.update_listing(
            session=db, seller=intruder, listing_id=listing.id, data=LISTING
        ),
        lambda: catalog.archive_listing(session=db, seller=intruder, listing_id=listing.id),
        lambda: listing_files.add_uploaded_version(
            session=db,
            seller=intruder,
            listing_id=listing.id,
            version="1.0.0",
            changelog="",
            uploads=[("a.py", io.BytesIO(b"x = 1\n"))],
        ),
    ):
        with pytest.raises(NotFound):
            action()
    db.rollback()
    assert db.get(Listing, listing.id).title == "CSV Deduper"
    assert db.exec(select(ListingVersion)).first() is None


def test_drafts_are_invisible_to_others(db):
    seller = make_user(db, "s@example.com")
    visitor = make_user(db, "v@example.com", role=Role.buyer)
    listing = catalog.create_listing(session=db, seller=seller, data=LISTING)
    db.commit()
    assert catalog.get_listing_for_viewer(session=db, slug=listing.slug, viewer=seller)
    for viewer in (None, visitor):
        with pytest.raises(NotFound):
            catalog.get_listing_for_viewer(session=db, slug=listing.slug, viewer=viewer)
    assert browse(session=db, filters=BrowseFilters()).total == 0


def test_archived_listing_stays_visible_to_its_buyers_only(db):
    seller = make_user(db, "s@example.com")
    buyer = make_user(db, "b@example.com", role=Role.buyer)
    stranger = make_user(db, "x@example.com", role=Role.buyer)
    listing = publish_listing(db, seller)
    db.add(
        Purchase(
            buyer_id=buyer.id,
            listing_id=listing.id,
            status="paid",
            amount_cents=900,
            idempotency_key="k1",
        )
    )
    catalog.archive_listing(session=db, seller=seller, listing_id=listing.id)
    db.commit()
    assert catalog.get_listing_for_viewer(session=db, slug=listing.slug, viewer=buyer)
    with pytest.raises(NotFound):
        catalog.get_listing_for_viewer(session=db, slug=listing.slug, viewer=stranger)
    with pytest.raises(NotFound):
        catalog.get_listing_for_viewer(session=db, slug=listing.slug, viewer=None)
    assert browse(session=db, filters=BrowseFilters()).total == 0


def test_versions_semver_latest_and_provenance(db):
    seller = make_user(db, "s@example.com")
    listing = publish_listing(db, seller)
    with pytest.raises(ValidationFailed):
        listing_files.add_uploaded_version(
            session=db,
            seller=seller,
            listing_id=listing.id,
            version="1.2",
            changelog="",
            uploads=[("a.py", io.BytesIO(b"x = 1\n"))],
        )
    db.rollback()
    with pytest.raises(Conflict):
        listing_files.add_uploaded_version(
            session=db,
            seller=seller,
            listing_id=listing.id,
            version="1.0.0",
            changelog="",
            uploads=[("a.py", io.BytesIO(b"x = 1\n"))],
        )
    db.rollback()
    for version in ("1.10.0", "1.2.0"):
        outcome = listing_files.add_uploaded_version(
            session=db,
            seller=seller,
            listing_id=listing.id,
            version=version,
            changelog="- more",
            uploads=[("a.py", io.BytesIO(f"VERSION = '{version}'\n".encode()))],
        )
        listing_files.publish_scanned_version(
            session=db, seller=seller, version_id=outcome.version_id
        )
    db.commit()
    latest = db.exec(
        select(ListingVersion).where(
            ListingVersion.listing_id == listing.id, ListingVersion.is_latest.is_(True)
        )
    ).all()
    # 1.10.0 > 1.2.0 by semver, not by string order or publish order.
    assert [v.version for v in latest] == ["1.10.0"]
    first = db.exec(select(ListingVersion).where(ListingVersion.version == "1.0.0")).one()
    assert first.published_by_id == seller.id and first.published_at is not None
    meta = db.get(AiMetadata, first.id)
    assert meta.model == "claude-sonnet-4-5" and meta.token_output == 3400
    view = listing_view(session=db, slug=listing.slug, viewer=None)
    assert [v.version for v in view.versions] == ["1.10.0", "1.2.0", "1.0.0"]


def test_publishing_is_blocked_by_a_live_secret(db):
    seller = make_user(db, "s@example.com")
    listing = catalog.create_listing(session=db, seller=seller, data=LISTING)
    leaked = (
        "AWS_KEY = 'AKIAIOSFODNN7EXAMPLQ'\n"
        "AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'\n"
    )
    stripe_key = "sk_" + "live_" + "51HxYzAbCdEfGhIjKlMnOpQr"
    outcome = listing_files.add_uploaded_version(
        session=db,
        seller=seller,
        listing_id=listing.id,
        version="1.0.0",
        changelog="",
        uploads=[("config.py", io.BytesIO((leaked + f"STRIPE = '{stripe_key}'\n").encode()))],
    )
    assert any(f["severity"] == "blocking" for f in outcome.findings)
    with pytest.raises(listing_files.BlockedBySecrets):
        listing_files.publish_scanned_version(
            session=db, seller=seller, version_id=outcome.version_id
        )
    db.commit()
    assert db.get(Listing, listing.id).status == "draft"
    assert db.get(ListingVersion, outcome.version_id).is_published is False


def test_malicious_zip_is_rejected_and_nothing_half_stored(db):
    seller = make_user(db, "s@example.com")
    listing = catalog.create_listing(session=db, seller=seller, data=LISTING)
    db.commit()
    evil = zip_bytes({"ok.py": "print(1)\n", "../../etc/cron.d/evil": "* * * * * root rm -rf /\n"})
    with pytest.raises(ValidationFailed):
        listing_files.add_uploaded_version(
            session=db,
            seller=seller,
            listing_id=listing.id,
            version="1.0.0",
            changelog="",
            uploads=[("evil.zip", evil)],
        )
    db.rollback()
    assert db.exec(select(ListingVersion)).first() is None
    assert db.exec(select(VersionFile)).first() is None


def test_reviews_only_from_buyers_once_each_with_consistent_rating(db):
    seller = make_user(db, "s@example.com")
    buyer = make_user(db, "b@example.com", role=Role.buyer)
    other = make_user(db, "o@example.com", role=Role.buyer)
    listing = publish_listing(db, seller)
    with pytest.raises(PermissionDenied):
        reviews.upsert_review(session=db, buyer=buyer, listing_id=listing.id, rating=5, body="!")
    with pytest.raises(PermissionDenied):
        reviews.upsert_review(session=db, buyer=seller, listing_id=listing.id, rating=5, body="me")
    for user, key in ((buyer, "p1"), (other, "p2")):
        db.add(
            Purchase(
                buyer_id=user.id,
                listing_id=listing.id,
                status="paid",
                amount_cents=900,
                idempotency_key=key,
            )
        )
    db.commit()
    reviews.upsert_review(session=db, buyer=buyer, listing_id=listing.id, rating=2, body="meh")
    reviews.upsert_review(session=db, buyer=buyer, listing_id=listing.id, rating=4, body="better")
    reviews.upsert_review(session=db, buyer=other, listing_id=listing.id, rating=5, body="great")
    with pytest.raises(ValidationFailed):
        reviews.upsert_review(session=db, buyer=other, listing_id=listing.id, rating=6, body="")
    db.commit()
    db.refresh(listing)
    assert db.exec(select(Review)).all().__len__() == 2
    assert (listing.rating_count, listing.rating_avg) == (2, 4.5)
    review = db.exec(select(Review).where(Review.buyer_id == buyer.id)).one()
    reviews.reply_to_review(session=db, seller=seller, review_id=review.id, body="Thanks!")
    with pytest.raises(Conflict):
        reviews.reply_to_review(session=db, seller=seller, review_id=review.id, body="Again")
    with pytest.raises(NotFound):
        reviews.reply_to_review(session=db, seller=other, review_id=review.id, body="Not mine")


def test_browse_filters_sort_and_paginate(db):
    seller = make_user(db, "s@example.com")
    publish_listing(
        db,
        seller,
        title="Cheap CLI",
        category="CLI tools",
        price_cents=500,
        technologies=["python"],
    )
    publish_listing(
        db, seller, title="Pricey API", category="APIs", price_cents=5000, technologies=["node"]
    )
    publish_listing(
        db,
        seller,
        title="Free Game",
        category="Games",
        pricing_model="free",
        price_cents=0,
        license_type="mit",
        technologies=["javascript"],
    )
    result = browse(session=db, filters=BrowseFilters(sort="price_high"))
    assert [c.title for c in result.items] == ["Pricey API", "Cheap CLI", "Free Game"]
    assert [c.title for c in browse(session=db, filters=BrowseFilters(category="APIs")).items] == [
        "Pricey API"
    ]
    assert browse(session=db, filters=BrowseFilters(technology="python")).total == 1
    assert browse(session=db, filters=BrowseFilters(max_price_cents=600)).total == 2
    assert browse(session=db, filters=BrowseFilters(pricing_model="free")).total == 1
    paged = browse(session=db, filters=BrowseFilters(sort="price_low"), page=2, page_size=2)
    assert (paged.page, paged.pages, [c.title for c in paged.items]) == (2, 2, ["Pricey API"])


def test_import_reports_bad_lines_and_is_idempotent(db):
    seller = make_user(db, "importer@example.com")
    good = {
        "slug": "todo-api-core",
        "title": "Todo API core",
        "summary": "A tiny todo REST core.",
        "description": "Works.",
        "category": "APIs",
        "technologies": ["python"],
        "license": "commercial",
        "pricing": "one_time",
        "price_cents": 1900,
        "currency": "usd",
        "version": "1.0.0",
        "changelog": "- initial",
        "files": {"todo/api.py": "def handler():\n    return 200\n"},
        "ai_metadata": {
            "model": "gpt-4.1",
            "provider": "openai",
            "prompt_history": [{"role": "user", "content": "todo api"}],
            "token_usage": {"input": 10, "output": 20},
            "temperature": 0.3,
            "generated_at": "2026-10-01T12:00:00Z",
        },
    }
    traversal = {**good, "slug": "evil-one", "files": {"../../etc/passwd": "root"}}
    lines = [
        json.dumps(good),
        "{not json",
        json.dumps({**good, "slug": "no-files", "files": {}}),
        json.dumps(traversal),
        json.dumps({**good, "slug": "bad-version", "version": "one"}),
    ]
    summary = import_lines(session=db, seller=seller, lines=lines)
    db.commit()
    assert summary.created == 1
    assert [n for n, _ in summary.errors] == [2, 3, 4, 5]
    assert {listing.slug for listing in db.exec(select(Listing))} == {"todo-api-core"}
    files = db.exec(select(VersionFile)).all()
    assert [f.path for f in files] == ["todo/api.py"] and files[0].language == "python"

    again = import_lines(session=db, seller=seller, lines=[json.dumps(good)])
    newer = import_lines(
        session=db, seller=seller, lines=[json.dumps({**good, "version": "1.1.0"})]
    )
    db.commit()
    assert (again.unchanged, newer.versions_added) == (1, 1)
    assert len(db.exec(select(ListingVersion)).all()) == 2


def _jpeg_with_exif(size=(3000, 2000)) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0131] = "GeoTagger 1.0"  # Software
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_cover_images_are_validated_reencoded_and_served_only_when_public(db):
    from PIL import Image
    from starlette.testclient import TestClient

    from vibecoder.api import build_api
    from vibecoder.domain.catalog.covers import set_cover

    seller = make_user(db, "s@example.com")
    listing = catalog.create_listing(session=db, seller=seller, data=LISTING)
    fake_png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # right magic bytes, not an image
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    for bad in (b"<svg onload='alert(1)'/>", fake_png, gif.getvalue(), b"\xff\xd8\xff" * 10**6):
        with pytest.raises(ValidationFailed):
            set_cover(session=db, seller=seller, listing_id=listing.id, stream=io.BytesIO(bad))
    original = _jpeg_with_exif()
    assert b"SecretCam" in original
    set_cover(session=db, seller=seller, listing_id=listing.id, stream=io.BytesIO(original))
    db.commit()
    client = TestClient(build_api())
    url = f"/api/covers/{listing.cover_image_sha}"
    assert client.get(url).status_code == 404  # the listing is still a draft
    listing.status = "published"
    db.add(listing)
    db.commit()
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/webp"
    served = Image.open(io.BytesIO(response.content))
    assert served.format == "WEBP" and served.size == (1012, 675)  # resized to the page size
    assert b"SecretCam" not in response.content and not served.getexif()
    assert client.get("/api/covers/" + "0" * 64).status_code == 404


def test_views_are_counted_once_per_visitor_per_day(db):
    from datetime import UTC, datetime, timedelta

    from vibecoder.domain.analytics.events import record_view
    from vibecoder.models.analytics import AnalyticsEvent

    seller = make_user(db, "s@example.com")
    listing = publish_listing(db, seller)
    day = datetime(2026, 11, 20, 10, tzinfo=UTC)
    counted = [
        record_view(session=db, listing_id=listing.id, visitor="v1", at=day),
        record_view(session=db, listing_id=listing.id, visitor="v1", at=day + timedelta(hours=5)),
        record_view(session=db, listing_id=listing.id, visitor="v2", at=day),
        record_view(
            session=db,
            listing_id=listing.id,
            visitor="v1",
            at=day + timedelta(days=1),
            referrer="https://news.example/",
            utm_source="newsletter",
        ),
    ]
    db.commit()
    assert counted == [True, False, True, True]
    db.refresh(listing)
    assert listing.view_count == 3
    events = db.exec(select(AnalyticsEvent).where(AnalyticsEvent.kind == "view")).all()
    assert len(events) == 3 and {e.utm_source for e in events} == {None, "newsletter"}
    assert all(e.seller_id == seller.id and "v1" not in e.visitor_hash for e in events)


def test_views_keep_being_counted_on_a_long_lived_connection(db):
    """A worker's connection runs the view insert again and again: psycopg prepares it after
    five runs and Postgres then plans it generically. The ON CONFLICT target's partial-index
    predicate used to be a bound parameter, which a generic plan cannot match to the index
    ("no unique or exclusion constraint matching the ON CONFLICT specification"): every view
    after the first few on a worker was lost."""
    from datetime import UTC, datetime

    from vibecoder.domain.analytics.events import record_view

    seller = make_user(db, "s@example.com")
    listing = publish_listing(db, seller)
    day = datetime(2026, 11, 20, 10, tzinfo=UTC)
    counted = [
        record_view(session=db, listing_id=listing.id, visitor=f"visitor-{i}", at=day)
        for i in range(20)
    ]
    counted.append(record_view(session=db, listing_id=listing.id, visitor="visitor-3", at=day))
    db.commit()
    assert counted == [True] * 20 + [False]
    db.refresh(listing)
    assert listing.view_count == 20
